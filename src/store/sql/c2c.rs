//! One-to-one messages: storing (with the repeat rules of importmsg and sendmsg), history as
//! one party sees it, recall and modification. Storing a message also updates both parties'
//! conversations (`conversations.rs`).

use super::SqlStore;
use crate::domain::c2c::{MsgKey, Pair};
use crate::domain::refusal::Refusal;
use crate::store::db::{Columns, Db, Row, params};
use crate::store::postgres::c2c as pg;
use crate::store::schema::corrupt;
use crate::store::*;

/// History columns, in the order [`c2c_from_row`] reads them.
const C2C_COLS: &str =
    "user_lo, user_hi, msg_time, msg_seq, random, from_lo, recalled, msg_body, cloud_custom_data";

fn c2c_from_row(r: &Row) -> StoreResult<C2cMessageRow> {
    let (lo, hi) = (r.text(0)?, r.text(1)?);
    let (from, to) = if r.int(5)? == 1 { (lo, hi) } else { (hi, lo) };
    Ok(C2cMessageRow {
        from,
        to,
        key: key_from_row(r, 2)?,
        recalled: r.int(6)? == 1,
        msg_body: r.blob(7)?,
        cloud_custom_data: r.opt_text(8)?,
    })
}

/// A key stored as `msg_time, msg_seq, random` from column `at` on.
fn key_from_row(r: &dyn Columns, at: usize) -> StoreResult<MsgKey> {
    let u32_at = |i| u32::try_from(r.int(i)?).map_err(|_| corrupt("C2C message key"));
    Ok(MsgKey {
        time: r.int(at)?,
        seq: u32_at(at + 1)?,
        random: u32_at(at + 2)?,
    })
}

impl SqlStore {
    /// Whether `to` blocks `from` (read after a send was not stored, to say why).
    async fn recipient_blocks(&self, app: u64, from: &str, to: &str) -> StoreResult<bool> {
        let (from, to) = (from.to_string(), to.to_string());
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move { Self::is_blocked(&mut db, app, &to, &from).await })
        })
        .await
    }

    /// Whether setnospeaking mutes `from`'s one-to-one messages at `now`: a key lookup.
    async fn c2c_muted_in(db: &mut Db<'_>, app: u64, from: &str, now: i64) -> StoreResult<bool> {
        let sql = "SELECT 1 FROM nospeaking WHERE sdkappid = $1 AND user_id = $2 \
                   AND c2c_until > $3";
        Ok(db.opt(sql, params![app as i64, from, now]).await?.is_some())
    }

    /// Whether setnospeaking mutes `from`'s group messages at `now`: a key lookup.
    pub(super) async fn group_muted_in(
        db: &mut Db<'_>,
        app: u64,
        from: &str,
        now: i64,
    ) -> StoreResult<bool> {
        let sql = "SELECT 1 FROM nospeaking WHERE sdkappid = $1 AND user_id = $2 \
                   AND group_until > $3";
        Ok(db.opt(sql, params![app as i64, from, now]).await?.is_some())
    }

    /// [`Self::c2c_muted_in`] on a reader (after a send was not stored, to say why).
    async fn c2c_muted(&self, app: u64, from: &str, now: i64) -> StoreResult<bool> {
        let from = from.to_string();
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move { Self::c2c_muted_in(&mut db, app, &from, now).await })
        })
        .await
    }

    /// Why the PostgreSQL batcher did not store `msg`, asked in the order SQLite's store
    /// checks: for a send, a recipient who blocked the sender, then a repeat (answered with the
    /// first message's key), then a muted sender (the mute refuses new messages only); else its
    /// key was stored already.
    async fn not_stored(
        &self,
        app: u64,
        msg: &NewC2cMessage,
        repeat: C2cRepeat,
    ) -> StoreResult<C2cStored> {
        let C2cRepeat::SameRandomWithin(window) = repeat else {
            return Ok(C2cStored {
                key: msg.key,
                duplicate: true,
            });
        };
        if self.recipient_blocks(app, &msg.from, &msg.to).await? {
            return Err(StoreError::Refused(Refusal::BlockedByRecipient));
        }
        let m = msg.clone();
        let found = self
            .read(move |mut db: Db<'_>| {
                Box::pin(async move {
                    let Db::Pg(conn) = &mut db else {
                        return Ok(Vec::new());
                    };
                    let to = [m.to.clone()];
                    pg::repeats(conn, app, &m, &to, window).await
                })
            })
            .await?;
        if let Some(key) = found.into_iter().flatten().next() {
            return Ok(C2cStored {
                key,
                duplicate: true,
            });
        }
        if self.c2c_muted(app, &msg.from, msg.key.time).await? {
            return Err(StoreError::Refused(Refusal::GloballyMuted));
        }
        Ok(C2cStored {
            key: msg.key,
            duplicate: true,
        })
    }

    /// The stored message a send repeats (same sender, recipient and MsgRandom within the
    /// window), if any.
    async fn stored_repeat(
        db: &mut Db<'_>,
        app: u64,
        msg: &NewC2cMessage,
        repeat: C2cRepeat,
    ) -> StoreResult<Option<MsgKey>> {
        let pair = Pair::new(&msg.from, &msg.to);
        let key = msg.key;
        let C2cRepeat::SameRandomWithin(window) = repeat else {
            // The same key is found by the insert itself (its primary key), in either direction.
            return Ok(None);
        };
        // A key lookup (c2c_messages_by_random): the cost does not follow the conversation.
        let row = db
            .opt(
                "SELECT msg_time, msg_seq, random FROM c2c_messages WHERE sdkappid = $1 \
                 AND user_lo = $2 AND user_hi = $3 AND msg_time >= $4 AND msg_time <= $5 \
                 AND random = $6 AND from_lo = $7 AND sent = 1 ORDER BY msg_time LIMIT 1",
                params![
                    app as i64,
                    pair.lo,
                    pair.hi,
                    key.time - window,
                    key.time + window,
                    i64::from(key.random),
                    pair.lo == msg.from,
                ],
            )
            .await?;
        row.map(|r| key_from_row(&r, 0)).transpose()
    }

    /// Stores one message and updates both conversations, inside the caller's transaction, a
    /// row at a time: SQLite's way (its one writer orders everything). PostgreSQL does the same
    /// in one statement (`postgres::c2c::store_for`).
    pub(super) async fn write_c2c(
        db: &mut Db<'_>,
        app: u64,
        msg: &NewC2cMessage,
        repeat: C2cRepeat,
    ) -> StoreResult<C2cStored> {
        if let Some(key) = Self::stored_repeat(db, app, msg, repeat).await? {
            return Ok(C2cStored {
                key,
                duplicate: true,
            });
        }
        Self::insert_c2c(db, app, msg, repeat).await
    }

    /// [`Self::write_c2c`] once no repeat was found: the insert (a message with the same key,
    /// in either direction, is kept as the first copy) and both conversations.
    async fn insert_c2c(
        db: &mut Db<'_>,
        app: u64,
        msg: &NewC2cMessage,
        repeat: C2cRepeat,
    ) -> StoreResult<C2cStored> {
        let pair = Pair::new(&msg.from, &msg.to);
        let key = msg.key;
        let inserted = db
            .exec(
                "INSERT INTO c2c_messages (sdkappid, user_lo, user_hi, msg_time, msg_seq, random, \
                 from_lo, counts, sender_keeps, msg_body, cloud_custom_data, sent) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING",
                params![
                    app as i64,
                    pair.lo,
                    pair.hi,
                    key.time,
                    i64::from(key.seq),
                    i64::from(key.random),
                    pair.lo == msg.from,
                    msg.counts,
                    msg.sender_keeps,
                    msg.msg_body.as_slice(),
                    msg.cloud_custom_data.as_deref(),
                    repeat != C2cRepeat::SameKey,
                ],
            )
            .await?;
        if inserted == 0 {
            // The same key, sent the other way: the first copy stays.
            return Ok(C2cStored {
                key,
                duplicate: true,
            });
        }
        Self::record_in_conversations(db, app, msg).await?;
        Ok(C2cStored {
            key,
            duplicate: false,
        })
    }

    /// The stored message `from` sent `to` with this key, locked for a change: whether it is
    /// recalled; None when there is none (or the other party sent it).
    async fn lock_c2c(
        db: &mut Db<'_>,
        app: u64,
        from: &str,
        to: &str,
        key: MsgKey,
    ) -> StoreResult<Option<bool>> {
        let pair = Pair::new(from, to);
        let lock = db.lock_clause(false);
        let sql = format!(
            "SELECT from_lo, recalled FROM c2c_messages WHERE sdkappid = $1 AND user_lo = $2 \
             AND user_hi = $3 AND msg_time = $4 AND msg_seq = $5 AND random = $6{lock}"
        );
        let row = db
            .opt(
                &sql,
                params![
                    app as i64,
                    pair.lo,
                    pair.hi,
                    key.time,
                    i64::from(key.seq),
                    i64::from(key.random)
                ],
            )
            .await?;
        let Some(row) = row else { return Ok(None) };
        let sent_by_lo = row.int(0)? == 1;
        if from == to || sent_by_lo != (pair.lo == from) {
            return Ok(None);
        }
        Ok(Some(row.int(1)? == 1))
    }

    /// The statement's own parameters after the message's key ($1–$6), run on that message.
    async fn update_c2c(
        db: &mut Db<'_>,
        app: u64,
        (from, to, key): (&str, &str, MsgKey),
        sql: &str,
        extra: &[crate::store::db::Param<'_>],
    ) -> StoreResult<()> {
        let pair = Pair::new(from, to);
        let (seq, random) = (i64::from(key.seq), i64::from(key.random));
        let mut all = params![app as i64, pair.lo, pair.hi, key.time, seq, random].to_vec();
        all.extend_from_slice(extra);
        db.exec(sql, &all).await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl C2cStore for SqlStore {
    async fn store_c2c(
        &self,
        app: u64,
        msg: &NewC2cMessage,
        repeat: C2cRepeat,
    ) -> StoreResult<C2cStored> {
        let sent = repeat != C2cRepeat::SameKey;
        if let Some(batch) = &self.c2c_batch {
            // PostgreSQL: a statement shared with the stores running at the same moment, which
            // also leaves out a send's repeat; only then is the first one looked up.
            if batch.store(app, msg.clone(), sent).await? {
                return Ok(C2cStored {
                    key: msg.key,
                    duplicate: false,
                });
            }
            return self.not_stored(app, msg, repeat).await;
        }
        let msg = msg.clone();
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                if sent && Self::is_blocked(&mut db, app, &msg.to, &msg.from).await? {
                    return Err(StoreError::Refused(Refusal::BlockedByRecipient));
                }
                // The repeat before the mute: a retry of a message stored before the sender
                // was muted answers that message (Tencent's de-duplication); the mute refuses
                // new messages only.
                if let Some(key) = Self::stored_repeat(&mut db, app, &msg, repeat).await? {
                    return Ok(C2cStored {
                        key,
                        duplicate: true,
                    });
                }
                if sent && Self::c2c_muted_in(&mut db, app, &msg.from, msg.key.time).await? {
                    return Err(StoreError::Refused(Refusal::GloballyMuted));
                }
                Self::insert_c2c(&mut db, app, &msg, repeat).await
            })
        })
        .await
    }

    async fn store_c2c_batch(
        &self,
        app: u64,
        msg: &NewC2cMessage,
        to: &[String],
        window: i64,
    ) -> StoreResult<Vec<String>> {
        let mut msg = msg.clone();
        let mut to = to.to_vec();
        // One order for every batch, so two batches lock shared conversations alike.
        to.sort_unstable();
        to.dedup();
        self.write_statement(move |mut db: Db<'_>| {
            Box::pin(async move {
                let mut blocking = Vec::new();
                if let Db::Pg(conn) = &mut db {
                    // The statement leaves out the recipients who got the message already and
                    // those who block the sender; which of the left-out block is read after.
                    let stored = pg::store_for(conn, app, &msg, &to, true).await?;
                    for recipient in to.into_iter().filter(|t| !stored.contains(t)) {
                        if Self::is_blocked(&mut db, app, &recipient, &msg.from).await? {
                            blocking.push(recipient);
                        }
                    }
                    return Ok(blocking);
                }
                for recipient in to {
                    // Checked in the write: a block made after the handler's read still holds.
                    if Self::is_blocked(&mut db, app, &recipient, &msg.from).await? {
                        blocking.push(recipient);
                        continue;
                    }
                    msg.to = recipient;
                    let repeat = C2cRepeat::SameRandomWithin(window);
                    Self::write_c2c(&mut db, app, &msg, repeat).await?;
                }
                Ok(blocking)
            })
        })
        .await
    }

    async fn c2c_history(&self, app: u64, q: &RoamQuery) -> StoreResult<Vec<C2cMessageRow>> {
        let q = q.clone();
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                let pair = Pair::new(&q.operator, &q.peer);
                // Messages up to this key were cleared from the operator's view.
                let cleared = db
                    .opt(
                        "SELECT cleared_time, cleared_seq, cleared_random FROM conversations \
                         WHERE sdkappid = $1 AND owner = $2 AND kind = 1 AND peer = $3",
                        params![app as i64, &q.operator, &q.peer],
                    )
                    .await?
                    .map(|r| key_from_row(&r, 0))
                    .transpose()?
                    .unwrap_or(MsgKey {
                        time: 0,
                        seq: 0,
                        random: 0,
                    });
                let min_time = q.min_time.max(cleared.time);
                let before = q.before.unwrap_or(MsgKey {
                    time: i64::MAX,
                    seq: u32::MAX,
                    random: u32::MAX,
                });
                let max_time = q.max_time.min(before.time);
                // Walks the conversation's key backwards from the newest message in range:
                // the cost follows the page, not the history.
                let sql = format!(
                    "SELECT {C2C_COLS} FROM c2c_messages WHERE sdkappid = $1 AND user_lo = $2 \
                     AND user_hi = $3 AND msg_time >= $4 AND msg_time <= $5 \
                     AND (msg_time < $6 OR (msg_time = $6 AND (msg_seq < $7 \
                          OR (msg_seq = $7 AND random < $8)))) \
                     AND (msg_time > $11 OR (msg_time = $11 AND (msg_seq > $12 \
                          OR (msg_seq = $12 AND random > $13)))) \
                     AND NOT (sender_keeps = 0 AND from_lo = $9) \
                     ORDER BY msg_time DESC, msg_seq DESC, random DESC LIMIT $10"
                );
                let rows = db
                    .all(
                        &sql,
                        params![
                            app as i64,
                            pair.lo,
                            pair.hi,
                            min_time,
                            max_time,
                            before.time,
                            i64::from(before.seq),
                            i64::from(before.random),
                            pair.lo == q.operator,
                            q.limit,
                            cleared.time,
                            i64::from(cleared.seq),
                            i64::from(cleared.random),
                        ],
                    )
                    .await?;
                rows.iter().map(c2c_from_row).collect()
            })
        })
        .await
    }

    async fn recall_c2c(
        &self,
        app: u64,
        from: &str,
        to: &str,
        key: MsgKey,
    ) -> StoreResult<C2cChange> {
        let (from, to) = (from.to_string(), to.to_string());
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                match Self::lock_c2c(&mut db, app, &from, &to, key).await? {
                    None => Ok(C2cChange::NotFound),
                    Some(true) => Ok(C2cChange::AlreadyRecalled),
                    Some(false) => {
                        let sql = "UPDATE c2c_messages SET recalled = 1 WHERE sdkappid = $1 \
                             AND user_lo = $2 AND user_hi = $3 AND msg_time = $4 \
                             AND msg_seq = $5 AND random = $6";
                        Self::update_c2c(&mut db, app, (&from, &to, key), sql, &[]).await?;
                        Ok(C2cChange::Done)
                    }
                }
            })
        })
        .await
    }

    async fn modify_c2c(
        &self,
        app: u64,
        from: &str,
        to: &str,
        key: MsgKey,
        msg_body: Option<Vec<u8>>,
        cloud_custom_data: Option<String>,
    ) -> StoreResult<C2cChange> {
        let (from, to) = (from.to_string(), to.to_string());
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                if Self::lock_c2c(&mut db, app, &from, &to, key)
                    .await?
                    .is_none()
                {
                    return Ok(C2cChange::NotFound);
                }
                // Each part is replaced only when given ($7, $9).
                let sql = "UPDATE c2c_messages SET \
                     msg_body = CASE WHEN $7 = 1 THEN $8 ELSE msg_body END, \
                     cloud_custom_data = CASE WHEN $9 = 1 THEN $10 ELSE cloud_custom_data END \
                     WHERE sdkappid = $1 AND user_lo = $2 AND user_hi = $3 AND msg_time = $4 \
                     AND msg_seq = $5 AND random = $6";
                let parts = params![
                    msg_body.is_some(),
                    msg_body.as_deref().unwrap_or_default(),
                    cloud_custom_data.is_some(),
                    cloud_custom_data.as_deref(),
                ];
                Self::update_c2c(&mut db, app, (&from, &to, key), sql, parts).await?;
                Ok(C2cChange::Done)
            })
        })
        .await
    }

    async fn fill_c2c_history(
        &self,
        app: u64,
        a: &str,
        b: &str,
        count: i64,
        first_time: i64,
    ) -> StoreResult<()> {
        let (a, b) = (a.to_string(), b.to_string());
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                let pair = Pair::new(&a, &b);
                let body = br#"[{"MsgType":"TIMTextElem","MsgContent":{"Text":"history"}}]"#;
                db.exec(
                    "WITH RECURSIVE n(i) AS (SELECT CAST(0 AS BIGINT) UNION ALL \
                     SELECT i + 1 FROM n WHERE i + 1 < $4) \
                     INSERT INTO c2c_messages (sdkappid, user_lo, user_hi, msg_time, msg_seq, \
                     random, from_lo, counts, sender_keeps, msg_body) \
                     SELECT $1, $2, $3, $5 + i, i, i, i % 2, 0, 1, $6 FROM n WHERE true \
                     ON CONFLICT DO NOTHING",
                    params![
                        app as i64,
                        pair.lo,
                        pair.hi,
                        count,
                        first_time,
                        body.as_slice()
                    ],
                )
                .await?;
                let last = first_time + count - 1;
                for (owner, peer) in [(&a, &b), (&b, &a)] {
                    Self::upsert_conversation(&mut db, app, owner, peer, last, true).await?;
                }
                Ok(())
            })
        })
        .await
    }
}
