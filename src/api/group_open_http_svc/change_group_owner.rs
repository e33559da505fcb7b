//! `v4/group_open_http_svc/change_group_owner` — transfer ownership to a member (CT 269/1633).
//! The previous owner stays as a Member; an ownerless group gets its owner. Unread counts do
//! not change. A new owner that is not a member → 10007; AVChatRoom → 10007.

use serde::{Deserialize, Serialize};

use super::{group_id, live_group, user_id};
use crate::api::Ctx;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "NewOwner_Account")]
    new_owner_account: String,
}

#[derive(Debug, Serialize)]
pub struct Response {}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    let owner = user_id("NewOwner_Account", &req.new_owner_account)?;
    let group = live_group(ctx, &id).await?;
    if !group.group_type.stores_members() {
        return Err(ApiError::NoPermission(
            "the owner of an AVChatRoom group cannot be changed".into(),
        ));
    }
    ctx.store()
        .change_owner(ctx.sdkappid(), id.as_str(), owner.as_str())
        .await?;
    Ok(Response {})
}
