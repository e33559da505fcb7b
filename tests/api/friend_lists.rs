//! Friend lists (`sns/group_add`, `group_delete`, `group_get`): lists that hold friends, their
//! sequence, and the requests they refuse.

use serde_json::{Value, json};

use crate::both;
use crate::common::*;
use crate::friends::{import, item};

async fn friend_lists_hold_friends(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    s.import_accounts(&["a", "b", "c", "d"]).await;
    import(
        &s,
        "a",
        json!([item("b"), {"To_Account": "c", "AddSource": "AddSource_Type_X",
            "GroupName": ["school"]}]),
    )
    .await;
    let v = s
        .ok(
            "sns/group_add",
            json!({"From_Account": "a", "GroupName": ["work", "close"], "To_Account": ["b", "d"]}),
        )
        .await;
    assert_eq!(v["ResultItem"][0]["ResultCode"], 0);
    assert_eq!(v["ResultItem"][1]["ResultCode"], 32216);
    assert_eq!(v["Fail_Account"], json!(["d"]));
    let seq = v["CurrentSequence"].clone();
    let get = |last: &Value| json!({"From_Account": "a", "LastSequence": last, "NeedFriend": "Need_Friend_Type_Yes"});
    let v = s.ok("sns/group_get", get(&json!(0))).await;
    assert_eq!(v["CurrentSequence"], seq);
    assert_eq!(
        v["ResultItem"],
        json!([
            {"GroupName": "close", "FriendNumber": 1, "To_Account": ["b"]},
            {"GroupName": "school", "FriendNumber": 1, "To_Account": ["c"]},
            {"GroupName": "work", "FriendNumber": 1, "To_Account": ["b"]},
        ])
    );
    let v = s.ok("sns/group_get", get(&seq)).await;
    assert_eq!(v["ResultItem"], json!([]), "nothing changed since");
    // A name that is no list fails the whole call (named in ErrorInfo); the lists before it
    // in the request are not deleted, nor left by their friends.
    let v = s
        .call(
            "sns/group_delete",
            json!({"From_Account": "a", "GroupName": ["work", "nope", "close"]}),
        )
        .await;
    assert_eq!(v["ErrorCode"], 30001, "{v}");
    assert!(v["ErrorInfo"].as_str().unwrap().contains("nope"), "{v}");
    let v = s.ok("sns/group_get", get(&seq)).await;
    assert_eq!(
        v["ResultItem"],
        json!([]),
        "nothing changed by the failed delete"
    );
    let v = s
        .ok(
            "sns/group_delete",
            json!({"From_Account": "a", "GroupName": ["work"]}),
        )
        .await;
    assert_ne!(v["CurrentSequence"], seq);
    let v = s
        .ok(
            "sns/group_get",
            json!({"From_Account": "a", "LastSequence": 0, "GroupName": ["close", "work"]}),
        )
        .await;
    assert_eq!(
        v["ResultItem"],
        json!([{"GroupName": "close", "FriendNumber": 1}])
    );
    let v = s
        .ok(
            "sns/friend_get_list",
            json!({"From_Account": "a", "To_Account": ["b"], "TagList": ["Tag_SNS_IM_Group"]}),
        )
        .await;
    assert_eq!(
        v["InfoItem"][0]["SnsProfileItem"][0]["Value"],
        json!(["close"])
    );
}
both!(friend_lists_hold_friends);

async fn friend_lists_refuse_bad_input(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    s.import_accounts(&["a"]).await;
    // Two lists already: 31 more pass the limit of 32.
    s.ok(
        "sns/group_add",
        json!({"From_Account": "a", "GroupName": ["close", "school"]}),
    )
    .await;
    let many: Vec<String> = (0..31).map(|i| format!("l{i}")).collect();
    s.fails(
        "sns/group_add",
        json!({"From_Account": "a", "GroupName": many}),
        30011,
    )
    .await;
    s.fails(
        "sns/group_add",
        json!({"From_Account": "a", "GroupName": [""]}),
        30001,
    )
    .await;
    s.fails("sns/group_get", json!({"From_Account": "a"}), 30001)
        .await;
}
both!(friend_lists_refuse_bad_input);
