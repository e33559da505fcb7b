//! `v4/group_open_http_svc/ban_group_member` — ban accounts from a group for `Duration`
//! seconds (CT 269/79249, all five types on the live page). A banned member leaves the group
//! (as delete_group_member removes it) and cannot be added or imported again until the ban ends
//! (`Result` 0). AVChatRoom stores no members: the ban is only recorded. At most 20 accounts
//! (10005). Non-members, even accounts never imported, may be banned: a ban also keeps an
//! account from joining. `Duration` 0 → 10004 (unban_group_member lifts a ban). Banning again
//! replaces the end time. The owner can be banned only where it may leave (Private, which is then
//! ownerless); elsewhere → 10009, as delete_group_member answers, judged inside the ban's
//! transaction on the locked group (an ownership transfer racing the ban cannot slip past it).

use serde::{Deserialize, Serialize};

use super::{group_id, user_id};
use crate::api::Ctx;
use crate::domain::group::check_len;
use crate::error::ApiError;

pub const MAX_ACCOUNTS: usize = 20;
const MAX_DESCRIPTION: usize = 1000;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Members_Account")]
    members_account: Vec<String>,
    #[serde(rename = "Duration")]
    duration: u32,
    #[serde(rename = "Description")]
    description: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Response {}

/// `Members_Account` of ban and unban: 1–20 well-formed UserIDs, each kept once.
pub fn accounts(raw: &[String]) -> Result<Vec<String>, ApiError> {
    if raw.is_empty() {
        return Err(ApiError::invalid("Members_Account must not be empty"));
    }
    if raw.len() > MAX_ACCOUNTS {
        return Err(ApiError::TooManyItems(format!(
            "Members_Account holds {} accounts; at most {MAX_ACCOUNTS}",
            raw.len()
        )));
    }
    let mut ids: Vec<String> = Vec::with_capacity(raw.len());
    for m in raw {
        let id = user_id("Members_Account", m)?.into_string();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    let ids = accounts(&req.members_account)?;
    if req.duration == 0 {
        return Err(ApiError::invalid(
            "Duration must be at least 1 second; use unban_group_member to lift a ban",
        ));
    }
    // Shown to the banned clients by Tencent; opentim has none, so it is only checked.
    check_len("Description", req.description.as_deref(), MAX_DESCRIPTION)
        .map_err(ApiError::InvalidParam)?;
    // The store reads the group (10010) and judges the owner rule (10009) on it, locked:
    // the owner then is the one a concurrent change_group_owner leaves.
    let until = ctx.now() + i64::from(req.duration);
    ctx.store()
        .ban(ctx.sdkappid(), id.as_str(), &ids, until)
        .await?;
    Ok(Response {})
}
