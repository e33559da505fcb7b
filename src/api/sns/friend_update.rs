//! `v4/sns/friend_update` — change friends' remark, friend lists and custom friend tags
//! (CT 269/12525).
//!
//! Only `Tag_SNS_IM_Remark` (a string ≤ 96 bytes), `Tag_SNS_IM_Group` (the friend's lists,
//! replacing them) and `Tag_SNS_Custom_*` can be changed. Per item: not a friend, a bad tag or
//! value → 30001; more than 32 lists → 30011.

use serde::Deserialize;
use serde_json::Value;

use super::{ResultItem, ResultList, owner};
use crate::api::Ctx;
use crate::domain::friend::{self, MAX_FRIEND_LISTS, MAX_REMARK_BYTES};
use crate::error::{ApiError, ItemError};
use crate::store::FriendEdit;

/// Most items in one call.
pub const MAX_ITEMS: usize = 1000;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "UpdateItem")]
    update_item: Option<Vec<Item>>,
}

#[derive(Debug, Deserialize)]
struct Item {
    #[serde(rename = "To_Account")]
    to_account: Option<String>,
    #[serde(rename = "SnsItem")]
    sns_item: Option<Vec<TagValue>>,
}

#[derive(Debug, Deserialize)]
struct TagValue {
    #[serde(rename = "Tag")]
    tag: String,
    #[serde(rename = "Value")]
    value: Value,
}

/// Each item's result.
pub type Response = ResultList;

/// The edit an item asks for, or its error.
fn edit(items: Vec<TagValue>) -> Result<FriendEdit, (ItemError, String)> {
    let bad = |m: String| (ItemError::SnsInvalid, m);
    let mut edit = FriendEdit::default();
    for TagValue { tag, value } in items {
        match (tag.as_str(), value) {
            ("Tag_SNS_IM_Remark", Value::String(s)) if !s.contains('\0') => {
                friend::check_len("Remark", &s, MAX_REMARK_BYTES).map_err(bad)?;
                edit.remark = Some(s);
            }
            ("Tag_SNS_IM_Group", Value::Array(names)) => {
                let names: Vec<String> = names
                    .into_iter()
                    .map(|n| match n {
                        Value::String(s) if !s.contains('\0') => Ok(s),
                        _ => Err(bad("Tag_SNS_IM_Group must list strings".into())),
                    })
                    .collect::<Result<_, _>>()?;
                if names.len() > MAX_FRIEND_LISTS {
                    let m = format!("at most {MAX_FRIEND_LISTS} friend lists");
                    return Err((ItemError::SnsListLimit, m));
                }
                friend::check_lists(&names).map_err(bad)?;
                edit.groups = Some(names);
            }
            (custom, value) if custom.starts_with("Tag_SNS_Custom_") => {
                friend::check_custom(custom, &value).map_err(bad)?;
                edit.custom.insert(tag, value);
            }
            (other, _) => {
                return Err(bad(format!(
                    "{other} cannot be updated, or its value is wrong"
                )));
            }
        }
    }
    Ok(edit)
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let owner = owner(ctx, req.from_account).await?;
    let items = req
        .update_item
        .filter(|i| !i.is_empty() && i.len() <= MAX_ITEMS)
        .ok_or_else(|| {
            ApiError::invalid(format!("UpdateItem must list 1 to {MAX_ITEMS} friends"))
        })?;
    let mut result_item = Vec::with_capacity(items.len());
    for item in items {
        let to = item.to_account.unwrap_or_default();
        let changes = match edit(item.sns_item.unwrap_or_default()) {
            Ok(changes) => changes,
            Err((error, info)) => {
                result_item.push(ResultItem::failed(to, error, info));
                continue;
            }
        };
        let found = ctx
            .store()
            .update_friend(ctx.sdkappid(), owner.as_str(), &to, &changes)
            .await?;
        result_item.push(if found {
            ResultItem::ok(to)
        } else {
            let info = format!("{to} is not a friend of {}", owner.as_str());
            ResultItem::failed(to, ItemError::SnsInvalid, info)
        });
    }
    Ok(result_item.into())
}
