//! `v4/group_open_http_svc/modify_group_member_info` — change one member's Role, MsgFlag,
//! NameCard, custom data or mute (CT 269/1623). `ShutUpTime` and its English name `MuteTime`
//! are both accepted (0 unmutes, 4294967295 mutes for good).
//!
//! Capability rules: Private (Work) and AVChatRoom groups have no Admin role and Private
//! groups no muting (10007); the owner's role only changes through change_group_owner, and
//! the owner cannot be muted (10007). A non-member → 10007.

use serde::{Deserialize, Serialize};

use super::fields::mute_seconds;
use super::{group_id, user_id};
use crate::api::Ctx;
use crate::domain::group::{self, KeyValue, MsgFlag, Role};
use crate::domain::ids::{GroupId, UserId};
use crate::domain::member::{self, MAX_MEMBER_KEYS, MAX_MEMBER_VALUE_BYTES};
use crate::domain::refusal::Refusal;
use crate::error::ApiError;
use crate::store::{GroupRow, MemberRow};

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Member_Account")]
    member_account: String,
    #[serde(
        rename = "Role",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    role: Option<String>,
    #[serde(
        rename = "MsgFlag",
        default,
        deserialize_with = "crate::api::fields::unset_if_default"
    )]
    msg_flag: Option<String>,
    #[serde(rename = "NameCard")]
    name_card: Option<String>,
    #[serde(rename = "AppMemberDefinedData")]
    app_member_defined_data: Option<Vec<KeyValue>>,
    #[serde(rename = "ShutUpTime")]
    shut_up_time: Option<u32>,
    #[serde(rename = "MuteTime")]
    mute_time: Option<u32>,
}

#[derive(Debug, Serialize)]
pub struct Response {}

/// The checked edit of one membership; the rules that depend on the group and the member are
/// applied inside the store's transaction.
struct Edit {
    role: Option<Role>,
    msg_flag: Option<MsgFlag>,
    name_card: Option<String>,
    data: Vec<KeyValue>,
    mute: Option<u32>,
}

impl Request {
    fn parse(self) -> Result<(GroupId, UserId, Edit), ApiError> {
        let id = group_id(&self.group_id)?;
        let member = user_id("Member_Account", &self.member_account)?;
        let role = self
            .role
            .as_deref()
            .map(member::settable_role)
            .transpose()
            .map_err(ApiError::InvalidParam)?;
        let msg_flag = self.msg_flag.as_deref().map(parse_msg_flag).transpose()?;
        group::check_len(
            "NameCard",
            self.name_card.as_deref(),
            member::MAX_NAME_CARD_BYTES,
        )
        .map_err(ApiError::InvalidParam)?;
        let data = self.app_member_defined_data.unwrap_or_default();
        // Deletions ("" values) are checked like any key; the merged result is checked again.
        group::check_custom_data(
            "AppMemberDefinedData",
            &data,
            usize::MAX,
            MAX_MEMBER_VALUE_BYTES,
        )
        .map_err(ApiError::InvalidParam)?;
        let mute = mute_seconds(self.shut_up_time, self.mute_time)?;
        let edit = Edit {
            role,
            msg_flag,
            name_card: self.name_card,
            data,
            mute,
        };
        Ok((id, member, edit))
    }
}

fn parse_msg_flag(f: &str) -> Result<MsgFlag, ApiError> {
    MsgFlag::parse(f).ok_or_else(|| {
        ApiError::invalid(format!(
            "MsgFlag {f:?} is not AcceptAndNotify, AcceptNotNotify or Discard"
        ))
    })
}

impl Edit {
    fn apply(self, g: &GroupRow, m: &mut MemberRow, now: i64) -> Result<(), Refusal> {
        if let Some(role) = self.role {
            member::check_role_change(g.group_type, m.role, role).map_err(Refusal::NoPermission)?;
            m.role = role;
        }
        if let Some(secs) = self.mute {
            member::check_mute(g.group_type, m.role == Role::Owner, secs)
                .map_err(Refusal::NoPermission)?;
            m.shut_up_until = member::mute_until(now, secs);
        }
        if let Some(f) = self.msg_flag {
            m.msg_flag = f;
        }
        if let Some(card) = self.name_card {
            m.profile.name_card = card;
        }
        let stored = &mut m.profile.app_member_defined_data;
        group::merge_custom_data(stored, self.data);
        group::check_custom_data(
            "AppMemberDefinedData",
            stored,
            MAX_MEMBER_KEYS,
            MAX_MEMBER_VALUE_BYTES,
        )
        .map_err(Refusal::Invalid)
    }
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let (id, member, edit) = req.parse()?;
    let now = ctx.now();
    let edit = move |g: &GroupRow, m: &mut MemberRow| edit.apply(g, m, now);
    ctx.store()
        .update_member(ctx.sdkappid(), id.as_str(), member.as_str(), Box::new(edit))
        .await?;
    Ok(Response {})
}
