//! `v4/group_open_http_svc/unban_group_member` — lift bans (CT 269/79249's companion, TC 50297;
//! all five types). At most 20 accounts (10005). An account that is not banned (never, no
//! longer, or unbanned already) is ignored: the call succeeds, so repeating it is harmless.
//! Unbanning does not bring a removed member back; it may be added again.

use serde::{Deserialize, Serialize};

use super::ban_group_member::accounts;
use super::group_id;
use crate::api::Ctx;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Members_Account")]
    members_account: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Response {}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    let ids = accounts(&req.members_account)?;
    // The store finds the group (10010) and lifts the bans in one transaction.
    ctx.store().unban(ctx.sdkappid(), id.as_str(), &ids).await?;
    Ok(Response {})
}
