//! How the tables map to rows, shared by every SQL path of both engines: the column lists, the
//! row decoders, and the statements more than one path runs.

use std::sync::LazyLock;

use serde::Serialize;

use super::StoreError;
use super::StoreResult;
use super::db::{Columns, Row};
use super::model::*;
use crate::domain::group::{GroupType, MsgFlag, Role};
use crate::domain::unread::{GroupCounters, ReadMark, clamp_sql, unread_types_sql};

/// An upper bound used where a query has no LIMIT: portable to both engines.
pub const NO_LIMIT: i64 = 1 << 53;

pub const GROUP_COLS: &str = "group_id, group_type, owner, created_at, last_info_time, last_msg_time, \
     next_msg_seq, counted, reset_rank, member_num, max_member_num, destroyed, profile, member_serial, cleared_seq";

pub const MEMBER_COLS: &str = "user_id, role, join_time, unread_base, rank_base, msg_flag, \
     last_send_time, shut_up_until, profile";

pub fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("stored {what}"))
}

pub fn group_from_row(r: &dyn Columns, at: usize) -> StoreResult<(GroupRow, i64)> {
    let group_type = r.str(at + 1)?;
    let profile = r.str(at + 12)?;
    let row = GroupRow {
        group_id: r.text(at)?,
        group_type: GroupType::parse(group_type).ok_or_else(|| corrupt("group type"))?,
        owner: r.text(at + 2)?,
        created_at: r.int(at + 3)?,
        last_info_time: r.int(at + 4)?,
        last_msg_time: r.int(at + 5)?,
        counters: GroupCounters {
            next_msg_seq: r.int(at + 6)?,
            counted: r.int(at + 7)?,
            reset_rank: r.int(at + 8)?,
            cleared_seq: r.int(at + 14)?,
        },
        member_num: r.int(at + 9)?,
        max_member_num: r.int(at + 10)?,
        destroyed: r.int(at + 11)? != 0,
        profile: serde_json::from_str(profile).map_err(|_| corrupt("group profile"))?,
    };
    Ok((row, r.int(at + 13)?))
}

pub fn member_from_row(r: &dyn Columns, at: usize) -> StoreResult<MemberRow> {
    let role = r.str(at + 1)?;
    let profile = r.str(at + 8)?;
    Ok(MemberRow {
        user_id: r.text(at)?,
        role: Role::parse(role).ok_or_else(|| corrupt("member role"))?,
        join_time: r.int(at + 2)?,
        mark: ReadMark {
            unread_base: r.int(at + 3)?,
            rank_base: r.int(at + 4)?,
        },
        msg_flag: MsgFlag::parse(r.str(at + 5)?).ok_or_else(|| corrupt("member msg_flag"))?,
        last_send_time: r.int(at + 6)?,
        shut_up_until: r.int(at + 7)?,
        profile: member_profile(profile)?,
    })
}

/// The stored form of a membership without name card or custom data: most of them.
pub static EMPTY_MEMBER_PROFILE: LazyLock<String> =
    LazyLock::new(|| to_json(&MemberProfile::default()));

/// Decodes a stored member profile; the common empty one without parsing (a member page
/// decodes a hundred of them).
pub fn member_profile(stored: &str) -> StoreResult<MemberProfile> {
    if stored == EMPTY_MEMBER_PROFILE.as_str() {
        return Ok(MemberProfile::default());
    }
    serde_json::from_str(stored).map_err(|_| corrupt("member profile"))
}

pub fn message_from_row(r: &Row) -> StoreResult<MessageRow> {
    Ok(MessageRow {
        seq: r.int(0)?,
        from_account: r.text(1)?,
        random: r.int(2)?,
        time: r.int(3)?,
        priority: r.int(4)?,
        place: r.int(5)?,
        payload: r.blob(6)?,
    })
}

/// A column list with every column prefixed by a table alias: `g.group_id, g.group_type, …`.
pub fn qualified(cols: &str, table: &str) -> String {
    cols.split(", ")
        .map(|c| format!("{table}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// [`GROUP_COLS`] of the table aliased `g`, and [`MEMBER_COLS`] of `m`, built once.
pub static G_GROUP_COLS: LazyLock<String> = LazyLock::new(|| qualified(GROUP_COLS, "g"));

pub static M_MEMBER_COLS: LazyLock<String> = LazyLock::new(|| qualified(MEMBER_COLS, "m"));

/// How many columns [`GROUP_COLS`] lists: where the columns after them start in a row.
pub static GROUP_COL_COUNT: LazyLock<usize> = LazyLock::new(|| GROUP_COLS.split(", ").count());

/// How many columns [`MEMBER_COLS`] lists.
pub static MEMBER_COL_COUNT: LazyLock<usize> = LazyLock::new(|| MEMBER_COLS.split(", ").count());

/// set_unread_msg_num's common case as one statement: the read mark clamped to the group's
/// counters (`lock` keeps them from moving meanwhile); no row when there is no such live group
/// of a type with unread counts, or no such member. Parameters: app, group, member, count.
pub fn set_unread_sql(lock: &str) -> String {
    let unread_types = unread_types_sql();
    let clamp = clamp_sql("$4", "g.next_msg_seq");
    format!(
        "WITH g AS (SELECT next_msg_seq, counted FROM chat_groups \
         WHERE sdkappid = $1 AND group_id = $2 AND destroyed = 0 \
         AND group_type IN ({unread_types}){lock}) \
         UPDATE members SET rank_base = g.counted, unread_base = {clamp} \
         FROM g WHERE members.sdkappid = $1 \
         AND members.group_id = $2 AND members.user_id = $3 \
         RETURNING members.unread_base"
    )
}

/// [`set_unread_sql`] for each lock clause, built once: set_unread_msg_num is the hottest
/// command, and building its statement per call formatted three strings.
pub static SET_UNREAD_NO_LOCK: LazyLock<String> = LazyLock::new(|| set_unread_sql(""));
pub static SET_UNREAD_FOR_SHARE: LazyLock<String> = LazyLock::new(|| set_unread_sql(" FOR SHARE"));

pub fn to_json<T: Serialize>(v: &T) -> String {
    // Serializing plain data structs into a String cannot fail.
    serde_json::to_string(v).unwrap_or_default()
}

/// What a send writes besides the message itself.
pub struct SentMessage {
    pub seq: i64,
    pub counters: GroupCounters,
    pub last_msg_time: i64,
    /// The sender's new read mark, when the sender is a member.
    pub sender_mark: Option<ReadMark>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::group::KeyValue;

    #[test]
    fn member_profiles_decode_alike_with_and_without_the_shortcut() {
        let empty = to_json(&MemberProfile::default());
        assert_eq!(member_profile(&empty).ok(), Some(MemberProfile::default()));
        let full = MemberProfile {
            name_card: "card".into(),
            app_member_defined_data: vec![KeyValue {
                key: "k".into(),
                value: "v".into(),
            }],
        };
        assert_eq!(member_profile(&to_json(&full)).ok(), Some(full));
        // Same meaning, other spelling: decoded the long way.
        let spaced = r#"{ "name_card": "", "app_member_defined_data": [] }"#;
        assert_eq!(member_profile(spaced).ok(), Some(MemberProfile::default()));
        assert!(member_profile("{").is_err());
    }
}
