//! One-to-one messages (`openim`): import, send, batch send, history, recall, modification,
//! read marks, unread counts and online status, end to end on both backends.

use serde_json::{Value, json};

use crate::both;
use crate::common::*;

pub fn text(s: &str) -> Value {
    json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": s}}])
}

/// The whole history between two accounts as `operator` sees it, oldest first.
pub async fn history(s: &TestServer, operator: &str, peer: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut body = json!({"Operator_Account": operator, "Peer_Account": peer,
        "MaxCnt": 100, "MinTime": 0, "MaxTime": s.now() + 1000});
    loop {
        let v = s.ok("openim/admin_getroammsg", body.clone()).await;
        let mut page = v["MsgList"].as_array().cloned().unwrap_or_default();
        page.append(&mut out);
        out = page;
        if v["Complete"] == 1 {
            return out;
        }
        body["MaxTime"] = v["LastMsgTime"].clone();
        body["LastMsgKey"] = v["LastMsgKey"].clone();
    }
}

pub async fn unread_total(s: &TestServer, user: &str) -> i64 {
    let v = s
        .ok("openim/get_c2c_unread_msg_num", json!({"To_Account": user}))
        .await;
    v["AllC2CUnreadMsgNum"].as_i64().expect("a total")
}

async fn send_import_read_and_recall(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    s.import_accounts(&["a", "b"]).await;
    let t = s.now() - 100;
    for (sync, seq) in [(2, 1), (5, 2), (1, 3)] {
        s.ok(
            "openim/importmsg",
            json!({"SyncFromOldSystem": sync, "From_Account": "a", "To_Account": "b",
                "MsgSeq": seq, "MsgRandom": 7, "MsgTimeStamp": t + seq, "MsgBody": text("hi")}),
        )
        .await;
    }
    // History (2) does not count; real time (5, and 1 from older SDKs) does.
    assert_eq!(unread_total(&s, "b").await, 2);
    assert_eq!(unread_total(&s, "a").await, 0);
    let sent = s
        .ok(
            "openim/sendmsg",
            json!({"From_Account": "b", "To_Account": "a", "MsgRandom": 9, "MsgBody": text("yo")}),
        )
        .await;
    assert_eq!(sent["MsgTime"], s.now());
    let key = sent["MsgKey"].as_str().expect("MsgKey").to_string();
    assert_eq!(unread_total(&s, "a").await, 1);
    let h = history(&s, "a", "b").await;
    assert_eq!(h.len(), 4);
    assert_eq!(h[3]["MsgKey"], key.as_str());
    assert_eq!(h[0]["MsgSeq"], 1);
    s.ok(
        "openim/admin_msgwithdraw",
        json!({"From_Account": "b", "To_Account": "a", "MsgKey": key}),
    )
    .await;
    s.fails(
        "openim/admin_msgwithdraw",
        json!({"From_Account": "b", "To_Account": "a", "MsgKey": key}),
        20023,
    )
    .await;
    let h = history(&s, "b", "a").await;
    assert_eq!(h[3]["MsgFlagBits"], 8);
    assert_eq!(
        unread_total(&s, "a").await,
        1,
        "a recalled message keeps its place"
    );
    s.ok(
        "openim/admin_set_msg_read",
        json!({"Report_Account": "b", "Peer_Account": "a"}),
    )
    .await;
    assert_eq!(unread_total(&s, "b").await, 0);
    let list = s
        .ok(
            "recentcontact/get_list",
            json!({"From_Account": "a", "TimeStamp": 0, "StartIndex": 0,
                "TopTimeStamp": 0, "TopStartIndex": 0, "AssistFlags": 7}),
        )
        .await;
    assert_eq!(list["SessionItem"][0]["To_Account"], "b");
    assert_eq!(list["SessionItem"][0]["MsgTime"], s.now());
    assert_eq!(list["CompleteFlag"], 1);
}
both!(send_import_read_and_recall);

/// Many stores at once (on PostgreSQL they share statements): senders to one recipient, a
/// conversation stored twice at once, repeats of one send, history and real-time imports. Every
/// message lands once and the recipient's counts add up.
async fn concurrent_stores_add_up(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let senders: Vec<String> = (0..24).map(|i| format!("s{i}")).collect();
    let mut ids: Vec<&str> = senders.iter().map(String::as_str).collect();
    ids.push("r");
    s.import_accounts(&ids).await;
    let t = s.now() - 50;
    let mut calls = Vec::new();
    for (i, from) in senders.iter().enumerate() {
        for k in 0..2u32 {
            // Real-time (counted) and history (not counted) imports, two per conversation.
            let sync = if k == 0 { 5 } else { 2 };
            calls.push((
                "openim/importmsg",
                json!({"SyncFromOldSystem": sync,
                "From_Account": from, "To_Account": "r", "MsgSeq": k, "MsgRandom": i,
                "MsgTimeStamp": t + i as i64, "MsgBody": text("i")}),
            ));
        }
        // The same send three times: stored once.
        for _ in 0..3 {
            calls.push((
                "openim/sendmsg",
                json!({"From_Account": from, "To_Account": "r",
                "MsgRandom": 1000 + i, "MsgBody": text("s")}),
            ));
        }
    }
    let answers =
        futures_util::future::join_all(calls.iter().map(|(cmd, body)| s.ok(cmd, body.clone())))
            .await;
    for sender in 0..senders.len() {
        let keys: Vec<&Value> = answers[sender * 5 + 2..sender * 5 + 5]
            .iter()
            .map(|a| &a["MsgKey"])
            .collect();
        assert!(
            keys.iter().all(|k| *k == keys[0]),
            "repeats answer the first key"
        );
    }
    // Per sender: one counted import and one send unread; the history import not.
    assert_eq!(unread_total(&s, "r").await, 2 * senders.len() as i64);
    for from in &senders {
        assert_eq!(history(&s, "r", from).await.len(), 3, "{from}");
    }
    let list = s
        .ok(
            "recentcontact/get_list",
            json!({"From_Account": "r", "TimeStamp": 0, "StartIndex": 0,
                "TopTimeStamp": 0, "TopStartIndex": 0, "AssistFlags": 7}),
        )
        .await;
    assert_eq!(
        list["SessionItem"].as_array().map(Vec::len),
        Some(senders.len())
    );
}
both!(concurrent_stores_add_up);

/// Input that only one engine could store is refused alike on both: a NUL character in
/// CloudCustomData; account names with one are unknown accounts, not errors. A read mark ahead
/// of the clock counts as now, so later messages are unread again.
async fn nul_characters_and_future_read_marks(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    s.import_accounts(&["a", "b"]).await;
    let body = json!({"From_Account": "a", "To_Account": "b", "MsgRandom": 1,
        "MsgBody": text("x"), "CloudCustomData": "bad\u{0}data"});
    s.fails("openim/sendmsg", body, 90001).await;
    assert_eq!(history(&s, "a", "b").await.len(), 0);
    let v = s
        .ok(
            "openim/get_c2c_unread_msg_num",
            json!({"To_Account": "a", "Peer_Account": ["b\u{0}"]}),
        )
        .await;
    assert_eq!(v["ErrorList"][0]["ErrorCode"], 70107);
    let v = s
        .ok(
            "openim/query_online_status",
            json!({"To_Account": ["a\u{0}", "a"]}),
        )
        .await;
    assert_eq!(v["ErrorList"][0]["ErrorCode"], 70107);
    assert_eq!(v["QueryResult"][0]["To_Account"], "a");
    let future = (s.now() + 86_400).to_string();
    s.ok(
        "openim/admin_set_msg_read",
        json!({"Report_Account": "b", "Peer_Account": "a", "MsgReadTime": future}),
    )
    .await;
    s.clock.advance(std::time::Duration::from_secs(10));
    s.ok(
        "openim/sendmsg",
        json!({"From_Account": "a", "To_Account": "b", "MsgRandom": 2, "MsgBody": text("y")}),
    )
    .await;
    assert_eq!(unread_total(&s, "b").await, 1);
}
both!(nul_characters_and_future_read_marks);
