//! `v4/group_open_http_svc/import_group_msg` — import history, at most 7 messages per call
//! (CT 269/1635; the older limit of 20 is refused). No callback, no notification.
//!
//! Each message's `SendTime` must be after the group's creation, not before the newest message
//! already in the group (equal times are allowed: histories hold several messages per second),
//! and before now; otherwise that message's `Result` is 10004 and it is not stored. Content over
//! 8000 bytes → that message's `Result` is 80002. A repeated `Random` from the same sender within
//! 5 minutes of SendTime is a duplicate: `Result` 0 with the original's `MsgSeq`, whatever its
//! time (a retried call gets its seqs back; docs/compat.md). When anything
//! is stored, every member's unread count becomes 0 (documented). AVChatRoom → 10007; a sender
//! that is not an imported account → 10019, and nothing is imported.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{group_id, live_group, require_accounts, user_id};
use crate::api::{Ctx, strict_json};
use crate::domain::message::{self, BodyError, StoredPayload};
use crate::error::{ApiError, ItemError};
use crate::store::{ImportedMsg, NewMessage};

/// Tencent's current per-call maximum.
pub const MAX_BATCH: usize = 7;

#[derive(Debug, Deserialize)]
pub struct MsgItem {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "SendTime")]
    send_time: u32,
    #[serde(rename = "Random")]
    random: Option<u32>,
    #[serde(rename = "MsgBody", deserialize_with = "strict_json::values")]
    msg_body: Vec<Value>,
    #[serde(rename = "CloudCustomData")]
    cloud_custom_data: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "RecentContactFlag")]
    recent_contact_flag: Option<u8>,
    #[serde(rename = "MsgList")]
    msg_list: Vec<MsgItem>,
}

#[derive(Debug, Serialize)]
pub struct ImportResult {
    #[serde(rename = "MsgSeq")]
    msg_seq: i64,
    #[serde(rename = "MsgTime")]
    msg_time: i64,
    #[serde(rename = "Result")]
    result: i64,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "ImportMsgResult")]
    import_msg_result: Vec<ImportResult>,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    if matches!(req.recent_contact_flag, Some(f) if f > 1) {
        return Err(ApiError::invalid("RecentContactFlag must be 0 or 1"));
    }
    if req.msg_list.is_empty() {
        return Err(ApiError::invalid("MsgList must not be empty"));
    }
    if req.msg_list.len() > MAX_BATCH {
        return Err(ApiError::invalid(format!(
            "MsgList holds {} messages; at most {MAX_BATCH} per call",
            req.msg_list.len()
        )));
    }
    // Bodies: malformed → the whole call fails; too long → only that message fails.
    let mut too_long = Vec::with_capacity(req.msg_list.len());
    for (i, m) in req.msg_list.iter().enumerate() {
        user_id(&format!("MsgList[{i}].From_Account"), &m.from_account)?;
        match message::check_body(&m.msg_body, m.cloud_custom_data.as_deref()) {
            Ok(()) => too_long.push(false),
            Err(BodyError::TooLong) => too_long.push(true),
            Err(BodyError::Invalid(e)) => {
                return Err(ApiError::invalid(format!("MsgList[{i}]: {e}")));
            }
        }
    }
    let group = live_group(ctx, &id).await?;
    if !group.group_type.allows_import() {
        return Err(ApiError::NoPermission(
            "messages cannot be imported into an AVChatRoom group".into(),
        ));
    }
    let senders: Vec<String> = req
        .msg_list
        .iter()
        .map(|m| m.from_account.clone())
        .collect();
    require_accounts(ctx, &senders).await?;

    let msgs: Vec<NewMessage> = req
        .msg_list
        .iter()
        .zip(&too_long)
        .filter(|(_, long)| !**long)
        .map(|(m, _)| NewMessage {
            from_account: m.from_account.clone(),
            random: i64::from(m.random.unwrap_or_else(rand::random)),
            time: i64::from(m.send_time),
            priority: 2,
            counts: true,
            payload: StoredPayload {
                cloud_custom_data: m.cloud_custom_data.as_deref(),
                group_at_info: None,
                msg_body: &m.msg_body,
                offline_push_info: None,
            }
            .to_bytes(),
        })
        .collect();
    let mut stored = ctx
        .store()
        .import_messages(ctx.sdkappid(), id.as_str(), &msgs, ctx.now())
        .await?
        .into_iter();
    let import_msg_result = req
        .msg_list
        .iter()
        .zip(too_long)
        .map(|(m, long)| {
            let time = i64::from(m.send_time);
            let outcome = if long { None } else { stored.next() };
            match outcome {
                Some(ImportedMsg::Stored(s)) => ImportResult {
                    msg_seq: s.seq,
                    msg_time: s.time,
                    result: 0,
                },
                Some(ImportedMsg::BadTime) => ImportResult {
                    msg_seq: 0,
                    msg_time: time,
                    result: ItemError::BadSendTime.code(),
                },
                None => ImportResult {
                    msg_seq: 0,
                    msg_time: time,
                    result: ItemError::MsgTooLong.code(),
                },
            }
        })
        .collect();
    Ok(Response { import_msg_result })
}
