//! The muted list under both names (get_group_muted_account, get_group_shutted_uin), for the
//! group and for one topic, mutes in a topic refused with nothing changed, and the global group
//! mute (setnospeaking) in a topic.

use serde_json::json;

use crate::both;
use crate::common::*;
use crate::groups::cmd;
use crate::topics::{GROUP, community, create_topic, topic};

async fn muted_lists_both_names_and_topics(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    community(&s).await;
    let t1 = create_topic(&s, json!({"GroupId": GROUP, "TopicName": "one"})).await;
    s.ok(
        &cmd("forbid_send_msg"),
        json!({"GroupId": GROUP, "Members_Account": ["a"], "MuteTime": 100, "TopicId": ""}),
    )
    .await;
    s.ok(
        &cmd("forbid_send_msg"),
        json!({"GroupId": GROUP, "Members_Account": ["b"], "MuteTime": 50, "TopicId": t1}),
    )
    .await;
    let group = json!({"GroupId": GROUP, "TopicId": ""});
    let v = s.ok(&cmd("get_group_muted_account"), group.clone()).await;
    assert_eq!(
        v["MutedAccountList"],
        json!([{"Member_Account": "a", "MutedUntil": T0 + 100}])
    );
    assert!(v.get("ShuttedUinList").is_none());
    let v = s.ok(&cmd("get_group_shutted_uin"), group).await;
    assert_eq!(
        v["ShuttedUinList"],
        json!([{"Member_Account": "a", "ShuttedUntil": T0 + 100}])
    );
    assert_eq!(v["GroupId"], GROUP);
    let in_topic = json!({"GroupId": GROUP, "TopicId": t1});
    let v = s
        .ok(&cmd("get_group_muted_account"), in_topic.clone())
        .await;
    assert_eq!(
        v["MutedAccountList"],
        json!([{"Member_Account": "b", "MutedUntil": T0 + 50}])
    );
    let v = s.ok(&cmd("get_group_shutted_uin"), in_topic).await;
    assert_eq!(
        v["ShuttedUinList"],
        json!([{"Member_Account": "b", "ShuttedUntil": T0 + 50}])
    );
    // The member's SelfInfo in the topic shows the later of the two mutes.
    assert_eq!(topic(&s, "b", &t1).await["SelfInfo"]["ShutUpTime"], T0 + 50);
    assert_eq!(
        topic(&s, "a", &t1).await["SelfInfo"]["ShutUpTime"],
        T0 + 100
    );
    // Unmuting in the topic empties its list; an expired mute is not listed.
    s.ok(
        &cmd("forbid_send_msg"),
        json!({"GroupId": GROUP, "Members_Account": ["b"], "MuteTime": 0, "TopicId": t1}),
    )
    .await;
    let v = s
        .ok(
            &cmd("get_group_muted_account"),
            json!({"GroupId": GROUP, "TopicId": t1}),
        )
        .await;
    assert_eq!(v["MutedAccountList"], json!([]));
}
both!(muted_lists_both_names_and_topics);

async fn topic_mutes_refused_change_nothing(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    community(&s).await;
    let t1 = create_topic(&s, json!({"GroupId": GROUP, "TopicName": "one"})).await;
    // Bad input: unknown topic, non-member, unknown group; nothing changes.
    let unknown = format!("{GROUP}@TOPIC#_none");
    s.fails(
        &cmd("get_group_muted_account"),
        json!({"GroupId": GROUP, "TopicId": unknown}),
        10010,
    )
    .await;
    s.fails(
        &cmd("forbid_send_msg"),
        json!({"GroupId": GROUP, "Members_Account": ["out"], "MuteTime": 9, "TopicId": t1}),
        10007,
    )
    .await;
    s.fails(
        &cmd("forbid_send_msg"),
        json!({"GroupId": GROUP, "Members_Account": ["b"], "MuteTime": 9, "TopicId": unknown}),
        10010,
    )
    .await;
    let v = s
        .ok(
            &cmd("get_group_muted_account"),
            json!({"GroupId": GROUP, "TopicId": t1}),
        )
        .await;
    assert_eq!(v["MutedAccountList"], json!([]));
    s.fails(
        &cmd("get_group_muted_account"),
        json!({"GroupId": "@TGS#_x"}),
        10010,
    )
    .await;
}
both!(topic_mutes_refused_change_nothing);

/// setnospeaking's group mute holds in a topic as in the group, for new messages, until it ends.
async fn global_group_mute_holds_in_topics(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    community(&s).await;
    let t1 = create_topic(&s, json!({"GroupId": GROUP, "TopicName": "one"})).await;
    let send = |online: u8, random: u32| {
        json!({"GroupId": GROUP, "TopicId": t1, "From_Account": "a", "Random": random,
               "MsgBody": crate::c2c::text("hi"), "OnlineOnlyFlag": online})
    };
    // Stored before the mute: a retry after it answers the stored message.
    let first = s.ok(&cmd("send_group_msg"), send(0, 5)).await;
    let v = s
        .call(
            "openconfigsvr/setnospeaking",
            json!({"Set_Account": "a", "GroupmsgNospeakingTime": 60}),
        )
        .await;
    assert_eq!(v["ErrorCode"], 0);
    let retry = s.ok(&cmd("send_group_msg"), send(0, 5)).await;
    assert_eq!(
        (retry["MsgSeq"].clone(), first["MsgSeq"].clone()),
        (json!(1), json!(1))
    );
    for online in [0, 1] {
        let v = s.call(&cmd("send_group_msg"), send(online, 7)).await;
        assert_eq!(v["ErrorCode"], 10017, "OnlineOnlyFlag {online}: {v}");
    }
    // Nothing new was stored in the topic.
    assert_eq!(topic(&s, "a", &t1).await["TopicInfo"]["NextMsgSeq"], 2);
    s.clock.advance(std::time::Duration::from_secs(60));
    let v = s.ok(&cmd("send_group_msg"), send(0, 8)).await;
    assert_eq!(v["MsgSeq"], 2);
}
both!(global_group_mute_holds_in_topics);
