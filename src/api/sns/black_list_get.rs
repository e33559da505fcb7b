//! `v4/sns/black_list_get` — page through an account's blocklist (CT 269/3722).
//!
//! `MaxLimited` accounts a page (at most 1,000), in the order they were blocked. `StartIndex` 0
//! starts; the answer's `StartIndex` continues (a position in that order, so a page costs the
//! same however long the list) and is 0 after the last page. `CurruentSequence` (Tencent's
//! spelling) changes whenever the blocklist does.

use serde::{Deserialize, Serialize};

use super::owner;
use crate::api::Ctx;
use crate::api::fields::required;
use crate::error::ApiError;

/// Most accounts on one page.
pub const MAX_PAGE: u64 = 1000;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "StartIndex")]
    start_index: Option<u64>,
    #[serde(rename = "MaxLimited")]
    max_limited: Option<u64>,
    #[serde(rename = "LastSequence")]
    last_sequence: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "BlackListItem")]
    black_list_item: Vec<Blocked>,
    #[serde(rename = "StartIndex")]
    start_index: i64,
    #[serde(rename = "CurruentSequence")]
    current_sequence: i64,
    #[serde(rename = "ErrorDisplay")]
    error_display: &'static str,
}

#[derive(Debug, Serialize)]
struct Blocked {
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "AddBlackTimeStamp")]
    add_black_time_stamp: i64,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let owner = owner(ctx, req.from_account).await?;
    let start = required("StartIndex", req.start_index)?;
    let limit = required("MaxLimited", req.max_limited)?;
    required("LastSequence", req.last_sequence)?;
    if limit == 0 || limit > MAX_PAGE {
        return Err(ApiError::invalid(format!(
            "MaxLimited must be 1 to {MAX_PAGE}"
        )));
    }
    let start = i64::try_from(start).map_err(|_| ApiError::invalid("StartIndex is too large"))?;
    let page = ctx
        .store()
        .blocked_page(ctx.sdkappid(), owner.as_str(), start, limit as i64)
        .await?;
    Ok(Response {
        black_list_item: page
            .blocked
            .into_iter()
            .map(|(to_account, add_black_time_stamp)| Blocked {
                to_account,
                add_black_time_stamp,
            })
            .collect(),
        start_index: page.next.unwrap_or(0),
        current_sequence: page.sequence,
        error_display: "",
    })
}
