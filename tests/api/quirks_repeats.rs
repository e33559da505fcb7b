//! Client quirk: a destructive request sent twice (a retry after a timeout, a replayed job). The
//! repeat answers what Tencent answers — a specific code where Tencent has one — and changes
//! nothing (docs/compat.md, "Client quirks").

use serde_json::json;

use crate::both;
use crate::common::*;
use crate::groups::{cmd, send, text};

async fn group(s: &TestServer) {
    s.import_accounts(&["o", "m", "n"]).await;
    s.ok(
        &cmd("create_group"),
        json!({"Owner_Account": "o", "Type": "Public", "Name": "n", "GroupId": "g",
               "MemberList": [{"Member_Account": "m"}, {"Member_Account": "n"}]}),
    )
    .await;
}

async fn group_message_repeats(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    group(&s).await;
    send(&s, "g", "m", 1).await;
    send(&s, "g", "n", 2).await;
    let recall = json!({"GroupId": "g", "MsgSeqList": [{"MsgSeq": 1}]});
    let v = s.ok(&cmd("group_msg_recall"), recall.clone()).await;
    assert_eq!(v["RecallRetList"], json!([{"MsgSeq": 1, "RetCode": 0}]));
    let v = s.ok(&cmd("group_msg_recall"), recall).await;
    assert_eq!(
        v["RecallRetList"],
        json!([{"MsgSeq": 1, "RetCode": 10030}]),
        "a recalled message is not recalled again"
    );
    let by_sender = json!({"GroupId": "g", "Sender_Account": "n"});
    s.ok(&cmd("delete_group_msg_by_sender"), by_sender.clone())
        .await;
    s.ok(&cmd("delete_group_msg_by_sender"), by_sender).await;
    let v = s
        .ok(
            &cmd("group_msg_recall"),
            json!({"GroupId": "g", "MsgSeqList": [{"MsgSeq": 2}]}),
        )
        .await;
    assert_eq!(
        v["RecallRetList"],
        json!([{"MsgSeq": 2, "RetCode": 10030}]),
        "a deleted message cannot be recalled"
    );
    let v = s
        .ok(
            &cmd("group_msg_get_simple"),
            json!({"GroupId": "g", "ReqMsgNumber": 2}),
        )
        .await;
    let places: Vec<_> = v["RspMsgList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["MsgSeq"].clone(), m["IsPlaceMsg"].clone()))
        .collect();
    assert_eq!(places, vec![(json!(2), json!(1)), (json!(1), json!(2))]);
}
both!(group_message_repeats);

async fn group_member_and_group_repeats(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    group(&s).await;
    let del = json!({"GroupId": "g", "MemberToDel_Account": ["n"]});
    s.ok(&cmd("delete_group_member"), del.clone()).await;
    s.ok(&cmd("delete_group_member"), del).await;
    let v = s
        .ok(&cmd("get_group_member_info"), json!({"GroupId": "g"}))
        .await;
    assert_eq!(v["MemberNum"], 2);
    let unmute = json!({"GroupId": "g", "Members_Account": ["m"], "ShutUpTime": 0});
    s.ok(&cmd("forbid_send_msg"), unmute.clone()).await;
    s.ok(&cmd("forbid_send_msg"), unmute).await;
    s.ok(&cmd("destroy_group"), json!({"GroupId": "g"})).await;
    s.fails(&cmd("destroy_group"), json!({"GroupId": "g"}), 10010)
        .await;
}
both!(group_member_and_group_repeats);

async fn c2c_and_account_repeats(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b", "z"]).await;
    let v = s
        .ok(
            "openim/sendmsg",
            json!({"From_Account": "a", "To_Account": "b", "MsgRandom": 5, "MsgBody": text("x")}),
        )
        .await;
    let withdraw = json!({"From_Account": "a", "To_Account": "b", "MsgKey": v["MsgKey"]});
    s.ok("openim/admin_msgwithdraw", withdraw.clone()).await;
    s.fails("openim/admin_msgwithdraw", withdraw, 20023).await;
    let del = json!({"From_Account": "a", "Type": 1, "To_Account": "b"});
    s.ok("recentcontact/delete", del.clone()).await;
    s.ok("recentcontact/delete", del).await;
    let v = s
        .ok(
            "recentcontact/get_list",
            json!({"From_Account": "a", "TimeStamp": 0, "StartIndex": 0,
                   "TopTimeStamp": 0, "TopStartIndex": 0, "AssistFlags": 7}),
        )
        .await;
    assert_eq!(v["SessionItem"], json!([]));
    s.ok("im_open_login_svc/kick", json!({"UserID": "a"})).await;
    s.ok("im_open_login_svc/kick", json!({"UserID": "a"})).await;
    let del = json!({"DeleteItem": [{"UserID": "z"}]});
    let v = s.ok("im_open_login_svc/account_delete", del.clone()).await;
    assert_eq!(v["ResultItem"][0]["ResultCode"], 0);
    let v = s.ok("im_open_login_svc/account_delete", del).await;
    assert_eq!(v["ResultItem"][0]["ResultCode"], 70107);
    assert_eq!(v["ResultItem"][0]["UserID"], "z");
}
both!(c2c_and_account_repeats);

async fn sns_repeats(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b", "c"]).await;
    s.ok(
        "sns/friend_add",
        json!({"From_Account": "a", "ForceAddFlags": 1,
               "AddFriendItem": [{"To_Account": "b", "AddSource": "AddSource_Type_X"}]}),
    )
    .await;
    s.ok(
        "sns/group_add",
        json!({"From_Account": "a", "GroupName": ["L"]}),
    )
    .await;
    let del = json!({"From_Account": "a", "To_Account": ["b"], "DeleteType": "Delete_Type_Both"});
    let v = s.ok("sns/friend_delete", del.clone()).await;
    assert_eq!(v["ResultItem"][0]["ResultCode"], 0);
    let v = s.ok("sns/friend_delete", del).await;
    assert_eq!(v["ResultItem"][0]["ResultCode"], 31704);
    assert_eq!(v["Fail_Account"], json!(["b"]));
    s.ok("sns/friend_delete_all", json!({"From_Account": "a"}))
        .await;
    s.ok("sns/friend_delete_all", json!({"From_Account": "a"}))
        .await;
    let block = json!({"From_Account": "a", "To_Account": ["c"]});
    let v = s.ok("sns/black_list_add", block.clone()).await;
    assert_eq!(v["ResultItem"][0]["ResultCode"], 0);
    let v = s.ok("sns/black_list_add", block).await;
    assert_eq!(
        v["ResultItem"][0]["ResultCode"], 30001,
        "Tencent's sample: Err_SNS_BlackListAdd_Already_Exist"
    );
    let unblock = json!({"From_Account": "a", "To_Account": ["c"]});
    let v = s.ok("sns/black_list_delete", unblock.clone()).await;
    assert_eq!(v["ResultItem"][0]["ResultCode"], 0);
    let v = s.ok("sns/black_list_delete", unblock).await;
    assert_eq!(v["ResultItem"][0]["ResultCode"], 30001);
    assert_eq!(v["Fail_Account"], json!(["c"]));
    let lists = json!({"From_Account": "a", "LastSequence": 0});
    let before = s.ok("sns/group_get", lists.clone()).await;
    assert_eq!(
        before["ResultItem"],
        json!([{"GroupName": "L", "FriendNumber": 0}])
    );
    let drop = json!({"From_Account": "a", "GroupName": ["L"]});
    s.ok("sns/group_delete", drop.clone()).await;
    let after = s.ok("sns/group_get", lists.clone()).await;
    s.fails("sns/group_delete", drop, 30001).await;
    s.fails(
        "sns/group_delete",
        json!({"From_Account": "a", "GroupName": ["L", "M"]}),
        30001,
    )
    .await;
    assert_eq!(s.ok("sns/group_get", lists).await, after, "nothing changed");
    assert_eq!(after["ResultItem"], json!([]));
}
both!(sns_repeats);
