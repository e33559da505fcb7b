//! `v4/million_group_open_http_svc/create_topic` — create a topic in a Community created with
//! `SupportTopic: 1` (CT 269/78203). The id is generated (`GroupId@TOPIC#_@TOPIC#c…`) unless a
//! custom `TopicId` is given; a custom id used before (even by a destroyed topic) → 10025.
//! A group without topics → 11000; `From_Account`, when named, must be a member (10007).

use serde::{Deserialize, Serialize};

use super::{TopicFields, store_new_topic, topic_group};
use crate::api::Ctx;
use crate::api::group_open_http_svc::{group_id, require_members};
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(flatten)]
    topic: TopicFields,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "TopicId")]
    topic_id: String,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    let checked = req.topic.check(id.as_str())?;
    topic_group(ctx, &id).await?;
    if let Some(creator) = &checked.creator
        && !ctx.app.admins.iter().any(|a| a == creator.as_str())
    {
        require_members(ctx, &id, &[creator.to_string()]).await?;
    }
    let topic_id = store_new_topic(
        ctx,
        id.as_str(),
        checked,
        ctx.now(),
        ApiError::TopicIdUsedByYou,
    )
    .await?;
    Ok(Response { topic_id })
}
