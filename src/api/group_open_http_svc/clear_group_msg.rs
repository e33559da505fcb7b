//! `v4/group_open_http_svc/clear_group_msg` — clear a group's message history up to a seq
//! (CT 269/95617, TC 65970).
//!
//! Clearing only marks history, as at Tencent: nothing is deleted, `NextMsgSeq` and every seq
//! stay, and the admin still reads the messages with group_msg_get_simple. What changes is the
//! unread count: cleared messages no longer count, so a member's unread is at most the counting
//! messages after the mark (one row written, whatever the history). `MsgSeq` absent or 0 (the
//! SDK default) clears everything there is; a seq beyond the newest message clears up to it;
//! messages sent later are not cleared. Clearing again (or up to an older seq) answers OK and
//! changes nothing. Community → 10007.

use serde::{Deserialize, Serialize};

use super::group_id;
use crate::api::Ctx;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "MsgSeq")]
    msg_seq: Option<u64>,
}

#[derive(Debug, Serialize)]
pub struct Response {}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    // No message has seq 0: the SDKs' default for "not given" means everything.
    let upto = req
        .msg_seq
        .filter(|s| *s > 0)
        .map(|s| i64::try_from(s).unwrap_or(i64::MAX));
    ctx.store()
        .clear_history(ctx.sdkappid(), id.as_str(), upto)
        .await?;
    Ok(Response {})
}
