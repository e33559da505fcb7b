//! What the group attribute commands share: the `GroupAttr` items (lower-case `key` /
//! `value`, unlike the `Key` / `Value` of group custom data and counters), read into checked
//! keys and values, and the write every one of them ends with.

use serde::Deserialize;

use crate::api::Ctx;
use crate::api::fields::required;
use crate::domain::group_attr::{self, AttrEdit};
use crate::domain::ids::GroupId;
use crate::error::ApiError;

/// The request of set, modify and delete_group_attr: a group and its `GroupAttr` items.
#[derive(Debug, Deserialize)]
pub struct AttrRequest {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "GroupAttr")]
    pub group_attr: Option<Vec<AttrItem>>,
}

/// One item of `GroupAttr`. `value` is required by set and modify, ignored by delete.
#[derive(Debug, Deserialize)]
pub struct AttrItem {
    key: String,
    value: Option<String>,
}

/// The keys and values of set/modify_group_attr. `GroupAttr` is required; `[]` is a value (an
/// empty set of attributes), not "not given".
pub fn pairs(items: Option<Vec<AttrItem>>) -> Result<Vec<(String, String)>, ApiError> {
    required("GroupAttr", items)?
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let value = item
                .value
                .ok_or_else(|| ApiError::invalid(format!("GroupAttr[{i}].value is required")))?;
            group_attr::attr(&item.key, &value)?;
            Ok((item.key, value))
        })
        .collect()
}

/// The keys of delete_group_attr (`GroupAttr` required).
pub fn keys(items: Option<Vec<AttrItem>>) -> Result<Vec<String>, ApiError> {
    required("GroupAttr", items)?
        .into_iter()
        .map(|item| {
            group_attr::attr_key(&item.key)?;
            Ok(item.key)
        })
        .collect()
}

/// Applies `edit` to the attributes of the group `id`.
pub async fn write(ctx: &Ctx, id: &GroupId, edit: AttrEdit) -> Result<(), ApiError> {
    ctx.store()
        .edit_group_attrs(ctx.sdkappid(), id.as_str(), &edit)
        .await?;
    Ok(())
}
