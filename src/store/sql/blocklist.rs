//! Blocklists: one row per blocked account, ordered per owner by a serial so pages are key
//! ranges; the owner's count and sequence live in `sns_owners`.

use super::SqlStore;
use crate::store::db::{Db, params};
use crate::store::*;

/// Whether `$2` has blocked `$3`.
const IS_BLOCKED: &str =
    "SELECT 1 FROM blocklist WHERE sdkappid = $1 AND owner = $2 AND blocked = $3";

impl SqlStore {
    /// Whether `owner` blocks `other`: a key lookup, inside whatever the caller runs.
    pub(super) async fn is_blocked(
        db: &mut Db<'_>,
        app: u64,
        owner: &str,
        other: &str,
    ) -> StoreResult<bool> {
        Ok(db
            .opt(IS_BLOCKED, params![app as i64, owner, other])
            .await?
            .is_some())
    }

    /// The owner's next blocklist serial, blocked count and sequence (locked for a write).
    async fn block_counters(
        db: &mut Db<'_>,
        app: u64,
        owner: &str,
        lock: bool,
    ) -> StoreResult<(i64, i64, i64)> {
        let lock = if lock { db.lock_clause(false) } else { "" };
        let sql = format!(
            "SELECT black_serial, black_num, black_seq FROM sns_owners \
             WHERE sdkappid = $1 AND owner = $2{lock}"
        );
        Ok(match db.opt(&sql, params![app as i64, owner]).await? {
            Some(r) => (r.int(0)?, r.int(1)?, r.int(2)?),
            None => (1, 0, 0),
        })
    }

    /// Saves the owner's blocklist counters. Its row exists: a block makes it first (with its
    /// friend-list counters, `open_lists`), and an unblock saves only what a block left.
    async fn save_block_counters(
        db: &mut Db<'_>,
        app: u64,
        owner: &str,
        (serial, num, seq): (i64, i64, i64),
    ) -> StoreResult<()> {
        db.exec(
            "UPDATE sns_owners SET black_serial = $3, black_num = $4, black_seq = $5 \
             WHERE sdkappid = $1 AND owner = $2",
            params![app as i64, owner, serial, num, seq],
        )
        .await?;
        Ok(())
    }

    /// Removes a deleted account's blocklist and its place in others' (account_delete).
    pub(super) async fn delete_blocks(db: &mut Db<'_>, app: u64, id: &str) -> StoreResult<()> {
        db.exec(
            "UPDATE sns_owners SET black_num = black_num - 1, black_seq = black_seq + 1 \
             WHERE sdkappid = $1 AND owner IN \
             (SELECT owner FROM blocklist WHERE sdkappid = $1 AND blocked = $2)",
            params![app as i64, id],
        )
        .await?;
        for sql in [
            "DELETE FROM blocklist WHERE sdkappid = $1 AND blocked = $2",
            "DELETE FROM blocklist WHERE sdkappid = $1 AND owner = $2",
        ] {
            db.exec(sql, params![app as i64, id]).await?;
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl BlocklistStore for SqlStore {
    async fn block(
        &self,
        app: u64,
        owner: &str,
        others: &[String],
        now: i64,
        max: i64,
    ) -> StoreResult<Vec<BlockResult>> {
        let (owner, others) = (owner.to_string(), others.to_vec());
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                // Blocking ends friendships: the wipe lock comes before any owner's row.
                Self::share_wipe_lock(&mut db, app).await?;
                // The owner's counters row is made (and locked) here, or two blocks by a new
                // owner at once would both take its first serial.
                let mut lists: Vec<(&str, bool)> =
                    others.iter().map(|o| (o.as_str(), false)).collect();
                lists.push((&owner, true));
                Self::open_lists(&mut db, app, &lists).await?;
                let (mut serial, mut num, seq) =
                    Self::block_counters(&mut db, app, &owner, true).await?;
                let mut out = Vec::with_capacity(others.len());
                for other in &others {
                    if Self::is_blocked(&mut db, app, &owner, other).await? {
                        out.push(BlockResult::AlreadyBlocked);
                        continue;
                    }
                    if num >= max {
                        out.push(BlockResult::Full);
                        continue;
                    }
                    db.exec(
                        "INSERT INTO blocklist (sdkappid, owner, blocked, serial, added_at) \
                         VALUES ($1, $2, $3, $4, $5)",
                        params![app as i64, &owner, other, serial, now],
                    )
                    .await?;
                    // Blocking ends the friendship, both ways.
                    Self::remove_friend(&mut db, app, &owner, other).await?;
                    Self::remove_friend(&mut db, app, other, &owner).await?;
                    (serial, num) = (serial + 1, num + 1);
                    out.push(BlockResult::Added);
                }
                let changed = i64::from(out.contains(&BlockResult::Added));
                Self::save_block_counters(&mut db, app, &owner, (serial, num, seq + changed))
                    .await?;
                Ok(out)
            })
        })
        .await
    }

    async fn unblock(&self, app: u64, owner: &str, others: &[String]) -> StoreResult<Vec<bool>> {
        let (owner, others) = (owner.to_string(), others.to_vec());
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                // As every write of owners' counters: after the wipe lock (account_delete
                // takes them after it: the other order deadlocked).
                Self::share_wipe_lock(&mut db, app).await?;
                let (serial, mut num, seq) =
                    Self::block_counters(&mut db, app, &owner, true).await?;
                let mut out = Vec::with_capacity(others.len());
                for other in &others {
                    let removed = db
                        .exec(
                            "DELETE FROM blocklist WHERE sdkappid = $1 AND owner = $2 \
                             AND blocked = $3",
                            params![app as i64, &owner, other],
                        )
                        .await?;
                    num -= removed as i64;
                    out.push(removed > 0);
                }
                // Nothing unblocked, nothing saved: an owner whose row is not there yet (its first
                // block not yet committed, PostgreSQL) keeps what that block will save.
                if out.contains(&true) {
                    Self::save_block_counters(&mut db, app, &owner, (serial, num, seq + 1)).await?;
                }
                Ok(out)
            })
        })
        .await
    }

    async fn blocks(
        &self,
        app: u64,
        owner: &str,
        others: &[String],
    ) -> StoreResult<Vec<(bool, bool)>> {
        self.both_ways(app, owner, others, IS_BLOCKED).await
    }

    async fn blocked_page(
        &self,
        app: u64,
        owner: &str,
        start: i64,
        limit: i64,
    ) -> StoreResult<BlockPage> {
        let owner = owner.to_string();
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                let (_, _, sequence) = Self::block_counters(&mut db, app, &owner, false).await?;
                let mut rows = db
                    .map_all(
                        "SELECT blocked, added_at, serial FROM blocklist WHERE sdkappid = $1 \
                         AND owner = $2 AND serial >= $3 ORDER BY serial LIMIT $4",
                        params![app as i64, &owner, start, limit + 1],
                        |r| Ok((r.text(0)?, r.int(1)?, r.int(2)?)),
                    )
                    .await?;
                let next = if rows.len() as i64 > limit {
                    rows.pop().map(|(_, _, serial)| serial)
                } else {
                    None
                };
                Ok(BlockPage {
                    blocked: rows.into_iter().map(|(b, t, _)| (b, t)).collect(),
                    next,
                    sequence,
                })
            })
        })
        .await
    }
}
