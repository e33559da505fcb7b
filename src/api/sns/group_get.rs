//! `v4/sns/group_get` — an account's friend lists with their friend counts (CT 269/10108).
//!
//! Without `GroupName`: every list, or none when `LastSequence` is the current sequence (nothing
//! changed since); with it, those lists. `NeedFriend: "Need_Friend_Type_Yes"` also lists each
//! list's friends. Reading lists looks at the account's friends (at most 3,000).

use serde::{Deserialize, Serialize};

use super::owner;
use crate::api::Ctx;
use crate::api::fields::required;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "LastSequence")]
    last_sequence: Option<i64>,
    #[serde(rename = "NeedFriend")]
    need_friend: Option<String>,
    #[serde(rename = "GroupName")]
    group_name: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "ResultItem")]
    result_item: Vec<List>,
    #[serde(rename = "CurrentSequence")]
    current_sequence: i64,
    #[serde(rename = "ErrorDisplay")]
    error_display: &'static str,
}

#[derive(Debug, Serialize)]
struct List {
    #[serde(rename = "GroupName")]
    group_name: String,
    #[serde(rename = "FriendNumber")]
    friend_number: usize,
    #[serde(rename = "To_Account", skip_serializing_if = "Option::is_none")]
    to_account: Option<Vec<String>>,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let owner = owner(ctx, req.from_account).await?;
    let last = required("LastSequence", req.last_sequence)?;
    let need_friend = match req.need_friend.as_deref() {
        None | Some("") => false,
        Some("Need_Friend_Type_Yes") => true,
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "NeedFriend {other:?} must be Need_Friend_Type_Yes"
            )));
        }
    };
    let (current_sequence, lists) = ctx.store().lists(ctx.sdkappid(), owner.as_str()).await?;
    let wanted = req.group_name.filter(|names| !names.is_empty());
    let unchanged = wanted.is_none() && last == current_sequence;
    let result_item = lists
        .into_iter()
        .filter(|(name, _)| !unchanged && wanted.as_ref().is_none_or(|w| w.contains(name)))
        .map(|(group_name, friends)| List {
            group_name,
            friend_number: friends.len(),
            to_account: need_friend.then_some(friends),
        })
        .collect();
    Ok(Response {
        result_item,
        current_sequence,
        error_display: "",
    })
}
