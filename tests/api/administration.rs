//! The rest of the group system: profile, member administration, destruction, roles, listing,
//! ownership, muting (recall and notifications: `group_recall.rs`; a community's whole life:
//! `community_life.rs`).

use serde_json::json;

use crate::both;
use crate::common::*;
use crate::groups::{cmd, create, info, send, text, unread};

pub async fn setup(s: &TestServer, t: &str, id: &str) {
    s.import_accounts(&["own", "adm", "mem", "new"]).await;
    create(
        s,
        json!({"Type": t, "Name": "n", "GroupId": id, "Owner_Account": "own",
        "MemberList": [{"Member_Account": "mem"}]}),
    )
    .await;
}

pub async fn role(s: &TestServer, group: &str, user: &str) -> String {
    let v = s
        .ok(
            &cmd("get_role_in_group"),
            json!({"GroupId": group, "User_Account": [user]}),
        )
        .await;
    v["UserIdList"][0]["Role"].as_str().unwrap().to_string()
}

async fn modify_group_base_info_rules(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    setup(&s, "Public", "g").await;
    s.clock.advance(std::time::Duration::from_secs(5));
    s.ok(&cmd("modify_group_base_info"), json!({"GroupId": "g", "Name": "新名字", "Introduction": "i",
        "Notification": "n", "FaceUrl": "http://f", "MaxMemberNum": 50, "ApplyJoinOption": "DisableApply",
        "MuteAllMember": "On", "AppDefinedData": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]})).await;
    s.ok(
        &cmd("modify_group_base_info"),
        json!({"GroupId": "g", "AppDefinedData": [{"Key": "a", "Value": ""}]}),
    )
    .await;
    let g = info(&s, "g").await;
    assert_eq!(g["Name"], "新名字");
    assert_eq!(g["MaxMemberNum"], 50);
    assert_eq!(g["ApplyJoinOption"], "DisableApply");
    assert_eq!(g["ShutUpAllMember"], "On");
    assert_eq!(g["MuteAllMember"], "On");
    assert_eq!(g["AppDefinedData"], json!([{"Key": "b", "Value": "2"}]));
    assert_eq!(g["LastInfoTime"], T0 + 5);
    let before = info(&s, "g").await;
    for (body, code) in [
        (json!({"GroupId": "g", "Name": "x".repeat(31)}), 10004),
        (
            json!({"GroupId": "g", "Name": "名字名字名字名字名字名"}),
            10004,
        ),
        (
            json!({"GroupId": "g", "Notification": "n".repeat(301)}),
            10004,
        ),
        (json!({"GroupId": "g", "FaceUrl": "f".repeat(101)}), 10004),
        (json!({"GroupId": "g", "ShutUpAllMember": "Yes"}), 10004),
        (
            json!({"GroupId": "g", "ShutUpAllMember": "On", "MuteAllMember": "Off"}),
            10004,
        ),
        (json!({"GroupId": "g", "MaxMemberNum": 1}), 10004),
        (
            json!({"GroupId": "g", "AppDefinedData": [{"Key": "bad key", "Value": "x"}]}),
            10004,
        ),
        (
            json!({"GroupId": "g", "AppDefinedData": [{"Key": "k", "Value": "v".repeat(513)}]}),
            10004,
        ),
        (json!({"GroupId": "missing", "Name": "x"}), 10010),
    ] {
        s.fails(&cmd("modify_group_base_info"), body, code).await;
    }
    assert_eq!(info(&s, "g").await, before, "bad input changed nothing");
    // Ordinary members cannot speak while everyone is muted; the owner can.
    s.fails(
        &cmd("send_group_msg"),
        json!({"GroupId": "g", "From_Account": "mem", "Random": 1, "MsgBody": text("x")}),
        10017,
    )
    .await;
    send(&s, "g", "own", 2).await;
}
both!(modify_group_base_info_rules);

async fn delete_and_rejoin_members(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    setup(&s, "Public", "g").await;
    for i in 0..3 {
        send(&s, "g", "own", i).await;
    }
    assert_eq!(unread(&s, "g", "mem").await, 3);
    s.ok(&cmd("delete_group_member"), json!({"GroupId": "g", "MemberToDel_Account": ["mem", "new"], "Reason": "bye", "Silence": 1})).await;
    assert_eq!(info(&s, "g").await["MemberNum"], 1);
    assert_eq!(role(&s, "g", "mem").await, "NotMember");
    s.ok(
        &cmd("add_group_member"),
        json!({"GroupId": "g", "MemberList": [{"Member_Account": "mem"}]}),
    )
    .await;
    assert_eq!(
        unread(&s, "g", "mem").await,
        0,
        "a returning member starts with nothing unread"
    );
    s.fails(
        &cmd("delete_group_member"),
        json!({"GroupId": "g", "MemberToDel_Account": ["own"]}),
        10009,
    )
    .await;
    // The owner after a member: refused before the member is removed.
    s.fails(
        &cmd("delete_group_member"),
        json!({"GroupId": "g", "MemberToDel_Account": ["mem", "own"]}),
        10009,
    )
    .await;
    s.fails(
        &cmd("delete_group_member"),
        json!({"GroupId": "g", "MemberToDel_Account": []}),
        10004,
    )
    .await;
    s.fails(
        &cmd("delete_group_member"),
        json!({"GroupId": "g", "MemberToDel_Account": vec!["x"; 101]}),
        10004,
    )
    .await;
    s.fails(
        &cmd("delete_group_member"),
        json!({"GroupId": "g", "MemberToDel_Account": "mem"}),
        10004,
    )
    .await;
    assert_eq!(info(&s, "g").await["MemberNum"], 2);
    // The owner may leave a Private group, which becomes ownerless.
    create(
        &s,
        json!({"Type": "Private", "Name": "w", "GroupId": "w", "Owner_Account": "own"}),
    )
    .await;
    s.ok(
        &cmd("delete_group_member"),
        json!({"GroupId": "w", "MemberToDel_Account": ["own"]}),
    )
    .await;
    assert_eq!(info(&s, "w").await["Owner_Account"], "");
    let av = create(
        &s,
        json!({"Type": "AVChatRoom", "Name": "live", "Owner_Account": "own"}),
    )
    .await;
    s.fails(
        &cmd("delete_group_member"),
        json!({"GroupId": av, "MemberToDel_Account": ["own"]}),
        10004,
    )
    .await;
}
both!(delete_and_rejoin_members);

async fn modify_group_member_info_rules(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    setup(&s, "Public", "g").await;
    s.ok(&cmd("modify_group_member_info"), json!({"GroupId": "g", "Member_Account": "mem", "Role": "Admin",
        "MsgFlag": "Discard", "NameCard": "卡片", "AppMemberDefinedData": [{"Key": "k", "Value": "v"}], "MuteTime": 60})).await;
    let v = s
        .ok(
            &cmd("get_group_member_info"),
            json!({"GroupId": "g", "MemberRoleFilter": ["Admin"]}),
        )
        .await;
    let m = &v["MemberList"][0];
    assert_eq!(m["Member_Account"], "mem");
    assert_eq!(m["MsgFlag"], "Discard");
    assert_eq!(m["NameCard"], "卡片");
    assert_eq!(m["ShutUpUntil"], T0 + 60);
    assert_eq!(m["MuteUntil"], T0 + 60);
    assert_eq!(
        m["AppMemberDefinedData"],
        json!([{"Key": "k", "Value": "v"}])
    );
    let before = s
        .ok(&cmd("get_group_member_info"), json!({"GroupId": "g"}))
        .await;
    for (body, code) in [
        (
            json!({"GroupId": "g", "Member_Account": "mem", "Role": "Owner"}),
            10004,
        ),
        (
            json!({"GroupId": "g", "Member_Account": "mem", "MsgFlag": "Loud"}),
            10004,
        ),
        (
            json!({"GroupId": "g", "Member_Account": "mem", "NameCard": "c".repeat(51)}),
            10004,
        ),
        (
            json!({"GroupId": "g", "Member_Account": "mem", "ShutUpTime": -1}),
            10004,
        ),
        (
            json!({"GroupId": "g", "Member_Account": "mem", "ShutUpTime": 5, "MuteTime": 6}),
            10004,
        ),
        (
            json!({"GroupId": "g", "Member_Account": "own", "Role": "Member"}),
            10007,
        ),
        (
            json!({"GroupId": "g", "Member_Account": "own", "ShutUpTime": 60}),
            10007,
        ),
        (
            json!({"GroupId": "g", "Member_Account": "new", "NameCard": "x"}),
            10007,
        ),
        (
            json!({"GroupId": "g", "Member_Account": "mem", "AppMemberDefinedData": [
            {"Key": "a", "Value": "1"}, {"Key": "b", "Value": "1"}, {"Key": "c", "Value": "1"}, {"Key": "d", "Value": "1"}, {"Key": "e", "Value": "1"}]}),
            10004,
        ),
        (
            json!({"GroupId": "missing", "Member_Account": "mem"}),
            10010,
        ),
    ] {
        s.fails(&cmd("modify_group_member_info"), body, code).await;
    }
    assert_eq!(
        s.ok(&cmd("get_group_member_info"), json!({"GroupId": "g"}))
            .await,
        before
    );
    create(&s, json!({"Type": "Private", "Name": "w", "GroupId": "w", "Owner_Account": "own", "MemberList": [{"Member_Account": "mem"}]})).await;
    s.fails(
        &cmd("modify_group_member_info"),
        json!({"GroupId": "w", "Member_Account": "mem", "Role": "Admin"}),
        10007,
    )
    .await;
    s.fails(
        &cmd("modify_group_member_info"),
        json!({"GroupId": "w", "Member_Account": "mem", "ShutUpTime": 10}),
        10007,
    )
    .await;
}
both!(modify_group_member_info_rules);

async fn destroy_group_is_final(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    setup(&s, "Public", "g").await;
    s.ok(&cmd("destroy_group"), json!({"GroupId": "g"})).await;
    s.fails(&cmd("destroy_group"), json!({"GroupId": "g"}), 10010)
        .await;
    assert_eq!(info(&s, "g").await["ErrorCode"], 10010);
    for (c, body) in [
        (
            "send_group_msg",
            json!({"GroupId": "g", "Random": 1, "MsgBody": text("x")}),
        ),
        (
            "set_unread_msg_num",
            json!({"GroupId": "g", "Member_Account": "mem", "UnreadMsgNum": 1}),
        ),
        (
            "add_group_member",
            json!({"GroupId": "g", "MemberList": [{"Member_Account": "new"}]}),
        ),
        ("get_group_member_info", json!({"GroupId": "g"})),
        (
            "group_msg_get_simple",
            json!({"GroupId": "g", "ReqMsgNumber": 1}),
        ),
        (
            "modify_group_base_info",
            json!({"GroupId": "g", "Name": "x"}),
        ),
        (
            "import_group_msg",
            json!({"GroupId": "g", "MsgList": [{"From_Account": "own", "SendTime": T0 - 1, "MsgBody": text("x")}]}),
        ),
    ] {
        s.fails(&cmd(c), body, 10010).await;
    }
    let v = s
        .ok(
            &cmd("get_joined_group_list"),
            json!({"Member_Account": "mem"}),
        )
        .await;
    assert_eq!(v["TotalCount"], 0);
    s.fails(
        &cmd("create_group"),
        json!({"Type": "Public", "Name": "again", "GroupId": "g"}),
        10025,
    )
    .await;
    s.fails(
        &cmd("import_group"),
        json!({"Type": "Public", "Name": "again", "GroupId": "g"}),
        10025,
    )
    .await;
    s.fails(&cmd("destroy_group"), json!({"GroupId": ""}), 10015)
        .await;
}
both!(destroy_group_is_final);

async fn roles_listing_and_owner_change(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    setup(&s, "Public", "g").await;
    let v = s
        .ok(
            &cmd("get_role_in_group"),
            json!({"GroupId": "g", "User_Account": ["own", "mem", "new"]}),
        )
        .await;
    assert_eq!(
        v["UserIdList"],
        json!([{"Member_Account": "own", "Role": "Owner"}, {"Member_Account": "mem", "Role": "Member"}, {"Member_Account": "new", "Role": "NotMember"}])
    );
    s.fails(
        &cmd("get_role_in_group"),
        json!({"GroupId": "g", "User_Account": []}),
        10004,
    )
    .await;
    s.ok(
        &cmd("change_group_owner"),
        json!({"GroupId": "g", "NewOwner_Account": "mem"}),
    )
    .await;
    assert_eq!(role(&s, "g", "mem").await, "Owner");
    assert_eq!(role(&s, "g", "own").await, "Member");
    assert_eq!(info(&s, "g").await["Owner_Account"], "mem");
    s.fails(
        &cmd("change_group_owner"),
        json!({"GroupId": "g", "NewOwner_Account": "new"}),
        10007,
    )
    .await;
    assert_eq!(info(&s, "g").await["Owner_Account"], "mem");
    let ownerless = create(
        &s,
        json!({"Type": "Public", "Name": "o", "MemberList": [{"Member_Account": "new"}]}),
    )
    .await;
    s.ok(
        &cmd("change_group_owner"),
        json!({"GroupId": ownerless, "NewOwner_Account": "new"}),
    )
    .await;
    assert_eq!(info(&s, &ownerless).await["Owner_Account"], "new");
    let av = create(
        &s,
        json!({"Type": "AVChatRoom", "Name": "live", "Owner_Account": "own"}),
    )
    .await;
    s.fails(
        &cmd("change_group_owner"),
        json!({"GroupId": av, "NewOwner_Account": "own"}),
        10007,
    )
    .await;
    s.fails(
        &cmd("get_role_in_group"),
        json!({"GroupId": av, "User_Account": ["own"]}),
        10007,
    )
    .await;

    // get_appid_group_list pages with Next and filters by type.
    for i in 0..3 {
        create(
            &s,
            json!({"Type": "Private", "Name": "p", "GroupId": format!("p{i}")}),
        )
        .await;
    }
    let all = s.ok(&cmd("get_appid_group_list"), json!({})).await;
    assert_eq!(all["TotalCount"], 6);
    assert_eq!(all["Next"], 0);
    let p1 = s
        .ok(
            &cmd("get_appid_group_list"),
            json!({"Limit": 2, "GroupType": "Private"}),
        )
        .await;
    assert_eq!(p1["TotalCount"], 3);
    assert_eq!(p1["GroupIdList"].as_array().unwrap().len(), 2);
    let p2 = s
        .ok(
            &cmd("get_appid_group_list"),
            json!({"Limit": 2, "GroupType": "Private", "Next": p1["Next"]}),
        )
        .await;
    assert_eq!(p2["GroupIdList"].as_array().unwrap().len(), 1);
    assert_eq!(p2["Next"], 0);
    s.fails(
        &cmd("get_appid_group_list"),
        json!({"GroupType": "Club"}),
        10004,
    )
    .await;
    s.fails(&cmd("get_appid_group_list"), json!({"Limit": 10001}), 10004)
        .await;
}
both!(roles_listing_and_owner_change);

async fn muting_rules(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    setup(&s, "Public", "g").await;
    s.import_accounts(&["x2"]).await;
    s.ok(
        &cmd("add_group_member"),
        json!({"GroupId": "g", "MemberList": [{"Member_Account": "x2"}]}),
    )
    .await;
    s.ok(
        &cmd("forbid_send_msg"),
        json!({"GroupId": "g", "Members_Account": ["mem"], "ShutUpTime": 100}),
    )
    .await;
    s.ok(
        &cmd("forbid_send_msg"),
        json!({"GroupId": "g", "Members_Account": ["x2"], "MuteTime": 4294967295u64}),
    )
    .await;
    let v = s
        .ok(&cmd("get_group_shutted_uin"), json!({"GroupId": "g"}))
        .await;
    assert_eq!(
        v["ShuttedUinList"],
        json!([{"Member_Account": "mem", "ShuttedUntil": T0 + 100}, {"Member_Account": "x2", "ShuttedUntil": 4294967295u64}])
    );
    s.fails(
        &cmd("send_group_msg"),
        json!({"GroupId": "g", "From_Account": "mem", "Random": 1, "MsgBody": text("x")}),
        10017,
    )
    .await;
    assert_eq!(
        info(&s, "g").await["NextMsgSeq"],
        1,
        "a muted send stores nothing"
    );
    // The mute survives leaving and rejoining.
    s.ok(
        &cmd("delete_group_member"),
        json!({"GroupId": "g", "MemberToDel_Account": ["mem"]}),
    )
    .await;
    s.ok(
        &cmd("add_group_member"),
        json!({"GroupId": "g", "MemberList": [{"Member_Account": "mem"}]}),
    )
    .await;
    s.fails(
        &cmd("send_group_msg"),
        json!({"GroupId": "g", "From_Account": "mem", "Random": 2, "MsgBody": text("x")}),
        10017,
    )
    .await;
    s.clock.advance(std::time::Duration::from_secs(101));
    send(&s, "g", "mem", 3).await;
    s.ok(
        &cmd("forbid_send_msg"),
        json!({"GroupId": "g", "Members_Account": ["x2"], "ShutUpTime": 0}),
    )
    .await;
    let v = s
        .ok(&cmd("get_group_shutted_uin"), json!({"GroupId": "g"}))
        .await;
    assert_eq!(v["ShuttedUinList"], json!([]));
    for (body, code) in [
        (json!({"GroupId": "g", "Members_Account": ["mem"]}), 10004),
        (
            json!({"GroupId": "g", "Members_Account": [], "ShutUpTime": 5}),
            10004,
        ),
        (
            json!({"GroupId": "g", "Members_Account": ["own"], "ShutUpTime": 5}),
            10007,
        ),
        (
            json!({"GroupId": "g", "Members_Account": ["new"], "ShutUpTime": 5}),
            10007,
        ),
        (
            json!({"GroupId": "g", "Members_Account": ["mem"], "ShutUpTime": "5"}),
            10004,
        ),
    ] {
        s.fails(&cmd("forbid_send_msg"), body, code).await;
    }
    assert_eq!(
        s.ok(&cmd("get_group_shutted_uin"), json!({"GroupId": "g"}))
            .await["ShuttedUinList"],
        json!([])
    );
    create(&s, json!({"Type": "Private", "Name": "w", "GroupId": "w", "Owner_Account": "own", "MemberList": [{"Member_Account": "mem"}]})).await;
    s.fails(
        &cmd("forbid_send_msg"),
        json!({"GroupId": "w", "Members_Account": ["mem"], "ShutUpTime": 5}),
        10007,
    )
    .await;
}
both!(muting_rules);
