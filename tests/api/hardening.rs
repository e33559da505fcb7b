//! Defects found by hostile probing, each pinned by a test: the one message measure, duplicate
//! keys inside free-form JSON, account_delete against membership writes, over-long batches.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::both;
use crate::common::*;
use crate::groups::{cmd, create, info, public_group_owned_by_a, text};

/// Posts a raw body to a command as the default admin (for bodies `json!` cannot express).
async fn post_text(s: &TestServer, command: &str, body: &str) -> Value {
    let url = s.url(command);
    let path = url.strip_prefix(&s.base).unwrap_or(&url).to_string();
    s.post_raw(&path, body.to_string()).await
}

async fn history_len(s: &TestServer, group: &str) -> usize {
    let v = s
        .ok(
            &cmd("group_msg_get_simple"),
            json!({"GroupId": group, "ReqMsgNumber": 20}),
        )
        .await;
    v["RspMsgList"].as_array().map_or(0, Vec::len)
}

async fn the_message_limit_counts_everything_stored(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    public_group_owned_by_a(&s).await;
    let send = |body: Value| {
        let mut req = json!({"GroupId": "g", "Random": 1, "From_Account": "a"});
        for (k, v) in body.as_object().into_iter().flatten() {
            req[k] = v.clone();
        }
        req
    };
    s.clock.advance(std::time::Duration::from_secs(100));
    // "Text" and its value: 4 + 7996 bytes fit exactly; one more byte does not.
    s.ok(
        &cmd("send_group_msg"),
        send(json!({"MsgBody": text(&"a".repeat(7996))})),
    )
    .await;
    let too_long = [
        json!({"Random": 2, "MsgBody": text(&"a".repeat(7997))}),
        // CloudCustomData counts.
        json!({"Random": 3, "MsgBody": text(&"a".repeat(7000)), "CloudCustomData": "c".repeat(1001)}),
        // Keys and nulls count: 2,000 keys of null inside a custom element.
        json!({"Random": 4, "MsgBody": [{"MsgType": "TIMCustomElem", "MsgContent":
            (0..2000).map(|i| (format!("k{i:04}"), Value::Null)).collect::<serde_json::Map<_, _>>()}]}),
        // Booleans count.
        json!({"Random": 5, "MsgBody": [{"MsgType": "TIMCustomElem", "MsgContent":
            {"Data": "d", "Flags": vec![false; 2000]}}]}),
        // A field beside MsgContent counts.
        json!({"Random": 6, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "x"},
            "Padding": "p".repeat(9000)}]}),
    ];
    for body in too_long {
        s.fails(&cmd("send_group_msg"), send(body), 80002).await;
    }
    // What is stored beside the message is bounded too.
    let push = json!({"Title": "t", "Ext": "e".repeat(8001)});
    s.fails(
        &cmd("send_group_msg"),
        send(json!({"Random": 7, "MsgBody": text("x"), "OfflinePushInfo": push})),
        10004,
    )
    .await;
    assert_eq!(info(&s, "g").await["NextMsgSeq"], 2, "nothing else stored");

    // Imports use the same measure: that message alone fails with Result 80002.
    s.clock.advance(std::time::Duration::from_secs(100));
    let v = s
        .ok(
            &cmd("import_group_msg"),
            json!({"GroupId": "g", "MsgList": [
                {"From_Account": "a", "SendTime": T0 + 150, "Random": 10, "MsgBody": text("ok")},
                {"From_Account": "a", "SendTime": T0 + 151, "Random": 11, "MsgBody": text("x"),
                 "CloudCustomData": "c".repeat(8000)}]}),
        )
        .await;
    assert_eq!(v["ImportMsgResult"][0]["Result"], 0);
    assert_eq!(v["ImportMsgResult"][1]["Result"], 80002);

    // A system notification's Content is a message too.
    s.fails(
        &cmd("send_group_system_notification"),
        json!({"GroupId": "g", "Content": "n".repeat(8001)}),
        10004,
    )
    .await;
    s.ok(
        &cmd("send_group_system_notification"),
        json!({"GroupId": "g", "Content": "n".repeat(8000)}),
    )
    .await;

    // A full history page stays bounded: 20 messages at the limit answer well under 1 MB.
    for r in 100..120u32 {
        let body = json!({"Random": r, "MsgBody": text(&"\u{1}".repeat(7996))});
        s.ok(&cmd("send_group_msg"), send(body)).await;
    }
    let page = s
        .client
        .post(s.url(&cmd("group_msg_get_simple")))
        .body(json!({"GroupId": "g", "ReqMsgNumber": 20}).to_string())
        .send()
        .await
        .expect("request")
        .bytes()
        .await
        .expect("body");
    assert!(
        page.len() < 1_000_000,
        "a history page of {} bytes",
        page.len()
    );
}
both!(the_message_limit_counts_everything_stored);

async fn duplicate_keys_inside_messages_are_refused(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    public_group_owned_by_a(&s).await;
    let bodies = [
        r#"{"GroupId":"g","Random":1,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"a","Text":"b"}}]}"#,
        r#"{"GroupId":"g","Random":2,"MsgBody":[{"MsgType":"TIMTextElem","MsgType":"TIMFaceElem","MsgContent":{"Text":"a"}}]}"#,
        r#"{"GroupId":"g","Random":3,"MsgBody":[{"MsgType":"TIMCustomElem","MsgContent":{"Data":{"x":1,"x":2}}}]}"#,
        r#"{"GroupId":"g","Random":4,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"a"}}],"OfflinePushInfo":{"Title":"a","Title":"b"}}"#,
    ];
    for body in bodies {
        let v = post_text(&s, &cmd("send_group_msg"), body).await;
        assert_eq!(v["ErrorCode"], 10004, "{body} -> {v}");
        let info = v["ErrorInfo"].as_str().unwrap_or_default();
        assert!(info.contains("duplicate"), "{info}");
    }
    let import = r#"{"GroupId":"g","MsgList":[{"From_Account":"a","SendTime":1699999990,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"a","Text":"b"}}]}]}"#;
    let v = post_text(&s, &cmd("import_group_msg"), import).await;
    assert_eq!(v["ErrorCode"], 10004, "{v}");
    assert_eq!(history_len(&s, "g").await, 0, "nothing stored");
}
both!(duplicate_keys_inside_messages_are_refused);

async fn role(s: &TestServer, group: &str, user: &str) -> String {
    let v = s
        .call(
            &cmd("get_role_in_group"),
            json!({"GroupId": group, "User_Account": [user]}),
        )
        .await;
    match v["ErrorCode"].as_i64() {
        Some(0) => v["UserIdList"][0]["Role"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        // A create_group that lost the race made no group.
        Some(10010) => "NotMember".into(),
        _ => panic!("get_role_in_group answered {v}"),
    }
}

/// account_delete racing add_group_member, import_group_member and create_group for the same
/// account: whichever wins, a deleted account is never left a member or an owner, and neither
/// side fails (a deadlock between them would answer the internal-error code).
async fn account_delete_never_leaves_a_membership_behind(b: Backend) {
    // Many checks per round: more than Tencent's 200 calls/s of these commands allow.
    let unlimited = |settings: &mut opentim::config::Settings| {
        for command in ["get_role_in_group", "get_group_info", "add_group_member"] {
            settings
                .rate_limits
                .commands
                .insert(command.into(), 1_000_000);
        }
    };
    let Some(s) = TestServer::start_with(b, unlimited).await else {
        return;
    };
    let s = Arc::new(s);
    for g in ["pa", "pi", "pd"] {
        create(&s, json!({"Type": "Public", "Name": "x", "GroupId": g})).await;
    }
    for round in 0..40 {
        let user = format!("u{round}");
        // `old` is a member of pd already and sorts before `user`: deleting both takes pd's
        // lock between the two accounts unless every account is locked first.
        let old = format!("a{round}");
        s.import_accounts(&[user.as_str(), old.as_str()]).await;
        s.ok(
            &cmd("add_group_member"),
            json!({"GroupId": "pd", "MemberList": [{"Member_Account": old}]}),
        )
        .await;
        let mut tasks = Vec::new();
        let writes = [
            (
                "add_group_member",
                json!({"GroupId": "pa", "MemberList": [{"Member_Account": user}]}),
            ),
            (
                "import_group_member",
                json!({"GroupId": "pi", "MemberList": [{"Member_Account": user}]}),
            ),
            (
                "add_group_member",
                json!({"GroupId": "pd", "MemberList": [{"Member_Account": user}]}),
            ),
            (
                "create_group",
                json!({"Type": "Public", "Name": "x", "GroupId": format!("c{round}"), "Owner_Account": user}),
            ),
            (
                "create_group",
                json!({"Type": "Public", "Name": "x", "GroupId": format!("m{round}"),
                       "MemberList": [{"Member_Account": user}]}),
            ),
        ];
        for (command, body) in writes {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                let v = s.call(&cmd(command), body).await;
                // Either it ran first, or it saw the account gone.
                let code = v["ErrorCode"].as_i64().unwrap_or(-1);
                assert!(matches!(code, 0 | 10019), "{command} -> {v}");
            }));
        }
        let deleter = {
            let s = s.clone();
            let user = user.clone();
            let old = old.clone();
            tokio::spawn(async move {
                s.ok(
                    "im_open_login_svc/account_delete",
                    json!({"DeleteItem": [{"UserID": user}, {"UserID": old}]}),
                )
                .await;
            })
        };
        for t in tasks {
            t.await.expect("write task");
        }
        deleter.await.expect("delete task");
        // The account is gone, and so is every membership and ownership it had; importing the
        // id again brings none back.
        s.import_accounts(&[user.as_str(), old.as_str()]).await;
        assert_eq!(role(&s, "pd", &old).await, "NotMember", "{old} in pd");
        for group in [
            "pa".to_string(),
            "pi".into(),
            "pd".into(),
            format!("c{round}"),
            format!("m{round}"),
        ] {
            assert_eq!(
                role(&s, &group, &user).await,
                "NotMember",
                "{user} in {group}"
            );
        }
        for group in ["pa", "pi", "pd"] {
            let members = info(&s, group).await["MemberNum"].as_i64();
            assert_eq!(members, Some(0), "{group} after round {round}");
        }
    }
}
both!(account_delete_never_leaves_a_membership_behind);

async fn over_long_batches_answer_the_documented_code(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    create(&s, json!({"Type": "Public", "Name": "x", "GroupId": "g"})).await;
    let ids = |n: usize| (0..n).map(|i| format!("x{i}")).collect::<Vec<_>>();
    // Tencent lists no 10005 on these pages: the invalid-parameter code.
    let cases = [
        ("get_group_info", json!({"GroupIdList": ids(51)})),
        (
            "delete_group_member",
            json!({"GroupId": "g", "MemberToDel_Account": ids(101)}),
        ),
        (
            "send_group_system_notification",
            json!({"GroupId": "g", "Content": "c", "ToMembers_Account": ids(501)}),
        ),
    ];
    for (command, body) in cases {
        s.fails(&cmd(command), body, 10004).await;
    }
    // Where the page documents 10005 ("too many accounts").
    let members = |n: usize| {
        ids(n)
            .into_iter()
            .map(|m| json!({"Member_Account": m}))
            .collect::<Vec<_>>()
    };
    s.fails(
        &cmd("add_group_member"),
        json!({"GroupId": "g", "MemberList": members(301)}),
        10005,
    )
    .await;
    s.fails(
        &cmd("create_group"),
        json!({"Type": "Public", "Name": "x", "MemberList": members(101)}),
        10005,
    )
    .await;
}
both!(over_long_batches_answer_the_documented_code);

/// account_check called by `identifier` with `sig`; the answer's ErrorCode.
async fn code_with_sig(s: &TestServer, identifier: &str, sig: &str) -> i64 {
    let path = format!(
        "/v4/im_open_login_svc/account_check?sdkappid={SDKAPPID}&identifier={identifier}&usersig={sig}&random=1&contenttype=json"
    );
    let v = s
        .post_raw(&path, json!({"CheckItem": [{"UserID": "a"}]}).to_string())
        .await;
    v["ErrorCode"].as_i64().unwrap_or(-1)
}

/// A kick revokes every UserSig in use before it, even one issued ahead of the clock; UserSigs
/// issued too far ahead, or living longer than 50 years, are refused.
async fn kicks_revoke_usersigs_issued_ahead_and_absurd_ones_are_refused(b: Backend) {
    let Some(s) = TestServer::start(b).await else {
        return;
    };
    let now = s.now();
    let sign =
        |time: i64, expire: i64| opentim::usersig::sign(SDKAPPID, KEY, "admin2", time, expire);
    let ahead = sign(now + 3600, 86400);
    assert_eq!(code_with_sig(&s, "admin2", &ahead).await, 0);
    s.clock.advance(std::time::Duration::from_secs(1));
    s.ok("im_open_login_svc/kick", json!({"UserID": "admin2"}))
        .await;
    assert_eq!(
        code_with_sig(&s, "admin2", &ahead).await,
        70052,
        "in use before the kick"
    );
    // The kick reaches up to the newest TLS.time in use: a UserSig issued now is refused until
    // the clock passes it, and then one issued later works.
    assert_eq!(
        code_with_sig(&s, "admin2", &sign(s.now(), 86400)).await,
        70052
    );
    s.clock.advance(std::time::Duration::from_secs(3600));
    assert_eq!(code_with_sig(&s, "admin2", &sign(s.now(), 86400)).await, 0);
    // The kick survives a restart with the same reach.
    let mut s = s;
    s.restart().await;
    assert_eq!(code_with_sig(&s, "admin2", &ahead).await, 70052);

    let now = s.now();
    let admin_sign =
        |time: i64, expire: i64| opentim::usersig::sign(SDKAPPID, KEY, ADMIN, time, expire);
    for sig in [
        admin_sign(now + 86401, 86400),
        admin_sign(1000, i64::MAX - 1000),
        admin_sign(now, opentim::usersig::MAX_EXPIRE_SECS + 1),
    ] {
        assert_eq!(code_with_sig(&s, ADMIN, &sig).await, 70003);
    }
    assert_eq!(
        code_with_sig(&s, ADMIN, &admin_sign(now + 86400, 10)).await,
        0,
        "a day of skew"
    );
}
both!(kicks_revoke_usersigs_issued_ahead_and_absurd_ones_are_refused);
