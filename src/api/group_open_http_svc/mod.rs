//! `v4/group_open_http_svc/*`: the group system — creation, members, messages, migration imports, unread.

pub mod add_group_member;
pub mod change_group_owner;
pub mod create_group;
pub mod delete_group_member;
pub mod delete_group_msg_by_sender;
pub mod destroy_group;
pub mod fields;
pub mod forbid_send_msg;
pub mod get_appid_group_list;
pub mod get_group_info;
pub mod get_group_member_info;
pub mod get_group_shutted_uin;
pub mod get_joined_group_list;
pub mod get_role_in_group;
pub mod group_msg_get_simple;
pub mod group_msg_recall;
pub mod import_group;
pub mod import_group_member;
pub mod import_group_msg;
pub mod modify_group_base_info;
pub mod modify_group_member_info;
pub mod send_group_msg;
pub mod send_group_system_notification;
pub mod set_unread_msg_num;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::api::Ctx;
use crate::domain::group::{self, GroupType, KeyValue};
use crate::domain::ids::{GroupId, UserId};
use crate::domain::unread::GroupCounters;
use crate::error::ApiError;
use crate::store::{GroupProfile, GroupRow, MemberRow};

/// Group custom data: at most 10 keys, values up to 512 bytes.
pub const MAX_GROUP_KEYS: usize = 10;
pub const MAX_GROUP_VALUE_BYTES: usize = 512;

/// A GroupId from a request; a malformed one is 10015.
pub fn group_id(raw: &str) -> Result<GroupId, ApiError> {
    GroupId::parse(raw).map_err(ApiError::InvalidGroupId)
}

/// A UserID from a request field; a malformed one is 10004 naming the field.
pub fn user_id(field: &str, raw: &str) -> Result<UserId, ApiError> {
    UserId::parse(raw).map_err(|e| ApiError::invalid(format!("{field} {raw:?} {e}")))
}

/// The live group, or 10010 when it does not exist or was destroyed.
pub async fn live_group(ctx: &Ctx, id: &GroupId) -> Result<GroupRow, ApiError> {
    match ctx.store().group(ctx.sdkappid(), id.as_str()).await? {
        Some(g) if !g.destroyed => Ok(g),
        _ => Err(ApiError::GroupNotFound(id.to_string())),
    }
}

/// Fails with 10019 naming the first account that is not imported. App admins always exist.
pub async fn require_accounts(ctx: &Ctx, ids: &[String]) -> Result<(), ApiError> {
    let exists = ctx.store().accounts_exist(ctx.sdkappid(), ids).await?;
    match ids
        .iter()
        .zip(exists)
        .find(|(id, ok)| !ok && !ctx.app.admins.contains(id))
    {
        Some((id, _)) => Err(ApiError::UserNotFound(id.clone())),
        None => Ok(()),
    }
}

/// Whether a new member must be an imported account: everyone but the app admins.
pub fn needs_account(ctx: &Ctx, id: &str) -> bool {
    !ctx.app.admins.iter().any(|a| a == id)
}

/// Fields shared by create_group and import_group.
#[derive(Debug, Deserialize)]
pub struct BaseFields {
    #[serde(rename = "Owner_Account")]
    pub owner_account: Option<String>,
    #[serde(rename = "Type")]
    pub group_type: String,
    #[serde(rename = "GroupId")]
    pub group_id: Option<String>,
    #[serde(rename = "Name")]
    pub name: String,
    #[serde(rename = "Introduction")]
    pub introduction: Option<String>,
    #[serde(rename = "Notification")]
    pub notification: Option<String>,
    #[serde(rename = "FaceUrl")]
    pub face_url: Option<String>,
    #[serde(rename = "MaxMemberCount")]
    pub max_member_count: Option<u32>,
    #[serde(rename = "ApplyJoinOption")]
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
        let text = |field: &str, v: &Option<String>, max: usize| {
            group::check_len(field, v.as_deref(), max).map_err(ApiError::InvalidParam)
        };
        text("Name", &Some(self.name.clone()), group::MAX_NAME_BYTES)?;
        text(
            "Introduction",
            &self.introduction,
            group::MAX_INTRODUCTION_BYTES,
        )?;
        text(
            "Notification",
            &self.notification,
            group::MAX_NOTIFICATION_BYTES,
        )?;
        text("FaceUrl", &self.face_url, group::MAX_FACE_URL_BYTES)?;
        let apply = self
            .apply_join_option
            .unwrap_or_else(|| "NeedPermission".to_string());
        if !group::valid_apply_join_option(&apply) {
            return Err(ApiError::invalid(format!(
                "ApplyJoinOption {apply:?} is not FreeAccess, NeedPermission or DisableApply"
            )));
        }
        let data = self.app_defined_data.unwrap_or_default();
        group::check_custom_data(
            "AppDefinedData",
            &data,
            MAX_GROUP_KEYS,
            MAX_GROUP_VALUE_BYTES,
        )
        .map_err(ApiError::InvalidParam)?;
        if matches!(self.support_topic, Some(t) if t > 1) {
            return Err(ApiError::invalid("SupportTopic must be 0 or 1"));
        }
        let limit = match group_type {
            GroupType::Community => group::COMMUNITY_MAX_MEMBERS,
            GroupType::AVChatRoom => i64::MAX,
            _ => group::MAX_MAX_MEMBERS,
        };
        let max_member_num = match self.max_member_count {
            Some(n) if n == 0 || i64::from(n) > limit => {
                return Err(ApiError::invalid(format!(
                    "MaxMemberCount must be between 1 and {limit}"
                )));
            }
            Some(n) => i64::from(n),
            None => group_type.default_max_members(),
        };
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
                apply_join_option: apply,
                shut_up_all: false,
                app_defined_data: data,
            },
        })
    }
}

impl CheckedBase {
    /// The group to store, created at `created_at` with `members`; the flag says whether its
    /// id was chosen by the caller (a collision is then reported, not redrawn).
    pub fn into_new_group(
        self,
        created_at: i64,
        members: Vec<crate::store::NewMember>,
    ) -> (crate::store::NewGroup, bool) {
        let custom = self.group_id.is_some();
        let t = self.group_type;
        let group = crate::store::NewGroup {
            group_id: self
                .group_id
                .unwrap_or_else(|| generate_group_id(t))
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

/// An optional `GroupType` filter; an unknown name is 10004.
pub fn group_type_filter(raw: Option<&str>) -> Result<Option<GroupType>, ApiError> {
    raw.map(|t| {
        GroupType::parse(t)
            .ok_or_else(|| ApiError::invalid(format!("GroupType {t:?} is not a group type")))
    })
    .transpose()
}

/// A fresh id of the form Tencent generates: `@TGS#` + a type marker + upper-case alphanumerics.
pub fn generate_group_id(t: GroupType) -> GroupId {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let len = if t == GroupType::Community { 11 } else { 8 };
    let bytes: [u8; 16] = rand::random();
    let tail: String = bytes[..len]
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    GroupId::generated(format!("@TGS#{}{tail}", t.id_marker()))
}

/// Whether a filter list (absent = everything) asks for a field.
fn wants(filter: Option<&[String]>, field: &str) -> bool {
    filter.is_none_or(|f| f.iter().any(|x| x == field))
}

fn custom_data(items: &[KeyValue], keys: Option<&[String]>) -> Value {
    let kept: Vec<&KeyValue> = items
        .iter()
        .filter(|kv| keys.is_none_or(|k| k.contains(&kv.key)))
        .collect();
    json!(kept)
}

/// The base-info fields of a group, restricted to `filter` when given.
pub fn group_fields(
    g: &GroupRow,
    filter: Option<&[String]>,
    data_keys: Option<&[String]>,
) -> Map<String, Value> {
    let p = &g.profile;
    let shut_up = if p.shut_up_all { "On" } else { "Off" };
    let all = [
        ("Type", json!(g.group_type.as_str())),
        ("Name", json!(p.name)),
        ("Introduction", json!(p.introduction)),
        ("Notification", json!(p.notification)),
        ("FaceUrl", json!(p.face_url)),
        ("Owner_Account", json!(g.owner)),
        ("CreateTime", json!(g.created_at)),
        ("LastInfoTime", json!(g.last_info_time)),
        ("LastMsgTime", json!(g.last_msg_time)),
        ("NextMsgSeq", json!(g.counters.next_msg_seq)),
        ("MemberNum", json!(g.member_num)),
        ("MaxMemberNum", json!(g.max_member_num)),
        ("ApplyJoinOption", json!(p.apply_join_option)),
        ("ShutUpAllMember", json!(shut_up)),
        ("MuteAllMember", json!(shut_up)),
        (
            "AppDefinedData",
            custom_data(&p.app_defined_data, data_keys),
        ),
    ];
    all.into_iter()
        .filter(|(name, _)| {
            wants(filter, name) || (*name == "MuteAllMember" && wants(filter, "ShutUpAllMember"))
        })
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

/// The fields of one membership, as answered: each is present only when asked for. The
/// strings are borrowed from the stored row.
#[derive(Debug, Default, Serialize)]
pub struct MemberFields<'a> {
    #[serde(rename = "Member_Account", skip_serializing_if = "Option::is_none")]
    pub member_account: Option<&'a str>,
    #[serde(rename = "Role", skip_serializing_if = "Option::is_none")]
    pub role: Option<&'static str>,
    #[serde(rename = "JoinTime", skip_serializing_if = "Option::is_none")]
    pub join_time: Option<i64>,
    #[serde(rename = "MsgSeq", skip_serializing_if = "Option::is_none")]
    pub msg_seq: Option<i64>,
    #[serde(rename = "MsgFlag", skip_serializing_if = "Option::is_none")]
    pub msg_flag: Option<&'static str>,
    #[serde(rename = "LastSendMsgTime", skip_serializing_if = "Option::is_none")]
    pub last_send_msg_time: Option<i64>,
    #[serde(rename = "ShutUpUntil", skip_serializing_if = "Option::is_none")]
    pub shut_up_until: Option<i64>,
    #[serde(rename = "MuteUntil", skip_serializing_if = "Option::is_none")]
    pub mute_until: Option<i64>,
    #[serde(rename = "NameCard", skip_serializing_if = "Option::is_none")]
    pub name_card: Option<&'a str>,
    #[serde(
        rename = "AppMemberDefinedData",
        skip_serializing_if = "Option::is_none"
    )]
    pub app_member_defined_data: Option<Vec<&'a KeyValue>>,
    #[serde(rename = "UnreadMsgNum", skip_serializing_if = "Option::is_none")]
    pub unread_msg_num: Option<i64>,
}

/// What a membership's answer needs from its group: the counters its unread count and
/// MsgSeq derive from.
#[derive(Debug, Clone, Copy)]
pub struct MemberContext {
    pub counters: GroupCounters,
    pub unread_ok: bool,
}

impl MemberContext {
    pub fn of(g: &GroupRow) -> MemberContext {
        MemberContext {
            counters: g.counters,
            unread_ok: g.group_type.supports_unread(),
        }
    }
}

/// The fields of one membership, restricted to `filter` when given (built without an
/// intermediate JSON map: member pages are the largest answers). `UnreadMsgNum` (the legacy
/// SelfInfo field) appears only when asked for by name.
pub fn member_fields<'a>(
    g: MemberContext,
    m: &'a MemberRow,
    filter: Option<&[String]>,
    data_keys: Option<&[String]>,
) -> MemberFields<'a> {
    let want = |name: &str| wants(filter, name);
    let muted = want("ShutUpUntil");
    MemberFields {
        role: want("Role").then_some(m.role.as_str()),
        join_time: want("JoinTime").then_some(m.join_time),
        msg_seq: want("MsgSeq").then(|| g.counters.read_seq(m.mark, g.unread_ok)),
        last_send_msg_time: want("LastSendMsgTime").then_some(m.last_send_time),
        shut_up_until: muted.then_some(m.shut_up_until),
        mute_until: (muted || want("MuteUntil")).then_some(m.shut_up_until),
        unread_msg_num: filter
            .is_some_and(|f| f.iter().any(|x| x == "UnreadMsgNum"))
            .then(|| g.counters.unread(m.mark, g.unread_ok)),
        msg_flag: want("MsgFlag").then_some(m.msg_flag.as_str()),
        name_card: want("NameCard").then_some(m.profile.name_card.as_str()),
        app_member_defined_data: want("AppMemberDefinedData").then(|| {
            m.profile
                .app_member_defined_data
                .iter()
                .filter(|kv| data_keys.is_none_or(|k| k.contains(&kv.key)))
                .collect()
        }),
        member_account: Some(m.user_id.as_str()),
    }
}

/// Members as answered, each built from its row while the answer is written: a page of
/// thousands is never copied into a second list of answers.
#[derive(Debug)]
pub struct MemberList {
    pub group: MemberContext,
    pub members: Vec<MemberRow>,
    pub filter: Option<Vec<String>>,
    pub data_keys: Option<Vec<String>>,
}

impl Serialize for MemberList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.members.iter().map(|m| {
            member_fields(
                self.group,
                m,
                self.filter.as_deref(),
                self.data_keys.as_deref(),
            )
        }))
    }
}

/// Stores a new group. A generated id that collides is drawn again; a custom one reports
/// the collision (10021, or 10025 for the id of a destroyed group).
pub async fn store_new_group(
    ctx: &Ctx,
    mut group: crate::store::NewGroup,
    custom_id: bool,
) -> Result<String, ApiError> {
    for _ in 0..8 {
        match ctx.store().create_group(ctx.sdkappid(), &group).await {
            Err(ApiError::GroupIdTaken(_) | ApiError::GroupIdTakenByYou(_)) if !custom_id => {
                group.group_id = generate_group_id(group.group_type).to_string();
            }
            Err(e) => return Err(e),
            Ok(()) => return Ok(group.group_id),
        }
    }
    Err(ApiError::Internal("could not draw a free group id".into()))
}
