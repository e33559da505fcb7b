//! `v4/group_open_http_svc/import_group_member` — import members with their join time, role
//! and unread count (CT 269/1636). No callback, no notification. At most 300 per call (10005).
//!
//! Per member `Result`: 1 imported, 2 already a member, 0 failed — a `JoinTime` not after the
//! group's creation or not before now, a malformed or never-imported account, an account banned
//! now (ban_group_member). `Role` may only
//! be `Admin` (10004 otherwise). `UnreadMsgNum` is clamped to the group's number of messages;
//! absent means 0. AVChatRoom → 10007; a group that cannot hold them all → 10014.

use serde::{Deserialize, Serialize};

use super::{group_id, live_group, new_member};
use crate::api::Ctx;
use crate::domain::group::Role;
use crate::domain::ids::{GroupId, UserId};
use crate::domain::member::{import_join_time, requested_role};
use crate::error::{ApiError, member_result_code};
use crate::store::{GroupRow, MemberResult, MissingAccount, NewMember};

pub const MAX_BATCH: usize = 300;

#[derive(Debug, Deserialize)]
pub struct MemberItem {
    #[serde(rename = "Member_Account")]
    member_account: String,
    #[serde(
        rename = "Role",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    role: Option<String>,
    #[serde(
        rename = "JoinTime",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
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

impl Request {
    /// The group and the batch; each member is judged on its own once the group is known.
    fn parse(self) -> Result<(GroupId, Vec<MemberItem>), ApiError> {
        let id = group_id(&self.group_id)?;
        if self.member_list.is_empty() {
            return Err(ApiError::invalid("MemberList must not be empty"));
        }
        if self.member_list.len() > MAX_BATCH {
            return Err(ApiError::TooManyItems(format!(
                "MemberList holds {} accounts; at most {MAX_BATCH} per call",
                self.member_list.len()
            )));
        }
        Ok((id, self.member_list))
    }
}

impl MemberItem {
    /// The membership to import, or `None` when this member fails: a malformed or
    /// never-imported account, or a JoinTime outside the group's life.
    fn candidate(
        &self,
        ctx: &Ctx,
        group: &GroupRow,
        role: Role,
        exists: bool,
        now: i64,
    ) -> Option<NewMember> {
        let join_time = import_join_time(self.join_time, group.created_at, now)?;
        let valid = UserId::parse(&self.member_account).is_ok() && exists;
        valid.then(|| NewMember {
            unread: i64::from(self.unread_msg_num.unwrap_or(0)),
            ..new_member(ctx, self.member_account.clone(), role, join_time)
        })
    }
}

/// Adds the accepted members (none: no write at all), one result each.
async fn add(
    ctx: &Ctx,
    id: &GroupId,
    members: &[NewMember],
) -> Result<Vec<MemberResult>, ApiError> {
    if members.is_empty() {
        return Ok(Vec::new());
    }
    Ok(ctx
        .store()
        .add_members(
            ctx.sdkappid(),
            id.as_str(),
            members,
            MissingAccount::FailItem,
            ctx.now(),
        )
        .await?)
}

/// One result per member asked for: the store's for accepted members, `Failed` for the rest.
fn answer(ids: Vec<String>, accepted: &[bool], results: Vec<MemberResult>) -> Vec<ItemResult> {
    let mut results = results.into_iter();
    ids.into_iter()
        .zip(accepted)
        .map(|(member_account, ok)| {
            let result = if *ok {
                results.next().unwrap_or(MemberResult::Failed)
            } else {
                MemberResult::Failed
            };
            ItemResult {
                member_account,
                result: member_result_code(result),
            }
        })
        .collect()
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let (id, items) = req.parse()?;
    let group = live_group(ctx, &id).await?;
    if !group.group_type.allows_import() {
        return Err(ApiError::NoPermission(
            "members cannot be imported into an AVChatRoom group".into(),
        ));
    }
    let roles = items
        .iter()
        .map(|m| requested_role(m.role.as_deref(), group.group_type))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ApiError::InvalidParam)?;
    let ids: Vec<String> = items.iter().map(|m| m.member_account.clone()).collect();
    let exists = ctx.store().accounts_exist(ctx.sdkappid(), &ids).await?;
    let now = ctx.now();
    let candidates: Vec<Option<NewMember>> = items
        .iter()
        .zip(roles)
        .zip(exists)
        .map(|((item, role), exists)| item.candidate(ctx, &group, role, exists, now))
        .collect();
    let accepted: Vec<bool> = candidates.iter().map(Option::is_some).collect();
    let members: Vec<NewMember> = candidates.into_iter().flatten().collect();
    let results = add(ctx, &id, &members).await?;
    Ok(Response {
        member_list: answer(ids, &accepted, results),
    })
}
