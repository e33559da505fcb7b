//! `v4/group_open_attr_http_svc/get_group_attr` — a group's custom attributes (TC 1047/44187),
//! `GroupAttrAry` of lower-case `key` / `value`, ordered by key; `[]` when it has none.

use serde::{Deserialize, Serialize};

use crate::api::Ctx;
use crate::api::group_open_http_svc::group_id;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
}

#[derive(Debug, Serialize)]
pub struct Attr {
    key: String,
    value: String,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "GroupAttrAry")]
    group_attr_ary: Vec<Attr>,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    let attrs = ctx.store().group_attrs(ctx.sdkappid(), id.as_str()).await?;
    Ok(Response {
        group_attr_ary: attrs
            .into_iter()
            .map(|(key, value)| Attr { key, value })
            .collect(),
    })
}
