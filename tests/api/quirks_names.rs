//! Client quirk: the English and Chinese pages, and the SDKs written from them, name some request
//! fields differently. Both names are accepted; giving both is refused, so nothing is resolved
//! silently (docs/compat.md, "Client quirks").

use serde_json::json;

use crate::both;
use crate::common::*;
use crate::groups::{cmd, send};

async fn account_names(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let login = |c: &str| format!("im_open_login_svc/{c}");
    s.ok(&login("account_import"), json!({"Identifier": "x"}))
        .await;
    s.ok(&login("account_import"), json!({"UserID": "y"})).await;
    s.ok(&login("kick"), json!({"Identifier": "x"})).await;
    s.ok(&login("kick"), json!({"UserID": "y"})).await;
    s.ok(&login("multiaccount_import"), json!({"Accounts": ["p"]}))
        .await;
    s.ok(
        &login("multiaccount_import"),
        json!({"AccountList": [{"UserID": "q"}]}),
    )
    .await;
    s.fails(
        &login("multiaccount_import"),
        json!({"Accounts": ["r"], "AccountList": [{"UserID": "t"}]}),
        70402,
    )
    .await;
    let v = s
        .ok(
            &login("account_check"),
            json!({"CheckItem": [{"UserID": "x"}, {"UserID": "p"}, {"UserID": "q"}, {"UserID": "r"}]}),
        )
        .await;
    let status: Vec<_> = v["ResultItem"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["AccountStatus"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(status, ["Imported", "Imported", "Imported", "NotImported"]);
}
both!(account_names);

/// `MaxMemberNum` (the name get_group_info answers, sent by the Java SDK's group model) for
/// create_group's and import_group's `MaxMemberCount`.
async fn member_limit_names(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["o"]).await;
    for (id, field, command) in [
        ("c1", "MaxMemberCount", "create_group"),
        ("c2", "MaxMemberNum", "create_group"),
        ("i1", "MaxMemberCount", "import_group"),
        ("i2", "MaxMemberNum", "import_group"),
    ] {
        s.ok(
            &cmd(command),
            json!({"Owner_Account": "o", "Type": "Public", "Name": "n", "GroupId": id, field: 50}),
        )
        .await;
    }
    s.fails(
        &cmd("create_group"),
        json!({"Owner_Account": "o", "Type": "Public", "Name": "n", "GroupId": "c3",
               "MaxMemberCount": 50, "MaxMemberNum": 50}),
        10004,
    )
    .await;
    let v = s
        .ok(
            &cmd("get_group_info"),
            json!({"GroupIdList": ["c1", "c2", "i1", "i2", "c3"],
                   "ResponseFilter": {"GroupBaseInfoFilter": ["MaxMemberNum"]}}),
        )
        .await;
    for i in 0..4 {
        assert_eq!(v["GroupInfo"][i]["MaxMemberNum"], 50, "{v}");
    }
    assert_eq!(v["GroupInfo"][4]["ErrorCode"], 10010);
}
both!(member_limit_names);

/// `MuteTime` / `ShutUpTime` (forbid_send_msg, modify_group_member_info) and `MuteAllMember` /
/// `ShutUpAllMember` (modify_group_base_info).
async fn mute_names(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["o", "m", "n"]).await;
    s.ok(
        &cmd("create_group"),
        json!({"Owner_Account": "o", "Type": "Public", "Name": "n", "GroupId": "g",
               "MemberList": [{"Member_Account": "m"}, {"Member_Account": "n"}]}),
    )
    .await;
    let until = s.now() + 60;
    s.ok(
        &cmd("forbid_send_msg"),
        json!({"GroupId": "g", "Members_Account": ["m"], "MuteTime": 60}),
    )
    .await;
    s.ok(
        &cmd("modify_group_member_info"),
        json!({"GroupId": "g", "Member_Account": "n", "ShutUpTime": 60}),
    )
    .await;
    let v = s
        .ok(&cmd("get_group_shutted_uin"), json!({"GroupId": "g"}))
        .await;
    assert_eq!(
        v["ShuttedUinList"],
        json!([{"Member_Account": "m", "ShuttedUntil": until},
               {"Member_Account": "n", "ShuttedUntil": until}])
    );
    s.fails(
        &cmd("forbid_send_msg"),
        json!({"GroupId": "g", "Members_Account": ["m"], "MuteTime": 0, "ShutUpTime": 60}),
        10004,
    )
    .await;
    s.ok(
        &cmd("modify_group_member_info"),
        json!({"GroupId": "g", "Member_Account": "n", "MuteTime": 0}),
    )
    .await;
    s.ok(
        &cmd("modify_group_base_info"),
        json!({"GroupId": "g", "MuteAllMember": "On"}),
    )
    .await;
    let filter = json!({"GroupIdList": ["g"],
        "ResponseFilter": {"GroupBaseInfoFilter": ["ShutUpAllMember"]}});
    let v = s.ok(&cmd("get_group_info"), filter.clone()).await;
    assert_eq!(v["GroupInfo"][0]["ShutUpAllMember"], "On");
    s.ok(
        &cmd("modify_group_base_info"),
        json!({"GroupId": "g", "ShutUpAllMember": "Off"}),
    )
    .await;
    s.fails(
        &cmd("modify_group_base_info"),
        json!({"GroupId": "g", "ShutUpAllMember": "Off", "MuteAllMember": "On"}),
        10004,
    )
    .await;
    let v = s.ok(&cmd("get_group_info"), filter).await;
    assert_eq!(v["GroupInfo"][0]["ShutUpAllMember"], "Off");
    let v = s
        .ok(&cmd("get_group_shutted_uin"), json!({"GroupId": "g"}))
        .await;
    assert_eq!(v["ShuttedUinList"].as_array().map(Vec::len), Some(1));
}
both!(mute_names);

/// recentcontact/delete `ToGroupid` (the page's spelling) / `ToGroupId` and `Type` / `type` (the
/// Go SDK's); admin_getroammsg `Operator_Account`/`Peer_Account` (current) /
/// `From_Account`/`To_Account` (older page).
async fn conversation_names(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["o", "a", "b"]).await;
    for g in ["g1", "g2"] {
        s.ok(
            &cmd("create_group"),
            json!({"Owner_Account": "o", "Type": "Public", "Name": "n", "GroupId": g,
                   "MemberList": [{"Member_Account": "a"}]}),
        )
        .await;
        send(&s, g, "o", 1).await;
    }
    let list = json!({"From_Account": "a", "TimeStamp": 0, "StartIndex": 0,
        "TopTimeStamp": 0, "TopStartIndex": 0, "AssistFlags": 7});
    let v = s.ok("recentcontact/get_list", list.clone()).await;
    assert_eq!(v["SessionItem"].as_array().map(Vec::len), Some(2));
    s.ok(
        "recentcontact/delete",
        json!({"From_Account": "a", "Type": 2, "ToGroupid": "g1"}),
    )
    .await;
    s.ok(
        "recentcontact/delete",
        json!({"From_Account": "a", "type": 2, "ToGroupId": "g2"}),
    )
    .await;
    let v = s.ok("recentcontact/get_list", list).await;
    assert_eq!(v["SessionItem"], json!([]));
    s.fails(
        "recentcontact/delete",
        json!({"From_Account": "a", "Type": 2, "type": 2, "ToGroupid": "g1"}),
        50002,
    )
    .await;
    s.ok(
        "openim/sendmsg",
        json!({"From_Account": "a", "To_Account": "b", "MsgRandom": 1,
               "MsgBody": crate::groups::text("x")}),
    )
    .await;
    let window = |from: &str, to: &str| json!({from: "a", to: "b", "MaxCnt": 10, "MinTime": 0, "MaxTime": s.now()});
    let current = s
        .ok(
            "openim/admin_getroammsg",
            window("Operator_Account", "Peer_Account"),
        )
        .await;
    let older = s
        .ok(
            "openim/admin_getroammsg",
            window("From_Account", "To_Account"),
        )
        .await;
    assert_eq!(current, older);
    assert_eq!(current["MsgCnt"], 1);
}
both!(conversation_names);

/// `Type` for get_appid_group_list's and get_joined_group_list's `GroupType`, and
/// `MsgOnlineOnlyFlag` for send_group_msg's `OnlineOnlyFlag`: the names the Go server SDK
/// (dobyte/tencent-im) sends.
async fn go_sdk_names(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["o"]).await;
    for (id, t) in [("pub", "Public"), ("room", "ChatRoom")] {
        s.ok(
            &cmd("create_group"),
            json!({"Owner_Account": "o", "Type": t, "Name": "n", "GroupId": id}),
        )
        .await;
    }
    for field in ["GroupType", "Type"] {
        let v = s
            .ok(&cmd("get_appid_group_list"), json!({field: "ChatRoom"}))
            .await;
        assert_eq!(v["GroupIdList"], json!([{"GroupId": "room"}]), "{field}");
        let v = s
            .ok(
                &cmd("get_joined_group_list"),
                json!({"Member_Account": "o", field: "Public"}),
            )
            .await;
        assert_eq!(v["GroupIdList"], json!([{"GroupId": "pub"}]), "{field}");
    }
    s.fails(
        &cmd("get_appid_group_list"),
        json!({"GroupType": "Public", "Type": "Public"}),
        10004,
    )
    .await;
    for field in ["OnlineOnlyFlag", "MsgOnlineOnlyFlag"] {
        s.ok(
            &cmd("send_group_msg"),
            json!({"GroupId": "pub", "Random": 1, "MsgBody": crate::groups::text("x"), field: 1}),
        )
        .await;
    }
    let v = s
        .ok(
            &cmd("get_group_info"),
            json!({"GroupIdList": ["pub"], "ResponseFilter": {"GroupBaseInfoFilter": ["NextMsgSeq"]}}),
        )
        .await;
    assert_eq!(
        v["GroupInfo"][0]["NextMsgSeq"], 1,
        "online-only messages get no seq"
    );
}
both!(go_sdk_names);
