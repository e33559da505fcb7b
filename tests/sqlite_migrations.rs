//! SQLite's migrations, run by opentim's own runner: a database migrated by sqlx's migrator
//! (which ran them before) keeps its history and is not migrated again; a fresh one ends with
//! the same schema and the history sqlx would have written, so an older opentim still opens it;
//! and a database whose history this build cannot vouch for is refused, as sqlx refused it. One
//! migration that moves rows (0013, friends re-keyed) is checked on rows written before it.

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use sha2::{Digest, Sha384};

/// One file of `migrations/sqlite/`: its version, its description as sqlx derived it from the
/// name (`0005_members_in_join_order.sql` → "members in join order") and its SQL.
struct MigrationFile {
    version: i64,
    description: String,
    sql: String,
}

fn migration_files() -> Vec<MigrationFile> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    let mut files: Vec<MigrationFile> = std::fs::read_dir(dir)
        .expect("migrations folder")
        .map(|entry| entry.expect("migration file").path())
        .filter(|path| path.extension().is_some_and(|e| e == "sql"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let (version, rest) = name.split_once('_').expect("VERSION_NAME.sql");
            MigrationFile {
                version: version.parse().expect("a numeric version"),
                description: rest.trim_end_matches(".sql").replace('_', " "),
                sql: std::fs::read_to_string(&path).expect("migration text"),
            }
        })
        .collect();
    files.sort_by_key(|f| f.version);
    assert!(files.len() >= 5, "the migrations folder was not found");
    files
}

/// The history table exactly as sqlx-sqlite 0.9 created it (`ensure_migrations_table`).
const SQLX_HISTORY_TABLE: &str = r#"
CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
);
                "#;

/// A database as the sqlx migrator left it: each migration applied with its row in one
/// transaction, then the row's execution time set. Installed on dates that no run of today
/// could write, so that a row written again would show.
fn migrated_by_sqlx(path: &Path) {
    let mut conn = Connection::open(path).unwrap();
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
        .unwrap();
    conn.execute_batch(SQLX_HISTORY_TABLE).unwrap();
    for file in migration_files() {
        let tx = conn.transaction().unwrap();
        tx.execute_batch(&file.sql).unwrap();
        tx.execute(
            "INSERT INTO _sqlx_migrations ( version, description, success, checksum, execution_time ) \
             VALUES ( ?1, ?2, TRUE, ?3, -1 )",
            rusqlite::params![file.version, file.description, Sha384::digest(&file.sql).to_vec()],
        )
        .unwrap();
        tx.commit().unwrap();
        conn.execute(
            "UPDATE _sqlx_migrations SET execution_time = ?1, installed_on = ?2 WHERE version = ?3",
            rusqlite::params![
                1_000_000 + file.version,
                format!("2001-01-0{} 00:00:00", file.version % 10),
                file.version
            ],
        )
        .unwrap();
    }
}

async fn open(path: &Path) -> Result<(), String> {
    opentim::store::open(&format!("sqlite://{}", path.display()))
        .await
        .map(drop)
}

/// Every table and index with its definition, SQLite's own excepted.
fn schema(path: &Path) -> Vec<(String, String, Option<String>)> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' \
             ORDER BY type, name",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The rows of `_sqlx_migrations`: version, description, installed on, success, checksum,
/// execution time.
type HistoryRow = (i64, String, String, bool, Vec<u8>, i64);

fn history(path: &Path) -> Vec<HistoryRow> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT version, description, installed_on, success, checksum, execution_time \
             FROM _sqlx_migrations ORDER BY version",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
        ))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn database(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

#[tokio::test]
async fn a_database_migrated_by_sqlx_is_not_migrated_again() {
    let dir = tempfile::tempdir().unwrap();
    let old = database(&dir, "old.db");
    migrated_by_sqlx(&old);
    let before = history(&old);
    open(&old).await.expect("the old database opens");
    assert_eq!(history(&old), before, "a recorded migration ran again");
    let fresh = database(&dir, "fresh.db");
    open(&fresh).await.expect("a fresh database opens");
    assert_eq!(schema(&fresh), schema(&old));
}

#[tokio::test]
async fn a_fresh_database_records_its_migrations_as_sqlx_did() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = database(&dir, "fresh.db");
    open(&fresh).await.expect("a fresh database opens");
    let rows = history(&fresh);
    let files = migration_files();
    assert_eq!(rows.len(), files.len(), "{rows:?}");
    for (row, file) in rows.iter().zip(&files) {
        let (version, description, installed_on, success, checksum, took) = row;
        assert_eq!(*version, file.version);
        assert_eq!(*description, file.description);
        assert!(!installed_on.is_empty());
        assert!(*success);
        assert_eq!(*checksum, Sha384::digest(&file.sql).to_vec(), "{version}");
        assert!(*took >= 0);
    }
    // Opening again changes nothing.
    open(&fresh).await.expect("it opens again");
    assert_eq!(history(&fresh), rows);
}

/// Changes the history with `setup`, checks that opening fails saying `why`, then `undo`es.
async fn refused(path: &Path, setup: &str, undo: &str, why: &str) {
    Connection::open(path)
        .unwrap()
        .execute_batch(setup)
        .unwrap();
    let error = open(path).await.expect_err(setup);
    assert!(error.contains(why), "{setup}: {error}");
    Connection::open(path).unwrap().execute_batch(undo).unwrap();
}

#[tokio::test]
async fn a_history_this_build_cannot_vouch_for_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = database(&dir, "db");
    open(&path).await.expect("a fresh database opens");
    refused(
        &path,
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (9999, 'from a newer opentim', TRUE, x'00', 0)",
        "DELETE FROM _sqlx_migrations WHERE version = 9999",
        "migration 9999 was previously applied but is missing",
    )
    .await;
    refused(
        &path,
        "CREATE TABLE kept AS SELECT checksum FROM _sqlx_migrations WHERE version = 2; \
         UPDATE _sqlx_migrations SET checksum = zeroblob(48) WHERE version = 2",
        "UPDATE _sqlx_migrations SET checksum = (SELECT checksum FROM kept) WHERE version = 2; \
         DROP TABLE kept",
        "migration 2 was previously applied but has been modified",
    )
    .await;
    refused(
        &path,
        "UPDATE _sqlx_migrations SET success = FALSE WHERE version = 3",
        "UPDATE _sqlx_migrations SET success = TRUE WHERE version = 3",
        "migration 3 is partially applied",
    )
    .await;
    open(&path).await.expect("the repaired database opens");
}

/// 0013 re-keys `friends` by the order added: rows written under the old key keep their data,
/// their order and both lookups (by owner and friend, and who has an account as a friend).
#[test]
fn friends_keep_their_rows_and_order_across_the_rekey() {
    let dir = tempfile::tempdir().unwrap();
    let conn = Connection::open(database(&dir, "friends.db")).unwrap();
    let files = migration_files();
    for file in files.iter().filter(|f| f.version < 13) {
        conn.execute_batch(&file.sql).unwrap();
    }
    // Serial order differs from key order (owner, friend).
    for (owner, friend, serial) in [("a", "z", 1), ("a", "b", 2), ("c", "b", 1)] {
        conn.execute(
            "INSERT INTO friends (sdkappid, owner, friend, serial, add_time, add_source, remark) \
             VALUES (1, ?1, ?2, ?3, 100, 'AddSource_Type_X', 'r')",
            rusqlite::params![owner, friend, serial],
        )
        .unwrap();
    }
    let rekey = files.iter().find(|f| f.version == 13).expect("0013");
    conn.execute_batch(&rekey.sql).unwrap();
    let listed: Vec<String> = conn
        .prepare("SELECT friend || remark FROM friends WHERE sdkappid = 1 AND owner = 'a' ORDER BY serial")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(listed, ["zr", "br"]);
    let holders: Vec<String> = conn
        .prepare("SELECT owner FROM friends WHERE sdkappid = 1 AND friend = 'b' ORDER BY owner")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(holders, ["a", "c"]);
    // The pair stays unique.
    let again = conn.execute(
        "INSERT INTO friends (sdkappid, owner, friend, serial, add_time, add_source) \
         VALUES (1, 'a', 'b', 3, 100, 'AddSource_Type_X')",
        [],
    );
    assert!(again.is_err(), "a second row for the same pair was stored");
}

/// The steps of SQLite's plan for `sql`.
fn query_plan(conn: &Connection, sql: &str) -> Vec<String> {
    conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap()
        .query_map([], |r| r.get(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// 0014 indexes live topics alone: create_topic's count of a Community's live topics and
/// get_topic's list in creation order read that index, not the destroyed topics' rows, and the
/// list needs no sort.
#[tokio::test]
async fn live_topics_are_read_from_their_own_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = database(&dir, "topics.db");
    open(&path).await.expect("a fresh database opens");
    let conn = Connection::open(&path).unwrap();
    for sql in [
        "SELECT COUNT(*) FROM topics WHERE sdkappid = 1 AND group_id = 'g' AND destroyed = 0",
        "SELECT t.topic_id, r.unread_base FROM topics t LEFT JOIN topic_reads r \
         ON r.sdkappid = t.sdkappid AND r.group_id = t.group_id AND r.user_id = 'u' \
         AND r.topic_id = t.topic_id WHERE t.sdkappid = 1 AND t.group_id = 'g' \
         AND t.destroyed = 0 ORDER BY t.created_at, t.topic_id",
    ] {
        let plan = query_plan(&conn, sql);
        assert!(
            plan.iter().any(|step| step.contains("topics_live")),
            "{sql}: {plan:?}"
        );
        assert!(
            !plan.iter().any(|step| step.contains("TEMP B-TREE")),
            "{sql}: {plan:?}"
        );
    }
}

/// 0015 finds friendships only through their owner. Bringing a list up to date with the wipes
/// made since (account_delete, friend_delete_all of both sides) walks the shorter side: the
/// wipes since, each deleted from the owner's list by its key, or the owner's list, each
/// friend looked up among the wipes. None walks the whole friends table or every wipe.
#[tokio::test]
async fn wiped_friendships_are_dropped_through_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let path = database(&dir, "wipes.db");
    open(&path).await.expect("a fresh database opens");
    let conn = Connection::open(&path).unwrap();
    let plans = [
        (
            "SELECT account FROM friend_wipes WHERE sdkappid = 1 AND seq > 5",
            vec!["friend_wipes USING PRIMARY KEY (sdkappid=? AND seq>?)"],
        ),
        (
            "DELETE FROM friends WHERE sdkappid = 1 AND owner = 'o' AND friend = 'x'",
            vec!["friends_by_owner (sdkappid=? AND owner=? AND friend=?)"],
        ),
        (
            "DELETE FROM friends WHERE sdkappid = 1 AND owner = 'o' AND EXISTS \
             (SELECT 1 FROM friend_wipes w WHERE w.sdkappid = 1 AND w.account = friends.friend \
             AND w.seq > 5)",
            vec![
                "friends USING PRIMARY KEY (sdkappid=? AND owner=?)",
                "friend_wipes_by_account (sdkappid=? AND account=? AND seq>?)",
            ],
        ),
    ];
    for (sql, wanted) in plans {
        let plan = query_plan(&conn, sql);
        for step in wanted {
            assert!(plan.iter().any(|p| p.contains(step)), "{sql}: {plan:?}");
        }
        assert!(
            !plan.iter().any(|p| p.starts_with("SCAN")),
            "{sql}: {plan:?}"
        );
    }
}
