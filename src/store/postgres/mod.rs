//! The PostgreSQL backend: default durable commits, fail-fast timeouts, its own migrations.

use std::time::Duration;

use sqlx::Connection;
use sqlx::postgres::PgPoolOptions;

use sqlx::PgPool;

use super::StoreResult;
use super::db::{Db, DbOp};
use super::redact_url;

pub mod batching;
pub mod c2c;
pub mod c2c_batch;
pub mod statements;
pub mod unread_batch;

/// A pooled connection idle longer than this is pinged before it is used again.
const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// Connects to the database named by a `postgres://` URL and brings its schema up to date.
pub async fn open(url: &str) -> Result<PgPool, String> {
    // Tencent's REST backend answers within 3 s; a database that does not answer in time
    // makes the request fail with the internal-error code instead of hanging.
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(3))
        // sqlx pings every connection it hands out by default: a round trip per operation.
        // Only a connection idle for a while (say, across a database restart) is checked.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > PING_AFTER_IDLE {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
        .connect(url)
        .await
        .map_err(|e| format!("cannot connect to {}: {e}", redact_url(url)))?;
    MIGRATOR
        .run(&pool)
        .await
        .map_err(|e| format!("cannot migrate {}: {e}", redact_url(url)))?;
    Ok(pool)
}

/// Runs an operation in a transaction on a pooled connection; the answer comes after the
/// commit (PostgreSQL's default commit is durable). An operation that fails is rolled back.
pub async fn in_transaction<T, F: DbOp<T>>(pool: &PgPool, f: F) -> StoreResult<T> {
    let mut tx = pool.begin().await?;
    match f(Db::Pg(&mut tx)).await {
        Ok(v) => {
            tx.commit().await?;
            Ok(v)
        }
        Err(e) => {
            let _ = tx.rollback().await;
            Err(e)
        }
    }
}

/// Runs an operation on a pooled connection outside any transaction: a read, or a write that
/// is one statement (atomic by itself, two round trips saved).
pub async fn on_connection<T, F: DbOp<T>>(pool: &PgPool, f: F) -> StoreResult<T> {
    let mut conn = pool.acquire().await?;
    f(Db::Pg(&mut conn)).await
}
