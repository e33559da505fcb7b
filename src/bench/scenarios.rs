//! What the benchmark asks of the server: the data it prepares (accounts, groups with members
//! and history) and the request each scenario makes.

use opentim::clock::SystemClock;
use serde_json::{Value, json};

use super::client::{Client, run_all};
use super::{BenchOptions, MIXED};

/// A Random per request: distinct requests of one sender must not look like retries (the
/// server de-duplicates the same sender and Random within 5 minutes). A bijection of `unique`.
fn spread(unique: u64) -> u32 {
    (unique.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as u32
}

fn member(i: usize) -> String {
    format!("u{i}")
}

/// Tells this run's groups apart from an earlier run's on the same server (`--url`).
static RUN: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("{:06x}", rand::random::<u32>() & 0xff_ffff));

pub(super) fn group(i: usize) -> String {
    format!("@TGS#_bench{}-g{i}", *RUN)
}

fn import_group_id(conn: usize) -> String {
    format!("@TGS#_bench{}-import-{conn}", *RUN)
}

/// Accounts, groups with members and history, and one empty group per connection for imports.
pub(super) async fn prepare(client: &Client, opts: &BenchOptions) -> Result<(), String> {
    let now = SystemClock::shared().unix_now();
    let created = now - 30 * 86400;
    let mut calls = Vec::new();
    for chunk in (0..opts.members).collect::<Vec<_>>().chunks(100) {
        let ids: Vec<String> = chunk.iter().map(|&i| member(i)).collect();
        calls.push((
            "im_open_login_svc/multiaccount_import".to_string(),
            json!({"Accounts": ids}),
        ));
    }
    run_all(client, 8, calls).await?;
    let mut calls = Vec::new();
    for g in 0..opts.groups {
        calls.push((
            "group_open_http_svc/import_group".to_string(),
            json!({"Type": "Community", "Name": "bench", "GroupId": group(g), "CreateTime": created,
                   "MaxMemberCount": opts.members.clamp(1, 100_000)}),
        ));
    }
    for c in 0..opts.concurrency {
        calls.push((
            "group_open_http_svc/import_group".to_string(),
            json!({"Type": "Community", "Name": "imports", "GroupId": import_group_id(c), "CreateTime": created}),
        ));
    }
    run_all(client, 8, calls).await?;
    // History first (importing messages resets unread counts), then members with counts. All of
    // a group's history shares one SendTime (allowed: equal times), so batches may run in parallel.
    let mut calls = Vec::new();
    let indexes: Vec<usize> = (0..opts.messages).collect();
    for g in 0..opts.groups {
        for chunk in indexes.chunks(7) {
            let msgs: Vec<Value> = chunk
                .iter()
                .map(|&i| json!({"From_Account": member(i % opts.members.max(1)), "SendTime": created + 1,
                                 "Random": i, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "history"}}]}))
                .collect();
            calls.push((
                "group_open_http_svc/import_group_msg".to_string(),
                json!({"GroupId": group(g), "MsgList": msgs}),
            ));
        }
    }
    run_all(client, 16, calls).await?;
    let mut calls = Vec::new();
    for g in 0..opts.groups {
        for chunk in (0..opts.members).collect::<Vec<_>>().chunks(300) {
            let list: Vec<Value> = chunk
                .iter()
                .map(|&i| json!({"Member_Account": member(i), "UnreadMsgNum": i % (opts.messages + 1)}))
                .collect();
            calls.push((
                "group_open_http_svc/import_group_member".to_string(),
                json!({"GroupId": group(g), "MemberList": list}),
            ));
        }
    }
    run_all(client, 8, calls).await
}

/// The request a scenario makes for connection `conn`, iteration `k`.
pub(super) fn scenario_request(
    name: &str,
    opts: &BenchOptions,
    conn: usize,
    k: u64,
    t0: i64,
    salt: u64,
) -> (String, Value) {
    let groups = opts.groups.max(1);
    let members = opts.members.max(1);
    // A distinct number per request across all connections.
    let unique = (conn as u64) << 32 | k;
    let g = group((conn + k as usize) % groups);
    if let Some(c2c) = super::c2c::request(name, conn, k, t0, spread(unique ^ salt)) {
        return c2c;
    }
    if let Some(social) = super::social::request(name, conn, k) {
        return social;
    }
    let name = match (name, k % 4) {
        (MIXED, 0 | 1) => "set_unread_msg_num",
        (MIXED, 2) => "send_group_msg",
        (MIXED, _) => "get_joined_group_list",
        (other, _) => other,
    };
    match name {
        "set_unread_msg_num" => {
            // Rotate members; each visit to a member writes a different count, so every call
            // really changes a row (SQLite skips writes that store the value already there).
            let m = (unique as usize) % members;
            let n = (k as usize / members + conn) % (opts.messages + 1);
            (
                "group_open_http_svc/set_unread_msg_num".into(),
                json!({"GroupId": g, "Member_Account": member(m), "UnreadMsgNum": n}),
            )
        }
        "send_group_msg" => (
            "group_open_http_svc/send_group_msg".into(),
            json!({"GroupId": g, "From_Account": member((unique as usize) % members), "Random": spread(unique ^ salt),
                   "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello from the benchmark"}}]}),
        ),
        "import_group_msg" => {
            let msgs: Vec<Value> = (0..7)
                .map(|i| json!({"From_Account": member(i % members), "SendTime": t0 + k as i64 / 64,
                                "Random": (unique as u32).wrapping_mul(7).wrapping_add(i as u32),
                                "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "imported"}}]}))
                .collect();
            (
                "group_open_http_svc/import_group_msg".into(),
                json!({"GroupId": import_group_id(conn), "MsgList": msgs}),
            )
        }
        "get_group_member_info" => {
            let pages = (members / 100).max(1);
            (
                "group_open_http_svc/get_group_member_info".into(),
                json!({"GroupId": g, "Limit": 100, "Offset": (k as usize % pages) * 100}),
            )
        }
        "get_joined_group_list" => (
            "group_open_http_svc/get_joined_group_list".into(),
            json!({"Member_Account": member((unique as usize) % members),
                   "ResponseFilter": {"SelfInfoFilter": ["Role", "MsgSeq", "UnreadMsgNum"]}}),
        ),
        "portrait_set" => (
            "profile/portrait_set".into(),
            json!({"From_Account": member((unique as usize) % members), "ProfileItem": [
                {"Tag": "Tag_Profile_IM_Nick", "Value": format!("nick {k}")},
                {"Tag": "Tag_Profile_IM_Level", "Value": k % 100}]}),
        ),
        _ => ("opentim_bench/ceiling".into(), json!({})),
    }
}
