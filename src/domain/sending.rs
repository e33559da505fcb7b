//! Who may speak in a group: the rule send_group_msg applies, inside the store's transaction
//! for stored messages and before answering for online-only ones.

use super::group::Role;
use super::refusal::Refusal;
use super::unread::ReadMark;

/// What sending needs of the sender's membership.
#[derive(Debug, Clone, Copy)]
pub struct Sender {
    pub role: Role,
    pub shut_up_until: i64,
    pub mark: ReadMark,
}

/// Whether `sender` (its membership, if any) may speak at `now` in a group whose
/// ShutUpAllMember is `all_muted`: not muted itself, and, while everyone is muted, the owner,
/// an admin or an app admin.
pub fn check_may_send(
    all_muted: bool,
    sender: Option<Sender>,
    sender_is_app_admin: bool,
    now: i64,
) -> Result<(), Refusal> {
    if sender.is_some_and(|m| m.shut_up_until > now) {
        return Err(Refusal::SenderMuted);
    }
    let privileged =
        sender_is_app_admin || sender.is_some_and(|m| matches!(m.role, Role::Owner | Role::Admin));
    if all_muted && !privileged {
        return Err(Refusal::SenderMuted);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(role: Role, shut_up_until: i64) -> Option<Sender> {
        Some(Sender {
            role,
            shut_up_until,
            mark: ReadMark::default(),
        })
    }

    #[test]
    fn muted_senders_and_muted_groups() {
        assert_eq!(check_may_send(false, None, false, 10), Ok(()));
        assert_eq!(
            check_may_send(false, member(Role::Owner, 11), false, 10),
            Err(Refusal::SenderMuted)
        );
        assert_eq!(
            check_may_send(false, member(Role::Member, 10), false, 10),
            Ok(())
        );
        assert_eq!(
            check_may_send(true, member(Role::Member, 0), false, 10),
            Err(Refusal::SenderMuted)
        );
        assert_eq!(
            check_may_send(true, member(Role::Admin, 0), false, 10),
            Ok(())
        );
        assert_eq!(check_may_send(true, None, true, 10), Ok(()));
        assert_eq!(
            check_may_send(true, None, false, 10),
            Err(Refusal::SenderMuted)
        );
    }
}
