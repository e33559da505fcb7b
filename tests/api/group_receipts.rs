//! Group read receipts: NeedReadReceipt on send_group_msg, group_msg_receipt,
//! get_group_msg_receipt and get_group_msg_receipt_detail — counts, pages, the audience rules,
//! per-type support, bad input with read-back.

use serde_json::{Value, json};

use crate::both;
use crate::common::*;
use crate::groups::{cmd, create, info, text};

/// Public group `g` owned by `a` with members `b`, `c`, `d` (in that order).
async fn group(s: &TestServer) {
    s.import_accounts(&["a", "b", "c", "d", "e"]).await;
    create(
        s,
        json!({"Type": "Public", "Name": "x", "GroupId": "g", "Owner_Account": "a",
               "MemberList": [{"Member_Account": "b"}, {"Member_Account": "c"},
                              {"Member_Account": "d"}]}),
    )
    .await;
}

async fn send(s: &TestServer, group: &str, receipt: Value, random: u32) -> i64 {
    let v = s
        .ok(
            &cmd("send_group_msg"),
            json!({"GroupId": group, "From_Account": "a", "Random": random,
                   "MsgBody": text("hi"), "NeedReadReceipt": receipt}),
        )
        .await;
    v["MsgSeq"].as_i64().unwrap()
}

async fn receipt(s: &TestServer, from: &str, seqs: &[i64]) -> Value {
    let list: Vec<Value> = seqs.iter().map(|q| json!({"MsgSeq": q})).collect();
    s.call(
        &cmd("group_msg_receipt"),
        json!({"GroupId": "g", "From_Account": from, "MsgSeqList": list}),
    )
    .await
}

async fn counts(s: &TestServer, seqs: &[i64]) -> Vec<(i64, i64, i64)> {
    let list: Vec<Value> = seqs.iter().map(|q| json!({"MsgSeq": q})).collect();
    let v = s
        .ok(
            &cmd("get_group_msg_receipt"),
            json!({"GroupId": "g", "MsgSeqList": list}),
        )
        .await;
    let items = v["GroupMsgReceiptList"].as_array().unwrap();
    assert_eq!(items.len(), seqs.len());
    items
        .iter()
        .zip(seqs)
        .map(|(i, q)| {
            assert_eq!(i["MsgSeq"], *q);
            (
                i["Code"].as_i64().unwrap(),
                i["ReadNum"].as_i64().unwrap(),
                i["UnreadNum"].as_i64().unwrap(),
            )
        })
        .collect()
}

async fn detail(s: &TestServer, seq: i64, filter: u8, cursor: &str, count: u32) -> Value {
    s.ok(
        &cmd("get_group_msg_receipt_detail"),
        json!({"GroupId": "g", "MsgSeq": seq, "Filter": filter, "Cursor": cursor,
               "Count": count}),
    )
    .await
}

fn accounts(v: &Value, list: &str, field: &str) -> Vec<String> {
    v[list]
        .as_array()
        .unwrap_or_else(|| panic!("{list} in {v}"))
        .iter()
        .map(|i| i[field].as_str().unwrap().to_string())
        .collect()
}

async fn receipts_count_readers_and_list_both_ways(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    group(&s).await;
    let with = send(&s, "g", json!(1), 1).await;
    let without = send(&s, "g", json!(0), 2).await;
    // Three members could read it: the sender does not count.
    assert_eq!(
        counts(&s, &[with, without]).await,
        vec![(0, 0, 3), (10062, 0, 0)]
    );
    assert_eq!(receipt(&s, "b", &[with]).await["ErrorCode"], 0);
    assert_eq!(receipt(&s, "b", &[with, with]).await["ErrorCode"], 0);
    // The sender's own receipt is accepted and not counted.
    assert_eq!(receipt(&s, "a", &[with]).await["ErrorCode"], 0);
    assert_eq!(counts(&s, &[with]).await, vec![(0, 1, 2)]);
    let read = detail(&s, with, 0, "", 10).await;
    assert_eq!(accounts(&read, "ReadList", "Read_Account"), ["b"]);
    assert!(read.get("UnreadList").is_none());
    assert_eq!(
        (read["IsFinish"].clone(), read["IsFinished"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(read["Cursor"], "");
    assert_eq!(read["MsgSeq"], with);
    // Unread, one a page, in join order.
    let first = detail(&s, with, 1, "", 1).await;
    assert_eq!(accounts(&first, "UnreadList", "Unread_Account"), ["c"]);
    assert_eq!(first["IsFinished"], 0);
    assert_eq!(first["IsFinish"], 0);
    let cursor = first["Cursor"].as_str().unwrap().to_string();
    assert!(!cursor.is_empty());
    let second = detail(&s, with, 1, &cursor, 1).await;
    assert_eq!(accounts(&second, "UnreadList", "Unread_Account"), ["d"]);
    assert_eq!(second["IsFinished"], 1);
    // Count 0 (the SDK default) is a full page.
    let all = detail(&s, with, 1, "", 0).await;
    assert_eq!(accounts(&all, "UnreadList", "Unread_Account"), ["c", "d"]);
    // A member who joined after the message is not in its audience.
    s.ok(
        &cmd("add_group_member"),
        json!({"GroupId": "g", "MemberList": [{"Member_Account": "e"}]}),
    )
    .await;
    assert_eq!(receipt(&s, "e", &[with]).await["ErrorCode"], 0);
    assert_eq!(counts(&s, &[with]).await, vec![(0, 1, 2)]);
    let all = detail(&s, with, 1, "", 200).await;
    assert_eq!(accounts(&all, "UnreadList", "Unread_Account"), ["c", "d"]);
    assert_eq!(receipt(&s, "c", &[with]).await["ErrorCode"], 0);
    assert_eq!(receipt(&s, "d", &[with]).await["ErrorCode"], 0);
    assert_eq!(counts(&s, &[with]).await, vec![(0, 3, 0)]);
    let read = detail(&s, with, 0, "", 2).await;
    assert_eq!(accounts(&read, "ReadList", "Read_Account"), ["b", "c"]);
    let rest = detail(&s, with, 0, read["Cursor"].as_str().unwrap(), 2).await;
    assert_eq!(accounts(&rest, "ReadList", "Read_Account"), ["d"]);
    let none = detail(&s, with, 1, "", 5).await;
    assert_eq!(none["UnreadList"], json!([]));
    assert_eq!(none["IsFinished"], 1);
}

async fn bad_input_changes_nothing(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    group(&s).await;
    let seq = send(&s, "g", json!(1), 1).await;
    let plain = send(&s, "g", json!(0), 2).await;
    let r = cmd("group_msg_receipt");
    // A receipt naming a message without receipts records nothing, not even the others.
    assert_eq!(receipt(&s, "b", &[seq, plain]).await["ErrorCode"], 10062);
    assert_eq!(receipt(&s, "b", &[99]).await["ErrorCode"], 10062);
    assert_eq!(receipt(&s, "e", &[seq]).await["ErrorCode"], 10007);
    let fifty_one: Vec<Value> = (1..=51).map(|q| json!({"MsgSeq": q})).collect();
    for (body, code) in [
        (
            json!({"GroupId": "g", "From_Account": "b", "MsgSeqList": []}),
            10004,
        ),
        (
            json!({"GroupId": "g", "From_Account": "b", "MsgSeqList": fifty_one}),
            10004,
        ),
        (
            json!({"GroupId": "g", "From_Account": "b", "MsgSeqList": [{"MsgSeq": 0}]}),
            10004,
        ),
        (
            json!({"GroupId": "g", "From_Account": "b", "MsgSeqList": [{"MsgSeq": -1}]}),
            10004,
        ),
        (
            json!({"GroupId": "g", "MsgSeqList": [{"MsgSeq": seq}]}),
            10004,
        ),
        (
            json!({"GroupId": "g", "From_Account": "", "MsgSeqList": [{"MsgSeq": seq}]}),
            10004,
        ),
        (
            json!({"GroupId": "nope", "From_Account": "b", "MsgSeqList": [{"MsgSeq": seq}]}),
            10010,
        ),
        (
            json!({"GroupId": "", "From_Account": "b", "MsgSeqList": [{"MsgSeq": seq}]}),
            10015,
        ),
    ] {
        s.fails(&r, body, code).await;
    }
    assert_eq!(counts(&s, &[seq]).await, vec![(0, 0, 3)]);
    let g = cmd("get_group_msg_receipt");
    s.fails(&g, json!({"GroupId": "g", "MsgSeqList": []}), 10004)
        .await;
    s.fails(
        &g,
        json!({"GroupId": "nope", "MsgSeqList": [{"MsgSeq": 1}]}),
        10010,
    )
    .await;
}

async fn detail_bad_input(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    group(&s).await;
    let seq = send(&s, "g", json!(1), 1).await;
    let plain = send(&s, "g", json!(0), 2).await;
    let d = cmd("get_group_msg_receipt_detail");
    let base = json!({"GroupId": "g", "MsgSeq": seq, "Filter": 0, "Cursor": "", "Count": 5});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    s.fails(&d, with("Filter", json!(2)), 10004).await;
    s.fails(&d, with("MsgSeq", json!(0)), 10004).await;
    s.fails(&d, with("MsgSeq", json!(plain)), 10062).await;
    let mut bad_cursor = with("Filter", json!(1));
    bad_cursor["Cursor"] = json!("not-a-cursor");
    s.fails(&d, bad_cursor, 10004).await;
    s.fails(&d, with("GroupId", json!("nope")), 10010).await;
    // A bad NeedReadReceipt stores nothing.
    let v = s
        .call(
            &cmd("send_group_msg"),
            json!({"GroupId": "g", "From_Account": "a", "Random": 3, "MsgBody": text("x"),
                   "NeedReadReceipt": 2}),
        )
        .await;
    assert_eq!(v["ErrorCode"], 10004);
    assert_eq!(info(&s, "g").await["NextMsgSeq"], plain + 1);
    let no_filter = json!({"GroupId": "g", "MsgSeq": seq, "Cursor": "", "Count": 5});
    s.fails(&d, no_filter, 10004).await;
    assert_eq!(counts(&s, &[seq]).await, vec![(0, 0, 3)]);
}

async fn only_some_group_types_keep_receipts(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b"]).await;
    for (t, id) in [
        ("AVChatRoom", "av"),
        ("Community", "@TGS#_cm"),
        ("ChatRoom", "cr"),
    ] {
        create(
            &s,
            json!({"Type": t, "Name": "x", "GroupId": id, "Owner_Account": "a"}),
        )
        .await;
        // The flag is accepted everywhere; only Work, Public and Meeting keep receipts.
        let seq = send(&s, id, json!(1), 7).await;
        let list = json!([{"MsgSeq": seq.max(1)}]);
        let v = s
            .call(
                &cmd("get_group_msg_receipt"),
                json!({"GroupId": id, "MsgSeqList": list}),
            )
            .await;
        if t == "ChatRoom" {
            assert_eq!(v["ErrorCode"], 0, "{v}");
            assert_eq!(v["GroupMsgReceiptList"][0]["Code"], 0);
        } else {
            assert_eq!(v["ErrorCode"], 10007, "{t}: {v}");
        }
    }
}

async fn groups_over_200_members_take_no_receipts(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let names: Vec<String> = (0..200).map(|i| format!("u{i}")).collect();
    for chunk in names.chunks(100) {
        let ids: Vec<&str> = chunk.iter().map(String::as_str).collect();
        s.import_accounts(&ids).await;
    }
    group(&s).await;
    let list: Vec<Value> = names[..196]
        .iter()
        .map(|n| json!({"Member_Account": n}))
        .collect();
    s.ok(
        &cmd("add_group_member"),
        json!({"GroupId": "g", "MemberList": list}),
    )
    .await;
    assert_eq!(info(&s, "g").await["MemberNum"], 200);
    let seq = send(&s, "g", json!(1), 1).await;
    assert_eq!(counts(&s, &[seq]).await, vec![(0, 0, 199)]);
    s.ok(
        &cmd("add_group_member"),
        json!({"GroupId": "g", "MemberList": [{"Member_Account": "u199"}]}),
    )
    .await;
    let over = send(&s, "g", json!(1), 2).await;
    assert_eq!(counts(&s, &[over]).await, vec![(10062, 0, 0)]);
}

both!(receipts_count_readers_and_list_both_ways);
both!(bad_input_changes_nothing);
both!(detail_bad_input);
both!(only_some_group_types_keep_receipts);
both!(groups_over_200_members_take_no_receipts);
