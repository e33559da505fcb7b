//! `v4/group_open_http_svc/get_group_shutted_uin` — the members muted now, with the time each
//! mute ends (the older name of get_group_muted_account, QD 获取群组被禁言用户列表.md), with its
//! own field names (`ShuttedUinList` / `ShuttedUntil`); `TopicId` as the newer name takes it.

use serde::Serialize;

use super::get_group_muted_account::muted_members;
use crate::api::Ctx;
use crate::error::ApiError;

pub use super::get_group_muted_account::Request;

#[derive(Debug, Serialize)]
pub struct Muted {
    #[serde(rename = "Member_Account")]
    member_account: String,
    #[serde(rename = "ShuttedUntil")]
    shutted_until: i64,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "ShuttedUinList")]
    shutted_uin_list: Vec<Muted>,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let (group_id, muted) = muted_members(ctx, req).await?;
    Ok(Response {
        group_id,
        shutted_uin_list: muted
            .into_iter()
            .map(|(member_account, shutted_until)| Muted {
                member_account,
                shutted_until,
            })
            .collect(),
    })
}
