//! `v4/group_open_http_svc/get_online_member_num` — how many members are online (CT 269/49180;
//! all five types on the live page). opentim has no connected clients, so the answer is always
//! 0, for every type. An unknown or destroyed group → 10010.

use serde::{Deserialize, Serialize};

use super::{group_id, live_group};
use crate::api::Ctx;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "OnlineMemberNum")]
    online_member_num: i64,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    live_group(ctx, &id).await?;
    Ok(Response {
        online_member_num: 0,
    })
}
