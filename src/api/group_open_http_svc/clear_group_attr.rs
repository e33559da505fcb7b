//! `v4/group_open_http_svc/clear_group_attr` — remove every custom attribute of a group
//! (TC 1047/44189). Clearing a group that has none answers OK.

use serde::{Deserialize, Serialize};

use super::{attrs, group_id};
use crate::api::Ctx;
use crate::domain::group_attr::AttrEdit;
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
    attrs::write(ctx, &id, AttrEdit::Clear).await?;
    Ok(Response {})
}
