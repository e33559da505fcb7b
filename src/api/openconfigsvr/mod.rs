//! `v4/openconfigsvr/*`: global mute (setnospeaking, getnospeaking) and operations data
//! (getappinfo). Answers carry `ErrorCode`/`ErrorInfo` and no `ActionStatus`; errors are
//! numbered 130xxx (`Family::OpenConfig`). Also the mute checks other services' sends make
//! where their store cannot (messages that are not stored).

pub mod getappinfo;
pub mod getnospeaking;
pub mod setnospeaking;

use crate::api::Ctx;
use crate::domain::ids::UserId;
use crate::domain::nospeaking;
use crate::error::ApiError;

/// The account a request names in `field`: missing or `""` (the SDK default) is the field's
/// "missing" code, a malformed one its "invalid" code.
pub fn account_field(field: &'static str, raw: Option<String>) -> Result<UserId, ApiError> {
    let raw = raw
        .filter(|r| !r.is_empty())
        .ok_or(ApiError::MissingAccountField(field))?;
    UserId::parse(&raw).map_err(|e| ApiError::field(field, format!("{field} {raw:?} {e}")))
}

/// Refuses a one-to-one send setnospeaking mutes, for sends the store does not see
/// (online-only messages, batchsendmsg before its recipients are sorted).
pub async fn check_c2c_mute(ctx: &Ctx, from: &str) -> Result<(), ApiError> {
    let muted = ctx.store().nospeaking(ctx.sdkappid(), from).await?;
    if muted.is_some_and(|m| nospeaking::holds(m.c2c_until, ctx.now())) {
        return Err(ApiError::GloballyMuted);
    }
    Ok(())
}
