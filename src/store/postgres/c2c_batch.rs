//! PostgreSQL: concurrent one-to-one stores (importmsg, sendmsg) run together as one statement.
//!
//! A migration imports history one message per call, many calls at once. Alone, each is one
//! statement and one commit, and PostgreSQL spends more on a statement's overhead and commit
//! than on the rows it writes. A few batchers, each owning the conversations that hash to it,
//! take every store waiting at the moment and write them all in one statement: one commit,
//! durable before any of them is answered. A conversation appears at most once per statement
//! (a second store of it waits for the next), so no row is written twice by one statement;
//! the unread totals of one recipient are added up before they are written.

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};

use sqlx::PgPool;
use tokio::sync::{mpsc, oneshot};

use super::batching::Queue;
use super::c2c::{CONVERSATION_SET, store_for};
use crate::domain::c2c::Pair;
use crate::domain::message::DEDUP_WINDOW_SECS;
use crate::store::{NewC2cMessage, StoreError, StoreResult};

/// Batchers, so that PostgreSQL's cores work on several statements at once.
const SHARDS: usize = 4;
/// Most stores in one statement.
const MAX_BATCH: usize = 128;
/// Stores waiting for a batcher before callers wait to enqueue.
const QUEUE_DEPTH: usize = 1024;

/// Whether the message was stored (false: its key was in the conversation already, or, for a
/// send, a repeat of it was, the recipient blocked the sender, or setnospeaking mutes it).
type Reply = oneshot::Sender<StoreResult<bool>>;

struct Call {
    app: u64,
    msg: NewC2cMessage,
    /// A send (found by later repeat checks), not an import.
    sent: bool,
    reply: Reply,
}

impl Call {
    fn conversation(&self, hasher: &RandomState) -> u64 {
        let pair = Pair::new(&self.msg.from, &self.msg.to);
        hasher.hash_one((self.app, pair.lo, pair.hi))
    }
}

pub struct C2cBatcher {
    shards: Vec<mpsc::Sender<Call>>,
    hasher: RandomState,
}

impl C2cBatcher {
    /// Starts the batchers on the current tokio runtime; they stop when this is dropped.
    pub fn start(pool: PgPool) -> C2cBatcher {
        let shards = (0..SHARDS)
            .map(|_| {
                let (tx, rx) = mpsc::channel(QUEUE_DEPTH);
                tokio::spawn(run(pool.clone(), rx, RandomState::new()));
                tx
            })
            .collect();
        C2cBatcher {
            shards,
            hasher: RandomState::new(),
        }
    }

    /// Stores one message; false when its key was stored already.
    pub async fn store(&self, app: u64, msg: NewC2cMessage, sent: bool) -> StoreResult<bool> {
        let (reply, answer) = oneshot::channel();
        let call = Call {
            app,
            msg,
            sent,
            reply,
        };
        let shard = call.conversation(&self.hasher) as usize % SHARDS;
        let stopped = || StoreError::Unavailable("the C2C batcher has stopped".into());
        self.shards[shard].send(call).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// One batcher: waits for a store, takes every store already queued behind it (a
/// conversation's second store waits for the next statement), runs them as one statement,
/// answers, repeats.
async fn run(pool: PgPool, calls: mpsc::Receiver<Call>, hasher: RandomState) {
    let mut queue = Queue::new(calls);
    while let Some(batch) = queue
        .next_batch(MAX_BATCH, |c| c.conversation(&hasher))
        .await
    {
        execute(&pool, batch).await;
    }
}

async fn execute(pool: &PgPool, batch: Vec<Call>) {
    if batch.len() > 1 {
        match run_statement(pool, &batch).await {
            Ok(stored) => {
                for (call, stored) in batch.into_iter().zip(stored) {
                    let _ = call.reply.send(Ok(stored));
                }
                return;
            }
            // One store's failure must not fail the others: each runs again alone.
            Err(e) => tracing::warn!(error = %e, "a batched C2C store failed; storing one by one"),
        }
    }
    for call in batch {
        let stored = store_alone(pool, &call).await;
        let _ = call.reply.send(stored);
    }
}

/// One store, in the statement for one message.
async fn store_alone(pool: &PgPool, call: &Call) -> StoreResult<bool> {
    let mut conn = pool.acquire().await?;
    let to = [call.msg.to.clone()];
    let stored = store_for(&mut conn, call.app, &call.msg, &to, call.sent).await?;
    Ok(!stored.is_empty())
}

/// For each store, whether its message was stored.
async fn run_statement(pool: &PgPool, calls: &[Call]) -> Result<Vec<bool>, sqlx::Error> {
    let mut c = Columns::default();
    for call in calls {
        c.push(call);
    }
    let stored: Vec<(i64, String, String)> =
        sqlx::query_as(sqlx::AssertSqlSafe(BATCH_SQL.as_str()))
            .bind(&c.app)
            .bind(&c.lo)
            .bind(&c.hi)
            .bind(&c.from_lo)
            .bind(&c.time)
            .bind(&c.seq)
            .bind(&c.random)
            .bind(&c.counts)
            .bind(&c.sender_keeps)
            .bind(&c.body)
            .bind(&c.cloud_custom_data)
            .bind(&c.from)
            .bind(&c.to)
            .bind(&c.listed)
            .bind(&c.sent)
            .bind(DEDUP_WINDOW_SECS)
            .fetch_all(pool)
            .await?;
    let stored: HashSet<(i64, String, String)> = stored.into_iter().collect();
    Ok((0..calls.len())
        .map(|i| stored.contains(&(c.app[i], c.lo[i].clone(), c.hi[i].clone())))
        .collect())
}

/// The batch as one array per column.
#[derive(Default)]
struct Columns {
    app: Vec<i64>,
    lo: Vec<String>,
    hi: Vec<String>,
    from_lo: Vec<i64>,
    time: Vec<i64>,
    seq: Vec<i64>,
    random: Vec<i64>,
    counts: Vec<i64>,
    sender_keeps: Vec<i64>,
    body: Vec<Vec<u8>>,
    cloud_custom_data: Vec<Option<String>>,
    from: Vec<String>,
    to: Vec<String>,
    listed: Vec<i64>,
    sent: Vec<i64>,
}

impl Columns {
    fn push(&mut self, call: &Call) {
        let m = &call.msg;
        let pair = Pair::new(&m.from, &m.to);
        self.app.push(call.app as i64);
        self.lo.push(pair.lo.to_string());
        self.hi.push(pair.hi.to_string());
        self.from_lo.push(i64::from(pair.lo == m.from));
        self.time.push(m.key.time);
        self.seq.push(i64::from(m.key.seq));
        self.random.push(i64::from(m.key.random));
        self.counts.push(i64::from(m.counts));
        self.sender_keeps.push(i64::from(m.sender_keeps));
        self.body.push(m.msg_body.clone());
        self.cloud_custom_data.push(m.cloud_custom_data.clone());
        self.from.push(m.from.clone());
        self.to.push(m.to.clone());
        self.listed.push(i64::from(m.updates_conversation));
        self.sent.push(i64::from(call.sent));
    }
}

/// Many messages, each in its own conversation: stored, both parties' conversations updated
/// (rows in one order), each recipient's unread total raised once by its new unread messages.
static BATCH_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "WITH r AS (SELECT * FROM unnest($1::int8[], $2::text[], $3::text[], $4::int8[], \
           $5::int8[], $6::int8[], $7::int8[], $8::int8[], $9::int8[], $10::bytea[], $11::text[], \
           $12::text[], $13::text[], $14::int8[], $15::int8[]) AS r(sdkappid, lo, hi, from_lo, \
           msg_time, msg_seq, random, counts, sender_keeps, msg_body, ccd, from_acc, to_acc, \
           listed, sent)), \
         msg AS (INSERT INTO c2c_messages (sdkappid, user_lo, user_hi, msg_time, msg_seq, random, \
           from_lo, counts, sender_keeps, msg_body, cloud_custom_data, sent) \
           SELECT sdkappid, lo, hi, msg_time, msg_seq, random, from_lo, counts, sender_keeps, \
           msg_body, ccd, sent FROM r \
           WHERE r.sent = 0 OR (NOT EXISTS (SELECT 1 FROM c2c_messages m \
             WHERE m.sdkappid = r.sdkappid AND m.user_lo = r.lo AND m.user_hi = r.hi \
             AND m.random = r.random AND m.from_lo = r.from_lo AND m.sent = 1 \
             AND m.msg_time >= r.msg_time - $16 AND m.msg_time <= r.msg_time + $16) \
             AND NOT EXISTS (SELECT 1 FROM blocklist b WHERE b.sdkappid = r.sdkappid \
             AND b.owner = r.to_acc AND b.blocked = r.from_acc) \
             AND NOT EXISTS (SELECT 1 FROM nospeaking n WHERE n.sdkappid = r.sdkappid \
             AND n.user_id = r.from_acc AND n.c2c_until > r.msg_time)) \
           ON CONFLICT DO NOTHING \
           RETURNING sdkappid, user_lo, user_hi), \
         new AS (SELECT r.* FROM r JOIN msg ON msg.sdkappid = r.sdkappid AND msg.user_lo = r.lo \
           AND msg.user_hi = r.hi), \
         sides AS (SELECT sdkappid, from_acc AS owner, to_acc AS peer, 0::int8 AS counts, listed, \
           msg_time FROM new WHERE sender_keeps = 1 \
           UNION ALL SELECT sdkappid, to_acc, from_acc, counts, listed, msg_time FROM new), \
         conv AS (INSERT INTO conversations (sdkappid, owner, kind, peer, listed, last_time, \
           newest_time, counted, read_count, read_time, newest_counted_time, cleared_time) \
           SELECT sdkappid, owner, 1, peer, listed, CASE WHEN listed = 1 THEN msg_time ELSE 0 END, \
           msg_time, counts, 0, 0, CASE WHEN counts = 1 THEN msg_time ELSE 0 END, 0 FROM sides \
           ORDER BY sdkappid, owner, peer {CONVERSATION_SET} \
           RETURNING sdkappid, owner, peer, read_time), \
         tot AS (INSERT INTO c2c_unread_totals (sdkappid, user_id, unread) \
           SELECT n.sdkappid, n.to_acc, count(*) FROM new n JOIN conv c \
           ON c.sdkappid = n.sdkappid AND c.owner = n.to_acc AND c.peer = n.from_acc \
           WHERE n.counts = 1 AND n.msg_time > c.read_time \
           GROUP BY n.sdkappid, n.to_acc ORDER BY n.sdkappid, n.to_acc \
           ON CONFLICT (sdkappid, user_id) DO UPDATE \
           SET unread = c2c_unread_totals.unread + excluded.unread) \
         SELECT sdkappid, user_lo, user_hi FROM msg"
    )
});
