//! `v4/group_open_http_svc/import_group_member` — import members with their join time, role
//! and unread count (CT 269/1636). No callback, no notification. At most 300 per call (10005).
//!
//! Per member `Result`: 1 imported, 2 already a member, 0 failed — a `JoinTime` not after the
//! group's creation or not before now, a malformed or never-imported account. `Role` may only
//! be `Admin` (10004 otherwise). `UnreadMsgNum` is clamped to the group's number of messages;
//! absent means 0. AVChatRoom → 10007; a group that cannot hold them all → 10014.

use serde::{Deserialize, Serialize};

use super::{group_id, live_group, needs_account};
use crate::api::Ctx;
use crate::domain::ids::UserId;
use crate::domain::member::requested_role;
use crate::error::ApiError;
use crate::store::{MemberProfile, MemberResult, MissingAccount, NewMember};

pub const MAX_BATCH: usize = 300;

#[derive(Debug, Deserialize)]
pub struct MemberItem {
    #[serde(rename = "Member_Account")]
    member_account: String,
    #[serde(rename = "Role")]
    role: Option<String>,
    #[serde(rename = "JoinTime")]
    join_time: Option<u32>,
    #[serde(rename = "UnreadMsgNum")]
    unread_msg_num: Option<u32>,
}

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "MemberList")]
    member_list: Vec<MemberItem>,
}

#[derive(Debug, Serialize)]
pub struct ItemResult {
    #[serde(rename = "Member_Account")]
    member_account: String,
    #[serde(rename = "Result")]
    result: u8,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "MemberList")]
    member_list: Vec<ItemResult>,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    if req.member_list.is_empty() {
        return Err(ApiError::invalid("MemberList must not be empty"));
    }
    if req.member_list.len() > MAX_BATCH {
        return Err(ApiError::TooManyItems(format!(
            "MemberList holds {} accounts; at most {MAX_BATCH} per call",
            req.member_list.len()
        )));
    }
    let group = live_group(ctx, &id).await?;
    if !group.group_type.allows_import() {
        return Err(ApiError::NoPermission(
            "members cannot be imported into an AVChatRoom group".into(),
        ));
    }
    let roles = req
        .member_list
        .iter()
        .map(|m| requested_role(m.role.as_deref(), group.group_type))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ApiError::InvalidParam)?;
    let ids: Vec<String> = req
        .member_list
        .iter()
        .map(|m| m.member_account.clone())
        .collect();
    let exists = ctx.store().accounts_exist(ctx.sdkappid(), &ids).await?;
    let now = ctx.now();
    let mut candidates = Vec::new();
    let mut accepted = Vec::with_capacity(ids.len());
    for ((item, role), exists) in req.member_list.iter().zip(roles).zip(exists) {
        // An explicit JoinTime must fall after the group's creation and before now.
        let join_time = item.join_time.map_or(now, i64::from);
        let time_ok = item.join_time.is_none() || (join_time > group.created_at && join_time < now);
        let ok = UserId::parse(&item.member_account).is_ok() && exists && time_ok;
        accepted.push(ok);
        if ok {
            candidates.push(NewMember {
                user_id: item.member_account.clone(),
                needs_account: needs_account(ctx, &item.member_account),
                role,
                join_time,
                unread: i64::from(item.unread_msg_num.unwrap_or(0)),
                profile: MemberProfile::default(),
            });
        }
    }
    let mut results = if candidates.is_empty() {
        Vec::new()
    } else {
        ctx.store()
            .add_members(
                ctx.sdkappid(),
                id.as_str(),
                &candidates,
                MissingAccount::FailItem,
            )
            .await?
    }
    .into_iter();
    let member_list = ids
        .into_iter()
        .zip(accepted)
        .map(|(member_account, ok)| {
            let result = if ok {
                results.next().unwrap_or(MemberResult::Failed)
            } else {
                MemberResult::Failed
            };
            ItemResult {
                member_account,
                result: result as u8,
            }
        })
        .collect();
    Ok(Response { member_list })
}
