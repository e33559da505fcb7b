//! `v4/group_open_http_svc/modify_group_member_info` — change one member's Role, MsgFlag,
//! NameCard, custom data or mute (CT 269/1623). `ShutUpTime` and its English name `MuteTime`
//! are both accepted (0 unmutes, 4294967295 mutes for good).
//!
//! Capability rules: Private (Work) and AVChatRoom groups have no Admin role and Private
//! groups no muting (10007); the owner's role only changes through change_group_owner, and
//! the owner cannot be muted (10007). A non-member → 10007.

use serde::{Deserialize, Serialize};

use super::{MAX_MEMBER_KEYS, MAX_MEMBER_VALUE_BYTES, group_id, mute_seconds, mute_until, user_id};
use crate::api::Ctx;
use crate::domain::group::{self, GroupType, KeyValue, MsgFlag, Role};
use crate::domain::refusal::Refusal;
use crate::error::ApiError;
use crate::store::{GroupRow, MemberRow};

const MAX_NAME_CARD_BYTES: usize = 50;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Member_Account")]
    member_account: String,
    #[serde(rename = "Role")]
    role: Option<String>,
    #[serde(rename = "MsgFlag")]
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

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let id = group_id(&req.group_id)?;
    let member = user_id("Member_Account", &req.member_account)?;
    let role = req
        .role
        .as_deref()
        .map(|r| match r {
            "Admin" => Ok(Role::Admin),
            "Member" => Ok(Role::Member),
            _ => Err(ApiError::invalid(format!(
                "Role {r:?} must be Admin or Member"
            ))),
        })
        .transpose()?;
    let msg_flag = req
        .msg_flag
        .as_deref()
        .map(|f| {
            MsgFlag::parse(f).ok_or_else(|| {
                ApiError::invalid(format!(
                    "MsgFlag {f:?} is not AcceptAndNotify, AcceptNotNotify or Discard"
                ))
            })
        })
        .transpose()?;
    group::check_len("NameCard", req.name_card.as_deref(), MAX_NAME_CARD_BYTES)
        .map_err(ApiError::InvalidParam)?;
    let data = req.app_member_defined_data.unwrap_or_default();
    group::check_custom_data(
        "AppMemberDefinedData",
        &data,
        usize::MAX,
        MAX_MEMBER_VALUE_BYTES,
    )
    .map_err(ApiError::InvalidParam)?;
    let mute = mute_seconds(req.shut_up_time, req.mute_time)?;
    let now = ctx.now();
    let name_card = req.name_card;
    let edit = move |g: &GroupRow, m: &mut MemberRow| -> Result<(), Refusal> {
        if let Some(role) = role {
            if m.role == Role::Owner {
                return Err(Refusal::NoPermission(
                    "the owner's role changes only with change_group_owner".into(),
                ));
            }
            if role == Role::Admin
                && matches!(g.group_type, GroupType::Private | GroupType::AVChatRoom)
            {
                return Err(Refusal::NoPermission(format!(
                    "{} groups have no Admin role",
                    g.group_type.as_str()
                )));
            }
            m.role = role;
        }
        if let Some(secs) = mute {
            if g.group_type == GroupType::Private {
                return Err(Refusal::NoPermission(
                    "Private groups do not support muting".into(),
                ));
            }
            if m.role == Role::Owner && secs > 0 {
                return Err(Refusal::NoPermission("the owner cannot be muted".into()));
            }
            m.shut_up_until = mute_until(now, secs);
        }
        if let Some(f) = msg_flag {
            m.msg_flag = f;
        }
        if let Some(card) = name_card {
            m.profile.name_card = card;
        }
        for kv in data {
            m.profile
                .app_member_defined_data
                .retain(|old| old.key != kv.key);
            if !kv.value.is_empty() {
                m.profile.app_member_defined_data.push(kv);
            }
        }
        group::check_custom_data(
            "AppMemberDefinedData",
            &m.profile.app_member_defined_data,
            MAX_MEMBER_KEYS,
            MAX_MEMBER_VALUE_BYTES,
        )
        .map_err(Refusal::Invalid)
    };
    ctx.store()
        .update_member(ctx.sdkappid(), id.as_str(), member.as_str(), Box::new(edit))
        .await?;
    Ok(Response {})
}
