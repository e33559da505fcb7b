//! `v4/group_open_http_svc/create_group` — create a group of any of the five types (CT 269/1615).
//! Ids are generated as `@TGS#…` unless a custom `GroupId` is given (Community ids start
//! `@TGS#_`). The owner and `MemberList` (≤ 100; not allowed for AVChatRoom) join at once.

use serde::{Deserialize, Serialize};

use super::new_group::{BaseFields, CheckedBase, store_new_group};
use super::{new_member, user_id};
use crate::api::Ctx;
use crate::domain::group::{self, GroupType, KeyValue, Role};
use crate::domain::ids::UserId;
use crate::domain::member::{MAX_MEMBER_KEYS, MAX_MEMBER_VALUE_BYTES, requested_role};
use crate::error::ApiError;
use crate::store::{MemberProfile, NewMember};

/// Most members a create call may list.
const MAX_MEMBER_LIST: usize = 100;

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

/// A creation, checked: the group and its first members.
struct Create {
    base: CheckedBase,
    /// The owner first (when there is one), then the listed members, each once.
    members: Vec<Joiner>,
}

/// One first member, checked.
struct Joiner {
    id: UserId,
    role: Role,
    data: Vec<KeyValue>,
}

impl Request {
    fn parse(self) -> Result<Create, ApiError> {
        let base = self.base.check()?;
        let t = base.group_type;
        let list = self.member_list.unwrap_or_default();
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
        let mut members: Vec<Joiner> = base
            .owner
            .iter()
            .map(|o| Joiner {
                id: o.clone(),
                role: Role::Owner,
                data: Vec::new(),
            })
            .collect();
        for item in list {
            // Every item is checked, even one that repeats an account already listed.
            let joiner = item.parse(t)?;
            if !members.iter().any(|m| m.id == joiner.id) {
                members.push(joiner);
            }
        }
        if members.len() as i64 > base.max_member_num {
            return Err(ApiError::GroupFull(
                "the new group (its members exceed MaxMemberCount)".into(),
            ));
        }
        Ok(Create { base, members })
    }
}

impl MemberItem {
    fn parse(self, t: GroupType) -> Result<Joiner, ApiError> {
        let id = user_id("Member_Account", &self.member_account)?;
        let data = self.app_member_defined_data.unwrap_or_default();
        group::check_custom_data(
            "AppMemberDefinedData",
            &data,
            MAX_MEMBER_KEYS,
            MAX_MEMBER_VALUE_BYTES,
        )
        .map_err(ApiError::InvalidParam)?;
        let role = requested_role(self.role.as_deref(), t).map_err(ApiError::InvalidParam)?;
        Ok(Joiner { id, role, data })
    }
}

impl Joiner {
    fn into_new_member(self, ctx: &Ctx, now: i64) -> NewMember {
        NewMember {
            profile: MemberProfile {
                name_card: String::new(),
                app_member_defined_data: self.data,
            },
            ..new_member(ctx, self.id.into_string(), self.role, now)
        }
    }
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let create = req.parse()?;
    let now = ctx.now();
    let members: Vec<NewMember> = create
        .members
        .into_iter()
        .map(|j| j.into_new_member(ctx, now))
        .collect();
    // The store checks the accounts (10019) inside the transaction that creates the group.
    let t = create.base.group_type;
    let (group, custom) = create.base.into_new_group(now, members);
    let group_id = store_new_group(ctx, group, custom).await?;
    Ok(Response {
        group_id,
        group_type: t.as_str(),
    })
}
