//! The load generator's HTTP client: signed calls over keep-alive HTTP/1.1 connections, and
//! the cheapest way to tell whether an answer succeeded.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use opentim::clock::SystemClock;
use opentim::usersig;
use serde_json::{Value, json};

use super::BenchOptions;

/// The one field the load generator reads from an answer, when its head does not hold it.
#[derive(serde::Deserialize)]
struct Status {
    #[serde(rename = "ErrorCode")]
    error_code: i64,
}

/// The `ErrorCode` of an answer. opentim writes `ActionStatus`, `ErrorCode` and `ErrorInfo`
/// first, so it is read from the head and the rest is never scanned: skipping a member page
/// (~20 KB of JSON) cost the load generator, which shares the machine, about as much CPU as
/// the server spends on a whole `ceiling` call. An answer whose head does not hold it is
/// parsed in full.
pub(super) fn error_code(answer: &[u8]) -> Option<i64> {
    const KEY: &[u8] = b"\"ErrorCode\":";
    const HEAD: usize = 64;
    let head = &answer[..answer.len().min(HEAD)];
    let Some(at) = head.windows(KEY.len()).position(|w| w == KEY) else {
        return serde_json::from_slice::<Status>(answer)
            .ok()
            .map(|s| s.error_code);
    };
    let rest = answer[at + KEY.len()..].trim_ascii_start();
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_digit() || *b == b'-'))
        .unwrap_or(rest.len());
    std::str::from_utf8(&rest[..end]).ok()?.parse().ok()
}

/// A minimal client: one keep-alive HTTP/1.1 connection per call site.
#[derive(Clone)]
pub(super) struct Client {
    addr: String,
    query: Arc<String>,
}

pub(super) struct Conn {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
}

impl Client {
    pub(super) fn new(addr: &str, opts: &BenchOptions) -> Client {
        let sig = usersig::sign(
            opts.sdkappid,
            &opts.key,
            &opts.admin,
            SystemClock::shared().unix_now(),
            86400 * 30,
        );
        Client {
            addr: addr.to_string(),
            query: Arc::new(format!(
                "sdkappid={}&identifier={}&usersig={sig}&contenttype=json",
                opts.sdkappid, opts.admin
            )),
        }
    }

    pub(super) async fn connect(&self) -> Result<Conn, String> {
        let stream = tokio::net::TcpStream::connect(&self.addr)
            .await
            .map_err(|e| format!("connect {}: {e}", self.addr))?;
        let _ = stream.set_nodelay(true);
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("handshake: {e}"))?;
        tokio::spawn(conn);
        Ok(Conn { sender })
    }

    pub(super) async fn send(
        &self,
        conn: &mut Conn,
        command: &str,
        body: Bytes,
    ) -> Result<Bytes, String> {
        let random: u32 = rand::random();
        let request = hyper::Request::post(format!("/v4/{command}?{}&random={random}", self.query))
            .header(hyper::header::HOST, &self.addr)
            .body(Full::new(body))
            .map_err(|e| e.to_string())?;
        conn.sender.ready().await.map_err(|e| e.to_string())?;
        let response = conn
            .sender
            .send_request(request)
            .await
            .map_err(|e| e.to_string())?;
        Ok(response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes())
    }

    pub(super) async fn call(&self, command: &str, body: &Value) -> Result<Value, String> {
        let mut conn = self.connect().await?;
        let bytes = self
            .send(&mut conn, command, Bytes::from(body.to_string()))
            .await?;
        serde_json::from_slice(&bytes).map_err(|e| e.to_string())
    }
}

/// Waits until the server answers a ceiling call; returns how long that took.
pub(super) async fn wait_ready(client: &Client) -> Result<Duration, String> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if let Ok(v) = client.call("opentim_bench/ceiling", &json!({})).await
            && v["ErrorCode"] == 0
        {
            return Ok(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Err("the server did not become ready within 60 s".into())
}

/// Runs `calls` over `parallel` connections, failing on the first error answer.
pub(super) async fn run_all(
    client: &Client,
    parallel: usize,
    calls: Vec<(String, Value)>,
) -> Result<(), String> {
    let calls = Arc::new(calls);
    let next = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..parallel.max(1) {
        let (client, calls, next) = (client.clone(), calls.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut conn = client.connect().await?;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                let Some((command, body)) = calls.get(i) else {
                    return Ok::<(), String>(());
                };
                let bytes = client
                    .send(&mut conn, command, Bytes::from(body.to_string()))
                    .await?;
                let v: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
                if v["ErrorCode"] != 0 {
                    return Err(format!("preparing data: {command} answered {v}"));
                }
            }
        }));
    }
    for t in tasks {
        t.await.map_err(|e| e.to_string())??;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_code_is_read_from_the_head_or_else_from_the_whole_answer() {
        let page = format!(
            r#"{{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","MemberList":[{}]}}"#,
            r#"{"Member_Account":"u1"},"#.repeat(1000) + "{}"
        );
        assert_eq!(error_code(page.as_bytes()), Some(0));
        let fail = br#"{"ActionStatus":"FAIL","ErrorCode":10007,"ErrorInfo":"no"}"#;
        assert_eq!(error_code(fail), Some(10007));
        assert_eq!(error_code(br#"{"ErrorCode": -1}"#), Some(-1));
        let late = format!(r#"{{"Padding":"{}","ErrorCode":70001}}"#, "x".repeat(100));
        assert_eq!(error_code(late.as_bytes()), Some(70001));
        assert_eq!(error_code(b"<html>502</html>"), None);
        assert_eq!(error_code(br#"{"ErrorCode":"#), None);
    }
}
