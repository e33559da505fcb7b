//! `v4/group_open_http_svc/get_group_info` — profiles of up to 50 groups (CT 269/1616).
//! Each group carries its own ErrorCode: 10015 for a malformed id, 10010 for a group that does
//! not exist or was destroyed. Without a ResponseFilter every base field and the member list
//! are returned; with one, only what its filters name (GroupBaseInfoFilter absent = all base
//! fields, MemberInfoFilter absent = no member list).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::answers::{MemberContext, MemberList, group_fields};
use super::live_group;
use crate::api::Ctx;
use crate::domain::ids::GroupId;
use crate::error::{ApiError, Family};
use crate::store::{GroupRow, MemberRow, PageStart};

const MAX_GROUPS: usize = 50;

#[derive(Debug, Default, PartialEq, Deserialize)]
pub struct ResponseFilter {
    #[serde(
        rename = "GroupBaseInfoFilter",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    group_base_info_filter: Option<Vec<String>>,
    #[serde(
        rename = "MemberInfoFilter",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    member_info_filter: Option<Vec<String>>,
    #[serde(
        rename = "AppDefinedDataFilter_Group",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    app_defined_data_filter_group: Option<Vec<String>>,
    #[serde(
        rename = "AppDefinedDataFilter_GroupMember",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    app_defined_data_filter_group_member: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupIdList")]
    group_id_list: Vec<String>,
    #[serde(
        rename = "ResponseFilter",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    response_filter: Option<ResponseFilter>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "GroupInfo")]
    group_info: Vec<Map<String, Value>>,
}

/// A query, checked: each id as given with its parse, and what to answer of each group.
struct Query {
    ids: Vec<(String, Result<GroupId, String>)>,
    wanted: Wanted,
}

/// What to answer of each group.
struct Wanted {
    base: Option<Vec<String>>,
    group_data_keys: Option<Vec<String>>,
    member_list: bool,
    /// Absent: every member field.
    member_fields: Option<Vec<String>>,
    member_data_keys: Option<Vec<String>>,
}

impl Request {
    fn parse(self) -> Result<Query, ApiError> {
        if self.group_id_list.is_empty() {
            return Err(ApiError::invalid("GroupIdList must not be empty"));
        }
        if self.group_id_list.len() > MAX_GROUPS {
            return Err(ApiError::invalid(format!(
                "GroupIdList holds more than {MAX_GROUPS} groups"
            )));
        }
        let filtered = self.response_filter.is_some();
        let f = self.response_filter.unwrap_or_default();
        let wanted = Wanted {
            member_list: !filtered || f.member_info_filter.is_some(),
            base: f.group_base_info_filter,
            group_data_keys: f.app_defined_data_filter_group,
            member_fields: f.member_info_filter,
            member_data_keys: f.app_defined_data_filter_group_member,
        };
        let ids = self
            .group_id_list
            .into_iter()
            .map(|raw| {
                let id = GroupId::parse(&raw);
                (raw, id)
            })
            .collect();
        Ok(Query { ids, wanted })
    }
}

fn group_error(id: &str, e: &ApiError) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("GroupId".into(), json!(id));
    m.insert("ErrorCode".into(), json!(e.code(Family::Group)));
    m.insert("ErrorInfo".into(), json!(e.info()));
    m
}

/// One group's answer: its own error (10015, 10010) when it cannot be shown.
async fn one_group(
    ctx: &Ctx,
    raw: &str,
    id: Result<GroupId, String>,
    wanted: &Wanted,
) -> Result<Map<String, Value>, ApiError> {
    let id = match id {
        Ok(id) => id,
        Err(e) => return Ok(group_error(raw, &ApiError::InvalidGroupId(e))),
    };
    // The group and its members in one read: one store call per group.
    let (group, members) = match group_and_members(ctx, &id, wanted).await {
        Ok(found) => found,
        Err(e @ ApiError::GroupNotFound(_)) => return Ok(group_error(raw, &e)),
        Err(e) => return Err(e),
    };
    let mut out = Map::new();
    out.insert("GroupId".into(), json!(group.group_id));
    out.insert("ErrorCode".into(), json!(0));
    out.insert("ErrorInfo".into(), json!(""));
    out.insert("Appid".into(), json!(ctx.sdkappid()));
    out.extend(group_fields(
        &group,
        wanted.base.as_deref(),
        wanted.group_data_keys.as_deref(),
    ));
    if let Some(members) = members {
        let list = MemberList {
            group: MemberContext::of(&group),
            members,
            filter: wanted.member_fields.clone(),
            data_keys: wanted.member_data_keys.clone(),
        };
        out.insert("MemberList".into(), json!(list));
    }
    Ok(out)
}

/// The live group, and its members when the answer lists them (types that store members).
async fn group_and_members(
    ctx: &Ctx,
    id: &GroupId,
    wanted: &Wanted,
) -> Result<(GroupRow, Option<Vec<MemberRow>>), ApiError> {
    if !wanted.member_list {
        return Ok((live_group(ctx, id).await?, None));
    }
    let (group, page) = ctx
        .store()
        .live_group_with_members(
            ctx.sdkappid(),
            id.as_str(),
            None,
            None,
            PageStart::Offset(0),
        )
        .await?;
    let members = group.group_type.stores_members().then_some(page.members);
    Ok((group, members))
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let query = req.parse()?;
    let mut group_info = Vec::with_capacity(query.ids.len());
    for (raw, id) in query.ids {
        group_info.push(one_group(ctx, &raw, id, &query.wanted).await?);
    }
    Ok(Response { group_info })
}
