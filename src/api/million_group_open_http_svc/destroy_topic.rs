//! `v4/million_group_open_http_svc/destroy_topic` — destroy topics of a Community, for good
//! (CT 269/78202). One `DestroyResultItem` per listed id (in order): 0 destroyed, 110003
//! already destroyed (a repeated call), 10010 no such topic in the group. A destroyed topic's
//! id stays taken; its messages are no longer reachable. A repeated id answers as its first
//! occurrence. A group without topics → 11000; `TopicIdList` empty or over 100 ids → 10004.

use serde::{Deserialize, Serialize};

use crate::api::Ctx;
use crate::api::group_open_http_svc::group_id;
use crate::domain::topic::MAX_TOPIC_IDS_PER_CALL;
use crate::error::{ApiError, ItemError};
use crate::store::TopicDestroy;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "TopicIdList")]
    topic_id_list: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ResultItem {
    #[serde(rename = "ErrorCode")]
    error_code: i64,
    #[serde(rename = "ErrorInfo")]
    error_info: String,
    #[serde(rename = "TopicId")]
    topic_id: String,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "DestroyResultItem")]
    destroy_result_item: Vec<ResultItem>,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    let ids = req.topic_id_list;
    if ids.is_empty() || ids.len() > MAX_TOPIC_IDS_PER_CALL {
        return Err(ApiError::invalid(format!(
            "TopicIdList must hold 1 to {MAX_TOPIC_IDS_PER_CALL} topic ids"
        )));
    }
    let done = ctx
        .store()
        .destroy_topics(ctx.sdkappid(), id.as_str(), &ids)
        .await?;
    let items = ids
        .into_iter()
        .zip(done)
        .map(|(topic_id, d)| {
            let (error_code, error_info) = match d {
                TopicDestroy::Destroyed => (0, String::new()),
                TopicDestroy::AlreadyDestroyed => (
                    ItemError::TopicDestroyed.code(),
                    format!("the topic {topic_id} has been destroyed already"),
                ),
                TopicDestroy::NotFound => (
                    ItemError::TopicNotFound.code(),
                    format!("the topic {topic_id} does not exist"),
                ),
            };
            ResultItem {
                error_code,
                error_info,
                topic_id,
            }
        })
        .collect();
    Ok(Response {
        destroy_result_item: items,
    })
}
