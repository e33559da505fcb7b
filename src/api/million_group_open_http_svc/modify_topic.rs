//! `v4/million_group_open_http_svc/modify_topic` — change a topic's profile and its
//! `MuteAllMember` ("On": only the owner, admins and app admins may speak in it) (TC 49468).
//! Texts as create_topic limits them (10004); `TopicName` `""` (the SDKs' default) and
//! `MuteAllMember` `""` are not given, the other texts `""` clear (as modify_group_base_info).
//! A destroyed topic → 110003, an unknown one → 10010; a group without topics → 11000.

use serde::{Deserialize, Serialize};

use super::topic_id;
use crate::api::Ctx;
use crate::api::group_open_http_svc::{group_id, user_id};
use crate::domain::group;
use crate::domain::topic::{TopicProfile, TopicTexts};
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "TopicId")]
    topic_id: String,
    #[serde(rename = "TopicName")]
    topic_name: Option<String>,
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "CustomString")]
    custom_string: Option<String>,
    #[serde(rename = "FaceUrl")]
    face_url: Option<String>,
    #[serde(rename = "Notification")]
    notification: Option<String>,
    #[serde(rename = "Introduction")]
    introduction: Option<String>,
    #[serde(rename = "MuteAllMember")]
    mute_all_member: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Response {}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    let Some(tid) = topic_id(Some(&req.topic_id)) else {
        return Err(ApiError::invalid("TopicId must not be empty"));
    };
    if let Some(f) = topic_id(req.from_account.as_deref()) {
        user_id("From_Account", f)?;
    }
    let texts = TopicTexts {
        name: topic_id(req.topic_name.as_deref()),
        face_url: req.face_url.as_deref(),
        notification: req.notification.as_deref(),
        introduction: req.introduction.as_deref(),
        custom_string: req.custom_string.as_deref(),
    };
    texts.check().map_err(ApiError::InvalidParam)?;
    let mute_all = topic_id(req.mute_all_member.as_deref())
        .map(|v| group::parse_on_off("MuteAllMember", v))
        .transpose()
        .map_err(ApiError::InvalidParam)?;
    let mut edited = TopicProfile::default();
    texts.apply(&mut edited);
    let given = Given {
        name: texts.name.is_some(),
        face_url: texts.face_url.is_some(),
        notification: texts.notification.is_some(),
        introduction: texts.introduction.is_some(),
        custom_string: texts.custom_string.is_some(),
    };
    let edit = move |p: &mut TopicProfile| given.apply(edited, mute_all, p);
    ctx.store()
        .update_topic(ctx.sdkappid(), id.as_str(), tid, Box::new(edit))
        .await?;
    Ok(Response {})
}

/// Which texts the request gave (the edit owns its values, not the request's borrows).
#[derive(Clone, Copy)]
struct Given {
    name: bool,
    face_url: bool,
    notification: bool,
    introduction: bool,
    custom_string: bool,
}

impl Given {
    fn apply(self, new: TopicProfile, mute_all: Option<bool>, p: &mut TopicProfile) {
        let set = |given: bool, dst: &mut String, v: String| {
            if given {
                *dst = v;
            }
        };
        set(self.name, &mut p.name, new.name);
        set(self.face_url, &mut p.face_url, new.face_url);
        set(self.notification, &mut p.notification, new.notification);
        set(self.introduction, &mut p.introduction, new.introduction);
        set(self.custom_string, &mut p.custom_string, new.custom_string);
        if let Some(m) = mute_all {
            p.mute_all = m;
        }
    }
}
