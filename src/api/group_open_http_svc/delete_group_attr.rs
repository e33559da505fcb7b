//! `v4/group_open_http_svc/delete_group_attr` — remove some of a group's custom attributes
//! (TC 1047/59499). A key that does not exist → 10050 and nothing is removed, so deleting a
//! deleted key again answers 10050.

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
    let keys = attrs::keys(req.group_attr)?;
    attrs::write(ctx, &id, AttrEdit::Delete(keys)).await?;
    Ok(Response {})
}
