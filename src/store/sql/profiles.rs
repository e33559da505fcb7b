//! Profiles: an account's tags, one row each, the value kept as JSON text.

use super::SqlStore;
use crate::store::db::{Db, params};
use crate::store::*;

impl SqlStore {
    /// Stores one tag's value (JSON text), replacing the stored one.
    pub(super) async fn set_tag(
        db: &mut Db<'_>,
        app: u64,
        user: &str,
        tag: &str,
        value: &str,
    ) -> StoreResult<()> {
        db.exec(
            "INSERT INTO profiles (sdkappid, user_id, tag, value) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (sdkappid, user_id, tag) DO UPDATE SET value = excluded.value",
            params![app as i64, user, tag, value],
        )
        .await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl ProfileStore for SqlStore {
    async fn set_profile(
        &self,
        app: u64,
        user: &str,
        items: &[(String, String)],
    ) -> StoreResult<bool> {
        let (user, items) = (user.to_string(), items.to_vec());
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                // A profile never outlives its account.
                if !Self::account_kept(&mut db, app, &user).await? {
                    return Ok(false);
                }
                for (tag, value) in &items {
                    Self::set_tag(&mut db, app, &user, tag, value).await?;
                }
                Ok(true)
            })
        })
        .await
    }

    async fn profiles(
        &self,
        app: u64,
        users: &[String],
    ) -> StoreResult<Vec<Vec<(String, String)>>> {
        let users = users.to_vec();
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                let mut out = Vec::with_capacity(users.len());
                for user in &users {
                    let tags = db
                        .map_all(
                            "SELECT tag, value FROM profiles WHERE sdkappid = $1 AND user_id = $2 \
                             ORDER BY tag",
                            params![app as i64, user],
                            |r| Ok((r.text(0)?, r.text(1)?)),
                        )
                        .await?;
                    out.push(tags);
                }
                Ok(out)
            })
        })
        .await
    }
}
