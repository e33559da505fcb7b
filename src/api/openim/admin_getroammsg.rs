//! `v4/openim/admin_getroammsg` — one conversation's history in a time window, as one party
//! sees it (CT 269/42794, TC 1047/35478).
//!
//! Takes the current field names (`Operator_Account`, `Peer_Account`) and the old ones
//! (`From_Account`, `To_Account`). A page holds at most `MaxCnt` messages, and at most 100
//! (Tencent caps pages by size, about 13 KB; clients page until `Complete` is 1 either way).
//! Pages walk backwards in time: the next page keeps `MinTime`, sets `MaxTime` to `LastMsgTime`
//! and passes `LastMsgKey`, which name the oldest message returned. Inside a page messages are
//! oldest first, as in Tencent's samples. Recalled messages are included with `MsgFlagBits` 8;
//! messages sent with `SyncOtherMachine: 2` are missing from their sender's view, and messages
//! cleared by `recentcontact/delete` with `ClearRamble` from the clearer's. `IsPeerRead` is 0:
//! opentim has no clients to send read receipts.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{msg_key, require_imported, required, two_accounts};
use crate::api::Ctx;
use crate::error::ApiError;
use crate::store::{C2cMessageRow, RoamQuery};

/// Most messages in one page.
pub const MAX_PAGE: i64 = 100;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "Operator_Account", alias = "From_Account")]
    operator_account: Option<String>,
    #[serde(rename = "Peer_Account", alias = "To_Account")]
    peer_account: Option<String>,
    #[serde(rename = "MaxCnt")]
    max_cnt: Option<i64>,
    #[serde(rename = "MinTime")]
    min_time: Option<i64>,
    #[serde(rename = "MaxTime")]
    max_time: Option<i64>,
    #[serde(
        rename = "LastMsgKey",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    last_msg_key: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "Complete")]
    complete: u8,
    #[serde(rename = "MsgCnt")]
    msg_cnt: usize,
    #[serde(rename = "LastMsgTime")]
    last_msg_time: i64,
    #[serde(rename = "LastMsgKey")]
    last_msg_key: String,
    #[serde(rename = "MsgList")]
    msg_list: Vec<Msg>,
}

#[derive(Debug, Serialize)]
struct Msg {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "MsgSeq")]
    msg_seq: u32,
    #[serde(rename = "MsgRandom")]
    msg_random: u32,
    #[serde(rename = "MsgTimeStamp")]
    msg_time_stamp: i64,
    #[serde(rename = "MsgFlagBits")]
    msg_flag_bits: u8,
    #[serde(rename = "IsPeerRead")]
    is_peer_read: u8,
    #[serde(rename = "MsgKey")]
    msg_key: String,
    #[serde(rename = "MsgBody")]
    msg_body: Value,
    #[serde(rename = "CloudCustomData")]
    cloud_custom_data: String,
}

impl From<C2cMessageRow> for Msg {
    fn from(m: C2cMessageRow) -> Msg {
        Msg {
            from_account: m.from,
            to_account: m.to,
            msg_seq: m.key.seq,
            msg_random: m.key.random,
            msg_time_stamp: m.key.time,
            msg_flag_bits: if m.recalled { 8 } else { 0 },
            is_peer_read: 0,
            msg_key: m.key.to_string(),
            msg_body: serde_json::from_slice(&m.msg_body).unwrap_or(Value::Null),
            cloud_custom_data: m.cloud_custom_data.unwrap_or_default(),
        }
    }
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let (operator, peer) = two_accounts(
        ("Operator_Account", req.operator_account),
        ("Peer_Account", req.peer_account),
    )?;
    let max_cnt = required("MaxCnt", req.max_cnt)?;
    if max_cnt <= 0 {
        return Err(ApiError::field("MaxCnt", "MaxCnt must be positive"));
    }
    let min_time = required("MinTime", req.min_time)?;
    let max_time = required("MaxTime", req.max_time)?;
    if min_time > max_time {
        return Err(ApiError::field(
            "MinTime",
            "MinTime must not be after MaxTime",
        ));
    }
    let before = match req.last_msg_key {
        Some(k) if !k.is_empty() => Some(msg_key(Some(k))?),
        _ => None,
    };
    require_imported(
        ctx,
        &[("Operator_Account", &operator), ("Peer_Account", &peer)],
        None,
    )
    .await?;
    let limit = max_cnt.min(MAX_PAGE);
    let query = RoamQuery {
        operator: operator.into_string(),
        peer: peer.into_string(),
        min_time,
        max_time,
        before,
        limit: limit + 1,
    };
    let mut rows = ctx.store().c2c_history(ctx.sdkappid(), &query).await?;
    let complete = rows.len() as i64 <= limit;
    rows.truncate(limit as usize);
    let (last_msg_time, last_msg_key) = rows
        .last()
        .map_or((0, String::new()), |m| (m.key.time, m.key.to_string()));
    rows.reverse();
    Ok(Response {
        complete: u8::from(complete),
        msg_cnt: rows.len(),
        last_msg_time,
        last_msg_key,
        msg_list: rows.into_iter().map(Msg::from).collect(),
    })
}
