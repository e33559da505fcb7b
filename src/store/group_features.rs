//! The store traits of the newer group features, added beside the core aggregates of
//! `store/mod.rs`: custom attributes and counters, bans, AVChatRoom broadcasts, Community
//! topics, cleared history and read receipts, and the app-wide global mutes and operations data.

use super::StoreResult;
use super::model::*;
use crate::domain::group_attr::{AttrEdit, CounterMode};

/// Group custom attributes and group counters: small key-value sets of a live group. Writes
/// lock the group, judge the whole set they leave by the domain's limits (refused with
/// `Refusal::Attr` / `Refusal::Counter`, nothing written) and commit in one transaction.
#[async_trait::async_trait]
pub trait GroupAttrStore: Send + Sync {
    /// Applies `edit` to the attributes of a live group.
    async fn edit_group_attrs(&self, app: u64, group_id: &str, edit: &AttrEdit) -> StoreResult<()>;
    /// The attributes of a live group, by key.
    async fn group_attrs(&self, app: u64, group_id: &str) -> StoreResult<Vec<(String, String)>>;
    /// Applies `items` in order to the counters of a live group of a type that has them (a
    /// missing key starts at 0); each named key once, in the order first named, with its new
    /// value.
    async fn update_group_counters(
        &self,
        app: u64,
        group_id: &str,
        mode: CounterMode,
        items: &[(String, i64)],
    ) -> StoreResult<Vec<(String, i64)>>;
    /// The counters of a live group of a type that has them: all by key (`keys` None), or
    /// those of `keys` that exist, in that order.
    async fn group_counters(
        &self,
        app: u64,
        group_id: &str,
        keys: Option<&[String]>,
    ) -> StoreResult<Vec<(String, i64)>>;
    /// Deletes counters of a live group of a type that has them: all (`keys` None) or those
    /// named (missing ones ignored).
    async fn delete_group_counters(
        &self,
        app: u64,
        group_id: &str,
        keys: Option<&[String]>,
    ) -> StoreResult<()>;
}

/// Bans (ban_group_member): accounts kept out of a group until a time. A ban whose time has
/// passed is ignored wherever bans are read.
#[async_trait::async_trait]
pub trait BanStore: Send + Sync {
    /// Bans accounts from a live group until `until` (a later ban replaces an earlier one) and
    /// removes those that are members, as `remove_members` does, in one transaction; how many
    /// left. Banning the owner where it may not leave is refused as `remove_members` refuses
    /// removing it (for every type, AVChatRoom too), with nothing written.
    async fn ban(&self, app: u64, group_id: &str, ids: &[String], until: i64)
    -> StoreResult<usize>;
    /// Lifts bans on a live group's accounts (accounts not banned are ignored).
    async fn unban(&self, app: u64, group_id: &str, ids: &[String]) -> StoreResult<()>;
    /// A live group's bans still running at `now`, by end time then account, `limit` of them
    /// from position `offset`, read from an index in that order.
    async fn bans(
        &self,
        app: u64,
        group_id: &str,
        now: i64,
        offset: i64,
        limit: i64,
    ) -> StoreResult<BanPage>;
}

/// Broadcasts to every AVChatRoom of an app (send_broadcast_msg): nothing is stored per group.
#[async_trait::async_trait]
pub trait BroadcastStore: Send + Sync {
    /// The seq of a broadcast: the app's next one, or the first's when the same content with
    /// the same Random was broadcast within the de-duplication window (nothing new then).
    async fn broadcast(&self, app: u64, b: &NewBroadcast) -> StoreResult<i64>;
}

/// Community topics: each its own seq space (its messages and mutes are kept under its id),
/// with the members' read marks in it kept sparse (a row only once a member's mark moves).
/// Every operation fails with GroupNotFound / TopicsUnsupported unless the group is a live
/// Community with topics, and with TopicNotFound for a topic that is not live.
#[async_trait::async_trait]
pub trait TopicStore: Send + Sync {
    /// Creates a topic; TopicIdTaken when its id is used (by a live or a destroyed topic, or
    /// as a GroupId), Refused(TooManyTopics) when the group has its most live topics.
    async fn create_topic(&self, app: u64, group_id: &str, topic: &NewTopic) -> StoreResult<()>;
    /// The group and one of its live topics.
    async fn topic(
        &self,
        app: u64,
        group_id: &str,
        topic_id: &str,
    ) -> StoreResult<(GroupRow, TopicRow)>;
    /// The group's topics as `user` sees them: every live one, or (`ids` given) those of
    /// `ids` that exist, destroyed or not, in no particular order.
    async fn topics_seen_by(
        &self,
        app: u64,
        group_id: &str,
        user: &str,
        ids: Option<&[String]>,
    ) -> StoreResult<TopicsView>;
    /// Applies `edit` to a live topic's profile under its lock.
    async fn update_topic(
        &self,
        app: u64,
        group_id: &str,
        topic_id: &str,
        edit: TopicEdit,
    ) -> StoreResult<()>;
    /// Destroys topics; for each, what it found.
    async fn destroy_topics(
        &self,
        app: u64,
        group_id: &str,
        ids: &[String],
    ) -> StoreResult<Vec<TopicDestroy>>;
    /// Whether `user` may speak in the topic now (for a message not stored): Refused
    /// (SenderMuted) or NotMember when not; app admins need no membership.
    async fn check_topic_sender(
        &self,
        app: u64,
        group_id: &str,
        topic_id: &str,
        user: &str,
        is_app_admin: bool,
        now: i64,
    ) -> StoreResult<()>;
    /// Stores a message sent now in the topic, as [`MessageStore::send_message`] in a group.
    async fn send_topic_message(
        &self,
        app: u64,
        group_id: &str,
        topic_id: &str,
        msg: &NewMessage,
        sender_is_app_admin: bool,
    ) -> StoreResult<Stored>;
    /// Imports messages into the topic, as [`MessageStore::import_messages`] in a group.
    async fn import_topic_messages(
        &self,
        app: u64,
        group_id: &str,
        topic_id: &str,
        msgs: &[NewMessage],
        now: i64,
    ) -> StoreResult<Vec<ImportedMsg>>;
    /// Recalls messages of the topic by seq; for each, whether it exists.
    async fn recall_in_topic(
        &self,
        app: u64,
        group_id: &str,
        topic_id: &str,
        seqs: &[i64],
    ) -> StoreResult<Vec<bool>>;
    /// Deletes every message of a sender in the topic; how many.
    async fn delete_topic_messages_by_sender(
        &self,
        app: u64,
        group_id: &str,
        topic_id: &str,
        sender: &str,
    ) -> StoreResult<u64>;
    /// Mutes (or with `until` 0 unmutes) members in the topic; survives leaving.
    async fn mute_in_topic(
        &self,
        app: u64,
        group_id: &str,
        topic_id: &str,
        ids: &[String],
        until: i64,
    ) -> StoreResult<()>;
    /// Members of the group muted in the topic past `now`, in join order, with the mute's end.
    async fn topic_muted(
        &self,
        app: u64,
        group_id: &str,
        topic_id: &str,
        now: i64,
    ) -> StoreResult<Vec<(String, i64)>>;
}

/// Cleared history and read receipts of group messages.
#[async_trait::async_trait]
pub trait ReceiptStore: Send + Sync {
    /// Marks the messages of a live group with seq ≤ `upto` (None: all) cleared: one row
    /// changes whatever the history (Refused for a type that does not allow it).
    async fn clear_history(&self, app: u64, group_id: &str, upto: Option<i64>) -> StoreResult<()>;
    /// Records that `reader`, a member of the live group, has read the messages `seqs`; when
    /// some of them take no receipts, records nothing and returns those.
    async fn add_receipts(
        &self,
        app: u64,
        group_id: &str,
        reader: &str,
        seqs: &[i64],
    ) -> StoreResult<Vec<i64>>;
    /// For each seq, its receipt counts; None when the message takes no receipts.
    async fn receipt_counts(
        &self,
        app: u64,
        group_id: &str,
        seqs: &[i64],
    ) -> StoreResult<Vec<Option<ReceiptCount>>>;
    /// Up to `limit` accounts of a message's `list` after the page that ended at `after`
    /// (None: from the start); None when the message takes no receipts.
    async fn receipt_page(
        &self,
        app: u64,
        group_id: &str,
        seq: i64,
        list: ReceiptList,
        after: Option<&str>,
        limit: i64,
    ) -> StoreResult<Option<ReceiptPage>>;
}

/// Global mutes and operations data (`openconfigsvr`).
#[async_trait::async_trait]
pub trait OpsStore: Send + Sync {
    /// Sets the given mute end times of an imported account (None keeps what is stored);
    /// false when the account is not imported.
    async fn set_nospeaking(
        &self,
        app: u64,
        user: &str,
        c2c_until: Option<i64>,
        group_until: Option<i64>,
    ) -> StoreResult<bool>;
    /// An account's global mute (zeros when never muted); None when it is not imported.
    async fn nospeaking(&self, app: u64, user: &str) -> StoreResult<Option<NoSpeaking>>;
    /// Accounts and live groups created before the Beijing day `first_day` and on each day
    /// since.
    async fn app_stats(&self, app: u64, first_day: i64) -> StoreResult<AppStats>;
}
