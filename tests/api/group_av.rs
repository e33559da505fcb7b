//! send_broadcast_msg, get_online_member_num and get_specified_group_member_info.

use std::time::Duration;

use serde_json::{Value, json};

use crate::both;
use crate::common::*;
use crate::groups::{cmd, create, member_names, text};

async fn broadcast(s: &TestServer, body: Value) -> i64 {
    let v = s.ok(&cmd("send_broadcast_msg"), body).await;
    v["MsgSeq"].as_i64().unwrap()
}

async fn broadcast_seq_and_dedup(b: Backend) {
    let Some(mut s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a"]).await;
    // No AVChatRoom is needed: nothing is stored per group.
    let first = json!({"Random": 7, "MsgBody": text("hello")});
    assert_eq!(broadcast(&s, first.clone()).await, 1);
    // The same content and Random: the first one's seq, nothing new.
    assert_eq!(broadcast(&s, first.clone()).await, 1);
    // SDK defaults ("" sender, "" CloudCustomData) mean the admin and no data: the same broadcast.
    assert_eq!(
        broadcast(
            &s,
            json!({"From_Account": "", "Random": 7, "MsgBody": text("hello"), "CloudCustomData": ""})
        )
        .await,
        1
    );
    // Another Random, another content, another sender or other data: a new broadcast each.
    assert_eq!(
        broadcast(&s, json!({"Random": 8, "MsgBody": text("hello")})).await,
        2
    );
    assert_eq!(
        broadcast(&s, json!({"Random": 7, "MsgBody": text("bye")})).await,
        3
    );
    let from_a = json!({"From_Account": "a", "Random": 7, "MsgBody": text("hello")});
    assert_eq!(broadcast(&s, from_a.clone()).await, 4);
    assert_eq!(broadcast(&s, from_a).await, 4);
    assert_eq!(
        broadcast(
            &s,
            json!({"Random": 7, "MsgBody": text("hello"), "CloudCustomData": "d"})
        )
        .await,
        5
    );
    // Five minutes later the same broadcast is new again.
    s.clock.advance(Duration::from_secs(300));
    assert_eq!(broadcast(&s, first.clone()).await, 1);
    s.clock.advance(Duration::from_secs(1));
    assert_eq!(broadcast(&s, first.clone()).await, 6);
    // Bad input fails and takes no seq.
    let bcast = cmd("send_broadcast_msg");
    let cases = [
        (json!({"MsgBody": text("x")}), 10004),
        (json!({"Random": -1, "MsgBody": text("x")}), 10004),
        (json!({"Random": 1}), 10004),
        (json!({"Random": 1, "MsgBody": []}), 10004),
        (
            json!({"Random": 1, "MsgBody": [{"MsgType": "TIMNoSuchElem", "MsgContent": {}}]}),
            10004,
        ),
        (
            json!({"Random": 1, "MsgBody": text(&"x".repeat(8000))}),
            80002,
        ),
        (
            json!({"From_Account": "ghost", "Random": 1, "MsgBody": text("x")}),
            10019,
        ),
        (
            json!({"From_Account": " bad\u{1}", "Random": 1, "MsgBody": text("x")}),
            10004,
        ),
    ];
    for (body, code) in cases {
        s.fails(&bcast, body, code).await;
    }
    // The seq is kept durably: a restarted server goes on from it.
    s.restart().await;
    assert_eq!(
        broadcast(&s, json!({"Random": 9, "MsgBody": text("x")})).await,
        7
    );
}
both!(broadcast_seq_and_dedup);

async fn online_member_num_is_zero(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b"]).await;
    for (t, id) in [
        ("Private", "p"),
        ("Public", "pub"),
        ("ChatRoom", "c"),
        ("AVChatRoom", "av"),
        ("Community", "@TGS#_com"),
    ] {
        create(
            &s,
            json!({"Type": t, "Name": "n", "GroupId": id, "Owner_Account": "a"}),
        )
        .await;
        let v = s
            .ok(&cmd("get_online_member_num"), json!({"GroupId": id}))
            .await;
        assert_eq!(v["OnlineMemberNum"], 0, "{t}");
    }
    let online = cmd("get_online_member_num");
    s.fails(&online, json!({"GroupId": "nope"}), 10010).await;
    s.fails(&online, json!({"GroupId": ""}), 10015).await;
    s.fails(&online, json!({}), 10004).await;
    s.ok(&cmd("destroy_group"), json!({"GroupId": "pub"})).await;
    s.fails(&online, json!({"GroupId": "pub"}), 10010).await;
}
both!(online_member_num_is_zero);

/// Public group `g`: owner `a`, admin `b` with custom data, member `c` with a name card.
async fn group_for_member_info(s: &TestServer) {
    s.import_accounts(&["a", "b", "c", "d"]).await;
    create(
        s,
        json!({"Type": "Public", "Name": "n", "GroupId": "g", "Owner_Account": "a",
               "MemberList": [{"Member_Account": "b", "Role": "Admin",
                               "AppMemberDefinedData": [{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": "v2"}]},
                              {"Member_Account": "c"}]}),
    )
    .await;
    s.ok(
        &cmd("modify_group_member_info"),
        json!({"GroupId": "g", "Member_Account": "c", "NameCard": "Cee"}),
    )
    .await;
}

async fn specified(s: &TestServer, body: Value) -> Value {
    let v = s.ok(&cmd("get_specified_group_member_info"), body).await;
    assert_eq!(v["GroupId"], "g");
    v
}

async fn specified_member_info(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    group_for_member_info(&s).await;
    // In the order asked, each once; non-members (d, never-imported x) are left out.
    let v = specified(
        &s,
        json!({"GroupId": "g", "Member_List_Account": ["c", "d", "x", "b", "c"]}),
    )
    .await;
    assert_eq!(member_names(&v), ["c", "b"]);
    let c = &v["MemberList"][0];
    assert_eq!(c["Role"], "Member");
    assert_eq!(c["NameCard"], "Cee");
    assert_eq!(c["JoinTime"], T0);
    assert_eq!(c["MsgSeq"], 0);
    assert_eq!(c["MsgFlag"], "AcceptAndNotify");
    assert_eq!(c["MuteUntil"], 0);
    assert_eq!(c["LastSendMsgTime"], 0);
    assert_eq!(v["MemberList"][1]["Role"], "Admin");
    assert_eq!(
        v["MemberList"][1]["AppMemberDefinedData"],
        json!([{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": "v2"}])
    );
    // Empty filters, as SDKs send unset ones, are no filters: the same answer.
    let same = specified(
        &s,
        json!({"GroupId": "g", "Member_List_Account": ["c", "d", "x", "b", "c"],
               "MemberInfoFilter": [], "MemberRoleFilter": [],
               "AppDefinedDataFilter_GroupMember": []}),
    )
    .await;
    assert_eq!(same["MemberList"], v["MemberList"]);
    // MemberInfoFilter: Member_Account and the named fields only.
    let v = specified(
        &s,
        json!({"GroupId": "g", "Member_List_Account": ["b"], "MemberInfoFilter": ["Role"]}),
    )
    .await;
    assert_eq!(
        v["MemberList"],
        json!([{"Member_Account": "b", "Role": "Admin"}])
    );
    // MemberRoleFilter keeps the asked roles; the others are left out like non-members.
    let v = specified(
        &s,
        json!({"GroupId": "g", "Member_List_Account": ["a", "b", "c"],
               "MemberRoleFilter": ["Owner", "Member"]}),
    )
    .await;
    assert_eq!(member_names(&v), ["a", "c"]);
    // AppDefinedDataFilter_GroupMember keeps the named keys.
    let v = specified(
        &s,
        json!({"GroupId": "g", "Member_List_Account": ["b"],
               "MemberInfoFilter": ["AppMemberDefinedData"],
               "AppDefinedDataFilter_GroupMember": ["k2"]}),
    )
    .await;
    assert_eq!(
        v["MemberList"],
        json!([{"Member_Account": "b", "AppMemberDefinedData": [{"Key": "k2", "Value": "v2"}]}])
    );
    // Nobody asked is a member: an empty list.
    let v = specified(&s, json!({"GroupId": "g", "Member_List_Account": ["d"]})).await;
    assert_eq!(v["MemberList"], json!([]));
}
both!(specified_member_info);

async fn specified_member_info_errors(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    group_for_member_info(&s).await;
    create(
        &s,
        json!({"Type": "AVChatRoom", "Name": "n", "GroupId": "av", "Owner_Account": "a"}),
    )
    .await;
    let fifty: Vec<String> = (0..50).map(|i| format!("u{i}")).collect();
    let many: Vec<String> = (0..51).map(|i| format!("u{i}")).collect();
    let spec = cmd("get_specified_group_member_info");
    let cases = [
        (json!({"GroupId": "g", "Member_List_Account": many}), 10005),
        (json!({"GroupId": "g", "Member_List_Account": []}), 10004),
        (json!({"GroupId": "g"}), 10004),
        (json!({"GroupId": "g", "Member_List_Account": [""]}), 10004),
        (
            json!({"GroupId": "g", "Member_List_Account": ["b"], "MemberRoleFilter": ["Boss"]}),
            10004,
        ),
        (
            json!({"GroupId": "g", "Member_List_Account": ["b"], "MemberInfoFilter": "Role"}),
            10004,
        ),
        (
            json!({"GroupId": "av", "Member_List_Account": ["a"]}),
            10007,
        ),
        (
            json!({"GroupId": "nope", "Member_List_Account": ["a"]}),
            10010,
        ),
        (json!({"GroupId": "", "Member_List_Account": ["a"]}), 10015),
    ];
    for (body, code) in cases {
        s.fails(&spec, body, code).await;
    }
    let v = s
        .ok(&spec, json!({"GroupId": "g", "Member_List_Account": fifty}))
        .await;
    assert_eq!(v["MemberList"], json!([]));
}
both!(specified_member_info_errors);
