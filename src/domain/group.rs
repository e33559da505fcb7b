//! Group types, roles and the per-type capability rules of Tencent's group system.

use serde::{Deserialize, Serialize};

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

    /// AVChatRoom refuses import_group, import_group_member and import_group_msg (10007).
    pub fn allows_import(self) -> bool {
        self != GroupType::AVChatRoom
    }

    /// AVChatRoom does not store members: they join only by applying from a client.
    pub fn stores_members(self) -> bool {
        self != GroupType::AVChatRoom
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

/// Who may join without an invitation.
pub fn valid_apply_join_option(s: &str) -> bool {
    matches!(s, "FreeAccess" | "NeedPermission" | "DisableApply")
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
