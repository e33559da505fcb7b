//! The PostgreSQL backend: default durable commits, fail-fast timeouts, its own migrations.

use std::time::Duration;

use sqlx::Connection;
use sqlx::postgres::PgPoolOptions;

use sqlx::PgPool;

use super::redact_url;

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
