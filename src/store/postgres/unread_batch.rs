//! PostgreSQL: concurrent `set_unread_msg_num` calls run together as one statement.
//!
//! Each call alone is one short UPDATE, and PostgreSQL spends far more CPU on a statement's
//! parse, plan, executor start and commit than on the row it changes. A few batchers, each
//! owning the members that hash to it, take every call waiting at the moment and update all
//! their rows in one statement (one commit, durable before any of them is answered). A member
//! is always handled by the same batcher and appears at most once per statement, so two
//! statements in flight never update the same row.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::LazyLock;

use sqlx::{AssertSqlSafe, PgPool};

use super::batching::Queue;
use tokio::sync::{mpsc, oneshot};

use crate::domain::unread::{clamp_sql, unread_types_sql};
use crate::store::StoreError;
use crate::store::StoreResult;
use crate::store::schema::SET_UNREAD_FOR_SHARE;

/// Batchers, so that PostgreSQL's cores work on several statements at once.
const SHARDS: usize = 4;
/// Most calls in one statement.
const MAX_BATCH: usize = 256;
/// Calls waiting for a batcher before callers wait to enqueue.
const QUEUE_DEPTH: usize = 1024;

/// Several calls: the mark clamped as `schema::set_unread_sql` does, the groups' counters read
/// `FOR SHARE` so that a message sent meanwhile waits for this commit.
static BATCH_SQL: LazyLock<String> = LazyLock::new(|| {
    let unread_types = unread_types_sql();
    let clamp = clamp_sql("r.unread", "g.next_msg_seq");
    format!(
        "WITH r AS (SELECT * FROM unnest($1::int8[], $2::text[], $3::text[], $4::int8[], \
           $5::int4[]) AS r(sdkappid, group_id, user_id, unread, idx)), \
         g AS (SELECT c.sdkappid, c.group_id, c.next_msg_seq, c.counted FROM chat_groups c \
           WHERE (c.sdkappid, c.group_id) IN (SELECT sdkappid, group_id FROM r) \
           AND c.destroyed = 0 AND c.group_type IN ({unread_types}) FOR SHARE OF c) \
         UPDATE members m SET rank_base = g.counted, unread_base = {clamp} \
         FROM r JOIN g ON g.sdkappid = r.sdkappid AND g.group_id = r.group_id \
         WHERE m.sdkappid = r.sdkappid AND m.group_id = r.group_id AND m.user_id = r.user_id \
         RETURNING r.idx, m.unread_base"
    )
});

/// The stored unread base, or None when the statement matched no row (no such live group of
/// a type with unread counts, or no such member): the caller finds out which.
type Reply = oneshot::Sender<StoreResult<Option<i64>>>;

struct Call {
    app: i64,
    group_id: String,
    user_id: String,
    unread: i64,
    reply: Reply,
}

impl Call {
    /// Which member the call is about, as a hash: two members that collide only make one
    /// of them wait for the next statement.
    fn member(&self, hasher: &RandomState) -> u64 {
        hasher.hash_one((self.app, &self.group_id, &self.user_id))
    }
}

pub struct UnreadBatcher {
    shards: Vec<mpsc::Sender<Call>>,
    hasher: RandomState,
}

impl UnreadBatcher {
    /// Starts the batchers on the current tokio runtime; they stop when this is dropped.
    pub fn start(pool: PgPool) -> UnreadBatcher {
        let shards = (0..SHARDS)
            .map(|_| {
                let (tx, rx) = mpsc::channel(QUEUE_DEPTH);
                tokio::spawn(run(pool.clone(), rx, RandomState::new()));
                tx
            })
            .collect();
        UnreadBatcher {
            shards,
            hasher: RandomState::new(),
        }
    }

    /// Moves one member's read mark (see [`Call`]'s reply for the answer).
    pub async fn set(
        &self,
        app: i64,
        group_id: String,
        user_id: String,
        unread: i64,
    ) -> StoreResult<Option<i64>> {
        let (reply, answer) = oneshot::channel();
        let call = Call {
            app,
            group_id,
            user_id,
            unread,
            reply,
        };
        let shard = call.member(&self.hasher) as usize % SHARDS;
        let stopped = || StoreError::Unavailable("the unread batcher has stopped".into());
        self.shards[shard].send(call).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// One batcher: waits for a call, takes every call already queued behind it (a member's
/// second call waits for the next statement), runs them as one statement, answers, repeats.
async fn run(pool: PgPool, calls: mpsc::Receiver<Call>, hasher: RandomState) {
    let mut queue = Queue::new(calls);
    while let Some(batch) = queue.next_batch(MAX_BATCH, |c| c.member(&hasher)).await {
        execute(&pool, batch).await;
    }
}

async fn execute(pool: &PgPool, batch: Vec<Call>) {
    let stored = match batch.as_slice() {
        // A call alone: the one-member statement, which PostgreSQL runs faster than the
        // general one.
        [call] => sqlx::query_as::<_, (i64,)>(AssertSqlSafe(SET_UNREAD_FOR_SHARE.as_str()))
            .bind(call.app)
            .bind(&call.group_id)
            .bind(&call.user_id)
            .bind(call.unread)
            .fetch_optional(pool)
            .await
            .map(|row| {
                row.map(|(unread_base,)| (0, unread_base))
                    .into_iter()
                    .collect()
            }),
        calls => run_statement(pool, calls).await,
    };
    match stored {
        Ok(stored) => {
            for (i, call) in batch.into_iter().enumerate() {
                let _ = call.reply.send(Ok(stored.get(&(i as i32)).copied()));
            }
        }
        // A deadlock with a transaction that locks several groups (the statement share-locks
        // all of its groups) aborts the statement; nothing was written, and every call is
        // answered "not matched" so that it runs again alone on the transaction path.
        Err(e) if is_deadlock(&e) => {
            for call in batch {
                let _ = call.reply.send(Ok(None));
            }
        }
        Err(e) => {
            let message = e.to_string();
            for call in batch {
                let _ = call.reply.send(Err(StoreError::Internal(message.clone())));
            }
        }
    }
}

/// The stored unread base of each call that matched a row, by its position in `calls`.
async fn run_statement(pool: &PgPool, calls: &[Call]) -> Result<HashMap<i32, i64>, sqlx::Error> {
    let n = calls.len();
    let (mut apps, mut groups, mut users, mut unreads, mut idx) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for (i, call) in calls.iter().enumerate() {
        apps.push(call.app);
        groups.push(call.group_id.as_str());
        users.push(call.user_id.as_str());
        unreads.push(call.unread);
        idx.push(i as i32);
    }
    let rows: Vec<(i32, i64)> = sqlx::query_as(AssertSqlSafe(BATCH_SQL.as_str()))
        .bind(&apps)
        .bind(&groups)
        .bind(&users)
        .bind(&unreads)
        .bind(&idx)
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().collect())
}

fn is_deadlock(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|code| code == "40P01")
}
