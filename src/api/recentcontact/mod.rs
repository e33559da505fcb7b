//! `v4/recentcontact/*`: an account's conversation list — one-to-one conversations made by
//! `openim` messages and group conversations made by group messages — and deleting from it.

pub mod delete;
pub mod get_list;

use crate::api::Ctx;
use crate::api::fields::imported;
use crate::domain::ids::UserId;
use crate::error::ApiError;

/// A required UserID field that names an imported account: 50002 when missing or malformed,
/// 50001 when not imported.
pub async fn imported_account(
    ctx: &Ctx,
    field: &str,
    raw: Option<String>,
) -> Result<UserId, ApiError> {
    let id = crate::api::fields::account(field, raw)?;
    if !imported(ctx, &[id.as_str()]).await?[0] {
        return Err(ApiError::UserNotFound(id.into_string()));
    }
    Ok(id)
}
