//! `v4/group_open_http_svc/group_msg_get_simple` — a group's history by seq, newest first
//! (CT 269/2738). At most 20 messages per call; `ReqMsgSeq` absent = from the newest.
//! `IsFinished` is 1 when the whole requested range was returned. AVChatRoom keeps no history → 10007.
//! With `TopicId` (`""` = none): the topic's history, by the topic's own seqs.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::fields::flag;
use super::{group_id, live_group};
use crate::api::Ctx;
use crate::api::million_group_open_http_svc::topic_id;
use crate::domain::ids::GroupId;
use crate::error::ApiError;
use crate::store::{MessageRow, PLACE_NORMAL};

const MAX_PER_CALL: u32 = 20;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "ReqMsgNumber")]
    req_msg_number: u32,
    #[serde(
        rename = "ReqMsgSeq",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    req_msg_seq: Option<u64>,
    #[serde(rename = "WithRecalledMsg")]
    with_recalled_msg: Option<u8>,
    #[serde(rename = "TopicId")]
    topic_id: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "IsFinished")]
    is_finished: u8,
    #[serde(rename = "RspMsgList")]
    rsp_msg_list: Vec<Map<String, Value>>,
}

impl Request {
    fn parse(&self) -> Result<(GroupId, u32, Option<u64>), ApiError> {
        let id = group_id(&self.group_id)?;
        if self.req_msg_number == 0 {
            return Err(ApiError::invalid("ReqMsgNumber must be at least 1"));
        }
        flag("WithRecalledMsg", self.with_recalled_msg)?;
        Ok((id, self.req_msg_number, self.req_msg_seq))
    }
}

/// One message as history shows it; deleted and recalled ones keep their place, without body.
fn answer_message(r: MessageRow) -> Map<String, Value> {
    let payload: Value = serde_json::from_slice(&r.payload).unwrap_or(Value::Null);
    let mut m = Map::new();
    m.insert("From_Account".into(), json!(r.from_account));
    m.insert("IsPlaceMsg".into(), json!(r.place));
    m.insert("MsgPriority".into(), json!(r.priority));
    m.insert("MsgRandom".into(), json!(r.random));
    m.insert("MsgSeq".into(), json!(r.seq));
    m.insert("MsgTimeStamp".into(), json!(r.time));
    let body = if r.place == PLACE_NORMAL {
        payload["MsgBody"].clone()
    } else {
        json!([])
    };
    m.insert("MsgBody".into(), body);
    if let Some(c) = payload["CloudCustomData"].as_str() {
        m.insert("CloudCustomData".into(), json!(c));
    }
    m
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let (id, number, seq) = req.parse()?;
    // A topic's history is its own seq space, kept under the topic's id.
    let (group, space, latest) = match topic_id(req.topic_id.as_deref()) {
        Some(topic) => {
            let store = ctx.store();
            let (group, t) = store.topic(ctx.sdkappid(), id.as_str(), topic).await?;
            (group, topic.to_string(), t.counters.latest_seq())
        }
        None => {
            let group = live_group(ctx, &id).await?;
            let latest = group.counters.latest_seq();
            (group, id.to_string(), latest)
        }
    };
    if !group.group_type.keeps_history() {
        return Err(ApiError::NoPermission(
            "AVChatRoom groups keep no message history".into(),
        ));
    }
    let upto = seq.map_or(latest, |s| (s.min(i64::MAX as u64) as i64).min(latest));
    let count = number.min(MAX_PER_CALL);
    let rows = ctx
        .store()
        .history(ctx.sdkappid(), &space, upto, i64::from(count))
        .await?;
    let whole_range = number <= MAX_PER_CALL || upto <= i64::from(MAX_PER_CALL);
    Ok(Response {
        group_id: group.group_id,
        is_finished: u8::from(whole_range),
        rsp_msg_list: rows.into_iter().map(answer_message).collect(),
    })
}
