//! `v4/group_open_http_svc/group_msg_recall` — recall up to 10 messages by seq (CT 269/12341).
//! A recalled message keeps its seq (no holes) and shows in history as a placeholder
//! (`IsPlaceMsg` 2, empty body). Unread counts do not change: they count seqs.
//! Per message `RetCode`: 0 recalled, 10030 no such message (also one recalled or deleted
//! before: a repeated recall is not a success). AVChatRoom keeps no messages → 10007. With
//! `TopicId` (`""` = none): seqs of that topic.

use serde::{Deserialize, Serialize};

use super::{group_id, live_group};
use crate::api::Ctx;
use crate::api::million_group_open_http_svc::topic_id;
use crate::error::{ApiError, ItemError};

const MAX_SEQS: usize = 10;

#[derive(Debug, Deserialize)]
pub struct SeqItem {
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
}

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "MsgSeqList")]
    msg_seq_list: Vec<SeqItem>,
    #[serde(rename = "TopicId")]
    topic_id: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct RecallRet {
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
    #[serde(rename = "RetCode")]
    ret_code: i64,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "RecallRetList")]
    recall_ret_list: Vec<RecallRet>,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    if req.msg_seq_list.is_empty() || req.msg_seq_list.len() > MAX_SEQS {
        return Err(ApiError::invalid(format!(
            "MsgSeqList must hold 1 to {MAX_SEQS} seqs"
        )));
    }
    let topic = topic_id(req.topic_id.as_deref());
    if topic.is_none() {
        let group = live_group(ctx, &id).await?;
        if !group.group_type.keeps_history() {
            return Err(ApiError::NoPermission(
                "AVChatRoom messages cannot be recalled".into(),
            ));
        }
    }
    let seqs: Vec<i64> = req
        .msg_seq_list
        .iter()
        .map(|s| s.msg_seq.min(i64::MAX as u64) as i64)
        .collect();
    let (store, app) = (ctx.store(), ctx.sdkappid());
    let found = match topic {
        Some(t) => store.recall_in_topic(app, id.as_str(), t, &seqs).await?,
        None => store.recall(app, id.as_str(), &seqs).await?,
    };
    Ok(Response {
        recall_ret_list: req
            .msg_seq_list
            .iter()
            .zip(found)
            .map(|(s, found)| RecallRet {
                msg_seq: s.msg_seq,
                ret_code: if found {
                    0
                } else {
                    ItemError::NoSuchMsg.code()
                },
            })
            .collect(),
    })
}
