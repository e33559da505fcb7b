//! The rest of the group system: profile, member administration, destruction, roles, listing,
//! ownership, muting, recall, notifications, deletion — and a community's whole life.

use serde_json::{Value, json};

use crate::both;
use crate::common::*;
use crate::groups::{cmd, create, info, send, text, unread};

async fn setup(s: &TestServer, t: &str, id: &str) {
    s.import_accounts(&["own", "adm", "mem", "new"]).await;
    create(
        s,
        json!({"Type": t, "Name": "n", "GroupId": id, "Owner_Account": "own",
        "MemberList": [{"Member_Account": "mem"}]}),
    )
    .await;
}

async fn role(s: &TestServer, group: &str, user: &str) -> String {
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

/// Every member's view: (role, unread) per user, as get_role_in_group and the joined list show it.
async fn views(s: &TestServer, group: &str, users: &[&str]) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for u in users {
        let r = role(s, group, u).await;
        let n = if r == "NotMember" {
            -1
        } else {
            unread(s, group, u).await
        };
        out.push((r, n));
    }
    out
}

fn expect(rows: &[(&str, i64)]) -> Vec<(String, i64)> {
    rows.iter().map(|(r, n)| (r.to_string(), *n)).collect()
}

async fn community_life_story(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let users = ["ada", "ben", "cy", "dot"];
    s.import_accounts(&users).await;
    let g = create(
        &s,
        json!({"Type": "Community", "Name": "club", "Owner_Account": "ada"}),
    )
    .await;
    assert!(g.starts_with("@TGS#_"));
    assert_eq!(
        views(&s, &g, &users).await,
        expect(&[
            ("Owner", 0),
            ("NotMember", -1),
            ("NotMember", -1),
            ("NotMember", -1)
        ])
    );

    // Invite three people, promote one.
    s.ok(&cmd("add_group_member"), json!({"GroupId": g, "MemberList": [{"Member_Account": "ben"}, {"Member_Account": "cy"}, {"Member_Account": "dot"}]})).await;
    s.ok(
        &cmd("modify_group_member_info"),
        json!({"GroupId": g, "Member_Account": "ben", "Role": "Admin"}),
    )
    .await;
    assert_eq!(
        views(&s, &g, &users).await,
        expect(&[("Owner", 0), ("Admin", 0), ("Member", 0), ("Member", 0)])
    );

    // Chat: ada and cy talk.
    send(&s, &g, "ada", 1).await;
    send(&s, &g, "cy", 2).await;
    send(&s, &g, "ada", 3).await;
    assert_eq!(
        views(&s, &g, &users).await,
        expect(&[("Owner", 1), ("Admin", 3), ("Member", 2), ("Member", 3)])
    );

    // Mute dot; dot cannot speak, the others go on.
    s.ok(
        &cmd("forbid_send_msg"),
        json!({"GroupId": g, "Members_Account": ["dot"], "ShutUpTime": 3600}),
    )
    .await;
    s.fails(
        &cmd("send_group_msg"),
        json!({"GroupId": g, "From_Account": "dot", "Random": 4, "MsgBody": text("hey")}),
        10017,
    )
    .await;
    send(&s, &g, "ben", 5).await;
    assert_eq!(
        views(&s, &g, &users).await,
        expect(&[("Owner", 2), ("Admin", 3), ("Member", 3), ("Member", 4)])
    );

    // Recall ben's message: counts stay, history shows the placeholder.
    s.ok(
        &cmd("group_msg_recall"),
        json!({"GroupId": g, "MsgSeqList": [{"MsgSeq": 4}]}),
    )
    .await;
    let h = s
        .ok(
            &cmd("group_msg_get_simple"),
            json!({"GroupId": g, "ReqMsgNumber": 1}),
        )
        .await;
    assert_eq!(h["RspMsgList"][0]["IsPlaceMsg"], 2);
    assert_eq!(
        views(&s, &g, &users).await,
        expect(&[("Owner", 2), ("Admin", 3), ("Member", 3), ("Member", 4)])
    );

    // cy catches up; a notification changes nothing.
    s.ok(
        &cmd("set_unread_msg_num"),
        json!({"GroupId": g, "Member_Account": "cy", "UnreadMsgNum": 0}),
    )
    .await;
    s.ok(
        &cmd("send_group_system_notification"),
        json!({"GroupId": g, "Content": "rules"}),
    )
    .await;
    assert_eq!(
        views(&s, &g, &users).await,
        expect(&[("Owner", 2), ("Admin", 3), ("Member", 0), ("Member", 4)])
    );

    // Ownership passes to ben; ada stays as a member with her count.
    s.ok(
        &cmd("change_group_owner"),
        json!({"GroupId": g, "NewOwner_Account": "ben"}),
    )
    .await;
    assert_eq!(
        views(&s, &g, &users).await,
        expect(&[("Member", 2), ("Owner", 3), ("Member", 0), ("Member", 4)])
    );

    // dot is removed and comes back: nothing unread, still muted.
    s.ok(
        &cmd("delete_group_member"),
        json!({"GroupId": g, "MemberToDel_Account": ["dot"]}),
    )
    .await;
    s.ok(
        &cmd("add_group_member"),
        json!({"GroupId": g, "MemberList": [{"Member_Account": "dot"}]}),
    )
    .await;
    s.fails(
        &cmd("send_group_msg"),
        json!({"GroupId": g, "From_Account": "dot", "Random": 6, "MsgBody": text("hey")}),
        10017,
    )
    .await;
    send(&s, &g, "ben", 7).await;
    assert_eq!(
        views(&s, &g, &users).await,
        expect(&[("Member", 3), ("Owner", 3), ("Member", 1), ("Member", 1)])
    );

    // The end.
    s.ok(&cmd("destroy_group"), json!({"GroupId": g})).await;
    for u in users {
        let v = s
            .ok(
                &cmd("get_joined_group_list"),
                json!({"Member_Account": u, "WithNoActiveGroups": 1}),
            )
            .await;
        assert_eq!(v["TotalCount"], 0, "{u}");
    }
    s.fails(
        &cmd("get_role_in_group"),
        json!({"GroupId": g, "User_Account": ["ben"]}),
        10010,
    )
    .await;
    let _: Value = info(&s, &g).await;
}
both!(community_life_story);
