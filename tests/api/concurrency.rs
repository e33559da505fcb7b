//! Many clients at once on one group — sends, set_unread, joins, member imports — and the
//! invariants afterwards: seqs without holes or duplicates, counts in range and consistent.

use std::sync::Arc;

use serde_json::json;

use crate::both;
use crate::common::*;
use crate::groups::{cmd, info, text, unread};

async fn concurrent_clients_keep_invariants(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let s = Arc::new(s);
    let users: Vec<String> = (0..24).map(|i| format!("c{i}")).collect();
    let refs: Vec<&str> = users.iter().map(String::as_str).collect();
    s.import_accounts(&refs).await;
    s.ok(
        &cmd("create_group"),
        json!({"Type": "Public", "Name": "busy", "GroupId": "busy",
        "MemberList": users[..8].iter().map(|u| json!({"Member_Account": u})).collect::<Vec<_>>()}),
    )
    .await;
    let mut tasks = Vec::new();
    for (w, from) in users[..8].iter().enumerate() {
        let s = s.clone();
        let from = from.clone();
        tasks.push(tokio::spawn(async move {
            for k in 0..25u32 {
                s.ok(&cmd("send_group_msg"), json!({"GroupId": "busy", "From_Account": from, "Random": (w as u32) << 16 | k, "MsgBody": text("m")})).await;
            }
        }));
    }
    for member in &users[..4] {
        let s = s.clone();
        let member = member.clone();
        tasks.push(tokio::spawn(async move {
            for k in 0..25i64 {
                s.ok(
                    &cmd("set_unread_msg_num"),
                    json!({"GroupId": "busy", "Member_Account": member, "UnreadMsgNum": k % 9}),
                )
                .await;
            }
        }));
    }
    for w in 0..2usize {
        let s = s.clone();
        let joiners: Vec<String> = users[8 + w * 8..16 + w * 8].to_vec();
        tasks.push(tokio::spawn(async move {
            for (i, u) in joiners.iter().enumerate() {
                let command = if i % 2 == 0 {
                    "add_group_member"
                } else {
                    "import_group_member"
                };
                s.ok(
                    &cmd(command),
                    json!({"GroupId": "busy", "MemberList": [{"Member_Account": u}]}),
                )
                .await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let g = info(&s, "busy").await;
    assert_eq!(g["NextMsgSeq"], 201, "every send got its own seq");
    assert_eq!(g["MemberNum"], 24);
    let mut seqs = Vec::new();
    let mut upto = 200;
    while upto > 0 {
        let v = s
            .ok(
                &cmd("group_msg_get_simple"),
                json!({"GroupId": "busy", "ReqMsgNumber": 20, "ReqMsgSeq": upto}),
            )
            .await;
        for m in v["RspMsgList"].as_array().unwrap() {
            seqs.push((
                m["MsgSeq"].as_i64().unwrap(),
                m["MsgRandom"].as_i64().unwrap(),
            ));
        }
        upto -= 20;
    }
    seqs.sort();
    assert_eq!(
        seqs.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
        (1..=200).collect::<Vec<_>>()
    );
    let randoms: std::collections::HashSet<i64> = seqs.iter().map(|(_, r)| *r).collect();
    assert_eq!(randoms.len(), 200, "no message stored twice");
    for u in &users {
        let n = unread(&s, "busy", u).await;
        assert!((0..=200).contains(&n), "{u}: {n}");
    }
    // Once the traffic stops, a set is exact.
    s.ok(
        &cmd("set_unread_msg_num"),
        json!({"GroupId": "busy", "Member_Account": "c0", "UnreadMsgNum": 150}),
    )
    .await;
    assert_eq!(unread(&s, "busy", "c0").await, 150);
}
both!(concurrent_clients_keep_invariants);

/// Many set_unread_msg_num calls at the same moment (PostgreSQL runs the calls waiting together
/// as one statement): each is answered for itself — set, clamped, ignored for ChatRoom, or
/// refused — and the same member asked twice at once is set once per call, never mixed up.
async fn simultaneous_unread_sets_are_answered_each_for_itself(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let s = Arc::new(s);
    let members: Vec<String> = (0..30).map(|i| format!("m{i}")).collect();
    let mut accounts: Vec<&str> = members.iter().map(String::as_str).collect();
    accounts.extend(["o", "out"]);
    s.import_accounts(&accounts).await;
    let member_list: Vec<_> = members
        .iter()
        .map(|u| json!({"Member_Account": u}))
        .collect();
    for (id, t) in [("many", "Public"), ("room", "ChatRoom")] {
        s.ok(
            &cmd("create_group"),
            json!({"Type": t, "Name": id, "GroupId": id, "Owner_Account": "o", "MemberList": member_list}),
        )
        .await;
        for k in 0..12u32 {
            s.ok(
                &cmd("send_group_msg"),
                json!({"GroupId": id, "From_Account": "o", "Random": k, "MsgBody": text("m")}),
            )
            .await;
        }
    }
    let mut calls = Vec::new();
    for (i, m) in members.iter().enumerate() {
        for group in ["many", "many", "room"] {
            calls.push((
                json!({"GroupId": group, "Member_Account": m, "UnreadMsgNum": i}),
                0,
            ));
        }
    }
    for i in 0..5 {
        calls.push((
            json!({"GroupId": "many", "Member_Account": "out", "UnreadMsgNum": i}),
            10007,
        ));
        calls.push((
            json!({"GroupId": "missing", "Member_Account": "m1", "UnreadMsgNum": i}),
            10010,
        ));
    }
    let tasks: Vec<_> = calls
        .into_iter()
        .map(|(body, code)| {
            let s = s.clone();
            tokio::spawn(async move {
                let v = s.call(&cmd("set_unread_msg_num"), body.clone()).await;
                assert_eq!(v["ErrorCode"], code, "{body} -> {v}");
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    for (i, m) in members.iter().enumerate() {
        assert_eq!(unread(&s, "many", m).await, i.min(12) as i64, "{m}");
        assert_eq!(unread(&s, "room", m).await, 0, "{m} in the ChatRoom");
    }
}
both!(simultaneous_unread_sets_are_answered_each_for_itself);
