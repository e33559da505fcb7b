//! The embedded SQLite backend: WAL with `synchronous=FULL`, one writer thread committing
//! concurrent writes together, a few reader threads with their own connections, checkpoints
//! mostly on their own thread, and its own migrations (run here, on rusqlite, recorded where
//! sqlx's migrator recorded them).

pub mod readers;
pub mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::mpsc::{Receiver, sync_channel};
use std::time::{Duration, Instant};

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use sha2::{Digest, Sha384};

use readers::Readers;
use writer::WriteQueue;

/// A file of `migrations/sqlite/`, embedded: its name and its SQL.
macro_rules! migration {
    ($file:literal) => {
        (
            $file,
            include_str!(concat!("../../../migrations/sqlite/", $file)),
        )
    };
}

/// The schema's migrations, oldest first. A new file in `migrations/sqlite/` is listed here
/// too: `tests/sqlite_migrations.rs` fails while one is missing.
const MIGRATIONS: &[(&str, &str)] = &[
    migration!("0001_init.sql"),
    migration!("0002_mutes.sql"),
    migration!("0003_message_randoms.sql"),
    migration!("0004_sender_lookup.sql"),
    migration!("0005_members_in_join_order.sql"),
    migration!("0006_c2c.sql"),
    migration!("0007_profiles.sql"),
    migration!("0008_sns.sql"),
    migration!("0009_group_attrs.sql"),
    migration!("0010_bans.sql"),
    migration!("0011_receipts_nospeaking.sql"),
    migration!("0012_topics.sql"),
    migration!("0013_friends_by_serial.sql"),
    migration!("0014_live_topics.sql"),
    migration!("0015_friend_wipes.sql"),
];

/// Where applied migrations are recorded: the table, definition and rows sqlx's migrator used
/// before this runner replaced it, so databases it migrated keep their history, and a database
/// migrated now still opens with an older opentim.
const HISTORY_TABLE: &str = "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
)";

/// How much of the database file each reader maps into memory (the rest is read with
/// `pread`). Mapped pages a reader has touched count in the server's RSS once per reader:
/// with 256 MiB the peak RSS reached 305 MB on a group of 1,000,000 messages. 4 × 24 MiB
/// keeps the server under the 150 MB target whatever the database's size.
const READER_MMAP_BYTES: i64 = 24 * 1024 * 1024;
/// Reader threads (each with its own connection).
const READERS: usize = 4;
/// The writer's page cache, in KiB: the hot rows of large groups stay in memory. Not larger:
/// a commit after a B-tree split (SQLite parks a page at a temporary number past the
/// locking page while it reorders siblings) scans the cache's whole hash table, so every
/// commit would pay for a bigger cache (measured: 32 MiB cost send_group_msg 15 %).
const WRITER_CACHE_KIB: i64 = 8 * 1024;
/// Least time between two background checkpoints, so a busy writer is not chased by one per commit.
const CHECKPOINT_SPACING: Duration = Duration::from_millis(100);
/// WAL length (frames) past which the writer finishes the checkpoint itself with RESTART,
/// between two batches (after answering the first). Under sustained writes and reads the
/// background checkpoint never copies the very last frame, and SQLite starts the WAL over only
/// after a checkpoint has copied everything while no reader still uses it; without this the
/// WAL grows without bound. The background checkpoint has copied most of it by then, and
/// readers are short, so the writer's part is short. 16,384 frames (64 MiB, the size the WAL
/// file is cut back to): at 4,096 a write-heavy load (friend_import, ~15 frames a call) had
/// the writer restart ten times a second, and it copied more pages than it committed.
const RESTART_FRAMES: i64 = 16384;
/// The WAL file is truncated back to this size after it has been reset.
const WAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

/// Opens (creating if needed) the database named by `sqlite://PATH`: its writer and readers.
pub async fn open(url: &str) -> Result<(WriteQueue, Arc<Readers>), String> {
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
    migrate(path)?;
    let path = PathBuf::from(path);
    let cannot_open =
        |e: rusqlite::Error| format!("cannot open SQLite database {}: {e}", path.display());
    let writer = open_connection(&path, false).map_err(cannot_open)?;
    // Durable before OK: every commit is fsynced (WAL + FULL). Checkpoints copy pages on their
    // own thread; the writer only finishes one between batches, after answering (RESTART_FRAMES).
    writer
        .execute_batch(&format!(
            "PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -{WRITER_CACHE_KIB}; \
             PRAGMA journal_size_limit = {WAL_SIZE_LIMIT};"
        ))
        .map_err(cannot_open)?;
    let checkpointer = open_connection(&path, false).map_err(cannot_open)?;
    let (nudge, nudged) = sync_channel(1);
    let wal_frames = Arc::new(AtomicI64::new(0));
    let wal_frames_seen = Arc::clone(&wal_frames);
    std::thread::Builder::new()
        .name("opentim-checkpoint".into())
        .spawn(move || checkpoints(checkpointer, nudged, &wal_frames_seen))
        .map_err(|e| format!("cannot start the checkpoint thread: {e}"))?;
    let after_batch = move |conn: &Connection| {
        let _ = nudge.try_send(());
        if wal_frames.load(Ordering::Relaxed) > RESTART_FRAMES {
            checkpoint(conn, "RESTART", &wal_frames);
        }
    };
    let writes = WriteQueue::start(writer, after_batch)
        .map_err(|e| format!("cannot start the database writer: {e}"))?;
    let readers = Arc::new(Readers::start(&path, READERS)?);
    Ok((writes, readers))
}

/// One migration: its version and description as sqlx derived them from the file name
/// (`0005_members_in_join_order.sql` → 5, "members in join order"), and the SHA-384 of its
/// text, which sqlx recorded to notice a migration edited after it was applied.
struct Migration {
    version: i64,
    description: String,
    sql: &'static str,
    checksum: Vec<u8>,
}

fn migrations() -> Result<Vec<Migration>, String> {
    MIGRATIONS
        .iter()
        .map(|&(file, sql)| {
            let (version, rest) = file
                .split_once('_')
                .and_then(|(v, rest)| Some((v.parse().ok()?, rest.strip_suffix(".sql")?)))
                .ok_or_else(|| format!("migration file {file} is not named VERSION_NAME.sql"))?;
            Ok(Migration {
                version,
                description: rest.replace('_', " "),
                sql,
                checksum: Sha384::digest(sql).to_vec(),
            })
        })
        .collect()
}

/// Brings the schema up to date: applies each migration not yet recorded, in order, each in
/// its own transaction with its record. Refuses, as sqlx did, a database with a migration left
/// half done, one this build does not know (a newer opentim's) or one whose text has changed.
fn migrate(path: &str) -> Result<(), String> {
    let failed = |e: rusqlite::Error| format!("cannot migrate SQLite database {path}: {e}");
    let refused = |why: String| format!("cannot migrate SQLite database {path}: {why}");
    let mut conn =
        Connection::open(path).map_err(|e| format!("cannot open SQLite database {path}: {e}"))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;",
    )
    .map_err(failed)?;
    conn.execute_batch(HISTORY_TABLE).map_err(failed)?;
    let dirty: Option<i64> = conn
        .query_row(
            "SELECT version FROM _sqlx_migrations WHERE success = false ORDER BY version LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(failed)?;
    if let Some(version) = dirty {
        return Err(refused(format!(
            "migration {version} is partially applied; fix and remove row from `_sqlx_migrations` table"
        )));
    }
    let known = migrations().map_err(refused)?;
    let applied: Vec<(i64, Vec<u8>)> = conn
        .prepare("SELECT version, checksum FROM _sqlx_migrations ORDER BY version")
        .and_then(|mut stmt| {
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        })
        .map_err(failed)?;
    for (version, checksum) in &applied {
        match known.iter().find(|m| m.version == *version) {
            None => {
                return Err(refused(format!(
                    "migration {version} was previously applied but is missing in the resolved migrations"
                )));
            }
            Some(m) if m.checksum != *checksum => {
                return Err(refused(format!(
                    "migration {version} was previously applied but has been modified"
                )));
            }
            Some(_) => {}
        }
    }
    for m in known
        .iter()
        .filter(|m| !applied.iter().any(|(v, _)| *v == m.version))
    {
        apply(&mut conn, m)
            .map_err(|e| refused(format!("while executing migration {}: {e}", m.version)))?;
    }
    Ok(())
}

/// Applies one migration and records it in one transaction, unless another process starting
/// on the same file has applied it meanwhile (the write lock is taken before looking).
fn apply(conn: &mut Connection, m: &Migration) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let recorded: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM _sqlx_migrations WHERE version = ?1)",
        [m.version],
        |r| r.get(0),
    )?;
    if !recorded {
        let started = Instant::now();
        tx.execute_batch(m.sql)?;
        let took = i64::try_from(started.elapsed().as_nanos()).unwrap_or(i64::MAX);
        tx.execute(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (?1, ?2, TRUE, ?3, ?4)",
            rusqlite::params![m.version, m.description, m.checksum, took],
        )?;
    }
    tx.commit()
}

pub(super) fn open_connection(path: &Path, read_only: bool) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;",
    )?;
    if read_only {
        // Readers start every transaction with an empty page cache once the writer has
        // committed; mapped pages of the database file are then read without a copy.
        conn.execute_batch(&format!(
            "PRAGMA query_only = 1; PRAGMA mmap_size = {READER_MMAP_BYTES}"
        ))?;
    }
    // Without the query planner stability guarantee SQLite may plan with the values bound to
    // a statement (a `LIMIT $n`, say), and then parses and plans the statement again each
    // time that parameter is bound: every member page was compiled anew.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// Copies the WAL back into the database: `PASSIVE` (what it can, blocking nobody) or
/// `RESTART` (everything, waiting for readers, so that the next write starts the WAL over).
/// Records the WAL's length: after a RESTART that copied everything, 0 (the next write starts
/// the WAL over). A PASSIVE one that copied everything does not make it 0: the writer has
/// appended since, and only a RESTART between two batches lets the WAL start over.
fn checkpoint(conn: &Connection, mode: &str, wal_frames: &AtomicI64) {
    let done = conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| {
        Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
    });
    match done {
        Ok((log, copied)) => {
            let length = if mode == "RESTART" && copied >= log {
                0
            } else {
                log
            };
            wal_frames.store(length, Ordering::Relaxed);
        }
        // Busy when the other thread is checkpointing; the next batch tries again.
        Err(e) => tracing::debug!(error = %e, "checkpoint not done"),
    }
}

/// Runs a passive checkpoint after commits, at most one per [`CHECKPOINT_SPACING`]; a final
/// one when the writer stops.
fn checkpoints(conn: Connection, nudged: Receiver<()>, wal_frames: &AtomicI64) {
    while nudged.recv().is_ok() {
        checkpoint(&conn, "PASSIVE", wal_frames);
        // Spacing, not waiting for readiness: commits meanwhile leave one nudge behind.
        std::thread::sleep(CHECKPOINT_SPACING);
    }
    checkpoint(&conn, "PASSIVE", wal_frames);
}

#[cfg(test)]
mod tests {
    use rusqlite::StatementStatus;

    use super::open_connection;

    #[test]
    fn a_statement_is_not_compiled_again_when_its_limit_changes() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("t.db");
        drop(rusqlite::Connection::open(&path).expect("create"));
        let conn = open_connection(&path, false).expect("open");
        conn.execute_batch(
            "CREATE TABLE t (k INTEGER PRIMARY KEY); INSERT INTO t VALUES (1), (2), (3);",
        )
        .expect("schema");
        for (limit, offset) in [(1, 0), (2, 1), (3, 2)] {
            let mut stmt = conn
                .prepare_cached("SELECT k FROM t ORDER BY k LIMIT ?1 OFFSET ?2")
                .expect("prepare");
            let rows: Vec<i64> = stmt
                .query_map([limit, offset], |r| r.get(0))
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("rows");
            assert_eq!(rows.first(), Some(&(offset + 1)));
            assert_eq!(stmt.get_status(StatementStatus::RePrepare), 0);
        }
    }

    #[test]
    fn the_bundled_sqlite_is_built_with_the_flags_of_cargo_config() {
        // The flags in .cargo/config.toml are worth up to a factor of 3 (docs/performance.md);
        // a build that lost them would still pass every other test.
        let conn = rusqlite::Connection::open_in_memory().expect("open");
        let mut stmt = conn.prepare("PRAGMA compile_options").expect("prepare");
        let options: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert!(
            options.iter().any(|o| o == "DEFAULT_PCACHE_INITSZ=0"),
            "{options:?}"
        );
        assert!(
            options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
            "{options:?}"
        );
        assert!(
            !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
            "{options:?}"
        );
    }

    #[test]
    fn members_keep_their_data_and_order_when_stored_in_join_order() {
        let conn = rusqlite::Connection::open_in_memory().expect("open");
        for sql in [
            include_str!("../../../migrations/sqlite/0001_init.sql"),
            include_str!("../../../migrations/sqlite/0002_mutes.sql"),
            include_str!("../../../migrations/sqlite/0003_message_randoms.sql"),
            include_str!("../../../migrations/sqlite/0004_sender_lookup.sql"),
        ] {
            conn.execute_batch(sql).expect("earlier migration");
        }
        // Accounts sort in another order than they joined.
        for (serial, user) in [(0, "zed"), (1, "amy"), (2, "max")] {
            conn.execute(
                "INSERT INTO members VALUES (1, 'g', ?1, ?2, 'Member', 100, ?2, 0, \
                 'AcceptAndNotify', 0, 0, '{}')",
                rusqlite::params![user, serial],
            )
            .expect("member");
        }
        conn.execute_batch(include_str!(
            "../../../migrations/sqlite/0005_members_in_join_order.sql"
        ))
        .expect("migration 0005");
        let mut page = conn
            .prepare(
                "SELECT user_id, unread_base FROM members WHERE sdkappid = 1 AND group_id = 'g'",
            )
            .expect("prepare");
        let rows: Vec<(String, i64)> = page
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        let expected = [("zed", 0), ("amy", 1), ("max", 2)].map(|(u, n)| (u.to_string(), n));
        assert_eq!(rows, expected);
        // An account is still a member of a group at most once.
        let again = conn.execute(
            "INSERT INTO members VALUES (1, 'g', 'amy', 3, 'Member', 100, 0, 0, \
             'AcceptAndNotify', 0, 0, '{}')",
            [],
        );
        assert!(again.is_err());
    }
}
