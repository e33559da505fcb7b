//! `v4/group_open_http_svc/*`: the group system — creation, members, messages, migration imports, unread.
//!
//! This module holds what the commands share: reading ids, finding the live group, checking
//! accounts, new memberships. What only some commands share has a module of its own (`fields`, `answers`,
//! `new_group`); the rules themselves are in `crate::domain`.

pub mod add_group_member;
pub mod answers;
pub mod attrs;
pub mod ban_group_member;
pub mod change_group_owner;
pub mod clear_group_attr;
pub mod clear_group_msg;
pub mod counters;
pub mod create_group;
pub mod delete_group_attr;
pub mod delete_group_counter;
pub mod delete_group_member;
pub mod delete_group_msg_by_sender;
pub mod destroy_group;
pub mod fields;
pub mod forbid_send_msg;
pub mod get_appid_group_list;
pub mod get_group_ban_member;
pub mod get_group_counter;
pub mod get_group_info;
pub mod get_group_member_info;
pub mod get_group_msg_receipt;
pub mod get_group_msg_receipt_detail;
pub mod get_group_muted_account;
pub mod get_group_shutted_uin;
pub mod get_joined_group_list;
pub mod get_online_member_num;
pub mod get_role_in_group;
pub mod get_specified_group_member_info;
pub mod group_msg_get_simple;
pub mod group_msg_recall;
pub mod group_msg_receipt;
pub mod import_group;
pub mod import_group_member;
pub mod import_group_msg;
pub mod import_topic;
pub mod modify_group_attr;
pub mod modify_group_base_info;
pub mod modify_group_member_info;
pub mod new_group;
pub mod send_broadcast_msg;
pub mod send_group_msg;
pub mod send_group_system_notification;
pub mod set_group_attr;
pub mod set_unread_msg_num;
pub mod unban_group_member;
pub mod update_group_counter;

use crate::api::Ctx;
use crate::domain::group::Role;
use crate::domain::ids::{GroupId, UserId};
use crate::error::ApiError;
use crate::store::{GroupRow, MemberProfile, NewMember};

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

/// Fails with 10007 naming the first of `ids` that is not a member of the group (one read).
pub async fn require_members(ctx: &Ctx, id: &GroupId, ids: &[String]) -> Result<(), ApiError> {
    let found = ctx
        .store()
        .memberships(ctx.sdkappid(), id.as_str(), ids)
        .await?;
    match ids.iter().zip(&found).find(|(_, m)| m.is_none()) {
        Some((account, _)) => Err(ApiError::NotMember(format!(
            "{account} is not a member of group {id}"
        ))),
        None => Ok(()),
    }
}

/// A membership to create for `user`, joining at `join_time` with no unread messages and an
/// empty profile. Every member but an app admin must be an imported account.
pub fn new_member(ctx: &Ctx, user: String, role: Role, join_time: i64) -> NewMember {
    NewMember {
        needs_account: !ctx.app.admins.contains(&user),
        user_id: user,
        role,
        join_time,
        unread: 0,
        profile: MemberProfile::default(),
    }
}
