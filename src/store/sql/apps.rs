//! The apps served: remembered on first start when none is configured.

use super::SqlStore;
use crate::config::AppConfig;
use crate::store::db::{Db, params};
use crate::store::schema::*;
use crate::store::*;

#[async_trait::async_trait]
impl AppStore for SqlStore {
    async fn load_apps(&self) -> StoreResult<Vec<AppConfig>> {
        self.read(|mut db: Db<'_>| {
            Box::pin(async move {
                let rows = db
                    .all(
                        "SELECT sdkappid, secret_key, admins FROM apps ORDER BY sdkappid",
                        &[],
                    )
                    .await?;
                rows.iter()
                    .map(|r| {
                        Ok(AppConfig {
                            profile_custom_tags: Vec::new(),
                            sdkappid: r.int(0)? as u64,
                            secret_key: r.text(1)?,
                            previous_keys: Vec::new(),
                            admins: serde_json::from_str(&r.text(2)?)
                                .map_err(|_| corrupt("app admins"))?,
                        })
                    })
                    .collect()
            })
        })
        .await
    }

    async fn save_app(&self, app: &AppConfig, now: i64) -> StoreResult<()> {
        let app = app.clone();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                db.exec(
                    "INSERT INTO apps (sdkappid, secret_key, admins, created_at) VALUES ($1, $2, $3, $4)",
                    params![app.sdkappid as i64, &app.secret_key, to_json(&app.admins).as_str(), now],
                )
                .await?;
                Ok(())
            })
        })
        .await
    }
}
