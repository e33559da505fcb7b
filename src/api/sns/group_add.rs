//! `v4/sns/group_add` — create friend lists, optionally putting friends in them (CT 269/10107).
//!
//! Names must be 1–30 bytes; an account has at most 32 lists (30011). Each `To_Account` that is
//! not a friend fails alone with 32216 (Tencent's sample). Answers the lists' new
//! `CurrentSequence`.

use serde::{Deserialize, Serialize};

use super::{ResultItem, fail_accounts, owner};
use crate::api::Ctx;
use crate::api::fields::required;
use crate::domain::friend::{self, MAX_FRIEND_LISTS};
use crate::error::{ApiError, ItemError};

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "GroupName")]
    group_name: Option<Vec<String>>,
    #[serde(
        rename = "To_Account",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    to_account: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "CurrentSequence")]
    current_sequence: i64,
    #[serde(rename = "ResultItem", skip_serializing_if = "Option::is_none")]
    result_item: Option<Vec<ResultItem>>,
    #[serde(rename = "Fail_Account", skip_serializing_if = "Vec::is_empty")]
    fail_account: Vec<String>,
    #[serde(rename = "ErrorDisplay")]
    error_display: &'static str,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let owner = owner(ctx, req.from_account).await?;
    let names = required("GroupName", req.group_name)?;
    if names.is_empty() || names.iter().any(|n| n.contains('\0')) {
        return Err(ApiError::invalid("GroupName must list friend-list names"));
    }
    friend::check_lists(&names).map_err(ApiError::invalid)?;
    let app = ctx.sdkappid();
    let (_, existing) = ctx.store().lists(app, owner.as_str()).await?;
    let new = names
        .iter()
        .filter(|n| !existing.iter().any(|(e, _)| e == *n));
    if existing.len() + new.count() > MAX_FRIEND_LISTS {
        return Err(ApiError::ListLimit(format!(
            "an account has at most {MAX_FRIEND_LISTS} friend lists"
        )));
    }
    let friends = req.to_account.clone().unwrap_or_default();
    let (current_sequence, found) = ctx
        .store()
        .add_lists(app, owner.as_str(), &names, &friends)
        .await?;
    let result_item = req.to_account.map(|_| {
        friends
            .into_iter()
            .zip(found)
            .map(|(id, ok)| {
                if ok {
                    ResultItem::ok(id)
                } else {
                    let info = format!("{id} is not a friend of {}", owner.as_str());
                    ResultItem::failed(id, ItemError::SnsListNotFriend, info)
                }
            })
            .collect::<Vec<_>>()
    });
    Ok(Response {
        current_sequence,
        fail_account: result_item
            .as_deref()
            .map(fail_accounts)
            .unwrap_or_default(),
        result_item,
        error_display: "",
    })
}
