//! Requests written by hand on a TCP connection, for the tests that send what no HTTP client
//! would (oversized, truncated or chunked bodies, floods), and their answers read back.

use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The server's body limit (1 MiB).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Sends a request head, then `body_chunks` as they come (stopping at the first write
/// error), and returns how many body bytes were accepted and the answer, if one arrived.
/// `hang_up`: close the sending side afterwards, as a client that gives up does.
pub async fn send(
    addr: &str,
    head: String,
    body_chunks: impl Iterator<Item = Vec<u8>>,
    hang_up: bool,
) -> (usize, Option<String>) {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut rd, mut wr) = stream.into_split();
    let reader = tokio::spawn(async move {
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(20), rd.read_to_end(&mut answer)).await;
        answer
    });
    let mut sent = 0;
    if wr.write_all(head.as_bytes()).await.is_ok() {
        for chunk in body_chunks {
            if wr.write_all(&chunk).await.is_err() {
                break;
            }
            sent += chunk.len();
        }
    }
    if hang_up {
        let _ = wr.shutdown().await;
    }
    let answer = reader.await.unwrap();
    let answer = (!answer.is_empty()).then(|| String::from_utf8_lossy(&answer).into_owned());
    (sent, answer)
}

pub fn json_of(answer: &str) -> Value {
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    body_of(answer)
}

/// The JSON body of an answer, whatever its status.
pub fn body_of(answer: &str) -> Value {
    let body = &answer[answer.find("\r\n\r\n").unwrap() + 4..];
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer}"))
}
