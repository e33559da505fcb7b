//! The wire contract: query parameters, authentication order, envelope, body and method errors, rate limits.

use serde_json::{Value, json};

use crate::common::*;

const CHECK: &str = "/v4/im_open_login_svc/account_check";
const BODY: &str = r#"{"CheckItem":[{"UserID":"administrator"}]}"#;

async fn server() -> TestServer {
    TestServer::start(Backend::Sqlite)
        .await
        .expect("sqlite always runs")
}

fn code(v: &Value) -> i64 {
    v["ErrorCode"].as_i64().expect("integer ErrorCode")
}

#[tokio::test]
async fn authentication_failures_have_their_codes() {
    let s = server().await;
    let sig = s.sig(ADMIN);
    let cases: Vec<(String, i64)> = vec![
        (format!("{CHECK}?identifier={ADMIN}&usersig={sig}"), 60012),
        (
            format!("{CHECK}?sdkappid=abc&identifier={ADMIN}&usersig={sig}"),
            60002,
        ),
        (
            format!("{CHECK}?sdkappid=99999999999999999999&identifier={ADMIN}&usersig={sig}"),
            60002,
        ),
        (
            format!("{CHECK}?sdkappid=1400000099&identifier={ADMIN}&usersig={sig}"),
            70020,
        ),
        (format!("{CHECK}?sdkappid={SDKAPPID}&usersig={sig}"), 60004),
        (
            format!("{CHECK}?sdkappid={SDKAPPID}&identifier={ADMIN}"),
            60004,
        ),
        (
            format!("{CHECK}?sdkappid={SDKAPPID}&identifier={ADMIN}&usersig="),
            70002,
        ),
        (
            format!("{CHECK}?sdkappid={SDKAPPID}&identifier={ADMIN}&usersig=eJyrVgrxCdYr"),
            70003,
        ),
        (
            format!(
                "{CHECK}?sdkappid={SDKAPPID}&identifier={ADMIN}&usersig={}",
                &sig[..sig.len() - 10]
            ),
            70003,
        ),
        (
            format!("{CHECK}?sdkappid={SDKAPPID}&identifier=admin2&usersig={sig}"),
            70013,
        ),
        (
            format!("{CHECK}?sdkappid={SDKAPPID}&identifier=Administrator&usersig={sig}"),
            70013,
        ),
        (
            format!(
                "{CHECK}?sdkappid={SDKAPPID}&identifier={ADMIN}&usersig={sig}&sdkappid={SDKAPPID}"
            ),
            60002,
        ),
        (
            format!(
                "{CHECK}?sdkappid={SDKAPPID}&identifier={ADMIN}&usersig={sig}&random=4294967296"
            ),
            60002,
        ),
        (
            format!("{CHECK}?sdkappid={SDKAPPID}&identifier={ADMIN}&usersig={sig}&contenttype=xml"),
            60002,
        ),
        (
            format!("{CHECK}?SdkAppId={SDKAPPID}&identifier={ADMIN}&usersig={sig}"),
            60012,
        ),
    ];
    for (url, expected) in cases {
        let v = s.post_raw(&url, BODY).await;
        assert_eq!(code(&v), expected, "{url} -> {v}");
        assert_eq!(v["ActionStatus"], "FAIL");
        assert!(!v["ErrorInfo"].as_str().unwrap_or("").is_empty());
        assert!(
            !v.to_string().contains(KEY),
            "the key never appears in an answer"
        );
    }
}

#[tokio::test]
async fn signature_key_expiry_and_app_checks() {
    let s = server().await;
    let now = s.now();
    let url =
        |sig: &str, id: &str| format!("{CHECK}?sdkappid={SDKAPPID}&identifier={id}&usersig={sig}");
    let wrong_key = opentim::usersig::sign(SDKAPPID, "another-key", ADMIN, now, 86400);
    assert_eq!(
        code(&s.post_raw(&url(&wrong_key, ADMIN), BODY).await),
        70009
    );
    let other_app = opentim::usersig::sign(1400000001, KEY, ADMIN, now, 86400);
    assert_eq!(
        code(&s.post_raw(&url(&other_app, ADMIN), BODY).await),
        70014
    );
    let user_sig = opentim::usersig::sign(SDKAPPID, KEY, "alice", now, 86400);
    assert_eq!(
        code(&s.post_raw(&url(&user_sig, "alice"), BODY).await),
        60010
    );
    // Valid up to and including time + expire, expired one second later.
    let short = opentim::usersig::sign(SDKAPPID, KEY, ADMIN, now, 10);
    assert_eq!(code(&s.post_raw(&url(&short, ADMIN), BODY).await), 0);
    s.clock.advance(std::time::Duration::from_secs(10));
    assert_eq!(code(&s.post_raw(&url(&short, ADMIN), BODY).await), 0);
    s.clock.advance(std::time::Duration::from_secs(1));
    assert_eq!(code(&s.post_raw(&url(&short, ADMIN), BODY).await), 70001);
}

#[tokio::test]
async fn wrong_signatures_lock_out_their_identifier() {
    let s = server().await;
    let now = s.now();
    let url =
        |sig: &str, id: &str| format!("{CHECK}?sdkappid={SDKAPPID}&identifier={id}&usersig={sig}");
    let known = opentim::usersig::sign(SDKAPPID, KEY, ADMIN, now - 10, 86400);
    assert_eq!(code(&s.post_raw(&url(&known, ADMIN), BODY).await), 0);
    // A brute force: 100 wrong signatures for the admin within one minute.
    let mut codes = Vec::new();
    for i in 0..100 {
        let guess = opentim::usersig::sign(SDKAPPID, &format!("guess-{i}"), ADMIN, now, 86400);
        codes.push(code(&s.post_raw(&url(&guess, ADMIN), BODY).await));
    }
    let threshold = opentim::auth::MAX_SIG_FAILURES as usize;
    assert!(codes[..threshold].iter().all(|&c| c == 70009), "{codes:?}");
    assert!(codes[threshold..].iter().all(|&c| c == 70050), "{codes:?}");
    let v = s
        .post_raw(
            &url(
                &opentim::usersig::sign(SDKAPPID, KEY, ADMIN, now, 86400),
                ADMIN,
            ),
            BODY,
        )
        .await;
    assert_eq!(code(&v), 70050);
    assert!(
        v["ErrorInfo"]
            .as_str()
            .unwrap()
            .contains("retry in 1 minute")
    );
    // The UserSig verified before keeps working; so do other identifiers.
    assert_eq!(code(&s.post_raw(&url(&known, ADMIN), BODY).await), 0);
    let alice = opentim::usersig::sign(SDKAPPID, KEY, "alice", now, 86400);
    assert_eq!(code(&s.post_raw(&url(&alice, "alice"), BODY).await), 60010);
    // A minute later the identifier may sign in again.
    s.clock.advance(std::time::Duration::from_secs(60));
    let fresh = opentim::usersig::sign(SDKAPPID, KEY, ADMIN, now + 1, 86400);
    assert_eq!(code(&s.post_raw(&url(&fresh, ADMIN), BODY).await), 0);
}

#[tokio::test]
async fn key_rotation_takes_effect_on_reload_without_dropping_requests() {
    let s = server().await;
    let now = s.now();
    let url = |sig: &str| format!("{CHECK}?sdkappid={SDKAPPID}&identifier={ADMIN}&usersig={sig}");
    let old_sig = opentim::usersig::sign(SDKAPPID, KEY, ADMIN, now, 86400);
    let new_key = "rotated-key-0123456789abcdef";
    let new_sig = opentim::usersig::sign(SDKAPPID, new_key, ADMIN, now, 86400);
    assert_eq!(code(&s.post_raw(&url(&old_sig), BODY).await), 0);
    assert_eq!(code(&s.post_raw(&url(&new_sig), BODY).await), 70009);
    let app = |key: &str, previous: &[&str]| opentim::config::AppConfig {
        profile_custom_tags: Vec::new(),
        sdkappid: SDKAPPID,
        secret_key: key.into(),
        previous_keys: previous.iter().map(|k| k.to_string()).collect(),
        admins: vec![ADMIN.into()],
    };
    // Rotation starts while requests signed with the old key are in flight: all are answered.
    let in_flight: Vec<_> = (0..40)
        .map(|_| {
            let client = s.client.clone();
            let target = format!("{}{}", s.base, url(&old_sig));
            tokio::spawn(async move {
                let v: Value = client.post(target).body(BODY).send().await?.json().await?;
                Ok::<_, reqwest::Error>(v)
            })
        })
        .collect();
    let state = s.server.as_ref().expect("running").state.clone();
    let notes = state.reload_apps(&[app(new_key, &[KEY])]);
    assert!(notes.is_empty(), "{notes:?}");
    for request in in_flight {
        let v = request.await.unwrap().expect("answered");
        assert_eq!(code(&v), 0, "{v}");
    }
    // Both keys verify during the rotation.
    assert_eq!(code(&s.post_raw(&url(&old_sig), BODY).await), 0);
    assert_eq!(code(&s.post_raw(&url(&new_sig), BODY).await), 0);
    // The old key removed: its UserSigs fail at once, even one verified (cached) before.
    state.reload_apps(&[app(new_key, &[])]);
    assert_eq!(code(&s.post_raw(&url(&old_sig), BODY).await), 70009);
    assert_eq!(code(&s.post_raw(&url(&new_sig), BODY).await), 0);
    // Apps are added or removed only by a restart; a reload says so and changes nothing else.
    let other = opentim::config::AppConfig {
        profile_custom_tags: Vec::new(),
        sdkappid: 1400000009,
        ..app("k", &[])
    };
    let notes = state.reload_apps(&[app(new_key, &[]), other]);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(state.app(1400000009).is_none());
}

#[tokio::test]
async fn old_sdk_quirks_are_tolerated() {
    let s = server().await;
    let sig = s.sig(ADMIN);
    let encoded: String = sig
        .chars()
        .map(|c| match c {
            '*' => "%2A".to_string(),
            '-' => "%2D".to_string(),
            '_' => "%5F".to_string(),
            c => c.to_string(),
        })
        .collect();
    // usersig first, no random, no contenttype, no Content-Type header, percent-encoded sig.
    let url = format!("{CHECK}?usersig={encoded}&identifier={ADMIN}&sdkappid={SDKAPPID}");
    let v = s.post_raw(&url, BODY).await;
    assert_eq!(code(&v), 0, "{v}");
    assert_eq!(v["ResultItem"][0]["AccountStatus"], "NotImported");
    // Form-encoded Content-Type, as PHP's curl POSTFIELDS sends.
    let resp = s
        .client
        .post(format!("{}{url}", s.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(BODY)
        .send()
        .await
        .unwrap();
    let v: Value = resp.json().await.unwrap();
    assert_eq!(code(&v), 0);
}

#[tokio::test]
async fn bad_bodies_methods_and_paths() {
    let s = TestServer::start_with(Backend::Sqlite, |c| c.body_limit = 1000)
        .await
        .unwrap();
    let q = format!(
        "?sdkappid={SDKAPPID}&identifier={ADMIN}&usersig={}",
        s.sig(ADMIN)
    );
    for body in [
        "",
        "   ",
        "{\"CheckItem\":",
        "{} xyz",
        "[]",
        "\"x\"",
        "null",
        "\u{feff}{}",
        "{'a':1}",
    ] {
        let v = s.post_raw(&format!("{CHECK}{q}"), body).await;
        assert_eq!(code(&v), 60003, "body {body:?} -> {v}");
    }
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(
        code(&s.post_raw(&format!("{CHECK}{q}"), deep).await),
        60002,
        "over the limit"
    );
    let nested = format!("{{\"a\":{}1{}}}", "[".repeat(400), "]".repeat(400));
    assert_eq!(
        code(&s.post_raw(&format!("{CHECK}{q}"), nested).await),
        60003
    );
    let big = format!(
        "{{\"CheckItem\":[{{\"UserID\":\"{}\"}}]}}",
        "a".repeat(2000)
    );
    assert_eq!(code(&s.post_raw(&format!("{CHECK}{q}"), big).await), 60002);
    // Empty object where fields are required: the family's invalid-parameter code.
    assert_eq!(code(&s.post_raw(&format!("{CHECK}{q}"), "{}").await), 70402);

    for path in [
        "/v4/foo_svc/bar",
        "/v3/im_open_login_svc/account_check",
        "/v4//im_open_login_svc/account_check",
        "/v4/im_open_login_svc/account_check/",
        "/",
    ] {
        let v = s.post_raw(&format!("{path}{q}"), BODY).await;
        assert_eq!(code(&v), 60009, "{path} -> {v}");
    }
    // Path traversal is not normalised into another route (sent raw: HTTP clients normalise it).
    for path in [
        "/v4/group_open_http_svc/../im_open_login_svc/account_check",
        "/v4/group_open_http_svc/%2e%2e/im_open_login_svc/account_check",
    ] {
        let v = raw_post(&s, &format!("{path}{q}"), BODY).await;
        assert_eq!(code(&v), 60009, "{path} -> {v}");
    }
    let v = s
        .post_raw(&format!("/v4/group_open_http_svc/nope{q}"), BODY)
        .await;
    assert_eq!(code(&v), 10003);
    let v = s
        .post_raw(&format!("/v4/im_open_login_svc/nope{q}"), BODY)
        .await;
    assert_eq!(code(&v), 60009);

    let resp = s
        .client
        .get(format!("{}{CHECK}{q}", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(code(&v), 60002);
}

#[tokio::test]
async fn rate_limit_answers_60007_and_refills_with_time() {
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.rate_limits.commands.insert("account_check".into(), 2);
    })
    .await
    .unwrap();
    let body = json!({"CheckItem":[{"UserID":"a"}]});
    s.ok("im_open_login_svc/account_check", body.clone()).await;
    s.ok("im_open_login_svc/account_check", body.clone()).await;
    s.fails("im_open_login_svc/account_check", body.clone(), 60007)
        .await;
    // Other commands have their own budget.
    s.ok("im_open_login_svc/account_import", json!({"UserID":"a"}))
        .await;
    s.clock.advance(std::time::Duration::from_secs(1));
    s.ok("im_open_login_svc/account_check", body).await;
}

#[tokio::test]
async fn apps_are_isolated() {
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.apps.push(opentim::config::AppConfig {
            profile_custom_tags: Vec::new(),
            sdkappid: 1400000001,
            secret_key: "second-key".into(),
            previous_keys: Vec::new(),
            admins: vec![ADMIN.into()],
        });
    })
    .await
    .unwrap();
    s.import_accounts(&["alice"]).await;
    let now = s.now();
    let sig_b = opentim::usersig::sign(1400000001, "second-key", ADMIN, now, 86400);
    let url_b = format!("{CHECK}?sdkappid=1400000001&identifier={ADMIN}&usersig={sig_b}");
    let v = s
        .post_raw(&url_b, r#"{"CheckItem":[{"UserID":"alice"}]}"#)
        .await;
    assert_eq!(v["ResultItem"][0]["AccountStatus"], "NotImported");
    // App A's key never validates a call to app B.
    let sig_a = opentim::usersig::sign(1400000001, KEY, ADMIN, now, 86400);
    let url = format!("{CHECK}?sdkappid=1400000001&identifier={ADMIN}&usersig={sig_a}");
    assert_eq!(code(&s.post_raw(&url, BODY).await), 70009);
    // S26: a GroupId that exists only in app B is unknown to app A, and the same id in both
    // apps names two independent groups.
    let in_b = |command: &str| {
        format!(
            "/v4/group_open_http_svc/{command}?sdkappid=1400000001&identifier={ADMIN}&usersig={sig_b}"
        )
    };
    let created = json!({"Type": "Public", "Name": "in B", "GroupId": "shared-id"});
    let v = s.post_raw(&in_b("create_group"), created.to_string()).await;
    assert_eq!(code(&v), 0, "{v}");
    let info = json!({"GroupIdList": ["shared-id"]});
    let v = s
        .call("group_open_http_svc/get_group_info", info.clone())
        .await;
    assert_eq!(v["GroupInfo"][0]["ErrorCode"], 10010, "{v}");
    s.ok(
        "group_open_http_svc/create_group",
        json!({"Type": "Public", "Name": "in A", "GroupId": "shared-id"}),
    )
    .await;
    let a = s
        .ok("group_open_http_svc/get_group_info", info.clone())
        .await;
    assert_eq!(a["GroupInfo"][0]["Name"], "in A");
    let b = s.post_raw(&in_b("get_group_info"), info.to_string()).await;
    assert_eq!(b["GroupInfo"][0]["Name"], "in B");
}

#[tokio::test]
async fn first_start_creates_and_remembers_an_app() {
    let (database, _dir) = fresh_database(Backend::Sqlite).await.unwrap();
    let mut settings = default_settings(&database);
    settings.apps.clear();
    let clock = opentim::clock::ManualClock::new(T0);
    let first = opentim::app::start(settings.clone(), clock.clone())
        .await
        .unwrap();
    let created = first.created_app.clone().expect("an app is created");
    assert_eq!(created.sdkappid, 1400000000);
    assert_eq!(created.secret_key.len(), 64);
    assert!(created.secret_key.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(created.admins, vec!["administrator".to_string()]);
    first.stop().await;
    let second = opentim::app::start(settings, clock).await.unwrap();
    assert!(second.created_app.is_none());
    let app = second.state.app(1400000000).expect("remembered");
    assert_eq!(app.secret_key, created.secret_key);
    second.stop().await;
}

/// Sends one HTTP/1.1 POST exactly as written and parses the JSON answer.
async fn raw_post(s: &TestServer, target: &str, body: &str) -> Value {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = s.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "POST {target} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let json = &answer[answer.find("\r\n\r\n").unwrap() + 4..];
    serde_json::from_str(json).unwrap()
}
