//! Blocklists (`sns/black_list_*`): blocking ends friendships, stops the blocked account's
//! messages to the blocker, pages in the order added, and per-item failures.

use serde_json::{Value, json};

use crate::both;
use crate::c2c::text;
use crate::common::*;

async fn block(s: &TestServer, owner: &str, to: &[&str]) -> Value {
    s.ok(
        "sns/black_list_add",
        json!({"From_Account": owner, "To_Account": to}),
    )
    .await
}

/// The `ResultCode` of each item of `field`.
pub fn codes(v: &Value, field: &str) -> Vec<i64> {
    v[field]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["ResultCode"].as_i64().unwrap_or(-1))
        .collect()
}

/// The `Relation` of each black_list_check item.
fn black_relations(v: &Value) -> Vec<&str> {
    v["BlackListCheckItem"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["Relation"].as_str().unwrap_or_default())
        .collect()
}

async fn blocking_ends_friendships_and_messages(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    s.import_accounts(&["a", "b", "c"]).await;
    for (owner, friend) in [("a", "b"), ("b", "a")] {
        s.ok(
            "sns/friend_import",
            json!({"From_Account": owner, "AddFriendItem": [
                {"To_Account": friend, "AddSource": "AddSource_Type_X"}]}),
        )
        .await;
    }
    let v = block(&s, "a", &["b", "b", "a", "nobody"]).await;
    assert_eq!(codes(&v, "ResultItem"), [0, 30001, 30001, 30003]);
    assert_eq!(v["Fail_Account"], json!(["b", "a", "nobody"]));
    // The friendship is gone both ways.
    let v = s
        .ok(
            "sns/friend_check",
            json!({"From_Account": "a", "To_Account": ["b"], "CheckType": "CheckResult_Type_Both"}),
        )
        .await;
    assert_eq!(v["InfoItem"][0]["Relation"], "CheckResult_Type_NoRelation");
    // b cannot message a; a can message b.
    let send = |from: &str, to: &str, random: u32| json!({"From_Account": from, "To_Account": to, "MsgRandom": random, "MsgBody": text("x")});
    s.fails("openim/sendmsg", send("b", "a", 1), 20007).await;
    s.ok("openim/sendmsg", send("a", "b", 2)).await;
    let list = s
        .call(
            "openim/batchsendmsg",
            json!({"From_Account": "b", "To_Account": ["a", "c"], "MsgRandom": 4,
                "MsgBody": text("x")}),
        )
        .await;
    assert_eq!(list["ActionStatus"], "SomeError");
    assert_eq!(
        list["ErrorList"],
        json!([{"To_Account": "a", "ErrorCode": 20007}])
    );
    // Checks, one way and both.
    block(&s, "b", &["a"]).await;
    let check = |kind: &str| json!({"From_Account": "a", "To_Account": ["b", "c", "ghost"], "CheckType": kind});
    let v = s
        .ok("sns/black_list_check", check("BlackCheckResult_Type_Both"))
        .await;
    assert_eq!(
        black_relations(&v),
        [
            "BlackCheckResult_Type_BothWay",
            "BlackCheckResult_Type_NO",
            "BlackCheckResult_Type_NO"
        ]
    );
    assert_eq!(codes(&v, "BlackListCheckItem"), [0, 0, 30003]);
    let v = s
        .ok(
            "sns/black_list_check",
            check("BlackCheckResult_Type_Single"),
        )
        .await;
    assert_eq!(
        v["BlackListCheckItem"][0]["Relation"],
        "BlackCheckResult_Type_AWithB"
    );
    // Unblocking lets messages through again; the friendship stays gone.
    let v = s
        .ok(
            "sns/black_list_delete",
            json!({"From_Account": "a", "To_Account": ["b", "c"]}),
        )
        .await;
    assert_eq!(codes(&v, "ResultItem"), [0, 30001]);
    s.ok("openim/sendmsg", send("b", "a", 5)).await;
}
both!(blocking_ends_friendships_and_messages);

async fn blocklists_page_in_the_order_added(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let ids: Vec<String> = (0..25).map(|i| format!("x{i:02}")).collect();
    let mut all: Vec<&str> = ids.iter().map(String::as_str).collect();
    all.push("owner");
    s.import_accounts(&all).await;
    block(&s, "owner", &all[..25]).await;
    let mut seen = Vec::new();
    let mut start = json!(0);
    let mut sequence = json!(null);
    loop {
        let v = s
            .ok(
                "sns/black_list_get",
                json!({"From_Account": "owner", "StartIndex": start, "MaxLimited": 10,
                    "LastSequence": 0}),
            )
            .await;
        sequence = v["CurruentSequence"].clone();
        for b in v["BlackListItem"].as_array().expect("items") {
            assert_eq!(b["AddBlackTimeStamp"], s.now());
            seen.push(b["To_Account"].as_str().unwrap_or_default().to_string());
        }
        if v["StartIndex"] == 0 {
            break;
        }
        start = v["StartIndex"].clone();
    }
    assert_eq!(seen, ids);
    assert!(sequence.as_i64().is_some_and(|n| n > 0));
    let bad = json!({"From_Account": "owner", "StartIndex": 0, "MaxLimited": 0, "LastSequence": 0});
    s.fails("sns/black_list_get", bad, 30001).await;
    s.fails(
        "sns/black_list_get",
        json!({"From_Account": "owner", "StartIndex": 0}),
        30001,
    )
    .await;
    s.fails(
        "sns/black_list_add",
        json!({"From_Account": "nobody", "To_Account": ["owner"]}),
        30003,
    )
    .await;
    // account_delete removes the account's blocklist and its place in others'.
    s.ok(
        "im_open_login_svc/account_delete",
        json!({"DeleteItem": [{"UserID": "x00"}]}),
    )
    .await;
    let v = s
        .ok(
            "sns/black_list_get",
            json!({"From_Account": "owner", "StartIndex": 0, "MaxLimited": 100,
                "LastSequence": 0}),
        )
        .await;
    assert_eq!(v["BlackListItem"].as_array().map(Vec::len), Some(24));
}
both!(blocklists_page_in_the_order_added);
