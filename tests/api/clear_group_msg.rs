//! clear_group_msg: a mark on history, not a deletion — seqs and history stay, unread counts
//! only what follows the mark; SDK defaults, repeats, bad input with read-back.

use serde_json::{Value, json};

use crate::both;
use crate::common::*;
use crate::groups::{cmd, create, info, send, text, unread};

/// Public group `g` owned by `a` with members `b` and `c`, and `n` messages from `a`.
async fn group_with_messages(s: &TestServer, n: u32) {
    s.import_accounts(&["a", "b", "c"]).await;
    create(
        s,
        json!({"Type": "Public", "Name": "x", "GroupId": "g", "Owner_Account": "a",
               "MemberList": [{"Member_Account": "b"}, {"Member_Account": "c"}]}),
    )
    .await;
    for r in 0..n {
        send(s, "g", "a", 100 + r).await;
    }
}

async fn clear(s: &TestServer, body: Value) {
    let v = s.ok(&cmd("clear_group_msg"), body).await;
    assert_eq!(v["ErrorInfo"], "");
}

async fn history_seqs(s: &TestServer) -> Vec<i64> {
    let v = s
        .ok(
            &cmd("group_msg_get_simple"),
            json!({"GroupId": "g", "ReqMsgNumber": 20}),
        )
        .await;
    v["RspMsgList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["MsgSeq"].as_i64().unwrap())
        .collect()
}

async fn clearing_marks_history_and_caps_unread(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    group_with_messages(&s, 5).await;
    assert_eq!(unread(&s, "g", "b").await, 5);
    clear(&s, json!({"GroupId": "g", "MsgSeq": 3})).await;
    // Seqs 1–3 no longer count; nothing else moved.
    assert_eq!(unread(&s, "g", "b").await, 2);
    assert_eq!(unread(&s, "g", "a").await, 0);
    assert_eq!(info(&s, "g").await["NextMsgSeq"], 6);
    assert_eq!(history_seqs(&s).await, vec![5, 4, 3, 2, 1]);
    // Older marks and repeats answer OK and change nothing.
    clear(&s, json!({"GroupId": "g", "MsgSeq": 1})).await;
    clear(&s, json!({"GroupId": "g", "MsgSeq": 3})).await;
    assert_eq!(unread(&s, "g", "b").await, 2);
    // Later messages count again.
    send(&s, "g", "a", 200).await;
    assert_eq!(unread(&s, "g", "b").await, 3);
    // No MsgSeq: everything there is.
    clear(&s, json!({"GroupId": "g"})).await;
    assert_eq!(unread(&s, "g", "b").await, 0);
    assert_eq!(unread(&s, "g", "c").await, 0);
    clear(&s, json!({"GroupId": "g"})).await;
    assert_eq!(info(&s, "g").await["NextMsgSeq"], 7);
    assert_eq!(history_seqs(&s).await.len(), 6);
    send(&s, "g", "a", 201).await;
    assert_eq!(unread(&s, "g", "b").await, 1);
}

async fn sdk_default_zero_and_seqs_beyond_the_newest_clear_all(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    group_with_messages(&s, 2).await;
    clear(&s, json!({"GroupId": "g", "MsgSeq": 0})).await;
    assert_eq!(unread(&s, "g", "b").await, 0);
    send(&s, "g", "a", 300).await;
    send(&s, "g", "a", 301).await;
    assert_eq!(unread(&s, "g", "b").await, 2);
    clear(&s, json!({"GroupId": "g", "MsgSeq": 1000})).await;
    assert_eq!(unread(&s, "g", "b").await, 0);
    // Messages sent after the call are not cleared, whatever MsgSeq said.
    send(&s, "g", "a", 302).await;
    assert_eq!(unread(&s, "g", "b").await, 1);
    // set_unread_msg_num cannot bring cleared messages back.
    s.ok(
        &cmd("set_unread_msg_num"),
        json!({"GroupId": "g", "Member_Account": "b", "UnreadMsgNum": 100}),
    )
    .await;
    assert_eq!(unread(&s, "g", "b").await, 1);
}

async fn no_unread_messages_after_the_mark(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    group_with_messages(&s, 3).await;
    s.ok(
        &cmd("send_group_msg"),
        json!({"GroupId": "g", "From_Account": "a", "Random": 9, "MsgBody": text("quiet"),
               "SendMsgControl": ["NoUnread"]}),
    )
    .await;
    assert_eq!(unread(&s, "g", "b").await, 3);
    clear(&s, json!({"GroupId": "g", "MsgSeq": 4})).await;
    assert_eq!(unread(&s, "g", "b").await, 0);
}

async fn bad_input_changes_nothing(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    group_with_messages(&s, 2).await;
    create(
        &s,
        json!({"Type": "Community", "Name": "c", "GroupId": "@TGS#_comm", "Owner_Account": "a"}),
    )
    .await;
    let c = cmd("clear_group_msg");
    s.fails(&c, json!({"GroupId": "@TGS#_comm"}), 10007).await;
    s.fails(&c, json!({"GroupId": "nope"}), 10010).await;
    s.fails(&c, json!({"GroupId": ""}), 10015).await;
    s.fails(&c, json!({"MsgSeq": 1}), 10004).await;
    s.fails(&c, json!({}), 10004).await;
    s.fails(&c, json!({"GroupId": "g", "MsgSeq": -1}), 10004)
        .await;
    s.fails(&c, json!({"GroupId": "g", "MsgSeq": "2"}), 10004)
        .await;
    s.fails(&c, json!({"GroupId": 5}), 10004).await;
    assert_eq!(unread(&s, "g", "b").await, 2);
    s.ok(&cmd("destroy_group"), json!({"GroupId": "g"})).await;
    s.fails(&c, json!({"GroupId": "g"}), 10010).await;
}

both!(clearing_marks_history_and_caps_unread);
both!(sdk_default_zero_and_seqs_beyond_the_newest_clear_all);
both!(no_unread_messages_after_the_mark);
both!(bad_input_changes_nothing);
