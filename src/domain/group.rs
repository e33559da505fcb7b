//! Group types, roles and the per-type capability rules of Tencent's group system; the
//! group profile's limits and custom data; generated group ids.

use serde::{Deserialize, Serialize};

use super::ids::GroupId;
use super::refusal::Refusal;

/// Field limits in UTF-8 bytes.
pub const MAX_NAME_BYTES: usize = 30;
pub const MAX_INTRODUCTION_BYTES: usize = 240;
pub const MAX_NOTIFICATION_BYTES: usize = 300;
pub const MAX_FACE_URL_BYTES: usize = 100;
/// Default member limit when a request gives none (the Pro edition's default).
pub const DEFAULT_MAX_MEMBERS: i64 = 2000;
/// Upper bound accepted for MaxMemberCount on non-Community types.
pub const MAX_MAX_MEMBERS: i64 = 6000;
/// Community groups hold up to 100,000 members by default.
pub const COMMUNITY_MAX_MEMBERS: i64 = 100_000;
/// Group custom data (`AppDefinedData`): at most 10 keys, values up to 512 bytes.
pub const MAX_GROUP_KEYS: usize = 10;
pub const MAX_GROUP_VALUE_BYTES: usize = 512;

/// The REST `Type` strings. `Work` and `Meeting` (the new-version names) are accepted as
/// aliases of `Private` and `ChatRoom`; answers always use the REST names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupType {
    Private,
    Public,
    ChatRoom,
    AVChatRoom,
    Community,
}

impl GroupType {
    /// Every group type.
    pub const ALL: [GroupType; 5] = [
        GroupType::Private,
        GroupType::Public,
        GroupType::ChatRoom,
        GroupType::AVChatRoom,
        GroupType::Community,
    ];

    pub fn parse(s: &str) -> Option<GroupType> {
        Some(match s {
            "Private" | "Work" => GroupType::Private,
            "Public" => GroupType::Public,
            "ChatRoom" | "Meeting" => GroupType::ChatRoom,
            "AVChatRoom" => GroupType::AVChatRoom,
            "Community" => GroupType::Community,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            GroupType::Private => "Private",
            GroupType::Public => "Public",
            GroupType::ChatRoom => "ChatRoom",
            GroupType::AVChatRoom => "AVChatRoom",
            GroupType::Community => "Community",
        }
    }

    /// Only Work/Private, Public and Community keep unread counts.
    pub fn supports_unread(self) -> bool {
        matches!(
            self,
            GroupType::Private | GroupType::Public | GroupType::Community
        )
    }

    /// clear_group_msg works on every type but Community (10007).
    pub fn allows_clear_history(self) -> bool {
        self != GroupType::Community
    }

    /// Read receipts exist for Work/Private, Public and Meeting/ChatRoom messages only.
    pub fn supports_receipts(self) -> bool {
        matches!(
            self,
            GroupType::Private | GroupType::Public | GroupType::ChatRoom
        )
    }

    /// AVChatRoom refuses import_group, import_group_member and import_group_msg (10007).
    pub fn allows_import(self) -> bool {
        self != GroupType::AVChatRoom
    }

    /// AVChatRoom does not store members: they join only by applying from a client.
    pub fn stores_members(self) -> bool {
        self != GroupType::AVChatRoom
    }

    /// Members can be added by an admin to every type that stores them (AVChatRoom: 10007).
    pub fn check_takes_members(self) -> Result<(), Refusal> {
        if self.stores_members() {
            Ok(())
        } else {
            Err(Refusal::NoPermission(
                "members cannot be added to an AVChatRoom group; they join by applying".into(),
            ))
        }
    }

    /// Only the owner of a Private (Work) group may leave it, which is then ownerless; in
    /// other types ownership must be transferred first.
    pub fn owner_may_leave(self) -> bool {
        self == GroupType::Private
    }

    /// Whether `leaving` (members removed or banned, the `action` the message names) may
    /// include the group's `owner` (empty: ownerless): only where the owner may leave.
    pub fn check_owner_may_go(
        self,
        owner: &str,
        leaving: &[String],
        action: &str,
    ) -> Result<(), Refusal> {
        if self.owner_may_leave() || owner.is_empty() || !leaving.iter().any(|id| id == owner) {
            return Ok(());
        }
        Err(Refusal::OwnerCannotLeave(format!(
            "the owner of a {} group cannot be {action}; transfer ownership first",
            self.as_str()
        )))
    }

    /// Private (Work) and AVChatRoom groups have no Admin role.
    pub fn has_admins(self) -> bool {
        !matches!(self, GroupType::Private | GroupType::AVChatRoom)
    }

    /// AVChatRoom keeps no message history.
    pub fn keeps_history(self) -> bool {
        self != GroupType::AVChatRoom
    }

    pub fn default_max_members(self) -> i64 {
        match self {
            GroupType::Community => COMMUNITY_MAX_MEMBERS,
            GroupType::AVChatRoom => i64::MAX,
            _ => DEFAULT_MAX_MEMBERS,
        }
    }

    /// The largest member limit (MaxMemberCount, MaxMemberNum) a group of this type takes.
    pub fn max_members_limit(self) -> i64 {
        match self {
            GroupType::Community => COMMUNITY_MAX_MEMBERS,
            GroupType::AVChatRoom => i64::MAX,
            _ => MAX_MAX_MEMBERS,
        }
    }

    /// The character after `@TGS#` in generated ids (as seen in Tencent's samples).
    pub fn id_marker(self) -> &'static str {
        match self {
            GroupType::Private => "1",
            GroupType::Public => "2",
            GroupType::ChatRoom => "3",
            GroupType::AVChatRoom => "a",
            GroupType::Community => "_@TGS#c",
        }
    }
}

/// A member's role in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Owner,
    Admin,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Admin => "Admin",
            Role::Member => "Member",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "Owner" => Role::Owner,
            "Admin" => Role::Admin,
            "Member" => Role::Member,
            _ => return None,
        })
    }
}

/// How a member receives the group's messages (`MsgFlag`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MsgFlag {
    AcceptAndNotify,
    AcceptNotNotify,
    Discard,
}

impl MsgFlag {
    pub fn as_str(self) -> &'static str {
        match self {
            MsgFlag::AcceptAndNotify => "AcceptAndNotify",
            MsgFlag::AcceptNotNotify => "AcceptNotNotify",
            MsgFlag::Discard => "Discard",
        }
    }

    pub fn parse(s: &str) -> Option<MsgFlag> {
        Some(match s {
            "AcceptAndNotify" => MsgFlag::AcceptAndNotify,
            "AcceptNotNotify" => MsgFlag::AcceptNotNotify,
            "Discard" => MsgFlag::Discard,
            _ => return None,
        })
    }
}

/// Who may join without an invitation (`ApplyJoinOption`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyJoinOption {
    FreeAccess,
    NeedPermission,
    DisableApply,
}

impl ApplyJoinOption {
    /// A value by its Tencent name; the error names the field and the value.
    pub fn parse(s: &str) -> Result<ApplyJoinOption, String> {
        match s {
            "FreeAccess" => Ok(ApplyJoinOption::FreeAccess),
            "NeedPermission" => Ok(ApplyJoinOption::NeedPermission),
            "DisableApply" => Ok(ApplyJoinOption::DisableApply),
            _ => Err(format!(
                "ApplyJoinOption {s:?} is not FreeAccess, NeedPermission or DisableApply"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ApplyJoinOption::FreeAccess => "FreeAccess",
            ApplyJoinOption::NeedPermission => "NeedPermission",
            ApplyJoinOption::DisableApply => "DisableApply",
        }
    }
}

/// `ShutUpAllMember` (and its English name `MuteAllMember`): "On" or "Off".
pub fn parse_on_off(field: &str, v: &str) -> Result<bool, String> {
    match v {
        "On" => Ok(true),
        "Off" => Ok(false),
        _ => Err(format!("{field} must be On or Off")),
    }
}

/// The answer's spelling of an on/off setting.
pub fn on_off(on: bool) -> &'static str {
    if on { "On" } else { "Off" }
}

/// `{Key, Value}` custom data; values may hold any bytes, including `\u0000`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyValue {
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "Value")]
    pub value: String,
}

/// Checks a custom-data list: keys of 1–16 bytes of `[A-Za-z0-9_]`, bounded values, bounded count.
pub fn check_custom_data(
    field: &str,
    items: &[KeyValue],
    max_keys: usize,
    max_value_bytes: usize,
) -> Result<(), String> {
    if items.len() > max_keys {
        return Err(format!("{field} has more than {max_keys} keys"));
    }
    for item in items {
        let key_ok = !item.key.is_empty()
            && item.key.len() <= 16
            && item
                .key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !key_ok {
            return Err(format!(
                "{field}: key {:?} must be 1-16 bytes of letters, digits or _",
                item.key
            ));
        }
        if item.value.len() > max_value_bytes {
            return Err(format!(
                "{field}: value of {} is longer than {max_value_bytes} bytes",
                item.key
            ));
        }
    }
    Ok(())
}

/// Applies an edit of custom data: each key given replaces the stored one, and an empty
/// value deletes it.
pub fn merge_custom_data(stored: &mut Vec<KeyValue>, edits: Vec<KeyValue>) {
    for kv in edits {
        stored.retain(|old| old.key != kv.key);
        if !kv.value.is_empty() {
            stored.push(kv);
        }
    }
}

/// Checks an optional text field against its byte limit.
pub fn check_len(field: &str, value: Option<&str>, max: usize) -> Result<(), String> {
    match value {
        Some(v) if v.len() > max => Err(format!("{field} is longer than {max} bytes")),
        _ => Ok(()),
    }
}

/// The text fields of a group profile, as a request gives them (absent = unchanged or empty).
#[derive(Debug, Clone, Copy, Default)]
pub struct ProfileTexts<'a> {
    pub name: Option<&'a str>,
    pub introduction: Option<&'a str>,
    pub notification: Option<&'a str>,
    pub face_url: Option<&'a str>,
}

impl ProfileTexts<'_> {
    /// Checks each text against its byte limit, in the order the fields are documented.
    pub fn check(&self) -> Result<(), String> {
        check_len("Name", self.name, MAX_NAME_BYTES)?;
        check_len("Introduction", self.introduction, MAX_INTRODUCTION_BYTES)?;
        check_len("Notification", self.notification, MAX_NOTIFICATION_BYTES)?;
        check_len("FaceUrl", self.face_url, MAX_FACE_URL_BYTES)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_follow_tencent_s_form() {
        let id = generate_group_id(GroupType::Public);
        assert!(id.as_str().starts_with("@TGS#2"));
        assert_eq!(id.as_str().len(), 14);
        let community = generate_group_id(GroupType::Community);
        assert!(community.as_str().starts_with("@TGS#_@TGS#c"));
        assert!(GroupId::parse_custom(community.as_str(), true).is_ok());
    }

    #[test]
    fn the_owner_goes_only_where_it_may_leave() {
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let public = GroupType::Public;
        assert!(matches!(
            public.check_owner_may_go("o", &ids(&["a", "o"]), "removed"),
            Err(Refusal::OwnerCannotLeave(_))
        ));
        assert!(
            GroupType::AVChatRoom
                .check_owner_may_go("o", &ids(&["o"]), "banned")
                .is_err()
        );
        assert!(
            public
                .check_owner_may_go("o", &ids(&["a"]), "removed")
                .is_ok()
        );
        assert!(
            public
                .check_owner_may_go("", &ids(&["a"]), "removed")
                .is_ok()
        );
        let private = GroupType::Private;
        assert!(
            private
                .check_owner_may_go("o", &ids(&["o"]), "banned")
                .is_ok()
        );
    }

    #[test]
    fn custom_data_edits_replace_and_delete_keys() {
        let kv = |k: &str, v: &str| KeyValue {
            key: k.into(),
            value: v.into(),
        };
        let mut stored = vec![kv("a", "1"), kv("b", "2")];
        merge_custom_data(&mut stored, vec![kv("a", ""), kv("b", "3"), kv("c", "4")]);
        assert_eq!(stored, vec![kv("b", "3"), kv("c", "4")]);
    }

    #[test]
    fn enumerated_fields_name_the_bad_value() {
        assert_eq!(
            ApplyJoinOption::parse("FreeAccess"),
            Ok(ApplyJoinOption::FreeAccess)
        );
        assert!(ApplyJoinOption::parse("Anyone").is_err_and(|e| e.contains("\"Anyone\"")));
        assert_eq!(parse_on_off("ShutUpAllMember", "On"), Ok(true));
        assert!(parse_on_off("ShutUpAllMember", "on").is_err());
    }
}
