//! The one test harness: opentim in process (`in_process`, a frozen clock, port 0) or as the
//! real binary (`process`, for crashes, signals and faults), the app both serve, and a fresh
//! database per test on either backend.

// Every test target takes what it needs from here and leaves the rest.
#![allow(dead_code, unused_imports)]

pub mod in_process;
pub mod process;
pub mod raw_http;

pub use in_process::*;
pub use process::*;

use std::sync::atomic::{AtomicU64, Ordering};

pub const SDKAPPID: u64 = 1400000000;
pub const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
pub const ADMIN: &str = "administrator";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs a test body once per backend: `both!(name)` makes `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::common::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::common::Backend::Postgres).await
            }
        }
    };
}

/// A UserSig of the test app, issued at `now`.
pub fn sign(identifier: &str, now: i64, expire: i64) -> String {
    opentim::usersig::sign(SDKAPPID, KEY, identifier, now, expire)
}

/// A database for one test: SQLite in a temporary directory, or a fresh PostgreSQL schema.
pub struct Db {
    pub url: String,
    pub sqlite_path: Option<std::path::PathBuf>,
    _dir: Option<tempfile::TempDir>,
}

pub async fn sqlite_db() -> Db {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("opentim.db");
    Db {
        url: format!("sqlite://{}", path.display()),
        sqlite_path: Some(path),
        _dir: Some(dir),
    }
}

/// A fresh schema in OPENTIM_TEST_DATABASE_URL, or None (and a SKIPPED line) without it.
pub async fn postgres_db(label: &str) -> Option<Db> {
    let url = postgres_schema(&format!("{label} on PostgreSQL")).await?;
    Some(Db {
        url,
        sqlite_path: None,
        _dir: None,
    })
}

/// A fresh database URL for one test, or None when PostgreSQL is not configured.
pub async fn fresh_database(backend: Backend) -> Option<(String, Option<tempfile::TempDir>)> {
    match backend {
        Backend::Sqlite => {
            let db = sqlite_db().await;
            Some((db.url, db._dir))
        }
        Backend::Postgres => Some((postgres_schema("PostgreSQL test").await?, None)),
    }
}

static SCHEMA_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Creates a schema of its own in OPENTIM_TEST_DATABASE_URL and returns a URL that uses it;
/// without that variable, says which test was `skipped` and returns None.
async fn postgres_schema(skipped: &str) -> Option<String> {
    let Ok(base) = std::env::var("OPENTIM_TEST_DATABASE_URL") else {
        eprintln!("SKIPPED: {skipped} (set OPENTIM_TEST_DATABASE_URL to run it)");
        return None;
    };
    use sqlx::Connection;
    let schema = format!(
        "t_{}_{}_{}",
        std::process::id(),
        SCHEMA_COUNTER.fetch_add(1, Ordering::SeqCst),
        rand_suffix()
    );
    let mut conn = sqlx::PgConnection::connect(&base)
        .await
        .expect("connect to OPENTIM_TEST_DATABASE_URL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await
        .expect("create schema");
    let sep = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{sep}options=-c%20search_path%3D{schema}"))
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
}
