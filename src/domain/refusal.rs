//! Why a domain rule refused a change. Rules the store applies inside its transactions (who may
//! send, the edits of a group or a membership) raise these; `src/error.rs` gives them numbers.

use super::group_attr::{AttrError, CounterError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// A value the rules do not allow (the family's invalid-parameter code).
    #[error("{0}")]
    Invalid(String),
    /// Not allowed for this group type or member (the family's no-permission code).
    #[error("{0}")]
    NoPermission(String),
    /// The owner would leave (be removed or banned from) a group type that must keep one:
    /// ownership must be transferred first.
    #[error("{0}")]
    OwnerCannotLeave(String),
    /// The sender is muted, or the group is muted for ordinary members.
    #[error("the sender is muted in this group")]
    SenderMuted,
    /// The sender is muted for the whole app (openconfigsvr setnospeaking) for this kind of
    /// message.
    #[error("the sender is muted by setnospeaking")]
    GloballyMuted,
    /// The recipient of a one-to-one message has blocked its sender.
    #[error("the recipient has blocked the sender")]
    BlockedByRecipient,
    /// A write to a group's custom attributes breaks their limits (or deletes a missing key).
    #[error("{0}")]
    Attr(AttrError),
    /// A group counter update breaks the counters' limits.
    #[error("{0}")]
    Counter(CounterError),
    /// A Community already has its most live topics ([`crate::domain::topic::MAX_TOPICS`]).
    #[error("the Community already has {0} topics, the most it may have")]
    TooManyTopics(i64),
}
