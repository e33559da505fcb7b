//! Recalling and deleting group messages, and system notifications: the counts they keep.

use serde_json::json;

use crate::administration::setup;
use crate::both;
use crate::common::*;
use crate::groups::{cmd, create, info, send, unread};

async fn recall_delete_and_notifications_keep_counts(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    setup(&s, "Public", "g").await;
    for i in 0..4 {
        send(&s, "g", if i % 2 == 0 { "own" } else { "adm" }, i).await;
    }
    assert_eq!(unread(&s, "g", "mem").await, 4);
    let v = s
        .ok(
            &cmd("group_msg_recall"),
            json!({"GroupId": "g", "MsgSeqList": [{"MsgSeq": 1}, {"MsgSeq": 99}]}),
        )
        .await;
    assert_eq!(
        v["RecallRetList"],
        json!([{"MsgSeq": 1, "RetCode": 0}, {"MsgSeq": 99, "RetCode": 10030}])
    );
    s.ok(
        &cmd("delete_group_msg_by_sender"),
        json!({"GroupId": "g", "Sender_Account": "adm"}),
    )
    .await;
    s.ok(
        &cmd("send_group_system_notification"),
        json!({"GroupId": "g", "Content": "hello"}),
    )
    .await;
    s.ok(
        &cmd("send_group_system_notification"),
        json!({"GroupId": "g", "Content": "hi", "ToMembers_Account": ["mem"]}),
    )
    .await;
    assert_eq!(
        unread(&s, "g", "mem").await,
        4,
        "recall, delete and notifications change no count"
    );
    assert_eq!(
        info(&s, "g").await["NextMsgSeq"],
        5,
        "notifications get no seq"
    );
    let h = s
        .ok(
            &cmd("group_msg_get_simple"),
            json!({"GroupId": "g", "ReqMsgNumber": 10}),
        )
        .await;
    let places: Vec<(i64, i64)> = h["RspMsgList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["MsgSeq"].as_i64().unwrap(),
                m["IsPlaceMsg"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [(4, 1), (3, 0), (2, 1), (1, 2)],
        "seqs keep no holes"
    );
    assert_eq!(h["RspMsgList"][3]["MsgBody"], json!([]));
    for (c, body, code) in [
        (
            "group_msg_recall",
            json!({"GroupId": "g", "MsgSeqList": []}),
            10004,
        ),
        (
            "group_msg_recall",
            json!({"GroupId": "g", "MsgSeqList": vec![json!({"MsgSeq": 1}); 11]}),
            10004,
        ),
        (
            "send_group_system_notification",
            json!({"GroupId": "g"}),
            10004,
        ),
        (
            "send_group_system_notification",
            json!({"GroupId": "g", "Content": "x", "ToMembers_Account": ["new"]}),
            10007,
        ),
        ("delete_group_msg_by_sender", json!({"GroupId": "g"}), 10004),
        (
            "delete_group_msg_by_sender",
            json!({"GroupId": "missing", "Sender_Account": "own"}),
            10010,
        ),
    ] {
        s.fails(&cmd(c), body, code).await;
    }
    let av = create(
        &s,
        json!({"Type": "AVChatRoom", "Name": "live", "Owner_Account": "own"}),
    )
    .await;
    s.fails(
        &cmd("group_msg_recall"),
        json!({"GroupId": av, "MsgSeqList": [{"MsgSeq": 1}]}),
        10007,
    )
    .await;
    s.fails(
        &cmd("delete_group_msg_by_sender"),
        json!({"GroupId": av, "Sender_Account": "own"}),
        10035,
    )
    .await;
    s.fails(
        &cmd("send_group_system_notification"),
        json!({"GroupId": av, "Content": "x", "ToMembers_Account": ["own"]}),
        10004,
    )
    .await;
    s.ok(
        &cmd("send_group_system_notification"),
        json!({"GroupId": av, "Content": "x"}),
    )
    .await;
}
both!(recall_delete_and_notifications_keep_counts);
