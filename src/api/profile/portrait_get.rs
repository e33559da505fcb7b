//! `v4/profile/portrait_get` — read tags of up to 100 accounts' profiles (CT 269/1639).
//!
//! Each account's answer lists the requested tags that have a value, in `TagList`'s order
//! (Tencent's samples show no tag that was never set). An account that is not imported fails
//! alone: its item has `ResultCode` 40003 and it is listed in `Fail_Account`. A tag that does
//! not exist (not standard, not declared by the app) fails the call with 40009.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::Ctx;
use crate::api::fields::imported;
use crate::domain::ids::UserId;
use crate::domain::profile::check_tag;
use crate::error::{ApiError, ItemError};

/// Most accounts one call may read.
pub const MAX_ACCOUNTS: usize = 100;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "To_Account")]
    to_account: Option<Vec<String>>,
    #[serde(rename = "TagList")]
    tag_list: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "UserProfileItem")]
    user_profile_item: Vec<UserProfile>,
    #[serde(rename = "Fail_Account", skip_serializing_if = "Vec::is_empty")]
    fail_account: Vec<String>,
    #[serde(rename = "ErrorDisplay")]
    error_display: &'static str,
}

#[derive(Debug, Serialize)]
struct UserProfile {
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "ProfileItem")]
    profile_item: Vec<Item>,
    #[serde(rename = "ResultCode")]
    result_code: i64,
    #[serde(rename = "ResultInfo")]
    result_info: String,
}

#[derive(Debug, Serialize)]
struct Item {
    #[serde(rename = "Tag")]
    tag: String,
    #[serde(rename = "Value")]
    value: Value,
}

/// The accounts and tags asked for, checked.
fn parse(req: Request, custom: &[String]) -> Result<(Vec<String>, Vec<String>), ApiError> {
    let accounts = req
        .to_account
        .filter(|a| !a.is_empty())
        .ok_or_else(|| ApiError::invalid("To_Account must list at least one account"))?;
    if accounts.len() > MAX_ACCOUNTS {
        return Err(ApiError::TooManyItems(format!(
            "To_Account lists {} accounts; at most {MAX_ACCOUNTS} per call",
            accounts.len()
        )));
    }
    let tags = req
        .tag_list
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::invalid("TagList must list at least one tag"))?;
    for tag in &tags {
        check_tag(tag, custom)?;
    }
    Ok((accounts, tags))
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let (accounts, tags) = parse(req, &ctx.app.profile_custom_tags)?;
    let ids: Vec<&str> = accounts.iter().map(String::as_str).collect();
    let mut found = imported(ctx, &ids).await?;
    // A malformed UserID names no account.
    for (ok, id) in found.iter_mut().zip(&accounts) {
        *ok = *ok && UserId::parse(id).is_ok();
    }
    let known: Vec<String> = accounts
        .iter()
        .zip(&found)
        .filter(|(_, ok)| **ok)
        .map(|(id, _)| id.clone())
        .collect();
    let mut profiles = ctx
        .store()
        .profiles(ctx.sdkappid(), &known)
        .await?
        .into_iter();
    let mut res = Response {
        user_profile_item: Vec::with_capacity(accounts.len()),
        fail_account: Vec::new(),
        error_display: "",
    };
    for (id, ok) in accounts.into_iter().zip(found) {
        if !ok {
            res.user_profile_item.push(UserProfile {
                result_code: ItemError::ProfileAccountNotFound.code(),
                result_info: format!("the account {id} is not imported"),
                to_account: id.clone(),
                profile_item: Vec::new(),
            });
            res.fail_account.push(id);
            continue;
        }
        let stored = profiles.next().unwrap_or_default();
        let profile_item = tags
            .iter()
            .filter_map(|tag| {
                let (_, value) = stored.iter().find(|(t, _)| t == tag)?;
                let value = serde_json::from_str(value).ok()?;
                Some(Item {
                    tag: tag.clone(),
                    value,
                })
            })
            .collect();
        res.user_profile_item.push(UserProfile {
            to_account: id,
            profile_item,
            result_code: 0,
            result_info: String::new(),
        });
    }
    Ok(res)
}
