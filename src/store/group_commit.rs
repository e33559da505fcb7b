//! Group commit: one writer connection runs concurrent write operations in a single
//! transaction (each inside its own savepoint) and acknowledges them all after one durable
//! commit. SQLite with `synchronous=FULL` pays one fsync per commit, so batching is what lets
//! writes approach the disk's limit without weakening durability.

use futures_util::future::BoxFuture;
use sqlx::{AnyConnection, AnyPool, Connection};
use std::sync::Mutex;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::StoreResult;
use crate::error::ApiError;

/// Most operations committed together; bounds the latency one commit adds to the first.
const MAX_BATCH: usize = 512;
/// Operations waiting for the writer before callers wait to enqueue.
const QUEUE_DEPTH: usize = 4096;

/// Delivers an operation's result once the commit it belongs to is known (None = committed).
type Reply = Box<dyn FnOnce(Option<&str>) + Send>;
/// An operation: runs on the writer's connection, says whether it hit a database error (which
/// may have left some of its statements applied), and how to reply.
type Job = Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, (bool, Reply)> + Send>;

pub struct WriteQueue {
    jobs: mpsc::Sender<Job>,
    stop: Mutex<Option<(oneshot::Sender<()>, JoinHandle<()>)>>,
}

impl WriteQueue {
    /// Starts the writer task; it owns one connection of `pool` until `close`.
    pub fn start(pool: AnyPool) -> WriteQueue {
        let (jobs, rx) = mpsc::channel(QUEUE_DEPTH);
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(writer(pool, rx, stopped));
        WriteQueue {
            jobs,
            stop: Mutex::new(Some((stop, task))),
        }
    }

    /// Finishes the queued writes, then stops the writer and returns its connection.
    pub async fn close(&self) {
        let stop = self.stop.lock().ok().and_then(|mut s| s.take());
        if let Some((stop, task)) = stop {
            let _ = stop.send(());
            let _ = task.await;
        }
    }

    /// Runs `f` in the next batch and answers after that batch has committed.
    pub async fn submit<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, StoreResult<T>> + Send + 'static,
    {
        let (done, result) = oneshot::channel::<StoreResult<T>>();
        let job: Job = Box::new(move |conn: &mut AnyConnection| {
            Box::pin(async move {
                let outcome = f(conn).await;
                let fatal = matches!(outcome, Err(ApiError::Internal(_)));
                let reply: Reply = Box::new(move |commit_error: Option<&str>| {
                    let answer = match (outcome, commit_error) {
                        (Ok(_), Some(e)) => Err(ApiError::Internal(format!("commit failed: {e}"))),
                        (outcome, _) => outcome,
                    };
                    let _ = done.send(answer);
                });
                (fatal, reply)
            })
        });
        self.jobs
            .send(job)
            .await
            .map_err(|_| ApiError::Internal("the database writer has stopped".into()))?;
        result
            .await
            .map_err(|_| ApiError::Internal("the write could not be committed".into()))?
    }
}

async fn writer(pool: AnyPool, mut rx: mpsc::Receiver<Job>, mut stop: oneshot::Receiver<()>) {
    let mut conn = None;
    loop {
        // Queued jobs go first, so a stop never abandons an accepted write.
        let first = tokio::select! {
            biased;
            job = rx.recv() => match job {
                Some(job) => job,
                None => break,
            },
            _ = &mut stop => break,
        };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if conn.is_none() {
            match pool.acquire().await {
                Ok(c) => conn = Some(c),
                Err(e) => {
                    // Dropping the jobs answers their callers with an internal error.
                    tracing::error!(error = %e, "the database writer cannot get its connection");
                    continue;
                }
            }
        }
        if let Some(c) = conn.as_mut()
            && let Err(e) = run_batch(c, batch).await
        {
            tracing::error!(error = %e, "a write batch failed");
            conn = None;
        }
    }
}

/// One transaction for the whole batch. Operations raise their domain errors (group not
/// found, not a member, …) before their first write, so a failed operation left nothing to
/// undo and the batch goes on; a database error fails the whole batch, and every caller in it
/// gets an internal error. Replies go out after the commit.
async fn run_batch(conn: &mut AnyConnection, batch: Vec<Job>) -> Result<(), sqlx::Error> {
    let mut tx = Connection::begin(conn).await?;
    let mut replies = Vec::with_capacity(batch.len());
    for job in batch {
        let (fatal, reply) = job(&mut tx).await;
        replies.push(reply);
        if fatal {
            // Part of that operation may be applied: undo the batch. Jobs not yet run are
            // dropped, which answers their callers with an internal error too.
            let _ = tx.rollback().await;
            for reply in replies {
                reply(Some("an operation in the same batch failed"));
            }
            return Err(sqlx::Error::Protocol("write batch aborted".into()));
        }
    }
    let committed = tx.commit().await;
    let error = committed.as_ref().err().map(|e| e.to_string());
    for reply in replies {
        reply(error.as_deref());
    }
    committed
}
