//! Conversations: what a stored one-to-one message changes in both parties' conversations,
//! read marks and unread counts (from counters, never by counting history), and the
//! recent-contact list, which merges one-to-one conversations with the groups whose members
//! see a conversation.

use super::SqlStore;
use crate::domain::c2c::{ConversationCounters, Pair};
use crate::store::db::{Db, Row, params};
use crate::store::*;

/// Counter columns, in the order [`counters_from_row`] reads them.
const COUNTER_COLS: &str = "counted, read_count, read_time, newest_counted_time";

fn counters_from_row(r: &Row) -> StoreResult<ConversationCounters> {
    Ok(ConversationCounters {
        counted: r.int(0)?,
        read_count: r.int(1)?,
        read_time: r.int(2)?,
        newest_counted_time: r.int(3)?,
    })
}

/// How a conversation row takes a message (the row's values in `excluded`): its newest message;
/// its place in the list when `listed` (not NoLastMsg); its counters when it counts. Counters
/// change by increments, never by values read before.
const UPSERT_SET: &str = "ON CONFLICT (sdkappid, owner, kind, peer) DO UPDATE SET \
     listed = CASE WHEN excluded.listed = 1 THEN 1 ELSE conversations.listed END, \
     last_time = CASE WHEN excluded.listed = 1 AND excluded.newest_time > conversations.last_time \
         THEN excluded.newest_time ELSE conversations.last_time END, \
     newest_time = CASE WHEN excluded.newest_time > conversations.newest_time \
         THEN excluded.newest_time ELSE conversations.newest_time END, \
     counted = conversations.counted + excluded.counted, \
     read_count = conversations.read_count + excluded.read_count, \
     newest_counted_time = CASE WHEN excluded.newest_counted_time > conversations.newest_counted_time \
         THEN excluded.newest_counted_time ELSE conversations.newest_counted_time END";

/// A message `$2` sent `$3` at `$5` (`$4` listed, `$6`–`$8` the recipient's counted, read and
/// counted time) in the recipient's row only.
static UPSERT_RECIPIENT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "INSERT INTO conversations (sdkappid, owner, kind, peer, listed, last_time, newest_time, \
         counted, read_count, read_time, newest_counted_time, cleared_time) VALUES \
         ($1, $3, 1, $2, $4, CASE WHEN $4 = 1 THEN $5 ELSE 0 END, $5, $6, $7, 0, $8, 0) \
         {UPSERT_SET}"
    )
});

/// The same in the sender's row too, in one statement (the sender's row first: rows are
/// written in the order given).
static UPSERT_BOTH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "INSERT INTO conversations (sdkappid, owner, kind, peer, listed, last_time, newest_time, \
         counted, read_count, read_time, newest_counted_time, cleared_time) VALUES \
         ($1, $2, 1, $3, $4, CASE WHEN $4 = 1 THEN $5 ELSE 0 END, $5, 0, 0, 0, 0, 0), \
         ($1, $3, 1, $2, $4, CASE WHEN $4 = 1 THEN $5 ELSE 0 END, $5, $6, $7, 0, $8, 0) \
         {UPSERT_SET}"
    )
});

/// A counted message's effect on its recipient's conversation row.
#[derive(Debug, Clone, Copy)]
pub(super) struct Received {
    time: i64,
    /// 1 when it arrives read (not newer than the read mark), else 0.
    read: i64,
}

impl SqlStore {
    /// PostgreSQL: locks both parties' rows of a one-to-one conversation, in owner order (the
    /// order every writer of the pair takes them in). SQLite has one writer.
    pub(super) async fn lock_pair_conversations(
        db: &mut Db<'_>,
        app: u64,
        pair: &Pair<'_>,
    ) -> StoreResult<()> {
        if let Db::Pg(_) = db {
            db.all(
                "SELECT 1 FROM conversations WHERE sdkappid = $1 AND kind = 1 \
                 AND ((owner = $2 AND peer = $3) OR (owner = $3 AND peer = $2)) \
                 ORDER BY owner FOR UPDATE",
                params![app as i64, pair.lo, pair.hi],
            )
            .await?;
        }
        Ok(())
    }

    /// A one-to-one conversation's counters (`lock`: locked for a PostgreSQL write).
    async fn counters(
        db: &mut Db<'_>,
        app: u64,
        (owner, peer): (&str, &str),
        lock: bool,
    ) -> StoreResult<Option<ConversationCounters>> {
        let lock = if lock { db.lock_clause(false) } else { "" };
        let sql = format!(
            "SELECT {COUNTER_COLS} FROM conversations WHERE sdkappid = $1 AND owner = $2 \
             AND kind = 1 AND peer = $3{lock}"
        );
        let row = db.opt(&sql, params![app as i64, owner, peer]).await?;
        row.as_ref().map(counters_from_row).transpose()
    }

    /// A stored message in both conversations: the sender's (unless SyncOtherMachine 2 left it
    /// out of the sender's history) and the recipient's, with the unread count when it counts.
    pub(super) async fn record_in_conversations(
        db: &mut Db<'_>,
        app: u64,
        msg: &NewC2cMessage,
    ) -> StoreResult<()> {
        let time = msg.key.time;
        let received = if msg.counts {
            let mut counters = Self::counters(db, app, (&msg.to, &msg.from), true)
                .await?
                .unwrap_or_default();
            let unread = counters.receive(time);
            if unread > 0 {
                Self::add_unread(db, app, &msg.to, unread).await?;
            }
            Some(Received {
                time,
                read: 1 - unread,
            })
        } else {
            None
        };
        let sql = if msg.sender_keeps {
            UPSERT_BOTH.as_str()
        } else {
            UPSERT_RECIPIENT.as_str()
        };
        let update = msg.updates_conversation;
        Self::upsert(db, sql, app, (&msg.from, &msg.to), time, update, received).await
    }

    /// Creates or updates `owner`'s conversation with `peer` for a message at `time` that does
    /// not count.
    pub(super) async fn upsert_conversation(
        db: &mut Db<'_>,
        app: u64,
        owner: &str,
        peer: &str,
        time: i64,
        update: bool,
    ) -> StoreResult<()> {
        let sql = UPSERT_RECIPIENT.as_str();
        Self::upsert(db, sql, app, (peer, owner), time, update, None).await
    }

    /// Runs [`UPSERT_BOTH`] or [`UPSERT_RECIPIENT`] for a message `from` sent `to`.
    async fn upsert(
        db: &mut Db<'_>,
        sql: &str,
        app: u64,
        (from, to): (&str, &str),
        time: i64,
        update: bool,
        received: Option<Received>,
    ) -> StoreResult<()> {
        let (counted, read, counted_time) = match received {
            Some(r) => (1, r.read, r.time),
            None => (0, 0, 0),
        };
        let params = params![
            app as i64,
            from,
            to,
            update,
            time,
            counted,
            read,
            counted_time
        ];
        db.exec(sql, params).await?;
        Ok(())
    }

    /// Adds to (or with a negative `n`, takes from) an account's one-to-one unread total.
    async fn add_unread(db: &mut Db<'_>, app: u64, user: &str, n: i64) -> StoreResult<()> {
        db.exec(
            "INSERT INTO c2c_unread_totals (sdkappid, user_id, unread) VALUES ($1, $2, $3) \
             ON CONFLICT (sdkappid, user_id) DO UPDATE SET unread = c2c_unread_totals.unread + $3",
            params![app as i64, user, n],
        )
        .await?;
        Ok(())
    }

    /// Moves a conversation's read mark to `time`; counts the messages it passes only when it
    /// stops among unread ones (a key range bounded by those unread messages).
    async fn read_up_to(
        db: &mut Db<'_>,
        app: u64,
        reader: &str,
        peer: &str,
        time: i64,
    ) -> StoreResult<Option<ConversationCounters>> {
        let mut counters = match Self::counters(db, app, (reader, peer), true).await? {
            Some(counters) => counters,
            None => {
                // No message yet: the mark is kept for the ones to come (an older one arrives
                // read).
                let inserted = db
                    .exec(
                        "INSERT INTO conversations (sdkappid, owner, kind, peer, listed, \
                         last_time, newest_time, counted, read_count, read_time, \
                         newest_counted_time, cleared_time) \
                         VALUES ($1, $2, 1, $3, 0, 0, 0, 0, 0, $4, 0, 0) ON CONFLICT DO NOTHING",
                        params![app as i64, reader, peer, time],
                    )
                    .await?;
                // PostgreSQL: a first message may have made the row meanwhile; read it then.
                match Self::counters(db, app, (reader, peer), true).await? {
                    Some(counters) if inserted == 0 => counters,
                    _ => return Ok(None),
                }
            }
        };
        let mut passed = 0;
        if counters.needs_count(time) {
            let pair = Pair::new(reader, peer);
            passed = db
                .int(
                    "SELECT COUNT(*) FROM c2c_messages WHERE sdkappid = $1 AND user_lo = $2 \
                     AND user_hi = $3 AND from_lo = $6 AND counts = 1 \
                     AND msg_time > $4 AND msg_time <= $5",
                    params![
                        app as i64,
                        pair.lo,
                        pair.hi,
                        counters.read_time,
                        time,
                        pair.lo == peer
                    ],
                )
                .await?;
        }
        let read = counters.read_up_to(time, passed);
        if read > 0 {
            Self::add_unread(db, app, reader, -read).await?;
        }
        db.exec(
            "UPDATE conversations SET read_count = $4, read_time = $5 \
             WHERE sdkappid = $1 AND owner = $2 AND kind = 1 AND peer = $3",
            params![
                app as i64,
                reader,
                peer,
                counters.read_count,
                counters.read_time
            ],
        )
        .await?;
        Ok(Some(counters))
    }

    /// Hides the conversation's history so far from its owner: every message up to the newest
    /// one's key (one index lookup; nothing is rewritten). A message stored later with a key
    /// that is not above it (an older import) falls in the hidden part too.
    async fn clear_history(db: &mut Db<'_>, app: u64, owner: &str, peer: &str) -> StoreResult<()> {
        let pair = Pair::new(owner, peer);
        let newest = db
            .opt(
                "SELECT msg_time, msg_seq, random FROM c2c_messages WHERE sdkappid = $1 \
                 AND user_lo = $2 AND user_hi = $3 \
                 ORDER BY msg_time DESC, msg_seq DESC, random DESC LIMIT 1",
                params![app as i64, pair.lo, pair.hi],
            )
            .await?;
        let Some(newest) = newest else { return Ok(()) };
        db.exec(
            "UPDATE conversations SET cleared_time = $4, cleared_seq = $5, cleared_random = $6 \
             WHERE sdkappid = $1 AND owner = $2 AND kind = 1 AND peer = $3",
            params![
                app as i64,
                owner,
                peer,
                newest.int(0)?,
                newest.int(1)?,
                newest.int(2)?
            ],
        )
        .await?;
        Ok(())
    }

    /// Hides a group conversation from the owner's list until the group's next message that
    /// updates conversations (by seq: one in the same second brings it back).
    async fn hide_group_conversation(
        db: &mut Db<'_>,
        app: u64,
        owner: &str,
        group_id: &str,
    ) -> StoreResult<()> {
        db.exec(
            "INSERT INTO conversations (sdkappid, owner, kind, peer, listed, last_time, \
             newest_time, counted, read_count, read_time, newest_counted_time, cleared_time, \
             cleared_seq) \
             SELECT $1, $2, 2, $3, 0, contact_time, contact_time, 0, 0, 0, 0, 0, contact_seq \
             FROM chat_groups WHERE sdkappid = $1 AND group_id = $3 \
             ON CONFLICT (sdkappid, owner, kind, peer) DO UPDATE SET \
             cleared_seq = excluded.cleared_seq",
            params![app as i64, owner, group_id],
        )
        .await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl ConversationStore for SqlStore {
    async fn set_c2c_read(&self, app: u64, reader: &str, peer: &str, time: i64) -> StoreResult<()> {
        let (reader, peer) = (reader.to_string(), peer.to_string());
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                Self::lock_pair_conversations(&mut db, app, &Pair::new(&reader, &peer)).await?;
                Self::read_up_to(&mut db, app, &reader, &peer, time).await?;
                Ok(())
            })
        })
        .await
    }

    async fn c2c_unread_total(&self, app: u64, user: &str) -> StoreResult<i64> {
        let user = user.to_string();
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                let row = db
                    .opt(
                        "SELECT unread FROM c2c_unread_totals WHERE sdkappid = $1 AND user_id = $2",
                        params![app as i64, &user],
                    )
                    .await?;
                Ok(row.map(|r| r.int(0)).transpose()?.unwrap_or(0))
            })
        })
        .await
    }

    async fn c2c_unread(&self, app: u64, user: &str, peers: &[String]) -> StoreResult<Vec<i64>> {
        let (user, peers) = (user.to_string(), peers.to_vec());
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                let mut out = Vec::with_capacity(peers.len());
                for peer in &peers {
                    let counters = Self::counters(&mut db, app, (&user, peer), false).await?;
                    out.push(counters.map_or(0, |c| c.unread()));
                }
                Ok(out)
            })
        })
        .await
    }

    async fn conversations(
        &self,
        app: u64,
        owner: &str,
        cap: usize,
    ) -> StoreResult<Vec<ConversationRow>> {
        let owner = owner.to_string();
        let cap = cap as i64;
        self.read(move |mut db: Db<'_>| {
            Box::pin(async move {
                // The newest `cap` one-to-one conversations, straight from the index by time.
                let mut list = db
                    .map_all(
                        "SELECT peer, last_time FROM conversations WHERE sdkappid = $1 \
                         AND owner = $2 AND listed = 1 ORDER BY last_time DESC, peer LIMIT $3",
                        params![app as i64, &owner, cap],
                        |r| {
                            Ok(ConversationRow {
                                peer: Peer::Account(r.text(0)?),
                                msg_time: r.int(1)?,
                            })
                        },
                    )
                    .await?;
                // The owner's groups with a message that updates conversations, unless the
                // owner deleted the conversation since.
                let groups = db
                    .map_all(
                        "SELECT g.group_id, g.contact_time FROM members m \
                         JOIN chat_groups g ON g.sdkappid = m.sdkappid AND g.group_id = m.group_id \
                         LEFT JOIN conversations c ON c.sdkappid = m.sdkappid \
                         AND c.owner = m.user_id AND c.kind = 2 AND c.peer = m.group_id \
                         WHERE m.sdkappid = $1 AND m.user_id = $2 AND g.destroyed = 0 \
                         AND g.contact_time > 0 \
                         AND (c.cleared_seq IS NULL OR g.contact_seq > c.cleared_seq) \
                         ORDER BY g.contact_time DESC, g.group_id LIMIT $3",
                        params![app as i64, &owner, cap],
                        |r| {
                            Ok(ConversationRow {
                                peer: Peer::Group(r.text(0)?),
                                msg_time: r.int(1)?,
                            })
                        },
                    )
                    .await?;
                list.extend(groups);
                list.sort_by(|a, b| b.msg_time.cmp(&a.msg_time).then(a.peer.cmp(&b.peer)));
                list.truncate(cap as usize);
                Ok(list)
            })
        })
        .await
    }

    async fn delete_conversation(
        &self,
        app: u64,
        owner: &str,
        peer: &Peer,
        clear_history: bool,
    ) -> StoreResult<()> {
        let (owner, peer) = (owner.to_string(), peer.clone());
        self.write(move |mut db: Db<'_>| {
            Box::pin(async move {
                let peer = match peer {
                    Peer::Group(group_id) => {
                        return Self::hide_group_conversation(&mut db, app, &owner, &group_id)
                            .await;
                    }
                    Peer::Account(peer) => peer,
                };
                Self::lock_pair_conversations(&mut db, app, &Pair::new(&owner, &peer)).await?;
                let Some(counters) = Self::counters(&mut db, app, (&owner, &peer), true).await?
                else {
                    return Ok(());
                };
                // Everything received so far becomes read.
                let all = counters.newest_counted_time.max(counters.read_time);
                Self::read_up_to(&mut db, app, &owner, &peer, all).await?;
                db.exec(
                    "UPDATE conversations SET listed = 0 \
                     WHERE sdkappid = $1 AND owner = $2 AND kind = 1 AND peer = $3",
                    params![app as i64, &owner, &peer],
                )
                .await?;
                if clear_history {
                    Self::clear_history(&mut db, app, &owner, &peer).await?;
                }
                Ok(())
            })
        })
        .await
    }
}
