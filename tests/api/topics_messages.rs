//! Messages in Community topics: each topic its own seq space (history, recall, deletion,
//! read seqs and unread counts), mutes and mute-all in a topic, sends to topics that are gone,
//! system notifications naming a topic.

use serde_json::{Value, json};

use crate::both;
use crate::common::*;
use crate::groups::{cmd, info, text};
use crate::topics::{GROUP, community, create_topic, topic, topic_cmd};

async fn send_in(s: &TestServer, topic: &str, from: &str, random: u32) -> Value {
    s.ok(
        &cmd("send_group_msg"),
        json!({"GroupId": GROUP, "TopicId": topic, "From_Account": from, "Random": random,
               "MsgBody": text("hi")}),
    )
    .await
}

async fn send_fails(s: &TestServer, topic: &str, from: Option<&str>, code: i64) {
    let mut body = json!({"GroupId": GROUP, "TopicId": topic, "Random": 7,
                          "MsgBody": text("no")});
    if let Some(f) = from {
        body["From_Account"] = json!(f);
    }
    s.fails(&cmd("send_group_msg"), body, code).await;
}

/// `user`'s read seq in a topic and the topic's NextMsgSeq.
async fn seqs(s: &TestServer, user: &str, t: &str) -> (i64, i64) {
    let item = topic(s, user, t).await;
    (
        item["SelfInfo"]["MsgSeq"].as_i64().unwrap(),
        item["TopicInfo"]["NextMsgSeq"].as_i64().unwrap(),
    )
}

async fn history(s: &TestServer, topic: &str) -> Vec<Value> {
    let v = s
        .ok(
            &cmd("group_msg_get_simple"),
            json!({"GroupId": GROUP, "TopicId": topic, "ReqMsgNumber": 20}),
        )
        .await;
    v["RspMsgList"].as_array().unwrap().clone()
}

async fn topic_seqs_are_their_own(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    community(&s).await;
    let t1 = create_topic(&s, json!({"GroupId": GROUP, "TopicName": "one"})).await;
    let t2 = create_topic(&s, json!({"GroupId": GROUP, "TopicName": "two"})).await;
    assert_eq!(crate::groups::send(&s, GROUP, "a", 1).await["MsgSeq"], 1);
    s.clock.advance(std::time::Duration::from_secs(5));
    assert_eq!(send_in(&s, &t1, "a", 2).await["MsgSeq"], 1);
    assert_eq!(send_in(&s, &t1, "b", 3).await["MsgSeq"], 2);
    assert_eq!(send_in(&s, &t2, "a", 4).await["MsgSeq"], 1);
    // The same Random from the same sender is a repeat in its topic only.
    let again = send_in(&s, &t1, "b", 3).await;
    assert_eq!(again["MsgSeq"], 2);
    assert_eq!(send_in(&s, &t2, "b", 3).await["MsgSeq"], 2);
    let g = info(&s, GROUP).await;
    assert_eq!(
        g["NextMsgSeq"], 2,
        "topic messages do not move the group's seqs"
    );
    assert_eq!(g["LastMsgTime"], T0);
    let i1 = topic(&s, "a", &t1).await["TopicInfo"].clone();
    assert_eq!(i1["NextMsgSeq"], 3);
    assert_eq!(i1["LastMsgTime"], T0 + 5);
    assert_eq!(topic(&s, "a", &t2).await["TopicInfo"]["NextMsgSeq"], 3);
    // Histories are apart: the group's holds its one message.
    let h1 = history(&s, &t1).await;
    let froms: Vec<&str> = h1
        .iter()
        .map(|m| m["From_Account"].as_str().unwrap())
        .collect();
    assert_eq!(froms, ["b", "a"]);
    let v = s
        .ok(
            &cmd("group_msg_get_simple"),
            json!({"GroupId": GROUP, "ReqMsgNumber": 20, "TopicId": ""}),
        )
        .await;
    assert_eq!(v["RspMsgList"].as_array().unwrap().len(), 1);
    // `TopicId: ""` (the SDKs' default) sends to the group itself.
    let v = s
        .ok(
            &cmd("send_group_msg"),
            json!({"GroupId": GROUP, "TopicId": "", "From_Account": "a", "Random": 8,
                   "MsgBody": text("g")}),
        )
        .await;
    assert_eq!(v["MsgSeq"], 2);
    assert_eq!(info(&s, GROUP).await["NextMsgSeq"], 3);
    // Online-only messages in a topic get no seq and store nothing.
    let v = s
        .ok(
            &cmd("send_group_msg"),
            json!({"GroupId": GROUP, "TopicId": t1, "From_Account": "a", "Random": 9,
                   "OnlineOnlyFlag": 1, "MsgBody": text("live")}),
        )
        .await;
    assert_eq!(v["MsgSeq"], 0);
    assert_eq!(topic(&s, "a", &t1).await["TopicInfo"]["NextMsgSeq"], 3);
}
both!(topic_seqs_are_their_own);

async fn read_seq_and_unread_per_topic(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    community(&s).await;
    let t1 = create_topic(&s, json!({"GroupId": GROUP, "TopicName": "one"})).await;
    let t2 = create_topic(&s, json!({"GroupId": GROUP, "TopicName": "two"})).await;
    let group_unread_b = crate::groups::unread(&s, GROUP, "b").await;
    send_in(&s, &t1, "a", 1).await;
    send_in(&s, &t1, "a", 2).await;
    // The sender has read its own messages; b has not (no mark: counts from the topic's start).
    assert_eq!(seqs(&s, "a", &t1).await, (2, 3));
    assert_eq!(seqs(&s, "b", &t1).await, (0, 3));
    assert_eq!(seqs(&s, "b", &t2).await, (0, 1));
    assert_eq!(crate::groups::unread(&s, GROUP, "b").await, group_unread_b);
    // b's own message does not count for b: its 2 unread stay 2.
    send_in(&s, &t1, "b", 3).await;
    assert_eq!(seqs(&s, "b", &t1).await, (1, 4));
    assert_eq!(seqs(&s, "a", &t1).await, (2, 4));
    // Importing into the topic sets every member's unread there to 0, the topic's only.
    send_in(&s, &t2, "a", 4).await;
    s.clock.advance(std::time::Duration::from_secs(10));
    let v = s
        .ok(
            &cmd("import_group_msg"),
            json!({"GroupId": GROUP, "TopicId": t1, "MsgList": [
                {"From_Account": "a", "SendTime": T0 + 1, "Random": 11, "MsgBody": text("old")},
                {"From_Account": "b", "SendTime": T0 + 2, "Random": 12, "MsgBody": text("old"),
                 "TopicId": t1}]}),
        )
        .await;
    assert_eq!(v["ImportMsgResult"][0]["MsgSeq"], 4);
    assert_eq!(v["ImportMsgResult"][1]["MsgSeq"], 5);
    assert_eq!(seqs(&s, "b", &t1).await, (5, 6));
    assert_eq!(seqs(&s, "adm", &t1).await, (5, 6));
    assert_eq!(seqs(&s, "b", &t2).await, (0, 2));
    // Per-message TopicId alone imports into that topic; mixing places is refused, unchanged.
    let v = s
        .ok(
            &cmd("import_group_msg"),
            json!({"GroupId": GROUP, "TopicId": "", "MsgList": [
                {"From_Account": "a", "SendTime": T0 + 3, "Random": 13, "MsgBody": text("x"),
                 "TopicId": t2}]}),
        )
        .await;
    assert_eq!(v["ImportMsgResult"][0]["MsgSeq"], 2);
    s.fails(
        &cmd("import_group_msg"),
        json!({"GroupId": GROUP, "MsgList": [
            {"From_Account": "a", "SendTime": T0 + 4, "MsgBody": text("x"), "TopicId": t2},
            {"From_Account": "a", "SendTime": T0 + 4, "MsgBody": text("x")}]}),
        10004,
    )
    .await;
    assert_eq!(seqs(&s, "b", &t2).await, (2, 3));
    assert_eq!(info(&s, GROUP).await["NextMsgSeq"], 1);
    // Leaving loses the topics; coming back counts from the topic's last import.
    s.ok(
        &cmd("delete_group_member"),
        json!({"GroupId": GROUP, "MemberToDel_Account": ["b"]}),
    )
    .await;
    s.fails(
        &topic_cmd("get_topic"),
        json!({"GroupId": GROUP, "From_Account": "b"}),
        10007,
    )
    .await;
    send_fails(&s, &t1, Some("b"), 10007).await;
    s.ok(
        &cmd("add_group_member"),
        json!({"GroupId": GROUP, "MemberList": [{"Member_Account": "b"}]}),
    )
    .await;
    send_in(&s, &t1, "a", 20).await;
    assert_eq!(seqs(&s, "b", &t1).await, (5, 7));
}
both!(read_seq_and_unread_per_topic);

async fn recall_and_delete_in_a_topic(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    community(&s).await;
    let t1 = create_topic(&s, json!({"GroupId": GROUP, "TopicName": "one"})).await;
    crate::groups::send(&s, GROUP, "a", 1).await;
    send_in(&s, &t1, "a", 1).await;
    send_in(&s, &t1, "b", 2).await;
    send_in(&s, &t1, "a", 3).await;
    let v = s
        .ok(
            &cmd("group_msg_recall"),
            json!({"GroupId": GROUP, "TopicId": t1, "MsgSeqList": [{"MsgSeq": 1}, {"MsgSeq": 9}]}),
        )
        .await;
    assert_eq!(
        v["RecallRetList"],
        json!([{"MsgSeq": 1, "RetCode": 0}, {"MsgSeq": 9, "RetCode": 10030}])
    );
    s.ok(
        &cmd("delete_group_msg_by_sender"),
        json!({"GroupId": GROUP, "TopicId": t1, "Sender_Account": "b"}),
    )
    .await;
    let places: Vec<(i64, i64)> = history(&s, &t1)
        .await
        .iter()
        .map(|m| {
            (
                m["MsgSeq"].as_i64().unwrap(),
                m["IsPlaceMsg"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(places, [(3, 0), (2, 1), (1, 2)]);
    // The group's own message with seq 1 is untouched.
    let v = s
        .ok(
            &cmd("group_msg_get_simple"),
            json!({"GroupId": GROUP, "ReqMsgNumber": 5}),
        )
        .await;
    assert_eq!(v["RspMsgList"][0]["IsPlaceMsg"], 0);
    assert_eq!(v["RspMsgList"][0]["MsgBody"], text("hi"));
    // A destroyed topic: history, recall, deletion and sends answer 110003.
    s.ok(
        &topic_cmd("destroy_topic"),
        json!({"GroupId": GROUP, "TopicIdList": [t1]}),
    )
    .await;
    for (c, body) in [
        (
            "group_msg_get_simple",
            json!({"GroupId": GROUP, "TopicId": t1, "ReqMsgNumber": 5}),
        ),
        (
            "group_msg_recall",
            json!({"GroupId": GROUP, "TopicId": t1, "MsgSeqList": [{"MsgSeq": 3}]}),
        ),
        (
            "delete_group_msg_by_sender",
            json!({"GroupId": GROUP, "TopicId": t1, "Sender_Account": "a"}),
        ),
        (
            "get_group_muted_account",
            json!({"GroupId": GROUP, "TopicId": t1}),
        ),
    ] {
        s.fails(&cmd(c), body, 110003).await;
    }
    send_fails(&s, &t1, Some("a"), 110003).await;
    send_fails(&s, &format!("{GROUP}@TOPIC#_none"), Some("a"), 10010).await;
    let imported = json!({"GroupId": GROUP, "TopicId": t1, "MsgList": [
        {"From_Account": "a", "SendTime": T0, "MsgBody": text("x")}]});
    s.fails(&cmd("import_group_msg"), imported, 110003).await;
}
both!(recall_and_delete_in_a_topic);

async fn topic_mutes_and_mute_all(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    community(&s).await;
    let t1 = create_topic(&s, json!({"GroupId": GROUP, "TopicName": "one"})).await;
    let t2 = create_topic(&s, json!({"GroupId": GROUP, "TopicName": "two"})).await;
    s.ok(
        &topic_cmd("modify_topic"),
        json!({"GroupId": GROUP, "TopicId": t1, "MuteAllMember": "On"}),
    )
    .await;
    send_fails(&s, &t1, Some("a"), 10017).await;
    assert_eq!(send_in(&s, &t1, "owner", 1).await["MsgSeq"], 1);
    assert_eq!(send_in(&s, &t1, "adm", 2).await["MsgSeq"], 2);
    // The app admin sends without From_Account and without membership.
    let v = s
        .ok(
            &cmd("send_group_msg"),
            json!({"GroupId": GROUP, "TopicId": t1, "Random": 3, "MsgBody": text("a")}),
        )
        .await;
    assert_eq!(v["MsgSeq"], 3);
    assert_eq!(send_in(&s, &t2, "a", 4).await["MsgSeq"], 1);
    crate::groups::send(&s, GROUP, "a", 5).await;
    send_fails(&s, &t1, Some("out"), 10007).await;
    // A mute in one topic: not in the other, nor in the group; the group's mute is everywhere.
    s.ok(
        &cmd("forbid_send_msg"),
        json!({"GroupId": GROUP, "Members_Account": ["b"], "ShutUpTime": 60, "TopicId": t2}),
    )
    .await;
    send_fails(&s, &t2, Some("b"), 10017).await;
    crate::groups::send(&s, GROUP, "b", 6).await;
    s.ok(
        &topic_cmd("modify_topic"),
        json!({"GroupId": GROUP, "TopicId": t1, "MuteAllMember": "Off"}),
    )
    .await;
    send_in(&s, &t1, "b", 7).await;
    s.ok(
        &cmd("forbid_send_msg"),
        json!({"GroupId": GROUP, "Members_Account": ["a"], "ShutUpTime": 60}),
    )
    .await;
    send_fails(&s, &t1, Some("a"), 10017).await;
    s.clock.advance(std::time::Duration::from_secs(61));
    send_in(&s, &t2, "b", 8).await;
    send_in(&s, &t1, "a", 9).await;
    assert_eq!(topic(&s, "a", &t1).await["TopicInfo"]["NextMsgSeq"], 6);
    assert_eq!(topic(&s, "a", &t2).await["TopicInfo"]["NextMsgSeq"], 3);
}
both!(topic_mutes_and_mute_all);

/// A system notification may name a topic: a live one of the group; it stores nothing there.
async fn notification_to_a_topic(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    community(&s).await;
    let t1 = create_topic(&s, json!({"GroupId": GROUP, "TopicName": "one"})).await;
    let note = |topic: &str| {
        json!({"GroupId": GROUP, "TopicId": topic, "Content": "hello",
               "ToMembers_Account": ["a"]})
    };
    let notify = cmd("send_group_system_notification");
    s.ok(&notify, note(&t1)).await;
    s.ok(&notify, note("")).await;
    assert_eq!(topic(&s, "a", &t1).await["TopicInfo"]["NextMsgSeq"], 1);
    let unknown = format!("{GROUP}@TOPIC#_nope");
    assert_eq!(s.call(&notify, note(&unknown)).await["ErrorCode"], 10010);
    s.ok(
        &topic_cmd("destroy_topic"),
        json!({"GroupId": GROUP, "TopicIdList": [t1]}),
    )
    .await;
    assert_eq!(s.call(&notify, note(&t1)).await["ErrorCode"], 110003);
}
both!(notification_to_a_topic);
