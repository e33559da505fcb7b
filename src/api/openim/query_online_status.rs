//! `v4/openim/query_online_status` — accounts' online status (CT 269/2566, TC 1047/35477).
//!
//! opentim has no client connections, so every imported account is `Offline` (with no
//! `Detail`, as Tencent answers an offline account even when `IsNeedDetail` is 1). Accounts
//! not imported go to `ErrorList` (70107). The state is written both as `State` (Tencent's
//! samples) and `Status` (the name one SDK reads). At most 500 accounts (90011).

use serde::{Deserialize, Serialize};

use super::{flag, imported, required};
use crate::api::Ctx;
use crate::domain::c2c::MAX_BATCH_RECIPIENTS;
use crate::error::{ApiError, ItemError};

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "To_Account")]
    to_account: Option<Vec<String>>,
    #[serde(rename = "IsNeedDetail")]
    is_need_detail: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "QueryResult")]
    query_result: Vec<State>,
    #[serde(rename = "ErrorList")]
    error_list: Vec<AccountError>,
}

#[derive(Debug, Serialize)]
struct State {
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "State")]
    state: &'static str,
    #[serde(rename = "Status")]
    status: &'static str,
}

#[derive(Debug, Serialize)]
struct AccountError {
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "ErrorCode")]
    error_code: i64,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let ids = required("To_Account", req.to_account)?;
    if ids.is_empty() {
        return Err(ApiError::invalid("To_Account must not be empty"));
    }
    if ids.len() > MAX_BATCH_RECIPIENTS {
        return Err(ApiError::TooManyItems(format!(
            "To_Account lists {} accounts; at most {MAX_BATCH_RECIPIENTS} are allowed",
            ids.len()
        )));
    }
    flag("IsNeedDetail", req.is_need_detail)?;
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let found = imported(ctx, &refs).await?;
    let (online, unknown): (Vec<_>, Vec<_>) = ids.into_iter().zip(found).partition(|(_, ok)| *ok);
    Ok(Response {
        query_result: online
            .into_iter()
            .map(|(to_account, _)| State {
                to_account,
                state: "Offline",
                status: "Offline",
            })
            .collect(),
        error_list: unknown
            .into_iter()
            .map(|(to_account, _)| AccountError {
                to_account,
                error_code: ItemError::AccountNotFound.code(),
            })
            .collect(),
    })
}
