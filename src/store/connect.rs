//! Opening the store named by a database URL: the engine's own setup, then the shared SQL store.

use std::sync::Arc;

use super::sql::SqlStore;
use super::{SharedStore, postgres, redact_url, sqlite};

/// Opens the store named by a `sqlite://` or `postgres://` URL and runs its migrations.
pub async fn open(url: &str) -> Result<SharedStore, String> {
    if url.starts_with("sqlite:") {
        let (writes, readers) = sqlite::open(url).await?;
        Ok(Arc::new(SqlStore::sqlite(writes, readers)))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        let pool = postgres::open(url).await?;
        Ok(Arc::new(SqlStore::postgres(pool)))
    } else {
        Err(format!(
            "unsupported database URL (use sqlite://PATH or postgres://...): {}",
            redact_url(url)
        ))
    }
}
