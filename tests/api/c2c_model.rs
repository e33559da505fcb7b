//! Property test of one-to-one unread counts and conversation lists against a plain model, and
//! the helpers the conversation tests (`conversations.rs`) share with it.
//!
//! The property test drives the real server over HTTP with random imports, sends, recalls,
//! read marks, deletes and clock moves, and after every step compares every account's unread
//! total, per-peer counts and list with a plain model. The clock stays frozen between
//! `Advance` steps, so equal times, which decide the read-mark edges, are common.

use std::time::Duration;

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::c2c::{text, unread_total};
use crate::common::*;
use crate::groups::cmd;

const USERS: [&str; 4] = ["u0", "u1", "u2", "u3"];

/// A list item: (Type, To_Account or GroupId, MsgTime).
pub type Entry = (i64, String, i64);

/// One page of `owner`'s conversation list at the cursor (`TimeStamp`, `StartIndex`).
pub async fn page(s: &TestServer, owner: &str, time_stamp: i64, start_index: i64) -> Value {
    s.ok(
        "recentcontact/get_list",
        json!({"From_Account": owner, "TimeStamp": time_stamp, "StartIndex": start_index,
            "TopTimeStamp": 0, "TopStartIndex": 0, "AssistFlags": 7}),
    )
    .await
}

pub fn item(i: &Value) -> Entry {
    let kind = i["Type"].as_i64().expect("Type");
    let id = if kind == 1 {
        &i["To_Account"]
    } else {
        &i["GroupId"]
    };
    assert_eq!(i["TopFlag"], 0, "{i}");
    let id = id.as_str().unwrap_or_else(|| panic!("{i}")).to_string();
    (kind, id, i["MsgTime"].as_i64().expect("MsgTime"))
}

/// The whole list, page by page, checking each answer's cursor: a page holds at most 50 (only
/// the last fewer), `TimeStamp` is the last item's time and `StartIndex` how many items
/// returned so far share it, `CompleteFlag` is 1 on the last page only. Returns the items and
/// the number of pages.
pub async fn walk(s: &TestServer, owner: &str) -> (Vec<Entry>, usize) {
    let (mut ts, mut idx, mut pages) = (0, 0, 0);
    let mut all = Vec::new();
    loop {
        let v = page(s, owner, ts, idx).await;
        pages += 1;
        let items = v["SessionItem"].as_array().expect("SessionItem");
        assert!(items.len() <= 50, "page {pages} holds {}", items.len());
        all.extend(items.iter().map(item));
        let last = all.last().map_or(0, |i: &Entry| i.2);
        let same = all.iter().rev().take_while(|i| i.2 == last).count() as i64;
        assert_eq!(
            (v["TimeStamp"].as_i64(), v["StartIndex"].as_i64()),
            (Some(last), Some(same))
        );
        if v["CompleteFlag"] == 1 {
            return (all, pages);
        }
        assert_eq!(v["CompleteFlag"], 0);
        assert_eq!(items.len(), 50, "only the last page is short");
        assert!(pages < 10, "the list never completes");
        (ts, idx) = (last, same);
    }
}

/// The first (and in small lists only) page's items, asserting it is complete.
pub async fn list(s: &TestServer, owner: &str) -> Vec<Entry> {
    let v = page(s, owner, 0, 0).await;
    assert_eq!(v["CompleteFlag"], 1, "{v}");
    v["SessionItem"]
        .as_array()
        .unwrap()
        .iter()
        .map(item)
        .collect()
}

pub fn c2c(peer: &str, time: i64) -> Entry {
    (1, peer.to_string(), time)
}

pub fn group(id: &str, time: i64) -> Entry {
    (2, id.to_string(), time)
}

pub async fn import(s: &TestServer, from: &str, to: &str, sync: i64, seq: u32, time: i64) {
    s.ok(
        "openim/importmsg",
        json!({"SyncFromOldSystem": sync, "From_Account": from, "To_Account": to,
            "MsgSeq": seq, "MsgRandom": seq, "MsgTimeStamp": time, "MsgBody": text("i")}),
    )
    .await;
}

pub async fn send(s: &TestServer, from: &str, to: &str, random: u32) -> Value {
    s.ok(
        "openim/sendmsg",
        json!({"From_Account": from, "To_Account": to, "MsgRandom": random,
            "MsgBody": text("s")}),
    )
    .await
}

pub async fn delete(s: &TestServer, owner: &str, peer: &str, clear: i64) {
    s.ok(
        "recentcontact/delete",
        json!({"From_Account": owner, "Type": 1, "To_Account": peer, "ClearRamble": clear}),
    )
    .await;
}

pub async fn delete_group(s: &TestServer, owner: &str, group: &str) {
    let body = json!({"From_Account": owner, "Type": 2, "ToGroupid": group});
    s.ok("recentcontact/delete", body).await;
}

/// A Public group owned by `a` with `members`.
pub async fn public_group(s: &TestServer, id: &str, members: &[&str]) {
    let members: Vec<_> = members
        .iter()
        .map(|m| json!({"Member_Account": m}))
        .collect();
    let body = json!({"Type": "Public", "Name": id, "GroupId": id, "Owner_Account": "a",
        "MemberList": members});
    s.ok(&cmd("create_group"), body).await;
}

pub async fn accounts(s: &TestServer, prefix: &str, n: usize) -> Vec<String> {
    let names: Vec<String> = (0..n).map(|i| format!("{prefix}{i:03}")).collect();
    for chunk in names.chunks(100) {
        let refs: Vec<&str> = chunk.iter().map(String::as_str).collect();
        s.import_accounts(&refs).await;
    }
    names
}

/// `user`'s unread count with each of `peers`, in that order.
pub async fn counts(s: &TestServer, user: &str, peers: &[&str]) -> Vec<(String, i64)> {
    let v = s
        .ok(
            "openim/get_c2c_unread_msg_num",
            json!({"To_Account": user, "Peer_Account": peers}),
        )
        .await;
    let list = v["C2CUnreadMsgNumList"].as_array().expect("a list");
    let count = |p: &str| {
        let e = list.iter().find(|e| e["Peer_Account"] == p);
        e.and_then(|e| e["C2CUnreadMsgNum"].as_i64())
            .unwrap_or_else(|| panic!("no count for {p}: {v}"))
    };
    peers.iter().map(|p| (p.to_string(), count(p))).collect()
}

// ---------------------------------------------------------------------------------------
// The property test.

/// A step; `(from, to)` pairs are two different accounts.
#[derive(Debug, Clone)]
enum Op {
    /// importmsg with SyncFromOldSystem `.1`, `.2` seconds before now (older than earlier
    /// messages at times: imports may come late).
    Import((usize, usize), i64, i64),
    /// sendmsg with NoUnread, NoLastMsg, SyncOtherMachine 2.
    Send((usize, usize), bool, bool, bool),
    /// Recalls the `.0`-th stored message (modulo their number).
    Recall(usize),
    /// admin_set_msg_read (reader, peer) at a stored message's time plus -1, 0 or 1 (so the
    /// mark can stop among unread messages), or without MsgReadTime.
    Read((usize, usize), Option<(usize, i64)>),
    /// recentcontact/delete Type 1 (owner, peer).
    Delete((usize, usize)),
    Advance(u64),
}

fn op() -> impl Strategy<Value = Op> {
    let pair = || (0..4usize, 1..4usize).prop_map(|(a, d)| (a, (a + d) % 4));
    let sync = prop_oneof![Just(2i64), Just(5), Just(1)];
    let sync2 = prop::bool::weighted(0.15);
    let at = prop::option::of((any::<usize>(), -1..=1i64));
    prop_oneof![
        3 => (pair(), sync, 0..40i64).prop_map(|(p, sync, back)| Op::Import(p, sync, back)),
        3 => (pair(), any::<bool>(), any::<bool>(), sync2)
            .prop_map(|(p, no_unread, no_last, sync2)| Op::Send(p, no_unread, no_last, sync2)),
        1 => any::<usize>().prop_map(Op::Recall),
        2 => (pair(), at).prop_map(|(p, at)| Op::Read(p, at)),
        2 => pair().prop_map(Op::Delete),
        2 => (1..20u64).prop_map(Op::Advance),
    ]
}

struct Msg {
    from: usize,
    to: usize,
    time: i64,
    counts: bool,
    /// Not NoLastMsg.
    updates: bool,
    /// Not SyncOtherMachine 2: the sender's conversation has it too.
    sender_keeps: bool,
    key: String,
    recalled: bool,
}

/// The documented rules, stated plainly: a counted message is unread iff it is newer than its
/// recipient's read mark; set_read moves the mark forward only, whether or not the
/// conversation has a message yet; delete reads everything received (the mark reaches the
/// newest counted message) and unlists the conversation until a message that updates
/// conversations. Recalled messages keep counting.
#[derive(Default)]
struct Model {
    msgs: Vec<Msg>,
    mark: [[i64; 4]; 4],
    /// How many messages were stored when (owner, peer) was last deleted.
    deleted_at: [[usize; 4]; 4],
}

impl Model {
    fn unread(&self, owner: usize, peer: usize) -> i64 {
        let mark = self.mark[owner][peer];
        let unread = |m: &&Msg| m.from == peer && m.to == owner && m.counts && m.time > mark;
        self.msgs.iter().filter(unread).count() as i64
    }

    /// Newest first, ties by peer; MsgTime is the newest message that updated the
    /// conversation, listed when one was stored since the last delete.
    fn list(&self, owner: usize) -> Vec<Entry> {
        let mut out = Vec::new();
        for peer in (0..4).filter(|p| *p != owner) {
            let (mut newest, mut since_delete) = (None, false);
            for (i, m) in self.msgs.iter().enumerate() {
                let received = m.from == peer && m.to == owner;
                let kept = m.from == owner && m.to == peer && m.sender_keeps;
                if m.updates && (received || kept) {
                    newest = newest.max(Some(m.time));
                    since_delete |= i >= self.deleted_at[owner][peer];
                }
            }
            if let (Some(time), true) = (newest, since_delete) {
                out.push(c2c(USERS[peer], time));
            }
        }
        out.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)));
        out
    }
}

/// A message of the model, not recalled.
fn msg(
    (from, to): (usize, usize),
    time: i64,
    counts: bool,
    updates: bool,
    sender_keeps: bool,
    key: String,
) -> Msg {
    Msg {
        from,
        to,
        time,
        counts,
        updates,
        sender_keeps,
        key,
        recalled: false,
    }
}

async fn run(backend: Backend, ops: Vec<Op>) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    s.import_accounts(&USERS).await;
    let mut m = Model::default();
    for (step, op) in ops.iter().enumerate() {
        let now = s.now();
        let n = 1000 + step as u32;
        match *op {
            Op::Import((from, to), sync, back) => {
                let time = now - back;
                import(&s, USERS[from], USERS[to], sync, n, time).await;
                let key = format!("{n}_{n}_{time}");
                m.msgs
                    .push(msg((from, to), time, sync != 2, true, true, key));
            }
            Op::Send((from, to), no_unread, no_last, sync2) => {
                let controls: Vec<_> = [(no_unread, "NoUnread"), (no_last, "NoLastMsg")]
                    .into_iter()
                    .filter_map(|(on, c)| on.then_some(c))
                    .collect();
                let mut body = json!({"From_Account": USERS[from], "To_Account": USERS[to],
                    "MsgRandom": n, "MsgBody": text("s"), "SendMsgControl": controls});
                if sync2 {
                    body["SyncOtherMachine"] = json!(2);
                }
                let v = s.ok("openim/sendmsg", body).await;
                assert_eq!(v["MsgTime"], now);
                let key = v["MsgKey"].as_str().expect("MsgKey").to_string();
                m.msgs
                    .push(msg((from, to), now, !no_unread, !no_last, !sync2, key));
            }
            Op::Recall(pick) => {
                let len = m.msgs.len();
                let Some(msg) = m.msgs.get_mut(pick % len.max(1)) else {
                    continue;
                };
                let body = json!({"From_Account": USERS[msg.from], "To_Account": USERS[msg.to],
                    "MsgKey": msg.key});
                if msg.recalled {
                    s.fails("openim/admin_msgwithdraw", body, 20023).await;
                } else {
                    s.ok("openim/admin_msgwithdraw", body).await;
                    msg.recalled = true;
                }
            }
            Op::Read((reader, peer), at) => {
                let mut body =
                    json!({"Report_Account": USERS[reader], "Peer_Account": USERS[peer]});
                let mut time = now;
                if let Some((i, off)) = at {
                    let base = m.msgs.get(i % m.msgs.len().max(1)).map_or(now, |m| m.time);
                    // Never ahead of the clock: a future mark would read messages not sent.
                    time = (base + off).min(now);
                    body["MsgReadTime"] = json!(time.to_string());
                }
                s.ok("openim/admin_set_msg_read", body).await;
                m.mark[reader][peer] = m.mark[reader][peer].max(time);
            }
            Op::Delete((owner, peer)) => {
                delete(&s, USERS[owner], USERS[peer], 0).await;
                let received = m.msgs.iter().filter(|x| x.from == peer && x.to == owner);
                let newest = received.filter(|x| x.counts).map(|x| x.time).max();
                m.mark[owner][peer] = m.mark[owner][peer].max(newest.unwrap_or(0));
                m.deleted_at[owner][peer] = m.msgs.len();
            }
            Op::Advance(secs) => s.clock.advance(Duration::from_secs(secs)),
        }
        compare(&s, &m, &format!("step {step} {op:?}")).await;
    }
}

/// Every account's unread total, per-peer counts and list against the model's.
async fn compare(s: &TestServer, m: &Model, step: &str) {
    for (u, user) in USERS.iter().enumerate() {
        let peers: Vec<&str> = USERS.iter().copied().filter(|p| p != user).collect();
        let expected: Vec<(String, i64)> = (0..4)
            .filter(|p| *p != u)
            .map(|p| (USERS[p].to_string(), m.unread(u, p)))
            .collect();
        let total: i64 = expected.iter().map(|e| e.1).sum();
        let at = format!("{step}: {user}'s");
        assert_eq!(unread_total(s, user).await, total, "{at} total");
        assert_eq!(counts(s, user, &peers).await, expected, "{at} counts");
        assert_eq!(list(s, user).await, m.list(u), "{at} list");
    }
}

fn check(backend: Backend, cases: u32) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    proptest!(ProptestConfig { cases, ..ProptestConfig::default() }, |(ops in prop::collection::vec(op(), 1..25))| {
        rt.block_on(run(backend, ops));
    });
}

#[test]
fn c2c_counts_and_lists_follow_the_model_sqlite() {
    check(Backend::Sqlite, 16);
}

#[test]
fn c2c_counts_and_lists_follow_the_model_postgres() {
    if std::env::var("OPENTIM_TEST_DATABASE_URL").is_err() {
        eprintln!("SKIPPED: PostgreSQL property test (set OPENTIM_TEST_DATABASE_URL to run it)");
        return;
    }
    check(Backend::Postgres, 12);
}
