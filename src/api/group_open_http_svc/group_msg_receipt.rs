//! `v4/group_open_http_svc/group_msg_receipt` — a member reports reading messages that asked
//! for read receipts (CT 269/107478).
//!
//! `From_Account` must be a member (10007); `MsgSeqList` holds 1 to 50 seqs (else 10004). When
//! any of them takes no receipts (sent without `NeedReadReceipt: 1`, in a group over 200
//! members, or no such message) the call fails with 10062 and records nothing. A receipt from
//! the message's own sender, or from a member who joined after it, is accepted and not counted;
//! a repeated receipt changes nothing. Only Work/Private, Public and Meeting/ChatRoom groups
//! keep receipts (AVChatRoom, Community → 10007).

use serde::{Deserialize, Serialize};

use super::{group_id, user_id};
use crate::api::Ctx;
use crate::domain::receipt::MAX_RECEIPT_SEQS;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct SeqItem {
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
}

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "MsgSeqList")]
    msg_seq_list: Vec<SeqItem>,
}

#[derive(Debug, Serialize)]
pub struct Response {}

/// The seqs of a `MsgSeqList`: 1 to 50 of them, none 0.
pub fn seq_list(items: &[SeqItem]) -> Result<Vec<i64>, ApiError> {
    if items.is_empty() || items.len() > MAX_RECEIPT_SEQS {
        return Err(ApiError::invalid(format!(
            "MsgSeqList must hold 1 to {MAX_RECEIPT_SEQS} seqs"
        )));
    }
    items
        .iter()
        .map(|i| match i.msg_seq {
            0 => Err(ApiError::invalid(
                "MsgSeq must be a message's seq (1 or more)",
            )),
            s => Ok(i64::try_from(s).unwrap_or(i64::MAX)),
        })
        .collect()
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    let reader = user_id("From_Account", &req.from_account)?;
    let mut seqs = seq_list(&req.msg_seq_list)?;
    seqs.sort_unstable();
    seqs.dedup();
    let missing = ctx
        .store()
        .add_receipts(ctx.sdkappid(), id.as_str(), reader.as_str(), &seqs)
        .await?;
    if let Some(seq) = missing.first() {
        return Err(ApiError::NoReceipt(format!(
            "message {seq} of group {id} has no read receipt information"
        )));
    }
    Ok(Response {})
}
