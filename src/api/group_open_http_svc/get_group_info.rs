//! `v4/group_open_http_svc/get_group_info` — profiles of up to 50 groups (CT 269/1616).
//! Each group carries its own ErrorCode: 10015 for a malformed id, 10010 for a group that does
//! not exist or was destroyed. Without a ResponseFilter every base field and the member list
//! are returned; with one, only what its filters name (GroupBaseInfoFilter absent = all base
//! fields, MemberInfoFilter absent = no member list).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::answers::{MemberContext, MemberList, group_fields};
use crate::api::Ctx;
use crate::domain::ids::GroupId;
use crate::error::{ApiError, Family};
use crate::store::PageStart;

const MAX_GROUPS: usize = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ResponseFilter {
    #[serde(rename = "GroupBaseInfoFilter")]
    group_base_info_filter: Option<Vec<String>>,
    #[serde(rename = "MemberInfoFilter")]
    member_info_filter: Option<Vec<String>>,
    #[serde(rename = "AppDefinedDataFilter_Group")]
    app_defined_data_filter_group: Option<Vec<String>>,
    #[serde(rename = "AppDefinedDataFilter_GroupMember")]
    app_defined_data_filter_group_member: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupIdList")]
    group_id_list: Vec<String>,
    #[serde(rename = "ResponseFilter")]
    response_filter: Option<ResponseFilter>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "GroupInfo")]
    group_info: Vec<Map<String, Value>>,
}

fn group_error(id: &str, e: &ApiError) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("GroupId".into(), json!(id));
    m.insert("ErrorCode".into(), json!(e.code(Family::Group)));
    m.insert("ErrorInfo".into(), json!(e.info()));
    m
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    if req.group_id_list.is_empty() {
        return Err(ApiError::invalid("GroupIdList must not be empty"));
    }
    if req.group_id_list.len() > MAX_GROUPS {
        return Err(ApiError::invalid(format!(
            "GroupIdList holds more than {MAX_GROUPS} groups"
        )));
    }
    let filtered = req.response_filter.is_some();
    let f = req.response_filter.unwrap_or_default();
    let mut group_info = Vec::with_capacity(req.group_id_list.len());
    for raw in &req.group_id_list {
        let id = match GroupId::parse(raw) {
            Ok(id) => id,
            Err(e) => {
                group_info.push(group_error(raw, &ApiError::InvalidGroupId(e)));
                continue;
            }
        };
        let group = match super::live_group(ctx, &id).await {
            Ok(g) => g,
            Err(e @ ApiError::GroupNotFound(_)) => {
                group_info.push(group_error(raw, &e));
                continue;
            }
            Err(e) => return Err(e),
        };
        let mut out = Map::new();
        out.insert("GroupId".into(), json!(group.group_id));
        out.insert("ErrorCode".into(), json!(0));
        out.insert("ErrorInfo".into(), json!(""));
        out.insert("Appid".into(), json!(ctx.sdkappid()));
        out.extend(group_fields(
            &group,
            f.group_base_info_filter.as_deref(),
            f.app_defined_data_filter_group.as_deref(),
        ));
        let member_filter = f.member_info_filter.as_deref();
        if group.group_type.stores_members() && (!filtered || member_filter.is_some()) {
            let page = ctx
                .store()
                .members(
                    ctx.sdkappid(),
                    &group.group_id,
                    None,
                    None,
                    PageStart::Offset(0),
                )
                .await?;
            let list = MemberList {
                group: MemberContext::of(&group),
                members: page.members,
                filter: member_filter.map(<[String]>::to_vec),
                data_keys: f.app_defined_data_filter_group_member.clone(),
            };
            out.insert("MemberList".into(), json!(list));
        }
        group_info.push(out);
    }
    Ok(Response { group_info })
}
