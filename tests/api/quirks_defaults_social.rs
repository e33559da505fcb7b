//! Client quirk, continued: SDK defaults in one-to-one messages and relationships, and the
//! required fields whose zero values are refused (docs/compat.md, "Client quirks").

use serde_json::json;

use crate::both;
use crate::common::*;
use crate::groups::text;
use crate::quirks_defaults::{same, without};

async fn c2c_defaults(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b"]).await;
    let body = text("hi");
    let v = s
        .ok(
            "openim/sendmsg",
            json!({"From_Account": "a", "To_Account": "b", "MsgRandom": 1, "MsgBody": body,
                   "SyncOtherMachine": 0, "OnlineOnlyFlag": 0, "CloudCustomData": "",
                   "SendMsgControl": [], "ForbidCallbackControl": [], "OfflinePushInfo": {},
                   "IsNeedReadReceipt": 0, "SupportMessageExtension": 0}),
        )
        .await;
    assert!(v["MsgKey"].as_str().is_some());
    let v = s
        .call(
            "openim/batchsendmsg",
            json!({"From_Account": "", "To_Account": ["b"], "MsgRandom": 2, "MsgBody": body,
                   "SyncOtherMachine": 0, "SendMsgControl": [], "IsNeedReadReceipt": 0}),
        )
        .await;
    assert_eq!(v["ErrorCode"], 0, "{v}");
    assert_eq!(v["ActionStatus"], "OK");
    let unread = same(
        &s,
        "openim/get_c2c_unread_msg_num",
        json!({"To_Account": "b"}),
        json!({"To_Account": "b", "Peer_Account": []}),
    )
    .await;
    assert_eq!(unread["AllC2CUnreadMsgNum"], 2);
    let roam = json!({"Operator_Account": "a", "Peer_Account": "b", "MaxCnt": 10,
        "MinTime": 0, "MaxTime": s.now()});
    let mut roam_defaults = roam.clone();
    roam_defaults["LastMsgKey"] = json!("");
    let v = same(&s, "openim/admin_getroammsg", roam, roam_defaults).await;
    assert_eq!(
        v["MsgCnt"], 1,
        "the sender's copy is kept (SyncOtherMachine 0 = 1)"
    );
    // `MsgReadTime: 0` marks up to now, as when it is absent.
    s.ok(
        "openim/admin_set_msg_read",
        json!({"Report_Account": "b", "Peer_Account": "a", "MsgReadTime": 0}),
    )
    .await;
    let v = s
        .ok(
            "openim/get_c2c_unread_msg_num",
            json!({"To_Account": "b", "Peer_Account": ["a"]}),
        )
        .await;
    assert_eq!(v["C2CUnreadMsgNumList"][0]["C2CUnreadMsgNum"], 0);
}
both!(c2c_defaults);

async fn sns_defaults(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b", "c"]).await;
    let v = s
        .ok(
            "sns/friend_add",
            json!({"From_Account": "a", "AddType": "", "ForceAddFlags": 1,
                   "AddFriendItem": [{"To_Account": "b", "Remark": "", "GroupName": "",
                                      "AddSource": "AddSource_Type_X", "AddWording": ""}]}),
        )
        .await;
    assert_eq!(v["ResultItem"][0]["ResultCode"], 0);
    let check =
        json!({"From_Account": "b", "To_Account": ["a"], "CheckType": "CheckResult_Type_Both"});
    let v = s.ok("sns/friend_check", check.clone()).await;
    assert_eq!(
        v["InfoItem"][0]["Relation"], "CheckResult_Type_BothWay",
        "AddType \"\" is Add_Type_Both"
    );
    let v = s
        .ok(
            "sns/friend_import",
            json!({"From_Account": "a", "AddFriendItem": [{"To_Account": "c",
                   "AddSource": "AddSource_Type_X", "Remark": "", "RemarkTime": 0,
                   "GroupName": [], "AddWording": "", "AddTime": 0, "CustomItem": []}]}),
        )
        .await;
    assert_eq!(v["ResultItem"][0]["ResultCode"], 0);
    let v = s
        .ok(
            "sns/friend_get_list",
            json!({"From_Account": "a", "To_Account": ["c"], "TagList": ["Tag_SNS_IM_AddTime"]}),
        )
        .await;
    assert_eq!(
        v["InfoItem"][0]["SnsProfileItem"][0]["Value"],
        s.now(),
        "AddTime 0 is now"
    );
    s.ok(
        "sns/friend_delete",
        json!({"From_Account": "a", "To_Account": ["b"], "DeleteType": ""}),
    )
    .await;
    let v = s.ok("sns/friend_check", check).await;
    assert_eq!(
        v["InfoItem"][0]["Relation"], "CheckResult_Type_AWithB",
        "DeleteType \"\" is Delete_Type_Single, the default: b keeps a"
    );
    s.ok(
        "sns/friend_delete_all",
        json!({"From_Account": "a", "DeleteType": ""}),
    )
    .await;
    let v = s
        .ok(
            "sns/friend_get",
            json!({"From_Account": "a", "StartIndex": 0}),
        )
        .await;
    assert_eq!(v["FriendNum"], 0);
}
both!(sns_defaults);

/// sns/group_add: `To_Account: []` names no friends, so the answer has no per-friend items.
async fn friend_list_defaults(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a"]).await;
    let plain = s
        .ok(
            "sns/group_add",
            json!({"From_Account": "a", "GroupName": ["L1"]}),
        )
        .await;
    let defaults = s
        .ok(
            "sns/group_add",
            json!({"From_Account": "a", "GroupName": ["L2"], "To_Account": []}),
        )
        .await;
    assert_eq!(
        without(&plain, &["CurrentSequence"]),
        without(&defaults, &["CurrentSequence"])
    );
    assert!(defaults.get("ResultItem").is_none(), "{defaults}");
}
both!(friend_list_defaults);

/// Fields Tencent's pages mark required have no default to stand for: their zero values are
/// refused, and nothing changes (these are reads).
async fn required_defaults_refused(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b"]).await;
    let to = json!(["b"]);
    for (command, body, code) in [
        (
            "sns/friend_check",
            json!({"From_Account": "a", "To_Account": to, "CheckType": ""}),
            30001,
        ),
        (
            "sns/black_list_check",
            json!({"From_Account": "a", "To_Account": to, "CheckType": ""}),
            30001,
        ),
        (
            "sns/black_list_get",
            json!({"From_Account": "a", "StartIndex": 0, "MaxLimited": 0,
            "LastSequence": 0}),
            30001,
        ),
        (
            "profile/portrait_get",
            json!({"To_Account": to, "TagList": []}),
            40001,
        ),
        (
            "openim/admin_getroammsg",
            json!({"Operator_Account": "a", "Peer_Account": "b",
            "MaxCnt": 0, "MinTime": 0, "MaxTime": s.now()}),
            90001,
        ),
    ] {
        s.fails(command, body, code).await;
    }
    // MsgLifeTime 0 is a value (Tencent: online users only): answered, not stored.
    let v = s
        .ok(
            "openim/sendmsg",
            json!({"From_Account": "a", "To_Account": "b", "MsgRandom": 1, "MsgBody": text("x"),
                   "MsgLifeTime": 0}),
        )
        .await;
    assert!(v["MsgKey"].as_str().is_some());
    let v = s
        .ok("openim/get_c2c_unread_msg_num", json!({"To_Account": "b"}))
        .await;
    assert_eq!(v["AllC2CUnreadMsgNum"], 0);
}
both!(required_defaults_refused);

/// PHP clients (zishang520/tim, say) send every optional parameter, `null` when unset: `null`
/// reads as absent everywhere.
async fn nulls_read_as_absent(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b"]).await;
    s.ok(
        "im_open_login_svc/account_import",
        json!({"Identifier": "c", "Nick": null, "FaceUrl": null}),
    )
    .await;
    let v = s
        .ok(
            "openim/sendmsg",
            json!({"SyncOtherMachine": null, "From_Account": "a", "To_Account": "b",
                   "MsgLifeTime": null, "MsgRandom": 3, "MsgTimeStamp": null,
                   "ForbidCallbackControl": null, "MsgBody": text("x"), "OfflinePushInfo": null}),
        )
        .await;
    assert!(v["MsgKey"].as_str().is_some());
    let v = s
        .call(
            "openim/batchsendmsg",
            json!({"SyncOtherMachine": null, "From_Account": null, "To_Account": ["b"],
                   "MsgRandom": 4, "MsgBody": text("y"), "OfflinePushInfo": null}),
        )
        .await;
    assert_eq!(v["ErrorCode"], 0, "{v}");
    let v = same(
        &s,
        "openim/get_c2c_unread_msg_num",
        json!({"To_Account": "b"}),
        json!({"To_Account": "b", "Peer_Account": null}),
    )
    .await;
    assert_eq!(v["AllC2CUnreadMsgNum"], 2, "stored and counted");
    same(
        &s,
        "openim/admin_getroammsg",
        json!({"From_Account": "a", "To_Account": "b", "MaxCnt": 5, "MinTime": 0,
               "MaxTime": s.now()}),
        json!({"From_Account": "a", "To_Account": "b", "MaxCnt": 5, "MinTime": 0,
               "MaxTime": s.now(), "LastMsgKey": null}),
    )
    .await;
    s.ok(
        "openim/admin_set_msg_read",
        json!({"Report_Account": "b", "Peer_Account": "a", "MsgReadTime": null}),
    )
    .await;
    let v = s
        .ok(
            "openim/get_c2c_unread_msg_num",
            json!({"To_Account": "b", "Peer_Account": ["a"]}),
        )
        .await;
    assert_eq!(v["C2CUnreadMsgNumList"][0]["C2CUnreadMsgNum"], 0);
    s.ok(
        "openim/querystate",
        json!({"To_Account": ["a"], "IsNeedDetail": null}),
    )
    .await;
}
both!(nulls_read_as_absent);
