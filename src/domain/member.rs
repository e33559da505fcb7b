//! Membership rules: the roles a request may give, member custom data and name cards, mutes.
//!
//! Rule violations are returned as the text of the error; the caller picks the condition
//! (invalid parameter or no permission) its command's page documents.

use super::group::{GroupType, Role};

/// Member custom data (`AppMemberDefinedData`): at most 5 keys, values up to 64 bytes.
pub const MAX_MEMBER_KEYS: usize = 5;
pub const MAX_MEMBER_VALUE_BYTES: usize = 64;
/// Longest `NameCard`, in bytes.
pub const MAX_NAME_CARD_BYTES: usize = 50;

/// `ShutUpTime` 4294967295 means "muted for good"; it is stored as that absolute time.
pub const PERMANENT_MUTE: u32 = u32::MAX;

/// The time a mute of `secs` seconds from `now` ends (0 = not muted).
pub fn mute_until(now: i64, secs: u32) -> i64 {
    match secs {
        0 => 0,
        PERMANENT_MUTE => i64::from(PERMANENT_MUTE),
        s => now + i64::from(s),
    }
}

/// The join time of an imported member: its `JoinTime` when that falls after the group's
/// creation and before `now`, else `None` (that member is not imported); absent = now.
pub fn import_join_time(requested: Option<u32>, created_at: i64, now: i64) -> Option<i64> {
    match requested {
        None => Some(now),
        Some(t) => {
            let t = i64::from(t);
            (t > created_at && t < now).then_some(t)
        }
    }
}

/// The role a member may be given when it joins by create_group or import_group_member: only
/// `Admin` (or plain `Member`), and never Admin in a group type without admins.
pub fn requested_role(raw: Option<&str>, t: GroupType) -> Result<Role, String> {
    match raw {
        None | Some("Member") => Ok(Role::Member),
        Some("Admin") if !t.has_admins() => Err(no_admins(t)),
        Some("Admin") => Ok(Role::Admin),
        Some(other) => Err(format!("Role {other:?} cannot be given; only Admin")),
    }
}

/// The role modify_group_member_info may set: Admin or Member (ownership moves only with
/// change_group_owner).
pub fn settable_role(raw: &str) -> Result<Role, String> {
    match raw {
        "Admin" => Ok(Role::Admin),
        "Member" => Ok(Role::Member),
        _ => Err(format!("Role {raw:?} must be Admin or Member")),
    }
}

/// Whether a member holding `current` in a group of type `t` may be given `new`.
pub fn check_role_change(t: GroupType, current: Role, new: Role) -> Result<(), String> {
    if current == Role::Owner {
        return Err("the owner's role changes only with change_group_owner".into());
    }
    if new == Role::Admin && !t.has_admins() {
        return Err(no_admins(t));
    }
    Ok(())
}

/// Whether members of a group of type `t` may be muted for `secs` (0 unmutes); `owner_among`
/// says whether the owner is one of them: the owner cannot be muted, only unmuted.
pub fn check_mute(t: GroupType, owner_among: bool, secs: u32) -> Result<(), String> {
    if t == GroupType::Private {
        return Err("Private groups do not support muting".into());
    }
    if owner_among && secs > 0 {
        return Err("the owner cannot be muted".into());
    }
    Ok(())
}

fn no_admins(t: GroupType) -> String {
    format!("{} groups have no Admin role", t.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutes_end_at_now_plus_secs_or_never() {
        assert_eq!(mute_until(100, 0), 0);
        assert_eq!(mute_until(100, 60), 160);
        assert_eq!(mute_until(100, PERMANENT_MUTE), 4_294_967_295);
    }

    #[test]
    fn imported_join_times_fall_between_creation_and_now() {
        assert_eq!(import_join_time(None, 100, 200), Some(200));
        assert_eq!(import_join_time(Some(150), 100, 200), Some(150));
        assert_eq!(import_join_time(Some(100), 100, 200), None);
        assert_eq!(import_join_time(Some(200), 100, 200), None);
    }

    #[test]
    fn role_rules() {
        assert_eq!(requested_role(None, GroupType::Public), Ok(Role::Member));
        assert_eq!(
            requested_role(Some("Admin"), GroupType::Public),
            Ok(Role::Admin)
        );
        assert!(requested_role(Some("Admin"), GroupType::Private).is_err());
        assert!(requested_role(Some("Owner"), GroupType::Public).is_err());
        assert!(settable_role("Owner").is_err());
        assert!(check_role_change(GroupType::Public, Role::Owner, Role::Member).is_err());
        assert!(check_role_change(GroupType::AVChatRoom, Role::Member, Role::Admin).is_err());
        assert!(check_role_change(GroupType::Community, Role::Member, Role::Admin).is_ok());
    }

    #[test]
    fn mute_rules() {
        assert!(check_mute(GroupType::Private, false, 60).is_err());
        assert!(check_mute(GroupType::Public, true, 60).is_err());
        assert!(check_mute(GroupType::Public, true, 0).is_ok());
        assert!(check_mute(GroupType::ChatRoom, false, 60).is_ok());
    }
}
