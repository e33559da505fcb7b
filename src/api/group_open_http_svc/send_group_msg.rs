//! `v4/group_open_http_svc/send_group_msg` — send an ordinary message to a group (CT 269/1629).
//!
//! The message gets the group's next seq; every other member's unread count grows by one
//! (not with `SendMsgControl: ["NoUnread"]`), the sender's does not. The same `Random` from the
//! same sender within 5 minutes is a duplicate: nothing is stored and the original's
//! `MsgSeq`/`MsgTime` are answered. `OnlineOnlyFlag: 1` messages are not stored and get no
//! seq (`MsgSeq` 0). A muted sender, or an ordinary member while ShutUpAllMember is on → 10017; a message over 8000 bytes as
//! `domain::message::message_size` counts it (content keys and values, CloudCustomData) → 80002.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{group_id, live_group, require_accounts, user_id};
use crate::api::{Ctx, strict_json};
use crate::domain::message::{self, BodyError, StoredPayload};
use crate::domain::sending::{Sender, check_may_send};
use crate::error::ApiError;
use crate::store::NewMessage;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Random")]
    random: u32,
    #[serde(rename = "MsgBody", deserialize_with = "strict_json::values")]
    msg_body: Vec<Value>,
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "MsgPriority")]
    msg_priority: Option<String>,
    #[serde(
        rename = "OfflinePushInfo",
        default,
        deserialize_with = "strict_json::opt_value"
    )]
    offline_push_info: Option<Value>,
    #[serde(rename = "ForbidCallbackControl")]
    forbid_callback_control: Option<Vec<String>>,
    #[serde(rename = "OnlineOnlyFlag")]
    online_only_flag: Option<u8>,
    #[serde(rename = "SendMsgControl")]
    send_msg_control: Option<Vec<String>>,
    #[serde(rename = "CloudCustomData")]
    cloud_custom_data: Option<String>,
    #[serde(
        rename = "GroupAtInfo",
        default,
        deserialize_with = "strict_json::opt_values"
    )]
    group_at_info: Option<Vec<Value>>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "MsgTime")]
    msg_time: i64,
    #[serde(rename = "MsgSeq")]
    msg_seq: i64,
}

/// Checks a MsgBody and CloudCustomData, mapping their errors to the send codes (10004, 80002).
fn check_body(body: &[Value], cloud_custom_data: Option<&str>) -> Result<(), ApiError> {
    message::check_body(body, cloud_custom_data).map_err(|e| match e {
        BodyError::Invalid(m) => ApiError::InvalidParam(m),
        BodyError::TooLong => ApiError::MsgTooLong,
    })
}

/// OfflinePushInfo and GroupAtInfo are stored with the message: bounded like it.
fn check_extras(push: Option<&Value>, at: Option<&[Value]>) -> Result<(), ApiError> {
    let size = push.map_or(0, message::json_bytes)
        + at.map_or(0, |a| a.iter().map(message::json_bytes).sum());
    if size > message::MAX_EXTRAS_BYTES {
        return Err(ApiError::invalid(format!(
            "OfflinePushInfo and GroupAtInfo together hold {size} bytes; at most {}",
            message::MAX_EXTRAS_BYTES
        )));
    }
    Ok(())
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    check_body(&req.msg_body, req.cloud_custom_data.as_deref())?;
    check_extras(req.offline_push_info.as_ref(), req.group_at_info.as_deref())?;
    let priority = message::parse_priority(req.msg_priority.as_deref())
        .ok_or_else(|| ApiError::invalid("MsgPriority must be High, Normal or Low"))?;
    let controls = req.send_msg_control.unwrap_or_default();
    if let Some(c) = controls.iter().find(|c| {
        !matches!(
            c.as_str(),
            "NoUnread" | "NoLastMsg" | "WithMuteNotifications"
        )
    }) {
        return Err(ApiError::invalid(format!(
            "SendMsgControl value {c:?} is not supported"
        )));
    }
    if let Some(c) = req.forbid_callback_control.iter().flatten().find(|c| {
        !matches!(
            c.as_str(),
            "ForbidBeforeSendMsgCallback" | "ForbidAfterSendMsgCallback"
        )
    }) {
        return Err(ApiError::invalid(format!(
            "ForbidCallbackControl value {c:?} is not supported"
        )));
    }
    let online_only = match req.online_only_flag {
        None | Some(0) => false,
        Some(1) => true,
        Some(_) => return Err(ApiError::invalid("OnlineOnlyFlag must be 0 or 1")),
    };
    let no_unread = controls.iter().any(|c| c == "NoUnread");
    if online_only && no_unread {
        return Err(ApiError::invalid(
            "SendMsgControl NoUnread cannot be combined with OnlineOnlyFlag 1",
        ));
    }
    let from = match &req.from_account {
        Some(f) => user_id("From_Account", f)?.into_string(),
        None => ctx.identifier.clone(),
    };
    require_accounts(ctx, std::slice::from_ref(&from)).await?;
    let now = ctx.now();
    let app_admin = ctx.app.admins.contains(&from);
    if online_only {
        // Not stored, so the store's checks do not run: check here.
        let group = live_group(ctx, &id).await?;
        let sender = ctx
            .store()
            .member(ctx.sdkappid(), id.as_str(), &from)
            .await?;
        check_may_send(
            group.profile.shut_up_all,
            sender.as_ref().map(Sender::from),
            app_admin,
            now,
        )?;
        return Ok(Response {
            msg_time: now,
            msg_seq: 0,
        });
    }
    let payload = StoredPayload {
        cloud_custom_data: req.cloud_custom_data.as_deref(),
        group_at_info: req.group_at_info.as_deref(),
        msg_body: &req.msg_body,
        offline_push_info: req.offline_push_info.as_ref(),
    };
    let msg = NewMessage {
        from_account: from,
        random: i64::from(req.random),
        time: now,
        priority,
        counts: !no_unread,
        payload: payload.to_bytes(),
    };
    let stored = ctx
        .store()
        .send_message(ctx.sdkappid(), id.as_str(), &msg, app_admin)
        .await?;
    Ok(Response {
        msg_time: stored.time,
        msg_seq: stored.seq,
    })
}
