//! `v4/im_open_login_svc/account_delete` — delete up to 100 accounts (CT 269/36443).
//! A deleted account also leaves every group it belonged to.

use serde::{Deserialize, Serialize};

use super::{UserItem, check_batch};
use crate::api::Ctx;
use crate::error::{ApiError, ItemError};

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "DeleteItem")]
    delete_item: Vec<UserItem>,
}

#[derive(Debug, Serialize)]
pub struct ResultItem {
    #[serde(rename = "ResultCode")]
    result_code: i64,
    #[serde(rename = "ResultInfo")]
    result_info: &'static str,
    #[serde(rename = "UserID")]
    user_id: String,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "ResultItem")]
    result_item: Vec<ResultItem>,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    check_batch("DeleteItem", req.delete_item.len())?;
    let ids: Vec<String> = req.delete_item.into_iter().map(|i| i.user_id).collect();
    let deleted = ctx.store().delete_accounts(ctx.sdkappid(), &ids).await?;
    let result_item = ids
        .into_iter()
        .zip(deleted)
        .map(|(user_id, deleted)| {
            let (result_code, result_info) = if deleted {
                (0, "")
            } else {
                (
                    ItemError::AccountNotFound.code(),
                    "Err_TLS_PT_Open_Login_Account_Not_Exist",
                )
            };
            ResultItem {
                result_code,
                result_info,
                user_id,
            }
        })
        .collect();
    Ok(Response { result_item })
}
