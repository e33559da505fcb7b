//! `v4/group_open_http_svc/import_group` — import a group's base profile, with a `CreateTime`
//! in the past (CT 269/1634). No callback, no notification. AVChatRoom → 10007.

use serde::{Deserialize, Serialize};

use super::new_group::{BaseFields, store_new_group};
use super::new_member;
use crate::api::Ctx;
use crate::domain::group::Role;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(flatten)]
    base: BaseFields,
    #[serde(
        rename = "CreateTime",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    create_time: Option<u32>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "GroupId")]
    group_id: String,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let base = req.base.check()?;
    let t = base.group_type;
    if !t.allows_import() {
        return Err(ApiError::NoPermission(
            "AVChatRoom groups cannot be imported; use create_group".into(),
        ));
    }
    let now = ctx.now();
    let created_at = match req.create_time {
        Some(t) if i64::from(t) > now => {
            return Err(ApiError::invalid("CreateTime must not be in the future"));
        }
        Some(t) => i64::from(t),
        None => now,
    };
    let mut members = Vec::new();
    if let Some(owner) = &base.owner {
        members.push(new_member(ctx, owner.to_string(), Role::Owner, created_at));
    }
    let (group, custom) = base.into_new_group(created_at, members);
    let group_id = store_new_group(ctx, group, custom).await?;
    Ok(Response { group_id })
}
