//! Client quirk: SDKs serialise every optional field with its default (`""`, `0`, `[]`, `{}`,
//! `null`). Where Tencent reads such a default as "not given", a request carrying it behaves
//! exactly like one without it; where the default is a value, it is kept (docs/compat.md,
//! "Client quirks").

use serde_json::{Value, json};

use crate::both;
use crate::common::*;
use crate::groups::{cmd, send, text};

/// `v` without the given top-level keys (answers of two twin objects differ only there).
pub fn without(v: &Value, keys: &[&str]) -> Value {
    let mut v = v.clone();
    if let Some(o) = v.as_object_mut() {
        for k in keys {
            o.remove(*k);
        }
    }
    v
}

/// Asserts that two calls answer alike, and returns the answer.
pub async fn same(s: &TestServer, command: &str, plain: Value, defaults: Value) -> Value {
    let a = s.ok(command, plain).await;
    let b = s.ok(command, defaults).await;
    assert_eq!(a, b, "{command}: defaults must read as absent");
    a
}

async fn nick(s: &TestServer, user: &str) -> Value {
    let v = s
        .ok(
            "profile/portrait_get",
            json!({"To_Account": [user], "TagList": ["Tag_Profile_IM_Nick"]}),
        )
        .await;
    v["UserProfileItem"][0]["ProfileItem"][0]["Value"].clone()
}

async fn account_defaults(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let login = "im_open_login_svc";
    s.ok(
        &format!("{login}/account_import"),
        json!({"UserID": "x", "Nick": "Nick"}),
    )
    .await;
    // A re-import with `Nick: ""` keeps the stored nick, as one without Nick does.
    s.ok(
        &format!("{login}/account_import"),
        json!({"UserID": "", "Identifier": "x", "Nick": "", "FaceUrl": ""}),
    )
    .await;
    assert_eq!(nick(&s, "x").await, "Nick");
    s.ok(
        &format!("{login}/kick"),
        json!({"UserID": "", "Identifier": "x"}),
    )
    .await;
    let v = s
        .ok(
            &format!("{login}/multiaccount_import"),
            json!({"Accounts": [], "AccountList": [{"UserID": "y", "Nick": "", "FaceUrl": ""}]}),
        )
        .await;
    assert_eq!(v["FailAccounts"], json!([]));
    let v = s
        .ok(
            &format!("{login}/multiaccount_import"),
            json!({"Accounts": ["z"], "AccountList": []}),
        )
        .await;
    assert_eq!(v["FailAccounts"], json!([]));
    let v = s
        .ok(
            &format!("{login}/account_check"),
            json!({"CheckItem": [{"UserID": "y"}, {"UserID": "z"}]}),
        )
        .await;
    assert_eq!(v["ResultItem"][0]["AccountStatus"], "Imported");
    assert_eq!(v["ResultItem"][1]["AccountStatus"], "Imported");
}
both!(account_defaults);

/// create_group and import_group with every optional field at its default (or null) make the
/// group one without them makes.
async fn new_group_defaults(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["o", "m"]).await;
    let member = json!([{"Member_Account": "m"}]);
    let plain = json!({"Owner_Account": "o", "Type": "Public", "Name": "n", "MemberList": member});
    let defaults = json!({"Owner_Account": "o", "Type": "Public", "Name": "n", "GroupId": "",
        "Introduction": "", "Notification": "", "FaceUrl": "", "MaxMemberCount": 0,
        "ApplyJoinOption": "", "AppDefinedData": [], "SupportTopic": 0,
        "MemberList": [{"Member_Account": "m", "Role": "", "AppMemberDefinedData": []}]});
    let nulls = json!({"Owner_Account": "o", "Type": "Public", "Name": "n", "GroupId": null,
        "Introduction": null, "MaxMemberCount": null, "ApplyJoinOption": null,
        "AppDefinedData": null, "MemberList": [{"Member_Account": "m", "Role": null}]});
    let ownerless = json!({"Owner_Account": "", "Type": "Public", "Name": "n"});
    let mut infos = Vec::new();
    for body in [plain, defaults, nulls] {
        let id = s.ok(&cmd("create_group"), body).await["GroupId"].clone();
        let v = s
            .ok(&cmd("get_group_info"), json!({"GroupIdList": [id]}))
            .await;
        infos.push(without(&v["GroupInfo"][0], &["GroupId"]));
    }
    assert_eq!(infos[0], infos[1]);
    assert_eq!(infos[0], infos[2]);
    assert_eq!(infos[0]["MaxMemberNum"], 2000);
    assert_eq!(infos[0]["ApplyJoinOption"], "NeedPermission");
    assert_eq!(infos[0]["MemberList"][1]["Role"], "Member");
    let id = s.ok(&cmd("create_group"), ownerless).await["GroupId"].clone();
    let v = s
        .ok(&cmd("get_group_info"), json!({"GroupIdList": [id]}))
        .await;
    assert_eq!(v["GroupInfo"][0]["Owner_Account"], "");
    assert_eq!(v["GroupInfo"][0]["MemberNum"], 0);
    // import_group: `CreateTime: 0` is "now", as when it is absent.
    for (id, extra) in [("i1", json!({})), ("i2", json!({"CreateTime": 0}))] {
        let mut body = json!({"Owner_Account": "o", "Type": "Public", "Name": "n", "GroupId": id,
            "MaxMemberCount": 0, "ApplyJoinOption": ""});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        s.ok(&cmd("import_group"), body).await;
    }
    let v = s
        .ok(&cmd("get_group_info"), json!({"GroupIdList": ["i1", "i2"]}))
        .await;
    let (a, b) = (&v["GroupInfo"][0], &v["GroupInfo"][1]);
    assert_eq!(without(a, &["GroupId"]), without(b, &["GroupId"]));
    assert_eq!(b["CreateTime"], s.now());
}
both!(new_group_defaults);

/// Accounts o, m, n and the Public group g (owner o, member m, an introduction).
async fn group_g(s: &TestServer) {
    s.import_accounts(&["o", "m", "n"]).await;
    s.ok(
        &cmd("create_group"),
        json!({"Owner_Account": "o", "Type": "Public", "Name": "n", "GroupId": "g",
               "Introduction": "intro", "MemberList": [{"Member_Account": "m"}]}),
    )
    .await;
}

async fn group_reads_default(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    group_g(&s).await;
    send(&s, "g", "m", 1).await;
    send(&s, "g", "o", 2).await;
    let v = same(
        &s,
        &cmd("get_group_info"),
        json!({"GroupIdList": ["g"]}),
        json!({"GroupIdList": ["g"], "ResponseFilter": {}}),
    )
    .await;
    assert_eq!(v["GroupInfo"][0]["MemberList"][1]["Role"], "Member");
    let empty = json!({"GroupBaseInfoFilter": [], "MemberInfoFilter": [],
        "AppDefinedDataFilter_Group": [], "AppDefinedDataFilter_GroupMember": []});
    same(
        &s,
        &cmd("get_group_info"),
        json!({"GroupIdList": ["g"]}),
        json!({"GroupIdList": ["g"], "ResponseFilter": empty}),
    )
    .await;
    let v = same(
        &s,
        &cmd("get_group_info"),
        json!({"GroupIdList": ["g"], "ResponseFilter": {"GroupBaseInfoFilter": ["Name"]}}),
        json!({"GroupIdList": ["g"], "ResponseFilter": {"GroupBaseInfoFilter": ["Name"],
               "MemberInfoFilter": []}}),
    )
    .await;
    assert!(v["GroupInfo"][0].get("MemberList").is_none(), "{v}");
    let v = same(
        &s,
        &cmd("get_group_member_info"),
        json!({"GroupId": "g"}),
        json!({"GroupId": "g", "MemberInfoFilter": [], "MemberRoleFilter": [],
               "AppDefinedDataFilter_GroupMember": [], "Limit": 0, "Offset": 0}),
    )
    .await;
    assert_eq!(v["MemberList"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["MemberList"][0]["Role"], "Owner");
    // What the Go server SDK sends when nothing is set.
    same(
        &s,
        &cmd("get_group_member_info"),
        json!({"GroupId": "g"}),
        json!({"GroupId": "g", "MemberInfoFilter": null, "MemberRoleFilter": null,
               "AppDefinedDataFilter_GroupMember": null, "Limit": 0, "Offset": 0}),
    )
    .await;
}
both!(group_reads_default);

/// Listing and history reads with every optional field at its default answer as without them.
async fn group_list_reads_default(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    group_g(&s).await;
    send(&s, "g", "m", 1).await;
    send(&s, "g", "o", 2).await;
    let v = same(
        &s,
        &cmd("get_joined_group_list"),
        json!({"Member_Account": "m"}),
        json!({"Member_Account": "m", "WithHugeGroups": 0, "WithNoActiveGroups": 0, "Limit": 0,
               "Offset": 0, "GroupType": "", "SupportTopic": 0,
               "ResponseFilter": {"GroupBaseInfoFilter": [], "SelfInfoFilter": []}}),
    )
    .await;
    assert_eq!(v["GroupIdList"], json!([{"GroupId": "g"}]));
    let v = same(
        &s,
        &cmd("get_appid_group_list"),
        json!({}),
        json!({"Limit": 0, "Next": 0, "GroupType": ""}),
    )
    .await;
    assert_eq!(v["GroupIdList"], json!([{"GroupId": "g"}]));
    let v = same(
        &s,
        &cmd("group_msg_get_simple"),
        json!({"GroupId": "g", "ReqMsgNumber": 5}),
        json!({"GroupId": "g", "ReqMsgNumber": 5, "ReqMsgSeq": 0, "WithRecalledMsg": 0}),
    )
    .await;
    assert_eq!(v["RspMsgList"].as_array().map(Vec::len), Some(2));
}
both!(group_list_reads_default);

/// Writes whose defaults name nothing change nothing.
async fn group_writes_default(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    group_g(&s).await;
    let get_info = cmd("get_group_info");
    let info = || s.ok(&get_info, json!({"GroupIdList": ["g"]}));
    let before = info().await;
    s.ok(
        &cmd("modify_group_base_info"),
        json!({"GroupId": "g", "Name": "", "MaxMemberNum": 0, "ApplyJoinOption": "",
               "ShutUpAllMember": "", "MuteAllMember": "", "AppDefinedData": []}),
    )
    .await;
    s.ok(
        &cmd("modify_group_member_info"),
        json!({"GroupId": "g", "Member_Account": "m", "Role": "", "MsgFlag": "",
               "AppMemberDefinedData": []}),
    )
    .await;
    assert_eq!(info().await, before, "defaults changed nothing");
    let v = s
        .ok(
            &cmd("import_group_member"),
            json!({"GroupId": "g", "MemberList": [
                {"Member_Account": "n", "Role": "", "JoinTime": 0, "UnreadMsgNum": 0}]}),
        )
        .await;
    assert_eq!(v["MemberList"][0]["Result"], 1);
    let v = s
        .ok(
            &cmd("get_group_member_info"),
            json!({"GroupId": "g", "MemberRoleFilter": ["Member"]}),
        )
        .await;
    assert_eq!(v["MemberList"][1]["Member_Account"], "n");
    assert_eq!(v["MemberList"][1]["Role"], "Member");
    assert_eq!(v["MemberList"][1]["JoinTime"], s.now());
}
both!(group_writes_default);

/// Sends with defaults (or, as PHP clients send them, nulls) are sends without them.
async fn group_sends_default(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    group_g(&s).await;
    let sent = s
        .ok(
            &cmd("send_group_msg"),
            json!({"GroupId": "g", "Random": 7, "MsgBody": text("x"), "From_Account": "",
                   "MsgPriority": "", "OfflinePushInfo": {}, "ForbidCallbackControl": [],
                   "OnlineOnlyFlag": 0, "SendMsgControl": [], "CloudCustomData": "",
                   "GroupAtInfo": []}),
        )
        .await;
    assert_eq!(sent["MsgSeq"], 1);
    let v = s
        .ok(
            &cmd("group_msg_get_simple"),
            json!({"GroupId": "g", "ReqMsgNumber": 1}),
        )
        .await;
    assert_eq!(v["RspMsgList"][0]["From_Account"], ADMIN);
    // `ToMembers_Account: []` is every member (the page: "empty or absent: everyone"); a
    // notification leaves nothing to read back but its answer.
    s.ok(
        &cmd("send_group_system_notification"),
        json!({"GroupId": "g", "Content": "c", "ToMembers_Account": []}),
    )
    .await;
    // PHP clients send `null` for every unset parameter.
    let v = s
        .ok(
            &cmd("send_group_msg"),
            json!({"GroupId": "g", "Random": 8, "MsgPriority": null, "MsgBody": text("y"),
                   "From_Account": null, "OfflinePushInfo": null, "ForbidCallbackControl": null,
                   "OnlineOnlyFlag": null}),
        )
        .await;
    assert_eq!(v["MsgSeq"], 2);
    same(
        &s,
        &cmd("get_joined_group_list"),
        json!({"Member_Account": "m"}),
        json!({"Member_Account": "m", "WithHugeGroups": null, "WithNoActiveGroups": null,
               "Limit": null, "Offset": null, "GroupType": null, "ResponseFilter": null}),
    )
    .await;
}
both!(group_sends_default);

/// Defaults that are values: an empty Introduction clears it; ShutUpTime 0 unmutes.
async fn group_values_kept(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["o", "m"]).await;
    s.ok(
        &cmd("create_group"),
        json!({"Owner_Account": "o", "Type": "Public", "Name": "n", "GroupId": "g",
               "Introduction": "intro", "MemberList": [{"Member_Account": "m"}]}),
    )
    .await;
    let get_info = cmd("get_group_info");
    let info = || s.ok(&get_info, json!({"GroupIdList": ["g"]}));
    s.ok(
        &cmd("modify_group_base_info"),
        json!({"GroupId": "g", "Introduction": ""}),
    )
    .await;
    assert_eq!(info().await["GroupInfo"][0]["Introduction"], "");
    let card = |c: &str| json!({"GroupId": "g", "Member_Account": "m", "NameCard": c});
    s.ok(&cmd("modify_group_member_info"), card("card")).await;
    s.ok(&cmd("modify_group_member_info"), card("")).await;
    let v = s
        .ok(
            &cmd("get_group_member_info"),
            json!({"GroupId": "g", "MemberInfoFilter": ["NameCard"], "MemberRoleFilter": ["Member"]}),
        )
        .await;
    assert_eq!(v["MemberList"][0]["NameCard"], "");
    s.ok(
        &cmd("forbid_send_msg"),
        json!({"GroupId": "g", "Members_Account": ["m"], "ShutUpTime": 60}),
    )
    .await;
    s.ok(
        &cmd("modify_group_member_info"),
        json!({"GroupId": "g", "Member_Account": "m", "ShutUpTime": 0}),
    )
    .await;
    let v = s
        .ok(&cmd("get_group_shutted_uin"), json!({"GroupId": "g"}))
        .await;
    assert_eq!(v["ShuttedUinList"], json!([]));
}
both!(group_values_kept);
