//! HTTPS with rustls: a client that trusts the server's certificate gets the usual answer, and a
//! scan with the `openssl` command line (reliability.md S30) finds only TLS 1.2/1.3 with AEAD suites.

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls;

use crate::common::*;

/// A server with a fresh self-signed certificate for `localhost`.
async fn https_server() -> (
    TestServer,
    rcgen::CertifiedKey<rcgen::KeyPair>,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let cert_path = dir.path().join("cert.pem");
    let key_path = dir.path().join("key.pem");
    std::fs::write(&cert_path, certified.cert.pem()).unwrap();
    std::fs::write(&key_path, certified.signing_key.serialize_pem()).unwrap();
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.tls_cert = Some(cert_path.clone());
        c.tls_key = Some(key_path.clone());
    })
    .await
    .unwrap();
    (s, certified, dir)
}

/// One handshake by `openssl s_client` with extra flags: whether it succeeded, and what it printed.
async fn openssl_handshake(addr: &str, flags: &[&str]) -> Option<(bool, String)> {
    let out = tokio::process::Command::new("openssl")
        .args([
            "s_client",
            "-connect",
            addr,
            "-servername",
            "localhost",
            "-brief",
        ])
        .args(flags)
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .ok()?;
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    Some((out.status.success(), text))
}

#[tokio::test]
async fn tls_scan_finds_only_modern_protocols_and_suites() {
    let (s, _cert, _dir) = https_server().await;
    let addr = s.base.trim_start_matches("http://").to_string();
    // The client is allowed everything (security level 0) so that only the server decides.
    let old = "DEFAULT:@SECLEVEL=0";
    let Some((ok, text)) = openssl_handshake(&addr, &["-tls1_2"]).await else {
        eprintln!("SKIPPED: the TLS scan needs the openssl command");
        return;
    };
    assert!(ok, "TLS 1.2 refused: {text}");
    assert!(text.contains("GCM") || text.contains("CHACHA20"), "{text}");
    let (ok, text) = openssl_handshake(&addr, &["-tls1_3"]).await.unwrap();
    assert!(ok, "TLS 1.3 refused: {text}");
    for protocol in ["-tls1", "-tls1_1"] {
        let (ok, text) = openssl_handshake(&addr, &[protocol, "-cipher", old])
            .await
            .unwrap();
        assert!(!ok, "{protocol} accepted: {text}");
    }
    // Weak TLS 1.2 suites: CBC, RC4, 3DES, NULL, anonymous and export ciphers, static RSA.
    for weak in [
        "AES128-SHA:AES256-SHA:AES128-SHA256",
        "RC4:3DES:DES",
        "NULL:eNULL:aNULL",
        "EXPORT:LOW",
        "kRSA",
    ] {
        let cipher = format!("{weak}:@SECLEVEL=0");
        let (ok, text) = openssl_handshake(&addr, &["-tls1_2", "-cipher", &cipher])
            .await
            .unwrap();
        assert!(!ok, "weak suites {weak} accepted: {text}");
    }
    // Plain HTTP on the TLS port is not served.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut plain = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let _ = plain
        .write_all(b"POST /v4/im_open_login_svc/account_check HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
        .await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        plain.read_to_end(&mut answer),
    )
    .await;
    assert!(!String::from_utf8_lossy(&answer).contains("HTTP/1.1 200"));
}

#[tokio::test]
async fn serves_https_with_the_configured_certificate() {
    let (s, certified, _dir) = https_server().await;

    let mut roots = rustls::RootCertStore::empty();
    roots.add(certified.cert.der().clone()).unwrap();
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let addr = s.base.trim_start_matches("http://").to_string();
    let tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let mut tls = connector.connect(name, tcp).await.expect("TLS handshake");
    let body = r#"{"CheckItem":[{"UserID":"administrator"}]}"#;
    let target = format!(
        "/v4/im_open_login_svc/account_check?sdkappid={SDKAPPID}&identifier={ADMIN}&usersig={}",
        s.sig(ADMIN)
    );
    let request = format!(
        "POST {target} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    tls.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = tls.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""ErrorCode":0"#), "{answer}");
    assert!(
        answer.contains(r#""AccountStatus":"NotImported""#),
        "{answer}"
    );
}
