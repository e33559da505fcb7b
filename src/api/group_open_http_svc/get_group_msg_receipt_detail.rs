//! `v4/group_open_http_svc/get_group_msg_receipt_detail` — who has read a message that asked
//! for read receipts, or who has not (CT 269/77693, TC 49438).
//!
//! `Filter` 0 lists readers (`ReadList` of `Read_Account`, by account), 1 the members yet to
//! read it (`UnreadList` of `Unread_Account`: members who joined before it, its sender left
//! out, in join order). `Cursor` `""` starts, then the answer's `Cursor`; `Count` up to 200
//! (larger, or the SDK default 0, means 200). The answer has both `IsFinish` and `IsFinished`
//! (Tencent's sample and field table disagree): 1 on the last page, whose `Cursor` is `""`.
//! `MsgSeq` absent or 0 → 10004; a message that takes no receipts → 10062; a cursor this query
//! did not return → 10004. AVChatRoom, Community → 10007.

use serde::{Deserialize, Serialize};

use super::group_id;
use crate::api::Ctx;
use crate::domain::receipt::detail_page_size;
use crate::error::ApiError;
use crate::store::ReceiptList;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "MsgSeq")]
    msg_seq: Option<u64>,
    #[serde(rename = "Filter")]
    filter: u8,
    #[serde(rename = "Cursor")]
    cursor: Option<String>,
    #[serde(rename = "Count")]
    count: Option<u64>,
}

#[derive(Debug, Serialize)]
pub struct ReadItem {
    #[serde(rename = "Read_Account")]
    read_account: String,
}

#[derive(Debug, Serialize)]
pub struct UnreadItem {
    #[serde(rename = "Unread_Account")]
    unread_account: String,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "MsgSeq")]
    msg_seq: i64,
    #[serde(rename = "ReadList", skip_serializing_if = "Option::is_none")]
    read_list: Option<Vec<ReadItem>>,
    #[serde(rename = "UnreadList", skip_serializing_if = "Option::is_none")]
    unread_list: Option<Vec<UnreadItem>>,
    #[serde(rename = "Cursor")]
    cursor: String,
    #[serde(rename = "IsFinish")]
    is_finish: u8,
    #[serde(rename = "IsFinished")]
    is_finished: u8,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    let seq = match req.msg_seq {
        None | Some(0) => return Err(ApiError::invalid("MsgSeq is required")),
        Some(s) => i64::try_from(s).unwrap_or(i64::MAX),
    };
    let list = match req.filter {
        0 => ReceiptList::Read,
        1 => ReceiptList::Unread,
        _ => return Err(ApiError::invalid("Filter must be 0 (read) or 1 (unread)")),
    };
    let limit = detail_page_size(req.count.unwrap_or(0));
    let after = req.cursor.as_deref().filter(|c| !c.is_empty());
    let page = ctx
        .store()
        .receipt_page(ctx.sdkappid(), id.as_str(), seq, list, after, limit)
        .await?
        .ok_or_else(|| {
            ApiError::NoReceipt(format!(
                "message {seq} of group {id} has no read receipt information"
            ))
        })?;
    let finished = u8::from(page.next.is_none());
    let accounts = page.accounts.into_iter();
    let (read_list, unread_list) = match list {
        ReceiptList::Read => (
            Some(
                accounts
                    .map(|read_account| ReadItem { read_account })
                    .collect(),
            ),
            None,
        ),
        ReceiptList::Unread => (
            None,
            Some(
                accounts
                    .map(|unread_account| UnreadItem { unread_account })
                    .collect(),
            ),
        ),
    };
    Ok(Response {
        msg_seq: seq,
        read_list,
        unread_list,
        cursor: page.next.unwrap_or_default(),
        is_finish: finished,
        is_finished: finished,
    })
}
