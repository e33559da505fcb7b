//! `v4/million_group_open_http_svc/*`: Community topics — create, import, read, modify and
//! destroy topics of a Community created with `SupportTopic: 1` (CT 269/78203 and siblings).
//!
//! This module holds what the topic commands share: the optional TopicId other commands take,
//! the texts of a topic, and who may be named as a topic's creator.

pub mod create_topic;
pub mod destroy_topic;
pub mod get_topic;
pub mod import_topic;
pub mod modify_topic;

use serde::Deserialize;

use crate::api::Ctx;
use crate::api::group_open_http_svc::{live_group, user_id};
use crate::domain::ids::{GroupId, UserId};
use crate::domain::topic::{self, TopicProfile, TopicTexts};
use crate::error::ApiError;
use crate::store::GroupRow;

/// An optional `TopicId` of a request: `""` (the SDKs' default) is none.
pub fn topic_id(raw: Option<&str>) -> Option<&str> {
    raw.filter(|t| !t.is_empty())
}

/// The live group (10010), if it has topics (11000: only a Community created with
/// `SupportTopic: 1` has them).
pub async fn topic_group(ctx: &Ctx, id: &GroupId) -> Result<GroupRow, ApiError> {
    let group = live_group(ctx, id).await?;
    if !topic::has_topics(group.group_type, group.profile.support_topic) {
        return Err(ApiError::TopicsUnsupported(id.to_string()));
    }
    Ok(group)
}

/// The texts create_topic and import_topic take.
#[derive(Debug, Deserialize)]
pub struct TopicFields {
    #[serde(rename = "TopicId")]
    pub topic_id: Option<String>,
    #[serde(rename = "TopicName")]
    pub topic_name: String,
    #[serde(rename = "From_Account")]
    pub from_account: Option<String>,
    #[serde(rename = "CustomString")]
    pub custom_string: Option<String>,
    #[serde(rename = "FaceUrl")]
    pub face_url: Option<String>,
    #[serde(rename = "Notification")]
    pub notification: Option<String>,
    #[serde(rename = "Introduction")]
    pub introduction: Option<String>,
}

/// A new topic, checked: its custom id (if any), its creator (if named) and its profile.
pub struct CheckedTopic {
    pub custom_id: Option<String>,
    pub creator: Option<UserId>,
    pub profile: TopicProfile,
}

impl TopicFields {
    /// Checks the fields of a topic to create in `group_id`: texts within their limits
    /// (10004), a custom id by the rules of custom ids (10004).
    pub fn check(self, group_id: &str) -> Result<CheckedTopic, ApiError> {
        let texts = TopicTexts {
            name: Some(&self.topic_name),
            face_url: self.face_url.as_deref(),
            notification: self.notification.as_deref(),
            introduction: self.introduction.as_deref(),
            custom_string: self.custom_string.as_deref(),
        };
        texts.check().map_err(ApiError::InvalidParam)?;
        let mut profile = TopicProfile::default();
        texts.apply(&mut profile);
        let custom_id = topic_id(self.topic_id.as_deref()).map(str::to_string);
        if let Some(id) = &custom_id {
            topic::check_custom_topic_id(group_id, id).map_err(ApiError::InvalidParam)?;
        }
        let creator = topic_id(self.from_account.as_deref())
            .map(|f| user_id("From_Account", f))
            .transpose()?;
        profile.creator = creator.as_ref().map(|c| c.to_string()).unwrap_or_default();
        Ok(CheckedTopic {
            custom_id,
            creator,
            profile,
        })
    }
}

/// Stores a new topic. A generated id that collides is drawn again; a custom one reports the
/// collision as `taken` says (create_topic 10025, import_topic 10021).
pub async fn store_new_topic(
    ctx: &Ctx,
    group_id: &str,
    checked: CheckedTopic,
    created_at: i64,
    taken: fn(String) -> ApiError,
) -> Result<String, ApiError> {
    let custom = checked.custom_id.is_some();
    let mut new = crate::store::NewTopic {
        topic_id: checked
            .custom_id
            .unwrap_or_else(|| topic::generate_topic_id(group_id)),
        created_at,
        profile: checked.profile,
    };
    for _ in 0..8 {
        match ctx
            .store()
            .create_topic(ctx.sdkappid(), group_id, &new)
            .await
        {
            Err(crate::store::StoreError::TopicIdTaken(id)) if custom => return Err(taken(id)),
            Err(crate::store::StoreError::TopicIdTaken(_)) => {
                new.topic_id = topic::generate_topic_id(group_id);
            }
            Err(e) => return Err(e.into()),
            Ok(()) => return Ok(new.topic_id),
        }
    }
    Err(ApiError::Internal("could not draw a free topic id".into()))
}
