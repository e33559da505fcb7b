//! `v4/group_open_http_svc/create_group` — create a group of any of the five types (CT 269/1615).
//! Ids are generated as `@TGS#…` unless a custom `GroupId` is given (Community ids start
//! `@TGS#_`). The owner and `MemberList` (≤ 100; not allowed for AVChatRoom) join at once.

use serde::{Deserialize, Serialize};

use super::new_group::{BaseFields, store_new_group};
use super::{needs_account, require_accounts, user_id};
use crate::api::Ctx;
use crate::domain::group::{self, GroupType, KeyValue, Role};
use crate::domain::member::{MAX_MEMBER_KEYS, MAX_MEMBER_VALUE_BYTES, requested_role};
use crate::error::ApiError;
use crate::store::{MemberProfile, NewMember};

/// Most members a create call may list.
const MAX_MEMBER_LIST: usize = 100;

#[derive(Debug, Deserialize)]
pub struct MemberItem {
    #[serde(rename = "Member_Account")]
    member_account: String,
    #[serde(rename = "Role")]
    role: Option<String>,
    #[serde(rename = "AppMemberDefinedData")]
    app_member_defined_data: Option<Vec<KeyValue>>,
}

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(flatten)]
    base: BaseFields,
    #[serde(rename = "MemberList")]
    member_list: Option<Vec<MemberItem>>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Type")]
    group_type: &'static str,
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let base = req.base.check()?;
    let t = base.group_type;
    let list = req.member_list.unwrap_or_default();
    if list.len() > MAX_MEMBER_LIST {
        return Err(ApiError::TooManyItems(format!(
            "MemberList holds {} accounts; at most {MAX_MEMBER_LIST}",
            list.len()
        )));
    }
    if t == GroupType::AVChatRoom && !list.is_empty() {
        return Err(ApiError::NoPermission(
            "AVChatRoom groups cannot be created with a MemberList; members join by applying"
                .into(),
        ));
    }
    let now = ctx.now();
    let mut members = Vec::new();
    if let Some(owner) = &base.owner {
        members.push(NewMember {
            user_id: owner.to_string(),
            needs_account: needs_account(ctx, owner.as_str()),
            role: Role::Owner,
            join_time: now,
            unread: 0,
            profile: MemberProfile::default(),
        });
    }
    for item in list {
        let id = user_id("Member_Account", &item.member_account)?;
        let data = item.app_member_defined_data.unwrap_or_default();
        group::check_custom_data(
            "AppMemberDefinedData",
            &data,
            MAX_MEMBER_KEYS,
            MAX_MEMBER_VALUE_BYTES,
        )
        .map_err(ApiError::InvalidParam)?;
        let role = requested_role(item.role.as_deref(), t).map_err(ApiError::InvalidParam)?;
        if members.iter().any(|m| m.user_id == id.as_str()) {
            continue;
        }
        members.push(NewMember {
            needs_account: needs_account(ctx, id.as_str()),
            user_id: id.into_string(),
            role,
            join_time: now,
            unread: 0,
            profile: MemberProfile {
                name_card: String::new(),
                app_member_defined_data: data,
            },
        });
    }
    if members.len() as i64 > base.max_member_num {
        return Err(ApiError::GroupFull(
            "the new group (its members exceed MaxMemberCount)".into(),
        ));
    }
    let ids: Vec<String> = members.iter().map(|m| m.user_id.clone()).collect();
    require_accounts(ctx, &ids).await?;
    let (group, custom) = base.into_new_group(now, members);
    let group_id = store_new_group(ctx, group, custom).await?;
    Ok(Response {
        group_id,
        group_type: t.as_str(),
    })
}
