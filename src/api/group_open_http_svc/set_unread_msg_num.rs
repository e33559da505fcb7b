//! `v4/group_open_http_svc/set_unread_msg_num` — set one member's unread count (CT 269/1637).
//!
//! For migrations: Private (Work), Public and Community groups get the count, clamped to the
//! group's number of messages (`NextMsgSeq - 1`; a larger value is not an error). ChatRoom
//! (Meeting) and AVChatRoom keep no unread counts: the call answers OK and changes nothing.
//! No callback, no notification; only this member's read mark moves, so the cost does not
//! depend on the group's size or history. A non-member → 10007.

use serde::{Deserialize, Serialize};

use super::{group_id, user_id};
use crate::api::Ctx;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Member_Account")]
    member_account: String,
    #[serde(rename = "UnreadMsgNum")]
    unread_msg_num: u32,
}

#[derive(Debug, Serialize)]
pub struct Response {}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    let member = user_id("Member_Account", &req.member_account)?;
    ctx.store()
        .set_unread(
            ctx.sdkappid(),
            id.as_str(),
            member.as_str(),
            i64::from(req.unread_msg_num),
        )
        .await?;
    Ok(Response {})
}
