//! `v4/group_open_http_svc/modify_group_base_info` — change a group's profile (CT 269/1620).
//! Every field but GroupId is optional. `ShutUpAllMember` and its English name `MuteAllMember`
//! take "On"/"Off"; in `AppDefinedData` a `Value` of "" deletes the key. `MaxMemberNum` is
//! ignored for AVChatRoom and may not drop below the current member count.

use serde::{Deserialize, Serialize};

use super::group_id;
use crate::api::Ctx;
use crate::domain::group::{
    self, ApplyJoinOption, GroupType, KeyValue, MAX_GROUP_KEYS, MAX_GROUP_VALUE_BYTES, ProfileTexts,
};
use crate::domain::ids::GroupId;
use crate::domain::refusal::Refusal;
use crate::error::ApiError;
use crate::store::GroupRow;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(
        rename = "Name",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    name: Option<String>,
    #[serde(rename = "Introduction")]
    introduction: Option<String>,
    #[serde(rename = "Notification")]
    notification: Option<String>,
    #[serde(rename = "FaceUrl")]
    face_url: Option<String>,
    #[serde(
        rename = "MaxMemberNum",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    max_member_num: Option<u32>,
    #[serde(
        rename = "ApplyJoinOption",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    apply_join_option: Option<String>,
    #[serde(
        rename = "ShutUpAllMember",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    shut_up_all_member: Option<String>,
    #[serde(
        rename = "MuteAllMember",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    mute_all_member: Option<String>,
    #[serde(rename = "AppDefinedData")]
    app_defined_data: Option<Vec<KeyValue>>,
}

#[derive(Debug, Serialize)]
pub struct Response {}

/// The checked edit of a group's profile; the member limit, which depends on the group, is
/// checked inside the store's transaction.
struct Edit {
    name: Option<String>,
    introduction: Option<String>,
    notification: Option<String>,
    face_url: Option<String>,
    apply_join_option: Option<ApplyJoinOption>,
    shut_up_all: Option<bool>,
    data: Vec<KeyValue>,
    max_member_num: Option<u32>,
}

impl Request {
    fn parse(self) -> Result<(GroupId, Edit), ApiError> {
        let id = group_id(&self.group_id)?;
        let texts = ProfileTexts {
            name: self.name.as_deref(),
            introduction: self.introduction.as_deref(),
            notification: self.notification.as_deref(),
            face_url: self.face_url.as_deref(),
        };
        texts.check().map_err(ApiError::InvalidParam)?;
        if self.name.as_deref() == Some("") {
            return Err(ApiError::invalid("Name must not be empty"));
        }
        let apply_join_option = self
            .apply_join_option
            .as_deref()
            .map(ApplyJoinOption::parse)
            .transpose()
            .map_err(ApiError::InvalidParam)?;
        let shut_up_all = shut_up_all(
            self.shut_up_all_member.as_deref(),
            self.mute_all_member.as_deref(),
        )?;
        let data = self.app_defined_data.unwrap_or_default();
        // Deletions ("" values) are checked like any key; the merged result is checked again.
        group::check_custom_data("AppDefinedData", &data, usize::MAX, MAX_GROUP_VALUE_BYTES)
            .map_err(ApiError::InvalidParam)?;
        if matches!(self.max_member_num, Some(0)) {
            return Err(ApiError::invalid("MaxMemberNum must be at least 1"));
        }
        let edit = Edit {
            name: self.name,
            introduction: self.introduction,
            notification: self.notification,
            face_url: self.face_url,
            apply_join_option,
            shut_up_all,
            data,
            max_member_num: self.max_member_num,
        };
        Ok((id, edit))
    }
}

/// `ShutUpAllMember` or its English name `MuteAllMember` (both must agree).
fn shut_up_all(shut_up: Option<&str>, mute: Option<&str>) -> Result<Option<bool>, ApiError> {
    let on_off =
        |field: &str, v: &str| group::parse_on_off(field, v).map_err(ApiError::InvalidParam);
    match (shut_up, mute) {
        (Some(a), Some(b)) if a != b => Err(ApiError::invalid(
            "ShutUpAllMember and MuteAllMember disagree",
        )),
        (Some(v), _) => on_off("ShutUpAllMember", v).map(Some),
        (None, Some(v)) => on_off("MuteAllMember", v).map(Some),
        (None, None) => Ok(None),
    }
}

impl Edit {
    fn apply(self, g: &mut GroupRow, now: i64) -> Result<(), Refusal> {
        let p = &mut g.profile;
        let set = |field: &mut String, v: Option<String>| {
            if let Some(v) = v {
                *field = v;
            }
        };
        set(&mut p.name, self.name);
        set(&mut p.introduction, self.introduction);
        set(&mut p.notification, self.notification);
        set(&mut p.face_url, self.face_url);
        set(
            &mut p.apply_join_option,
            self.apply_join_option.map(|a| a.as_str().to_string()),
        );
        if let Some(v) = self.shut_up_all {
            p.shut_up_all = v;
        }
        group::merge_custom_data(&mut p.app_defined_data, self.data);
        group::check_custom_data(
            "AppDefinedData",
            &p.app_defined_data,
            MAX_GROUP_KEYS,
            MAX_GROUP_VALUE_BYTES,
        )
        .map_err(Refusal::Invalid)?;
        // AVChatRoom groups have no member limit to change: the value is ignored.
        if let Some(max) = self.max_member_num
            && g.group_type != GroupType::AVChatRoom
        {
            g.max_member_num = checked_max_members(g, max)?;
        }
        g.last_info_time = now;
        Ok(())
    }
}

/// A new member limit: within the type's limit, and not below the current member count.
fn checked_max_members(g: &GroupRow, max: u32) -> Result<i64, Refusal> {
    let max = i64::from(max);
    let limit = g.group_type.max_members_limit();
    if max > limit || max < g.member_num {
        return Err(Refusal::Invalid(format!(
            "MaxMemberNum must be between the member count ({}) and {limit}",
            g.member_num
        )));
    }
    Ok(max)
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let (id, edit) = req.parse()?;
    let now = ctx.now();
    let edit = move |g: &mut GroupRow| edit.apply(g, now);
    ctx.store()
        .update_group(ctx.sdkappid(), id.as_str(), Box::new(edit))
        .await?;
    Ok(Response {})
}
