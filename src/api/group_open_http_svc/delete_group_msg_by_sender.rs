//! `v4/group_open_http_svc/delete_group_msg_by_sender` — delete every message one account sent
//! in a group (CT 269/2359). The messages keep their seqs and show in history as placeholders
//! (`IsPlaceMsg` 1, empty body); unread counts do not change. AVChatRoom → 10035.

use serde::{Deserialize, Serialize};

use super::{group_id, live_group, user_id};
use crate::api::Ctx;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Sender_Account")]
    sender_account: String,
}

#[derive(Debug, Serialize)]
pub struct Response {}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    let sender = user_id("Sender_Account", &req.sender_account)?;
    let group = live_group(ctx, &id).await?;
    if !group.group_type.keeps_history() {
        return Err(ApiError::DeleteNotSupported(
            "AVChatRoom groups keep no messages to delete".into(),
        ));
    }
    ctx.store()
        .delete_messages_by_sender(ctx.sdkappid(), id.as_str(), sender.as_str())
        .await?;
    Ok(Response {})
}
