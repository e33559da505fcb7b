//! SQLite reader threads: each owns a read-only connection and takes reads from one queue.

use std::path::Path;
use std::sync::Mutex;

use futures_util::FutureExt;
use rusqlite::Connection;

use super::open_connection;
use crate::store::StoreError;
use crate::store::StoreResult;
use crate::store::db::{Db, DbOp};

/// A read, run on a reader thread with its connection.
type ReadJob = Box<dyn FnOnce(&Mutex<Connection>) + Send>;

/// Reader threads, each owning one connection, taking reads from one queue. A fixed set of
/// threads keeps memory bounded and hands a read over with one wake-up.
pub struct Readers {
    jobs: Mutex<Option<flume::Sender<ReadJob>>>,
}

impl Readers {
    pub(super) fn start(path: &Path, count: usize) -> Result<Readers, String> {
        let (jobs, queue) = flume::bounded::<ReadJob>(1024);
        for i in 0..count {
            let conn = open_connection(path, true)
                .map_err(|e| format!("cannot open SQLite database {}: {e}", path.display()))?;
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("opentim-reader-{i}"))
                .spawn(move || {
                    let conn = Mutex::new(conn);
                    while let Ok(job) = queue.recv() {
                        job(&conn);
                    }
                })
                .map_err(|e| format!("cannot start a reader thread: {e}"))?;
        }
        Ok(Readers {
            jobs: Mutex::new(Some(jobs)),
        })
    }

    /// Runs a read on a reader thread.
    pub async fn run<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: DbOp<T>,
    {
        let closed = || StoreError::Unavailable("the database is closed".into());
        let jobs = self
            .jobs
            .lock()
            .ok()
            .and_then(|j| j.clone())
            .ok_or_else(closed)?;
        let (done, answer) = tokio::sync::oneshot::channel();
        let job: ReadJob = Box::new(move |conn| {
            let out = f(Db::Lite(conn))
                .now_or_never()
                .unwrap_or_else(|| Err(StoreError::Internal("a read would have waited".into())));
            let _ = done.send(out);
        });
        jobs.send_async(job).await.map_err(|_| closed())?;
        answer
            .await
            .map_err(|_| StoreError::Internal("a read failed".into()))?
    }

    /// Lets the reader threads finish the queued reads and stop.
    pub fn close(&self) {
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.take();
        }
    }
}
