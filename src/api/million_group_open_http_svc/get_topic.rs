//! `v4/million_group_open_http_svc/get_topic` — the topics of a Community and one member's
//! state in each (CT 269/78204). `TopicIdList` absent or `[]` → every live topic, in creation
//! order; `ResponseFilter` absent or `[]` → every TopicInfo field (`TopicId` always; unknown
//! names are ignored). Each item has its own ErrorCode: 110003 for a destroyed topic, 10010
//! for an id that names no topic of the group; a repeated id answers an item each time; over
//! 100 ids → 10004. `From_Account` must be a member (10007): its
//! `SelfInfo` is `ShutUpTime` (the end of its group or topic mute, 0 when not muted), `MsgSeq`
//! (its read seq in the topic) and `MsgFlag`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::api::Ctx;
use crate::api::group_open_http_svc::{group_id, user_id};
use crate::domain::group;
use crate::domain::topic::MAX_TOPIC_IDS_PER_CALL;
use crate::error::{ApiError, ItemError};
use crate::store::{MemberRow, TopicSeen};

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "TopicIdList")]
    topic_id_list: Option<Vec<String>>,
    #[serde(rename = "ResponseFilter")]
    response_filter: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
pub struct Item {
    #[serde(rename = "ErrorCode")]
    error_code: i64,
    #[serde(rename = "ErrorInfo")]
    error_info: String,
    #[serde(rename = "SelfInfo", skip_serializing_if = "Option::is_none")]
    self_info: Option<Value>,
    #[serde(rename = "TopicInfo")]
    topic_info: Map<String, Value>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "TopicAndSelfInfo")]
    topic_and_self_info: Vec<Item>,
}

/// The TopicInfo fields of a topic, restricted to `filter` (TopicId always).
fn topic_info(group_id: &str, seen: &TopicSeen, filter: Option<&[String]>) -> Map<String, Value> {
    let t = &seen.topic;
    let p = &t.profile;
    let all = [
        ("TopicName", json!(p.name)),
        ("GroupID", json!(group_id)),
        ("FaceUrl", json!(p.face_url)),
        ("NextMsgSeq", json!(t.counters.next_msg_seq)),
        ("Notification", json!(p.notification)),
        ("Introduction", json!(p.introduction)),
        ("CreateTime", json!(t.created_at)),
        ("LastMsgTime", json!(t.last_msg_time)),
        ("MuteAllMember", json!(group::on_off(p.mute_all))),
        ("CustomString", json!(p.custom_string)),
    ];
    let mut out = Map::new();
    out.insert("TopicId".into(), json!(t.topic_id));
    for (name, v) in all {
        if filter.is_none_or(|f| f.iter().any(|x| x == name)) {
            out.insert(name.to_string(), v);
        }
    }
    out
}

fn self_info(member: &MemberRow, seen: &TopicSeen, now: i64) -> Value {
    let until = member.shut_up_until.max(seen.muted_until);
    let mark = seen.mark.unwrap_or_default();
    json!({
        "ShutUpTime": if until > now { until } else { 0 },
        "MsgSeq": seen.topic.counters.read_seq(mark, true),
        "MsgFlag": member.msg_flag.as_str(),
    })
}

/// The item of a topic id that is not live: TopicInfo names it, ErrorCode says why.
fn failed(topic_id: &str, e: ItemError, info: &str) -> Item {
    let mut topic_info = Map::new();
    topic_info.insert("TopicId".into(), json!(topic_id));
    Item {
        error_code: e.code(),
        error_info: format!("the topic {topic_id} {info}"),
        self_info: None,
        topic_info,
    }
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    let from = user_id("From_Account", &req.from_account)?;
    let ids = req.topic_id_list.filter(|l| !l.is_empty());
    if ids
        .as_ref()
        .is_some_and(|l| l.len() > MAX_TOPIC_IDS_PER_CALL)
    {
        return Err(ApiError::invalid(format!(
            "TopicIdList may hold at most {MAX_TOPIC_IDS_PER_CALL} topic ids"
        )));
    }
    let filter = req.response_filter.filter(|f| !f.is_empty());
    let view = ctx
        .store()
        .topics_seen_by(ctx.sdkappid(), id.as_str(), from.as_str(), ids.as_deref())
        .await?;
    let Some(member) = &view.member else {
        return Err(ApiError::NotMember(format!(
            "{from} is not a member of group {id}"
        )));
    };
    let now = ctx.now();
    let item = |seen: &TopicSeen| Item {
        error_code: 0,
        error_info: String::new(),
        self_info: Some(self_info(member, seen, now)),
        topic_info: topic_info(id.as_str(), seen, filter.as_deref()),
    };
    let items = match ids {
        // The store lists live topics only, in creation order.
        None => view.topics.iter().map(item).collect(),
        Some(ids) => {
            let found: HashMap<&str, &TopicSeen> = view
                .topics
                .iter()
                .map(|s| (s.topic.topic_id.as_str(), s))
                .collect();
            ids.iter()
                .map(|tid| match found.get(tid.as_str()) {
                    Some(s) if !s.topic.destroyed => item(s),
                    Some(_) => failed(tid, ItemError::TopicDestroyed, "has been destroyed"),
                    None => failed(tid, ItemError::TopicNotFound, "does not exist"),
                })
                .collect()
        }
    };
    Ok(Response {
        topic_and_self_info: items,
    })
}
