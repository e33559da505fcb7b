//! The embedded SQLite backend: WAL with `synchronous=FULL`, one writer connection, its own migrations.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sqlx::Executor;
use sqlx::any::AnyPoolOptions;

use super::SharedStore;
use super::sql::SqlStore;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

/// Opens (creating if needed) the database named by `sqlite://PATH`.
pub async fn open(url: &str) -> Result<SharedStore, String> {
    sqlx::any::install_default_drivers();
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
    let url = format!("sqlite://{path}?mode=rwc");
    let pool = |max: u32| {
        AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(3))
            .after_connect(|conn, _| {
                Box::pin(async move {
                    // Durable before OK: every commit is fsynced (WAL + FULL).
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA synchronous = FULL").await?;
                    conn.execute("PRAGMA busy_timeout = 5000").await?;
                    Ok(())
                })
            })
    };
    let writer = pool(1)
        .connect(&url)
        .await
        .map_err(|e| format!("cannot open SQLite database {path}: {e}"))?;
    MIGRATOR
        .run(&writer)
        .await
        .map_err(|e| format!("cannot migrate SQLite database {path}: {e}"))?;
    let reader = pool(4)
        .connect(&url)
        .await
        .map_err(|e| format!("cannot open SQLite database {path}: {e}"))?;
    Ok(Arc::new(SqlStore::new(writer, reader, "", true)))
}
