//! Group commands: success shapes, documented errors, bad input with read-back, per type.

use serde_json::{Value, json};

use crate::both;
use crate::common::*;

const G: &str = "group_open_http_svc";

pub fn cmd(name: &str) -> String {
    format!("{G}/{name}")
}

pub fn text(t: &str) -> Value {
    json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}])
}

pub async fn create(s: &TestServer, body: Value) -> String {
    let v = s.ok(&cmd("create_group"), body).await;
    v["GroupId"].as_str().unwrap().to_string()
}

/// Imports account `a` and creates the Public group `g` it owns.
pub async fn public_group_owned_by_a(s: &TestServer) {
    s.import_accounts(&["a"]).await;
    create(
        s,
        json!({"Type": "Public", "Name": "x", "GroupId": "g", "Owner_Account": "a"}),
    )
    .await;
}

/// The accounts of a get_group_member_info answer, in order.
pub fn member_names(v: &Value) -> Vec<String> {
    v["MemberList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["Member_Account"].as_str().unwrap().to_string())
        .collect()
}

pub async fn send(s: &TestServer, group: &str, from: &str, random: u32) -> Value {
    s.ok(
        &cmd("send_group_msg"),
        json!({"GroupId": group, "From_Account": from, "Random": random, "MsgBody": text("hi")}),
    )
    .await
}

pub async fn info(s: &TestServer, group: &str) -> Value {
    let v = s
        .ok(&cmd("get_group_info"), json!({"GroupIdList": [group]}))
        .await;
    v["GroupInfo"][0].clone()
}

/// A member's unread count read back through get_joined_group_list's legacy SelfInfo field.
pub async fn unread(s: &TestServer, group: &str, user: &str) -> i64 {
    let v = s
        .ok(
            &cmd("get_joined_group_list"),
            json!({"Member_Account": user, "WithHugeGroups": 1, "WithNoActiveGroups": 1,
                   "ResponseFilter": {"SelfInfoFilter": ["UnreadMsgNum", "MsgSeq"],
                                      "GroupBaseInfoFilter": ["NextMsgSeq"]}}),
        )
        .await;
    let item = v["GroupIdList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["GroupId"] == group)
        .unwrap_or_else(|| panic!("{user} is not in {group}: {v}"))
        .clone();
    let n = item["SelfInfo"]["UnreadMsgNum"].as_i64().unwrap();
    let derived =
        item["NextMsgSeq"].as_i64().unwrap() - 1 - item["SelfInfo"]["MsgSeq"].as_i64().unwrap();
    assert_eq!(
        n, derived,
        "UnreadMsgNum and NextMsgSeq-1-MsgSeq agree: {item}"
    );
    n
}

async fn create_group_all_types_and_ids(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["owner", "m1", "m2"]).await;
    for (t, prefix) in [
        ("Private", "@TGS#1"),
        ("Public", "@TGS#2"),
        ("ChatRoom", "@TGS#3"),
        ("AVChatRoom", "@TGS#a"),
        ("Community", "@TGS#_@TGS#c"),
        ("Work", "@TGS#1"),
        ("Meeting", "@TGS#3"),
    ] {
        let v = s
            .ok(
                &cmd("create_group"),
                json!({"Owner_Account": "owner", "Type": t, "Name": "n"}),
            )
            .await;
        let id = v["GroupId"].as_str().unwrap();
        assert!(id.starts_with(prefix), "{t}: {id}");
        let g = info(&s, id).await;
        assert_eq!(g["ErrorCode"], 0);
        assert_eq!(g["Owner_Account"], "owner");
        assert_eq!(g["NextMsgSeq"], 1);
        assert_eq!(g["MemberNum"], 1);
        assert_eq!(g["CreateTime"], T0);
    }
    let id = create(
        &s,
        json!({"Type": "Public", "Name": "custom", "GroupId": "my-group", "Owner_Account": "owner",
        "MemberList": [{"Member_Account": "m1", "Role": "Admin"}, {"Member_Account": "m2"}],
        "Introduction": "intro", "MaxMemberCount": 3, "ApplyJoinOption": "FreeAccess",
        "AppDefinedData": [{"Key": "k", "Value": "v\u{0000}x"}]}),
    )
    .await;
    assert_eq!(id, "my-group");
    let g = info(&s, "my-group").await;
    assert_eq!(g["Type"], "Public");
    assert_eq!(g["Introduction"], "intro");
    assert_eq!(g["MaxMemberNum"], 3);
    assert_eq!(g["ApplyJoinOption"], "FreeAccess");
    assert_eq!(
        g["AppDefinedData"],
        json!([{"Key": "k", "Value": "v\u{0000}x"}])
    );
    let roles: Vec<(String, String)> = g["MemberList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["Member_Account"].as_str().unwrap().into(),
                m["Role"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        roles,
        [
            ("owner".into(), "Owner".into()),
            ("m1".into(), "Admin".into()),
            ("m2".into(), "Member".into())
        ]
    );
    let c = create(
        &s,
        json!({"Type": "Community", "Name": "c", "GroupId": "@TGS#_mine"}),
    )
    .await;
    assert_eq!(c, "@TGS#_mine");
    assert_eq!(info(&s, &c).await["Owner_Account"], "");
}
both!(create_group_all_types_and_ids);

async fn create_group_errors_change_nothing(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["owner", "m1"]).await;
    create(
        &s,
        json!({"Type": "Public", "Name": "x", "GroupId": "taken"}),
    )
    .await;
    let members: Vec<Value> = (0..101)
        .map(|i| json!({"Member_Account": format!("u{i}")}))
        .collect();
    let cases = [
        (json!({"Name": "x"}), 10004),
        (json!({"Type": "Public"}), 10004),
        (
            json!({"Type": "Secret", "Name": "x", "GroupId": "g1"}),
            10004,
        ),
        (
            json!({"Type": "Public", "Name": "x".repeat(31), "GroupId": "g1"}),
            10004,
        ),
        (
            json!({"Type": "Public", "Name": "名字名字名字名字名字名字", "GroupId": "g1"}),
            10004,
        ),
        (
            json!({"Type": "Public", "Name": "x", "GroupId": "g1", "Introduction": "i".repeat(241)}),
            10004,
        ),
        (
            json!({"Type": "Public", "Name": "x", "GroupId": "g1", "ApplyJoinOption": "Anyone"}),
            10004,
        ),
        (
            json!({"Type": "Public", "Name": "x", "GroupId": "g1", "MaxMemberCount": 1.5}),
            10004,
        ),
        (
            json!({"Type": "Public", "Name": "x", "GroupId": "@TGS#abc"}),
            10015,
        ),
        (
            json!({"Type": "Community", "Name": "x", "GroupId": "plain"}),
            10015,
        ),
        (
            json!({"Type": "Public", "Name": "x", "GroupId": "g".repeat(49)}),
            10015,
        ),
        (
            json!({"Type": "Public", "Name": "x", "GroupId": "taken"}),
            10021,
        ),
        (
            json!({"Type": "Public", "Name": "x", "GroupId": "g1", "Owner_Account": "ghost"}),
            10019,
        ),
        (
            json!({"Type": "Public", "Name": "x", "GroupId": "g1", "MemberList": members}),
            10005,
        ),
        (
            json!({"Type": "AVChatRoom", "Name": "x", "GroupId": "g1", "MemberList": [{"Member_Account": "m1"}]}),
            10007,
        ),
        (
            json!({"Type": "Public", "Name": "x", "GroupId": "g1", "MemberList": [{"Member_Account": "m1", "Role": "Owner"}]}),
            10004,
        ),
        (
            json!({"Type": "Private", "Name": "x", "GroupId": "g1", "MemberList": [{"Member_Account": "m1", "Role": "Admin"}]}),
            10004,
        ),
        (
            json!({"Type": "Public", "Name": "x", "GroupId": "g1", "Owner_Account": "owner", "MaxMemberCount": 1, "MemberList": [{"Member_Account": "m1"}]}),
            10014,
        ),
    ];
    for (body, code) in cases {
        s.fails(&cmd("create_group"), body, code).await;
    }
    assert_eq!(
        info(&s, "g1").await["ErrorCode"],
        10010,
        "nothing was created"
    );
}
both!(create_group_errors_change_nothing);

async fn get_group_info_filters_and_per_group_errors(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["owner"]).await;
    create(
        &s,
        json!({"Type": "Public", "Name": "x", "GroupId": "g", "Owner_Account": "owner"}),
    )
    .await;
    let v = s.ok(&cmd("get_group_info"), json!({"GroupIdList": ["g", "missing", ""],
        "ResponseFilter": {"GroupBaseInfoFilter": ["Name", "NextMsgSeq"], "MemberInfoFilter": ["Role"]}})).await;
    let g = &v["GroupInfo"][0];
    assert_eq!(g["Name"], "x");
    assert_eq!(g["NextMsgSeq"], 1);
    assert!(g.get("Introduction").is_none());
    assert_eq!(
        g["MemberList"],
        json!([{"Member_Account": "owner", "Role": "Owner"}])
    );
    assert_eq!(v["GroupInfo"][1]["ErrorCode"], 10010);
    assert_eq!(v["GroupInfo"][2]["ErrorCode"], 10015);
    s.fails(&cmd("get_group_info"), json!({"GroupIdList": []}), 10004)
        .await;
    let many: Vec<String> = (0..51).map(|i| format!("g{i}")).collect();
    s.fails(&cmd("get_group_info"), json!({"GroupIdList": many}), 10004)
        .await;
    s.fails(&cmd("get_group_info"), json!({"GroupIdList": "g"}), 10004)
        .await;
}
both!(get_group_info_filters_and_per_group_errors);

async fn members_add_page_and_filter(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let ids: Vec<String> = (0..12).map(|i| format!("u{i}")).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    s.import_accounts(&refs).await;
    create(&s, json!({"Type": "Public", "Name": "x", "GroupId": "g", "Owner_Account": "u0", "MaxMemberCount": 11})).await;
    let list: Vec<Value> = ids[1..10]
        .iter()
        .map(|u| json!({"Member_Account": u}))
        .collect();
    let v = s
        .ok(
            &cmd("add_group_member"),
            json!({"GroupId": "g", "MemberList": list}),
        )
        .await;
    assert_eq!(
        v["MemberList"][0],
        json!({"Member_Account": "u1", "Result": 1})
    );
    let v = s.ok(&cmd("add_group_member"), json!({"GroupId": "g", "MemberList": [{"Member_Account": "u1"}, {"Member_Account": "u10"}]})).await;
    assert_eq!(
        v["MemberList"],
        json!([{"Member_Account": "u1", "Result": 2}, {"Member_Account": "u10", "Result": 1}])
    );
    // Full: 11 members now, MaxMemberCount 11.
    s.fails(
        &cmd("add_group_member"),
        json!({"GroupId": "g", "MemberList": [{"Member_Account": "u11"}]}),
        10014,
    )
    .await;
    s.fails(
        &cmd("add_group_member"),
        json!({"GroupId": "g", "MemberList": [{"Member_Account": "ghost"}]}),
        10019,
    )
    .await;
    s.fails(
        &cmd("add_group_member"),
        json!({"GroupId": "nope", "MemberList": [{"Member_Account": "u11"}]}),
        10010,
    )
    .await;
    s.fails(
        &cmd("add_group_member"),
        json!({"GroupId": "g", "MemberList": []}),
        10004,
    )
    .await;
    let too_many: Vec<Value> = (0..301)
        .map(|i| json!({"Member_Account": format!("x{i}")}))
        .collect();
    s.fails(
        &cmd("add_group_member"),
        json!({"GroupId": "g", "MemberList": too_many}),
        10005,
    )
    .await;

    let page = |offset: u32| json!({"GroupId": "g", "Limit": 5, "Offset": offset, "MemberInfoFilter": ["Role", "MsgSeq"]});
    let p1 = s.ok(&cmd("get_group_member_info"), page(0)).await;
    assert_eq!(p1["MemberNum"], 11);
    assert_eq!(member_names(&p1), ["u0", "u1", "u2", "u3", "u4"]);
    assert_eq!(
        p1["MemberList"][0],
        json!({"Member_Account": "u0", "Role": "Owner", "MsgSeq": 0})
    );
    assert_eq!(
        member_names(&s.ok(&cmd("get_group_member_info"), page(10)).await),
        ["u10"]
    );
    let owners = s
        .ok(
            &cmd("get_group_member_info"),
            json!({"GroupId": "g", "MemberRoleFilter": ["Owner"]}),
        )
        .await;
    assert_eq!(member_names(&owners), ["u0"]);
    s.fails(
        &cmd("get_group_member_info"),
        json!({"GroupId": "g", "MemberRoleFilter": ["Boss"]}),
        10004,
    )
    .await;
    s.fails(
        &cmd("get_group_member_info"),
        json!({"GroupId": "g", "Limit": -1}),
        10004,
    )
    .await;
    s.fails(
        &cmd("get_group_member_info"),
        json!({"GroupId": "nope"}),
        10010,
    )
    .await;
    let av = create(&s, json!({"Type": "AVChatRoom", "Name": "live"})).await;
    s.fails(&cmd("get_group_member_info"), json!({"GroupId": av}), 10007)
        .await;
    s.fails(
        &cmd("add_group_member"),
        json!({"GroupId": av, "MemberList": [{"Member_Account": "u11"}]}),
        10007,
    )
    .await;
}
both!(members_add_page_and_filter);

async fn community_member_pages_follow_the_next_cursor(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let ids: Vec<String> = (0..11).map(|i| format!("u{i}")).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    s.import_accounts(&refs).await;
    let list: Vec<Value> = ids[1..]
        .iter()
        .map(|u| json!({"Member_Account": u}))
        .collect();
    let g = create(
        &s,
        json!({"Type": "Community", "Name": "c", "Owner_Account": "u0", "MemberList": list}),
    )
    .await;
    let page = |next: Value| json!({"GroupId": g, "Limit": 4, "Next": next});
    let p1 = s.ok(&cmd("get_group_member_info"), page(json!(""))).await;
    assert_eq!(member_names(&p1), ["u0", "u1", "u2", "u3"]);
    assert_eq!(p1["MemberNum"], 11);
    // A member of a page already read leaves: with an offset the next page would skip u4.
    s.ok(
        &cmd("delete_group_member"),
        json!({"GroupId": g, "MemberToDel_Account": ["u1"], "Silence": 1}),
    )
    .await;
    let mut seen = member_names(&p1);
    let mut next = p1["Next"].clone();
    while next != json!("") {
        let p = s
            .ok(&cmd("get_group_member_info"), page(next.clone()))
            .await;
        seen.extend(member_names(&p));
        next = p["Next"].clone();
    }
    assert_eq!(seen, ids);
    // The same cursor as a number, as the Chinese documentation types it.
    let cursor: u64 = p1["Next"].as_str().unwrap().parse().unwrap();
    let again = s
        .ok(&cmd("get_group_member_info"), page(json!(cursor)))
        .await;
    assert_eq!(member_names(&again), ["u4", "u5", "u6", "u7"]);
    for bad in [json!("four"), json!("-1")] {
        s.fails(&cmd("get_group_member_info"), page(bad), 10004)
            .await;
    }
}
both!(community_member_pages_follow_the_next_cursor);

async fn send_group_msg_seq_dedup_and_errors(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b", "outsider"]).await;
    create(&s, json!({"Type": "Public", "Name": "x", "GroupId": "g", "Owner_Account": "a", "MemberList": [{"Member_Account": "b"}]})).await;
    let m1 = send(&s, "g", "a", 1).await;
    assert_eq!(m1["MsgSeq"], 1);
    assert_eq!(m1["MsgTime"], T0);
    assert_eq!(send(&s, "g", "b", 2).await["MsgSeq"], 2);
    // Same sender and Random within 5 minutes: the original answer, nothing stored.
    assert_eq!(send(&s, "g", "a", 1).await["MsgSeq"], 1);
    assert_eq!(info(&s, "g").await["NextMsgSeq"], 3);
    s.clock.advance(std::time::Duration::from_secs(301));
    assert_eq!(send(&s, "g", "a", 1).await["MsgSeq"], 3);
    // Admin as default sender; a non-member sender is allowed.
    let v = s
        .ok(
            &cmd("send_group_msg"),
            json!({"GroupId": "g", "Random": 9, "MsgBody": text("sys")}),
        )
        .await;
    assert_eq!(v["MsgSeq"], 4);
    assert_eq!(send(&s, "g", "outsider", 10).await["MsgSeq"], 5);

    let cases = [
        (json!({"GroupId": "g", "MsgBody": text("x")}), 10004),
        (
            json!({"GroupId": "g", "Random": -1, "MsgBody": text("x")}),
            10004,
        ),
        (
            json!({"GroupId": "g", "Random": 4294967296u64, "MsgBody": text("x")}),
            10004,
        ),
        (json!({"GroupId": "g", "Random": 1, "MsgBody": []}), 10004),
        (
            json!({"GroupId": "g", "Random": 1, "MsgBody": [{"MsgType": "TIMNope", "MsgContent": {}}]}),
            10004,
        ),
        (
            json!({"GroupId": "g", "Random": 1, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": 5}}]}),
            10004,
        ),
        (
            json!({"GroupId": "g", "Random": 1, "MsgBody": text(&"a".repeat(8001))}),
            80002,
        ),
        (
            json!({"GroupId": "g", "Random": 1, "MsgBody": text("x"), "MsgPriority": "Urgent"}),
            10004,
        ),
        (
            json!({"GroupId": "g", "Random": 1, "MsgBody": text("x"), "SendMsgControl": ["NoUnread"], "OnlineOnlyFlag": 1}),
            10004,
        ),
        (
            json!({"GroupId": "g", "Random": 1, "MsgBody": text("x"), "From_Account": "ghost"}),
            10019,
        ),
        (
            json!({"GroupId": "missing", "Random": 1, "MsgBody": text("x")}),
            10010,
        ),
        (
            json!({"GroupId": "", "Random": 1, "MsgBody": text("x")}),
            10015,
        ),
    ];
    for (body, code) in cases {
        s.fails(&cmd("send_group_msg"), body, code).await;
    }
    assert_eq!(
        info(&s, "g").await["NextMsgSeq"],
        6,
        "failed sends stored nothing"
    );
    let v = s
        .ok(
            &cmd("send_group_msg"),
            json!({"GroupId": "g", "Random": 77, "MsgBody": text("online"), "OnlineOnlyFlag": 1}),
        )
        .await;
    assert_eq!(v["MsgSeq"], 0);
    assert_eq!(
        info(&s, "g").await["NextMsgSeq"],
        6,
        "online-only messages get no seq"
    );
}
both!(send_group_msg_seq_dedup_and_errors);
