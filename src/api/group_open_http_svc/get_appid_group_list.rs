//! `v4/group_open_http_svc/get_appid_group_list` — every group of the app, paged with
//! Limit (≤ 10000, default 10000) and Next (0 first; a returned 0 means done) (CT 269/1614).
//! Tencent allows 1 call per second; so does opentim by default (`rate_limits.commands`).

use serde::{Deserialize, Serialize};

use crate::api::Ctx;
use crate::error::ApiError;

const MAX_LIMIT: u32 = 10_000;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(
        rename = "Limit",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    limit: Option<u32>,
    #[serde(rename = "Next")]
    next: Option<u64>,
    // `Type` is the name the Go server SDK (dobyte/tencent-im) sends.
    #[serde(
        rename = "GroupType",
        alias = "Type",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    group_type: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct GroupItem {
    #[serde(rename = "GroupId")]
    group_id: String,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "TotalCount")]
    total_count: i64,
    #[serde(rename = "GroupIdList")]
    group_id_list: Vec<GroupItem>,
    #[serde(rename = "Next")]
    next: u64,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let limit = req.limit.unwrap_or(MAX_LIMIT);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ApiError::invalid(format!(
            "Limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    let group_type = super::fields::group_type_filter(req.group_type.as_deref())?;
    let offset = req.next.unwrap_or(0).min(i64::MAX as u64) as i64;
    let (total_count, ids) = ctx
        .store()
        .group_ids(ctx.sdkappid(), group_type, i64::from(limit), offset)
        .await?;
    let end = offset + ids.len() as i64;
    Ok(Response {
        total_count,
        next: if end < total_count { end as u64 } else { 0 },
        group_id_list: ids
            .into_iter()
            .map(|group_id| GroupItem { group_id })
            .collect(),
    })
}
