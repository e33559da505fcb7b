//! `v4/group_open_http_svc/delete_group_msg_by_sender` — delete every message one account sent
//! in a group (CT 269/2359). The messages keep their seqs and show in history as placeholders
//! (`IsPlaceMsg` 1, empty body); unread counts do not change. AVChatRoom → 10035.
//! With `TopicId` (`""` = none): the sender's messages in that topic only.

use serde::{Deserialize, Serialize};

use super::{group_id, live_group, user_id};
use crate::api::Ctx;
use crate::api::million_group_open_http_svc::topic_id;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Sender_Account")]
    sender_account: String,
    #[serde(rename = "TopicId")]
    topic_id: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Response {}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    let sender = user_id("Sender_Account", &req.sender_account)?;
    let (store, app) = (ctx.store(), ctx.sdkappid());
    if let Some(topic) = topic_id(req.topic_id.as_deref()) {
        store
            .delete_topic_messages_by_sender(app, id.as_str(), topic, sender.as_str())
            .await?;
        return Ok(Response {});
    }
    let group = live_group(ctx, &id).await?;
    if !group.group_type.keeps_history() {
        return Err(ApiError::DeleteNotSupported(
            "AVChatRoom groups keep no messages to delete".into(),
        ));
    }
    store
        .delete_messages_by_sender(app, id.as_str(), sender.as_str())
        .await?;
    Ok(Response {})
}
