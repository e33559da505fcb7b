//! `v4/sns/friend_delete_all` — remove every friend of one account (CT 269/1645).
//!
//! `Delete_Type_Single` (the default) empties `From_Account`'s list; `Delete_Type_Both` also
//! removes `From_Account` from every list it is in. Standard and custom friend data go alike.

use serde::{Deserialize, Serialize};

use super::{delete_type, owner};
use crate::api::Ctx;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(
        rename = "DeleteType",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    delete_type: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "ErrorDisplay")]
    error_display: &'static str,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let owner = owner(ctx, req.from_account).await?;
    let both = delete_type(req.delete_type.as_deref())?;
    ctx.store()
        .delete_all_friends(ctx.sdkappid(), owner.as_str(), both)
        .await?;
    Ok(Response { error_display: "" })
}
