//! The store: one trait per aggregate (apps, accounts, groups, members, group messages,
//! one-to-one messages, conversations, profiles, friends; the newer group features' traits are
//! in [`group_features`]), each
//! operation a whole transaction keyed by SDKAppID. [`sql::SqlStore`] implements them once for
//! both engines, one file per aggregate; each engine's folder owns what differs (SQLite: the
//! group-commit writer, readers, pragmas, migrations; PostgreSQL: the pool, batched and
//! engine-specific statements, migrations). [`connect::open`] picks the engine from the URL.

pub mod connect;
pub mod db;
pub mod error;
pub mod group_features;
pub mod known_accounts;
pub mod model;
pub mod postgres;
mod schema;
pub mod sql;
pub mod sqlite;

use std::sync::Arc;

pub use connect::open;
pub use error::StoreError;
pub use group_features::*;
pub use model::*;

use crate::config::AppConfig;
use crate::domain::c2c::MsgKey;
use crate::domain::group::{GroupType, Role};

pub type StoreResult<T> = Result<T, StoreError>;

/// The apps served (remembered when none is configured).
#[async_trait::async_trait]
pub trait AppStore: Send + Sync {
    async fn load_apps(&self) -> StoreResult<Vec<AppConfig>>;
    async fn save_app(&self, app: &AppConfig, now: i64) -> StoreResult<()>;
}

/// Accounts: import, existence, deletion (with their memberships), kicks.
#[async_trait::async_trait]
pub trait AccountStore: Send + Sync {
    async fn import_accounts(
        &self,
        app: u64,
        accounts: &[AccountInput],
        now: i64,
    ) -> StoreResult<()>;
    /// For each id, whether it is imported.
    async fn accounts_exist(&self, app: u64, ids: &[String]) -> StoreResult<Vec<bool>>;
    /// Deletes accounts and their memberships; for each id, whether it existed.
    async fn delete_accounts(&self, app: u64, ids: &[String]) -> StoreResult<Vec<bool>>;
    /// Records a kick reaching UserSigs issued up to `at`; false when the account does not
    /// exist. An app admin needs no import: given `admin_created_at`, a missing account row is
    /// created then, with that creation time, in the same transaction.
    async fn kick(
        &self,
        app: u64,
        id: &str,
        at: i64,
        admin_created_at: Option<i64>,
    ) -> StoreResult<bool>;
    /// Every kicked account with its kick time.
    async fn kicked_accounts(&self) -> StoreResult<Vec<(u64, String, i64)>>;
}

/// Groups: the group row, its profile, ownership, destruction, listing.
#[async_trait::async_trait]
pub trait GroupStore: Send + Sync {
    /// Fails with GroupIdTaken / GroupIdTakenByYou when the id is used, and with UserNotFound
    /// when a member that needs an account has none.
    async fn create_group(&self, app: u64, group: &NewGroup) -> StoreResult<()>;
    /// The group, destroyed or not.
    async fn group(&self, app: u64, group_id: &str) -> StoreResult<Option<GroupRow>>;
    /// Applies `edit` to a live group under its lock and stores the owner, member limit and
    /// profile it leaves (with `last_info_time`). Returns the group as stored.
    async fn update_group(
        &self,
        app: u64,
        group_id: &str,
        edit: GroupEdit,
    ) -> StoreResult<GroupRow>;
    /// Marks a live group destroyed: every later call sees 10010, its id stays taken.
    async fn destroy_group(&self, app: u64, group_id: &str) -> StoreResult<()>;
    /// Makes a member the owner; the previous owner becomes a Member.
    async fn change_owner(&self, app: u64, group_id: &str, new_owner: &str) -> StoreResult<()>;
    /// Live group ids of the app (optionally of one type) in creation order, and their total.
    async fn group_ids(
        &self,
        app: u64,
        group_type: Option<GroupType>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(i64, Vec<String>)>;
}

/// Memberships: members, their roles, profiles, mutes and read marks, and the groups an
/// account belongs to.
#[async_trait::async_trait]
pub trait MemberStore: Send + Sync {
    async fn member(
        &self,
        app: u64,
        group_id: &str,
        user_id: &str,
    ) -> StoreResult<Option<MemberRow>>;
    /// The memberships of these accounts, in their order (None for a non-member), read together.
    async fn memberships(
        &self,
        app: u64,
        group_id: &str,
        user_ids: &[String],
    ) -> StoreResult<Vec<Option<MemberRow>>>;
    /// Members in join order, optionally only some roles.
    async fn members(
        &self,
        app: u64,
        group_id: &str,
        roles: Option<&[Role]>,
        limit: Option<i64>,
        start: PageStart,
    ) -> StoreResult<MemberPage>;
    /// A live group (GroupNotFound otherwise) and a page of its members, read together; the
    /// page is empty for types that store no members.
    async fn live_group_with_members(
        &self,
        app: u64,
        group_id: &str,
        roles: Option<&[Role]>,
        limit: Option<i64>,
        start: PageStart,
    ) -> StoreResult<(GroupRow, MemberPage)>;
    /// Adds members atomically to a live group of a type that stores members (else
    /// GroupNotFound, Refused); accounts that need to exist and do not are handled as `missing`
    /// says; accounts banned at `now` are `Banned`; GroupFull when they do not all fit.
    async fn add_members(
        &self,
        app: u64,
        group_id: &str,
        members: &[NewMember],
        missing: MissingAccount,
        now: i64,
    ) -> StoreResult<Vec<MemberResult>>;
    /// Applies `edit` to one membership of a live group; NotMember when there is none.
    async fn update_member(
        &self,
        app: u64,
        group_id: &str,
        user_id: &str,
        edit: MemberEdit,
    ) -> StoreResult<MemberRow>;
    /// Removes members (absent ones are ignored); returns how many left. A removed owner
    /// leaves the group without an owner; only where the owner may leave (Private), else
    /// Refused (`OwnerCannotLeave`) with nothing removed, judged on the locked group.
    async fn remove_members(&self, app: u64, group_id: &str, ids: &[String]) -> StoreResult<usize>;
    /// Mutes (or with `until` 0 unmutes) members until the given time; survives leaving.
    async fn mute(&self, app: u64, group_id: &str, ids: &[String], until: i64) -> StoreResult<()>;
    /// Members muted past `now`, with the time their mute ends.
    async fn muted(&self, app: u64, group_id: &str, now: i64) -> StoreResult<Vec<(String, i64)>>;
    async fn set_unread(
        &self,
        app: u64,
        group_id: &str,
        user_id: &str,
        unread: i64,
    ) -> StoreResult<SetUnread>;
    /// The live groups a user belongs to, with the membership, in join order, and the
    /// total before paging.
    async fn joined_groups(
        &self,
        app: u64,
        user_id: &str,
        filter: JoinedFilter,
        limit: Option<i64>,
        offset: i64,
    ) -> StoreResult<(i64, Vec<(GroupRow, MemberRow)>)>;
}

/// Group messages: send, import, history, recall, delete.
#[async_trait::async_trait]
pub trait MessageStore: Send + Sync {
    /// Stores a message sent now (`msg.time`), refusing a muted sender (SenderMuted).
    async fn send_message(
        &self,
        app: u64,
        group_id: &str,
        msg: &NewMessage,
        sender_is_app_admin: bool,
    ) -> StoreResult<Stored>;
    /// Imports a batch checking SendTime rules; resets every member's unread to 0 when
    /// anything was stored.
    async fn import_messages(
        &self,
        app: u64,
        group_id: &str,
        msgs: &[NewMessage],
        now: i64,
    ) -> StoreResult<Vec<ImportedMsg>>;
    /// Up to `count` messages with seq ≤ `upto`, newest first.
    async fn history(
        &self,
        app: u64,
        group_id: &str,
        upto: i64,
        count: i64,
    ) -> StoreResult<Vec<MessageRow>>;
    /// Recalls messages by seq; for each, whether it was there to recall (not recalled or
    /// deleted before).
    async fn recall(&self, app: u64, group_id: &str, seqs: &[i64]) -> StoreResult<Vec<bool>>;
    /// Deletes every message of a sender (they stay as placeholders); returns how many.
    async fn delete_messages_by_sender(
        &self,
        app: u64,
        group_id: &str,
        sender: &str,
    ) -> StoreResult<u64>;
}

/// One-to-one messages: store (import, send, batch send), history, recall, modification.
/// Each stored message also updates both parties' conversations (see [`ConversationStore`]).
#[async_trait::async_trait]
pub trait C2cStore: Send + Sync {
    /// Stores a message unless `repeat` finds it stored already (then the first copy's key is
    /// answered and nothing changes). A send (`SameRandomWithin`) to a recipient who blocked
    /// the sender is refused (`Refusal::BlockedByRecipient`).
    async fn store_c2c(
        &self,
        app: u64,
        msg: &NewC2cMessage,
        repeat: C2cRepeat,
    ) -> StoreResult<C2cStored>;
    /// Stores one message (`msg.to` is ignored) for each recipient, under the one key, in one
    /// transaction; a repeat (same sender, recipient, MsgRandom within `window`) is skipped.
    /// Returns the recipients who block the sender, for whom nothing was stored.
    async fn store_c2c_batch(
        &self,
        app: u64,
        msg: &NewC2cMessage,
        to: &[String],
        window: i64,
    ) -> StoreResult<Vec<String>>;
    /// A page of history as `q.operator` sees it, newest first.
    async fn c2c_history(&self, app: u64, q: &RoamQuery) -> StoreResult<Vec<C2cMessageRow>>;
    /// Marks the message `from` sent `to` with this key recalled; it keeps its place.
    async fn recall_c2c(
        &self,
        app: u64,
        from: &str,
        to: &str,
        key: MsgKey,
    ) -> StoreResult<C2cChange>;
    /// Overwrites the given parts of the message `from` sent `to` with this key.
    async fn modify_c2c(
        &self,
        app: u64,
        from: &str,
        to: &str,
        key: MsgKey,
        msg_body: Option<Vec<u8>>,
        cloud_custom_data: Option<String>,
    ) -> StoreResult<C2cChange>;
    /// Benchmarks only: stores `count` history messages between `a` and `b` (not counted, one
    /// a second from `first_time`) in one statement, and lists the conversation for both.
    async fn fill_c2c_history(
        &self,
        app: u64,
        a: &str,
        b: &str,
        count: i64,
        first_time: i64,
    ) -> StoreResult<()>;
}

/// Conversations: read marks and unread counts of one-to-one conversations, and the
/// recent-contact list (one-to-one and group conversations).
#[async_trait::async_trait]
pub trait ConversationStore: Send + Sync {
    /// Marks what `reader` received from `peer` up to `time` as read (the mark never goes back).
    async fn set_c2c_read(&self, app: u64, reader: &str, peer: &str, time: i64) -> StoreResult<()>;
    /// The account's unread count over all its one-to-one conversations.
    async fn c2c_unread_total(&self, app: u64, user: &str) -> StoreResult<i64>;
    /// The account's unread count with each peer (0 without a conversation).
    async fn c2c_unread(&self, app: u64, user: &str, peers: &[String]) -> StoreResult<Vec<i64>>;
    /// The account's most recent conversations, at most `cap`, newest first (ties by peer).
    async fn conversations(
        &self,
        app: u64,
        owner: &str,
        cap: usize,
    ) -> StoreResult<Vec<ConversationRow>>;
    /// Removes a conversation from the owner's list until its next message; its messages
    /// become read, and with `clear_history` they leave the owner's history too.
    async fn delete_conversation(
        &self,
        app: u64,
        owner: &str,
        peer: &Peer,
        clear_history: bool,
    ) -> StoreResult<()>;
}

/// Profiles: each account's tags (`Tag_Profile_IM_*`, `Tag_Profile_Custom_*`).
#[async_trait::async_trait]
pub trait ProfileStore: Send + Sync {
    /// Stores tags (values as JSON text) of an account, replacing those given, all or none;
    /// false when the account is not imported.
    async fn set_profile(
        &self,
        app: u64,
        user: &str,
        items: &[(String, String)],
    ) -> StoreResult<bool>;
    /// Each account's stored tags and values (JSON text), by tag, in the accounts' order.
    async fn profiles(&self, app: u64, users: &[String])
    -> StoreResult<Vec<Vec<(String, String)>>>;
}

/// The relationship chain: friends (one row per direction).
#[async_trait::async_trait]
pub trait SnsStore: Send + Sync {
    /// Adds friends to `owner`'s list, one direction each (a friend already there has its
    /// data replaced), up to `max` friends in all; per item what happened.
    async fn import_friends(
        &self,
        app: u64,
        owner: &str,
        friends: &[FriendData],
        max: i64,
    ) -> StoreResult<Vec<FriendImport>>;
    /// Adds friends to `owner`'s list and, with `both`, `owner` to theirs (with `friends`'
    /// AddSource and time), in one transaction; per item what happened.
    async fn add_friends(
        &self,
        app: u64,
        owner: &str,
        friends: &[FriendData],
        both: bool,
        max: i64,
    ) -> StoreResult<Vec<FriendAdd>>;
    /// Applies `edit` to the friend `owner` keeps; false when it is not a friend.
    async fn update_friend(
        &self,
        app: u64,
        owner: &str,
        friend: &str,
        edit: &FriendEdit,
    ) -> StoreResult<bool>;
    /// Creates friend lists and puts each of `friends` in all of them; the lists' new
    /// sequence, and for each friend whether it is one.
    async fn add_lists(
        &self,
        app: u64,
        owner: &str,
        names: &[String],
        friends: &[String],
    ) -> StoreResult<(i64, Vec<bool>)>;
    /// Deletes friend lists (friends leave them); the lists' new sequence. A name that is no
    /// list of `owner` refuses the call (`Refusal::Invalid`) with nothing deleted.
    async fn delete_lists(&self, app: u64, owner: &str, names: &[String]) -> StoreResult<i64>;
    /// The lists' sequence, and each list with its friends, by name.
    async fn lists(&self, app: u64, owner: &str) -> StoreResult<(i64, Vec<(String, Vec<String>)>)>;
    /// For each of `others`: whether it is in `owner`'s list, and `owner` in its list.
    async fn friendships(
        &self,
        app: u64,
        owner: &str,
        others: &[String],
    ) -> StoreResult<Vec<(bool, bool)>>;
    /// The friend data `owner` keeps for each of `others` (None: not in `owner`'s list).
    async fn friends_of(
        &self,
        app: u64,
        owner: &str,
        others: &[String],
    ) -> StoreResult<Vec<Option<FriendData>>>;
    /// Removes each of `others` from `owner`'s list and, with `both`, `owner` from theirs; for
    /// each, whether anything was removed.
    async fn delete_friends(
        &self,
        app: u64,
        owner: &str,
        others: &[String],
        both: bool,
    ) -> StoreResult<Vec<bool>>;
    /// Empties `owner`'s list and, with `both`, removes `owner` from every list it is in.
    async fn delete_all_friends(&self, app: u64, owner: &str, both: bool) -> StoreResult<()>;
    /// Up to `limit` friends of `owner` from position `start` (a serial) on.
    async fn friend_page(
        &self,
        app: u64,
        owner: &str,
        start: i64,
        limit: i64,
    ) -> StoreResult<FriendPage>;
}

/// Blocklists.
#[async_trait::async_trait]
pub trait BlocklistStore: Send + Sync {
    /// Blocks each of `others` for `owner` at `now`, up to `max` blocked in all; a block also
    /// ends any friendship between the two, both ways.
    async fn block(
        &self,
        app: u64,
        owner: &str,
        others: &[String],
        now: i64,
        max: i64,
    ) -> StoreResult<Vec<BlockResult>>;
    /// Unblocks each of `others`; for each, whether it was blocked.
    async fn unblock(&self, app: u64, owner: &str, others: &[String]) -> StoreResult<Vec<bool>>;
    /// For each of `others`: whether `owner` blocks it, and it blocks `owner`.
    async fn blocks(
        &self,
        app: u64,
        owner: &str,
        others: &[String],
    ) -> StoreResult<Vec<(bool, bool)>>;
    /// Up to `limit` blocked accounts of `owner` from position `start` on.
    async fn blocked_page(
        &self,
        app: u64,
        owner: &str,
        start: i64,
        limit: i64,
    ) -> StoreResult<BlockPage>;
}

/// The whole store: every aggregate, on one engine.
#[async_trait::async_trait]
pub trait Store:
    AppStore
    + AccountStore
    + GroupStore
    + MemberStore
    + MessageStore
    + C2cStore
    + ConversationStore
    + ProfileStore
    + SnsStore
    + BlocklistStore
    + GroupAttrStore
    + BanStore
    + BroadcastStore
    + TopicStore
    + ReceiptStore
    + OpsStore
    + 'static
{
    /// Flushes and closes connections (graceful shutdown).
    async fn close(&self);
}

pub type SharedStore = Arc<dyn Store>;

/// A database URL without its password, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}
