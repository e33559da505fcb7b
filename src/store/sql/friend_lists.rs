//! The friend-list checks of sns group_delete, apart from `sns.rs` (the friendships): which of
//! the names asked for are lists, looked up and locked inside the delete's transaction.

use super::SqlStore;
use crate::domain::refusal::Refusal;
use crate::store::StoreResult;
use crate::store::db::{Db, params};

impl SqlStore {
    /// Refuses (`Refusal::Invalid`, naming the first in `names`' order) unless every name is a
    /// list of `owner`; one key lookup per name. On PostgreSQL each list found stays locked
    /// until the transaction ends, taken in name order so that two deletes naming lists in
    /// other orders cannot deadlock: of two concurrent deletes of one list the second waits,
    /// then finds it gone.
    pub(super) async fn lock_lists(
        db: &mut Db<'_>,
        app: u64,
        owner: &str,
        names: &[String],
    ) -> StoreResult<()> {
        let lock = db.lock_clause(false);
        let sql = format!(
            "SELECT 1 FROM friend_lists WHERE sdkappid = $1 AND owner = $2 AND name = $3{lock}"
        );
        let mut sorted: Vec<&String> = names.iter().collect();
        sorted.sort_unstable();
        sorted.dedup();
        let mut missing = Vec::new();
        for name in sorted {
            if db
                .opt(&sql, params![app as i64, owner, name])
                .await?
                .is_none()
            {
                missing.push(name);
            }
        }
        match names.iter().find(|n| missing.contains(n)) {
            Some(name) => {
                let msg = format!("{owner} has no friend list {name:?}");
                Err(Refusal::Invalid(msg).into())
            }
            None => Ok(()),
        }
    }
}
