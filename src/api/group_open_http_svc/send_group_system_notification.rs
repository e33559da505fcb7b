//! `v4/group_open_http_svc/send_group_system_notification` — a system notification to all or
//! listed members (CT 269/1630). Notifications reach online clients only: they get no seq, are
//! not stored, and change no one's unread count. opentim has no client connections, so it
//! validates and accepts them. AVChatRoom takes no recipient list (10004); recipients that are
//! not members → 10007. With `TopicId` (`""` = none) the topic must be a live topic of the
//! Community (11000 / 10010 / 110003 as for topic messages); its recipients are the group's.

use serde::{Deserialize, Serialize};

use super::{group_id, live_group, require_members, user_id};
use crate::api::Ctx;
use crate::api::million_group_open_http_svc::topic_id;
use crate::domain::group::GroupType;
use crate::domain::ids::GroupId;
use crate::domain::message;
use crate::error::ApiError;

const MAX_RECIPIENTS: usize = 500;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "ToMembers_Account")]
    to_members_account: Option<Vec<String>>,
    #[serde(rename = "Content")]
    content: String,
    #[serde(rename = "TopicId")]
    topic_id: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Response {}

impl Request {
    /// The group and the recipients (none: every member). The content is only checked:
    /// notifications are not stored.
    fn parse(&self) -> Result<(GroupId, Vec<String>), ApiError> {
        let id = group_id(&self.group_id)?;
        if self.content.is_empty() {
            return Err(ApiError::invalid("Content must not be empty"));
        }
        // The message measure of every other command; this page lists no 80002, so 10004.
        if self.content.len() > message::MAX_MSG_BYTES {
            return Err(ApiError::invalid(format!(
                "Content holds {} bytes; at most {}",
                self.content.len(),
                message::MAX_MSG_BYTES
            )));
        }
        let recipients = self.to_members_account.clone().unwrap_or_default();
        if recipients.len() > MAX_RECIPIENTS {
            return Err(ApiError::invalid(format!(
                "ToMembers_Account holds more than {MAX_RECIPIENTS} accounts"
            )));
        }
        for r in &recipients {
            user_id("ToMembers_Account", r)?;
        }
        Ok((id, recipients))
    }
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let (id, recipients) = req.parse()?;
    let group = match topic_id(req.topic_id.as_deref()) {
        Some(topic) => {
            ctx.store()
                .topic(ctx.sdkappid(), id.as_str(), topic)
                .await?
                .0
        }
        None => live_group(ctx, &id).await?,
    };
    if group.group_type == GroupType::AVChatRoom && !recipients.is_empty() {
        return Err(ApiError::invalid(
            "AVChatRoom notifications go to everyone; ToMembers_Account is not supported",
        ));
    }
    require_members(ctx, &id, &recipients).await?;
    Ok(Response {})
}
