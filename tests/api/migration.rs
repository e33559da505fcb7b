//! The migration APIs and the unread model: import_group, import_group_msg, import_group_member,
//! set_unread_msg_num, a whole migration story, and a property test against a simple model.

use serde_json::{Value, json};

use crate::both;
use crate::common::*;
use crate::groups::{cmd, create, info, send, text, unread};

const DAY: i64 = 86400;

async fn import_group(s: &TestServer, id: &str, t: &str, owner: &str) {
    let v = s
        .ok(
            &cmd("import_group"),
            json!({"Type": t, "Name": id, "GroupId": id, "Owner_Account": owner,
        "CreateTime": T0 - 30 * DAY}),
        )
        .await;
    assert_eq!(v["GroupId"], id);
}

fn msgs(from: &str, times: &[i64]) -> Value {
    json!(times.iter().enumerate().map(|(i, t)| json!({"From_Account": from, "SendTime": t, "Random": 1000 + i as i64 + t, "MsgBody": text(&format!("m{t}"))})).collect::<Vec<_>>())
}

async fn import_msgs(s: &TestServer, group: &str, from: &str, times: &[i64]) -> Value {
    s.ok(
        &cmd("import_group_msg"),
        json!({"GroupId": group, "MsgList": msgs(from, times)}),
    )
    .await
}

async fn import_group_rules(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["o"]).await;
    import_group(&s, "g", "Public", "o").await;
    let g = info(&s, "g").await;
    assert_eq!(g["CreateTime"], T0 - 30 * DAY);
    assert_eq!(g["MemberList"][0]["Member_Account"], "o");
    let v = s
        .ok(
            &cmd("import_group"),
            json!({"Type": "Community", "Name": "c"}),
        )
        .await;
    assert!(v["GroupId"].as_str().unwrap().starts_with("@TGS#_"));
    s.fails(
        &cmd("import_group"),
        json!({"Type": "AVChatRoom", "Name": "x", "GroupId": "av"}),
        10007,
    )
    .await;
    s.fails(
        &cmd("import_group"),
        json!({"Type": "Public", "Name": "x", "GroupId": "g"}),
        10021,
    )
    .await;
    s.fails(
        &cmd("import_group"),
        json!({"Type": "Public", "Name": "x", "GroupId": "f", "CreateTime": T0 + 10}),
        10004,
    )
    .await;
    s.fails(
        &cmd("import_group"),
        json!({"Type": "Public", "Name": "x", "GroupId": "f", "CreateTime": "1"}),
        10004,
    )
    .await;
    assert_eq!(info(&s, "f").await["ErrorCode"], 10010);
}
both!(import_group_rules);

async fn import_group_msg_rules(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["o", "a"]).await;
    import_group(&s, "g", "Public", "o").await;
    let base = T0 - 20 * DAY;
    let v = import_msgs(&s, "g", "a", &[base, base, base + 5]).await;
    assert_eq!(
        v["ImportMsgResult"],
        json!([
        {"MsgSeq": 1, "MsgTime": base, "Result": 0},
        {"MsgSeq": 2, "MsgTime": base, "Result": 0},
        {"MsgSeq": 3, "MsgTime": base + 5, "Result": 0}])
    );
    // Before the newest message, before creation, in the future: per-message 10004.
    let v = import_msgs(&s, "g", "a", &[base + 4, T0 - 31 * DAY, T0 + 1, base + 6]).await;
    let results: Vec<i64> = v["ImportMsgResult"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Result"].as_i64().unwrap())
        .collect();
    assert_eq!(results, [10004, 10004, 10004, 0]);
    assert_eq!(v["ImportMsgResult"][3]["MsgSeq"], 4);
    // The same Random from the same sender within 5 minutes: one stored, the original's seq.
    let dup = json!([{"From_Account": "a", "SendTime": base + 10, "Random": 7, "MsgBody": text("x")},
                     {"From_Account": "a", "SendTime": base + 20, "Random": 7, "MsgBody": text("x")}]);
    let v = s
        .ok(
            &cmd("import_group_msg"),
            json!({"GroupId": "g", "MsgList": dup}),
        )
        .await;
    assert_eq!(v["ImportMsgResult"][0]["MsgSeq"], 5);
    assert_eq!(v["ImportMsgResult"][1]["MsgSeq"], 5);
    assert_eq!(info(&s, "g").await["NextMsgSeq"], 6);
    let long = json!([{"From_Account": "a", "SendTime": base + 30, "MsgBody": text(&"a".repeat(8001))},
                      {"From_Account": "a", "SendTime": base + 31, "MsgBody": text("ok")}]);
    let v = s
        .ok(
            &cmd("import_group_msg"),
            json!({"GroupId": "g", "MsgList": long}),
        )
        .await;
    assert_eq!(v["ImportMsgResult"][0]["Result"], 80002);
    assert_eq!(v["ImportMsgResult"][1]["MsgSeq"], 6);

    let eight: Vec<i64> = (0..8).map(|i| base + 100 + i).collect();
    let cases = [
        (json!({"GroupId": "g", "MsgList": []}), 10004),
        (json!({"GroupId": "g", "MsgList": msgs("a", &eight)}), 10004),
        (
            json!({"GroupId": "g", "MsgList": [{"From_Account": "a", "SendTime": "1", "MsgBody": text("x")}]}),
            10004,
        ),
        (
            json!({"GroupId": "g", "MsgList": [{"From_Account": "a", "SendTime": -5, "MsgBody": text("x")}]}),
            10004,
        ),
        (
            json!({"GroupId": "g", "MsgList": [{"From_Account": "a", "SendTime": base + 200, "Random": -1, "MsgBody": text("x")}]}),
            10004,
        ),
        (
            json!({"GroupId": "g", "MsgList": [{"From_Account": "a", "SendTime": base + 200, "MsgBody": []}]}),
            10004,
        ),
        (
            json!({"GroupId": "g", "RecentContactFlag": 2, "MsgList": msgs("a", &[base + 200])}),
            10004,
        ),
        (
            json!({"GroupId": "g", "MsgList": msgs("ghost", &[base + 200])}),
            10019,
        ),
        (
            json!({"GroupId": "nope", "MsgList": msgs("a", &[base + 200])}),
            10010,
        ),
    ];
    for (body, code) in cases {
        s.fails(&cmd("import_group_msg"), body, code).await;
    }
    assert_eq!(
        info(&s, "g").await["NextMsgSeq"],
        7,
        "refused batches stored nothing"
    );
    let av = create(&s, json!({"Type": "AVChatRoom", "Name": "live"})).await;
    s.fails(
        &cmd("import_group_msg"),
        json!({"GroupId": av, "MsgList": msgs("a", &[T0 - 10])}),
        10007,
    )
    .await;
}
both!(import_group_msg_rules);

async fn import_group_member_rules(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["o", "a", "b", "c", "d"]).await;
    import_group(&s, "g", "Public", "o").await;
    let base = T0 - 20 * DAY;
    import_msgs(
        &s,
        "g",
        "o",
        &[base, base + 1, base + 2, base + 3, base + 4],
    )
    .await;
    let v = s
        .ok(
            &cmd("import_group_member"),
            json!({"GroupId": "g", "MemberList": [
        {"Member_Account": "a", "Role": "Admin", "JoinTime": base, "UnreadMsgNum": 3},
        {"Member_Account": "b", "UnreadMsgNum": 100},
        {"Member_Account": "c", "JoinTime": T0 - 31 * DAY},
        {"Member_Account": "d", "JoinTime": T0 + 5},
        {"Member_Account": "ghost"},
        {"Member_Account": "o"},
        {"Member_Account": "a"},
        {"Member_Account": "x".repeat(33)}]}),
        )
        .await;
    let results: Vec<i64> = v["MemberList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["Result"].as_i64().unwrap())
        .collect();
    assert_eq!(results, [1, 1, 0, 0, 0, 2, 2, 0]);
    assert_eq!(unread(&s, "g", "a").await, 3);
    assert_eq!(
        unread(&s, "g", "b").await,
        5,
        "clamped to the message count"
    );
    let m = s
        .ok(
            &cmd("get_group_member_info"),
            json!({"GroupId": "g", "MemberRoleFilter": ["Admin"]}),
        )
        .await;
    assert_eq!(m["MemberList"][0]["Member_Account"], "a");
    assert_eq!(m["MemberList"][0]["JoinTime"], base);
    assert_eq!(m["MemberList"][0]["MsgSeq"], 2);
    let cases = [
        (json!({"GroupId": "g", "MemberList": []}), 10004),
        (
            json!({"GroupId": "g", "MemberList": [{"Member_Account": "c", "Role": "Owner"}]}),
            10004,
        ),
        (
            json!({"GroupId": "g", "MemberList": [{"Member_Account": "c", "Role": "admin"}]}),
            10004,
        ),
        (
            json!({"GroupId": "g", "MemberList": [{"Member_Account": "c", "JoinTime": "5"}]}),
            10004,
        ),
        (
            json!({"GroupId": "g", "MemberList": [{"Member_Account": "c", "JoinTime": 1.5}]}),
            10004,
        ),
        (
            json!({"GroupId": "g", "MemberList": [{"Member_Account": "c", "UnreadMsgNum": -1}]}),
            10004,
        ),
        (
            json!({"GroupId": "nope", "MemberList": [{"Member_Account": "c"}]}),
            10010,
        ),
    ];
    for (body, code) in cases {
        s.fails(&cmd("import_group_member"), body, code).await;
    }
    let too_many: Vec<Value> = (0..301)
        .map(|i| json!({"Member_Account": format!("x{i}")}))
        .collect();
    s.fails(
        &cmd("import_group_member"),
        json!({"GroupId": "g", "MemberList": too_many}),
        10005,
    )
    .await;
    assert_eq!(
        info(&s, "g").await["MemberNum"],
        3,
        "refused calls added nobody"
    );
    let av = create(&s, json!({"Type": "AVChatRoom", "Name": "live"})).await;
    s.fails(
        &cmd("import_group_member"),
        json!({"GroupId": av, "MemberList": [{"Member_Account": "c"}]}),
        10007,
    )
    .await;
}
both!(import_group_member_rules);

/// A retried import call: the messages stored by the first call come back with their original
/// seqs (a repeat inside the call too), although their times are now older than the newest
/// message; only the messages new to the group are stored.
async fn retried_import_returns_the_original_seqs(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["o", "a", "b"]).await;
    import_group(&s, "g", "Public", "o").await;
    let base = T0 - 20 * DAY;
    let m = |from: &str, t: i64, random: i64| json!({"From_Account": from, "SendTime": base + t, "Random": random, "MsgBody": text("x")});
    let seqs = |v: &Value| -> Vec<i64> {
        v["ImportMsgResult"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["MsgSeq"].as_i64().unwrap())
            .collect()
    };
    let first = json!([m("a", 10, 7), m("b", 11, 7), m("a", 12, 8)]);
    let v = s
        .ok(
            &cmd("import_group_msg"),
            json!({"GroupId": "g", "MsgList": first}),
        )
        .await;
    assert_eq!(seqs(&v), [1, 2, 3]);
    // Retried, with a repeat of a stored one, a repeat of a new one, and a Random reused after
    // the window; a message new to the group still must not be older than the newest.
    let retry = json!([
        m("a", 10, 7),
        m("b", 11, 7),
        m("a", 20, 7),
        m("b", 30, 9),
        m("b", 31, 9),
        m("a", 400, 7),
        m("b", 5, 10)
    ]);
    let v = s
        .ok(
            &cmd("import_group_msg"),
            json!({"GroupId": "g", "MsgList": retry}),
        )
        .await;
    assert_eq!(seqs(&v), [1, 2, 1, 4, 4, 5, 0]);
    assert_eq!(v["ImportMsgResult"][6]["Result"], 10004);
    assert_eq!(info(&s, "g").await["NextMsgSeq"], 6);
}
both!(retried_import_returns_the_original_seqs);

async fn set_unread_msg_num_rules(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    s.import_accounts(&["o", "a", "out"]).await;
    for t in ["Private", "Public", "ChatRoom", "Community"] {
        let id = if t == "Community" {
            "@TGS#_c".to_string()
        } else {
            t.to_lowercase()
        };
        import_group(&s, &id, t, "o").await;
        s.ok(
            &cmd("import_group_member"),
            json!({"GroupId": id, "MemberList": [{"Member_Account": "a"}]}),
        )
        .await;
        for i in 0..5 {
            send(&s, &id, "o", i).await;
        }
        let set = |n: Value| json!({"GroupId": id, "Member_Account": "a", "UnreadMsgNum": n});
        let supported = t != "ChatRoom";
        s.ok(&cmd("set_unread_msg_num"), set(json!(3))).await;
        assert_eq!(
            unread(&s, &id, "a").await,
            if supported { 3 } else { 0 },
            "{t}"
        );
        s.ok(&cmd("set_unread_msg_num"), set(json!(100))).await;
        assert_eq!(
            unread(&s, &id, "a").await,
            if supported { 5 } else { 0 },
            "{t} clamped"
        );
        s.ok(&cmd("set_unread_msg_num"), set(json!(0))).await;
        assert_eq!(unread(&s, &id, "a").await, 0);
        s.ok(&cmd("set_unread_msg_num"), set(json!(2))).await;
        s.ok(&cmd("set_unread_msg_num"), set(json!(2))).await;
        let expected = if supported { 2 } else { 0 };
        assert_eq!(unread(&s, &id, "a").await, expected, "{t} repeated");
        for (bad, code) in [
            (json!({"GroupId": id, "Member_Account": "a"}), 10004),
            (json!({"GroupId": id, "UnreadMsgNum": 1}), 10004),
            (json!({"Member_Account": "a", "UnreadMsgNum": 1}), 10004),
            (set(json!("5")), 10004),
            (set(json!(5.0)), 10004),
            (set(json!(5.5)), 10004),
            (set(json!(-1)), 10004),
            (set(json!(4294967296u64)), 10004),
            (set(json!(null)), 10004),
            (set(json!(true)), 10004),
            (set(json!([])), 10004),
            (
                json!({"GroupId": id, "Member_Account": "a".repeat(33), "UnreadMsgNum": 1}),
                10004,
            ),
            (
                json!({"GroupId": id, "Member_Account": 12345, "UnreadMsgNum": 1}),
                10004,
            ),
            (
                json!({"GroupId": "missing", "Member_Account": "a", "UnreadMsgNum": 1}),
                10010,
            ),
            (
                json!({"GroupId": "", "Member_Account": "a", "UnreadMsgNum": 1}),
                10015,
            ),
            (
                json!({"GroupId": "g".repeat(49), "Member_Account": "a", "UnreadMsgNum": 1}),
                10015,
            ),
            (
                json!({"groupid": id, "Member_Account": "a", "UnreadMsgNum": 1}),
                10004,
            ),
        ] {
            s.fails(&cmd("set_unread_msg_num"), bad, code).await;
        }
        if supported {
            s.fails(
                &cmd("set_unread_msg_num"),
                json!({"GroupId": id, "Member_Account": "out", "UnreadMsgNum": 1}),
                10007,
            )
            .await;
        }
        assert_eq!(
            unread(&s, &id, "a").await,
            expected,
            "{t}: bad calls changed nothing"
        );
        // Duplicate keys are refused, never silently resolved.
        let v = s
            .post_raw(
                &s.url(&cmd("set_unread_msg_num"))[s.base.len()..],
                format!(
                    r#"{{"GroupId":"{id}","Member_Account":"a","UnreadMsgNum":1,"UnreadMsgNum":4}}"#
                ),
            )
            .await;
        assert_eq!(v["ErrorCode"], 10004);
        // Extra fields are ignored, never applied.
        s.ok(
            &cmd("set_unread_msg_num"),
            json!({"GroupId": id, "Member_Account": "a", "UnreadMsgNum": 1, "Role": "Owner"}),
        )
        .await;
        let m = s
            .ok(
                &cmd("get_group_member_info"),
                json!({"GroupId": id, "MemberInfoFilter": ["Role"], "MemberRoleFilter": ["Owner"]}),
            )
            .await;
        assert_eq!(m["MemberList"].as_array().unwrap().len(), 1);
    }
    let av = create(
        &s,
        json!({"Type": "AVChatRoom", "Name": "live", "Owner_Account": "o"}),
    )
    .await;
    s.ok(
        &cmd("set_unread_msg_num"),
        json!({"GroupId": av, "Member_Account": "o", "UnreadMsgNum": 3}),
    )
    .await;
    assert_eq!(unread(&s, &av, "o").await, 0);
}
both!(set_unread_msg_num_rules);

/// A team's whole rehearsal: accounts, a group of each type, history, members with counts,
/// corrections, a new message, and every count read back two ways.
async fn migration_story(b: Backend) {
    let Some(mut s) = TestServer::start(b).await else {
        return;
    };
    let users = ["owner", "ann", "bob", "cid", "dee"];
    s.import_accounts(&users).await;
    let types = [
        ("work", "Private"),
        ("pub", "Public"),
        ("meet", "ChatRoom"),
        ("@TGS#_com", "Community"),
    ];
    let base = T0 - 10 * DAY;
    for (id, t) in types {
        import_group(&s, id, t, "owner").await;
        // ann joins before the history is imported: the import resets her count to 0.
        s.ok(
            &cmd("import_group_member"),
            json!({"GroupId": id, "MemberList": [{"Member_Account": "ann", "UnreadMsgNum": 4}]}),
        )
        .await;
        let times: Vec<i64> = (0..12).map(|i| base + i * 60).collect();
        for chunk in times.chunks(7) {
            import_msgs(&s, id, "owner", chunk).await;
        }
        s.ok(
            &cmd("import_group_member"),
            json!({"GroupId": id, "MemberList": [
            {"Member_Account": "bob", "JoinTime": base, "UnreadMsgNum": 5},
            {"Member_Account": "cid", "JoinTime": base, "UnreadMsgNum": 50},
            {"Member_Account": "dee", "JoinTime": base}]}),
        )
        .await;
    }
    let av = create(
        &s,
        json!({"Type": "AVChatRoom", "Name": "live", "Owner_Account": "owner"}),
    )
    .await;
    s.ok(
        &cmd("set_unread_msg_num"),
        json!({"GroupId": av, "Member_Account": "owner", "UnreadMsgNum": 3}),
    )
    .await;

    for (id, t) in types {
        let counts = t != "ChatRoom";
        let exp = |n: i64| if counts { n } else { 0 };
        assert_eq!(info(&s, id).await["NextMsgSeq"], 13, "{t}");
        assert_eq!(
            unread(&s, id, "ann").await,
            0,
            "{t}: import_group_msg reset ann"
        );
        assert_eq!(unread(&s, id, "bob").await, exp(5));
        assert_eq!(
            unread(&s, id, "cid").await,
            exp(12),
            "{t}: clamped to 12 messages"
        );
        assert_eq!(unread(&s, id, "dee").await, 0);
        for (user, n) in [("ann", 7), ("bob", 0), ("dee", 12), ("dee", 1)] {
            s.ok(
                &cmd("set_unread_msg_num"),
                json!({"GroupId": id, "Member_Account": user, "UnreadMsgNum": n}),
            )
            .await;
        }
        // A new message: everyone else gets one more, the sender (bob) does not.
        assert_eq!(send(&s, id, "bob", 4242).await["MsgSeq"], 13);
        let after = [
            ("owner", 1),
            ("ann", 8),
            ("bob", 0),
            ("cid", 13),
            ("dee", 2),
        ];
        for (user, n) in after {
            assert_eq!(unread(&s, id, user).await, exp(n), "{t} {user}");
        }
    }
    assert_eq!(unread(&s, &av, "owner").await, 0);
    // Everything survives a restart.
    s.restart().await;
    assert_eq!(unread(&s, "pub", "cid").await, 13);
    assert_eq!(unread(&s, "pub", "ann").await, 8);
}
both!(migration_story);
