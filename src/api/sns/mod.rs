//! `v4/sns/*`: the relationship chain — friends, blocklists and friend lists.
//!
//! This module holds what the commands share: the owner account, the per-item answer
//! (`ResultItem` with `ResultCode`/`ResultInfo`, and `Fail_Account` listing the failed items).

pub mod black_list_add;
pub mod black_list_check;
pub mod black_list_delete;
pub mod black_list_get;
pub mod friend_add;
pub mod friend_check;
pub mod friend_delete;
pub mod friend_delete_all;
pub mod friend_get;
pub mod friend_get_list;
pub mod friend_import;
pub mod friend_update;
pub mod group_add;
pub mod group_delete;
pub mod group_get;

use serde::Serialize;

use crate::api::Ctx;
use crate::api::fields::{account, imported};
use crate::domain::ids::UserId;
use crate::error::{ApiError, ItemError};

/// The required `From_Account`, imported (30003 otherwise).
pub async fn owner(ctx: &Ctx, raw: Option<String>) -> Result<UserId, ApiError> {
    let id = account("From_Account", raw)?;
    if !imported(ctx, &[id.as_str()]).await?[0] {
        return Err(ApiError::AccountNotFound(id.into_string()));
    }
    Ok(id)
}

/// The other accounts of a batch (1 to `max`), each with its failure when it has one now: not
/// a UserID or the owner itself (30001), not imported (30003).
pub async fn target_accounts(
    ctx: &Ctx,
    owner: &UserId,
    raw: Option<Vec<String>>,
    max: usize,
) -> Result<Vec<(String, Option<ResultItem>)>, ApiError> {
    let to = crate::api::fields::required("To_Account", raw)?;
    if to.is_empty() || to.len() > max {
        return Err(ApiError::invalid(format!(
            "To_Account must list 1 to {max} accounts"
        )));
    }
    let ids: Vec<&str> = to.iter().map(String::as_str).collect();
    let found = imported(ctx, &ids).await?;
    Ok(to
        .into_iter()
        .zip(found)
        .map(|(id, ok)| {
            let failed = if id == owner.as_str() {
                let info = "an account cannot name itself".to_string();
                Some(ResultItem::failed(id.clone(), ItemError::SnsInvalid, info))
            } else if !ok {
                let info = format!("the account {id} is not imported");
                Some(ResultItem::failed(
                    id.clone(),
                    ItemError::SnsAccountNotFound,
                    info,
                ))
            } else {
                None
            };
            (id, failed)
        })
        .collect())
}

/// The accounts of [`target_accounts`] that have not failed, for the store.
pub fn known(targets: &[(String, Option<ResultItem>)]) -> Vec<String> {
    targets
        .iter()
        .filter(|(_, failed)| failed.is_none())
        .map(|(id, _)| id.clone())
        .collect()
}

/// `DeleteType`: whether both directions go (`Delete_Type_Both`); absent, one
/// (`Delete_Type_Single`).
pub fn delete_type(raw: Option<&str>) -> Result<bool, ApiError> {
    match raw {
        None | Some("Delete_Type_Single") => Ok(false),
        Some("Delete_Type_Both") => Ok(true),
        Some(other) => Err(ApiError::invalid(format!(
            "DeleteType {other:?} must be Delete_Type_Single or Delete_Type_Both"
        ))),
    }
}

/// One item of a batch answer.
#[derive(Debug, Serialize)]
pub struct ResultItem {
    #[serde(rename = "To_Account")]
    pub to_account: String,
    #[serde(rename = "ResultCode")]
    pub result_code: i64,
    #[serde(rename = "ResultInfo")]
    pub result_info: String,
}

impl ResultItem {
    pub fn ok(to_account: String) -> ResultItem {
        ResultItem {
            to_account,
            result_code: 0,
            result_info: String::new(),
        }
    }

    pub fn failed(to_account: String, error: ItemError, info: String) -> ResultItem {
        ResultItem {
            to_account,
            result_code: error.code(),
            result_info: info,
        }
    }
}

/// The answer of a batch that reports each item in `ResultItem`, the failed ones also in
/// `Fail_Account` (present only when some item failed).
#[derive(Debug, Serialize)]
pub struct ResultList {
    #[serde(rename = "ResultItem")]
    result_item: Vec<ResultItem>,
    #[serde(rename = "Fail_Account", skip_serializing_if = "Vec::is_empty")]
    fail_account: Vec<String>,
    #[serde(rename = "ErrorDisplay")]
    error_display: &'static str,
}

impl From<Vec<ResultItem>> for ResultList {
    fn from(result_item: Vec<ResultItem>) -> ResultList {
        ResultList {
            fail_account: fail_accounts(&result_item),
            result_item,
            error_display: "",
        }
    }
}

/// The accounts of failed items, for `Fail_Account`.
pub fn fail_accounts(items: &[ResultItem]) -> Vec<String> {
    items
        .iter()
        .filter(|i| i.result_code != 0)
        .map(|i| i.to_account.clone())
        .collect()
}
