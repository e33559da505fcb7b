//! `v4/group_open_http_svc/get_group_member_info` — a page of a group's members (CT 269/1617).
//! Paging with Limit/Offset (Limit ≤ 6000; absent = all). Community groups also accept `Next`
//! (a string or number: a cursor, the join serial the page starts at) and answer with `Next`
//! ("" once finished).
//! AVChatRoom does not store members → 10007.

use serde::{Deserialize, Serialize};

use super::answers::{MemberContext, MemberList};
use super::group_id;
use crate::api::Ctx;
use crate::domain::group::{GroupType, Role};
use crate::domain::ids::GroupId;
use crate::error::ApiError;
use crate::store::PageStart;

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
    #[serde(
        rename = "MemberInfoFilter",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    member_info_filter: Option<Vec<String>>,
    #[serde(
        rename = "MemberRoleFilter",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    member_role_filter: Option<Vec<String>>,
    #[serde(
        rename = "AppDefinedDataFilter_GroupMember",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    app_defined_data_filter_group_member: Option<Vec<String>>,
    #[serde(
        rename = "Limit",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
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
    member_list: MemberList,
    #[serde(rename = "Next", skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

/// The join serial a `Next` value holds ("" and 0: the start).
fn cursor(next: &Next) -> Result<i64, ApiError> {
    let serial = match next {
        Next::Number(n) => i64::try_from(*n).ok(),
        Next::Text(s) if s.is_empty() => Some(0),
        Next::Text(s) => s.parse::<i64>().ok().filter(|n| *n >= 0),
    };
    serial.ok_or_else(|| ApiError::invalid("Next must be the value returned by the previous page"))
}

/// A page query, checked.
struct Query {
    group: GroupId,
    roles: Option<Vec<Role>>,
    limit: Option<i64>,
    start: PageStart,
    filter: Option<Vec<String>>,
    data_keys: Option<Vec<String>>,
}

impl Request {
    fn parse(self) -> Result<Query, ApiError> {
        let group = group_id(&self.group_id)?;
        if matches!(self.limit, Some(l) if l > MAX_LIMIT) {
            return Err(ApiError::invalid(format!(
                "Limit must be at most {MAX_LIMIT}"
            )));
        }
        let roles = self.member_role_filter.as_deref().map(roles).transpose()?;
        // `Next` is a cursor: the join serial of the first member of the page ("" or 0: from
        // the start). Unlike an offset it costs nothing however deep the page, and members
        // leaving meanwhile do not make the next page skip anyone.
        let start = match &self.next {
            None => PageStart::Offset(i64::from(self.offset.unwrap_or(0))),
            Some(next) => PageStart::Serial(cursor(next)?),
        };
        Ok(Query {
            group,
            roles,
            limit: self.limit.map(i64::from),
            start,
            filter: self.member_info_filter,
            data_keys: self.app_defined_data_filter_group_member,
        })
    }
}

/// `MemberRoleFilter`: role names; an unknown one is named in the error.
pub(super) fn roles(names: &[String]) -> Result<Vec<Role>, ApiError> {
    names
        .iter()
        .map(|r| {
            Role::parse(r).ok_or_else(|| {
                ApiError::invalid(format!(
                    "MemberRoleFilter value {r:?} is not Owner, Admin or Member"
                ))
            })
        })
        .collect()
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let q = req.parse()?;
    // The group and the page in one read.
    let (group, page) = ctx
        .store()
        .live_group_with_members(
            ctx.sdkappid(),
            q.group.as_str(),
            q.roles.as_deref(),
            q.limit,
            q.start,
        )
        .await?;
    if !group.group_type.stores_members() {
        return Err(ApiError::NoPermission(
            "AVChatRoom groups do not store their member list".into(),
        ));
    }
    // Only Community groups page with a cursor; "" says the last page was reached.
    let next = (group.group_type == GroupType::Community).then(|| {
        if page.has_more {
            page.next_serial.to_string()
        } else {
            String::new()
        }
    });
    let member_list = MemberList {
        group: MemberContext::of(&group),
        members: page.members,
        filter: q.filter,
        data_keys: q.data_keys,
    };
    Ok(Response {
        member_num: group.member_num,
        member_list,
        next,
    })
}
