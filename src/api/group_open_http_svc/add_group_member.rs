//! `v4/group_open_http_svc/add_group_member` — add up to 300 members (CT 269/1621).
//! Per member `Result`: 1 added, 2 already a member, 0 banned (ban_group_member) until a later
//! time. Accounts that are not imported → 10019;
//! a group that cannot hold them all → 10014; AVChatRoom (join by applying only) → 10007.
//! New members start with no unread messages.

use serde::{Deserialize, Serialize};

use super::fields::flag;
use super::{group_id, new_member, user_id};
use crate::api::Ctx;
use crate::domain::group::Role;
use crate::domain::ids::GroupId;
use crate::error::{ApiError, member_result_code};
use crate::store::{MissingAccount, NewMember};

const MAX_MEMBERS: usize = 300;

#[derive(Debug, Deserialize)]
pub struct MemberItem {
    #[serde(rename = "Member_Account")]
    member_account: String,
}

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Silence")]
    silence: Option<u8>,
    #[serde(rename = "MemberList")]
    member_list: Vec<MemberItem>,
}

#[derive(Debug, Serialize)]
pub struct MemberResult {
    #[serde(rename = "Member_Account")]
    member_account: String,
    #[serde(rename = "Result")]
    result: u8,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "MemberList")]
    member_list: Vec<MemberResult>,
}

impl Request {
    fn parse(self) -> Result<(GroupId, Vec<String>), ApiError> {
        let id = group_id(&self.group_id)?;
        flag("Silence", self.silence)?;
        if self.member_list.is_empty() {
            return Err(ApiError::invalid("MemberList must not be empty"));
        }
        if self.member_list.len() > MAX_MEMBERS {
            return Err(ApiError::TooManyItems(format!(
                "MemberList holds {} accounts; at most {MAX_MEMBERS}",
                self.member_list.len()
            )));
        }
        let ids = self
            .member_list
            .iter()
            .map(|m| user_id("Member_Account", &m.member_account).map(|u| u.into_string()))
            .collect::<Result<Vec<String>, ApiError>>()?;
        Ok((id, ids))
    }
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let (id, ids) = req.parse()?;
    // One store call: it checks the group, its type and the accounts, in that order.
    let now = ctx.now();
    let members: Vec<NewMember> = ids
        .iter()
        .map(|id| new_member(ctx, id.clone(), Role::Member, now))
        .collect();
    let results = ctx
        .store()
        .add_members(
            ctx.sdkappid(),
            id.as_str(),
            &members,
            MissingAccount::FailCall,
            now,
        )
        .await?;
    let member_list = ids
        .into_iter()
        .zip(results)
        .map(|(member_account, r)| MemberResult {
            member_account,
            result: member_result_code(r),
        })
        .collect();
    Ok(Response { member_list })
}
