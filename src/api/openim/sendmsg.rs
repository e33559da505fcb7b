//! `v4/openim/sendmsg` — send a one-to-one message as an account or the admin (CT 269/2282,
//! TC 1047/34919).
//!
//! No friendship checks, as at Tencent; a recipient who blocked the sender → 20007 (the
//! blocker may still message the blocked), checked by the store as it stores the message. A
//! sender setnospeaking mutes → 20012, also checked by the store, after the repeat lookup below
//! (a retry of a message stored before the mute answers it); Tencent's page says REST sends skip
//! the mute check; opentim enforces it, see docs/compat.md. The message is stamped with the
//! server's time (`MsgTimeStamp` is type-checked only) and answers `MsgTime` and `MsgKey`. The
//! same sender, recipient and `MsgRandom` within 5 minutes is a duplicate: the first message's
//! key is answered and nothing is stored. `SyncOtherMachine: 2` leaves the message out of the
//! sender's history and conversation list; `SendMsgControl` `NoUnread` does not count it,
//! `NoLastMsg` does not move the conversations; `MsgLifeTime: 0` and `OnlineOnlyFlag: 1` mean
//! "deliver only to online devices": opentim has none, so such a message is answered and
//! dropped. `MsgLifeTime` over 7 days is capped, as the current page says.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::content::Fields;
use super::{flag, require_imported, two_accounts};
use crate::api::openconfigsvr::check_c2c_mute;
use crate::api::{Ctx, strict_json};
use crate::domain::c2c::MsgKey;
use crate::domain::controls::{ForbidCallbackControl, SendMsgControl, parse_list};
use crate::domain::message::DEDUP_WINDOW_SECS;
use crate::error::ApiError;
use crate::store::{C2cRepeat, NewC2cMessage};

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
    to_account: Option<String>,
    #[serde(rename = "MsgLifeTime")]
    msg_life_time: Option<i64>,
    #[serde(rename = "OnlineOnlyFlag")]
    online_only_flag: Option<i64>,
    #[serde(rename = "MsgSeq")]
    msg_seq: Option<u32>,
    #[serde(rename = "MsgRandom")]
    msg_random: Option<u32>,
    #[serde(rename = "MsgTimeStamp")]
    _msg_time_stamp: Option<i64>,
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
    #[serde(rename = "ForbidCallbackControl")]
    forbid_callback_control: Option<Vec<String>>,
    #[serde(
        rename = "OfflinePushInfo",
        default,
        deserialize_with = "strict_json::opt_value"
    )]
    offline_push_info: Option<Value>,
    #[serde(rename = "IsNeedReadReceipt")]
    is_need_read_receipt: Option<i64>,
    #[serde(rename = "SupportMessageExtension")]
    support_message_extension: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "MsgTime")]
    pub msg_time: i64,
    #[serde(rename = "MsgKey")]
    pub msg_key: String,
}

/// How a sent message is delivered, from the options sendmsg and batchsendmsg share.
pub struct Delivery {
    pub counts: bool,
    pub updates_conversation: bool,
    pub sender_keeps: bool,
    /// Only to online devices: opentim stores nothing.
    pub online_only: bool,
}

/// Reads the delivery options.
pub fn delivery(
    sync_other_machine: Option<i64>,
    msg_life_time: Option<i64>,
    online_only_flag: Option<i64>,
    send_msg_control: Option<&[String]>,
) -> Result<Delivery, ApiError> {
    let sender_keeps = match sync_other_machine {
        // 0 is what SDKs send when the field is unset (docs/compat.md, "Client quirks").
        None | Some(0) | Some(1) => true,
        Some(2) => false,
        Some(_) => {
            return Err(ApiError::field(
                "SyncOtherMachine",
                "SyncOtherMachine must be 1 or 2",
            ));
        }
    };
    if msg_life_time.is_some_and(|t| t < 0) {
        return Err(ApiError::field(
            "MsgLifeTime",
            "MsgLifeTime must not be negative",
        ));
    }
    let controls = parse_list(send_msg_control, SendMsgControl::parse)
        .map_err(|m| ApiError::field("SendMsgControl", m))?;
    Ok(Delivery {
        counts: !controls.contains(&SendMsgControl::NoUnread),
        updates_conversation: !controls.contains(&SendMsgControl::NoLastMsg),
        sender_keeps,
        online_only: flag("OnlineOnlyFlag", online_only_flag)? || msg_life_time == Some(0),
    })
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let from = req.from_account.unwrap_or_else(|| ctx.identifier.clone());
    let (from, to) = two_accounts(("From_Account", Some(from)), ("To_Account", req.to_account))?;
    let delivery = delivery(
        req.sync_other_machine,
        req.msg_life_time,
        req.online_only_flag,
        req.send_msg_control.as_deref(),
    )?;
    // opentim sends no callbacks yet: the list is only checked.
    parse_list(
        req.forbid_callback_control.as_deref(),
        ForbidCallbackControl::parse,
    )
    .map_err(|m| ApiError::field("ForbidCallbackControl", m))?;
    flag("IsNeedReadReceipt", req.is_need_read_receipt)?;
    flag("SupportMessageExtension", req.support_message_extension)?;
    let content = Fields {
        msg_body: req.msg_body,
        cloud_custom_data: req.cloud_custom_data,
        msg_random: req.msg_random,
        msg_seq: req.msg_seq,
        offline_push_info: req.offline_push_info,
    }
    .check()?;
    require_imported(
        ctx,
        &[("From_Account", &from), ("To_Account", &to)],
        Some("To_Account"),
    )
    .await?;
    let blocks = ctx
        .store()
        .blocks(ctx.sdkappid(), from.as_str(), &[to.as_str().to_string()])
        .await?;
    if blocks
        .first()
        .is_some_and(|(_, to_blocks_from)| *to_blocks_from)
    {
        return Err(ApiError::BlockedByRecipient(format!(
            "{} has blocked {}",
            to.as_str(),
            from.as_str()
        )));
    }
    let key = MsgKey {
        time: ctx.now(),
        seq: content.seq,
        random: content.random,
    };
    if delivery.online_only {
        // Not stored, so the store's mute check does not see it.
        check_c2c_mute(ctx, from.as_str()).await?;
        return Ok(Response {
            msg_time: key.time,
            msg_key: key.to_string(),
        });
    }
    let msg = NewC2cMessage {
        from: from.into_string(),
        to: to.into_string(),
        key,
        counts: delivery.counts,
        sender_keeps: delivery.sender_keeps,
        updates_conversation: delivery.updates_conversation,
        msg_body: content.msg_body,
        cloud_custom_data: content.cloud_custom_data,
    };
    let repeat = C2cRepeat::SameRandomWithin(DEDUP_WINDOW_SECS);
    let stored = ctx.store().store_c2c(ctx.sdkappid(), &msg, repeat).await?;
    Ok(Response {
        msg_time: stored.key.time,
        msg_key: stored.key.to_string(),
    })
}
