//! How groups and memberships are answered, as get_group_info, get_group_member_info and
//! get_joined_group_list show them: each field present only when a filter asks for it.

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::domain::group::{self, GroupType, KeyValue};
use crate::domain::unread::GroupCounters;
use crate::store::{GroupRow, MemberRow};

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
    let shut_up = group::on_off(p.shut_up_all);
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
    let mut fields: Map<String, Value> = all
        .into_iter()
        .filter(|(name, _)| {
            wants(filter, name) || (*name == "MuteAllMember" && wants(filter, "ShutUpAllMember"))
        })
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    // Only a Community can have topics: other types have no SupportTopic to answer.
    if g.group_type == GroupType::Community && wants(filter, "SupportTopic") {
        fields.insert("SupportTopic".into(), json!(u8::from(p.support_topic)));
    }
    fields
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
