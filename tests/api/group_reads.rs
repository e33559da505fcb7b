//! Reading groups back: message history round-trips bodies exactly, and
//! get_joined_group_list's filters.

use serde_json::{Value, json};

use crate::both;
use crate::common::*;
use crate::groups::{cmd, create, public_group_owned_by_a, send, text};

async fn history_round_trips_bodies_exactly(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    public_group_owned_by_a(&s).await;
    let tricky = [
        "nul \u{0000} byte",
        "emoji 😀 and RTL \u{202e}",
        "Robert'); DROP TABLE messages;--",
        "%_\\",
        "é vs e\u{0301}",
    ];
    for (i, t) in tricky.iter().enumerate() {
        s.ok(
            &cmd("send_group_msg"),
            json!({"GroupId": "g", "From_Account": "a", "Random": i, "MsgBody": text(t),
            "CloudCustomData": format!("c{i}"), "MsgPriority": "High"}),
        )
        .await;
    }
    for i in 0..25 {
        send(&s, "g", "a", 100 + i).await;
    }
    let v = s
        .ok(
            &cmd("group_msg_get_simple"),
            json!({"GroupId": "g", "ReqMsgNumber": 5, "ReqMsgSeq": 5}),
        )
        .await;
    assert_eq!(v["IsFinished"], 1);
    let list = v["RspMsgList"].as_array().unwrap();
    assert_eq!(list.len(), 5);
    for (j, m) in list.iter().enumerate() {
        let i = 4 - j;
        assert_eq!(m["MsgSeq"], i as i64 + 1);
        assert_eq!(m["MsgBody"], text(tricky[i]));
        assert_eq!(m["From_Account"], "a");
        assert_eq!(m["MsgPriority"], 1);
        assert_eq!(m["MsgRandom"], i as i64);
        assert_eq!(m["IsPlaceMsg"], 0);
        assert_eq!(m["CloudCustomData"], format!("c{i}"));
    }
    let newest = s
        .ok(
            &cmd("group_msg_get_simple"),
            json!({"GroupId": "g", "ReqMsgNumber": 30}),
        )
        .await;
    assert_eq!(newest["RspMsgList"].as_array().unwrap().len(), 20);
    assert_eq!(newest["RspMsgList"][0]["MsgSeq"], 30);
    assert_eq!(newest["IsFinished"], 0);
    s.fails(&cmd("group_msg_get_simple"), json!({"GroupId": "g"}), 10004)
        .await;
    s.fails(
        &cmd("group_msg_get_simple"),
        json!({"GroupId": "nope", "ReqMsgNumber": 1}),
        10010,
    )
    .await;
    let av = create(&s, json!({"Type": "AVChatRoom", "Name": "live"})).await;
    s.fails(
        &cmd("group_msg_get_simple"),
        json!({"GroupId": av, "ReqMsgNumber": 1}),
        10007,
    )
    .await;
}
both!(history_round_trips_bodies_exactly);

async fn joined_group_list_filters(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["u"]).await;
    create(
        &s,
        json!({"Type": "Public", "Name": "pub", "GroupId": "pub", "Owner_Account": "u"}),
    )
    .await;
    create(
        &s,
        json!({"Type": "Private", "Name": "work", "GroupId": "work", "Owner_Account": "u"}),
    )
    .await;
    create(
        &s,
        json!({"Type": "AVChatRoom", "Name": "live", "GroupId": "live", "Owner_Account": "u"}),
    )
    .await;
    let list = |v: &Value| {
        v["GroupIdList"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["GroupId"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let v = s
        .ok(
            &cmd("get_joined_group_list"),
            json!({"Member_Account": "u"}),
        )
        .await;
    assert_eq!(v["TotalCount"], 1);
    assert_eq!(v["GroupIdList"], json!([{"GroupId": "pub"}]));
    let v = s
        .ok(
            &cmd("get_joined_group_list"),
            json!({"Member_Account": "u", "WithHugeGroups": 1, "WithNoActiveGroups": 1}),
        )
        .await;
    assert_eq!(v["TotalCount"], 3);
    // A Private group is activated by its first message.
    send(&s, "work", "u", 1).await;
    let v = s.ok(&cmd("get_joined_group_list"), json!({"Member_Account": "u", "GroupType": "Private",
        "ResponseFilter": {"GroupBaseInfoFilter": ["Type", "Name"], "SelfInfoFilter": ["Role", "MsgSeq"]}})).await;
    assert_eq!(
        v["GroupIdList"],
        json!([{"GroupId": "work", "Type": "Private", "Name": "work", "SelfInfo": {"Role": "Owner", "MsgSeq": 1}}])
    );
    let v = s
        .ok(
            &cmd("get_joined_group_list"),
            json!({"Member_Account": "u", "WithHugeGroups": 1, "Limit": 1, "Offset": 1}),
        )
        .await;
    assert_eq!(v["TotalCount"], 3);
    assert_eq!(list(&v).len(), 1);
    s.fails(
        &cmd("get_joined_group_list"),
        json!({"Member_Account": "u", "GroupType": "Club"}),
        10004,
    )
    .await;
    s.fails(&cmd("get_joined_group_list"), json!({}), 10004)
        .await;
    let v = s
        .ok(
            &cmd("get_joined_group_list"),
            json!({"Member_Account": "nobody"}),
        )
        .await;
    assert_eq!(v["TotalCount"], 0);
}
both!(joined_group_list_filters);
