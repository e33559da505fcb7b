//! `v4/sns/friend_get_list` — chosen friend and profile tags of up to 100 friends
//! (CT 269/8609).
//!
//! `TagList` mixes friend tags (`Tag_SNS_IM_*`, `Tag_SNS_Custom_*`) and profile tags
//! (`Tag_Profile_*`, as portrait_get checks them). Each friend's answer lists the requested tags
//! that have a value, in `TagList`'s order. An account that is not a friend fails alone with
//! 30001 (Tencent's sample), one not imported with 30003.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{ResultItem, owner};
use crate::api::Ctx;
use crate::api::fields::{imported, required};
use crate::domain::profile::check_tag;
use crate::error::{ApiError, ItemError};
use crate::store::FriendData;

/// Most accounts one call may read.
pub const MAX_ACCOUNTS: usize = 100;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "To_Account")]
    to_account: Option<Vec<String>>,
    #[serde(rename = "TagList")]
    tag_list: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "InfoItem")]
    info_item: Vec<Info>,
    #[serde(rename = "Fail_Account", skip_serializing_if = "Vec::is_empty")]
    fail_account: Vec<String>,
    #[serde(rename = "ErrorDisplay")]
    error_display: &'static str,
}

#[derive(Debug, Serialize)]
struct Info {
    #[serde(rename = "SnsProfileItem")]
    sns_profile_item: Vec<TagValue>,
    #[serde(flatten)]
    result: ResultItem,
}

#[derive(Debug, Serialize)]
struct TagValue {
    #[serde(rename = "Tag")]
    tag: String,
    #[serde(rename = "Value")]
    value: Value,
}

/// A friend tag's value, if the friend has one.
fn friend_tag(f: &FriendData, tag: &str) -> Option<Value> {
    match tag {
        "Tag_SNS_IM_AddSource" => Some(Value::from(f.add_source.clone())),
        "Tag_SNS_IM_AddTime" => Some(Value::from(f.add_time)),
        "Tag_SNS_IM_Remark" if !f.remark.is_empty() => Some(Value::from(f.remark.clone())),
        "Tag_SNS_IM_AddWording" if !f.add_wording.is_empty() => {
            Some(Value::from(f.add_wording.clone()))
        }
        "Tag_SNS_IM_Group" if !f.groups.is_empty() => Some(Value::from(f.groups.clone())),
        _ => f.custom.get(tag).cloned(),
    }
}

/// The requested tags that have a value, in `tags`' order: friend tags from the friend's data,
/// profile tags from its stored profile.
fn tag_values(tags: &[String], friend: &FriendData, profile: &[(String, String)]) -> Vec<TagValue> {
    tags.iter()
        .filter_map(|tag| {
            let value = if is_friend_tag(tag) {
                friend_tag(friend, tag)?
            } else {
                let (_, v) = profile.iter().find(|(t, _)| t == tag)?;
                serde_json::from_str(v).ok()?
            };
            Some(TagValue {
                tag: tag.clone(),
                value,
            })
        })
        .collect()
}

fn is_friend_tag(tag: &str) -> bool {
    tag.starts_with("Tag_SNS_IM_") || tag.starts_with("Tag_SNS_Custom_")
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let owner = owner(ctx, req.from_account).await?;
    let to = required("To_Account", req.to_account)?;
    if to.is_empty() || to.len() > MAX_ACCOUNTS {
        return Err(ApiError::invalid(format!(
            "To_Account must list 1 to {MAX_ACCOUNTS} accounts"
        )));
    }
    let tags = required("TagList", req.tag_list)?;
    for tag in tags.iter().filter(|t| !is_friend_tag(t)) {
        check_tag(tag, &ctx.app.profile_custom_tags)
            .map_err(|e| ApiError::invalid(e.to_string()))?;
    }
    let ids: Vec<&str> = to.iter().map(String::as_str).collect();
    let found = imported(ctx, &ids).await?;
    let known: Vec<String> = to
        .iter()
        .zip(&found)
        .filter(|(_, ok)| **ok)
        .map(|(id, _)| id.clone())
        .collect();
    let app = ctx.sdkappid();
    let mut friends = ctx
        .store()
        .friends_of(app, owner.as_str(), &known)
        .await?
        .into_iter();
    // Profiles are read only when a profile tag is asked for.
    let wants_profile = tags.iter().any(|t| !is_friend_tag(t));
    let readers = if wants_profile { &known[..] } else { &[] };
    let mut profiles = ctx.store().profiles(app, readers).await?.into_iter();
    let mut info_item = Vec::with_capacity(to.len());
    for (id, ok) in to.into_iter().zip(found) {
        let (friend, profile) = if ok {
            (
                friends.next().flatten(),
                profiles.next().unwrap_or_default(),
            )
        } else {
            (None, Vec::new())
        };
        let Some(friend) = friend else {
            let (error, info) = if ok {
                (
                    ItemError::SnsInvalid,
                    format!("{id} is not a friend of {}", owner.as_str()),
                )
            } else {
                (
                    ItemError::SnsAccountNotFound,
                    format!("the account {id} is not imported"),
                )
            };
            let result = ResultItem::failed(id, error, info);
            info_item.push(Info {
                sns_profile_item: Vec::new(),
                result,
            });
            continue;
        };
        let sns_profile_item = tag_values(&tags, &friend, &profile);
        info_item.push(Info {
            sns_profile_item,
            result: ResultItem::ok(id),
        });
    }
    let fail_account = info_item
        .iter()
        .filter(|i| i.result.result_code != 0)
        .map(|i| i.result.to_account.clone())
        .collect();
    Ok(Response {
        fail_account,
        info_item,
        error_display: "",
    })
}
