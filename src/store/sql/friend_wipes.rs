//! Wipes: how account_delete and friend_delete_all of both sides take an account out of every
//! list that has it without an index of who has whom (that index cost a friend_import a page
//! write per friend, in a hundred friends' parts of the tree). A wipe gets the app's next
//! number and is recorded. A write that touches an owner's list first deletes from it the
//! friendships with accounts wiped since ([`SqlStore::open_owner`]); a read of a list's count
//! or pages does the same first, in one write that also runs the read
//! ([`SqlStore::read_fresh`]); a check of single friendships asks whether the friend was wiped
//! since ([`NOT_WIPED`]). No answer ever shows a wiped friendship, and an owner's count and
//! sequences move when its list does, as if the wipe had reached it at once.
//!
//! Every row of an owner's list was written while the list was clean of every wipe so far
//! (writes open the owner first), so a wipe numbered past the owner's `wipes_applied` is newer
//! than every friendship in its list with the wiped account: deleting those is exact.

use std::sync::LazyLock;

use super::SqlStore;
use crate::store::db::{Db, DbOp, params};
use crate::store::*;

/// An owner's counters: next serial, friend count, standard and custom sequences.
pub(super) type OwnerCounters = (i64, i64, i64, i64);

/// A condition on a row of `friends`: its friend was not wiped after the owner's list was last
/// brought up to date (reads of single friendships use it instead of opening the list).
pub(super) const NOT_WIPED: &str = "NOT EXISTS (SELECT 1 FROM friend_wipes w \
    JOIN sns_owners o ON o.sdkappid = w.sdkappid AND o.owner = friends.owner \
    WHERE w.sdkappid = friends.sdkappid AND w.account = friends.friend \
    AND w.seq > o.wipes_applied)";

/// The app's last wipe (0 before its first), as a value in a statement whose `$1` is the app.
const EPOCH: &str = "COALESCE((SELECT seq FROM friend_epochs WHERE sdkappid = $1), 0)";

/// Whether `$2`'s list has wipes to apply (read_fresh's check, before every friend_get).
static BEHIND: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT 1 FROM sns_owners WHERE sdkappid = $1 AND owner = $2 AND wipes_applied < {EPOCH}"
    )
});

/// PostgreSQL advisory lock of an app's wipes (this prefix, then the app): friend writes hold
/// it shared, a wipe exclusively. PostgreSQL queues a shared request behind a waiting
/// exclusive one, so a stream of friend writes cannot hold a wipe off.
const WIPE_LOCK: i64 = 0x4657 << 48;

fn wipe_lock_key(app: u64) -> i64 {
    WIPE_LOCK | (app as i64 & 0xFFFF_FFFF_FFFF)
}

impl SqlStore {
    /// The first call of every write that touches friend rows: on PostgreSQL it holds the
    /// app's wipe lock shared until the commit, so a wipe waits for the writes under way, and
    /// the writes after it see it (their statements start after the lock is granted).
    pub(super) async fn share_wipe_lock(db: &mut Db<'_>, app: u64) -> StoreResult<()> {
        Self::wipe_lock(db, app, "SELECT pg_advisory_xact_lock_shared($1)").await
    }

    /// Holds the app's wipe lock exclusively (PostgreSQL) until the commit. account_delete
    /// takes it after its account and group rows and before any owner's counters row: the
    /// order every friend write keeps too (the lock, then counters rows).
    pub(super) async fn lock_wipes(db: &mut Db<'_>, app: u64) -> StoreResult<()> {
        Self::wipe_lock(db, app, "SELECT pg_advisory_xact_lock($1)").await
    }

    /// Takes the app's wipe lock with `sql` (PostgreSQL; SQLite's one writer needs none).
    async fn wipe_lock(db: &mut Db<'_>, app: u64, sql: &str) -> StoreResult<()> {
        if let Db::Pg(_) = db {
            db.exec(sql, params![wipe_lock_key(app)]).await?;
        }
        Ok(())
    }

    /// Wipes `account` out of every list that has it: records the wipe under the app's next
    /// number (lists the caller opens after it are clean of it too).
    pub(super) async fn wipe_friendships(
        db: &mut Db<'_>,
        app: u64,
        account: &str,
    ) -> StoreResult<()> {
        Self::lock_wipes(db, app).await?;
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
        Ok(())
    }

    /// `owner`'s counters, the last wipe its list is clean of and the app's last wipe,
    /// locked for the write.
    async fn owner_row(
        db: &mut Db<'_>,
        app: u64,
        owner: &str,
    ) -> StoreResult<Option<(OwnerCounters, i64, i64)>> {
        let lock = db.lock_clause(false);
        let sql = format!(
            "SELECT next_serial, friend_num, standard_seq, custom_seq, wipes_applied, \
             {EPOCH} FROM sns_owners WHERE sdkappid = $1 AND owner = $2{lock}"
        );
        let Some(r) = db.opt(&sql, params![app as i64, owner]).await? else {
            return Ok(None);
        };
        let counters = (r.int(0)?, r.int(1)?, r.int(2)?, r.int(3)?);
        Ok(Some((counters, r.int(4)?, r.int(5)?)))
    }

    /// Opens `owner`'s list for a write (after [`SqlStore::share_wipe_lock`] or a wipe): its
    /// counters row is locked (created if new) and its list made clean of every wipe so far.
    /// Returns its counters.
    pub(super) async fn open_owner(
        db: &mut Db<'_>,
        app: u64,
        owner: &str,
    ) -> StoreResult<OwnerCounters> {
        if let Some((counters, applied, epoch)) = Self::owner_row(db, app, owner).await? {
            return Self::bring_up(db, app, owner, counters, applied, epoch).await;
        }
        // A new owner's (empty) list is clean of every wipe so far.
        let sql = format!(
            "INSERT INTO sns_owners (sdkappid, owner, next_serial, friend_num, standard_seq, \
             custom_seq, wipes_applied) VALUES ($1, $2, 1, 0, 0, 0, {EPOCH}) \
             ON CONFLICT DO NOTHING"
        );
        db.exec(&sql, params![app as i64, owner]).await?;
        let (counters, applied, epoch) = Self::owner_row(db, app, owner)
            .await?
            .ok_or_else(|| StoreError::Internal("an owner's counters vanished".into()))?;
        Self::bring_up(db, app, owner, counters, applied, epoch).await
    }

    /// Opens the lists a write touches, in one order (sorted) whatever the request's, so two
    /// writes that touch the same two lists cannot wait for each other (PostgreSQL): each
    /// `(owner, make)`, with its counters row made when `make` (a list the write adds to). An
    /// owner with no row has no friends: without `make` there is nothing to open.
    pub(super) async fn open_lists(
        db: &mut Db<'_>,
        app: u64,
        lists: &[(&str, bool)],
    ) -> StoreResult<()> {
        let mut lists = lists.to_vec();
        // Sorted by owner, the ones to make first, so dedup keeps them.
        lists.sort_unstable_by(|a, b| a.0.cmp(b.0).then(b.1.cmp(&a.1)));
        lists.dedup_by(|a, b| a.0 == b.0);
        for (owner, make) in lists {
            if make {
                Self::open_owner(db, app, owner).await?;
            } else if let Some((counters, applied, epoch)) = Self::owner_row(db, app, owner).await?
            {
                Self::bring_up(db, app, owner, counters, applied, epoch).await?;
            }
        }
        Ok(())
    }

    /// Makes `owner`'s list (its row read: `counters`, clean up to `applied`) clean up to
    /// `epoch`; its counters after.
    async fn bring_up(
        db: &mut Db<'_>,
        app: u64,
        owner: &str,
        (next, num, standard, custom): OwnerCounters,
        applied: i64,
        epoch: i64,
    ) -> StoreResult<OwnerCounters> {
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

    /// Runs a read of `owner`'s list, its count or sequences (`make` builds it) on a list clean
    /// of every wipe. One statement checks; when the list has wipes to apply, one write applies
    /// them and runs the read in its own transaction.
    pub(super) async fn read_fresh<T, F, M>(
        &self,
        app: u64,
        owner: String,
        make: M,
    ) -> StoreResult<T>
    where
        T: Send + 'static,
        F: DbOp<T>,
        M: Fn() -> F,
    {
        let (read, checked) = (make(), owner.clone());
        let fresh = self
            .read(move |mut db: Db<'_>| {
                Box::pin(async move {
                    let behind = db.opt(&BEHIND, params![app as i64, &checked]).await?;
                    if behind.is_some() {
                        return Ok(None);
                    }
                    read(db).await.map(Some)
                })
            })
            .await?;
        if let Some(answer) = fresh {
            return Ok(answer);
        }
        let read = make();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::share_wipe_lock(&mut db, app).await?;
                // Not created if deleted meanwhile: a read leaves no counters behind.
                let row = Self::owner_row(&mut db, app, &owner).await?;
                if let Some((counters, applied, epoch)) = row {
                    Self::bring_up(&mut db, app, &owner, counters, applied, epoch).await?;
                }
                read(db).await
            })
        })
        .await
    }
}
