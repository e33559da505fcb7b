//! `v4/group_open_http_svc/get_group_ban_member` — a page of a group's running bans
//! (CT 269/79248 and 269/89989; all five types), ordered by the end of the ban (then account).
//! `Offset` 0 first, then the answered `NextOffset` (0 = the list is complete); `Limit` ≤ 100,
//! absent or 0 = 100. `NextOffset` is a position in that order: a ban that ends while a client
//! pages moves the later ones forward by one.

use serde::{Deserialize, Serialize};

use super::group_id;
use crate::api::Ctx;
use crate::error::ApiError;

const MAX_LIMIT: u32 = 100;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Offset")]
    offset: u32,
    #[serde(rename = "Limit")]
    limit: Option<u32>,
}

#[derive(Debug, Serialize)]
pub struct Banned {
    #[serde(rename = "Member_Account")]
    member_account: String,
    #[serde(rename = "BannedUntil")]
    banned_until: i64,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "BannedAccountList")]
    banned_account_list: Vec<Banned>,
    #[serde(rename = "NextOffset")]
    next_offset: i64,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    // SDKs send 0 for an unset Limit: it means the default, the largest page.
    let limit = match req.limit {
        None | Some(0) => MAX_LIMIT,
        Some(l) if l <= MAX_LIMIT => l,
        Some(_) => {
            return Err(ApiError::invalid(format!(
                "Limit must be at most {MAX_LIMIT}"
            )));
        }
    };
    let offset = i64::from(req.offset);
    let page = ctx
        .store()
        .bans(
            ctx.sdkappid(),
            id.as_str(),
            ctx.now(),
            offset,
            i64::from(limit),
        )
        .await?;
    let next_offset = if page.has_more {
        offset + page.bans.len() as i64
    } else {
        0
    };
    Ok(Response {
        group_id: id.to_string(),
        banned_account_list: page
            .bans
            .into_iter()
            .map(|(member_account, banned_until)| Banned {
                member_account,
                banned_until,
            })
            .collect(),
        next_offset,
    })
}
