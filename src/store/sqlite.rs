//! The embedded SQLite backend: WAL with `synchronous=FULL`, one writer thread committing
//! concurrent writes together, a few reader connections on blocking threads, checkpoints on
//! their own thread, and its own migrations.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use rusqlite::{Connection, OpenFlags};
use tokio::sync::Semaphore;

use super::db::Db;
use super::group_commit::WriteQueue;
use super::sql::SqlStore;
use super::{SharedStore, StoreResult};
use crate::error::ApiError;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

/// Reads that may run at once (each holds a blocking thread and a connection).
const READERS: usize = 4;
/// The writer's page cache, in KiB: the hot rows of large groups stay in memory.
const WRITER_CACHE_KIB: i64 = 32 * 1024;
/// Least time between two checkpoints, so a busy writer is not chased by one per commit.
const CHECKPOINT_SPACING: Duration = Duration::from_millis(100);

/// Opens (creating if needed) the database named by `sqlite://PATH`.
pub async fn open(url: &str) -> Result<SharedStore, String> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or("");
    if path.is_empty() || path == ":memory:" {
        return Err("the SQLite database needs a file path (sqlite://PATH)".into());
    }
    if let Some(dir) = Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    migrate(path).await?;
    let path = PathBuf::from(path);
    let cannot_open =
        |e: rusqlite::Error| format!("cannot open SQLite database {}: {e}", path.display());
    let writer = open_connection(&path, false).map_err(cannot_open)?;
    // Durable before OK: every commit is fsynced (WAL + FULL). Checkpoints run on their own
    // thread, so no committing request pays for one.
    writer
        .execute_batch(&format!(
            "PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -{WRITER_CACHE_KIB};"
        ))
        .map_err(cannot_open)?;
    let checkpointer = open_connection(&path, false).map_err(cannot_open)?;
    let (nudge, nudged) = sync_channel(1);
    std::thread::Builder::new()
        .name("opentim-checkpoint".into())
        .spawn(move || checkpoints(checkpointer, nudged))
        .map_err(|e| format!("cannot start the checkpoint thread: {e}"))?;
    let writes = WriteQueue::start(writer, nudge)
        .map_err(|e| format!("cannot start the database writer: {e}"))?;
    let readers = Arc::new(Readers {
        path,
        idle: Mutex::new(Vec::new()),
        permits: Semaphore::new(READERS),
    });
    Ok(Arc::new(SqlStore::sqlite(writes, readers)))
}

/// Brings the schema up to date (sqlx's migrator, so existing databases keep their history).
async fn migrate(path: &str) -> Result<(), String> {
    use sqlx::ConnectOptions;
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .synchronous(sqlx::sqlite::SqliteSynchronous::Full);
    let mut conn = options
        .connect()
        .await
        .map_err(|e| format!("cannot open SQLite database {path}: {e}"))?;
    MIGRATOR
        .run(&mut conn)
        .await
        .map_err(|e| format!("cannot migrate SQLite database {path}: {e}"))?;
    use sqlx::Connection as _;
    conn.close()
        .await
        .map_err(|e| format!("cannot close SQLite database {path}: {e}"))
}

fn open_connection(path: &Path, read_only: bool) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;",
    )?;
    if read_only {
        conn.execute_batch("PRAGMA query_only = 1")?;
    }
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// Runs a passive checkpoint after commits, at most one per [`CHECKPOINT_SPACING`]; a final
/// one when the writer stops.
fn checkpoints(conn: Connection, nudged: Receiver<()>) {
    let checkpoint = || {
        if let Err(e) = conn.execute_batch("PRAGMA wal_checkpoint(PASSIVE)") {
            tracing::warn!(error = %e, "checkpoint failed");
        }
    };
    while nudged.recv().is_ok() {
        checkpoint();
        // Spacing, not waiting for readiness: commits meanwhile leave one nudge behind.
        std::thread::sleep(CHECKPOINT_SPACING);
    }
    checkpoint();
}

/// Read connections, used on blocking threads.
pub struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    permits: Semaphore,
}

impl Readers {
    /// Runs a read on a blocking thread with a reader connection.
    pub async fn run<T, F>(self: &Arc<Self>, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(Db<'c>) -> BoxFuture<'c, StoreResult<T>> + Send + 'static,
    {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| ApiError::Internal("the database is closed".into()))?;
        let readers = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let idle = readers.idle.lock().ok().and_then(|mut idle| idle.pop());
            let conn = match idle {
                Some(conn) => conn,
                None => open_connection(&readers.path, true)?,
            };
            let conn = Mutex::new(conn);
            let out = f(Db::Lite(&conn))
                .now_or_never()
                .unwrap_or_else(|| Err(ApiError::Internal("a read would have waited".into())));
            if let (Ok(conn), Ok(mut idle)) = (conn.into_inner(), readers.idle.lock()) {
                idle.push(conn);
            }
            out
        })
        .await
        .map_err(|_| ApiError::Internal("a read failed".into()))?
    }

    /// Closes the idle connections and refuses further reads.
    pub fn close(&self) {
        self.permits.close();
        if let Ok(mut idle) = self.idle.lock() {
            idle.clear();
        }
    }
}
