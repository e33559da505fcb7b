//! Crash safety: concurrent writes against the real binary, SIGKILL at a random moment,
//! restart, and check that every acknowledged write is there exactly once, seqs have no holes,
//! unread counts obey the rules, and SQLite's integrity check passes.
//!
//! `OPENTIM_CRASH_ROUNDS` sets the number of rounds (default 3); `scripts/crash.sh` runs many.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::Mutex;

use common::*;

const USERS: usize = 6;
const QUIET_MESSAGES: i64 = 50;

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn text(t: &str) -> Value {
    json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}])
}

/// What the clients were told, and what may have happened without an answer.
#[derive(Default)]
struct Ledger {
    /// (sender, Random) → acknowledged seq in group "g".
    sends: HashMap<(String, u32), i64>,
    accounts: Vec<String>,
    /// Member of "quiet" → (acknowledged count, count sent without an answer).
    quiet: BTreeMap<String, (i64, Option<i64>)>,
    /// Acknowledged seqs in "imp", and the next SendTime to use there.
    imports: Vec<i64>,
    import_time: i64,
    members: Vec<String>,
}

async fn setup(s: &Server) -> Ledger {
    let users: Vec<String> = (0..USERS).map(|i| format!("u{i}")).collect();
    let spare: Vec<String> = (0..100).map(|i| format!("m{i}")).collect();
    s.ok(
        "im_open_login_svc/multiaccount_import",
        json!({"Accounts": users}),
    )
    .await;
    s.ok(
        "im_open_login_svc/multiaccount_import",
        json!({"Accounts": spare}),
    )
    .await;
    let created = now() - 10 * 86400;
    for g in ["g", "quiet", "imp", "mem"] {
        s.ok(
            "group_open_http_svc/import_group",
            json!({"Type": "Public", "Name": g, "GroupId": g, "CreateTime": created}),
        )
        .await;
    }
    // Distinct Randoms: the same sender repeating one within 5 minutes would be a duplicate.
    for batch in 0..(QUIET_MESSAGES / 7 + 1) {
        let msgs: Vec<Value> = (0..7)
            .map(|i| json!({"From_Account": "u0", "SendTime": created + 1, "Random": batch * 7 + i, "MsgBody": text("q")}))
            .collect();
        s.ok(
            "group_open_http_svc/import_group_msg",
            json!({"GroupId": "quiet", "MsgList": msgs}),
        )
        .await;
    }
    let list: Vec<Value> = users.iter().map(|u| json!({"Member_Account": u})).collect();
    for g in ["g", "quiet"] {
        s.ok(
            "group_open_http_svc/import_group_member",
            json!({"GroupId": g, "MemberList": list.clone()}),
        )
        .await;
    }
    Ledger {
        quiet: users.iter().map(|u| (u.clone(), (0, None))).collect(),
        import_time: created + 10,
        ..Ledger::default()
    }
}

async fn workload(s: Arc<Server>, ledger: Arc<Mutex<Ledger>>, stop: Arc<AtomicBool>, round: u32) {
    let mut tasks = Vec::new();
    for w in 0..4u32 {
        let (s, ledger, stop) = (s.clone(), ledger.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let from = format!("u{w}");
            let mut k = 0u32;
            while !stop.load(Ordering::Relaxed) {
                let random = round << 20 | w << 16 | k;
                k += 1;
                let body = json!({"GroupId": "g", "From_Account": from, "Random": random, "MsgBody": text("x")});
                if let Ok(v) = s.try_call("group_open_http_svc/send_group_msg", &body).await
                    && v["ErrorCode"] == 0
                {
                    let seq = v["MsgSeq"].as_i64().unwrap();
                    ledger.lock().await.sends.insert((from.clone(), random), seq);
                }
            }
        }));
    }
    {
        let (s, ledger, stop) = (s.clone(), ledger.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut k = 0;
            while !stop.load(Ordering::Relaxed) {
                let id = format!("a{round}_{k}");
                k += 1;
                if let Ok(v) = s
                    .try_call("im_open_login_svc/account_import", &json!({"UserID": id}))
                    .await
                    && v["ErrorCode"] == 0
                {
                    ledger.lock().await.accounts.push(id);
                }
            }
        }));
    }
    {
        let (s, ledger, stop) = (s.clone(), ledger.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut k = round as i64;
            while !stop.load(Ordering::Relaxed) {
                let member = format!("u{}", k as usize % USERS);
                let value = (k * 7) % (QUIET_MESSAGES + 1);
                k += 1;
                ledger.lock().await.quiet.get_mut(&member).unwrap().1 = Some(value);
                let body =
                    json!({"GroupId": "quiet", "Member_Account": member, "UnreadMsgNum": value});
                match s
                    .try_call("group_open_http_svc/set_unread_msg_num", &body)
                    .await
                {
                    Ok(v) if v["ErrorCode"] == 0 => {
                        ledger.lock().await.quiet.insert(member, (value, None));
                    }
                    // No answer: the write may or may not have happened; stop writing to keep
                    // the set of possible values to two.
                    _ => return,
                }
            }
        }));
    }
    {
        let (s, ledger, stop) = (s.clone(), ledger.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let t = {
                    let mut l = ledger.lock().await;
                    l.import_time += 1;
                    l.import_time
                };
                let msgs: Vec<Value> = (0..3).map(|i| json!({"From_Account": "u1", "SendTime": t, "Random": (t as u32).wrapping_mul(3).wrapping_add(i), "MsgBody": text("i")})).collect();
                if let Ok(v) = s.try_call("group_open_http_svc/import_group_msg", &json!({"GroupId": "imp", "MsgList": msgs})).await
                    && v["ErrorCode"] == 0
                {
                    let seqs: Vec<i64> = v["ImportMsgResult"].as_array().unwrap().iter().map(|r| r["MsgSeq"].as_i64().unwrap()).collect();
                    ledger.lock().await.imports.extend(seqs);
                }
            }
        }));
    }
    {
        let (s, ledger, stop) = (s.clone(), ledger.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut k = 0;
            while !stop.load(Ordering::Relaxed) && k < 100 {
                let m = format!("m{k}");
                k += 1;
                let body = json!({"GroupId": "mem", "MemberList": [{"Member_Account": m, "UnreadMsgNum": 1}]});
                if let Ok(v) = s.try_call("group_open_http_svc/import_group_member", &body).await
                    && v["ErrorCode"] == 0
                    && v["MemberList"][0]["Result"] != 0
                {
                    ledger.lock().await.members.push(m);
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
}

async fn verify(s: &Server, ledger: &Ledger) {
    // Accounts.
    for chunk in ledger.accounts.chunks(100) {
        let items: Vec<Value> = chunk.iter().map(|a| json!({"UserID": a})).collect();
        let v = s
            .ok(
                "im_open_login_svc/account_check",
                json!({"CheckItem": items}),
            )
            .await;
        for item in v["ResultItem"].as_array().unwrap() {
            assert_eq!(
                item["AccountStatus"], "Imported",
                "acknowledged account lost: {item}"
            );
        }
    }
    // Sends: seqs 1..N without holes, each (sender, Random) once, every acknowledged one kept.
    let messages = history(s, "g").await;
    let mut seen = HashSet::new();
    let mut stored = HashMap::new();
    for (i, m) in messages.iter().enumerate() {
        assert_eq!(
            m["MsgSeq"].as_i64().unwrap(),
            i as i64 + 1,
            "seqs have a hole"
        );
        let key = (
            m["From_Account"].as_str().unwrap().to_string(),
            m["MsgRandom"].as_u64().unwrap() as u32,
        );
        assert!(seen.insert(key.clone()), "message stored twice: {key:?}");
        stored.insert(key, m["MsgSeq"].as_i64().unwrap());
    }
    for (key, seq) in &ledger.sends {
        assert_eq!(
            stored.get(key),
            Some(seq),
            "acknowledged send lost or moved: {key:?}"
        );
    }
    // A client retrying an acknowledged send gets the original, and it is still stored once.
    // (The total may still grow: a write in flight at the crash may commit late on PostgreSQL.)
    if let Some(((from, random), seq)) = ledger.sends.iter().next() {
        let v = s.ok("group_open_http_svc/send_group_msg", json!({"GroupId": "g", "From_Account": from, "Random": random, "MsgBody": text("x")})).await;
        assert_eq!(v["MsgSeq"].as_i64().unwrap(), *seq);
        let copies = history(s, "g")
            .await
            .iter()
            .filter(|m| m["From_Account"] == from.as_str() && m["MsgRandom"] == *random)
            .count();
        assert_eq!(copies, 1, "a retried Random was stored again");
    }
    // Unread counts: within range and consistent in every group member's view.
    for u in 0..USERS {
        let v = s.ok("group_open_http_svc/get_joined_group_list", json!({"Member_Account": format!("u{u}"),
            "ResponseFilter": {"GroupBaseInfoFilter": ["NextMsgSeq"], "SelfInfoFilter": ["MsgSeq", "UnreadMsgNum"]}})).await;
        for g in v["GroupIdList"].as_array().unwrap() {
            let latest = g["NextMsgSeq"].as_i64().unwrap() - 1;
            let unread = g["SelfInfo"]["UnreadMsgNum"].as_i64().unwrap();
            assert!((0..=latest).contains(&unread), "{g}");
            assert_eq!(unread, latest - g["SelfInfo"]["MsgSeq"].as_i64().unwrap());
            if g["GroupId"] == "quiet" {
                let (acked, maybe) = ledger.quiet[&format!("u{u}")];
                assert!(
                    unread == acked || Some(unread) == maybe,
                    "quiet u{u}: {unread}, acknowledged {acked}, in flight {maybe:?}"
                );
            }
        }
    }
    // Imports: contiguous seqs, acknowledged ones present.
    let imported = history(s, "imp").await;
    for (i, m) in imported.iter().enumerate() {
        assert_eq!(m["MsgSeq"].as_i64().unwrap(), i as i64 + 1);
    }
    let present: HashSet<i64> = imported
        .iter()
        .map(|m| m["MsgSeq"].as_i64().unwrap())
        .collect();
    for seq in &ledger.imports {
        assert!(present.contains(seq), "acknowledged import {seq} lost");
    }
    // Imported members.
    for chunk in ledger.members.chunks(100) {
        let v = s
            .ok(
                "group_open_http_svc/get_role_in_group",
                json!({"GroupId": "mem", "User_Account": chunk}),
            )
            .await;
        for r in v["UserIdList"].as_array().unwrap() {
            assert_eq!(r["Role"], "Member", "acknowledged member lost: {r}");
        }
    }
}

async fn crash_rounds(db: Db) {
    let rounds: u32 = std::env::var("OPENTIM_CRASH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let server = Server::start(&db.url, &[]).await;
    let ledger = Arc::new(Mutex::new(setup(&server).await));
    let mut server = Some(server);
    let mut total_acks = 0;
    for round in 0..rounds {
        let s = Arc::new(server.take().unwrap());
        let stop = Arc::new(AtomicBool::new(false));
        let load = tokio::spawn(workload(s.clone(), ledger.clone(), stop.clone(), round + 1));
        let delay = 150 + rand::random::<u64>() % 600;
        tokio::time::sleep(Duration::from_millis(delay)).await;
        // SIGKILL: no chance to flush or finish anything.
        let pid = s.child.id();
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
        stop.store(true, Ordering::Relaxed);
        let _ = load.await;
        drop(s);
        if let Some(path) = &db.sqlite_path {
            assert_sqlite_intact(path).await;
        }
        let restarted = Server::start(&db.url, &[]).await;
        let l = ledger.lock().await;
        verify(&restarted, &l).await;
        total_acks = l.sends.len() + l.accounts.len() + l.imports.len() + l.members.len();
        drop(l);
        server = Some(restarted);
    }
    eprintln!("crash test: {rounds} rounds, {total_acks} acknowledged writes checked");
    assert!(total_acks > 0, "the workload acknowledged nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_sigkill_sqlite() {
    crash_rounds(sqlite_db().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_sigkill_postgres() {
    if let Some(db) = postgres_db("crash test").await {
        crash_rounds(db).await;
    }
}
