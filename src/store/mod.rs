//! The `Store` trait: whole domain operations, each one transaction, keyed by SDKAppID.
//!
//! Both backends share one SQL implementation ([`sql::SqlStore`]): the SQL is portable
//! between SQLite and PostgreSQL. Each backend module owns what differs: connection setup,
//! durability settings, pool shape and its own migrations.

pub mod db;
pub mod group_commit;
pub mod known_accounts;
pub mod postgres;
pub mod sql;
pub mod sqlite;
pub mod unread_batch;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::config::AppConfig;
use crate::domain::group::{GroupType, KeyValue, MsgFlag, Role};
use crate::domain::unread::{GroupCounters, ReadMark};
use crate::error::ApiError;

pub type StoreResult<T> = Result<T, ApiError>;

/// An account to import; `None` fields keep what is stored.
#[derive(Debug, Clone)]
pub struct AccountInput {
    pub user_id: String,
    pub nick: Option<String>,
    pub face_url: Option<String>,
}

/// The editable profile of a group, stored as one JSON document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupProfile {
    pub name: String,
    pub introduction: String,
    pub notification: String,
    pub face_url: String,
    pub apply_join_option: String,
    pub shut_up_all: bool,
    pub app_defined_data: Vec<KeyValue>,
}

/// A group as stored.
#[derive(Debug, Clone)]
pub struct GroupRow {
    pub group_id: String,
    pub group_type: GroupType,
    pub owner: String,
    pub created_at: i64,
    pub last_info_time: i64,
    pub last_msg_time: i64,
    pub counters: GroupCounters,
    pub member_num: i64,
    pub max_member_num: i64,
    pub destroyed: bool,
    pub profile: GroupProfile,
}

/// The editable part of a membership, stored as one JSON document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MemberProfile {
    pub name_card: String,
    pub app_member_defined_data: Vec<KeyValue>,
}

/// One membership as stored.
#[derive(Debug, Clone)]
pub struct MemberRow {
    pub user_id: String,
    pub role: Role,
    pub join_time: i64,
    pub mark: ReadMark,
    pub msg_flag: MsgFlag,
    pub last_send_time: i64,
    pub shut_up_until: i64,
    pub profile: MemberProfile,
}

/// A membership to create. `unread` is the unread count it starts with (clamped).
#[derive(Debug, Clone)]
pub struct NewMember {
    pub user_id: String,
    /// The account must be imported (every member but an app admin): checked inside the
    /// write's transaction, so a concurrent `account_delete` cannot leave it a member.
    pub needs_account: bool,
    pub role: Role,
    pub join_time: i64,
    pub unread: i64,
    pub profile: MemberProfile,
}

/// A group to create, with its first members (the owner first when there is one).
#[derive(Debug, Clone)]
pub struct NewGroup {
    pub group_id: String,
    pub group_type: GroupType,
    pub owner: String,
    pub created_at: i64,
    pub max_member_num: i64,
    pub profile: GroupProfile,
    pub members: Vec<NewMember>,
}

/// A message to store.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub from_account: String,
    pub random: i64,
    pub time: i64,
    pub priority: i64,
    /// False for `NoUnread` messages.
    pub counts: bool,
    /// The message as JSON (MsgBody, CloudCustomData, …), stored byte for byte.
    pub payload: Vec<u8>,
}

/// A stored message.
#[derive(Debug, Clone)]
pub struct MessageRow {
    pub seq: i64,
    pub from_account: String,
    pub random: i64,
    pub time: i64,
    pub priority: i64,
    pub place: i64,
    pub payload: Vec<u8>,
}

/// Where a message landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stored {
    pub seq: i64,
    pub time: i64,
    /// True when the same sender used the same Random within 5 minutes: nothing was stored
    /// and `seq`/`time` are those of the original.
    pub duplicate: bool,
}

/// Per-item outcome of adding or importing a member (Tencent's `Result` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberResult {
    Failed = 0,
    Added = 1,
    AlreadyMember = 2,
}

/// What adding members does when an account one needs is not imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingAccount {
    /// The whole call fails with UserNotFound and nothing is added.
    FailCall,
    /// That member's result is `Failed`; the others are added.
    FailItem,
}

/// Per-item outcome of importing a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportedMsg {
    Stored(Stored),
    BadTime,
}

/// Where a page of members starts, in join order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStart {
    /// After skipping this many members (Limit/Offset paging).
    Offset(i64),
    /// At the first member whose join serial is at least this (a `Next` cursor): found in
    /// the index whatever the depth, and not shifted by members leaving meanwhile.
    Serial(i64),
}

/// A page of members.
#[derive(Debug, Clone)]
pub struct MemberPage {
    pub members: Vec<MemberRow>,
    /// Whether members follow this page.
    pub has_more: bool,
    /// The cursor of the member after this page ([`PageStart::Serial`]).
    pub next_serial: i64,
}

/// An edit of a group applied inside the store's transaction.
pub type GroupEdit = Box<dyn FnOnce(&mut GroupRow) -> Result<(), ApiError> + Send>;
/// An edit of a membership applied inside the store's transaction (the group is read-only).
pub type MemberEdit = Box<dyn FnOnce(&GroupRow, &mut MemberRow) -> Result<(), ApiError> + Send>;

/// What a stored message is: normal, a deleted placeholder, or a recalled placeholder.
pub const PLACE_NORMAL: i64 = 0;
pub const PLACE_DELETED: i64 = 1;
pub const PLACE_RECALLED: i64 = 2;

/// Whether `sender` may speak in `group` at `now`: not muted, and, while ShutUpAllMember is
/// on, the owner, an admin or an app admin.
pub fn check_may_send(
    group: &GroupRow,
    sender: Option<Sender>,
    sender_is_app_admin: bool,
    now: i64,
) -> Result<(), ApiError> {
    if sender.is_some_and(|m| m.shut_up_until > now) {
        return Err(ApiError::SenderMuted);
    }
    let privileged =
        sender_is_app_admin || sender.is_some_and(|m| matches!(m.role, Role::Owner | Role::Admin));
    if group.profile.shut_up_all && !privileged {
        return Err(ApiError::SenderMuted);
    }
    Ok(())
}

/// What sending needs of the sender's membership.
#[derive(Debug, Clone, Copy)]
pub struct Sender {
    pub role: Role,
    pub shut_up_until: i64,
    pub mark: ReadMark,
}

impl From<&MemberRow> for Sender {
    fn from(m: &MemberRow) -> Sender {
        Sender {
            role: m.role,
            shut_up_until: m.shut_up_until,
            mark: m.mark,
        }
    }
}

/// Which joined groups to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct JoinedFilter {
    pub group_type: Option<GroupType>,
    /// Include AVChatRoom groups.
    pub include_av: bool,
    /// Include Private groups that have no message yet (not activated).
    pub include_inactive: bool,
}

/// What `set_unread` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetUnread {
    Set(i64),
    IgnoredForType,
}

#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    // ---- apps ----
    async fn load_apps(&self) -> StoreResult<Vec<AppConfig>>;
    async fn save_app(&self, app: &AppConfig, now: i64) -> StoreResult<()>;

    // ---- accounts ----
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
    /// Records a kick; false when the account does not exist.
    async fn kick(&self, app: u64, id: &str, at: i64) -> StoreResult<bool>;
    /// Every kicked account with its kick time.
    async fn kicked_accounts(&self) -> StoreResult<Vec<(u64, String, i64)>>;

    // ---- groups ----
    /// Fails with GroupIdTaken / GroupIdTakenByYou when the id is used, and with UserNotFound
    /// when a member that needs an account has none.
    async fn create_group(&self, app: u64, group: &NewGroup) -> StoreResult<()>;
    /// The group, destroyed or not.
    async fn group(&self, app: u64, group_id: &str) -> StoreResult<Option<GroupRow>>;
    async fn member(
        &self,
        app: u64,
        group_id: &str,
        user_id: &str,
    ) -> StoreResult<Option<MemberRow>>;
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
    /// Adds members atomically; GroupFull when they do not all fit.
    async fn add_members(
        &self,
        app: u64,
        group_id: &str,
        members: &[NewMember],
        missing: MissingAccount,
    ) -> StoreResult<Vec<MemberResult>>;
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
    async fn set_unread(
        &self,
        app: u64,
        group_id: &str,
        user_id: &str,
        unread: i64,
    ) -> StoreResult<SetUnread>;
    /// Up to `count` messages with seq ≤ `upto`, newest first.
    async fn history(
        &self,
        app: u64,
        group_id: &str,
        upto: i64,
        count: i64,
    ) -> StoreResult<Vec<MessageRow>>;
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

    /// Applies `edit` to a live group under its lock and stores the owner, member limit and
    /// profile it leaves (with `last_info_time`). Returns the group as stored.
    async fn update_group(
        &self,
        app: u64,
        group_id: &str,
        edit: GroupEdit,
    ) -> StoreResult<GroupRow>;
    /// Applies `edit` to one membership of a live group; NotMember when there is none.
    async fn update_member(
        &self,
        app: u64,
        group_id: &str,
        user_id: &str,
        edit: MemberEdit,
    ) -> StoreResult<MemberRow>;
    /// Removes members (absent ones are ignored); returns how many left. A removed owner
    /// leaves the group without an owner.
    async fn remove_members(&self, app: u64, group_id: &str, ids: &[String]) -> StoreResult<usize>;
    /// Marks a live group destroyed: every later call sees 10010, its id stays taken.
    async fn destroy_group(&self, app: u64, group_id: &str) -> StoreResult<()>;
    /// Makes a member the owner; the previous owner becomes a Member.
    async fn change_owner(&self, app: u64, group_id: &str, new_owner: &str) -> StoreResult<()>;
    /// Mutes (or with `until` 0 unmutes) members until the given time; survives leaving.
    async fn mute(&self, app: u64, group_id: &str, ids: &[String], until: i64) -> StoreResult<()>;
    /// Members muted past `now`, with the time their mute ends.
    async fn muted(&self, app: u64, group_id: &str, now: i64) -> StoreResult<Vec<(String, i64)>>;
    /// Recalls messages by seq; for each, whether it exists.
    async fn recall(&self, app: u64, group_id: &str, seqs: &[i64]) -> StoreResult<Vec<bool>>;
    /// Deletes every message of a sender (they stay as placeholders); returns how many.
    async fn delete_messages_by_sender(
        &self,
        app: u64,
        group_id: &str,
        sender: &str,
    ) -> StoreResult<u64>;
    /// Live group ids of the app (optionally of one type) in creation order, and their total.
    async fn group_ids(
        &self,
        app: u64,
        group_type: Option<GroupType>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(i64, Vec<String>)>;

    /// Flushes and closes connections (graceful shutdown).
    async fn close(&self);
}

pub type SharedStore = Arc<dyn Store>;

/// Opens the store named by a `sqlite://` or `postgres://` URL and runs its migrations.
pub async fn open(url: &str) -> Result<SharedStore, String> {
    if url.starts_with("sqlite:") {
        sqlite::open(url).await
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        postgres::open(url).await
    } else {
        Err(format!(
            "unsupported database URL (use sqlite://PATH or postgres://...): {}",
            redact_url(url)
        ))
    }
}

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
