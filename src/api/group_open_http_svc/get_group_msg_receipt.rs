//! `v4/group_open_http_svc/get_group_msg_receipt` — read and unread counts of messages that
//! asked for read receipts (CT 269/77694, TC 49439).
//!
//! One item per seq asked, in order: `Code` 0 with `ReadNum` (members who reported reading it)
//! and `UnreadNum` (the members when it was sent, its sender left out, less the readers), or
//! `Code` 10062 (and zeros) for a message that takes no receipts. `MsgSeqList` holds 1 to 50
//! seqs (else 10004). AVChatRoom, Community → 10007.

use serde::{Deserialize, Serialize};

use super::group_id;
use super::group_msg_receipt::{SeqItem, seq_list};
use crate::api::Ctx;
use crate::domain::receipt::unread_num;
use crate::error::{ApiError, ItemError};

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "MsgSeqList")]
    msg_seq_list: Vec<SeqItem>,
}

#[derive(Debug, Serialize)]
pub struct Receipt {
    #[serde(rename = "Code")]
    code: i64,
    #[serde(rename = "MsgSeq")]
    msg_seq: i64,
    #[serde(rename = "ReadNum")]
    read_num: i64,
    #[serde(rename = "UnreadNum")]
    unread_num: i64,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "GroupMsgReceiptList")]
    list: Vec<Receipt>,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    let seqs = seq_list(&req.msg_seq_list)?;
    let counts = ctx
        .store()
        .receipt_counts(ctx.sdkappid(), id.as_str(), &seqs)
        .await?;
    let list = seqs
        .into_iter()
        .zip(counts)
        .map(|(msg_seq, c)| match c {
            Some(c) => Receipt {
                code: 0,
                msg_seq,
                read_num: c.read,
                unread_num: unread_num(c.audience, c.read),
            },
            None => Receipt {
                code: ItemError::NoReceipt.code(),
                msg_seq,
                read_num: 0,
                unread_num: 0,
            },
        })
        .collect();
    Ok(Response { list })
}
