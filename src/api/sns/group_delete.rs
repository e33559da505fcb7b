//! `v4/sns/group_delete` — delete friend lists (CT 269/10108). Friends leave them. A name that
//! is no list (one deleted before, say) fails the call with 30001 and deletes nothing: a repeated
//! delete is not a success. Answers the lists' new `CurrentSequence`.

use serde::{Deserialize, Serialize};

use super::owner;
use crate::api::Ctx;
use crate::api::fields::required;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "GroupName")]
    group_name: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "CurrentSequence")]
    current_sequence: i64,
    #[serde(rename = "ErrorDisplay")]
    error_display: &'static str,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let owner = owner(ctx, req.from_account).await?;
    let names = required("GroupName", req.group_name)?;
    if names.is_empty() || names.iter().any(|n| n.contains('\0')) {
        return Err(ApiError::invalid("GroupName must list friend-list names"));
    }
    // A name that is no list (30001, nothing deleted) is found inside the delete's
    // transaction, one key lookup per name.
    let current_sequence = ctx
        .store()
        .delete_lists(ctx.sdkappid(), owner.as_str(), &names)
        .await?;
    Ok(Response {
        current_sequence,
        error_display: "",
    })
}
