//! ban_group_member, unban_group_member and get_group_ban_member: a ban removes a member and
//! keeps it out until the injected clock passes its end; paging, limits and bad input read back.

use std::time::Duration;

use serde_json::{Value, json};

use crate::both;
use crate::common::*;
use crate::groups::{cmd, create, member_names, send, unread};

/// Public group `g` owned by `a`, with members `b` and `c`.
async fn group_with_b_and_c(s: &TestServer) {
    s.import_accounts(&["a", "b", "c", "d"]).await;
    create(
        s,
        json!({"Type": "Public", "Name": "n", "GroupId": "g", "Owner_Account": "a",
               "MemberList": [{"Member_Account": "b"}, {"Member_Account": "c"}]}),
    )
    .await;
}

async fn ban(s: &TestServer, group: &str, accounts: &[&str], duration: u32) {
    s.ok(
        &cmd("ban_group_member"),
        json!({"GroupId": group, "Members_Account": accounts, "Duration": duration}),
    )
    .await;
}

/// The whole ban list of a group: (account, BannedUntil), in the order answered.
async fn bans(s: &TestServer, group: &str) -> Vec<(String, i64)> {
    let v = s
        .ok(
            &cmd("get_group_ban_member"),
            json!({"GroupId": group, "Offset": 0, "Limit": 100}),
        )
        .await;
    assert_eq!(v["GroupId"], group);
    assert_eq!(v["NextOffset"], 0);
    pairs(&v)
}

fn pairs(v: &Value) -> Vec<(String, i64)> {
    v["BannedAccountList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["Member_Account"].as_str().unwrap().to_string(),
                b["BannedUntil"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// Member names and MemberNum of a group.
async fn members(s: &TestServer, group: &str) -> (Vec<String>, i64) {
    let v = s
        .ok(&cmd("get_group_member_info"), json!({"GroupId": group}))
        .await;
    (member_names(&v), v["MemberNum"].as_i64().unwrap())
}

/// The `Result` of each member of an add_group_member / import_group_member answer.
fn results(v: &Value) -> Vec<i64> {
    v["MemberList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["Result"].as_i64().unwrap())
        .collect()
}

async fn add(s: &TestServer, group: &str, accounts: &[&str]) -> Vec<i64> {
    let list: Vec<Value> = accounts
        .iter()
        .map(|a| json!({"Member_Account": a}))
        .collect();
    let v = s
        .ok(
            &cmd("add_group_member"),
            json!({"GroupId": group, "MemberList": list}),
        )
        .await;
    results(&v)
}

async fn import(s: &TestServer, group: &str, accounts: &[&str]) -> Vec<i64> {
    let list: Vec<Value> = accounts
        .iter()
        .map(|a| json!({"Member_Account": a}))
        .collect();
    let v = s
        .ok(
            &cmd("import_group_member"),
            json!({"GroupId": group, "MemberList": list}),
        )
        .await;
    results(&v)
}

async fn ban_removes_a_member_until_the_ban_ends(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    group_with_b_and_c(&s).await;
    send(&s, "g", "a", 1).await;
    assert_eq!(unread(&s, "g", "b").await, 1);
    ban(&s, "g", &["b"], 100).await;
    assert_eq!(members(&s, "g").await, (vec!["a".into(), "c".into()], 2));
    assert_eq!(bans(&s, "g").await, vec![("b".to_string(), T0 + 100)]);
    // During the ban: adding or importing b fails for b alone, the others are added.
    s.clock.advance(Duration::from_secs(50));
    assert_eq!(add(&s, "g", &["b", "d"]).await, vec![0, 1]);
    assert_eq!(import(&s, "g", &["b"]).await, vec![0]);
    assert_eq!(
        members(&s, "g").await,
        (vec!["a".into(), "c".into(), "d".into()], 3)
    );
    // The last second of the ban still counts; at its end time it is over.
    s.clock.advance(Duration::from_secs(49));
    assert_eq!(add(&s, "g", &["b"]).await, vec![0]);
    s.clock.advance(Duration::from_secs(1));
    assert_eq!(bans(&s, "g").await, vec![]);
    assert_eq!(add(&s, "g", &["b"]).await, vec![1]);
    // A returning member starts with nothing unread, as after delete_group_member.
    assert_eq!(unread(&s, "g", "b").await, 0);
    assert_eq!(members(&s, "g").await.1, 4);
    // Banning a non-member (even one never imported) is allowed and keeps it out.
    ban(&s, "g", &["e", "nobody"], 10).await;
    s.import_accounts(&["e"]).await;
    assert_eq!(import(&s, "g", &["e"]).await, vec![0]);
    assert_eq!(members(&s, "g").await.1, 4);
}
both!(ban_removes_a_member_until_the_ban_ends);

async fn unban_and_repeated_bans(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    group_with_b_and_c(&s).await;
    ban(&s, "g", &["b", "c"], 1000).await;
    // Banning again replaces the end time, shorter or longer.
    ban(&s, "g", &["b"], 10).await;
    assert_eq!(
        bans(&s, "g").await,
        vec![("b".to_string(), T0 + 10), ("c".to_string(), T0 + 1000)]
    );
    let unban = json!({"GroupId": "g", "Members_Account": ["c"]});
    s.ok(&cmd("unban_group_member"), unban.clone()).await;
    assert_eq!(bans(&s, "g").await, vec![("b".to_string(), T0 + 10)]);
    // Unbanning does not bring c back; it may be added again.
    assert_eq!(members(&s, "g").await, (vec!["a".into()], 1));
    assert_eq!(add(&s, "g", &["c", "b"]).await, vec![1, 0]);
    // Unbanning again, or an account never banned, answers OK and changes nothing.
    s.ok(&cmd("unban_group_member"), unban).await;
    s.ok(
        &cmd("unban_group_member"),
        json!({"GroupId": "g", "Members_Account": ["d", "d"]}),
    )
    .await;
    assert_eq!(bans(&s, "g").await, vec![("b".to_string(), T0 + 10)]);
    // Banning a banned non-member again is harmless too.
    ban(&s, "g", &["b", "b"], 10).await;
    assert_eq!(bans(&s, "g").await, vec![("b".to_string(), T0 + 10)]);
    assert_eq!(members(&s, "g").await, (vec!["a".into(), "c".into()], 2));
}
both!(unban_and_repeated_bans);

async fn ban_list_pages_in_end_order(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    group_with_b_and_c(&s).await;
    ban(&s, "g", &["u5"], 50).await;
    ban(&s, "g", &["u2", "u1"], 20).await;
    ban(&s, "g", &["u4"], 40).await;
    ban(&s, "g", &["u3"], 30).await;
    let page = |offset: i64, limit: i64| json!({"GroupId": "g", "Offset": offset, "Limit": limit});
    let v = s.ok(&cmd("get_group_ban_member"), page(0, 2)).await;
    assert_eq!(
        pairs(&v),
        vec![("u1".to_string(), T0 + 20), ("u2".to_string(), T0 + 20)]
    );
    assert_eq!(v["NextOffset"], 2);
    let v = s.ok(&cmd("get_group_ban_member"), page(2, 2)).await;
    assert_eq!(
        pairs(&v),
        vec![("u3".to_string(), T0 + 30), ("u4".to_string(), T0 + 40)]
    );
    assert_eq!(v["NextOffset"], 4);
    let v = s.ok(&cmd("get_group_ban_member"), page(4, 2)).await;
    assert_eq!(pairs(&v), vec![("u5".to_string(), T0 + 50)]);
    assert_eq!(v["NextOffset"], 0);
    // An exact last page says it is complete; past the end is an empty, complete page.
    let v = s.ok(&cmd("get_group_ban_member"), page(3, 2)).await;
    assert_eq!(v["NextOffset"], 0);
    let v = s.ok(&cmd("get_group_ban_member"), page(9, 2)).await;
    assert_eq!(pairs(&v), vec![]);
    assert_eq!(v["NextOffset"], 0);
    // Limit absent or 0 (an SDK's unset value): the default page of 100.
    for body in [
        json!({"GroupId": "g", "Offset": 0}),
        json!({"GroupId": "g", "Offset": 0, "Limit": 0}),
    ] {
        let v = s.ok(&cmd("get_group_ban_member"), body).await;
        assert_eq!(pairs(&v).len(), 5);
        assert_eq!(v["NextOffset"], 0);
    }
    // Ended bans drop out by time.
    s.clock.advance(Duration::from_secs(30));
    let names: Vec<String> = bans(&s, "g").await.into_iter().map(|p| p.0).collect();
    assert_eq!(names, ["u4", "u5"]);
    // Every type keeps a ban list, AVChatRoom included (members there are not stored).
    create(
        &s,
        json!({"Type": "AVChatRoom", "Name": "n", "GroupId": "av", "Owner_Account": "a"}),
    )
    .await;
    ban(&s, "av", &["b"], 5).await;
    assert_eq!(bans(&s, "av").await, vec![("b".to_string(), s.now() + 5)]);
    s.fails(
        &cmd("add_group_member"),
        json!({"GroupId": "av", "MemberList": [{"Member_Account": "c"}]}),
        10007,
    )
    .await;
}
both!(ban_list_pages_in_end_order);

/// A ban request on `group` for `accounts`, with `extra` fields merged in.
fn ban_body(group: &str, accounts: Value, extra: Value) -> Value {
    let mut body = json!({"GroupId": group, "Members_Account": accounts});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

/// Bad ban_group_member requests and their codes; none may change anything.
fn bad_bans() -> Vec<(Value, i64)> {
    let many: Vec<String> = (0..21).map(|i| format!("u{i}")).collect();
    let b = || json!(["b"]);
    let ten = || json!({"Duration": 10});
    vec![
        (ban_body("g", json!(many), ten()), 10005),
        (ban_body("g", json!([]), ten()), 10004),
        (ban_body("g", b(), json!({"Duration": 0})), 10004),
        (ban_body("g", b(), json!({})), 10004),
        (ban_body("g", b(), json!({"Duration": -1})), 10004),
        (
            ban_body("g", b(), json!({"Duration": 4294967296u64})),
            10004,
        ),
        (ban_body("g", b(), json!({"Duration": "10"})), 10004),
        (ban_body("g", json!([""]), ten()), 10004),
        (
            ban_body(
                "g",
                b(),
                json!({"Duration": 10, "Description": "x".repeat(1001)}),
            ),
            10004,
        ),
        (ban_body("g", json!(["a"]), ten()), 10009),
        // The owner after a member: refused before the member's ban or removal is written.
        (ban_body("g", json!(["b", "a"]), ten()), 10009),
        (ban_body("", b(), ten()), 10015),
        (ban_body("nope", b(), ten()), 10010),
    ]
}

async fn bad_ban_requests_change_nothing(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    group_with_b_and_c(&s).await;
    ban(&s, "g", &["x"], 100).await;
    for (body, code) in bad_bans() {
        s.fails(&cmd("ban_group_member"), body, code).await;
    }
    let many: Vec<String> = (0..21).map(|i| format!("u{i}")).collect();
    let bad_others = [
        (
            "unban_group_member",
            ban_body("g", json!(many), json!({})),
            10005,
        ),
        (
            "unban_group_member",
            ban_body("g", json!([]), json!({})),
            10004,
        ),
        (
            "unban_group_member",
            ban_body("nope", json!(["x"]), json!({})),
            10010,
        ),
        (
            "get_group_ban_member",
            json!({"GroupId": "g", "Offset": 0, "Limit": 101}),
            10004,
        ),
        ("get_group_ban_member", json!({"GroupId": "g"}), 10004),
        (
            "get_group_ban_member",
            json!({"GroupId": "nope", "Offset": 0}),
            10010,
        ),
    ];
    for (command, body, code) in bad_others {
        s.fails(&cmd(command), body, code).await;
    }
    // Nothing changed: the members, the owner and the one ban are as before.
    assert_eq!(
        members(&s, "g").await,
        (vec!["a".into(), "b".into(), "c".into()], 3)
    );
    assert_eq!(bans(&s, "g").await, vec![("x".to_string(), T0 + 100)]);
}
both!(bad_ban_requests_change_nothing);

async fn ban_limits_and_destroyed_groups(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    group_with_b_and_c(&s).await;
    ban(&s, "g", &["x"], 100).await;
    let twenty: Vec<String> = (0..20).map(|i| format!("u{i}")).collect();
    let (ban_cmd, unban_cmd) = (cmd("ban_group_member"), cmd("unban_group_member"));
    let list_cmd = cmd("get_group_ban_member");
    // Exactly 20 accounts and a 1000-byte Description are accepted; "" is no Description.
    s.ok(
        &ban_cmd,
        json!({"GroupId": "g", "Members_Account": twenty, "Duration": 10,
               "Description": "x".repeat(1000)}),
    )
    .await;
    s.ok(
        &ban_cmd,
        json!({"GroupId": "g", "Members_Account": ["c"], "Duration": 4294967295u32,
               "Description": ""}),
    )
    .await;
    let all = bans(&s, "g").await;
    assert_eq!(all.len(), 22);
    assert_eq!(all.last().unwrap(), &("c".to_string(), T0 + 4294967295));
    s.ok(
        &unban_cmd,
        json!({"GroupId": "g", "Members_Account": twenty}),
    )
    .await;
    assert_eq!(bans(&s, "g").await.len(), 2);
    // A destroyed group answers 10010 to all three.
    s.ok(&cmd("destroy_group"), json!({"GroupId": "g"})).await;
    s.fails(
        &ban_cmd,
        json!({"GroupId": "g", "Members_Account": ["b"], "Duration": 1}),
        10010,
    )
    .await;
    s.fails(
        &unban_cmd,
        json!({"GroupId": "g", "Members_Account": ["b"]}),
        10010,
    )
    .await;
    s.fails(&list_cmd, json!({"GroupId": "g", "Offset": 0}), 10010)
        .await;
}
both!(ban_limits_and_destroyed_groups);

async fn a_private_owner_can_be_banned(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["a", "b"]).await;
    create(
        &s,
        json!({"Type": "Private", "Name": "n", "GroupId": "p", "Owner_Account": "a",
               "MemberList": [{"Member_Account": "b"}]}),
    )
    .await;
    ban(&s, "p", &["a"], 60).await;
    let v = s
        .ok(
            &cmd("get_group_info"),
            json!({"GroupIdList": ["p"], "ResponseFilter": {"GroupBaseInfoFilter": ["Owner_Account", "MemberNum"]}}),
        )
        .await;
    assert_eq!(v["GroupInfo"][0]["Owner_Account"], "");
    assert_eq!(v["GroupInfo"][0]["MemberNum"], 1);
    assert_eq!(add(&s, "p", &["a"]).await, vec![0]);
}
both!(a_private_owner_can_be_banned);
