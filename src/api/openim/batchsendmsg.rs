//! `v4/openim/batchsendmsg` — send one message to up to 500 accounts (CT 269/1612).
//!
//! One `MsgKey` for every recipient. Recipients that are not imported are listed in
//! `ErrorList` (70107), and so are those who blocked the sender (20007), while the others get
//! the message: `ActionStatus` is then
//! `"SomeError"` with `ErrorCode` 0; when none could get it, the call fails with 90012. Fires
//! no callback. Delivery options as sendmsg (`SyncOtherMachine`, `MsgLifeTime`,
//! `OnlineOnlyFlag`, `SendMsgControl`). Over 500 recipients → 90011. All recipients are
//! stored in one transaction. A sender setnospeaking mutes → the call fails with 20012.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::content::Fields;
use super::sendmsg::delivery;
use super::{account, flag, imported, require_imported, required};
use crate::api::openconfigsvr::check_c2c_mute;
use crate::api::{Ctx, strict_json};
use crate::domain::c2c::{MAX_BATCH_RECIPIENTS, MsgKey};
use crate::domain::ids::UserId;
use crate::domain::message::DEDUP_WINDOW_SECS;
use crate::envelope;
use crate::error::{ApiError, ItemError};
use crate::store::NewC2cMessage;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "SyncOtherMachine")]
    sync_other_machine: Option<i64>,
    #[serde(
        rename = "From_Account",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    from_account: Option<String>,
    #[serde(rename = "To_Account")]
    to_account: Option<Vec<String>>,
    #[serde(rename = "MsgLifeTime")]
    msg_life_time: Option<i64>,
    #[serde(rename = "OnlineOnlyFlag")]
    online_only_flag: Option<i64>,
    #[serde(rename = "MsgSeq")]
    msg_seq: Option<u32>,
    #[serde(rename = "MsgRandom")]
    msg_random: Option<u32>,
    #[serde(
        rename = "MsgBody",
        default,
        deserialize_with = "strict_json::opt_values"
    )]
    msg_body: Option<Vec<Value>>,
    #[serde(rename = "CloudCustomData")]
    cloud_custom_data: Option<String>,
    #[serde(rename = "SendMsgControl")]
    send_msg_control: Option<Vec<String>>,
    #[serde(
        rename = "OfflinePushInfo",
        default,
        deserialize_with = "strict_json::opt_value"
    )]
    offline_push_info: Option<Value>,
    #[serde(rename = "IsNeedReadReceipt")]
    is_need_read_receipt: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "MsgKey")]
    msg_key: String,
    #[serde(rename = "ErrorList", skip_serializing_if = "Vec::is_empty")]
    error_list: Vec<RecipientError>,
}

#[derive(Debug, Serialize)]
struct RecipientError {
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "ErrorCode")]
    error_code: i64,
}

/// The recipients, checked: present, at most 500, each a valid UserID other than the sender.
fn recipients(raw: Option<Vec<String>>, from: &UserId) -> Result<Vec<UserId>, ApiError> {
    let raw = required("To_Account", raw)?;
    if raw.is_empty() {
        return Err(ApiError::field(
            "To_Account",
            "To_Account must not be empty",
        ));
    }
    if raw.len() > MAX_BATCH_RECIPIENTS {
        return Err(ApiError::TooManyItems(format!(
            "To_Account lists {} accounts; at most {MAX_BATCH_RECIPIENTS} are allowed",
            raw.len()
        )));
    }
    let to = raw
        .into_iter()
        .map(|id| account("To_Account", Some(id)))
        .collect::<Result<Vec<_>, _>>()?;
    if to.contains(from) {
        return Err(ApiError::field(
            "To_Account",
            "To_Account must not list From_Account",
        ));
    }
    Ok(to)
}

/// The recipients in two: those imported and those not (one read for the whole list).
async fn split_imported(ctx: &Ctx, to: &[UserId]) -> Result<(Vec<String>, Vec<String>), ApiError> {
    let ids: Vec<&str> = to.iter().map(UserId::as_str).collect();
    let found = imported(ctx, &ids).await?;
    let (known, unknown): (Vec<_>, Vec<_>) = ids
        .into_iter()
        .map(str::to_string)
        .zip(found)
        .partition(|(_, ok)| *ok);
    let ids = |list: Vec<(String, bool)>| list.into_iter().map(|(id, _)| id).collect();
    Ok((ids(known), ids(unknown)))
}

/// Which of `known` block `from` (one read for the whole list): for a message not stored,
/// which has no write to tell.
async fn blockers(ctx: &Ctx, from: &UserId, known: &[String]) -> Result<Vec<String>, ApiError> {
    let blocks = ctx
        .store()
        .blocks(ctx.sdkappid(), from.as_str(), known)
        .await?;
    Ok(known
        .iter()
        .zip(blocks)
        .filter(|(_, (_, blocks_sender))| *blocks_sender)
        .map(|(id, _)| id.clone())
        .collect())
}

/// Answers with its own envelope: `ActionStatus` is `"SomeError"` when some recipients failed.
pub async fn handle(ctx: &Ctx, req: Request) -> Result<Vec<u8>, ApiError> {
    let from = account(
        "From_Account",
        Some(req.from_account.unwrap_or_else(|| ctx.identifier.clone())),
    )?;
    let to = recipients(req.to_account, &from)?;
    let delivery = delivery(
        req.sync_other_machine,
        req.msg_life_time,
        req.online_only_flag,
        req.send_msg_control.as_deref(),
    )?;
    flag("IsNeedReadReceipt", req.is_need_read_receipt)?;
    let content = Fields {
        msg_body: req.msg_body,
        cloud_custom_data: req.cloud_custom_data,
        msg_random: req.msg_random,
        msg_seq: req.msg_seq,
        offline_push_info: req.offline_push_info,
    }
    .check()?;
    require_imported(ctx, &[("From_Account", &from)], None).await?;
    check_c2c_mute(ctx, from.as_str()).await?;
    let (known, unknown) = split_imported(ctx, &to).await?;
    if known.is_empty() {
        // No recipient can get it: the call fails, naming the first.
        let first = unknown.first().cloned();
        return Err(ApiError::RecipientNotFound(first.unwrap_or_default()));
    }
    let key = MsgKey {
        time: ctx.now(),
        seq: content.seq,
        random: content.random,
    };
    // Those who block the sender get nothing: the write finds them (so a block made at the
    // same moment holds); a message not stored is checked with a read.
    let blocking = if delivery.online_only {
        blockers(ctx, &from, &known).await?
    } else {
        let msg = NewC2cMessage {
            from: from.into_string(),
            to: String::new(),
            key,
            counts: delivery.counts,
            sender_keeps: delivery.sender_keeps,
            updates_conversation: delivery.updates_conversation,
            msg_body: content.msg_body,
            cloud_custom_data: content.cloud_custom_data,
        };
        ctx.store()
            .store_c2c_batch(ctx.sdkappid(), &msg, &known, DEDUP_WINDOW_SECS)
            .await?
    };
    let unknown = unknown
        .into_iter()
        .map(|id| (id, ItemError::AccountNotFound));
    let blocked = blocking
        .into_iter()
        .map(|id| (id, ItemError::BlockedByRecipient));
    let error_list: Vec<RecipientError> = unknown
        .chain(blocked)
        .map(|(to_account, error)| RecipientError {
            to_account,
            error_code: error.code(),
        })
        .collect();
    let status = if error_list.is_empty() {
        "OK"
    } else {
        "SomeError"
    };
    let res = Response {
        msg_key: key.to_string(),
        error_list,
    };
    Ok(envelope::ok_with_status(status, &res))
}
