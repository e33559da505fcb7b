//! Bans (ban_group_member, unban_group_member, get_group_ban_member) and the ban check of
//! adding members. A ban's end time is compared with now on every read: expired rows need no
//! sweeper, and banning again replaces them.

use super::SqlStore;
use crate::store::db::{Db, params};
use crate::store::*;

impl SqlStore {
    /// Whether `user_id` is banned from the group at `now` (one key lookup).
    pub(super) async fn banned_in(
        db: &mut Db<'_>,
        app: u64,
        group_id: &str,
        user_id: &str,
        now: i64,
    ) -> StoreResult<bool> {
        Ok(db
            .opt(
                "SELECT 1 FROM bans WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3 \
                 AND until > $4",
                params![app as i64, group_id, user_id, now],
            )
            .await?
            .is_some())
    }
}

#[async_trait::async_trait]
impl BanStore for SqlStore {
    async fn ban(
        &self,
        app: u64,
        group_id: &str,
        ids: &[String],
        until: i64,
    ) -> StoreResult<usize> {
        let group_id = group_id.to_string();
        let ids = ids.to_vec();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                // The group's lock orders the ban against adds: an add either ran before (its
                // member is removed here) or runs after and sees the ban.
                let (group, _) = Self::lock_group(&mut db, app, &group_id).await?;
                // On the locked row, before the first write: a concurrent change_group_owner
                // cannot slip a new owner into the accounts banned.
                let t = group.group_type;
                t.check_owner_may_go(&group.owner, &ids, "banned")?;
                for id in &ids {
                    db.exec(
                        "INSERT INTO bans (sdkappid, group_id, user_id, until) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT (sdkappid, group_id, user_id) \
                         DO UPDATE SET until = excluded.until",
                        params![app as i64, &group_id, id, until],
                    )
                    .await?;
                }
                if !group.group_type.stores_members() {
                    return Ok(0);
                }
                Self::remove_members_in(&mut db, app, &group, &ids).await
            })
        })
        .await
    }

    async fn unban(&self, app: u64, group_id: &str, ids: &[String]) -> StoreResult<()> {
        let group_id = group_id.to_string();
        let ids = ids.to_vec();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::lock_group(&mut db, app, &group_id).await?;
                for id in &ids {
                    db.exec(
                        "DELETE FROM bans WHERE sdkappid = $1 AND group_id = $2 AND user_id = $3",
                        params![app as i64, &group_id, id],
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn bans(
        &self,
        app: u64,
        group_id: &str,
        now: i64,
        offset: i64,
        limit: i64,
    ) -> StoreResult<BanPage> {
        let group_id = group_id.to_string();
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::live_group_in(&mut db, app, &group_id, "").await?;
                // A range of bans_by_end from now on: expired bans are never visited, and
                // the rows before the offset are index entries only. One row past the page
                // tells whether more follow.
                let mut bans = db
                    .map_all(
                        "SELECT user_id, until FROM bans WHERE sdkappid = $1 AND group_id = $2 \
                         AND until > $3 ORDER BY until, user_id LIMIT $4 OFFSET $5",
                        params![app as i64, &group_id, now, limit + 1, offset],
                        |r| Ok((r.text(0)?, r.int(1)?)),
                    )
                    .await?;
                let has_more = bans.len() as i64 > limit;
                bans.truncate(limit as usize);
                Ok(BanPage { bans, has_more })
            })
        })
        .await
    }
}
