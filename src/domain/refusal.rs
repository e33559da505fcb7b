//! Why a domain rule refused a change. Rules the store applies inside its transactions (who may
//! send, the edits of a group or a membership) raise these; `src/error.rs` gives them numbers.

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

/// Why an attribute write is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttrError {
    /// An empty key, or one with a NUL character (the invalid-parameter code).
    #[error("{0}")]
    BadKey(String),
    #[error("the attribute key {0:?} is longer than 32 bytes")]
    KeyTooLong(String),
    #[error("the value of attribute {0:?} is longer than 4000 bytes")]
    ValueTooLong(String),
    #[error("a group holds at most 16 attributes; this write would leave {0}")]
    TooManyKeys(usize),
    #[error(
        "a group's attribute values hold at most 16000 bytes together; this write would leave {0}"
    )]
    TooLarge(usize),
    #[error("the attribute {0:?} does not exist")]
    NoSuchKey(String),
}

/// Why a counter operation is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CounterError {
    /// An empty or over-long key, or one with NUL (the invalid-parameter code).
    #[error("{0}")]
    BadKey(String),
    #[error("a group holds at most 20 counters; this update would leave {0}")]
    TooMany(usize),
    #[error("the counter {0:?} would leave the signed 64-bit range")]
    Overflow(String),
}
