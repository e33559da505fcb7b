//! `im_open_login_svc`: import, check, delete, kick — success shapes, bad input, no partial writes.

use serde_json::{Value, json};

use crate::both;
use crate::common::*;

const CHECK: &str = "im_open_login_svc/account_check";

async fn status(s: &TestServer, ids: &[&str]) -> Vec<String> {
    let items: Vec<Value> = ids.iter().map(|id| json!({ "UserID": id })).collect();
    let v = s.ok(CHECK, json!({ "CheckItem": items })).await;
    v["ResultItem"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["AccountStatus"].as_str().unwrap().to_string())
        .collect()
}

async fn account_import_both_spellings_and_idempotent(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.ok(
        "im_open_login_svc/account_import",
        json!({"UserID": "alice", "Nick": "Alice"}),
    )
    .await;
    s.ok(
        "im_open_login_svc/account_import",
        json!({"Identifier": "bob"}),
    )
    .await;
    s.ok(
        "im_open_login_svc/account_import",
        json!({"UserID": "alice"}),
    )
    .await;
    assert_eq!(
        status(&s, &["alice", "bob", "carol"]).await,
        ["Imported", "Imported", "NotImported"]
    );
    let v = s
        .ok(CHECK, json!({"CheckItem": [{"UserID": "alice"}]}))
        .await;
    assert_eq!(
        v["ResultItem"][0],
        json!({"UserID":"alice","ResultCode":0,"ResultInfo":"","AccountStatus":"Imported"})
    );
}
both!(account_import_both_spellings_and_idempotent);

async fn account_import_bad_input_changes_nothing(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let long = "a".repeat(33);
    for body in [
        json!({}),
        json!({"UserID": 12345}),
        json!({"UserID": ""}),
        json!({"UserID": long}),
        json!({"UserID": "é"}),
        json!({"UserID": "a\nb"}),
        json!({"UserID": null}),
        json!({"UserID": ["x"]}),
    ] {
        s.fails("im_open_login_svc/account_import", body, 70402)
            .await;
    }
    assert_eq!(status(&s, &[&long, "12345", "x"]).await, ["NotImported"; 3]);
    // Exactly 32 bytes is fine.
    s.ok(
        "im_open_login_svc/account_import",
        json!({"UserID": "b".repeat(32)}),
    )
    .await;
}
both!(account_import_bad_input_changes_nothing);

async fn multiaccount_import_forms_and_limits(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let v = s
        .ok(
            "im_open_login_svc/multiaccount_import",
            json!({"Accounts": ["a1", "a2", "bad id é"]}),
        )
        .await;
    assert_eq!(v["FailAccounts"], json!(["bad id é"]));
    let v = s
        .ok(
            "im_open_login_svc/multiaccount_import",
            json!({"AccountList": [{"UserID": "a3", "Nick": "three"}, {"UserID": "a1", "FaceUrl": "http://x"}]}),
        )
        .await;
    assert_eq!(v["FailAccounts"], json!([]));
    assert_eq!(status(&s, &["a1", "a2", "a3"]).await, ["Imported"; 3]);

    let too_many: Vec<String> = (0..101).map(|i| format!("u{i}")).collect();
    s.fails(
        "im_open_login_svc/multiaccount_import",
        json!({"Accounts": too_many}),
        70402,
    )
    .await;
    s.fails(
        "im_open_login_svc/multiaccount_import",
        json!({"Accounts": []}),
        70402,
    )
    .await;
    s.fails("im_open_login_svc/multiaccount_import", json!({}), 70402)
        .await;
    s.fails(
        "im_open_login_svc/multiaccount_import",
        json!({"Accounts": ["u0"], "AccountList": [{"UserID": "u1"}]}),
        70402,
    )
    .await;
    s.fails(
        "im_open_login_svc/multiaccount_import",
        json!({"Accounts": ["u0", 5]}),
        70402,
    )
    .await;
    assert_eq!(status(&s, &["u0", "u1", "u100"]).await, ["NotImported"; 3]);
    let hundred: Vec<String> = (0..100).map(|i| format!("u{i}")).collect();
    s.ok(
        "im_open_login_svc/multiaccount_import",
        json!({"Accounts": hundred}),
    )
    .await;
    assert_eq!(status(&s, &["u0", "u99"]).await, ["Imported"; 2]);
}
both!(multiaccount_import_forms_and_limits);

async fn account_check_limits_and_per_item_errors(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let items: Vec<Value> = (0..101)
        .map(|i| json!({"UserID": format!("u{i}")}))
        .collect();
    s.fails(CHECK, json!({"CheckItem": items}), 70402).await;
    s.fails(CHECK, json!({"CheckItem": []}), 70402).await;
    s.fails(CHECK, json!({"CheckItem": [{"Account": "x"}]}), 70402)
        .await;
    let v = s
        .ok(CHECK, json!({"CheckItem": [{"UserID": "a".repeat(33)}]}))
        .await;
    assert_eq!(v["ResultItem"][0]["ResultCode"], 70402);
    assert_eq!(v["ResultItem"][0]["AccountStatus"], "NotImported");
}
both!(account_check_limits_and_per_item_errors);

async fn account_delete_reports_each_item(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b"]).await;
    let v = s
        .ok(
            "im_open_login_svc/account_delete",
            json!({"DeleteItem": [{"UserID": "a"}, {"UserID": "ghost"}]}),
        )
        .await;
    assert_eq!(
        v["ResultItem"],
        json!([
            {"ResultCode": 0, "ResultInfo": "", "UserID": "a"},
            {"ResultCode": 70107, "ResultInfo": "Err_TLS_PT_Open_Login_Account_Not_Exist", "UserID": "ghost"}
        ])
    );
    assert_eq!(status(&s, &["a", "b"]).await, ["NotImported", "Imported"]);
    let items: Vec<Value> = (0..101).map(|_| json!({"UserID": "b"})).collect();
    s.fails(
        "im_open_login_svc/account_delete",
        json!({"DeleteItem": items}),
        70402,
    )
    .await;
    assert_eq!(status(&s, &["b"]).await, ["Imported"]);
}
both!(account_delete_reports_each_item);

async fn a_deleted_account_is_refused_even_right_after_use(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b"]).await;
    let group = crate::groups::create(
        &s,
        json!({"Type": "Public", "Name": "x", "Owner_Account": "a", "MemberList": [{"Member_Account": "b"}]}),
    )
    .await;
    // b's existence has just been checked (and is remembered by the server).
    assert_eq!(crate::groups::send(&s, &group, "b", 1).await["MsgSeq"], 1);
    s.ok(
        "im_open_login_svc/account_delete",
        json!({"DeleteItem": [{"UserID": "b"}]}),
    )
    .await;
    let body = json!({"GroupId": group, "From_Account": "b", "Random": 2, "MsgBody": crate::groups::text("hi")});
    s.fails(&crate::groups::cmd("send_group_msg"), body, 10019)
        .await;
    // Imported again, b exists again (no longer a member, which a send does not require).
    s.import_accounts(&["b"]).await;
    assert_eq!(crate::groups::send(&s, &group, "b", 3).await["MsgSeq"], 2);
}
both!(a_deleted_account_is_refused_even_right_after_use);

async fn kick_invalidates_earlier_usersigs(b: Backend) {
    let Some(mut s) = TestServer::start(b).await else {
        return;
    };
    s.fails("im_open_login_svc/kick", json!({"UserID": "ghost"}), 70107)
        .await;
    s.import_accounts(&["alice"]).await;
    s.ok("im_open_login_svc/kick", json!({"Identifier": "alice"}))
        .await;

    // Kick the second admin: its current UserSig stops working, a later one works.
    let url = |_s: &TestServer, sig: &str| {
        format!("/v4/{CHECK}?sdkappid={SDKAPPID}&identifier=admin2&usersig={sig}")
    };
    let body = r#"{"CheckItem":[{"UserID":"alice"}]}"#;
    let old = s.sig("admin2");
    assert_eq!(s.post_raw(&url(&s, &old), body).await["ErrorCode"], 0);
    s.ok("im_open_login_svc/kick", json!({"UserID": "admin2"}))
        .await;
    assert_eq!(s.post_raw(&url(&s, &old), body).await["ErrorCode"], 70052);
    s.clock.advance(std::time::Duration::from_secs(1));
    let fresh = s.sig("admin2");
    assert_eq!(s.post_raw(&url(&s, &fresh), body).await["ErrorCode"], 0);
    // The kick survives a restart.
    s.restart().await;
    assert_eq!(s.post_raw(&url(&s, &old), body).await["ErrorCode"], 70052);
    assert_eq!(s.post_raw(&url(&s, &fresh), body).await["ErrorCode"], 0);
}
both!(kick_invalidates_earlier_usersigs);

/// Deleting an account while it sends in several groups: every write locks the group row before
/// a member row, so the two never wait on each other (on PostgreSQL the opposite order could
/// deadlock, and one of them would fail with an internal error).
async fn deleting_an_account_while_it_sends_never_deadlocks(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let s = std::sync::Arc::new(s);
    s.import_accounts(&["o", "u"]).await;
    let mut groups = Vec::new();
    for i in 0..6 {
        groups.push(
            crate::groups::create(
                &s,
                json!({"Type": "Public", "Name": format!("g{i}"), "Owner_Account": "o"}),
            )
            .await,
        );
    }
    // 180 sends: under the per-command limit of 200/s (the test clock stands still).
    let senders: Vec<_> = groups
        .iter()
        .enumerate()
        .map(|(w, group)| {
            let (s, group) = (s.clone(), group.clone());
            tokio::spawn(async move {
                for k in 0..30u32 {
                    let body = json!({"GroupId": group, "From_Account": "u",
                        "Random": (w as u32) << 16 | k, "MsgBody": crate::groups::text("hi")});
                    let v = s.call(&crate::groups::cmd("send_group_msg"), body).await;
                    // Sent, or refused because u is deleted at that moment.
                    assert!(
                        [0, 10019].contains(&v["ErrorCode"].as_i64().unwrap()),
                        "{v}"
                    );
                }
            })
        })
        .collect();
    for _ in 0..10 {
        s.import_accounts(&["u"]).await;
        for group in &groups {
            let v = s
                .call(
                    &crate::groups::cmd("add_group_member"),
                    json!({"GroupId": group, "MemberList": [{"Member_Account": "u"}]}),
                )
                .await;
            assert_eq!(v["ErrorCode"], 0, "{v}");
        }
        s.ok(
            "im_open_login_svc/account_delete",
            json!({"DeleteItem": [{"UserID": "u"}]}),
        )
        .await;
    }
    for t in senders {
        t.await.unwrap();
    }
}
both!(deleting_an_account_while_it_sends_never_deadlocks);
