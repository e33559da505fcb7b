//! `v4/openim/importmsg` — import one one-to-one message (CT 269/2568, TC 1047/35014).
//!
//! `SyncFromOldSystem` 2 imports history (not counted as unread), 5 a real-time message
//! (counted); 1, the real-time value of older pages and SDKs, is taken as 5. A message with the
//! MsgSeq, MsgRandom and MsgTimeStamp of one already in the conversation, in either direction,
//! is a duplicate: the first copy stays and the call succeeds. Both parties' conversations are
//! updated. No callback. `MsgTimeStamp` must be a positive time not ahead of the server's
//! clock (Tencent's pages are silent; a future time would sort after every later message).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::content::Fields;
use super::{require_imported, required, two_accounts};
use crate::api::{Ctx, strict_json};
use crate::domain::c2c::{ImportKind, MsgKey};
use crate::error::ApiError;
use crate::store::{C2cRepeat, NewC2cMessage};

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "SyncFromOldSystem")]
    sync_from_old_system: Option<i64>,
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "To_Account")]
    to_account: Option<String>,
    #[serde(rename = "MsgSeq")]
    msg_seq: Option<u32>,
    #[serde(rename = "MsgRandom")]
    msg_random: Option<u32>,
    #[serde(rename = "MsgTimeStamp")]
    msg_time_stamp: Option<i64>,
    #[serde(
        rename = "MsgBody",
        default,
        deserialize_with = "strict_json::opt_values"
    )]
    msg_body: Option<Vec<Value>>,
    #[serde(rename = "CloudCustomData")]
    cloud_custom_data: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Response {}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let sync = required("SyncFromOldSystem", req.sync_from_old_system)?;
    let kind = ImportKind::parse(sync).ok_or_else(|| {
        ApiError::field(
            "SyncFromOldSystem",
            "SyncFromOldSystem must be 2 or 5 (or 1)",
        )
    })?;
    let (from, to) = two_accounts(
        ("From_Account", req.from_account),
        ("To_Account", req.to_account),
    )?;
    let time = required("MsgTimeStamp", req.msg_time_stamp)?;
    if time <= 0 || time > ctx.now() {
        return Err(ApiError::field(
            "MsgTimeStamp",
            "MsgTimeStamp must be a positive time not later than now",
        ));
    }
    let content = Fields {
        msg_body: req.msg_body,
        cloud_custom_data: req.cloud_custom_data,
        msg_random: req.msg_random,
        msg_seq: req.msg_seq,
        offline_push_info: None,
    }
    .check()?;
    require_imported(
        ctx,
        &[("From_Account", &from), ("To_Account", &to)],
        Some("To_Account"),
    )
    .await?;
    let msg = NewC2cMessage {
        from: from.into_string(),
        to: to.into_string(),
        key: MsgKey {
            time,
            seq: content.seq,
            random: content.random,
        },
        counts: kind == ImportKind::RealTime,
        sender_keeps: true,
        updates_conversation: true,
        msg_body: content.msg_body,
        cloud_custom_data: content.cloud_custom_data,
    };
    ctx.store()
        .store_c2c(ctx.sdkappid(), &msg, C2cRepeat::SameKey)
        .await?;
    Ok(Response {})
}
