//! `v4/group_open_http_svc/modify_group_attr` — add or overwrite some of a group's custom
//! attributes (CT 269/67010); the others are kept. Limits are judged on what the call leaves.

use serde::Serialize;

use super::attrs;
use super::group_id;
use crate::api::Ctx;
use crate::domain::group_attr::AttrEdit;
use crate::error::ApiError;

pub type Request = attrs::AttrRequest;

#[derive(Debug, Serialize)]
pub struct Response {}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    let items = attrs::pairs(req.group_attr)?;
    attrs::write(ctx, &id, AttrEdit::Upsert(items)).await?;
    Ok(Response {})
}
