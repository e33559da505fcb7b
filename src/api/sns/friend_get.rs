//! `v4/sns/friend_get` — page through an account's friends with their friend data
//! (CT 269/1647).
//!
//! Up to 100 friends a page, in the order they were added. `StartIndex` 0 starts; the answer's
//! `NextStartIndex` continues (it is a position in that order, so a page costs the same at 10
//! or 5,000 friends, and a friend deleted meanwhile makes no one skipped); `CompleteFlag` 1 with
//! `NextStartIndex` 0 ends. `StandardSequence`/`CustomSequence` equal to the answer's leave that
//! class of data out, as Tencent documents. Profile data is not included.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::owner;
use crate::api::Ctx;
use crate::api::fields::required;
use crate::error::ApiError;
use crate::store::FriendData;

/// Most friends on one page.
pub const PAGE_SIZE: i64 = 100;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "StartIndex")]
    start_index: Option<u64>,
    #[serde(rename = "StandardSequence")]
    standard_sequence: Option<i64>,
    #[serde(rename = "CustomSequence")]
    custom_sequence: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "UserDataItem")]
    user_data_item: Vec<UserData>,
    #[serde(rename = "StandardSequence")]
    standard_sequence: i64,
    #[serde(rename = "CustomSequence")]
    custom_sequence: i64,
    #[serde(rename = "FriendNum")]
    friend_num: i64,
    #[serde(rename = "CompleteFlag")]
    complete_flag: u8,
    #[serde(rename = "NextStartIndex")]
    next_start_index: i64,
    #[serde(rename = "ErrorDisplay")]
    error_display: &'static str,
}

#[derive(Debug, Serialize)]
struct UserData {
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "ValueItem")]
    value_item: Vec<TagValue>,
}

#[derive(Debug, Serialize)]
struct TagValue {
    #[serde(rename = "Tag")]
    tag: String,
    #[serde(rename = "Value")]
    value: Value,
}

/// A friend's data as tags: the standard ones (those set) when `standard`, the custom ones
/// when `custom`.
fn tags(f: FriendData, standard: bool, custom: bool) -> UserData {
    let mut value_item = Vec::new();
    let mut push = |tag: &str, value: Value| {
        value_item.push(TagValue {
            tag: tag.to_string(),
            value,
        })
    };
    if standard {
        push("Tag_SNS_IM_AddSource", Value::from(f.add_source));
        if !f.remark.is_empty() {
            push("Tag_SNS_IM_Remark", Value::from(f.remark));
        }
        if !f.groups.is_empty() {
            push("Tag_SNS_IM_Group", Value::from(f.groups));
        }
        if !f.add_wording.is_empty() {
            push("Tag_SNS_IM_AddWording", Value::from(f.add_wording));
        }
        push("Tag_SNS_IM_AddTime", Value::from(f.add_time));
    }
    if custom {
        for (tag, value) in f.custom {
            push(&tag, value);
        }
    }
    UserData {
        to_account: f.friend,
        value_item,
    }
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let owner = owner(ctx, req.from_account).await?;
    let start = required("StartIndex", req.start_index)?;
    let start = i64::try_from(start).map_err(|_| ApiError::invalid("StartIndex is too large"))?;
    let page = ctx
        .store()
        .friend_page(ctx.sdkappid(), owner.as_str(), start, PAGE_SIZE)
        .await?;
    let standard = req.standard_sequence != Some(page.standard_seq);
    let custom = req.custom_sequence != Some(page.custom_seq);
    Ok(Response {
        user_data_item: page
            .friends
            .into_iter()
            .map(|f| tags(f, standard, custom))
            .collect(),
        standard_sequence: page.standard_seq,
        custom_sequence: page.custom_seq,
        friend_num: page.friend_num,
        complete_flag: u8::from(page.next.is_none()),
        next_start_index: page.next.unwrap_or(0),
        error_display: "",
    })
}
