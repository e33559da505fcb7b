//! `v4/group_open_http_svc/set_group_attr` — reset ("重置") a group's custom attributes
//! (TC 1047/44190): the group's attributes become exactly those given, `[]` leaving none.
//! The page's parameter table calls it modify_group_attr (a copy-paste slip); its URL is this.

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
    attrs::write(ctx, &id, AttrEdit::Reset(items)).await?;
    Ok(Response {})
}
