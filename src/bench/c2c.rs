//! The one-to-one scenarios: imports and sends between pairs of accounts, a batch send to 500
//! accounts, and history and conversation-list reads over a short and a very long history (the
//! `_100` and `_1m` pairs must cost alike: reads follow the page, not the history).

use opentim::clock::SystemClock;
use serde_json::{Value, json};

use super::client::{Client, run_all};

/// Accounts a batch send reaches.
pub const BATCH_RECIPIENTS: usize = 500;
/// Messages in the long history.
const LONG_HISTORY: u32 = 1_000_000;
/// Conversations of the account whose list is read after a long history.
const MANY_CONVERSATIONS: usize = 1000;

/// The one-to-one scenarios, in the order they run.
pub const C2C_SCENARIOS: &[&str] = &[
    "importmsg",
    "sendmsg",
    "batchsendmsg",
    "admin_getroammsg_100",
    "admin_getroammsg_1m",
    "get_list_100",
    "get_list_1m",
];

fn pair_member(conn: usize, side: usize) -> String {
    format!("c{}", conn * 2 + side)
}

fn recipient(i: usize) -> String {
    format!("r{i}")
}

/// Accounts for every connection's pair and the batch recipients, and the two histories.
pub(super) async fn prepare(client: &Client, concurrency: usize) -> Result<(), String> {
    let mut ids: Vec<String> = (0..concurrency * 2).map(|i| format!("c{i}")).collect();
    ids.extend((0..BATCH_RECIPIENTS).map(recipient));
    ids.extend(["short-a", "short-b", "long-a", "long-b"].map(String::from));
    let mut calls: Vec<(String, Value)> = ids
        .chunks(100)
        .map(|chunk| {
            let body = json!({ "Accounts": chunk });
            ("im_open_login_svc/multiaccount_import".to_string(), body)
        })
        .collect();
    let now = SystemClock::shared().unix_now();
    let fill = |a: &str, b: &str, count: u32, first: i64| {
        let body = json!({"A": a, "B": b, "Count": count, "FirstTime": first});
        ("opentim_bench/fill_c2c".to_string(), body)
    };
    calls.push(fill("short-a", "short-b", 100, now - 1000));
    calls.push(fill("long-a", "long-b", LONG_HISTORY, now - 1_100_000));
    // Both listed accounts see full pages: 100 conversations, or 1000 besides the long one.
    for i in 0..MANY_CONVERSATIONS {
        if i < 100 {
            calls.push(fill(
                "short-a",
                &format!("p{i}"),
                1,
                now - 50_000 + i as i64,
            ));
        }
        calls.push(fill("long-a", &format!("p{i}"), 1, now - 50_000 + i as i64));
    }
    run_all(client, 8, calls).await
}

/// The request of a one-to-one scenario, or None for another scenario.
pub(super) fn request(
    name: &str,
    conn: usize,
    k: u64,
    t0: i64,
    random: u32,
) -> Option<(String, Value)> {
    let body =
        json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello from the benchmark"}}]);
    let (command, body) = match name {
        "importmsg" => (
            "openim/importmsg",
            json!({"SyncFromOldSystem": 2, "From_Account": pair_member(conn, 0),
                   "To_Account": pair_member(conn, 1), "MsgSeq": k as u32, "MsgRandom": random,
                   "MsgTimeStamp": t0 - 86_400 + (k / 64) as i64, "MsgBody": body}),
        ),
        "sendmsg" => (
            "openim/sendmsg",
            json!({"From_Account": pair_member(conn, (k % 2) as usize),
                   "To_Account": pair_member(conn, 1 - (k % 2) as usize),
                   "MsgRandom": random, "MsgBody": body}),
        ),
        "batchsendmsg" => {
            let to: Vec<String> = (0..BATCH_RECIPIENTS).map(recipient).collect();
            (
                "openim/batchsendmsg",
                json!({"From_Account": pair_member(conn, 0), "To_Account": to,
                       "MsgRandom": random, "MsgBody": body}),
            )
        }
        "admin_getroammsg_100" | "admin_getroammsg_1m" => {
            let (a, b) = if name.ends_with("_100") {
                ("short-a", "short-b")
            } else {
                ("long-a", "long-b")
            };
            (
                "openim/admin_getroammsg",
                json!({"Operator_Account": a, "Peer_Account": b, "MaxCnt": 20,
                       "MinTime": 0, "MaxTime": t0}),
            )
        }
        "get_list_100" | "get_list_1m" => {
            let owner = if name.ends_with("_100") {
                "short-a"
            } else {
                "long-a"
            };
            (
                "recentcontact/get_list",
                json!({"From_Account": owner, "TimeStamp": 0, "StartIndex": 0,
                       "TopTimeStamp": 0, "TopStartIndex": 0, "AssistFlags": 7}),
            )
        }
        _ => return None,
    };
    Some((command.to_string(), body))
}
