//! Connections against the real binary as a user starts it (reliability.md §4(c), §4(d) S18):
//! floods past the connection cap and past the open-file limit, CONNECT and other methods, and
//! an oversized declared body refused before `100 Continue`; the server keeps serving and its
//! log stays bounded.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use common::raw_http::*;

/// What the server wrote to stderr, as it arrives: its size, the lines about accepting
/// connections, and the start of the text (enough to show in a failure).
#[derive(Default)]
struct Stderr {
    bytes: usize,
    accept_lines: Vec<String>,
    start: String,
}

/// `opentim serve` as a user starts it: no app configured (one is created, and the banner on
/// stdout prints a working call), on 127.0.0.1:0, with a SQLite database in a temporary folder.
struct Banner {
    child: Child,
    addr: String,
    /// Path and query of the banner's call (a signed account_check), and its body.
    target: String,
    body: String,
    stderr: Arc<Mutex<Stderr>>,
    // Held so that the server's stdout stays open.
    _stdout: BufReader<ChildStdout>,
    _dir: tempfile::TempDir,
}

impl Banner {
    /// `open_files`: run under that limit, soft and hard alike, so that the server's raising
    /// its soft limit to the hard one cannot lift it.
    fn start(open_files: Option<u32>, env: &[(&str, &str)]) -> Banner {
        let dir = tempfile::tempdir().unwrap();
        let bin = env!("CARGO_BIN_EXE_opentim");
        let mut cmd = match open_files {
            Some(n) => {
                let mut sh = Command::new("sh");
                sh.arg("-c")
                    .arg(format!("ulimit -n {n} && exec \"$0\" \"$@\""))
                    .arg(bin);
                sh
            }
            None => Command::new(bin),
        };
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--database"])
            .arg(format!("sqlite://{}/opentim.db", dir.path().display()))
            .env("OPENTIM_LOG", "info")
            .envs(env.iter().copied())
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("opentim starts");
        let stderr = Arc::new(Mutex::new(Stderr::default()));
        let mut pipe = BufReader::new(child.stderr.take().unwrap());
        let collected = stderr.clone();
        std::thread::spawn(move || {
            let mut line = Vec::new();
            while pipe.read_until(b'\n', &mut line).is_ok_and(|n| n > 0) {
                let text = String::from_utf8_lossy(&line).into_owned();
                let mut log = collected.lock().unwrap();
                log.bytes += line.len();
                if text.contains("accept") && log.accept_lines.len() < 100 {
                    log.accept_lines.push(text.clone());
                }
                if log.start.len() < 16 * 1024 {
                    log.start.push_str(&text);
                }
                drop(log);
                line.clear();
            }
        });
        // The banner is printed once the listener is bound: reading it is the readiness.
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut curl = String::new();
        while !curl.trim_start().starts_with("curl") {
            curl.clear();
            let read = stdout.read_line(&mut curl).unwrap();
            assert!(read > 0, "no banner: {}", stderr.lock().unwrap().start);
        }
        let url = curl.split('\'').nth(1).expect("quoted URL");
        let body = curl.split('\'').nth(3).expect("quoted body").to_string();
        let rest = url.trim_start_matches("http://");
        let slash = rest.find('/').unwrap();
        Banner {
            child,
            addr: rest[..slash].to_string(),
            target: rest[slash..].to_string(),
            body,
            stderr,
            _stdout: stdout,
            _dir: dir,
        }
    }

    /// The banner's call, as a request to write to a connection.
    fn request(&self, close: bool) -> String {
        let connection = if close { "Connection: close\r\n" } else { "" };
        format!(
            "POST {} HTTP/1.1\r\nHost: x\r\n{connection}Content-Length: {}\r\n\r\n{}",
            self.target,
            self.body.len(),
            self.body
        )
    }

    /// CPU time the server has used (user and system), in clock ticks.
    fn cpu_ticks(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap();
        // The fields after the command name (which may hold spaces) end with `)`.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .unwrap()
            .1
            .split_whitespace()
            .collect();
        fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
    }

    /// Polls stderr until `seen` holds for it, for at most `within`.
    async fn wait_for_log(&self, within: Duration, seen: impl Fn(&Stderr) -> bool) -> bool {
        let started = Instant::now();
        while started.elapsed() < within {
            if seen(&self.stderr.lock().unwrap()) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        false
    }
}

impl Drop for Banner {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads one answer (its head, then a body of its Content-Length) from a connection that may
/// stay open; None when none arrives in full `within` that time.
async fn read_answer(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let mut got = Vec::new();
    let complete = async {
        let mut buf = [0u8; 4096];
        loop {
            if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if got.len() >= end + 4 + length {
                    return true;
                }
            }
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return false,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    };
    match tokio::time::timeout(within, complete).await {
        Ok(true) => Some(String::from_utf8_lossy(&got).into_owned()),
        _ => None,
    }
}

/// Over `max_connections`, a client waits (it is neither accepted and dropped, nor refused)
/// and is served as soon as a connection closes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_cap_wait_for_a_free_slot() {
    let s = Banner::start(None, &[("OPENTIM_MAX_CONNECTIONS", "1")]);
    let mut first = TcpStream::connect(&s.addr).await.unwrap();
    first.write_all(s.request(false).as_bytes()).await.unwrap();
    let answer = read_answer(&mut first, Duration::from_secs(10)).await;
    assert_eq!(json_of(&answer.expect("an answer"))["ErrorCode"], 0);
    // `first` stays open (keep-alive) and holds the only slot.
    let mut second = TcpStream::connect(&s.addr).await.unwrap();
    second.write_all(s.request(true).as_bytes()).await.unwrap();
    // A bounded wait for something that must not happen.
    let early = read_answer(&mut second, Duration::from_millis(300)).await;
    assert!(early.is_none(), "served over the cap: {early:?}");
    drop(first);
    let answer = read_answer(&mut second, Duration::from_secs(10)).await;
    assert_eq!(
        json_of(&answer.expect("served once a slot is free"))["ErrorCode"],
        0
    );
}

/// Descriptors exhausted (EMFILE) by idle connections: the server pauses between accepts
/// instead of spinning, logs the episode in two lines, keeps serving the connections it has,
/// and accepts again once descriptors are free.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exhausted_descriptors_neither_spin_nor_flood_the_log() {
    const OPEN_FILES: u32 = 64;
    let s = Banner::start(Some(OPEN_FILES), &[]);
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", s.child.id())).unwrap();
    let open_files = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap();
    assert_eq!(
        open_files.split_whitespace().nth(3),
        Some(OPEN_FILES.to_string().as_str()),
        "the limit under test is not in force: {open_files}"
    );
    // A keep-alive connection opened before the flood.
    let mut early = TcpStream::connect(&s.addr).await.unwrap();
    early.write_all(s.request(false).as_bytes()).await.unwrap();
    let answer = read_answer(&mut early, Duration::from_secs(10)).await;
    assert_eq!(json_of(&answer.expect("an answer"))["ErrorCode"], 0);

    // Twice the limit in idle connections: the rest wait in the listen backlog, and accepting
    // them fails for want of descriptors.
    let mut flood = Vec::new();
    for _ in 0..2 * OPEN_FILES {
        flood.push(TcpStream::connect(&s.addr).await.unwrap());
    }
    assert!(
        s.wait_for_log(Duration::from_secs(10), |log| !log.accept_lines.is_empty())
            .await,
        "accepting never failed: {}",
        s.stderr.lock().unwrap().start
    );

    // A bounded measuring window (not a wait for readiness): CPU used while flooded.
    let ticks_per_second = Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse::<u64>()
                .ok()
        })
        .unwrap_or(100);
    let (cpu_before, started) = (s.cpu_ticks(), Instant::now());
    tokio::time::sleep(Duration::from_secs(1)).await;
    let cpu = (s.cpu_ticks() - cpu_before) as f64 / ticks_per_second as f64;
    let wall = started.elapsed().as_secs_f64();
    assert!(
        cpu < 0.2 * wall,
        "{cpu:.2} s of CPU in {wall:.2} s while out of descriptors"
    );

    // (a) The connection opened before the flood is still served.
    early.write_all(s.request(false).as_bytes()).await.unwrap();
    let answer = read_answer(&mut early, Duration::from_secs(10)).await;
    assert_eq!(
        json_of(&answer.expect("an answer while flooded"))["ErrorCode"],
        0
    );
    {
        let log = s.stderr.lock().unwrap();
        assert!(
            log.accept_lines.len() == 1 && log.bytes < 4096,
            "{} bytes of log, {} lines about accept: {:?}",
            log.bytes,
            log.accept_lines.len(),
            &log.accept_lines[..log.accept_lines.len().min(5)]
        );
    }

    // Descriptors are freed: a new connection is served again, soon (bounded polling).
    drop(flood);
    drop(early);
    let started = Instant::now();
    let mut served = None;
    while served.is_none() && started.elapsed() < Duration::from_secs(10) {
        if let Ok(mut fresh) = TcpStream::connect(&s.addr).await
            && fresh.write_all(s.request(true).as_bytes()).await.is_ok()
        {
            served = read_answer(&mut fresh, Duration::from_secs(2)).await;
        }
        if served.is_none() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    assert_eq!(
        json_of(&served.expect("served after the flood"))["ErrorCode"],
        0
    );
    // The episode ends, once accepting has worked for a while, with one line that counts its
    // failures.
    assert!(
        s.wait_for_log(Duration::from_secs(10), |log| log.accept_lines.len() >= 2)
            .await
    );
    let log = s.stderr.lock().unwrap();
    assert_eq!(log.accept_lines.len(), 2, "{:?}", log.accept_lines);
    assert!(
        log.accept_lines[1].contains("accepts had failed"),
        "{:?}",
        log.accept_lines
    );
    assert!(log.bytes < 4096, "{} bytes of log", log.bytes);
}

/// CONNECT is refused with the envelope every method but POST gets. Not with HTTP 200: a 2xx
/// answer to CONNECT means "tunnel open" and carries no body, so it is 405, and the connection
/// is closed after it (bytes a client sends behind its CONNECT are never read as a request).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_gets_the_envelope_of_other_methods() {
    let s = Banner::start(None, &[]);
    let (_, answer) = send(
        &s.addr,
        format!(
            "GET {} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            s.target
        ),
        std::iter::empty(),
        false,
    )
    .await;
    let refused = json_of(&answer.expect("an answer to GET"));
    assert_eq!(refused["ErrorCode"], 60002, "{refused}");

    // The same target, then a request where tunnel bytes would go: one answer, then the end.
    let behind = s.request(true).into_bytes();
    let started = Instant::now();
    let (_, answer) = send(
        &s.addr,
        format!("CONNECT {} HTTP/1.1\r\nHost: x\r\n\r\n", s.target),
        std::iter::once(behind.clone()),
        false,
    )
    .await;
    let answer = answer.expect("an answer to CONNECT");
    assert!(answer.starts_with("HTTP/1.1 405"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("\r\nallow: post\r\n"),
        "{answer}"
    );
    assert_eq!(body_of(&answer), refused);
    assert_eq!(answer.matches("HTTP/1.1 ").count(), 1, "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the connection stayed open"
    );

    // The form a proxy client uses (host:port): an envelope too, not an empty 200.
    let (_, answer) = send(
        &s.addr,
        "CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n".to_string(),
        std::iter::once(behind),
        false,
    )
    .await;
    let answer = answer.expect("an answer to CONNECT host:port");
    assert!(answer.starts_with("HTTP/1.1 405"), "{answer}");
    assert_ne!(body_of(&answer)["ErrorCode"], 0, "{answer}");
    assert_eq!(answer.matches("HTTP/1.1 ").count(), 1, "{answer}");
}

/// A declared Content-Length over the limit is refused before any of the body is read: a
/// client that asked `Expect: 100-continue` gets the final answer, never `100 Continue`, and
/// the connection is closed rather than left waiting for the body. Within the limit,
/// `100 Continue` comes as before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_declared_bodies_are_refused_before_100_continue() {
    let s = Banner::start(None, &[]);
    let started = Instant::now();
    let (_, answer) = send(
        &s.addr,
        format!(
            "POST {} HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
            s.target,
            BODY_LIMIT + 1
        ),
        std::iter::empty(),
        false,
    )
    .await;
    let answer = answer.expect("an answer");
    assert!(!answer.contains(" 100 Continue"), "{answer}");
    assert_eq!(json_of(&answer)["ErrorCode"], 60002, "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the connection stayed open"
    );

    let mut stream = TcpStream::connect(&s.addr).await.unwrap();
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        s.target,
        s.body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let interim = read_answer(&mut stream, Duration::from_secs(10)).await;
    assert!(
        interim
            .as_deref()
            .is_some_and(|a| a.starts_with("HTTP/1.1 100 Continue\r\n")),
        "{interim:?}"
    );
    stream.write_all(s.body.as_bytes()).await.unwrap();
    let answer = read_answer(&mut stream, Duration::from_secs(10)).await;
    assert_eq!(json_of(&answer.expect("an answer"))["ErrorCode"], 0);
}
