//! Unread arithmetic: derived from a group's counters and one member's read mark, never fanned out.
//!
//! A group keeps `next_msg_seq` (the seq the next message gets), `counted` (how many of its
//! messages count as unread for someone: everything except `NoUnread` sends) and `reset_rank`
//! (the value of `counted` right after the last `import_group_msg`, which sets everyone's unread
//! to 0). A member keeps a [`ReadMark`]: an unread count it had when the mark was written and
//! the group's `counted` at that moment. Its unread count now is the mark's count plus the
//! counting messages since, clamped to the number of messages, and to the messages after the
//! group's clear mark (`cleared_seq`, set by clear_group_msg). Writing a mark touches one row,
//! so sending to a group of 100,000 members or setting one member's count costs the same as
//! in a group of ten.

use super::group::GroupType;

/// The counters a group row carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GroupCounters {
    pub next_msg_seq: i64,
    pub counted: i64,
    pub reset_rank: i64,
    /// The newest seq clear_group_msg cleared (0: none): cleared messages no longer count as
    /// unread.
    pub cleared_seq: i64,
}

/// One member's read mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReadMark {
    pub unread_base: i64,
    pub rank_base: i64,
}

impl GroupCounters {
    /// A new group: no messages yet, the first will get seq 1.
    pub fn new() -> GroupCounters {
        GroupCounters {
            next_msg_seq: 1,
            counted: 0,
            reset_rank: 0,
            cleared_seq: 0,
        }
    }

    /// Seq of the newest message (0 when there is none): "the group's number of messages".
    pub fn latest_seq(&self) -> i64 {
        self.next_msg_seq - 1
    }

    /// The counters after one more message; `counts` is false for `NoUnread` messages.
    pub fn after_message(self, counts: bool) -> GroupCounters {
        GroupCounters {
            next_msg_seq: self.next_msg_seq + 1,
            counted: self.counted + i64::from(counts),
            ..self
        }
    }

    /// The counters after an import that sets every member's unread count to 0.
    pub fn after_unread_reset(self) -> GroupCounters {
        GroupCounters {
            reset_rank: self.counted,
            ..self
        }
    }

    /// The counters after clear_group_msg clears the messages with seq ≤ `upto` (clamped to
    /// the messages there are). The mark never moves back: a clear up to an older seq changes
    /// nothing.
    pub fn after_clear(self, upto: i64) -> GroupCounters {
        GroupCounters {
            cleared_seq: self.cleared_seq.max(upto.clamp(0, self.latest_seq())),
            ..self
        }
    }

    /// A mark giving the member `unread` unread messages now, clamped to the message count.
    pub fn mark_with_unread(&self, unread: i64) -> ReadMark {
        ReadMark {
            unread_base: unread.clamp(0, self.latest_seq()),
            rank_base: self.counted,
        }
    }

    /// The member's unread count. Group types without unread support always report 0.
    pub fn unread(&self, mark: ReadMark, supports_unread: bool) -> i64 {
        if !supports_unread {
            return 0;
        }
        // A mark written before the last import reset counts from the reset.
        let mark = if mark.rank_base < self.reset_rank {
            ReadMark {
                unread_base: 0,
                rank_base: self.reset_rank,
            }
        } else {
            mark
        };
        // Cleared messages do not count: at most the messages after the clear mark, counted as
        // the clamp above counts them (by seq, NoUnread ones included).
        (mark.unread_base + (self.counted - mark.rank_base))
            .min(self.latest_seq() - self.cleared_seq)
            .clamp(0, self.latest_seq())
    }

    /// `MsgSeq` as Tencent reports it: the seq of the last message the member has read,
    /// chosen so that `NextMsgSeq - 1 - MsgSeq` equals the unread count.
    pub fn read_seq(&self, mark: ReadMark, supports_unread: bool) -> i64 {
        self.latest_seq() - self.unread(mark, supports_unread)
    }
}

/// [`GroupCounters::mark_with_unread`]'s clamp as an SQL expression, for statements that move a
/// read mark without reading the counters first: `requested` (an SQL expression) clamped to
/// `0 ..= next_msg_seq - 1` (`next_msg_seq` names the group's column). The one place this rule
/// is written in SQL; a property test checks it against the Rust rule on both engines.
pub fn clamp_sql(requested: &str, next_msg_seq: &str) -> String {
    format!(
        "CASE WHEN {requested} < 0 THEN 0 WHEN {requested} > {next_msg_seq} - 1 \
         THEN {next_msg_seq} - 1 ELSE {requested} END"
    )
}

/// The stored group types that keep unread counts, as an SQL list (`'Private', 'Public', …`),
/// derived from [`GroupType::supports_unread`].
pub fn unread_types_sql() -> String {
    GroupType::ALL
        .iter()
        .filter(|t| t.supports_unread())
        .map(|t| format!("'{}'", t.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn unread_types_are_the_types_that_keep_unread() {
        for t in GroupType::ALL {
            let listed = unread_types_sql().contains(&format!("'{}'", t.as_str()));
            assert_eq!(listed, t.supports_unread(), "{t:?}");
        }
    }

    use super::*;

    fn group_with(messages: i64) -> GroupCounters {
        (0..messages).fold(GroupCounters::new(), |g, _| g.after_message(true))
    }

    #[test]
    fn new_member_starts_at_zero_and_counts_new_messages() {
        let g = group_with(5);
        let mark = g.mark_with_unread(0);
        assert_eq!(g.unread(mark, true), 0);
        let g = g.after_message(true).after_message(true);
        assert_eq!(g.unread(mark, true), 2);
        assert_eq!(g.read_seq(mark, true), 5);
    }

    #[test]
    fn set_unread_is_clamped_to_message_count() {
        let g = group_with(5);
        assert_eq!(g.unread(g.mark_with_unread(100), true), 5);
        assert_eq!(g.unread(g.mark_with_unread(-3), true), 0);
        assert_eq!(g.read_seq(g.mark_with_unread(100), true), 0);
    }

    #[test]
    fn no_unread_messages_do_not_count() {
        let g = group_with(3);
        let mark = g.mark_with_unread(1);
        let g = g.after_message(false);
        assert_eq!(g.unread(mark, true), 1);
        assert_eq!(g.latest_seq(), 4);
    }

    #[test]
    fn import_reset_zeroes_earlier_marks_only() {
        let g = group_with(3);
        let before = g.mark_with_unread(3);
        let g = g
            .after_message(true)
            .after_message(true)
            .after_unread_reset();
        assert_eq!(g.unread(before, true), 0);
        let after = g.mark_with_unread(4);
        assert_eq!(g.unread(after, true), 4);
        let g = g.after_message(true);
        assert_eq!(g.unread(before, true), 1);
        assert_eq!(g.unread(after, true), 5);
    }

    #[test]
    fn clearing_caps_unread_at_the_messages_after_the_mark() {
        let g = group_with(5);
        let mark = g.mark_with_unread(5);
        let cleared = g.after_clear(3);
        assert_eq!(cleared.unread(mark, true), 2);
        assert_eq!(cleared.read_seq(mark, true), 3);
        assert_eq!(cleared.latest_seq(), 5, "seqs stay as they were");
        // An older clear changes nothing; later messages count again.
        assert_eq!(cleared.after_clear(1), cleared);
        let later = cleared.after_message(true);
        assert_eq!(later.unread(mark, true), 3);
        // Clearing everything, and beyond the newest message, reads 0.
        assert_eq!(g.after_clear(i64::MAX).unread(mark, true), 0);
        assert_eq!(g.after_clear(5).unread(g.mark_with_unread(1), true), 0);
        // A member who read more than was cleared keeps its count.
        assert_eq!(cleared.unread(g.mark_with_unread(1), true), 1);
    }

    #[test]
    fn the_clear_cap_counts_seqs_as_the_clamp_does() {
        let g = group_with(3).after_message(false);
        let mark = g.mark_with_unread(3);
        // Seq 4 did not count, but it is a message after the mark, as the clamp counts them.
        assert_eq!(g.after_clear(3).unread(mark, true), 1);
        assert_eq!(g.after_clear(3).read_seq(mark, true), 3);
        assert_eq!(g.after_clear(4).unread(mark, true), 0);
        // set_unread_msg_num may count NoUnread messages; a clear does not undo that by itself.
        let all = g.mark_with_unread(4);
        assert_eq!(g.unread(all, true), 4);
        assert_eq!(g.after_clear(1).unread(all, true), 3);
    }

    #[test]
    fn unsupported_types_report_zero() {
        let g = group_with(4);
        assert_eq!(g.unread(g.mark_with_unread(4), false), 0);
        assert_eq!(g.read_seq(g.mark_with_unread(4), false), 4);
    }
}
