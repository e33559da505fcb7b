//! `v4/group_open_http_svc/get_group_member_info` — a page of a group's members (CT 269/1617).
//! Paging with Limit/Offset (Limit ≤ 6000; absent = all). Community groups also accept `Next`
//! (a string or number holding the offset) and answer with `Next` ("" once finished).
//! AVChatRoom does not store members → 10007.

use serde::{Deserialize, Serialize};

use super::{MemberFields, group_id, member_fields};
use crate::api::Ctx;
use crate::domain::group::{GroupType, Role};
use crate::error::ApiError;

const MAX_LIMIT: u32 = 6000;

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Next {
    Number(u64),
    Text(String),
}

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "MemberInfoFilter")]
    member_info_filter: Option<Vec<String>>,
    #[serde(rename = "MemberRoleFilter")]
    member_role_filter: Option<Vec<String>>,
    #[serde(rename = "AppDefinedDataFilter_GroupMember")]
    app_defined_data_filter_group_member: Option<Vec<String>>,
    #[serde(rename = "Limit")]
    limit: Option<u32>,
    #[serde(rename = "Offset")]
    offset: Option<u32>,
    #[serde(rename = "Next")]
    next: Option<Next>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "MemberNum")]
    member_num: i64,
    #[serde(rename = "MemberList")]
    member_list: Vec<MemberFields>,
    #[serde(rename = "Next", skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    if matches!(req.limit, Some(l) if l > MAX_LIMIT) {
        return Err(ApiError::invalid(format!(
            "Limit must be at most {MAX_LIMIT}"
        )));
    }
    let roles = req
        .member_role_filter
        .as_deref()
        .map(|names| {
            names
                .iter()
                .map(|r| {
                    Role::parse(r).ok_or_else(|| {
                        ApiError::invalid(format!(
                            "MemberRoleFilter value {r:?} is not Owner, Admin or Member"
                        ))
                    })
                })
                .collect::<Result<Vec<Role>, ApiError>>()
        })
        .transpose()?;
    let next_offset = match &req.next {
        None => None,
        Some(Next::Number(n)) => Some(*n),
        Some(Next::Text(s)) if s.is_empty() => Some(0),
        Some(Next::Text(s)) => Some(s.parse::<u64>().map_err(|_| {
            ApiError::invalid("Next must be the value returned by the previous page")
        })?),
    };
    let offset = next_offset.unwrap_or(u64::from(req.offset.unwrap_or(0))) as i64;
    let limit = req.limit.map(i64::from);
    // The group and the page in one read.
    let (group, page) = ctx
        .store()
        .live_group_with_members(ctx.sdkappid(), id.as_str(), roles.as_deref(), limit, offset)
        .await?;
    if !group.group_type.stores_members() {
        return Err(ApiError::NoPermission(
            "AVChatRoom groups do not store their member list".into(),
        ));
    }
    let returned = page.members.len() as i64;
    let has_more = page.has_more;
    let member_list = page
        .members
        .into_iter()
        .map(|m| {
            member_fields(
                &group,
                m,
                req.member_info_filter.as_deref(),
                req.app_defined_data_filter_group_member.as_deref(),
            )
        })
        .collect();
    let next = (group.group_type == GroupType::Community).then(|| {
        if has_more {
            (offset + returned).to_string()
        } else {
            String::new()
        }
    });
    Ok(Response {
        member_num: group.member_num,
        member_list,
        next,
    })
}
