//! Wipes: how account_delete and friend_delete_all of both sides take an account out of every
//! list that has it without an index of who has whom (that index cost a friend_import a page
//! write per friend, in a hundred friends' parts of the tree). A wipe gets the app's next
//! number and is recorded; an owner's list drops the wiped accounts the next time anything
//! touches it: a write in its own transaction ([`SqlStore::open_owner`]), a read after one
//! write ([`SqlStore::read_fresh`]). No answer ever shows a wiped friendship, and the owner's
//! count and sequences move when its list does, as if the wipe had reached it at once.
//!
//! Every row of an owner's list was written while the list was clean of every wipe so far
//! (writes open the owner first), so a wipe numbered past the owner's `wipes_applied` is newer
//! than every friendship in its list with the wiped account: deleting those is exact.

use super::SqlStore;
use crate::store::db::{Db, DbOp, params};
use crate::store::*;

/// An owner's counters: next serial, friend count, standard and custom sequences.
pub(super) type OwnerCounters = (i64, i64, i64, i64);

impl SqlStore {
    /// The number of the app's last wipe. The first call of every write that touches friend
    /// rows: on PostgreSQL it holds the app's epoch row shared until the commit, so a wipe
    /// (which updates it) waits for the writes under way, and the writes after it see it.
    pub(super) async fn friend_epoch(db: &mut Db<'_>, app: u64) -> StoreResult<i64> {
        let lock = db.lock_clause(true);
        let sql = format!("SELECT seq FROM friend_epochs WHERE sdkappid = $1{lock}");
        if let Some(r) = db.opt(&sql, params![app as i64]).await? {
            return r.int(0);
        }
        db.exec(
            "INSERT INTO friend_epochs (sdkappid, seq) VALUES ($1, 0) ON CONFLICT DO NOTHING",
            params![app as i64],
        )
        .await?;
        db.int(&sql, params![app as i64]).await
    }

    /// Holds the app's epoch row exclusively (PostgreSQL) until the commit: the first step of
    /// account_delete, before it locks any account row, so that its wipes never wait for a
    /// lock while holding one a friend write waits for.
    pub(super) async fn hold_friend_epoch(db: &mut Db<'_>, app: u64) -> StoreResult<()> {
        db.exec(
            "INSERT INTO friend_epochs (sdkappid, seq) VALUES ($1, 0) \
             ON CONFLICT (sdkappid) DO UPDATE SET seq = friend_epochs.seq",
            params![app as i64],
        )
        .await?;
        Ok(())
    }

    /// Wipes `account` out of every list that has it: records the wipe under the app's next
    /// number and returns that number (the epoch the caller's own writes are at after it).
    pub(super) async fn wipe_friendships(
        db: &mut Db<'_>,
        app: u64,
        account: &str,
    ) -> StoreResult<i64> {
        let seq = db
            .int(
                "INSERT INTO friend_epochs (sdkappid, seq) VALUES ($1, 1) \
                 ON CONFLICT (sdkappid) DO UPDATE SET seq = friend_epochs.seq + 1 RETURNING seq",
                params![app as i64],
            )
            .await?;
        db.exec(
            "INSERT INTO friend_wipes (sdkappid, seq, account) VALUES ($1, $2, $3)",
            params![app as i64, seq, account],
        )
        .await?;
        Ok(seq)
    }

    /// Opens `owner`'s list for a write at `epoch` (from [`SqlStore::friend_epoch`]): its
    /// counters row is locked (created if new) and its list made clean of every wipe up to
    /// `epoch`. Returns its counters.
    pub(super) async fn open_owner(
        db: &mut Db<'_>,
        app: u64,
        owner: &str,
        epoch: i64,
    ) -> StoreResult<OwnerCounters> {
        let lock = db.lock_clause(false);
        let sql = format!(
            "SELECT next_serial, friend_num, standard_seq, custom_seq, wipes_applied \
             FROM sns_owners WHERE sdkappid = $1 AND owner = $2{lock}"
        );
        let row = match db.opt(&sql, params![app as i64, owner]).await? {
            Some(row) => row,
            None => {
                // A new owner's (empty) list is clean of every wipe so far.
                db.exec(
                    "INSERT INTO sns_owners (sdkappid, owner, next_serial, friend_num, \
                     standard_seq, custom_seq, wipes_applied) VALUES ($1, $2, 1, 0, 0, 0, $3) \
                     ON CONFLICT DO NOTHING",
                    params![app as i64, owner, epoch],
                )
                .await?;
                let row = db.opt(&sql, params![app as i64, owner]).await?;
                row.ok_or_else(|| StoreError::Internal("an owner's counters vanished".into()))?
            }
        };
        let (next, num, standard, custom) = (row.int(0)?, row.int(1)?, row.int(2)?, row.int(3)?);
        let applied = row.int(4)?;
        if applied >= epoch {
            return Ok((next, num, standard, custom));
        }
        let removed = Self::drop_wiped(db, app, owner, applied, epoch - applied, num).await?;
        let moved = i64::from(removed > 0);
        db.exec(
            "UPDATE sns_owners SET friend_num = friend_num - $3, standard_seq = standard_seq + $4, \
             custom_seq = custom_seq + $4, wipes_applied = $5 WHERE sdkappid = $1 AND owner = $2",
            params![app as i64, owner, removed, moved, epoch],
        )
        .await?;
        Ok((next, num - removed, standard + moved, custom + moved))
    }

    /// Deletes `owner`'s friendships with the accounts wiped after `applied` (`wipes` of
    /// them); how many. Whichever is shorter is walked: the wipes, each deleted from the list
    /// by its key, or the list (≤ 3,000), each friend looked up among the wipes.
    async fn drop_wiped(
        db: &mut Db<'_>,
        app: u64,
        owner: &str,
        applied: i64,
        wipes: i64,
        friend_num: i64,
    ) -> StoreResult<i64> {
        if wipes > friend_num {
            let removed = db
                .exec(
                    "DELETE FROM friends WHERE sdkappid = $1 AND owner = $2 AND EXISTS \
                     (SELECT 1 FROM friend_wipes w WHERE w.sdkappid = $1 \
                     AND w.account = friends.friend AND w.seq > $3)",
                    params![app as i64, owner, applied],
                )
                .await?;
            return Ok(removed as i64);
        }
        // One statement per wipe: as a single `friend IN (…)` statement SQLite's planner
        // preferred walking the whole list.
        let wiped = db
            .map_all(
                "SELECT account FROM friend_wipes WHERE sdkappid = $1 AND seq > $2",
                params![app as i64, applied],
                |r| r.text(0),
            )
            .await?;
        let mut removed = 0;
        for account in &wiped {
            removed += db
                .exec(
                    "DELETE FROM friends WHERE sdkappid = $1 AND owner = $2 AND friend = $3",
                    params![app as i64, owner, account],
                )
                .await?;
        }
        Ok(removed as i64)
    }

    /// Of `owners`, those whose lists have wipes to apply. Nothing is read per owner in an
    /// app that never wiped.
    async fn stale_owners(
        db: &mut Db<'_>,
        app: u64,
        owners: &[String],
    ) -> StoreResult<Vec<String>> {
        let epoch = db
            .opt(
                "SELECT seq FROM friend_epochs WHERE sdkappid = $1",
                params![app as i64],
            )
            .await?;
        let epoch = epoch.map(|r| r.int(0)).transpose()?.unwrap_or(0);
        let mut stale = Vec::new();
        if epoch == 0 {
            return Ok(stale);
        }
        for owner in owners {
            let behind = db
                .opt(
                    "SELECT 1 FROM sns_owners WHERE sdkappid = $1 AND owner = $2 \
                     AND wipes_applied < $3",
                    params![app as i64, owner, epoch],
                )
                .await?;
            if behind.is_some() {
                stale.push(owner.clone());
            }
        }
        Ok(stale)
    }

    /// Runs a read of `owners`' lists (`make` builds it) on lists clean of every wipe: when
    /// some have wipes to apply, one write applies them and the read runs again.
    pub(super) async fn read_fresh<T, F, M>(
        &self,
        app: u64,
        owners: Vec<String>,
        make: M,
    ) -> StoreResult<T>
    where
        T: Send + 'static,
        F: DbOp<T>,
        M: Fn() -> F,
    {
        loop {
            let (read, check) = (make(), owners.clone());
            let got = self
                .read(move |mut db: Db<'_>| {
                    Box::pin(async move {
                        let stale = Self::stale_owners(&mut db, app, &check).await?;
                        if !stale.is_empty() {
                            return Ok(Err(stale));
                        }
                        read(db).await.map(Ok)
                    })
                })
                .await?;
            match got {
                Ok(answer) => return Ok(answer),
                Err(mut stale) => {
                    // One lock order for the owners' rows.
                    stale.sort_unstable();
                    stale.dedup();
                    self.write(move |mut db: Db<'_>| {
                        Box::pin(async move {
                            let epoch = Self::friend_epoch(&mut db, app).await?;
                            for owner in &stale {
                                Self::open_owner(&mut db, app, owner, epoch).await?;
                            }
                            Ok(())
                        })
                    })
                    .await?;
                }
            }
        }
    }
}
