//! `v4/sns/*`: the relationship chain — friends: imported, checked, read and deleted.
//!
//! This module holds what the commands share: the owner account, the per-item answer
//! (`ResultItem` with `ResultCode`/`ResultInfo`, and `Fail_Account` listing the failed items).

pub mod friend_check;
pub mod friend_delete;
pub mod friend_delete_all;
pub mod friend_get;
pub mod friend_get_list;
pub mod friend_import;

use serde::Serialize;

use crate::api::Ctx;
use crate::api::openim::{account, imported};
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

/// The accounts of failed items, for `Fail_Account`.
pub fn fail_accounts(items: &[ResultItem]) -> Vec<String> {
    items
        .iter()
        .filter(|i| i.result_code != 0)
        .map(|i| i.to_account.clone())
        .collect()
}
