//! What the store reports when an operation does not happen: storage conditions (not found,
//! taken, full, unavailable, …) and refusals by the domain rules it applies inside its
//! transactions. Never Tencent's numbers: `src/error.rs` alone turns these into codes.

use crate::domain::refusal::Refusal;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No live group with this id (never created, or destroyed).
    #[error("the group {0} does not exist or has been deleted")]
    GroupNotFound(String),
    /// The account is not a member of the (live) group.
    #[error("the account {user} is not a member of group {group}")]
    NotMember { group: String, user: String },
    /// A write needs an imported account that is not there (it may just have been deleted).
    #[error("the account {0} does not exist")]
    AccountNotFound(String),
    /// The group id is in use, by a live group or by one destroyed (ids are never reused).
    #[error("the group id {group_id} is already in use")]
    GroupIdTaken { group_id: String, destroyed: bool },
    /// The group is not a Community created with topics.
    #[error("the group {0} does not support topics")]
    TopicsUnsupported(String),
    /// No topic with this id in the group; `destroyed` when there was one.
    #[error("the topic {topic} does not exist")]
    TopicNotFound { topic: String, destroyed: bool },
    /// The topic id is in use, by a live topic or a destroyed one (ids are never reused).
    #[error("the topic id {0} is already in use")]
    TopicIdTaken(String),
    /// The group has no room for the members to add.
    #[error("the group {0} is full")]
    GroupFull(String),
    /// A domain rule applied inside the transaction refused the change; nothing was written.
    #[error("{0}")]
    Refused(#[from] Refusal),
    /// The database cannot be reached or has stopped (pool timeout, closed connection).
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// The disk (or the database's quota) is full.
    #[error("the database is full: {0}")]
    Full(String),
    /// Stored data cannot be decoded.
    #[error("stored data cannot be decoded: {0}")]
    Corrupt(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Internal(String),
}

impl StoreError {
    /// Whether the operation may have written part of its changes before failing: a database
    /// error, as opposed to a condition found before the first write (not found, taken, full
    /// group, refused). SQLite's writer undoes the whole batch after such an error.
    pub fn is_database_error(&self) -> bool {
        matches!(
            self,
            StoreError::Unavailable(_)
                | StoreError::Full(_)
                | StoreError::Corrupt(_)
                | StoreError::Internal(_)
        )
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => StoreError::Full(e.to_string()),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Unavailable(e.to_string())
            }
            _ => StoreError::Internal(e.to_string()),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        // PostgreSQL's SQLSTATE class 53: insufficient resources (53100 disk_full).
        let disk_full = e
            .as_database_error()
            .and_then(|d| d.code())
            .is_some_and(|c| c == "53100");
        match e {
            _ if disk_full => StoreError::Full(e.to_string()),
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(e.to_string())
            }
            _ => StoreError::Internal(e.to_string()),
        }
    }
}
