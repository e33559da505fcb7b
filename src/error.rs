//! One error enum for every command, and the one place that turns it into Tencent's `ErrorCode`;
//! also the per-item codes of batch answers, so every Tencent number lives in this file.
//!
//! Variants name the condition. Generic conditions (bad parameter, no permission, internal)
//! carry a different number in each service family, so the family comes from the command table.
//! `docs/errors.md` lists every number used here.

use crate::domain::group_attr::{AttrError, CounterError};
use crate::domain::profile::TagError;
use crate::domain::refusal::Refusal;
use crate::store::{MemberResult, StoreError};
use crate::usersig::SigError;

/// The service family of a command: it decides the numbers of generic errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `im_open_login_svc`: 70402 / 70403 / 70500.
    Account,
    /// `group_open_http_svc`: 10004 / 10007 / 10002.
    Group,
    /// `openim` (one-to-one messages): 90001 / 90009 / 91000, and a code per request field.
    OpenIm,
    /// `recentcontact` (conversations): 50002 / 50003 / 50004.
    RecentContact,
    /// `profile`: 40001 / 40004 / 40006.
    Profile,
    /// `sns` (the relationship chain): 30001 / 30004 / 30006.
    Sns,
    /// `openconfigsvr` (global mute, operations data): 130001 / 130001 / 130014, and a code
    /// per account field. Its answers carry no `ActionStatus`.
    OpenConfig,
    /// Answers produced before a command is known (framing, authentication).
    Rest,
}

impl Family {
    /// The family's code for a bad request field.
    fn invalid_param(self) -> i64 {
        match self {
            Family::Group => 10004,
            Family::OpenIm => 90001,
            Family::RecentContact => 50002,
            Family::Profile => 40001,
            Family::Sns => 30001,
            Family::OpenConfig => 130001,
            Family::Account | Family::Rest => 70402,
        }
    }

    /// The code of a body that is not JSON: `openconfigsvr` has its own.
    fn bad_json(self) -> i64 {
        match self {
            Family::OpenConfig => 130001,
            _ => 60003,
        }
    }

    /// The family's code for an operation not allowed.
    fn no_permission(self) -> i64 {
        match self {
            Family::Group => 10007,
            Family::OpenIm => 90009,
            Family::RecentContact => 50003,
            Family::Profile => 40004,
            Family::Sns => 30004,
            // Nothing in openconfigsvr is refused for permission; its generic code.
            Family::OpenConfig => 130001,
            Family::Account | Family::Rest => 70403,
        }
    }

    /// The family's code for an internal error.
    fn internal(self) -> i64 {
        match self {
            Family::Group => 10002,
            Family::Account => 70500,
            Family::OpenIm => 91000,
            Family::RecentContact => 50004,
            Family::Profile => 40006,
            Family::Sns => 30006,
            Family::OpenConfig => 130014,
            Family::Rest => 60008,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    // ---- framing (REST common codes) ----
    #[error("the request must carry the sdkappid query parameter")]
    MissingSdkAppId,
    #[error("{0}")]
    BadRequestLine(String),
    #[error("{0}")]
    BadJson(String),
    #[error("request body is larger than the limit of {0} bytes")]
    BodyTooLarge(usize),
    #[error("{0}")]
    UnknownResource(String),
    #[error("unknown command {0}")]
    UnknownCommand(String),
    #[error("REST API call frequency exceeded the limit of {0} calls per second")]
    RateLimited(u32),

    // ---- authentication ----
    #[error("the SDKAppID {0} does not exist")]
    UnknownApp(u64),
    #[error("{0}")]
    MissingCredential(&'static str),
    #[error("{0}")]
    UserSig(SigError),
    #[error("UserSig was invalidated by kick; generate a new one")]
    UserSigRevoked,
    #[error("too many failed UserSig verifications for {0}; retry in 1 minute")]
    TooManySigFailures(String),
    #[error("the identifier {0} is not an App admin account")]
    NotAdmin(String),

    // ---- generic, numbered per family ----
    #[error("{0}")]
    InvalidParam(String),
    /// A request field is missing, ill-typed or breaks its rules: one-to-one commands answer
    /// with a code of the field's own.
    #[error("{msg}")]
    InvalidField { field: String, msg: String },
    #[error("{0}")]
    NoPermission(String),
    #[error("internal server error, please retry")]
    Internal(String),
    #[error("{0}")]
    TooManyItems(String),

    // ---- accounts ----
    #[error("the account {0} does not exist")]
    AccountNotFound(String),

    // ---- groups ----
    #[error("the group {0} does not exist or has been deleted")]
    GroupNotFound(String),
    #[error("invalid group id: {0}")]
    InvalidGroupId(String),
    #[error("the group id {0} is already in use")]
    GroupIdTaken(String),
    #[error("the group id {0} was used by you before; destroy it or pick another")]
    GroupIdTakenByYou(String),
    #[error("the group {0} is full")]
    GroupFull(String),
    #[error("the account {0} does not exist")]
    UserNotFound(String),
    #[error("{0}")]
    NotMember(String),
    #[error("message body is longer than 8000 bytes")]
    MsgTooLong,
    #[error("imported message content is longer than 8000 bytes")]
    ImportMsgTooLong,
    #[error("the sender is muted in this group")]
    SenderMuted,
    #[error("{0}")]
    OwnerCannotLeave(String),
    #[error("{0}")]
    DeleteNotSupported(String),
    #[error("{0}")]
    GroupAttr(AttrError),
    #[error("{0}")]
    GroupCounter(CounterError),

    // ---- community topics ----
    #[error("the group {0} does not support topics (only a Community created with SupportTopic 1)")]
    TopicsUnsupported(String),
    #[error("the topic {0} does not exist")]
    TopicNotFound(String),
    #[error("the topic {0} has been destroyed")]
    TopicDestroyed(String),
    #[error("the topic id {0} is already in use")]
    TopicIdTaken(String),
    #[error("the topic id {0} was used by you before; pick another")]
    TopicIdUsedByYou(String),
    #[error("the Community already has {0} topics, the most it may have")]
    TooManyTopics(i64),

    // ---- read receipts and global mutes ----
    #[error("{0}")]
    NoReceipt(String),
    /// setnospeaking muted the sender: 10017 for group messages, 20012 for one-to-one ones.
    #[error("the sender is muted by setnospeaking")]
    GloballyMuted,

    // ---- openconfigsvr ----
    #[error("{0} is required")]
    MissingAccountField(&'static str),
    #[error("give C2CmsgNospeakingTime, GroupmsgNospeakingTime or both")]
    NoMuteTime,

    // ---- one-to-one messages ----
    #[error("the account {0} is not imported")]
    RecipientNotFound(String),
    #[error("{0}")]
    C2cMsgNotFound(String),
    #[error("{0}")]
    C2cMsgAlreadyRecalled(String),
    #[error("{0}")]
    BlockedByRecipient(String),

    // ---- relationship chain ----
    #[error("{0}")]
    ListLimit(String),

    // ---- profiles ----
    #[error("{0}")]
    ProfileTag(TagError),
}

impl ApiError {
    /// Tencent's `ErrorCode` for this error when raised by a command of `family`.
    pub fn code(&self, family: Family) -> i64 {
        use ApiError::*;
        match self {
            MissingSdkAppId => 60012,
            BadRequestLine(_) => 60002,
            BadJson(_) => family.bad_json(),
            BodyTooLarge(_) => 60002,
            UnknownResource(_) => 60009,
            UnknownCommand(_) => match family {
                Family::Group => 10003,
                _ => 60009,
            },
            RateLimited(_) => 60007,
            UnknownApp(_) => 70020,
            MissingCredential(_) => 60004,
            UserSig(e) => match e {
                SigError::Empty => 70002,
                SigError::Malformed(_) | SigError::Implausible(_) => 70003,
                SigError::SdkAppIdMismatch => 70014,
                SigError::IdentifierMismatch => 70013,
                SigError::Expired => 70001,
                SigError::BadSignature => 70009,
            },
            UserSigRevoked => 70052,
            TooManySigFailures(_) => 70050,
            NotAdmin(_) => 60010,
            InvalidParam(_) => family.invalid_param(),
            InvalidField { field, .. } => field_code(family, field),
            NoPermission(_) => family.no_permission(),
            Internal(_) => family.internal(),
            TooManyItems(_) => match family {
                Family::Group => 10005,
                Family::OpenIm => 90011,
                _ => family.invalid_param(),
            },
            AccountNotFound(_) => match family {
                Family::Profile => 40003,
                Family::Sns => 30003,
                _ => 70107,
            },
            GroupNotFound(_) => 10010,
            InvalidGroupId(_) => 10015,
            GroupIdTaken(_) => 10021,
            GroupIdTakenByYou(_) => 10025,
            GroupFull(_) => 10014,
            UserNotFound(_) => match family {
                Family::OpenIm => 90012,
                Family::RecentContact => 50001,
                _ => 10019,
            },
            NotMember(_) => 10007,
            MsgTooLong => match family {
                Family::OpenIm => 93000,
                _ => 80002,
            },
            ImportMsgTooLong => 10020,
            SenderMuted => 10017,
            OwnerCannotLeave(_) => 10009,
            DeleteNotSupported(_) => 10035,
            GroupAttr(_) | GroupCounter(_) | TopicsUnsupported(_) | TopicNotFound(_)
            | TopicDestroyed(_) | TopicIdTaken(_) | TopicIdUsedByYou(_) | TooManyTopics(_) => {
                self.group_feature_code(family)
            }
            NoReceipt(_) | GloballyMuted | MissingAccountField(_) | NoMuteTime => {
                self.receipt_or_mute_code(family)
            }
            RecipientNotFound(_) => 90012,
            C2cMsgNotFound(_) => 20022,
            C2cMsgAlreadyRecalled(_) => 20023,
            BlockedByRecipient(_) => 20007,
            ListLimit(_) => 30011,
            ProfileTag(e) => match e {
                TagError::Unknown(_) => 40009,
                TagError::TooLong(_) => 40601,
                TagError::BadValue(_) => 40605,
                TagError::WrongType(_) => 40610,
            },
        }
    }

    /// The codes of group attributes, counters and Community topics.
    fn group_feature_code(&self, family: Family) -> i64 {
        match self {
            ApiError::GroupAttr(e) => match e {
                AttrError::BadKey(_) => family.invalid_param(),
                AttrError::KeyTooLong(_) => 10045,
                AttrError::ValueTooLong(_) => 10046,
                AttrError::TooManyKeys(_) => 10047,
                AttrError::TooLarge(_) => 10048,
                AttrError::NoSuchKey(_) => 10050,
            },
            ApiError::GroupCounter(e) => match e {
                CounterError::BadKey(_) | CounterError::Overflow(_) => family.invalid_param(),
                CounterError::TooMany(_) => 10063,
            },
            ApiError::TopicsUnsupported(_) => 11000,
            ApiError::TopicNotFound(_) => 10010,
            ApiError::TopicDestroyed(_) => 110003,
            ApiError::TopicIdTaken(_) => 10021,
            ApiError::TopicIdUsedByYou(_) => 10025,
            ApiError::TooManyTopics(_) => 10037,
            _ => family.internal(),
        }
    }

    /// The codes of read receipts, global mutes and their settings (`openconfigsvr`).
    fn receipt_or_mute_code(&self, family: Family) -> i64 {
        match self {
            ApiError::NoReceipt(_) => 10062,
            ApiError::GloballyMuted if family == Family::OpenIm => 20012,
            ApiError::GloballyMuted => 10017,
            ApiError::MissingAccountField("Set_Account") => 130004,
            ApiError::MissingAccountField(_) => 130002,
            ApiError::NoMuteTime => 130008,
            _ => family.internal(),
        }
    }

    /// A field's error: `field` names it (the first step of its path), `msg` says what is wrong.
    pub fn field(field: &str, msg: impl Into<String>) -> ApiError {
        ApiError::InvalidField {
            field: field.to_string(),
            msg: msg.into(),
        }
    }

    /// The `ErrorInfo` text: what was wrong, never internal details.
    pub fn info(&self) -> String {
        self.to_string()
    }

    pub fn invalid(msg: impl Into<String>) -> ApiError {
        ApiError::InvalidParam(msg.into())
    }
}

impl From<StoreError> for ApiError {
    /// Storage conditions as Tencent errors. Database failures become the family's internal
    /// error: logged in full, answered with a fixed text.
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::GroupNotFound(id) => ApiError::GroupNotFound(id),
            StoreError::NotMember { .. } => ApiError::NotMember(e.to_string()),
            StoreError::AccountNotFound(id) => ApiError::UserNotFound(id),
            StoreError::GroupIdTaken {
                group_id,
                destroyed: true,
            } => ApiError::GroupIdTakenByYou(group_id),
            StoreError::GroupIdTaken { group_id, .. } => ApiError::GroupIdTaken(group_id),
            StoreError::GroupFull(id) => ApiError::GroupFull(id),
            StoreError::TopicsUnsupported(id) => ApiError::TopicsUnsupported(id),
            StoreError::TopicNotFound {
                topic,
                destroyed: true,
            } => ApiError::TopicDestroyed(topic),
            StoreError::TopicNotFound { topic, .. } => ApiError::TopicNotFound(topic),
            // create_topic answers 10025 instead (see million_group_open_http_svc::create_topic).
            StoreError::TopicIdTaken(id) => ApiError::TopicIdTaken(id),
            StoreError::Refused(r) => r.into(),
            StoreError::Unavailable(_)
            | StoreError::Full(_)
            | StoreError::Corrupt(_)
            | StoreError::Internal(_) => ApiError::Internal(e.to_string()),
        }
    }
}

/// The code of a bad request field: `openim` and `openconfigsvr` number some fields apart.
fn field_code(family: Family, field: &str) -> i64 {
    match (family, field) {
        (Family::OpenIm, _) => openim_field_code(field),
        (Family::OpenConfig, "Set_Account") => 130005,
        (Family::OpenConfig, "Get_Account") => 130003,
        _ => family.invalid_param(),
    }
}

/// The code of a bad field in a one-to-one (`openim`) request: Tencent numbers most fields'
/// errors apart. Fields naming the operating side (sender, reader, perspective) share
/// From_Account's 90008; those naming the other side share To_Account's 90003.
fn openim_field_code(field: &str) -> i64 {
    match field {
        "To_Account" | "Peer_Account" => 90003,
        "From_Account" | "Operator_Account" | "Report_Account" => 90008,
        "MsgRandom" => 90005,
        "MsgTimeStamp" => 90006,
        "MsgBody" => 90002,
        "SyncFromOldSystem" => 90030,
        "SyncOtherMachine" => 90031,
        "OfflinePushInfo" => 90043,
        "MsgLifeTime" => 90044,
        "MsgKey" => 90054,
        _ => 90001,
    }
}

/// Why one item of a batch failed while the call as a whole succeeded: Tencent reports it in
/// the item's own field (`Result`, `RetCode`, `ResultCode`), with numbers of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemError {
    /// `import_group_msg`: the message's SendTime breaks the time rules.
    BadSendTime,
    /// `import_group_msg`: the message's content is over 8000 bytes.
    MsgTooLong,
    /// `group_msg_recall`: no message has that seq.
    NoSuchMsg,
    /// `account_check`: the UserID breaks the rules.
    InvalidUserId,
    /// `portrait_get`: the account is not imported.
    ProfileAccountNotFound,
    /// `sns` items: a bad field of the item (30001).
    SnsInvalid,
    /// `sns` items: the account is not imported (30003).
    SnsAccountNotFound,
    /// `sns` items: the owner has the most friends allowed (30010).
    SnsFriendLimit,
    /// `friend_delete` items: there is no friendship to remove (31704).
    SnsNotFriend,
    /// `black_list_add` items: the blocklist is full (30013).
    SnsBlocklistFull,
    /// `friend_add` items: the target has the most friends allowed (30014).
    SnsPeerFriendLimit,
    /// `friend_add` items: the owner may not send friend requests (30009).
    SnsAddForbidden,
    /// `friend_add` items: the target is in the owner's blocklist (30515).
    SnsInOwnBlocklist,
    /// `friend_add` items: the owner is in the target's blocklist (30525).
    SnsInTargetBlocklist,
    /// `friend_add` items: the target accepts no friend requests (30516).
    SnsTargetDenies,
    /// `friend_add` items: the target must confirm (30539, a request left pending).
    SnsPending,
    /// `friend_update` items: too many friend lists (30011).
    SnsListLimit,
    /// `group_add` items: the account is not a friend (32216, Tencent's sample).
    SnsListNotFriend,
    /// `batchsendmsg` items: the recipient blocks the sender (20007).
    BlockedByRecipient,
    /// `get_topic` / `destroy_topic` items: no such topic in the group (10010).
    TopicNotFound,
    /// `get_topic` / `destroy_topic` items: the topic was destroyed (110003).
    TopicDestroyed,
    /// get_group_msg_receipt items: the message takes no read receipts (10062).
    NoReceipt,
    /// The account is not imported: `account_delete`, and the `ErrorList` of batchsendmsg,
    /// get_c2c_unread_msg_num and query_online_status.
    AccountNotFound,
}

impl ItemError {
    /// The item's code (an item that succeeded has 0, like a successful call).
    pub fn code(self) -> i64 {
        use ItemError::*;
        match self {
            BadSendTime => 10004,
            MsgTooLong => 80002,
            NoSuchMsg => 10030,
            InvalidUserId => 70402,
            AccountNotFound => 70107,
            ProfileAccountNotFound => 40003,
            SnsInvalid => 30001,
            SnsAccountNotFound => 30003,
            SnsFriendLimit => 30010,
            SnsNotFriend => 31704,
            SnsBlocklistFull => 30013,
            SnsPeerFriendLimit => 30014,
            SnsAddForbidden => 30009,
            SnsInOwnBlocklist => 30515,
            SnsInTargetBlocklist => 30525,
            SnsTargetDenies => 30516,
            SnsPending => 30539,
            SnsListLimit => 30011,
            SnsListNotFriend => 32216,
            BlockedByRecipient => 20007,
            TopicNotFound => 10010,
            TopicDestroyed => 110003,
            NoReceipt => 10062,
        }
    }
}

/// The `Result` of one member in add_group_member and import_group_member.
pub fn member_result_code(r: MemberResult) -> u8 {
    match r {
        MemberResult::Failed | MemberResult::Banned => 0,
        MemberResult::Added => 1,
        MemberResult::AlreadyMember => 2,
    }
}

impl std::fmt::Display for TagError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (TagError::Unknown(m)
        | TagError::TooLong(m)
        | TagError::BadValue(m)
        | TagError::WrongType(m)) = self;
        f.write_str(m)
    }
}

impl From<AttrError> for ApiError {
    fn from(e: AttrError) -> ApiError {
        ApiError::GroupAttr(e)
    }
}

impl From<CounterError> for ApiError {
    fn from(e: CounterError) -> ApiError {
        ApiError::GroupCounter(e)
    }
}

impl From<TagError> for ApiError {
    fn from(e: TagError) -> ApiError {
        ApiError::ProfileTag(e)
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> ApiError {
        match r {
            Refusal::Invalid(m) => ApiError::InvalidParam(m),
            Refusal::NoPermission(m) => ApiError::NoPermission(m),
            Refusal::OwnerCannotLeave(m) => ApiError::OwnerCannotLeave(m),
            Refusal::SenderMuted => ApiError::SenderMuted,
            Refusal::GloballyMuted => ApiError::GloballyMuted,
            Refusal::BlockedByRecipient => ApiError::BlockedByRecipient(r.to_string()),
            Refusal::Attr(e) => ApiError::GroupAttr(e),
            Refusal::Counter(e) => ApiError::GroupCounter(e),
            Refusal::TooManyTopics(max) => ApiError::TooManyTopics(max),
        }
    }
}
