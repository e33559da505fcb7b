//! One-to-one unread counts and conversation lists against a model, and the list's documented
//! edges: the 100-conversation cap, paging through runs of equal times, deleting (with and
//! without `ClearRamble`), group conversations, the recentcontact error codes.
//!
//! The property test drives the real server over HTTP with random imports, sends, recalls,
//! read marks, deletes and clock moves, and after every step compares every account's unread
//! total, per-peer counts and list with a plain model. The clock stays frozen between
//! `Advance` steps, so equal times, which decide the read-mark edges, are common.

use std::time::Duration;

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::both;
use crate::c2c::{history, text, unread_total};
use crate::common::*;
use crate::groups::cmd;

const USERS: [&str; 4] = ["u0", "u1", "u2", "u3"];

/// A list item: (Type, To_Account or GroupId, MsgTime).
type Entry = (i64, String, i64);

/// One page of `owner`'s conversation list at the cursor (`TimeStamp`, `StartIndex`).
async fn page(s: &TestServer, owner: &str, time_stamp: i64, start_index: i64) -> Value {
    s.ok(
        "recentcontact/get_list",
        json!({"From_Account": owner, "TimeStamp": time_stamp, "StartIndex": start_index,
            "TopTimeStamp": 0, "TopStartIndex": 0, "AssistFlags": 7}),
    )
    .await
}

fn item(i: &Value) -> Entry {
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
async fn walk(s: &TestServer, owner: &str) -> (Vec<Entry>, usize) {
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
async fn list(s: &TestServer, owner: &str) -> Vec<Entry> {
    let v = page(s, owner, 0, 0).await;
    assert_eq!(v["CompleteFlag"], 1, "{v}");
    v["SessionItem"]
        .as_array()
        .unwrap()
        .iter()
        .map(item)
        .collect()
}

fn c2c(peer: &str, time: i64) -> Entry {
    (1, peer.to_string(), time)
}

fn group(id: &str, time: i64) -> Entry {
    (2, id.to_string(), time)
}

async fn import(s: &TestServer, from: &str, to: &str, sync: i64, seq: u32, time: i64) {
    s.ok(
        "openim/importmsg",
        json!({"SyncFromOldSystem": sync, "From_Account": from, "To_Account": to,
            "MsgSeq": seq, "MsgRandom": seq, "MsgTimeStamp": time, "MsgBody": text("i")}),
    )
    .await;
}

async fn send(s: &TestServer, from: &str, to: &str, random: u32) -> Value {
    s.ok(
        "openim/sendmsg",
        json!({"From_Account": from, "To_Account": to, "MsgRandom": random,
            "MsgBody": text("s")}),
    )
    .await
}

async fn delete(s: &TestServer, owner: &str, peer: &str, clear: i64) {
    s.ok(
        "recentcontact/delete",
        json!({"From_Account": owner, "Type": 1, "To_Account": peer, "ClearRamble": clear}),
    )
    .await;
}

async fn delete_group(s: &TestServer, owner: &str, group: &str) {
    let body = json!({"From_Account": owner, "Type": 2, "ToGroupid": group});
    s.ok("recentcontact/delete", body).await;
}

/// A Public group owned by `a` with `members`.
async fn public_group(s: &TestServer, id: &str, members: &[&str]) {
    let members: Vec<_> = members
        .iter()
        .map(|m| json!({"Member_Account": m}))
        .collect();
    let body = json!({"Type": "Public", "Name": id, "GroupId": id, "Owner_Account": "a",
        "MemberList": members});
    s.ok(&cmd("create_group"), body).await;
}

async fn accounts(s: &TestServer, prefix: &str, n: usize) -> Vec<String> {
    let names: Vec<String> = (0..n).map(|i| format!("{prefix}{i:03}")).collect();
    for chunk in names.chunks(100) {
        let refs: Vec<&str> = chunk.iter().map(String::as_str).collect();
        s.import_accounts(&refs).await;
    }
    names
}

/// `user`'s unread count with each of `peers`, in that order.
async fn counts(s: &TestServer, user: &str, peers: &[&str]) -> Vec<(String, i64)> {
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

async fn run(backend: Backend, ops: Vec<Op>) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    s.import_accounts(&USERS).await;
    let mut m = Model::default();
    for (step, op) in ops.iter().enumerate() {
        let now = s.now();
        let n = 1000 + step as u32;
        let msg = |(from, to), time, counts, updates, sender_keeps, key| Msg {
            from,
            to,
            time,
            counts,
            updates,
            sender_keeps,
            key,
            recalled: false,
        };
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
        for (u, user) in USERS.iter().enumerate() {
            let peers: Vec<&str> = USERS.iter().copied().filter(|p| p != user).collect();
            let expected: Vec<(String, i64)> = (0..4)
                .filter(|p| *p != u)
                .map(|p| (USERS[p].to_string(), m.unread(u, p)))
                .collect();
            let total: i64 = expected.iter().map(|e| e.1).sum();
            let at = format!("step {step} {op:?}: {user}'s");
            assert_eq!(unread_total(&s, user).await, total, "{at} total");
            assert_eq!(counts(&s, user, &peers).await, expected, "{at} counts");
            assert_eq!(list(&s, user).await, m.list(u), "{at} list");
        }
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

// ---------------------------------------------------------------------------------------
// The list's size and paging.

/// Tencent keeps an ordinary account's 100 most recent conversations: the 5 oldest of 105
/// drop out of the owner's list (not out of the peers' lists), in two full-sized pages.
async fn only_the_100_newest_conversations_are_listed(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["o"]).await;
    let peers = accounts(&s, "p", 105).await;
    let first = s.now() - 1000;
    for (i, p) in peers.iter().enumerate() {
        import(&s, "o", p, 2, i as u32, first + i as i64).await;
    }
    let (all, pages) = walk(&s, "o").await;
    let expected: Vec<_> = (5..105)
        .rev()
        .map(|i| c2c(&peers[i], first + i as i64))
        .collect();
    assert_eq!(all, expected);
    assert_eq!(pages, 2);
    assert_eq!(list(&s, &peers[0]).await, [c2c("o", first)]);
}
both!(only_the_100_newest_conversations_are_listed);

/// 70 conversations in three runs of equal times (a frozen clock between advances), the page
/// boundary inside the middle run: the cursor resumes inside the run, in peer order, with no
/// duplicate and no gap. Then 60 conversations all of one second.
async fn paging_resumes_inside_a_run_of_equal_times(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["o", "q"]).await;
    let peers = accounts(&s, "p", 70).await;
    let mut expected = Vec::new();
    for run in [0..10, 10..55, 55..70] {
        s.clock.advance(Duration::from_secs(7));
        for i in run.clone() {
            send(&s, &peers[i], "o", i as u32).await;
        }
        let mut items: Vec<_> = run.map(|i| c2c(&peers[i], s.now())).collect();
        items.append(&mut expected);
        expected = items;
    }
    let first = page(&s, "o", 0, 0).await;
    // 15 of the newest second, then 35 of the 45 of the middle one.
    assert_eq!(
        (first["TimeStamp"].as_i64(), first["StartIndex"].as_i64()),
        (Some(expected[49].2), Some(35))
    );
    let (all, pages) = walk(&s, "o").await;
    assert_eq!(all, expected);
    assert_eq!(pages, 2);

    s.clock.advance(Duration::from_secs(7));
    for (i, p) in peers.iter().take(60).enumerate() {
        send(&s, p, "q", 100 + i as u32).await;
    }
    let (all, pages) = walk(&s, "q").await;
    let expected: Vec<_> = peers[..60].iter().map(|p| c2c(p, s.now())).collect();
    assert_eq!(all, expected);
    assert_eq!(pages, 2);
}
both!(paging_resumes_inside_a_run_of_equal_times);

// ---------------------------------------------------------------------------------------
// Read marks.

/// A read mark holds whether or not the conversation has a message yet ("the read mark never
/// moves back"): `a` marks both peers read up to now, `b` after `a` wrote to it, `c` before
/// any message; late real-time imports from both, older than the mark, arrive read alike.
async fn a_read_mark_holds_before_the_first_message(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b", "c"]).await;
    let t = s.now();
    send(&s, "a", "b", 1).await;
    for peer in ["b", "c"] {
        let body =
            json!({"Report_Account": "a", "Peer_Account": peer, "MsgReadTime": t.to_string()});
        s.ok("openim/admin_set_msg_read", body).await;
    }
    import(&s, "b", "a", 5, 2, t - 10).await;
    import(&s, "c", "a", 5, 3, t - 10).await;
    let expected = vec![("b".to_string(), 0), ("c".to_string(), 0)];
    assert_eq!(counts(&s, "a", &["b", "c"]).await, expected);
    assert_eq!(unread_total(&s, "a").await, 0);
}
both!(a_read_mark_holds_before_the_first_message);

// ---------------------------------------------------------------------------------------
// Deleting.

/// ClearRamble 1 removes the messages so far from the owner's history only; the next message
/// brings the conversation back to the list, and into both histories.
async fn clear_ramble_clears_the_owners_history_only(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b"]).await;
    let t = s.now();
    import(&s, "a", "b", 2, 1, t - 30).await;
    import(&s, "b", "a", 5, 2, t - 20).await;
    send(&s, "a", "b", 3).await;
    assert_eq!(unread_total(&s, "a").await, 1);
    delete(&s, "a", "b", 1).await;
    assert_eq!(unread_total(&s, "a").await, 0, "deleting reads everything");
    assert_eq!(list(&s, "a").await, []);
    assert_eq!(list(&s, "b").await, [c2c("a", t)]);
    assert_eq!(history(&s, "a", "b").await.len(), 0);
    assert_eq!(history(&s, "b", "a").await.len(), 3);

    s.clock.advance(Duration::from_secs(10));
    let key = send(&s, "b", "a", 4).await["MsgKey"].clone();
    assert_eq!(list(&s, "a").await, [c2c("b", t + 10)]);
    assert_eq!(unread_total(&s, "a").await, 1);
    let h = history(&s, "a", "b").await;
    assert_eq!(h.len(), 1);
    assert_eq!(h[0]["MsgKey"], key);
    assert_eq!(history(&s, "b", "a").await.len(), 4);
    // Without ClearRamble the history stays.
    delete(&s, "a", "b", 0).await;
    assert_eq!(history(&s, "a", "b").await.len(), 1);
    assert_eq!(list(&s, "a").await, []);
    assert_eq!(unread_total(&s, "a").await, 0);
}
both!(clear_ramble_clears_the_owners_history_only);

/// ClearRamble hides the history up to its newest message's key (time, MsgSeq, MsgRandom): a
/// message stored after the clear with a key above it is seen, even in the clear's second (a
/// frozen clock); an import older than the cleared part falls in it and stays hidden.
async fn clear_ramble_hides_up_to_the_newest_key(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b"]).await;
    let t = s.now();
    let seq_send = |seq: u32| {
        json!({"From_Account": "b", "To_Account": "a", "MsgSeq": seq, "MsgRandom": seq,
            "MsgBody": text("s")})
    };
    s.ok("openim/sendmsg", seq_send(10)).await;
    delete(&s, "a", "b", 1).await;
    s.ok("openim/sendmsg", seq_send(11)).await;
    assert_eq!(list(&s, "a").await, [c2c("b", t)]);
    let same_second = history(&s, "a", "b").await;
    import(&s, "b", "a", 2, 3, t - 100).await;
    let with_older = history(&s, "a", "b").await;
    assert_eq!((same_second.len(), with_older.len()), (1, 1));
    assert_eq!(with_older[0]["MsgSeq"], 11);
    assert_eq!(
        history(&s, "b", "a").await.len(),
        3,
        "the peer sees everything"
    );
}
both!(clear_ramble_hides_up_to_the_newest_key);

/// The conversation leaves the list "until its next message": one in the delete's second
/// counts too, for a one-to-one and for a group conversation.
async fn a_message_in_the_second_of_the_delete_brings_it_back(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b"]).await;
    public_group(&s, "g", &["b"]).await;
    let t = s.now();
    send(&s, "a", "b", 1).await;
    crate::groups::send(&s, "g", "a", 2).await;
    assert_eq!(list(&s, "b").await, [c2c("a", t), group("g", t)]);
    delete(&s, "b", "a", 0).await;
    delete_group(&s, "b", "g").await;
    assert_eq!(list(&s, "b").await, []);
    send(&s, "a", "b", 3).await;
    crate::groups::send(&s, "g", "a", 4).await;
    assert_eq!(list(&s, "b").await, [c2c("a", t), group("g", t)]);
}
both!(a_message_in_the_second_of_the_delete_brings_it_back);

async fn recentcontact_errors(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b"]).await;
    for (body, code) in [
        (
            json!({"From_Account": "nobody", "Type": 1, "To_Account": "b"}),
            50001,
        ),
        (
            json!({"From_Account": "a", "Type": 1, "To_Account": "nobody"}),
            50001,
        ),
        (
            json!({"From_Account": "a", "Type": 3, "To_Account": "b"}),
            50002,
        ),
        (json!({"Type": 1, "To_Account": "b"}), 50002),
        (json!({"From_Account": "a", "To_Account": "b"}), 50002),
        (json!({"From_Account": "a", "Type": 1}), 50002),
        (json!({"From_Account": "a", "Type": 2}), 50002),
    ] {
        s.fails("recentcontact/delete", body, code).await;
    }
    let get = json!({"From_Account": "nobody", "TimeStamp": 0, "StartIndex": 0,
        "TopTimeStamp": 0, "TopStartIndex": 0, "AssistFlags": 7});
    s.fails("recentcontact/get_list", get.clone(), 50001).await;
    let mut missing = get;
    missing["From_Account"] = json!("a");
    missing.as_object_mut().unwrap().remove("TimeStamp");
    s.fails("recentcontact/get_list", missing, 50002).await;
}
both!(recentcontact_errors);

// ---------------------------------------------------------------------------------------
// Group conversations.

/// send_group_msg puts the group in every member's list (Type 2, GroupId, the message's
/// time) unless NoLastMsg; import_group_msg only with RecentContactFlag 1. Delete Type 2
/// hides it from that member until the group's next message.
async fn group_messages_update_members_lists(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b", "c"]).await;
    let t = s.now();
    import(&s, "a", "b", 2, 1, t - 50).await;
    public_group(&s, "g1", &["b"]).await;
    public_group(&s, "g2", &[]).await;
    let before = [c2c("b", t - 50)];
    assert_eq!(
        list(&s, "a").await,
        before,
        "creating a group sends nothing"
    );

    s.clock.advance(Duration::from_secs(10));
    crate::groups::send(&s, "g1", "a", 1).await;
    let before = [group("g1", t + 10), c2c("b", t - 50)];
    assert_eq!(list(&s, "a").await, before);
    assert_eq!(list(&s, "b").await, [group("g1", t + 10), c2c("a", t - 50)]);
    assert_eq!(list(&s, "c").await, [], "not a member");

    s.clock.advance(Duration::from_secs(10));
    s.ok(
        &cmd("send_group_msg"),
        json!({"GroupId": "g2", "From_Account": "a", "Random": 2,
        "MsgBody": text("x"), "SendMsgControl": ["NoLastMsg"]}),
    )
    .await;
    assert_eq!(list(&s, "a").await, before, "NoLastMsg");

    s.clock.advance(Duration::from_secs(10));
    let import = |time: i64, random: i64| {
        json!({"GroupId": "g2", "MsgList": [
        {"From_Account": "a", "SendTime": time, "Random": random, "MsgBody": text("i")}]})
    };
    s.ok(&cmd("import_group_msg"), import(t + 22, 3)).await;
    assert_eq!(list(&s, "a").await, before, "no RecentContactFlag");
    let mut flagged = import(t + 25, 4);
    flagged["RecentContactFlag"] = json!(1);
    s.ok(&cmd("import_group_msg"), flagged).await;
    assert_eq!(
        list(&s, "a").await,
        [group("g2", t + 25), group("g1", t + 10), c2c("b", t - 50)]
    );

    delete_group(&s, "b", "g1").await;
    assert_eq!(list(&s, "b").await, [c2c("a", t - 50)]);
    assert_eq!(list(&s, "a").await.len(), 3, "the other members keep it");
    s.clock.advance(Duration::from_secs(10));
    crate::groups::send(&s, "g1", "a", 5).await;
    assert_eq!(list(&s, "b").await, [group("g1", t + 40), c2c("a", t - 50)]);
}
both!(group_messages_update_members_lists);
