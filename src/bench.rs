//! `opentim bench`: prepares data, drives scenarios over keep-alive HTTP/1.1 connections and
//! prints throughput (also as a ratio to the `ceiling` scenario of the same run), latency
//! percentiles, errors and the server's peak RSS.
//!
//! By default it starts `opentim serve` as a child process on a fresh database, so the RSS it
//! reports is the server's alone; `--url` targets a running server instead.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};

use crate::usersig;

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
fn error_code(answer: &[u8]) -> Option<i64> {
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

const BENCH_SDKAPPID: u64 = 1400000000;
const BENCH_KEY: &str = "opentim-bench-key-0123456789abcdef0123456789abcdef0123456789abcdef";
const BENCH_ADMIN: &str = "administrator";
/// How late tokio's timer may fire a scheduled request without it counting as queueing.
const TIMER_SLACK: Duration = Duration::from_millis(2);
/// The scenarios, in the order they run.
pub const SCENARIOS: &[&str] = &[
    "ceiling",
    "set_unread_msg_num",
    "send_group_msg",
    "import_group_msg",
    "get_group_member_info",
    "get_joined_group_list",
];
/// Also accepted: `mixed`, rotating set_unread_msg_num (2 in 4), send_group_msg and
/// get_joined_group_list, for soak runs (`scripts/soak.sh`).
pub const MIXED: &str = "mixed";

/// What to prepare and how to load it.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// A running server to target instead of starting one (then also give its key).
    pub url: Option<String>,
    pub sdkappid: u64,
    pub key: String,
    pub admin: String,
    /// Database of the started server (default: a fresh SQLite file in a temporary directory).
    pub database: Option<String>,
    pub groups: usize,
    pub members: usize,
    pub messages: usize,
    pub concurrency: usize,
    pub duration: Duration,
    /// Fixed request rate (requests per second over all connections) instead of closed loop.
    pub rate: Option<u64>,
    pub scenarios: Vec<String>,
}

impl Default for BenchOptions {
    fn default() -> Self {
        BenchOptions {
            url: None,
            sdkappid: BENCH_SDKAPPID,
            key: BENCH_KEY.to_string(),
            admin: BENCH_ADMIN.to_string(),
            database: None,
            groups: 10,
            members: 200,
            messages: 100,
            concurrency: 64,
            duration: Duration::from_secs(10),
            rate: None,
            scenarios: SCENARIOS.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// The figures of one scenario.
#[derive(Debug, Clone)]
pub struct ScenarioResult {
    pub name: String,
    pub requests: u64,
    pub errors: u64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub peak_rss_mb: Option<f64>,
    /// The server's CPU time (all threads, user + system) per request, in microseconds: less
    /// noisy than throughput on a shared machine, and it does not count the load generator.
    pub cpu_us_per_request: Option<f64>,
    /// Messages whose send was acknowledged, and how many new messages the groups hold
    /// afterwards (read back through get_group_info): fewer stored than acknowledged is a lost
    /// write. None for scenarios that send nothing.
    pub sends: Option<(u64, u64)>,
}

/// A server started for the benchmark.
struct ChildServer {
    child: Child,
    dir: Option<tempdir::Dir>,
}

/// A temporary directory removed on drop (kept small to avoid a dependency for one use).
mod tempdir {
    use std::path::PathBuf;

    pub struct Dir(pub PathBuf);

    impl Dir {
        pub fn new() -> std::io::Result<Dir> {
            let n: u64 = rand::random();
            let path = std::env::temp_dir().join(format!("opentim-bench-{n:016x}"));
            std::fs::create_dir_all(&path)?;
            Ok(Dir(path))
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl ChildServer {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn spawn_server(opts: &BenchOptions, addr: &str, database: &str) -> Result<Child, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find opentim: {e}"))?;
    Command::new(exe)
        .args(["serve", "--listen", addr, "--database", database])
        .env("OPENTIM_SDKAPPID", opts.sdkappid.to_string())
        .env("OPENTIM_SECRET_KEY", &opts.key)
        .env("OPENTIM_ADMINS", &opts.admin)
        .env("OPENTIM_BENCH", "1")
        .env("OPENTIM_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start opentim serve: {e}"))
}

/// Waits until the server answers a ceiling call; returns how long that took.
async fn wait_ready(client: &Client) -> Result<Duration, String> {
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

fn rss_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// CPU time a process has used (user + system, all threads), from `/proc/PID/stat`.
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Clock ticks are USER_HZ, 100 per second on Linux.
    cpu_ticks(&stat).map(|t| Duration::from_millis(t * 10))
}

/// utime + stime (fields 14 and 15) of a `/proc/PID/stat` line. The fields after the command
/// name (which may hold spaces and parentheses) start with the state, field 3.
fn cpu_ticks(stat: &str) -> Option<u64> {
    let mut after_name = stat.rsplit_once(')')?.1.split_whitespace();
    let utime: u64 = after_name.nth(11)?.parse().ok()?;
    let stime: u64 = after_name.next()?.parse().ok()?;
    Some(utime + stime)
}

/// Resets the kernel's peak-RSS mark of a process (Linux `clear_refs` 5).
fn reset_peak_rss(pid: u32) {
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
}

/// A minimal client: one keep-alive HTTP/1.1 connection per call site.
#[derive(Clone)]
struct Client {
    addr: String,
    query: Arc<String>,
}

struct Conn {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
}

impl Client {
    fn new(addr: &str, opts: &BenchOptions) -> Client {
        let sig = usersig::sign(
            opts.sdkappid,
            &opts.key,
            &opts.admin,
            crate::clock::SystemClock::shared().unix_now(),
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

    async fn connect(&self) -> Result<Conn, String> {
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

    async fn send(&self, conn: &mut Conn, command: &str, body: Bytes) -> Result<Bytes, String> {
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

    async fn call(&self, command: &str, body: &Value) -> Result<Value, String> {
        let mut conn = self.connect().await?;
        let bytes = self
            .send(&mut conn, command, Bytes::from(body.to_string()))
            .await?;
        serde_json::from_slice(&bytes).map_err(|e| e.to_string())
    }
}

/// Runs `calls` over `parallel` connections, failing on the first error answer.
async fn run_all(
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

/// A Random per request: distinct requests of one sender must not look like retries (the
/// server de-duplicates the same sender and Random within 5 minutes). A bijection of `unique`.
fn spread(unique: u64) -> u32 {
    (unique.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as u32
}

fn member(i: usize) -> String {
    format!("u{i}")
}

/// Tells this run's groups apart from an earlier run's on the same server (`--url`).
static RUN: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("{:06x}", rand::random::<u32>() & 0xff_ffff));

fn group(i: usize) -> String {
    format!("@TGS#_bench{}-g{i}", *RUN)
}

fn import_group_id(conn: usize) -> String {
    format!("@TGS#_bench{}-import-{conn}", *RUN)
}

/// Accounts, groups with members and history, and one empty group per connection for imports.
async fn prepare(client: &Client, opts: &BenchOptions) -> Result<(), String> {
    let now = crate::clock::SystemClock::shared().unix_now();
    let created = now - 30 * 86400;
    let mut calls = Vec::new();
    for chunk in (0..opts.members).collect::<Vec<_>>().chunks(100) {
        let ids: Vec<String> = chunk.iter().map(|&i| member(i)).collect();
        calls.push((
            "im_open_login_svc/multiaccount_import".to_string(),
            json!({"Accounts": ids}),
        ));
    }
    run_all(client, 8, calls).await?;
    let mut calls = Vec::new();
    for g in 0..opts.groups {
        calls.push((
            "group_open_http_svc/import_group".to_string(),
            json!({"Type": "Community", "Name": "bench", "GroupId": group(g), "CreateTime": created,
                   "MaxMemberCount": opts.members.clamp(1, 100_000)}),
        ));
    }
    for c in 0..opts.concurrency {
        calls.push((
            "group_open_http_svc/import_group".to_string(),
            json!({"Type": "Community", "Name": "imports", "GroupId": import_group_id(c), "CreateTime": created}),
        ));
    }
    run_all(client, 8, calls).await?;
    // History first (importing messages resets unread counts), then members with counts. All of
    // a group's history shares one SendTime (allowed: equal times), so batches may run in parallel.
    let mut calls = Vec::new();
    let indexes: Vec<usize> = (0..opts.messages).collect();
    for g in 0..opts.groups {
        for chunk in indexes.chunks(7) {
            let msgs: Vec<Value> = chunk
                .iter()
                .map(|&i| json!({"From_Account": member(i % opts.members.max(1)), "SendTime": created + 1,
                                 "Random": i, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "history"}}]}))
                .collect();
            calls.push((
                "group_open_http_svc/import_group_msg".to_string(),
                json!({"GroupId": group(g), "MsgList": msgs}),
            ));
        }
    }
    run_all(client, 16, calls).await?;
    let mut calls = Vec::new();
    for g in 0..opts.groups {
        for chunk in (0..opts.members).collect::<Vec<_>>().chunks(300) {
            let list: Vec<Value> = chunk
                .iter()
                .map(|&i| json!({"Member_Account": member(i), "UnreadMsgNum": i % (opts.messages + 1)}))
                .collect();
            calls.push((
                "group_open_http_svc/import_group_member".to_string(),
                json!({"GroupId": group(g), "MemberList": list}),
            ));
        }
    }
    run_all(client, 8, calls).await
}

/// The request a scenario makes for connection `conn`, iteration `k`.
fn scenario_request(
    name: &str,
    opts: &BenchOptions,
    conn: usize,
    k: u64,
    t0: i64,
    salt: u64,
) -> (String, Value) {
    let groups = opts.groups.max(1);
    let members = opts.members.max(1);
    // A distinct number per request across all connections.
    let unique = (conn as u64) << 32 | k;
    let g = group((conn + k as usize) % groups);
    let name = match (name, k % 4) {
        (MIXED, 0 | 1) => "set_unread_msg_num",
        (MIXED, 2) => "send_group_msg",
        (MIXED, _) => "get_joined_group_list",
        (other, _) => other,
    };
    match name {
        "set_unread_msg_num" => {
            // Rotate members; each visit to a member writes a different count, so every call
            // really changes a row (SQLite skips writes that store the value already there).
            let m = (unique as usize) % members;
            let n = (k as usize / members + conn) % (opts.messages + 1);
            (
                "group_open_http_svc/set_unread_msg_num".into(),
                json!({"GroupId": g, "Member_Account": member(m), "UnreadMsgNum": n}),
            )
        }
        "send_group_msg" => (
            "group_open_http_svc/send_group_msg".into(),
            json!({"GroupId": g, "From_Account": member((unique as usize) % members), "Random": spread(unique ^ salt),
                   "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello from the benchmark"}}]}),
        ),
        "import_group_msg" => {
            let msgs: Vec<Value> = (0..7)
                .map(|i| json!({"From_Account": member(i % members), "SendTime": t0 + k as i64 / 64,
                                "Random": (unique as u32).wrapping_mul(7).wrapping_add(i as u32),
                                "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "imported"}}]}))
                .collect();
            (
                "group_open_http_svc/import_group_msg".into(),
                json!({"GroupId": import_group_id(conn), "MsgList": msgs}),
            )
        }
        "get_group_member_info" => {
            let pages = (members / 100).max(1);
            (
                "group_open_http_svc/get_group_member_info".into(),
                json!({"GroupId": g, "Limit": 100, "Offset": (k as usize % pages) * 100}),
            )
        }
        "get_joined_group_list" => (
            "group_open_http_svc/get_joined_group_list".into(),
            json!({"Member_Account": member((unique as usize) % members),
                   "ResponseFilter": {"SelfInfoFilter": ["Role", "MsgSeq", "UnreadMsgNum"]}}),
        ),
        _ => ("opentim_bench/ceiling".into(), json!({})),
    }
}

async fn run_scenario(
    client: &Client,
    opts: &BenchOptions,
    name: &str,
    pid: Option<u32>,
) -> Result<ScenarioResult, String> {
    if let Some(pid) = pid {
        reset_peak_rss(pid);
    }
    let t0 = crate::clock::SystemClock::shared().unix_now() - 29 * 86400;
    let stored_before = stored_messages(client, opts).await?;
    // Each scenario draws its own Randoms: a scenario repeating an earlier one's (sender,
    // Random) pairs within 5 minutes would be de-duplicated, not stored.
    let salt = rand::random::<u64>();
    let cpu_before = pid.and_then(cpu_time);
    let deadline = Instant::now() + opts.duration;
    let interval = opts
        .rate
        .map(|r| Duration::from_secs_f64(opts.concurrency as f64 / r.max(1) as f64));
    let mut tasks = Vec::new();
    for conn_idx in 0..opts.concurrency {
        let (client, opts, name) = (client.clone(), opts.clone(), name.to_string());
        tasks.push(tokio::spawn(async move {
            let mut hist =
                Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).map_err(|e| e.to_string())?;
            let mut errors = 0u64;
            let mut acked_sends = 0u64;
            let mut conn = client.connect().await?;
            let mut k = 0u64;
            // Connections start spread over one interval so a fixed rate is smooth.
            let mut next = Instant::now()
                + interval.map_or(Duration::ZERO, |i| {
                    i.mul_f64(conn_idx as f64 / opts.concurrency as f64)
                });
            while Instant::now() < deadline {
                if interval.is_some() {
                    tokio::time::sleep_until(next.into()).await;
                }
                // Latency from the scheduled start, so a slow server cannot hide queueing
                // (coordinated omission); but a start that is late only by the timer's 1 ms
                // granularity counts from when it was really sent.
                let sent = Instant::now();
                let start = if interval.is_some() && sent.duration_since(next) > TIMER_SLACK {
                    next
                } else {
                    sent
                };
                let (command, body) = scenario_request(&name, &opts, conn_idx, k, t0, salt);
                match client
                    .send(&mut conn, &command, Bytes::from(body.to_string()))
                    .await
                {
                    Ok(bytes) => {
                        let ok = error_code(&bytes) == Some(0);
                        if !ok {
                            errors += 1;
                        } else if command.ends_with("/send_group_msg") {
                            acked_sends += 1;
                        }
                    }
                    Err(_) => {
                        errors += 1;
                        conn = client.connect().await?;
                    }
                }
                // Saturating: a latency beyond the histogram's 60 s range still counts as a request.
                hist.saturating_record(start.elapsed().as_micros().max(1) as u64);
                k += 1;
                if let Some(i) = interval {
                    next += i;
                }
            }
            Ok::<_, String>((hist, errors, acked_sends))
        }));
    }
    let started = Instant::now();
    let mut hist =
        Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).map_err(|e| e.to_string())?;
    let mut errors = 0;
    let mut acked_sends = 0;
    for t in tasks {
        let (h, e, a) = t.await.map_err(|e| e.to_string())??;
        hist.add(h).map_err(|e| e.to_string())?;
        errors += e;
        acked_sends += a;
    }
    let cpu_used = pid
        .and_then(cpu_time)
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    let sends = if acked_sends > 0 {
        Some((
            acked_sends,
            stored_messages(client, opts).await? - stored_before,
        ))
    } else {
        None
    };
    let elapsed = started
        .elapsed()
        .as_secs_f64()
        .max(opts.duration.as_secs_f64());
    let ms = |q: f64| hist.value_at_quantile(q) as f64 / 1000.0;
    Ok(ScenarioResult {
        name: name.to_string(),
        requests: hist.len(),
        errors,
        per_second: hist.len() as f64 / elapsed,
        p50_ms: ms(0.5),
        p99_ms: ms(0.99),
        p999_ms: ms(0.999),
        peak_rss_mb: pid
            .and_then(|p| rss_kb(p, "VmHWM:"))
            .map(|kb| kb as f64 / 1024.0),
        cpu_us_per_request: cpu_used
            .filter(|_| !hist.is_empty())
            .map(|c| c.as_secs_f64() * 1e6 / hist.len() as f64),
        sends,
    })
}

/// Messages stored in the benchmark's groups (their NextMsgSeq − 1), read through the API.
async fn stored_messages(client: &Client, opts: &BenchOptions) -> Result<u64, String> {
    let ids: Vec<String> = (0..opts.groups.max(1)).map(group).collect();
    let mut total = 0;
    for chunk in ids.chunks(50) {
        let body = json!({"GroupIdList": chunk,
                          "ResponseFilter": {"GroupBaseInfoFilter": ["NextMsgSeq"]}});
        let v = client
            .call("group_open_http_svc/get_group_info", &body)
            .await?;
        for g in v["GroupInfo"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let next = g["NextMsgSeq"]
                .as_u64()
                .ok_or_else(|| format!("get_group_info answered {g}"))?;
            total += next.saturating_sub(1);
        }
    }
    Ok(total)
}

/// Runs the benchmark and prints its report. Returns the per-scenario figures.
pub async fn run(opts: BenchOptions) -> Result<Vec<ScenarioResult>, String> {
    let mut server: Option<ChildServer> = None;
    let addr = match &opts.url {
        Some(url) => url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string(),
        None => {
            let dir = tempdir::Dir::new().map_err(|e| format!("temporary directory: {e}"))?;
            let database = opts.database.clone().unwrap_or_else(|| {
                format!(
                    "sqlite://{}",
                    PathBuf::from(&dir.0).join("bench.db").display()
                )
            });
            let addr = format!("127.0.0.1:{}", free_port().map_err(|e| e.to_string())?);
            let child = spawn_server(&opts, &addr, &database)?;
            server = Some(ChildServer {
                child,
                dir: Some(dir),
            });
            addr
        }
    };
    let client = Client::new(&addr, &opts);
    wait_ready(&client).await?;
    let prep_start = Instant::now();
    prepare(&client, &opts).await?;
    println!(
        "prepared {} groups x {} members x {} messages in {:.1} s",
        opts.groups,
        opts.members,
        opts.messages,
        prep_start.elapsed().as_secs_f64()
    );
    // Start-up time on the prepared database: restart and time until the first answer.
    if let (Some(s), None) = (server.as_mut(), &opts.url) {
        s.stop();
        let database = opts.database.clone().unwrap_or_else(|| {
            let dir = s.dir.as_ref().map(|d| d.0.clone()).unwrap_or_default();
            format!("sqlite://{}", dir.join("bench.db").display())
        });
        let started = Instant::now();
        s.child = spawn_server(&opts, &addr, &database)?;
        wait_ready(&client).await?;
        println!(
            "start-up on the prepared database: {:.0} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        if let Some(kb) = rss_kb(s.pid(), "VmRSS:") {
            println!("server RSS when idle: {:.1} MB", kb as f64 / 1024.0);
        }
    }
    let pid = server.as_ref().map(ChildServer::pid);
    let mut results = Vec::new();
    for name in &opts.scenarios {
        let r = run_scenario(&client, &opts, name, pid).await?;
        results.push(r);
    }
    print_report(&opts, &results);
    Ok(results)
}

fn print_report(opts: &BenchOptions, results: &[ScenarioResult]) {
    let ceiling = results
        .iter()
        .find(|r| r.name == "ceiling")
        .map(|r| r.per_second);
    let mode = match opts.rate {
        Some(r) => format!("fixed rate {r}/s"),
        None => "closed loop".to_string(),
    };
    println!(
        "\n{} connections, {:.0} s per scenario, {mode}",
        opts.concurrency,
        opts.duration.as_secs_f64()
    );
    println!(
        "{:<24} {:>10} {:>8} {:>9} {:>9} {:>9} {:>8} {:>9} {:>8}",
        "scenario", "req/s", "ratio", "p50 ms", "p99 ms", "p99.9 ms", "errors", "peak MB", "cpu µs"
    );
    for r in results {
        let ratio = ceiling.map_or("-".to_string(), |c| format!("{:.3}", r.per_second / c));
        let rss = r.peak_rss_mb.map_or("-".to_string(), |m| format!("{m:.1}"));
        let cpu = r
            .cpu_us_per_request
            .map_or("-".to_string(), |c| format!("{c:.1}"));
        println!(
            "{:<24} {:>10.0} {:>8} {:>9.3} {:>9.3} {:>9.3} {:>8} {:>9} {:>8}",
            r.name, r.per_second, ratio, r.p50_ms, r.p99_ms, r.p999_ms, r.errors, rss, cpu
        );
    }
    for r in results {
        if let Some((acked, stored)) = r.sends {
            println!(
                "{}: {acked} sends acknowledged, {stored} new messages stored, {} lost",
                r.name,
                acked.saturating_sub(stored)
            );
        }
    }
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

    #[test]
    fn cpu_ticks_skips_a_command_name_with_spaces_and_parentheses() {
        let stat = "4242 (opentim (x) y) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 9";
        assert_eq!(cpu_ticks(stat), Some(300));
        assert_eq!(cpu_ticks("4242 (truncated) S 1 2"), None);
    }

    #[test]
    fn cpu_time_reads_this_process() {
        assert!(cpu_time(std::process::id()).is_some());
    }
}
