//! Rows of reliability.md §4(c)/(d) not covered by the topic files, each named by its row id:
//! odd JSON (B6, B7, B9), the body limit's edge (B11), other methods (A17), oversized and split
//! request heads (A16b, A18), path-like ids (G1), odd UserSig claims (S7, S8, S20–S22), and a
//! scan of every answer for leaked internals (S31).

use std::io::Write;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::*;

const CHECK: &str = "/v4/im_open_login_svc/account_check";
const IMPORT: &str = "/v4/im_open_login_svc/account_import";
const BODY: &str = r#"{"CheckItem":[{"UserID":"administrator"}]}"#;

fn code(v: &Value) -> i64 {
    v["ErrorCode"].as_i64().expect("integer ErrorCode")
}

/// A UserSig from raw claims JSON, zlib-packed and encoded the way Tencent's libraries do.
fn token(claims: &str) -> String {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(claims.as_bytes()).unwrap();
    STANDARD
        .encode(z.finish().unwrap())
        .replace('+', "*")
        .replace('/', "-")
        .replace('=', "_")
}

/// Sends raw bytes on one connection, in the given pieces, and returns what came back.
async fn raw(s: &TestServer, pieces: &[&[u8]]) -> String {
    let addr = s.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    for piece in pieces {
        if stream.write_all(piece).await.is_err() {
            break;
        }
        let _ = stream.flush().await;
    }
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        stream.read_to_end(&mut answer),
    )
    .await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// Every answer of this file, scanned at the end for internals (S31).
#[derive(Default)]
struct Answers(Vec<String>);

impl Answers {
    fn keep(&mut self, v: Value) -> Value {
        self.0.push(v.to_string());
        v
    }

    fn assert_clean(&self) {
        let leaks = [
            KEY,
            "SELECT",
            "INSERT",
            "sqlite",
            "SQLITE",
            "postgres",
            "panicked",
            "src/",
            "/tmp",
            ".rs:",
            "backtrace",
        ];
        for answer in &self.0 {
            for leak in leaks {
                assert!(!answer.contains(leak), "S31: {leak:?} in {answer}");
            }
        }
    }
}

async fn imported(s: &TestServer, id: &str) -> bool {
    let v = s
        .ok(
            "im_open_login_svc/account_check",
            json!({"CheckItem": [{"UserID": id}]}),
        )
        .await;
    v["ResultItem"][0]["AccountStatus"] == "Imported"
}

#[tokio::test]
async fn catalogue_rows_without_a_topic_file() {
    let s = TestServer::start_with(Backend::Sqlite, |c| c.body_limit = 1000)
        .await
        .unwrap();
    let mut answers = Answers::default();
    let q = format!(
        "?sdkappid={SDKAPPID}&identifier={ADMIN}&usersig={}",
        s.sig(ADMIN)
    );

    // B6, B7, B9: invalid UTF-8, a lone surrogate, comments, trailing commas, NaN, Infinity.
    let invalid_utf8 = b"{\"Identifier\":\"a\xffb\"}".to_vec();
    let v = answers.keep(s.post_raw(&format!("{IMPORT}{q}"), invalid_utf8).await);
    assert_eq!(code(&v), 60003, "B6 {v}");
    for body in [
        r#"{"Identifier":"\ud800"}"#,
        r#"{"Identifier":"b9" /* c */}"#,
        r#"{"Identifier":"b9",}"#,
        r#"{"Identifier":"b9","Nick":NaN}"#,
        r#"{"Identifier":"b9","Nick":Infinity}"#,
    ] {
        let v = answers.keep(s.post_raw(&format!("{IMPORT}{q}"), body).await);
        assert_eq!(code(&v), 60003, "{body} -> {v}");
    }
    assert!(!imported(&s, "b9").await);

    // B11: a body exactly at the limit is processed; one byte more is refused, nothing imported.
    let at_limit = |id: &str, len: usize| {
        let body = format!(r#"{{"Identifier":"{id}"}}"#);
        format!("{body}{}", " ".repeat(len - body.len()))
    };
    let v = answers.keep(
        s.post_raw(&format!("{IMPORT}{q}"), at_limit("b11-at", 1000))
            .await,
    );
    assert_eq!(code(&v), 0, "B11 {v}");
    let v = answers.keep(
        s.post_raw(&format!("{IMPORT}{q}"), at_limit("b11-over", 1001))
            .await,
    );
    assert_eq!(code(&v), 60002, "B11 {v}");
    assert!(imported(&s, "b11-at").await);
    assert!(!imported(&s, "b11-over").await);

    // A17: other methods are refused and change nothing.
    for method in [reqwest::Method::PUT, reqwest::Method::DELETE] {
        let resp = s
            .client
            .request(method.clone(), format!("{}{IMPORT}{q}", s.base))
            .body(r#"{"Identifier":"a17"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let v = answers.keep(resp.json().await.unwrap());
        assert_eq!(code(&v), 60002, "A17 {method} {v}");
    }
    let head = s
        .client
        .head(format!("{}{IMPORT}{q}", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert!(!imported(&s, "a17").await);

    // A18: a query string of 20 KiB (a huge usersig) is refused at the transport.
    let huge = format!(
        "{CHECK}?sdkappid={SDKAPPID}&identifier={ADMIN}&usersig={}",
        "a".repeat(20 * 1024)
    );
    let answer = raw(
        &s,
        &[format!("POST {huge} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{{}}").as_bytes()],
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 431"), "A18 {answer}");

    // A16b: a header split across two TCP writes is judged like the same header in one write:
    // 12 KiB fits in the 16 KiB head limit, 20 KiB does not.
    for (size, fits) in [(12 * 1024, true), (20 * 1024, false)] {
        let head = format!(
            "POST {CHECK}{q} HTTP/1.1\r\nHost: x\r\nX-Pad: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{BODY}",
            "p".repeat(size),
            BODY.len()
        );
        let (first, second) = head.as_bytes().split_at(head.len() / 2);
        let answer = raw(&s, &[first, second]).await;
        if fits {
            assert!(answer.starts_with("HTTP/1.1 200"), "A16b {answer}");
            assert!(answer.contains(r#""ErrorCode":0"#), "A16b {answer}");
        } else {
            assert!(answer.starts_with("HTTP/1.1 431"), "A16b {answer}");
        }
    }

    // G1: a path-like custom GroupId is an opaque id that round-trips.
    let path_like = "../../etc/passwd";
    let v = answers.keep(
        s.call(
            "group_open_http_svc/create_group",
            json!({"Type": "Public", "Name": "g1", "GroupId": path_like}),
        )
        .await,
    );
    assert_eq!(code(&v), 0, "G1 {v}");
    assert_eq!(v["GroupId"], path_like);
    let v = answers.keep(
        s.ok(
            "group_open_http_svc/get_group_info",
            json!({"GroupIdList": [path_like]}),
        )
        .await,
    );
    assert_eq!(v["GroupInfo"][0]["GroupId"], path_like);
    assert_eq!(v["GroupInfo"][0]["ErrorCode"], 0);

    // S7, S8: extreme expiry values never panic; a UserSig issued a day ahead is accepted.
    let now = s.now();
    let with_sig =
        |sig: &str| format!("{CHECK}?sdkappid={SDKAPPID}&identifier={ADMIN}&usersig={sig}");
    for expire in [-1, i64::MAX] {
        let sig = opentim::usersig::sign(SDKAPPID, KEY, ADMIN, now, expire);
        let v = answers.keep(s.post_raw(&with_sig(&sig), BODY).await);
        assert!(
            [70001, 70003].contains(&code(&v)),
            "S7 expire {expire}: {v}"
        );
    }
    let ahead = opentim::usersig::sign(SDKAPPID, KEY, ADMIN, now + 86400, 86400 * 2);
    assert_eq!(
        code(&answers.keep(s.post_raw(&with_sig(&ahead), BODY).await)),
        0,
        "S8"
    );

    // S20, S21: a repeated identifier claim, non-integer times: refused as malformed.
    let mac = opentim::usersig::signature(KEY, ADMIN, SDKAPPID, now, 86400, None);
    for claims in [
        format!(
            r#"{{"TLS.ver":"2.0","TLS.identifier":"{ADMIN}","TLS.identifier":"eve","TLS.sdkappid":{SDKAPPID},"TLS.time":{now},"TLS.expire":86400,"TLS.sig":"{mac}"}}"#
        ),
        format!(
            r#"{{"TLS.ver":"2.0","TLS.identifier":"{ADMIN}","TLS.sdkappid":{SDKAPPID},"TLS.time":{now}.5,"TLS.expire":86400,"TLS.sig":"{mac}"}}"#
        ),
        format!(
            r#"{{"TLS.ver":"2.0","TLS.identifier":"{ADMIN}","TLS.sdkappid":{SDKAPPID},"TLS.time":{now},"TLS.expire":"86400","TLS.sig":"{mac}"}}"#
        ),
    ] {
        let v = answers.keep(s.post_raw(&with_sig(&token(&claims)), BODY).await);
        assert_eq!(code(&v), 70003, "S20/S21 {claims}: {v}");
    }
    // S22: control characters in the identifier are refused before any signature work.
    for id in ["admin%0Aistrator", "admin%0D", "admin%00"] {
        let url = format!(
            "{CHECK}?sdkappid={SDKAPPID}&identifier={id}&usersig={}",
            s.sig(ADMIN)
        );
        let v = answers.keep(s.post_raw(&url, BODY).await);
        assert_eq!(code(&v), 60004, "S22 {id}: {v}");
    }

    // S31: no answer above carried the key, SQL, paths or a stack trace.
    answers.assert_clean();
}
