//! What create_group and import_group share: the base fields of a new group, checked, and
//! storing the group under a free id.

use serde::Deserialize;

use super::fields::flag;
use super::user_id;
use crate::api::Ctx;
use crate::domain::group::{
    self, ApplyJoinOption, GroupType, KeyValue, MAX_GROUP_KEYS, MAX_GROUP_VALUE_BYTES, ProfileTexts,
};
use crate::domain::ids::{GroupId, UserId};
use crate::error::ApiError;
use crate::store::{GroupProfile, NewGroup, NewMember, StoreError};

/// Fields shared by create_group and import_group.
#[derive(Debug, Deserialize)]
pub struct BaseFields {
    #[serde(
        rename = "Owner_Account",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    pub owner_account: Option<String>,
    #[serde(rename = "Type")]
    pub group_type: String,
    #[serde(
        rename = "GroupId",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    pub group_id: Option<String>,
    #[serde(rename = "Name")]
    pub name: String,
    #[serde(rename = "Introduction")]
    pub introduction: Option<String>,
    #[serde(rename = "Notification")]
    pub notification: Option<String>,
    #[serde(rename = "FaceUrl")]
    pub face_url: Option<String>,
    // `MaxMemberNum` is the name get_group_info answers, and the one the Java server SDK's
    // shared group model sends (docs/compat.md, "Client quirks").
    #[serde(
        rename = "MaxMemberCount",
        alias = "MaxMemberNum",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    pub max_member_count: Option<u32>,
    #[serde(
        rename = "ApplyJoinOption",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    pub apply_join_option: Option<String>,
    #[serde(rename = "AppDefinedData")]
    pub app_defined_data: Option<Vec<KeyValue>>,
    #[serde(rename = "SupportTopic")]
    pub support_topic: Option<u8>,
}

/// The checked base of a new group: its type, id, owner, member limit and profile.
pub struct CheckedBase {
    pub group_type: GroupType,
    pub group_id: Option<GroupId>,
    pub owner: Option<UserId>,
    pub max_member_num: i64,
    pub profile: GroupProfile,
}

impl BaseFields {
    /// Checks the fields in the order Tencent documents them; the first bad one is the error.
    pub fn check(self) -> Result<CheckedBase, ApiError> {
        let group_type = GroupType::parse(&self.group_type).ok_or_else(|| {
            ApiError::invalid(format!(
                "Type {:?} is not one of Private, Public, ChatRoom, AVChatRoom, Community",
                self.group_type
            ))
        })?;
        let group_id = self
            .group_id
            .as_deref()
            .map(|id| GroupId::parse_custom(id, group_type == GroupType::Community))
            .transpose()
            .map_err(ApiError::InvalidGroupId)?;
        let owner = self
            .owner_account
            .as_deref()
            .filter(|o| !o.is_empty())
            .map(|o| user_id("Owner_Account", o))
            .transpose()?;
        if self.name.is_empty() {
            return Err(ApiError::invalid("Name must not be empty"));
        }
        let texts = ProfileTexts {
            name: Some(&self.name),
            introduction: self.introduction.as_deref(),
            notification: self.notification.as_deref(),
            face_url: self.face_url.as_deref(),
        };
        texts.check().map_err(ApiError::InvalidParam)?;
        let apply = self
            .apply_join_option
            .as_deref()
            .map_or(Ok(ApplyJoinOption::NeedPermission), ApplyJoinOption::parse)
            .map_err(ApiError::InvalidParam)?;
        let data = self.app_defined_data.unwrap_or_default();
        group::check_custom_data(
            "AppDefinedData",
            &data,
            MAX_GROUP_KEYS,
            MAX_GROUP_VALUE_BYTES,
        )
        .map_err(ApiError::InvalidParam)?;
        // Only a Community has topics; the flag on another type is accepted and has no effect.
        let support_topic =
            flag("SupportTopic", self.support_topic)? && group_type == GroupType::Community;
        let max_member_num = max_member_num(group_type, self.max_member_count)?;
        Ok(CheckedBase {
            group_type,
            group_id,
            owner,
            max_member_num,
            profile: GroupProfile {
                name: self.name,
                introduction: self.introduction.unwrap_or_default(),
                notification: self.notification.unwrap_or_default(),
                face_url: self.face_url.unwrap_or_default(),
                apply_join_option: apply.as_str().to_string(),
                shut_up_all: false,
                app_defined_data: data,
                support_topic,
            },
        })
    }
}

/// `MaxMemberCount`, within the type's limit; absent = the type's default.
fn max_member_num(t: GroupType, requested: Option<u32>) -> Result<i64, ApiError> {
    let limit = t.max_members_limit();
    match requested {
        Some(n) if n == 0 || i64::from(n) > limit => Err(ApiError::invalid(format!(
            "MaxMemberCount must be between 1 and {limit}"
        ))),
        Some(n) => Ok(i64::from(n)),
        None => Ok(t.default_max_members()),
    }
}

impl CheckedBase {
    /// The group to store, created at `created_at` with `members`; the flag says whether its
    /// id was chosen by the caller (a collision is then reported, not redrawn).
    pub fn into_new_group(self, created_at: i64, members: Vec<NewMember>) -> (NewGroup, bool) {
        let custom = self.group_id.is_some();
        let t = self.group_type;
        let group = NewGroup {
            group_id: self
                .group_id
                .unwrap_or_else(|| group::generate_group_id(t))
                .to_string(),
            group_type: t,
            owner: self.owner.map(|o| o.into_string()).unwrap_or_default(),
            created_at,
            max_member_num: self.max_member_num,
            profile: self.profile,
            members,
        };
        (group, custom)
    }
}

/// Stores a new group. A generated id that collides is drawn again; a custom one reports
/// the collision (10021, or 10025 for the id of a destroyed group).
pub async fn store_new_group(
    ctx: &Ctx,
    mut group: NewGroup,
    custom_id: bool,
) -> Result<String, ApiError> {
    for _ in 0..8 {
        match ctx.store().create_group(ctx.sdkappid(), &group).await {
            Err(StoreError::GroupIdTaken { .. }) if !custom_id => {
                group.group_id = group::generate_group_id(group.group_type).to_string();
            }
            Err(e) => return Err(e.into()),
            Ok(()) => return Ok(group.group_id),
        }
    }
    Err(ApiError::Internal("could not draw a free group id".into()))
}
