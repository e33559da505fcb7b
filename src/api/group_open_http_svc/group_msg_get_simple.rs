//! `v4/group_open_http_svc/group_msg_get_simple` — a group's history by seq, newest first
//! (CT 269/2738). At most 20 messages per call; `ReqMsgSeq` absent = from the newest.
//! `IsFinished` is 1 when the whole requested range was returned. AVChatRoom keeps no history → 10007.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{group_id, live_group};
use crate::api::Ctx;
use crate::error::ApiError;

const MAX_PER_CALL: u32 = 20;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "ReqMsgNumber")]
    req_msg_number: u32,
    #[serde(rename = "ReqMsgSeq")]
    req_msg_seq: Option<u64>,
    #[serde(rename = "WithRecalledMsg")]
    with_recalled_msg: Option<u8>,
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

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    if req.req_msg_number == 0 {
        return Err(ApiError::invalid("ReqMsgNumber must be at least 1"));
    }
    if matches!(req.with_recalled_msg, Some(w) if w > 1) {
        return Err(ApiError::invalid("WithRecalledMsg must be 0 or 1"));
    }
    let group = live_group(ctx, &id).await?;
    if !group.group_type.keeps_history() {
        return Err(ApiError::NoPermission(
            "AVChatRoom groups keep no message history".into(),
        ));
    }
    let latest = group.counters.latest_seq();
    let upto = req
        .req_msg_seq
        .map_or(latest, |s| (s.min(i64::MAX as u64) as i64).min(latest));
    let count = req.req_msg_number.min(MAX_PER_CALL);
    let rows = ctx
        .store()
        .history(ctx.sdkappid(), id.as_str(), upto, i64::from(count))
        .await?;
    let rsp_msg_list = rows
        .into_iter()
        .map(|r| {
            let payload: Value = serde_json::from_slice(&r.payload).unwrap_or(Value::Null);
            let mut m = Map::new();
            m.insert("From_Account".into(), json!(r.from_account));
            m.insert("IsPlaceMsg".into(), json!(r.place));
            m.insert("MsgPriority".into(), json!(r.priority));
            m.insert("MsgRandom".into(), json!(r.random));
            m.insert("MsgSeq".into(), json!(r.seq));
            m.insert("MsgTimeStamp".into(), json!(r.time));
            let body = if r.place == 0 {
                payload["MsgBody"].clone()
            } else {
                json!([])
            };
            m.insert("MsgBody".into(), body);
            if let Some(c) = payload["CloudCustomData"].as_str() {
                m.insert("CloudCustomData".into(), json!(c));
            }
            m
        })
        .collect();
    let whole_range = req.req_msg_number <= MAX_PER_CALL || upto <= i64::from(MAX_PER_CALL);
    Ok(Response {
        group_id: group.group_id,
        is_finished: u8::from(whole_range),
        rsp_msg_list,
    })
}
