//! Group commit: one writer thread runs concurrent write operations in a single SQLite
//! transaction and acknowledges them all after one durable commit. With `synchronous=FULL`
//! every commit costs an fsync, so batching is what lets writes approach the disk's limit
//! without weakening durability.

use std::sync::Mutex;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use tokio::sync::{mpsc, oneshot};

use crate::store::StoreError;
use crate::store::StoreResult;
use crate::store::db::{Db, DbOp};

/// Most operations committed together; bounds the latency one commit adds to the first.
const MAX_BATCH: usize = 512;
/// Operations waiting for the writer before callers wait to enqueue.
const QUEUE_DEPTH: usize = 4096;

/// Delivers an operation's result once the commit it belongs to is known (None = committed).
type Reply = Box<dyn FnOnce(Option<&str>) + Send>;
/// An operation: runs on the writer's connection, says whether it hit a database error (which
/// may have left some of its statements applied), and how to reply.
type Job = Box<dyn for<'c> FnOnce(Db<'c>) -> BoxFuture<'c, (bool, Reply)> + Send>;

enum Msg {
    Job(Job),
    /// Stop after the jobs queued before this one; answer when the writer is gone.
    Stop(oneshot::Sender<()>),
}

pub struct WriteQueue {
    jobs: mpsc::Sender<Msg>,
}

impl WriteQueue {
    /// Starts the writer thread, which owns `conn`. After each batch has been answered it
    /// calls `after_batch` with the connection (checkpoint upkeep).
    pub fn start(
        conn: rusqlite::Connection,
        after_batch: impl FnMut(&rusqlite::Connection) + Send + 'static,
    ) -> std::io::Result<Self> {
        let (jobs, rx) = mpsc::channel(QUEUE_DEPTH);
        std::thread::Builder::new()
            .name("opentim-writer".into())
            .spawn(move || writer(Mutex::new(conn), rx, after_batch))?;
        Ok(WriteQueue { jobs })
    }

    /// Finishes the queued writes, then stops the writer and closes its connection.
    pub async fn close(&self) {
        let (done, stopped) = oneshot::channel();
        if self.jobs.send(Msg::Stop(done)).await.is_ok() {
            let _ = stopped.await;
        }
    }

    /// Runs `f` in the next batch and answers after that batch has committed.
    ///
    /// `f` runs on the writer thread; its future must complete without waiting (SQLite
    /// statements are synchronous), which it does since it awaits only [`Db`] calls.
    pub async fn submit<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: DbOp<T>,
    {
        let (done, result) = oneshot::channel::<StoreResult<T>>();
        let job: Job = Box::new(move |db: Db<'_>| {
            Box::pin(async move {
                let outcome = f(db).await;
                let fatal = matches!(&outcome, Err(e) if e.is_database_error());
                let reply: Reply = Box::new(move |commit_error: Option<&str>| {
                    let answer = match (outcome, commit_error) {
                        (Ok(_), Some(e)) => {
                            Err(StoreError::Internal(format!("commit failed: {e}")))
                        }
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
            .map_err(|_| StoreError::Unavailable("the database writer has stopped".into()))?;
        result
            .await
            .map_err(|_| StoreError::Internal("the write could not be committed".into()))?
    }
}

fn writer(
    conn: Mutex<rusqlite::Connection>,
    mut rx: mpsc::Receiver<Msg>,
    mut after_batch: impl FnMut(&rusqlite::Connection),
) {
    let mut stop = None;
    while stop.is_none() {
        let Some(first) = rx.blocking_recv() else {
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
        if let Err(e) = run_batch(&conn, batch) {
            tracing::error!(error = %e, "a write batch failed");
        }
        if let Ok(c) = conn.lock() {
            after_batch(&c);
        }
    }
    drop(conn);
    if let Some(done) = stop {
        let _ = done.send(());
    }
}

fn execute(conn: &Mutex<rusqlite::Connection>, sql: &str) -> Result<(), String> {
    match conn.lock() {
        Ok(c) => c.execute_batch(sql).map_err(|e| e.to_string()),
        Err(_) => Err("the writer's connection is unusable".into()),
    }
}

/// One transaction for the whole batch. Operations raise their domain errors (group not
/// found, not a member, …) before their first write, so a failed operation left nothing to
/// undo and the batch goes on; a database error fails the whole batch, and every caller in it
/// gets an internal error. Replies go out after the commit.
fn run_batch(conn: &Mutex<rusqlite::Connection>, batch: Vec<Job>) -> Result<(), String> {
    // On failure, dropping the jobs answers their callers with an internal error.
    execute(conn, "BEGIN IMMEDIATE")?;
    let mut replies = Vec::with_capacity(batch.len());
    for job in batch {
        // A job that would wait is a bug; treat it as a failed operation.
        let (fatal, reply) = match job(Db::Lite(conn)).now_or_never() {
            Some(done) => done,
            None => (true, Box::new(|_: Option<&str>| ()) as Reply),
        };
        replies.push(reply);
        if fatal {
            // Part of that operation may be applied: undo the batch. Jobs not yet run are
            // dropped, which answers their callers with an internal error too.
            let _ = execute(conn, "ROLLBACK");
            for reply in replies {
                reply(Some("an operation in the same batch failed"));
            }
            return Err("an operation hit a database error; its batch was rolled back".into());
        }
    }
    let committed = execute(conn, "COMMIT");
    if committed.is_err() {
        let _ = execute(conn, "ROLLBACK");
    }
    for reply in replies {
        reply(committed.as_ref().err().map(String::as_str));
    }
    committed
}
