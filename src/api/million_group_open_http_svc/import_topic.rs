//! `v4/million_group_open_http_svc/import_topic`, also served as
//! `v4/group_open_http_svc/import_topic` (both documented: CT 269/85313 live, and the older
//! page) — import a topic's base profile for a migration, with a `CreateTime` in the past
//! (absent or 0 = now; before the group's creation or in the future → 10004). No callback,
//! no notification. `Type` may only be "Community" ("" = absent). A custom id used before →
//! 10021; a group without topics → 11000. `From_Account` need not be a member yet (members
//! are usually imported after their topics).

use serde::{Deserialize, Serialize};

use super::{TopicFields, store_new_topic, topic_group};
use crate::api::Ctx;
use crate::api::group_open_http_svc::group_id;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "Type")]
    group_type: Option<String>,
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(flatten)]
    topic: TopicFields,
    #[serde(rename = "CreateTime")]
    create_time: Option<u32>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "TopicId")]
    topic_id: String,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    if let Some(t) = req.group_type.as_deref().filter(|t| !t.is_empty())
        && t != "Community"
    {
        return Err(ApiError::invalid(format!(
            "Type {t:?}: only Community groups have topics"
        )));
    }
    let checked = req.topic.check(id.as_str())?;
    let now = ctx.now();
    let created_at = match req.create_time.filter(|t| *t != 0) {
        Some(t) if i64::from(t) > now => {
            return Err(ApiError::invalid("CreateTime must not be in the future"));
        }
        Some(t) => i64::from(t),
        None => now,
    };
    let group = topic_group(ctx, &id).await?;
    if created_at < group.created_at {
        return Err(ApiError::invalid(
            "CreateTime must not be before the group's creation",
        ));
    }
    let topic_id = store_new_topic(
        ctx,
        id.as_str(),
        checked,
        created_at,
        ApiError::TopicIdTaken,
    )
    .await?;
    Ok(Response { topic_id })
}
