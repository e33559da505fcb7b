//! `v4/im_open_login_svc/*`: importing, checking, deleting and kicking accounts.

pub mod account_check;
pub mod account_delete;
pub mod account_import;
pub mod kick;
pub mod multiaccount_import;

use serde::Deserialize;

use crate::domain::ids::UserId;
use crate::error::ApiError;

/// Most accounts one batch call may name (multiaccount_import, account_check, account_delete).
pub const MAX_BATCH: usize = 100;

/// `{"UserID": "..."}`, the item of account_check and account_delete.
#[derive(Debug, Deserialize)]
pub struct UserItem {
    #[serde(rename = "UserID")]
    pub user_id: String,
}

/// Checks a batch's size: not empty, at most [`MAX_BATCH`].
pub fn check_batch(field: &str, len: usize) -> Result<(), ApiError> {
    if len == 0 {
        return Err(ApiError::invalid(format!("{field} must not be empty")));
    }
    if len > MAX_BATCH {
        return Err(ApiError::TooManyItems(format!(
            "{field} holds {len} accounts; at most {MAX_BATCH} per call"
        )));
    }
    Ok(())
}

/// A single account's id, given as `UserID` or the older `Identifier`.
pub fn single_user_id(
    user_id: Option<String>,
    identifier: Option<String>,
) -> Result<UserId, ApiError> {
    let raw = user_id
        .or(identifier)
        .ok_or_else(|| ApiError::invalid("UserID is required"))?;
    UserId::parse(&raw).map_err(|e| ApiError::invalid(format!("UserID {e}")))
}
