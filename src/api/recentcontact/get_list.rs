//! `v4/recentcontact/get_list` — an account's conversation list, newest first, in pages
//! (TC 1047/43087).
//!
//! The list keeps an account's 100 most recent conversations (Tencent's usage limit for an
//! ordinary account), one-to-one and group together, ordered by their last message's time
//! (ties by peer). A page holds up to 50. The cursor is Tencent's: `TimeStamp` is the time of
//! the last conversation returned and `StartIndex` how many conversations of that time were
//! returned; the first page sends both 0. opentim has no pinned conversations: `TopFlag` is 0
//! and the pinned cursor comes back as sent. Reading the list costs the same whatever the
//! account's history: it reads at most 100 conversation rows, plus one row per group the
//! account is in.

use serde::{Deserialize, Serialize};

use super::imported_account;
use crate::api::Ctx;
use crate::api::fields::required;
use crate::domain::c2c::MAX_RECENT_CONTACTS;
use crate::error::ApiError;
use crate::store::{ConversationRow, Peer};

/// Most conversations on one page.
pub const PAGE_SIZE: usize = 50;

#[derive(Debug, Deserialize)]
pub struct Request {
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "TimeStamp")]
    time_stamp: Option<i64>,
    #[serde(rename = "StartIndex")]
    start_index: Option<u32>,
    #[serde(rename = "TopTimeStamp")]
    top_time_stamp: Option<i64>,
    #[serde(rename = "TopStartIndex")]
    top_start_index: Option<u32>,
    #[serde(rename = "AssistFlags")]
    assist_flags: Option<u32>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    #[serde(rename = "SessionItem")]
    session_item: Vec<Item>,
    #[serde(rename = "CompleteFlag")]
    complete_flag: u8,
    #[serde(rename = "TimeStamp")]
    time_stamp: i64,
    #[serde(rename = "StartIndex")]
    start_index: usize,
    #[serde(rename = "TopTimeStamp")]
    top_time_stamp: i64,
    #[serde(rename = "TopStartIndex")]
    top_start_index: u32,
}

#[derive(Debug, Serialize)]
struct Item {
    #[serde(rename = "Type")]
    kind: u8,
    #[serde(rename = "To_Account", skip_serializing_if = "Option::is_none")]
    to_account: Option<String>,
    #[serde(rename = "GroupId", skip_serializing_if = "Option::is_none")]
    group_id: Option<String>,
    #[serde(rename = "MsgTime")]
    msg_time: i64,
    #[serde(rename = "TopFlag")]
    top_flag: u8,
}

impl From<ConversationRow> for Item {
    fn from(c: ConversationRow) -> Item {
        let (kind, to_account, group_id) = match c.peer {
            Peer::Account(a) => (1, Some(a), None),
            Peer::Group(g) => (2, None, Some(g)),
        };
        Item {
            kind,
            to_account,
            group_id,
            msg_time: c.msg_time,
            top_flag: 0,
        }
    }
}

/// Where a page starts in a list of conversation times (newest first): after every
/// conversation newer than `time_stamp` and the first `start_index` of those at it. The first
/// page (`time_stamp` 0) starts at `start_index`.
fn page_start(times: &[i64], time_stamp: i64, start_index: usize) -> usize {
    if time_stamp == 0 {
        return start_index.min(times.len());
    }
    let newer = times.iter().take_while(|t| **t > time_stamp).count();
    let same = times[newer..]
        .iter()
        .take_while(|t| **t == time_stamp)
        .count();
    newer + start_index.min(same)
}

/// The cursor after a page ending before `end`: the last time returned and how many of the
/// conversations returned so far have it.
fn next_cursor(times: &[i64], end: usize) -> (i64, usize) {
    let Some(&last) = end.checked_sub(1).and_then(|i| times.get(i)) else {
        return (0, 0);
    };
    let same = times[..end]
        .iter()
        .rev()
        .take_while(|t| **t == last)
        .count();
    (last, same)
}

pub async fn handle(ctx: &Ctx, req: Request) -> Result<Response, ApiError> {
    let time_stamp = required("TimeStamp", req.time_stamp)?;
    let start_index = required("StartIndex", req.start_index)? as usize;
    let top_time_stamp = required("TopTimeStamp", req.top_time_stamp)?;
    let top_start_index = required("TopStartIndex", req.top_start_index)?;
    required("AssistFlags", req.assist_flags)?;
    let owner = imported_account(ctx, "From_Account", req.from_account).await?;
    let list = ctx
        .store()
        .conversations(ctx.sdkappid(), owner.as_str(), MAX_RECENT_CONTACTS)
        .await?;
    let times: Vec<i64> = list.iter().map(|c| c.msg_time).collect();
    let start = page_start(&times, time_stamp, start_index);
    let end = (start + PAGE_SIZE).min(list.len());
    let (next_time, next_index) = next_cursor(&times, end);
    Ok(Response {
        session_item: list
            .into_iter()
            .skip(start)
            .take(end - start)
            .map(Item::from)
            .collect(),
        complete_flag: u8::from(end >= times.len()),
        time_stamp: next_time,
        start_index: next_index,
        top_time_stamp,
        top_start_index,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_resumes_inside_a_run_of_equal_times() {
        let times = [9, 7, 7, 7, 5];
        assert_eq!(page_start(&times, 0, 0), 0);
        assert_eq!(next_cursor(&times, 2), (7, 1));
        assert_eq!(page_start(&times, 7, 1), 2);
        assert_eq!(next_cursor(&times, 4), (7, 3));
        assert_eq!(page_start(&times, 7, 3), 4);
        assert_eq!(page_start(&times, 6, 0), 4);
        assert_eq!(page_start(&times, 7, 99), 4);
        assert_eq!(next_cursor(&times, 0), (0, 0));
    }
}
