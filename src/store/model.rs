//! The store's vocabulary: the rows it returns and the values it takes, shared by every
//! aggregate and both engines.

use serde::{Deserialize, Serialize};

use crate::domain::c2c::MsgKey;
use crate::domain::group::{GroupType, KeyValue, MsgFlag, Role};
use crate::domain::refusal::Refusal;
use crate::domain::sending::Sender;
use crate::domain::topic::TopicProfile;
use crate::domain::unread::{GroupCounters, ReadMark};

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
    /// A Community created with `SupportTopic: 1` (absent in profiles stored before topics).
    #[serde(default)]
    pub support_topic: bool,
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
    /// Updates the members' group conversation (a send without `NoLastMsg`, an import with
    /// `RecentContactFlag: 1`).
    pub updates_contacts: bool,
    /// The message as JSON (MsgBody, CloudCustomData, …), stored byte for byte.
    pub payload: Vec<u8>,
    /// Sent with `NeedReadReceipt: 1`: it takes read receipts where the group type and size
    /// allow them.
    pub need_receipt: bool,
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

/// Per-item outcome of adding or importing a member (`src/error.rs` gives Tencent's numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberResult {
    Failed,
    Added,
    AlreadyMember,
    /// The account is banned from the group (ban_group_member) until a later time.
    Banned,
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
pub type GroupEdit = Box<dyn FnOnce(&mut GroupRow) -> Result<(), Refusal> + Send>;
/// An edit of a membership applied inside the store's transaction (the group is read-only).
pub type MemberEdit = Box<dyn FnOnce(&GroupRow, &mut MemberRow) -> Result<(), Refusal> + Send>;

/// What a stored message is: normal, a deleted placeholder, or a recalled placeholder.
pub const PLACE_NORMAL: i64 = 0;
pub const PLACE_DELETED: i64 = 1;
pub const PLACE_RECALLED: i64 = 2;

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

/// A one-to-one message to store (import or send).
#[derive(Debug, Clone)]
pub struct NewC2cMessage {
    pub from: String,
    pub to: String,
    pub key: MsgKey,
    /// Counts toward the recipient's unread (real-time imports, sends without NoUnread).
    pub counts: bool,
    /// Kept in the sender's history and conversation list (false: SyncOtherMachine 2).
    pub sender_keeps: bool,
    /// Becomes the conversation's last message (false: NoLastMsg).
    pub updates_conversation: bool,
    /// The `MsgBody` array as JSON bytes.
    pub msg_body: Vec<u8>,
    pub cloud_custom_data: Option<String>,
}

/// What makes a C2C message a repeat of one stored before: the first copy is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum C2cRepeat {
    /// importmsg: the same MsgKey (MsgSeq, MsgRandom, MsgTimeStamp) in either direction.
    SameKey,
    /// sendmsg: the same sender, recipient and MsgRandom within this many seconds.
    SameRandomWithin(i64),
}

/// A stored C2C message's key, and whether it was stored before (the repeat was dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct C2cStored {
    pub key: MsgKey,
    pub duplicate: bool,
}

/// A C2C message as history returns it.
#[derive(Debug, Clone)]
pub struct C2cMessageRow {
    pub from: String,
    pub to: String,
    pub key: MsgKey,
    pub recalled: bool,
    pub msg_body: Vec<u8>,
    pub cloud_custom_data: Option<String>,
}

/// A page of one conversation's history as one party sees it.
#[derive(Debug, Clone)]
pub struct RoamQuery {
    pub operator: String,
    pub peer: String,
    pub min_time: i64,
    pub max_time: i64,
    /// Continue below this message (the previous page's oldest).
    pub before: Option<MsgKey>,
    pub limit: i64,
}

/// What a change to one stored C2C message found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum C2cChange {
    Done,
    NotFound,
    AlreadyRecalled,
}

/// The other side of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Peer {
    Account(String),
    Group(String),
}

/// One entry of a recent-contact list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationRow {
    pub peer: Peer,
    /// The time of its last message.
    pub msg_time: i64,
}

/// One friend of an account, as imported or stored (one direction).
#[derive(Debug, Clone, PartialEq)]
pub struct FriendData {
    pub friend: String,
    pub add_time: i64,
    pub add_source: String,
    pub add_wording: String,
    pub remark: String,
    pub remark_time: i64,
    /// Friend-list names.
    pub groups: Vec<String>,
    /// `Tag_SNS_Custom_*` → value.
    pub custom: serde_json::Map<String, serde_json::Value>,
}

/// What importing one friend did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FriendImport {
    Added,
    /// It was a friend already: its data was replaced.
    Replaced,
    /// The owner has the most friends allowed.
    Full,
}

/// A page of an account's friends, in the order they were added.
#[derive(Debug, Clone, Default)]
pub struct FriendPage {
    pub friends: Vec<FriendData>,
    /// Where the next page starts; None when this one is the last.
    pub next: Option<i64>,
    pub friend_num: i64,
    pub standard_seq: i64,
    pub custom_seq: i64,
}

/// What blocking one account did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockResult {
    Added,
    AlreadyBlocked,
    /// The owner's blocklist is full.
    Full,
}

/// A page of an account's blocklist, in the order it was added to.
#[derive(Debug, Clone, Default)]
pub struct BlockPage {
    /// Blocked accounts and when.
    pub blocked: Vec<(String, i64)>,
    /// Where the next page starts; None when this one is the last.
    pub next: Option<i64>,
    pub sequence: i64,
}

/// What adding one friend did (friend_add).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FriendAdd {
    Added,
    /// The friendship asked for is there already.
    AlreadyFriends,
    /// The owner has the most friends allowed.
    OwnerFull,
    /// The other account has the most friends allowed (two-way adds).
    PeerFull,
}

/// Changes to one friend's data (friend_update): each given part replaces the stored one;
/// custom tags are set one by one.
#[derive(Debug, Clone, Default)]
pub struct FriendEdit {
    pub remark: Option<String>,
    pub groups: Option<Vec<String>>,
    pub custom: serde_json::Map<String, serde_json::Value>,
}

/// A page of a group's running bans: (account, end of the ban), and whether more follow.
#[derive(Debug, Clone, Default)]
pub struct BanPage {
    pub bans: Vec<(String, i64)>,
    pub has_more: bool,
}

/// A broadcast to store: its Random, a digest of its sender and content, and its time.
#[derive(Debug, Clone)]
pub struct NewBroadcast {
    pub random: i64,
    pub digest: Vec<u8>,
    pub time: i64,
}

/// A Community topic as stored (destroyed ones too: their ids stay taken).
#[derive(Debug, Clone)]
pub struct TopicRow {
    pub topic_id: String,
    pub created_at: i64,
    pub last_msg_time: i64,
    /// The topic's own seq space and unread counters.
    pub counters: GroupCounters,
    pub destroyed: bool,
    pub profile: TopicProfile,
}

/// A topic to create (create_topic, import_topic).
#[derive(Debug, Clone)]
pub struct NewTopic {
    pub topic_id: String,
    pub created_at: i64,
    pub profile: TopicProfile,
}

/// An edit of a live topic applied inside the store's transaction.
pub type TopicEdit = Box<dyn FnOnce(&mut TopicProfile) + Send>;

/// What destroying one topic found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicDestroy {
    Destroyed,
    AlreadyDestroyed,
    NotFound,
}

/// A topic as one account sees it: its read mark there (None: it has none for its current
/// membership) and the end of its mute in the topic (0: none).
#[derive(Debug, Clone)]
pub struct TopicSeen {
    pub topic: TopicRow,
    pub mark: Option<ReadMark>,
    pub muted_until: i64,
}

/// A Community's topics as one account sees them.
#[derive(Debug, Clone)]
pub struct TopicsView {
    pub group: GroupRow,
    /// The account's membership (None: not a member).
    pub member: Option<MemberRow>,
    /// Every topic, destroyed ones too, in creation order.
    pub topics: Vec<TopicSeen>,
}

/// Which accounts a page of get_group_msg_receipt_detail lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptList {
    /// Members who reported reading the message, by account.
    Read,
    /// Members who could read it and have not reported it, in join order.
    Unread,
}

/// The receipt counts of one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiptCount {
    /// Members who could read it when it was sent, its sender left out.
    pub audience: i64,
    pub read: i64,
}

/// A page of a message's readers or unread members.
#[derive(Debug, Clone, Default)]
pub struct ReceiptPage {
    pub accounts: Vec<String>,
    /// Where the next page starts (opaque to callers); None when this one is the last.
    pub next: Option<String>,
}

/// A global mute as stored: when each kind ends (0 none, `i64::MAX` never).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoSpeaking {
    pub c2c_until: i64,
    pub group_until: i64,
}

/// What getappinfo reports from stored rows, by Beijing day number.
#[derive(Debug, Clone, Default)]
pub struct AppStats {
    /// Accounts created before the first day reported.
    pub accounts_before: i64,
    /// Accounts created on each day from then on (days without any are left out).
    pub accounts_by_day: Vec<(i64, i64)>,
    /// Live groups created before the first day reported.
    pub groups_before: i64,
    /// Live groups created on each day from then on.
    pub groups_by_day: Vec<(i64, i64)>,
}
