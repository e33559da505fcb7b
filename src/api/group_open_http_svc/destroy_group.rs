//! `v4/group_open_http_svc/destroy_group` — dismiss a group (CT 269/1624). Cannot be undone:
//! every later call about it answers 10010, and its id cannot be used again (10025).

use serde::{Deserialize, Serialize};

use super::group_id;
use crate::api::Ctx;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
}

#[derive(Debug, Serialize)]
pub struct Response {}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    ctx.store()
        .destroy_group(ctx.sdkappid(), id.as_str())
        .await?;
    Ok(Response {})
}
