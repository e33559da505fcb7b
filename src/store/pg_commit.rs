//! Group commit for PostgreSQL: one connection runs the write operations waiting at that
//! moment in one transaction and acknowledges them after one durable commit, so BEGIN, COMMIT
//! and the WAL flush are shared by the batch instead of paid per operation. Every statement of
//! a batch must succeed for the batch to commit, so operations raise their domain errors before
//! writing and never rely on a failing statement (PostgreSQL aborts the whole transaction then).

use std::time::Duration;

use futures_util::future::BoxFuture;
use sqlx::{Connection, PgPool};
use tokio::sync::{mpsc, oneshot};

use super::StoreResult;
use super::db::Db;
use crate::error::ApiError;

/// Most operations committed together.
const MAX_BATCH: usize = 256;
/// Operations waiting for the writer before callers wait to enqueue.
const QUEUE_DEPTH: usize = 4096;
/// A batch that has not committed by then is abandoned (its callers get the internal-error
/// code) and its connection dropped: a database that stops answering must not stall every
/// write behind it.
const BATCH_TIMEOUT: Duration = Duration::from_secs(3);

type Reply = Box<dyn FnOnce(Option<&str>) + Send>;
type Job = Box<dyn for<'c> FnOnce(Db<'c>) -> BoxFuture<'c, (bool, Reply)> + Send>;

enum Msg {
    Job(Job),
    Stop(oneshot::Sender<()>),
}

pub struct PgWriteQueue {
    jobs: mpsc::Sender<Msg>,
}

impl PgWriteQueue {
    /// Starts the writer task; it takes its connection from `pool` and keeps it.
    pub fn start(pool: PgPool) -> PgWriteQueue {
        let (jobs, rx) = mpsc::channel(QUEUE_DEPTH);
        tokio::spawn(writer(pool, rx));
        PgWriteQueue { jobs }
    }

    /// Finishes the queued writes, then stops the writer.
    pub async fn close(&self) {
        let (done, stopped) = oneshot::channel();
        if self.jobs.send(Msg::Stop(done)).await.is_ok() {
            let _ = stopped.await;
        }
    }

    /// Runs `f` in the next batch and answers after that batch has committed.
    pub async fn submit<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(Db<'c>) -> BoxFuture<'c, StoreResult<T>> + Send + 'static,
    {
        let (done, result) = oneshot::channel::<StoreResult<T>>();
        let job: Job = Box::new(move |db: Db<'_>| {
            Box::pin(async move {
                let outcome = f(db).await;
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
            .send(Msg::Job(job))
            .await
            .map_err(|_| ApiError::Internal("the database writer has stopped".into()))?;
        result
            .await
            .map_err(|_| ApiError::Internal("the write could not be committed".into()))?
    }
}

async fn writer(pool: PgPool, mut rx: mpsc::Receiver<Msg>) {
    let mut conn = None;
    let mut stop = None;
    while stop.is_none() {
        let Some(first) = rx.recv().await else {
            break;
        };
        let mut batch = Vec::new();
        match first {
            Msg::Job(job) => batch.push(job),
            Msg::Stop(done) => stop = Some(done),
        }
        while stop.is_none() && batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(Msg::Job(job)) => batch.push(job),
                Ok(Msg::Stop(done)) => stop = Some(done),
                Err(_) => break,
            }
        }
        if batch.is_empty() {
            continue;
        }
        if conn.is_none() {
            match pool.acquire().await {
                Ok(c) => conn = Some(c),
                Err(e) => {
                    // Dropping the jobs answers their callers with an internal error.
                    tracing::error!(error = %e, "the database writer cannot get a connection");
                    continue;
                }
            }
        }
        let Some(c) = conn.as_mut() else { continue };
        match tokio::time::timeout(BATCH_TIMEOUT, run_batch(c, batch)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::error!(error = %e, "a write batch failed");
                conn = None;
            }
            Err(_) => {
                tracing::error!(
                    "a write batch did not finish within 3 s; its connection is dropped"
                );
                conn = None;
            }
        }
    }
    if let Some(done) = stop {
        let _ = done.send(());
    }
}

/// One transaction for the whole batch; replies go out after the commit. A database error
/// in any operation rolls the batch back and every caller in it gets an internal error.
async fn run_batch(conn: &mut sqlx::PgConnection, batch: Vec<Job>) -> Result<(), String> {
    let mut tx = conn.begin().await.map_err(|e| e.to_string())?;
    let mut replies = Vec::with_capacity(batch.len());
    for job in batch {
        let (fatal, reply) = job(Db::Pg(&mut tx)).await;
        replies.push(reply);
        if fatal {
            let _ = tx.rollback().await;
            for reply in replies {
                reply(Some("an operation in the same batch failed"));
            }
            return Err("an operation hit a database error; its batch was rolled back".into());
        }
    }
    let committed = tx.commit().await.map_err(|e| e.to_string());
    for reply in replies {
        reply(committed.as_ref().err().map(String::as_str));
    }
    committed
}
