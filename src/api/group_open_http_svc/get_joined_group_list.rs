//! `v4/group_open_http_svc/get_joined_group_list` — the groups a user belongs to (CT 269/1625).
//!
//! By default AVChatRoom groups (`WithHugeGroups: 1` includes them) and Private groups without
//! any message yet (not activated; `WithNoActiveGroups: 1` includes them) are left out.
//! Without a ResponseFilter each item is just its GroupId. `SelfInfoFilter` accepts the current
//! names (Role, JoinTime, MsgFlag, MsgSeq, …) and the legacy `UnreadMsgNum`, which migrations
//! use to read restored counts back; `NextMsgSeq - 1 - MsgSeq` gives the same number.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::answers::{MemberContext, MemberFields, group_fields, member_fields};
use super::fields::{flag, group_type_filter};
use super::user_id;
use crate::api::Ctx;
use crate::domain::ids::UserId;
use crate::error::ApiError;
use crate::store::{GroupRow, JoinedFilter, MemberRow};

const MAX_LIMIT: u32 = 5000;

#[derive(Debug, Default, PartialEq, Deserialize)]
pub struct ResponseFilter {
    #[serde(
        rename = "GroupBaseInfoFilter",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    group_base_info_filter: Option<Vec<String>>,
    #[serde(
        rename = "SelfInfoFilter",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    self_info_filter: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "Member_Account")]
    member_account: String,
    #[serde(rename = "WithHugeGroups")]
    with_huge_groups: Option<u8>,
    #[serde(rename = "WithNoActiveGroups")]
    with_no_active_groups: Option<u8>,
    #[serde(
        rename = "Limit",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    limit: Option<u32>,
    #[serde(rename = "Offset")]
    offset: Option<u32>,
    // `Type` is the name the Go server SDK (dobyte/tencent-im) sends.
    #[serde(
        rename = "GroupType",
        alias = "Type",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    group_type: Option<String>,
    #[serde(
        rename = "ResponseFilter",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    response_filter: Option<ResponseFilter>,
    #[serde(rename = "SupportTopic")]
    support_topic: Option<u8>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "TotalCount")]
    total_count: i64,
    #[serde(rename = "GroupIdList")]
    group_id_list: Vec<JoinedGroup>,
}

/// One joined group: its id, the base fields asked for, and the member's own fields.
#[derive(Debug, Serialize)]
pub struct JoinedGroup {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(flatten)]
    base: Map<String, Value>,
    #[serde(rename = "SelfInfo", skip_serializing_if = "Option::is_none")]
    self_info: Option<SelfInfo>,
}

/// The member's own fields in one joined group, built from its row while the answer is
/// written (without `Member_Account`: the caller named it).
#[derive(Debug)]
pub struct SelfInfo {
    group: MemberContext,
    member: MemberRow,
    filter: Arc<[String]>,
}

impl Serialize for SelfInfo {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        MemberFields {
            member_account: None,
            ..member_fields(self.group, &self.member, Some(&self.filter), None)
        }
        .serialize(s)
    }
}

/// A query, checked: whose groups, which, which page, and what to answer of each.
struct Query {
    member: UserId,
    filter: JoinedFilter,
    limit: Option<i64>,
    offset: i64,
    base: Option<Vec<String>>,
    self_info: Option<Arc<[String]>>,
}

impl Request {
    fn parse(self) -> Result<Query, ApiError> {
        let member = user_id("Member_Account", &self.member_account)?;
        let group_type = group_type_filter(self.group_type.as_deref())?;
        if matches!(self.limit, Some(l) if l > MAX_LIMIT) {
            return Err(ApiError::invalid(format!(
                "Limit must be at most {MAX_LIMIT}"
            )));
        }
        flag("SupportTopic", self.support_topic)?;
        let filter = JoinedFilter {
            group_type,
            include_av: flag("WithHugeGroups", self.with_huge_groups)?,
            include_inactive: flag("WithNoActiveGroups", self.with_no_active_groups)?,
        };
        let f = self.response_filter.unwrap_or_default();
        Ok(Query {
            member,
            filter,
            limit: self.limit.map(i64::from),
            offset: i64::from(self.offset.unwrap_or(0)),
            base: f.group_base_info_filter,
            self_info: f.self_info_filter.map(Arc::from),
        })
    }
}

impl Query {
    fn answer(&self, g: GroupRow, m: MemberRow) -> JoinedGroup {
        let base = match self.base.as_deref() {
            Some(base) => group_fields(&g, Some(base), None),
            None => Map::new(),
        };
        let self_info = self.self_info.as_ref().map(|filter| SelfInfo {
            group: MemberContext::of(&g),
            member: m,
            filter: Arc::clone(filter),
        });
        JoinedGroup {
            group_id: g.group_id,
            base,
            self_info,
        }
    }
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let q = req.parse()?;
    let (total_count, items) = ctx
        .store()
        .joined_groups(
            ctx.sdkappid(),
            q.member.as_str(),
            q.filter,
            q.limit,
            q.offset,
        )
        .await?;
    Ok(Response {
        total_count,
        group_id_list: items.into_iter().map(|(g, m)| q.answer(g, m)).collect(),
    })
}
