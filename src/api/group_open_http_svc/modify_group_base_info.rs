//! `v4/group_open_http_svc/modify_group_base_info` — change a group's profile (CT 269/1620).
//! Every field but GroupId is optional. `ShutUpAllMember` and its English name `MuteAllMember`
//! take "On"/"Off"; in `AppDefinedData` a `Value` of "" deletes the key. `MaxMemberNum` is
//! ignored for AVChatRoom and may not drop below the current member count.

use serde::{Deserialize, Serialize};

use super::{MAX_GROUP_KEYS, MAX_GROUP_VALUE_BYTES, group_id};
use crate::api::Ctx;
use crate::domain::group::{self, GroupType, KeyValue};
use crate::domain::refusal::Refusal;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Name")]
    name: Option<String>,
    #[serde(rename = "Introduction")]
    introduction: Option<String>,
    #[serde(rename = "Notification")]
    notification: Option<String>,
    #[serde(rename = "FaceUrl")]
    face_url: Option<String>,
    #[serde(rename = "MaxMemberNum")]
    max_member_num: Option<u32>,
    #[serde(rename = "ApplyJoinOption")]
    apply_join_option: Option<String>,
    #[serde(rename = "ShutUpAllMember")]
    shut_up_all_member: Option<String>,
    #[serde(rename = "MuteAllMember")]
    mute_all_member: Option<String>,
    #[serde(rename = "AppDefinedData")]
    app_defined_data: Option<Vec<KeyValue>>,
}

#[derive(Debug, Serialize)]
pub struct Response {}

fn on_off(field: &str, v: &str) -> Result<bool, ApiError> {
    match v {
        "On" => Ok(true),
        "Off" => Ok(false),
        _ => Err(ApiError::invalid(format!("{field} must be On or Off"))),
    }
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    let text = |field: &str, v: &Option<String>, max: usize| {
        group::check_len(field, v.as_deref(), max).map_err(ApiError::InvalidParam)
    };
    text("Name", &req.name, group::MAX_NAME_BYTES)?;
    text(
        "Introduction",
        &req.introduction,
        group::MAX_INTRODUCTION_BYTES,
    )?;
    text(
        "Notification",
        &req.notification,
        group::MAX_NOTIFICATION_BYTES,
    )?;
    text("FaceUrl", &req.face_url, group::MAX_FACE_URL_BYTES)?;
    if req.name.as_deref() == Some("") {
        return Err(ApiError::invalid("Name must not be empty"));
    }
    if let Some(a) = &req.apply_join_option
        && !group::valid_apply_join_option(a)
    {
        return Err(ApiError::invalid(format!(
            "ApplyJoinOption {a:?} is not FreeAccess, NeedPermission or DisableApply"
        )));
    }
    let shut_up = match (&req.shut_up_all_member, &req.mute_all_member) {
        (Some(a), Some(b)) if a != b => {
            return Err(ApiError::invalid(
                "ShutUpAllMember and MuteAllMember disagree",
            ));
        }
        (Some(v), _) => Some(on_off("ShutUpAllMember", v)?),
        (None, Some(v)) => Some(on_off("MuteAllMember", v)?),
        (None, None) => None,
    };
    let data = req.app_defined_data.unwrap_or_default();
    // Deletions ("" values) are checked like any key; the merged result is checked again below.
    group::check_custom_data("AppDefinedData", &data, usize::MAX, MAX_GROUP_VALUE_BYTES)
        .map_err(ApiError::InvalidParam)?;
    if matches!(req.max_member_num, Some(0)) {
        return Err(ApiError::invalid("MaxMemberNum must be at least 1"));
    }
    let now = ctx.now();
    let edit = move |g: &mut crate::store::GroupRow| -> Result<(), Refusal> {
        let p = &mut g.profile;
        if let Some(v) = req.name {
            p.name = v;
        }
        if let Some(v) = req.introduction {
            p.introduction = v;
        }
        if let Some(v) = req.notification {
            p.notification = v;
        }
        if let Some(v) = req.face_url {
            p.face_url = v;
        }
        if let Some(v) = req.apply_join_option {
            p.apply_join_option = v;
        }
        if let Some(v) = shut_up {
            p.shut_up_all = v;
        }
        for kv in data {
            p.app_defined_data.retain(|old| old.key != kv.key);
            if !kv.value.is_empty() {
                p.app_defined_data.push(kv);
            }
        }
        group::check_custom_data(
            "AppDefinedData",
            &p.app_defined_data,
            MAX_GROUP_KEYS,
            MAX_GROUP_VALUE_BYTES,
        )
        .map_err(Refusal::Invalid)?;
        if let Some(max) = req.max_member_num
            && g.group_type != GroupType::AVChatRoom
        {
            let max = i64::from(max);
            let limit = match g.group_type {
                GroupType::Community => group::COMMUNITY_MAX_MEMBERS,
                _ => group::MAX_MAX_MEMBERS,
            };
            if max > limit || max < g.member_num {
                return Err(Refusal::Invalid(format!(
                    "MaxMemberNum must be between the member count ({}) and {limit}",
                    g.member_num
                )));
            }
            g.max_member_num = max;
        }
        g.last_info_time = now;
        Ok(())
    };
    ctx.store()
        .update_group(ctx.sdkappid(), id.as_str(), Box::new(edit))
        .await?;
    Ok(Response {})
}
