//! `v4/group_open_http_svc/send_group_msg` — send an ordinary message to a group (CT 269/1629).
//!
//! The message gets the group's next seq; every other member's unread count grows by one
//! (not with `SendMsgControl: ["NoUnread"]`), the sender's does not. The same `Random` from the
//! same sender within 5 minutes is a duplicate: nothing is stored and the original's
//! `MsgSeq`/`MsgTime` are answered. `OnlineOnlyFlag: 1` messages are not stored and get no
//! seq (`MsgSeq` 0). A muted sender, or an ordinary member while ShutUpAllMember is on → 10017; a message over 8000 bytes as
//! `domain::message::message_size` counts it (content keys and values, CloudCustomData) → 80002.
//! With `TopicId` (a Community with topics only, else 11000): the message gets the topic's
//! next seq; only members (and app admins) may send there (10007); group and topic mutes and
//! mute-alls apply (10017); a destroyed topic → 110003, an unknown one → 10010.
//! A sender muted by setnospeaking (GroupmsgNospeakingTime) → 10017, for new messages only: a
//! repeat of one stored before the mute answers that one (docs/compat.md). `NeedReadReceipt: 1`
//! makes a message take read receipts in Work/Private, Public and Meeting/ChatRoom groups of at
//! most 200 members; elsewhere the flag is accepted and ignored.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::fields::flag;
use super::{group_id, live_group, require_accounts, user_id};
use crate::api::million_group_open_http_svc::topic_id;
use crate::api::{Ctx, strict_json};
use crate::domain::controls::{ForbidCallbackControl, SendMsgControl, parse_list};
use crate::domain::ids::{GroupId, UserId};
use crate::domain::message::{self, BodyError, StoredPayload};
use crate::domain::nospeaking;
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
    #[serde(
        rename = "From_Account",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    from_account: Option<String>,
    #[serde(
        rename = "MsgPriority",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    msg_priority: Option<String>,
    #[serde(
        rename = "OfflinePushInfo",
        default,
        deserialize_with = "strict_json::opt_value"
    )]
    offline_push_info: Option<Value>,
    #[serde(rename = "ForbidCallbackControl")]
    forbid_callback_control: Option<Vec<String>>,
    // `MsgOnlineOnlyFlag` is the name the Go server SDK (dobyte/tencent-im) sends.
    #[serde(rename = "OnlineOnlyFlag", alias = "MsgOnlineOnlyFlag")]
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
    #[serde(rename = "TopicId")]
    topic_id: Option<String>,
    #[serde(rename = "NeedReadReceipt")]
    need_read_receipt: Option<u8>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "MsgTime")]
    msg_time: i64,
    #[serde(rename = "MsgSeq")]
    msg_seq: i64,
}

/// Checks a MsgBody and CloudCustomData, mapping their errors to the send codes (10004, 80002).
pub(super) fn check_body(body: &[Value], cloud_custom_data: Option<&str>) -> Result<(), ApiError> {
    message::check_body(body, cloud_custom_data).map_err(|e| match e {
        BodyError::Invalid(m) => ApiError::InvalidParam(m),
        BodyError::TooLong => ApiError::MsgTooLong,
    })
}

/// A send, checked: the message and how to deliver it.
struct Send {
    group: GroupId,
    /// Absent: the calling admin sends.
    from: Option<UserId>,
    random: u32,
    priority: i64,
    /// False with `SendMsgControl: ["NoUnread"]`.
    counts: bool,
    /// False with `SendMsgControl: ["NoLastMsg"]`: members' conversations stay as they are.
    updates_contacts: bool,
    online_only: bool,
    /// A topic of the Community (`""` = none): the message goes to the topic's own seq space.
    topic: Option<String>,
    need_receipt: bool,
    content: Content,
}

/// What is stored of the message, as the request gave it.
struct Content {
    msg_body: Vec<Value>,
    cloud_custom_data: Option<String>,
    offline_push_info: Option<Value>,
    group_at_info: Option<Vec<Value>>,
}

impl Content {
    fn payload(&self) -> Vec<u8> {
        StoredPayload {
            cloud_custom_data: self.cloud_custom_data.as_deref(),
            group_at_info: self.group_at_info.as_deref(),
            msg_body: &self.msg_body,
            offline_push_info: self.offline_push_info.as_ref(),
        }
        .to_bytes()
    }
}

impl Request {
    fn parse(self) -> Result<Send, ApiError> {
        let group = group_id(&self.group_id)?;
        check_body(&self.msg_body, self.cloud_custom_data.as_deref())?;
        message::check_extras(
            self.offline_push_info.as_ref(),
            self.group_at_info.as_deref(),
        )
        .map_err(ApiError::InvalidParam)?;
        let priority = message::parse_priority(self.msg_priority.as_deref())
            .ok_or_else(|| ApiError::invalid("MsgPriority must be High, Normal or Low"))?;
        let controls = parse_list(self.send_msg_control.as_deref(), SendMsgControl::parse)
            .map_err(ApiError::InvalidParam)?;
        // opentim sends no callbacks, so this list is only checked.
        parse_list(
            self.forbid_callback_control.as_deref(),
            ForbidCallbackControl::parse,
        )
        .map_err(ApiError::InvalidParam)?;
        let online_only = flag("OnlineOnlyFlag", self.online_only_flag)?;
        let need_receipt = flag("NeedReadReceipt", self.need_read_receipt)?;
        let counts = !controls.contains(&SendMsgControl::NoUnread);
        let updates_contacts = !controls.contains(&SendMsgControl::NoLastMsg);
        if online_only && !counts {
            return Err(ApiError::invalid(
                "SendMsgControl NoUnread cannot be combined with OnlineOnlyFlag 1",
            ));
        }
        let from = self
            .from_account
            .as_deref()
            .map(|f| user_id("From_Account", f))
            .transpose()?;
        Ok(Send {
            group,
            from,
            random: self.random,
            priority,
            counts,
            updates_contacts,
            online_only,
            topic: topic_id(self.topic_id.as_deref()).map(str::to_string),
            need_receipt,
            content: Content {
                msg_body: self.msg_body,
                cloud_custom_data: self.cloud_custom_data,
                offline_push_info: self.offline_push_info,
                group_at_info: self.group_at_info,
            },
        })
    }
}

/// The checks the store makes when it stores a message, for one it does not store.
async fn check_may_send_now(
    ctx: &Ctx,
    id: &GroupId,
    from: &str,
    app_admin: bool,
    now: i64,
) -> Result<(), ApiError> {
    let group = live_group(ctx, id).await?;
    let sender = ctx
        .store()
        .member(ctx.sdkappid(), id.as_str(), from)
        .await?;
    let sender = sender.as_ref().map(Sender::from);
    Ok(check_may_send(
        group.profile.shut_up_all,
        sender,
        app_admin,
        now,
    )?)
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let send = req.parse()?;
    let from = send
        .from
        .map_or_else(|| ctx.identifier.clone(), UserId::into_string);
    require_accounts(ctx, std::slice::from_ref(&from)).await?;
    let now = ctx.now();
    let app_admin = ctx.app.admins.contains(&from);
    if send.online_only {
        if let Some(topic) = &send.topic {
            let (group, app) = (send.group.as_str(), ctx.sdkappid());
            ctx.store()
                .check_topic_sender(app, group, topic, &from, app_admin, now)
                .await?;
        } else {
            check_may_send_now(ctx, &send.group, &from, app_admin, now).await?;
        }
        // setnospeaking's group mute, in the group and in its topics alike.
        let muted = ctx.store().nospeaking(ctx.sdkappid(), &from).await?;
        if muted.is_some_and(|m| nospeaking::holds(m.group_until, now)) {
            return Err(ApiError::GloballyMuted);
        }
        return Ok(Response {
            msg_time: now,
            msg_seq: 0,
        });
    }
    let msg = NewMessage {
        payload: send.content.payload(),
        from_account: from,
        random: i64::from(send.random),
        time: now,
        priority: send.priority,
        counts: send.counts,
        updates_contacts: send.updates_contacts,
        need_receipt: send.need_receipt,
    };
    let (app, group) = (ctx.sdkappid(), send.group.as_str());
    let stored = match &send.topic {
        Some(topic) => {
            ctx.store()
                .send_topic_message(app, group, topic, &msg, app_admin)
                .await?
        }
        None => {
            ctx.store()
                .send_message(app, group, &msg, app_admin)
                .await?
        }
    };
    Ok(Response {
        msg_time: stored.time,
        msg_seq: stored.seq,
    })
}
