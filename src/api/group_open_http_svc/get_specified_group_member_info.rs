//! `v4/group_open_http_svc/get_specified_group_member_info` — named members of a group
//! (CT 269/112002, TC 64897): Private/Work, Public, ChatRoom/Meeting, Community; AVChatRoom
//! stores no members → 10007. `Member_List_Account` 1–50 (10005 over 50). Members are answered
//! as get_group_member_info answers them, in the order asked, each once; an account that is not
//! a member (or is filtered out by `MemberRoleFilter`) is simply absent from `MemberList`.
//! An empty filter (`[]`, as SDKs send an unset one) is no filter.

use serde::{Deserialize, Serialize};

use super::answers::{MemberContext, MemberList};
use super::get_group_member_info::roles;
use super::{group_id, live_group, user_id};
use crate::api::Ctx;
use crate::error::ApiError;

const MAX_ACCOUNTS: usize = 50;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Member_List_Account")]
    member_list_account: Vec<String>,
    #[serde(rename = "MemberInfoFilter")]
    member_info_filter: Option<Vec<String>>,
    #[serde(rename = "MemberRoleFilter")]
    member_role_filter: Option<Vec<String>>,
    #[serde(rename = "AppDefinedDataFilter_GroupMember")]
    app_defined_data_filter_group_member: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "MemberList")]
    member_list: MemberList,
}

/// An optional list filter: absent or empty means no filter.
fn given(filter: Option<Vec<String>>) -> Option<Vec<String>> {
    filter.filter(|f| !f.is_empty())
}

/// The accounts asked for, checked and each kept once, in their order.
fn accounts(raw: &[String]) -> Result<Vec<String>, ApiError> {
    if raw.is_empty() {
        return Err(ApiError::invalid("Member_List_Account must not be empty"));
    }
    if raw.len() > MAX_ACCOUNTS {
        return Err(ApiError::TooManyItems(format!(
            "Member_List_Account holds {} accounts; at most {MAX_ACCOUNTS}",
            raw.len()
        )));
    }
    let mut ids: Vec<String> = Vec::with_capacity(raw.len());
    for m in raw {
        let id = user_id("Member_List_Account", m)?.into_string();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    let ids = accounts(&req.member_list_account)?;
    let wanted_roles = given(req.member_role_filter)
        .as_deref()
        .map(roles)
        .transpose()?;
    let group = live_group(ctx, &id).await?;
    if !group.group_type.stores_members() {
        return Err(ApiError::NoPermission(
            "AVChatRoom groups do not store their member list".into(),
        ));
    }
    // One read for every account asked for.
    let members = ctx
        .store()
        .memberships(ctx.sdkappid(), id.as_str(), &ids)
        .await?
        .into_iter()
        .flatten()
        .filter(|m| wanted_roles.as_ref().is_none_or(|r| r.contains(&m.role)))
        .collect();
    Ok(Response {
        group_id: id.to_string(),
        member_list: MemberList {
            group: MemberContext::of(&group),
            members,
            filter: given(req.member_info_filter),
            data_keys: given(req.app_defined_data_filter_group_member),
        },
    })
}
