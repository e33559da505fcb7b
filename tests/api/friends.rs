//! The relationship chain (`sns`): importing friends (one direction each, per-item failures),
//! checking relations both ways, paging friends with their data, and account_delete.

use serde_json::{Value, json};

use crate::blocklist::codes;
use crate::both;
use crate::common::*;

pub fn item(to: &str) -> Value {
    json!({"To_Account": to, "AddSource": "AddSource_Type_Import"})
}

pub async fn import(s: &TestServer, owner: &str, items: Value) -> Value {
    s.ok(
        "sns/friend_import",
        json!({"From_Account": owner, "AddFriendItem": items}),
    )
    .await
}

/// `From_Account`'s relation with each of `to`, as friend_check answers them.
pub async fn relations(s: &TestServer, owner: &str, to: &[&str], check: &str) -> Vec<String> {
    let v = s
        .ok(
            "sns/friend_check",
            json!({"From_Account": owner, "To_Account": to, "CheckType": check}),
        )
        .await;
    v["InfoItem"]
        .as_array()
        .expect("InfoItem")
        .iter()
        .map(|i| i["Relation"].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn imports_are_one_way_and_fail_per_item(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    s.import_accounts(&["a", "b", "c", "d"]).await;
    let v = import(
        &s,
        "a",
        json!([
            {"To_Account": "b", "AddSource": "AddSource_Type_Android", "Remark": "bee",
             "GroupName": ["work", "close"], "AddTime": 1600000000,
             "CustomItem": [{"Tag": "Tag_SNS_Custom_Level", "Value": "gold"}]},
            item("c"),
            item("nobody"),
            item("a"),
            {"To_Account": "d", "AddSource": "Android"},
            {"To_Account": "d"},
            {"To_Account": "d", "AddSource": "AddSource_Type_X", "Remark": "r".repeat(97)},
            {"To_Account": "d", "AddSource": "AddSource_Type_X", "GroupName": [""]},
            {"To_Account": "d", "AddSource": "AddSource_Type_X",
             "CustomItem": [{"Tag": "Tag_SNS_IM_Bogus", "Value": "x"}]},
        ]),
    )
    .await;
    let codes = codes(&v, "ResultItem");
    assert_eq!(
        codes,
        [0, 0, 30003, 30001, 30001, 30001, 30001, 30001, 30001]
    );
    assert_eq!(v["ResultItem"][2]["To_Account"], "nobody");
    assert_eq!(
        v["Fail_Account"],
        json!(["nobody", "a", "d", "d", "d", "d", "d"])
    );
    assert_eq!(v["ErrorDisplay"], "");
    // One way: a has b and c; b and c do not have a; d was never added.
    let both = "CheckResult_Type_Both";
    assert_eq!(
        relations(&s, "a", &["b", "c", "d"], both).await,
        [
            "CheckResult_Type_AWithB",
            "CheckResult_Type_AWithB",
            "CheckResult_Type_NoRelation"
        ]
    );
    assert_eq!(
        relations(&s, "b", &["a"], both).await,
        ["CheckResult_Type_BWithA"]
    );
    assert_eq!(
        relations(&s, "b", &["a"], "CheckResult_Type_Single").await,
        ["CheckResult_Type_NoRelation"]
    );
    import(&s, "b", json!([item("a")])).await;
    assert_eq!(
        relations(&s, "a", &["b"], both).await,
        ["CheckResult_Type_BothWay"]
    );
}
both!(imports_are_one_way_and_fail_per_item);

async fn friend_get_returns_the_friend_data(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    s.import_accounts(&["a", "b", "c"]).await;
    let b_data = json!({"To_Account": "b", "AddSource": "AddSource_Type_Android", "Remark": "bee",
        "GroupName": ["work", "close"], "AddTime": 1600000000,
        "CustomItem": [{"Tag": "Tag_SNS_Custom_Level", "Value": "gold"}]});
    import(&s, "a", json!([b_data, item("c")])).await;
    let v = s
        .ok(
            "sns/friend_get",
            json!({"From_Account": "a", "StartIndex": 0}),
        )
        .await;
    assert_eq!(v["FriendNum"], 2);
    assert_eq!(v["CompleteFlag"], 1);
    let b = &v["UserDataItem"][0];
    assert_eq!(b["To_Account"], "b");
    let tags: Vec<(&str, &Value)> = b["ValueItem"]
        .as_array()
        .expect("ValueItem")
        .iter()
        .map(|t| (t["Tag"].as_str().unwrap_or_default(), &t["Value"]))
        .collect();
    assert_eq!(
        tags,
        [
            ("Tag_SNS_IM_AddSource", &json!("AddSource_Type_Android")),
            ("Tag_SNS_IM_Remark", &json!("bee")),
            ("Tag_SNS_IM_Group", &json!(["work", "close"])),
            ("Tag_SNS_IM_AddTime", &json!(1600000000)),
            ("Tag_SNS_Custom_Level", &json!("gold")),
        ]
    );
    // With both sequences current, only the accounts come back.
    let body = json!({"From_Account": "a", "StartIndex": 0,
        "StandardSequence": v["StandardSequence"], "CustomSequence": v["CustomSequence"]});
    let again = s.ok("sns/friend_get", body).await;
    assert_eq!(again["UserDataItem"][0]["ValueItem"], json!([]));
    // Importing a friend again replaces its data, not its place.
    import(
        &s,
        "a",
        json!([{"To_Account": "b", "AddSource": "AddSource_Type_Web"}]),
    )
    .await;
    let v = s
        .ok(
            "sns/friend_get",
            json!({"From_Account": "a", "StartIndex": 0}),
        )
        .await;
    assert_eq!(v["FriendNum"], 2);
    assert_eq!(
        v["UserDataItem"][0]["ValueItem"][0]["Value"],
        "AddSource_Type_Web"
    );
}
both!(friend_get_returns_the_friend_data);

async fn friend_get_pages_in_the_order_added(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let ids: Vec<String> = (0..230).map(|i| format!("f{i:03}")).collect();
    let mut all: Vec<&str> = ids.iter().map(String::as_str).collect();
    all.push("owner");
    for chunk in all.chunks(100) {
        s.import_accounts(chunk).await;
    }
    let items: Vec<Value> = ids.iter().map(|id| item(id)).collect();
    import(&s, "owner", json!(items)).await;
    let mut seen = Vec::new();
    let mut start = json!(0);
    loop {
        let v = s
            .ok(
                "sns/friend_get",
                json!({"From_Account": "owner", "StartIndex": start}),
            )
            .await;
        assert_eq!(v["FriendNum"], 230);
        for f in v["UserDataItem"].as_array().expect("UserDataItem") {
            seen.push(f["To_Account"].as_str().unwrap_or_default().to_string());
        }
        if v["CompleteFlag"] == 1 {
            assert_eq!(v["NextStartIndex"], 0);
            break;
        }
        start = v["NextStartIndex"].clone();
    }
    assert_eq!(seen, ids, "every friend once, in the order added");
}
both!(friend_get_pages_in_the_order_added);

async fn bad_requests_and_deleted_accounts(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    s.import_accounts(&["a", "b"]).await;
    s.fails(
        "sns/friend_import",
        json!({"From_Account": "nobody", "AddFriendItem": [item("b")]}),
        30003,
    )
    .await;
    s.fails("sns/friend_import", json!({"From_Account": "a"}), 30001)
        .await;
    s.fails(
        "sns/friend_import",
        json!({"From_Account": "a", "AddFriendItem": []}),
        30001,
    )
    .await;
    let many: Vec<Value> = (0..1001).map(|i| item(&format!("x{i}"))).collect();
    s.fails(
        "sns/friend_import",
        json!({"From_Account": "a", "AddFriendItem": many}),
        30001,
    )
    .await;
    let check = json!({"From_Account": "a", "To_Account": ["b"], "CheckType": "Both"});
    s.fails("sns/friend_check", check, 30001).await;
    s.fails("sns/friend_get", json!({"From_Account": "a"}), 30001)
        .await;
    // Nothing was stored by the refused calls.
    let v = s
        .ok(
            "sns/friend_get",
            json!({"From_Account": "a", "StartIndex": 0}),
        )
        .await;
    assert_eq!(v["FriendNum"], 0);
    // account_delete removes friendships in both directions.
    import(&s, "a", json!([item("b")])).await;
    import(&s, "b", json!([item("a")])).await;
    s.ok(
        "im_open_login_svc/account_delete",
        json!({"DeleteItem": [{"UserID": "b"}]}),
    )
    .await;
    let v = s
        .ok(
            "sns/friend_get",
            json!({"From_Account": "a", "StartIndex": 0}),
        )
        .await;
    assert_eq!(
        (v["FriendNum"].clone(), v["UserDataItem"].clone()),
        (json!(0), json!([]))
    );
    s.import_accounts(&["b"]).await;
    let both = "CheckResult_Type_Both";
    assert_eq!(
        relations(&s, "a", &["b"], both).await,
        ["CheckResult_Type_NoRelation"]
    );
    let v = s
        .ok(
            "sns/friend_check",
            json!({"From_Account": "a", "To_Account": ["ghost"], "CheckType": both}),
        )
        .await;
    assert_eq!(v["InfoItem"][0]["ResultCode"], 30003);
    assert_eq!(v["Fail_Account"], json!(["ghost"]));
}
both!(bad_requests_and_deleted_accounts);

/// The first friend_get page of `owner`.
async fn first_page(s: &TestServer, owner: &str) -> Value {
    s.ok(
        "sns/friend_get",
        json!({"From_Account": owner, "StartIndex": 0}),
    )
    .await
}

async fn friends_are_deleted_one_way_or_both(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    s.import_accounts(&["a", "b", "c", "d"]).await;
    for (owner, others) in [
        ("a", ["b", "c", "d"]),
        ("b", ["a", "c", "d"]),
        ("c", ["a", "b", "d"]),
    ] {
        import(&s, owner, json!(others.map(item))).await;
    }
    let both = "CheckResult_Type_Both";
    // Single (the default): only a's list changes.
    let v = s
        .ok(
            "sns/friend_delete",
            json!({"From_Account": "a", "To_Account": ["b", "nobody"]}),
        )
        .await;
    assert_eq!(v["ResultItem"][0]["ResultCode"], 0);
    assert_eq!(v["ResultItem"][1]["ResultCode"], 30003);
    assert_eq!(v["Fail_Account"], json!(["nobody"]));
    assert_eq!(
        relations(&s, "a", &["b"], both).await,
        ["CheckResult_Type_BWithA"]
    );
    // Again: nothing to remove.
    let v = s
        .ok(
            "sns/friend_delete",
            json!({"From_Account": "a", "To_Account": ["b"], "DeleteType": "Delete_Type_Single"}),
        )
        .await;
    assert_eq!(v["ResultItem"][0]["ResultCode"], 31704);
    // Both: the friendship goes in either direction.
    s.ok(
        "sns/friend_delete",
        json!({"From_Account": "a", "To_Account": ["c"], "DeleteType": "Delete_Type_Both"}),
    )
    .await;
    assert_eq!(
        relations(&s, "a", &["c"], both).await,
        ["CheckResult_Type_NoRelation"]
    );
    s.fails(
        "sns/friend_delete",
        json!({"From_Account": "a", "To_Account": ["c"], "DeleteType": "Both"}),
        30001,
    )
    .await;
    // delete_all, Both: b keeps nobody, and nobody keeps b.
    s.ok(
        "sns/friend_delete_all",
        json!({"From_Account": "b", "DeleteType": "Delete_Type_Both"}),
    )
    .await;
    assert_eq!(first_page(&s, "b").await["FriendNum"], 0);
    let v = first_page(&s, "c").await;
    assert_eq!(v["FriendNum"], 1, "c keeps d only");
    assert_eq!(v["UserDataItem"][0]["To_Account"], "d");
    // delete_all, Single: a's list empties, d stays unaware.
    import(&s, "d", json!([item("a")])).await;
    s.ok("sns/friend_delete_all", json!({"From_Account": "a"}))
        .await;
    assert_eq!(
        relations(&s, "a", &["d"], both).await,
        ["CheckResult_Type_BWithA"]
    );
}
both!(friends_are_deleted_one_way_or_both);

async fn friend_get_list_mixes_friend_and_profile_tags(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    s.import_accounts(&["a", "b", "c"]).await;
    s.ok(
        "profile/portrait_set",
        json!({"From_Account": "b", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "bee"}]}),
    )
    .await;
    import(
        &s,
        "a",
        json!([{"To_Account": "b", "AddSource": "AddSource_Type_Web", "Remark": "B",
            "CustomItem": [{"Tag": "Tag_SNS_Custom_Score", "Value": 7}]}]),
    )
    .await;
    let v = s
        .ok(
            "sns/friend_get_list",
            json!({"From_Account": "a", "To_Account": ["b", "c", "nobody"],
                "TagList": ["Tag_Profile_IM_Nick", "Tag_SNS_IM_Remark", "Tag_SNS_Custom_Score",
                    "Tag_SNS_IM_Group", "Tag_Profile_IM_Gender"]}),
        )
        .await;
    assert_eq!(
        v["InfoItem"][0]["SnsProfileItem"],
        json!([{"Tag": "Tag_Profile_IM_Nick", "Value": "bee"},
            {"Tag": "Tag_SNS_IM_Remark", "Value": "B"},
            {"Tag": "Tag_SNS_Custom_Score", "Value": 7}])
    );
    assert_eq!(v["InfoItem"][0]["ResultCode"], 0);
    assert_eq!(v["InfoItem"][1]["ResultCode"], 30001, "not a friend");
    assert_eq!(v["InfoItem"][2]["ResultCode"], 30003);
    assert_eq!(v["Fail_Account"], json!(["c", "nobody"]));
    s.fails(
        "sns/friend_get_list",
        json!({"From_Account": "a", "To_Account": ["b"], "TagList": ["Tag_Profile_IM_Bogus"]}),
        30001,
    )
    .await;
}
both!(friend_get_list_mixes_friend_and_profile_tags);

async fn set_profile(s: &TestServer, user: &str, tag: &str, value: &str) {
    s.ok(
        "profile/portrait_set",
        json!({"From_Account": user, "ProfileItem": [{"Tag": tag, "Value": value}]}),
    )
    .await;
}

async fn friend_add_follows_allow_type_and_blocklists(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    s.import_accounts(&["a", "any", "deny", "ask", "blocked", "blocker", "banned"])
        .await;
    let allow = "Tag_Profile_IM_AllowType";
    set_profile(&s, "any", allow, "AllowType_Type_AllowAny").await;
    set_profile(&s, "deny", allow, "AllowType_Type_DenyAny").await;
    set_profile(&s, "blocked", allow, "AllowType_Type_AllowAny").await;
    set_profile(&s, "blocker", allow, "AllowType_Type_AllowAny").await;
    s.ok(
        "sns/black_list_add",
        json!({"From_Account": "a", "To_Account": ["blocked"]}),
    )
    .await;
    s.ok(
        "sns/black_list_add",
        json!({"From_Account": "blocker", "To_Account": ["a"]}),
    )
    .await;
    let add = |to: &[&str], force: i64| {
        let items: Vec<Value> = to.iter().map(|t| item(t)).collect();
        json!({"From_Account": "a", "AddFriendItem": items, "ForceAddFlags": force})
    };
    let v = s
        .ok(
            "sns/friend_add",
            add(&["any", "deny", "ask", "blocked", "blocker", "nobody"], 0),
        )
        .await;
    assert_eq!(
        codes(&v, "ResultItem"),
        [0, 30516, 30539, 30515, 30525, 30003]
    );
    let both = "CheckResult_Type_Both";
    assert_eq!(
        relations(&s, "a", &["any", "deny", "ask"], both).await,
        [
            "CheckResult_Type_BothWay",
            "CheckResult_Type_NoRelation",
            "CheckResult_Type_NoRelation"
        ]
    );
    // Forced: AllowType does not apply, blocklists still do; again → already friends.
    let v = s
        .ok("sns/friend_add", add(&["deny", "ask", "blocked", "any"], 1))
        .await;
    assert_eq!(codes(&v, "ResultItem"), [0, 0, 30515, 30001]);
    // One way.
    let body = json!({"From_Account": "ask", "AddType": "Add_Type_Single", "ForceAddFlags": 1,
        "AddFriendItem": [item("banned")]});
    s.ok("sns/friend_add", body).await;
    assert_eq!(
        relations(&s, "ask", &["banned"], both).await,
        ["CheckResult_Type_AWithB"]
    );
    // An account forbidden to send requests.
    set_profile(
        &s,
        "banned",
        "Tag_Profile_IM_AdminForbidType",
        "AdminForbid_Type_SendOut",
    )
    .await;
    let body = json!({"From_Account": "banned", "AddFriendItem": [item("any")]});
    let v = s.ok("sns/friend_add", body).await;
    assert_eq!(v["ResultItem"][0]["ResultCode"], 30009);
    s.fails(
        "sns/friend_add",
        json!({"From_Account": "a", "AddType": "Both", "AddFriendItem": [item("any")]}),
        30001,
    )
    .await;
}
both!(friend_add_follows_allow_type_and_blocklists);

async fn friend_update_changes_remark_lists_and_custom_tags(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    s.import_accounts(&["a", "b", "c"]).await;
    import(&s, "a", json!([item("b")])).await;
    let lists: Vec<String> = (0..33).map(|i| format!("l{i}")).collect();
    let v = s
        .ok(
            "sns/friend_update",
            json!({"From_Account": "a", "UpdateItem": [
                {"To_Account": "b", "SnsItem": [
                    {"Tag": "Tag_SNS_IM_Remark", "Value": "bee"},
                    {"Tag": "Tag_SNS_IM_Group", "Value": ["work"]},
                    {"Tag": "Tag_SNS_Custom_Score", "Value": 9}]},
                {"To_Account": "c", "SnsItem": [{"Tag": "Tag_SNS_IM_Remark", "Value": "x"}]},
                {"To_Account": "b", "SnsItem": [{"Tag": "Tag_SNS_IM_AddSource", "Value": "x"}]},
                {"To_Account": "b", "SnsItem": [{"Tag": "Tag_SNS_IM_Group", "Value": lists}]},
            ]}),
        )
        .await;
    assert_eq!(codes(&v, "ResultItem"), [0, 30001, 30001, 30011]);
    let v = s
        .ok(
            "sns/friend_get_list",
            json!({"From_Account": "a", "To_Account": ["b"],
                "TagList": ["Tag_SNS_IM_Remark", "Tag_SNS_IM_Group", "Tag_SNS_Custom_Score"]}),
        )
        .await;
    assert_eq!(
        v["InfoItem"][0]["SnsProfileItem"],
        json!([{"Tag": "Tag_SNS_IM_Remark", "Value": "bee"},
            {"Tag": "Tag_SNS_IM_Group", "Value": ["work"]},
            {"Tag": "Tag_SNS_Custom_Score", "Value": 9}])
    );
}
both!(friend_update_changes_remark_lists_and_custom_tags);
