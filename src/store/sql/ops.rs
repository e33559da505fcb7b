//! Global mutes (setnospeaking) and the counts getappinfo reports.

use super::SqlStore;
use crate::domain::appinfo::{BEIJING_OFFSET_SECS, day_start};
use crate::store::db::{Columns, Db, Row, params};
use crate::store::*;

/// The day counts of one table: its rows created before the first day (`$2` its start), and
/// by Beijing day since (`$3` the offset).
struct DayCounts {
    before: &'static str,
    by_day: &'static str,
}

const ACCOUNT_DAYS: DayCounts = DayCounts {
    before: "SELECT COUNT(*) FROM accounts WHERE sdkappid = $1 AND created_at < $2",
    by_day: "SELECT (created_at + $3) / 86400, COUNT(*) FROM accounts \
             WHERE sdkappid = $1 AND created_at >= $2 GROUP BY 1",
};

/// Live groups only: no destruction time is kept.
const GROUP_DAYS: DayCounts = DayCounts {
    before: "SELECT COUNT(*) FROM chat_groups WHERE sdkappid = $1 AND destroyed = 0 \
             AND created_at < $2",
    by_day: "SELECT (created_at + $3) / 86400, COUNT(*) FROM chat_groups \
             WHERE sdkappid = $1 AND destroyed = 0 AND created_at >= $2 GROUP BY 1",
};

async fn by_day(
    db: &mut Db<'_>,
    app: u64,
    counts: &DayCounts,
    first_day: i64,
) -> StoreResult<(i64, Vec<(i64, i64)>)> {
    let since = day_start(first_day);
    let before = db.int(counts.before, params![app as i64, since]).await?;
    let rows = db
        .all(
            counts.by_day,
            params![app as i64, since, BEIJING_OFFSET_SECS],
        )
        .await?;
    let days = rows
        .iter()
        .map(|r: &Row| Ok((r.int(0)?, r.int(1)?)))
        .collect::<StoreResult<Vec<_>>>()?;
    Ok((before, days))
}

#[async_trait::async_trait]
impl OpsStore for SqlStore {
    async fn set_nospeaking(
        &self,
        app: u64,
        user: &str,
        c2c_until: Option<i64>,
        group_until: Option<i64>,
    ) -> StoreResult<bool> {
        let user = user.to_string();
        // -1 keeps what is stored.
        let (c2c, group) = (c2c_until.unwrap_or(-1), group_until.unwrap_or(-1));
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                // An account_delete either ran first (no mute is stored) or waits and then
                // deletes the mute with the account. A mute never outlives its account.
                if !Self::account_kept(&mut db, app, &user).await? {
                    return Ok(false);
                }
                db.exec(
                    "INSERT INTO nospeaking (sdkappid, user_id, c2c_until, group_until) \
                     VALUES ($1, $2, CASE WHEN $3 < 0 THEN 0 ELSE $3 END, \
                     CASE WHEN $4 < 0 THEN 0 ELSE $4 END) \
                     ON CONFLICT (sdkappid, user_id) DO UPDATE SET \
                     c2c_until = CASE WHEN $3 < 0 THEN nospeaking.c2c_until ELSE $3 END, \
                     group_until = CASE WHEN $4 < 0 THEN nospeaking.group_until ELSE $4 END",
                    params![app as i64, &user, c2c, group],
                )
                .await?;
                Ok(true)
            })
        })
        .await
    }

    async fn nospeaking(&self, app: u64, user: &str) -> StoreResult<Option<NoSpeaking>> {
        let user = user.to_string();
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                let row = db
                    .opt(
                        "SELECT n.c2c_until, n.group_until FROM accounts a LEFT JOIN nospeaking n \
                         ON n.sdkappid = a.sdkappid AND n.user_id = a.user_id \
                         WHERE a.sdkappid = $1 AND a.user_id = $2",
                        params![app as i64, &user],
                    )
                    .await?;
                let Some(r) = row else { return Ok(None) };
                Ok(Some(NoSpeaking {
                    c2c_until: r.opt_int(0)?.unwrap_or(0),
                    group_until: r.opt_int(1)?.unwrap_or(0),
                }))
            })
        })
        .await
    }

    async fn app_stats(&self, app: u64, first_day: i64) -> StoreResult<AppStats> {
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                let (accounts_before, accounts_by_day) =
                    by_day(&mut db, app, &ACCOUNT_DAYS, first_day).await?;
                let (groups_before, groups_by_day) =
                    by_day(&mut db, app, &GROUP_DAYS, first_day).await?;
                Ok(AppStats {
                    accounts_before,
                    accounts_by_day,
                    groups_before,
                    groups_by_day,
                })
            })
        })
        .await
    }
}
