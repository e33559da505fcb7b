//! `v4/im_open_login_svc/account_check` — which of up to 100 accounts are imported (CT 269/38417).

use serde::{Deserialize, Serialize};

use super::{UserItem, check_batch};
use crate::api::Ctx;
use crate::domain::ids::UserId;
use crate::error::{ApiError, ItemError};

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "CheckItem")]
    check_item: Vec<UserItem>,
}

#[derive(Debug, Serialize)]
pub struct ResultItem {
    #[serde(rename = "UserID")]
    user_id: String,
    #[serde(rename = "ResultCode")]
    result_code: i64,
    #[serde(rename = "ResultInfo")]
    result_info: String,
    #[serde(rename = "AccountStatus")]
    account_status: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "ResultItem")]
    result_item: Vec<ResultItem>,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    check_batch("CheckItem", req.check_item.len())?;
    let ids: Vec<String> = req.check_item.into_iter().map(|i| i.user_id).collect();
    let exists = ctx.store().accounts_exist(ctx.sdkappid(), &ids).await?;
    let result_item = ids
        .into_iter()
        .zip(exists)
        .map(|(user_id, exists)| {
            let (result_code, result_info) = match UserId::parse(&user_id) {
                Ok(_) => (0, String::new()),
                Err(e) => (ItemError::InvalidUserId.code(), format!("UserID {e}")),
            };
            ResultItem {
                user_id,
                result_code,
                result_info,
                account_status: if exists { "Imported" } else { "NotImported" },
            }
        })
        .collect();
    Ok(Response { result_item })
}
