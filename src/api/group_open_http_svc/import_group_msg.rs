//! `v4/group_open_http_svc/import_group_msg` — import history, at most 7 messages per call
//! (CT 269/1635; the older limit of 20 is refused). No callback, no notification.
//!
//! Each message's `SendTime` must be after the group's creation, not before the newest message
//! already in the group (equal times are allowed: histories hold several messages per second),
//! and before now; otherwise that message's `Result` is 10004 and it is not stored. Content over
//! 8000 bytes → that message's `Result` is 80002. A repeated `Random` from the same sender within
//! 5 minutes of SendTime is a duplicate: `Result` 0 with the original's `MsgSeq`, whatever its
//! time (a retried call gets its seqs back; docs/compat.md). When anything
//! is stored, every member's unread count becomes 0 (documented). AVChatRoom → 10007; a sender
//! that is not an imported account → 10019, and nothing is imported.
//!
//! `TopicId` (top level as doocs' SDK sends it, or per message as tencent_im_rs does; `""` =
//! none) imports into a topic: its own seqs, its creation time and newest message for the time
//! rules, its members' unread counts set to 0. All messages of one call go to one place (10004
//! otherwise). `RecentContactFlag` has no effect in a topic (no topic conversations are kept).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::fields::flag;
use super::{group_id, live_group, require_accounts, user_id};
use crate::api::million_group_open_http_svc::topic_id;
use crate::api::{Ctx, strict_json};
use crate::domain::ids::GroupId;
use crate::domain::message::{self, BodyError, StoredPayload};
use crate::error::{ApiError, ItemError};
use crate::store::{ImportedMsg, NewMessage};

/// Tencent's current per-call maximum.
pub const MAX_BATCH: usize = 7;

#[derive(Debug, Deserialize)]
pub struct MsgItem {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "SendTime")]
    send_time: u32,
    #[serde(rename = "Random")]
    random: Option<u32>,
    #[serde(rename = "MsgBody", deserialize_with = "strict_json::values")]
    msg_body: Vec<Value>,
    #[serde(rename = "CloudCustomData")]
    cloud_custom_data: Option<String>,
    #[serde(rename = "TopicId")]
    topic_id: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "TopicId")]
    topic_id: Option<String>,
    #[serde(rename = "RecentContactFlag")]
    recent_contact_flag: Option<u8>,
    #[serde(rename = "MsgList")]
    msg_list: Vec<MsgItem>,
}

#[derive(Debug, Serialize)]
pub struct ImportResult {
    #[serde(rename = "MsgSeq")]
    msg_seq: i64,
    #[serde(rename = "MsgTime")]
    msg_time: i64,
    #[serde(rename = "Result")]
    result: i64,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "ImportMsgResult")]
    import_msg_result: Vec<ImportResult>,
}

/// A batch, checked: every sender, every message's SendTime, and the messages to store.
struct Import {
    group: GroupId,
    /// The topic every message goes to (top-level or per-message `TopicId`), if any.
    topic: Option<String>,
    senders: Vec<String>,
    /// Each message's SendTime, and whether its content fits: one that does not fails alone.
    times: Vec<(i64, bool)>,
    /// The messages that fit, in order.
    msgs: Vec<NewMessage>,
}

impl Request {
    fn parse(self) -> Result<Import, ApiError> {
        let group = group_id(&self.group_id)?;
        let updates_contacts = flag("RecentContactFlag", self.recent_contact_flag)?;
        if self.msg_list.is_empty() {
            return Err(ApiError::invalid("MsgList must not be empty"));
        }
        if self.msg_list.len() > MAX_BATCH {
            return Err(ApiError::invalid(format!(
                "MsgList holds {} messages; at most {MAX_BATCH} per call",
                self.msg_list.len()
            )));
        }
        let n = self.msg_list.len();
        let topic = one_topic(self.topic_id.as_deref(), &self.msg_list)?;
        let mut import = Import {
            group,
            topic,
            senders: Vec::with_capacity(n),
            times: Vec::with_capacity(n),
            msgs: Vec::with_capacity(n),
        };
        for (i, m) in self.msg_list.into_iter().enumerate() {
            user_id(&format!("MsgList[{i}].From_Account"), &m.from_account)?;
            // A malformed body fails the whole call; one too long fails only its message.
            let fits = match message::check_body(&m.msg_body, m.cloud_custom_data.as_deref()) {
                Ok(()) => true,
                Err(BodyError::TooLong) => false,
                Err(BodyError::Invalid(e)) => {
                    return Err(ApiError::invalid(format!("MsgList[{i}]: {e}")));
                }
            };
            import.times.push((i64::from(m.send_time), fits));
            import.senders.push(m.from_account.clone());
            if fits {
                import.msgs.push(m.into_message(updates_contacts));
            }
        }
        Ok(import)
    }
}

/// The one topic a batch goes to: a message's own `TopicId` or else the request's (`""` =
/// none). A batch whose messages go to different places → 10004.
fn one_topic(top: Option<&str>, msgs: &[MsgItem]) -> Result<Option<String>, ApiError> {
    let top = topic_id(top);
    let mut places = msgs.iter().map(|m| topic_id(m.topic_id.as_deref()).or(top));
    let first = places.next().flatten();
    if places.any(|p| p != first) {
        return Err(ApiError::invalid(
            "every message of one call must go to the same topic (or to the group itself)",
        ));
    }
    Ok(first.map(str::to_string))
}

impl MsgItem {
    fn into_message(self, updates_contacts: bool) -> NewMessage {
        let payload = StoredPayload {
            cloud_custom_data: self.cloud_custom_data.as_deref(),
            group_at_info: None,
            msg_body: &self.msg_body,
            offline_push_info: None,
        }
        .to_bytes();
        NewMessage {
            from_account: self.from_account,
            random: i64::from(self.random.unwrap_or_else(rand::random)),
            time: i64::from(self.send_time),
            priority: 2,
            counts: true,
            updates_contacts,
            payload,
            need_receipt: false,
        }
    }
}

/// One result per message of the batch: the store's outcome for those that fit.
fn answer(times: &[(i64, bool)], stored: Vec<ImportedMsg>) -> Vec<ImportResult> {
    let mut stored = stored.into_iter();
    times
        .iter()
        .map(|&(time, fits)| {
            let failed = |e: ItemError| ImportResult {
                msg_seq: 0,
                msg_time: time,
                result: e.code(),
            };
            match fits.then(|| stored.next()).flatten() {
                Some(ImportedMsg::Stored(s)) => ImportResult {
                    msg_seq: s.seq,
                    msg_time: s.time,
                    result: 0,
                },
                Some(ImportedMsg::BadTime) => failed(ItemError::BadSendTime),
                None => failed(ItemError::MsgTooLong),
            }
        })
        .collect()
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let import = req.parse()?;
    let group = live_group(ctx, &import.group).await?;
    if !group.group_type.allows_import() {
        return Err(ApiError::NoPermission(
            "messages cannot be imported into an AVChatRoom group".into(),
        ));
    }
    require_accounts(ctx, &import.senders).await?;
    let (app, group, now) = (ctx.sdkappid(), import.group.as_str(), ctx.now());
    let stored = match &import.topic {
        Some(topic) => {
            ctx.store()
                .import_topic_messages(app, group, topic, &import.msgs, now)
                .await?
        }
        None => {
            ctx.store()
                .import_messages(app, group, &import.msgs, now)
                .await?
        }
    };
    Ok(Response {
        import_msg_result: answer(&import.times, stored),
    })
}
