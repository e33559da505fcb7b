//! `opentim bench`: prepares data, drives scenarios over keep-alive HTTP/1.1 connections and
//! prints throughput (also as a ratio to the `ceiling` scenario of the same run), latency
//! percentiles, errors and the server's peak RSS.
//!
//! By default it starts `opentim serve` as a child process on a fresh database, so the RSS it
//! reports is the server's alone; `--url` targets a running server instead. It is part of the
//! binary, not of the library: it reaches the server only over HTTP, like any client.

mod c2c;
mod client;
mod load;
mod report;
mod scenarios;
mod server;
mod social;

use std::time::{Duration, Instant};

use client::{Client, wait_ready};
use server::{ChildServer, rss_kb, start_server, tempdir};

const BENCH_SDKAPPID: u64 = 1400000000;
const BENCH_KEY: &str = "opentim-bench-key-0123456789abcdef0123456789abcdef0123456789abcdef";
const BENCH_ADMIN: &str = "administrator";
/// The scenarios, in the order they run.
pub const SCENARIOS: &[&str] = &[
    "ceiling",
    "set_unread_msg_num",
    "send_group_msg",
    "import_group_msg",
    "get_group_member_info",
    "get_joined_group_list",
    "importmsg",
    "sendmsg",
    "batchsendmsg",
    "admin_getroammsg_100",
    "admin_getroammsg_1m",
    "get_list_100",
    "get_list_1m",
    "portrait_set",
    "friend_import",
    "friend_import_scattered",
    "friend_get_10",
    "friend_get_100",
    "friend_get_5000",
    "friend_check_10",
    "friend_check_5000",
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

/// The flags of `opentim bench`.
#[derive(clap::Args)]
pub struct BenchArgs {
    /// Target a running server (http://HOST:PORT) instead of starting one; it must run with
    /// OPENTIM_BENCH=1 and the key given here.
    #[arg(long)]
    url: Option<String>,
    #[arg(long, default_value_t = 1400000000)]
    sdkappid: u64,
    /// Secret key of the app (default: the key the started server is given).
    #[arg(long)]
    key: Option<String>,
    #[arg(long, default_value = "administrator")]
    admin: String,
    /// Database for the started server (default: a fresh SQLite file).
    #[arg(long)]
    database: Option<String>,
    #[arg(long, default_value_t = 10)]
    groups: usize,
    /// Members per group (accounts u0..uN).
    #[arg(long, default_value_t = 200)]
    members: usize,
    /// Messages imported into each group before measuring.
    #[arg(long, default_value_t = 100)]
    messages: usize,
    /// Keep-alive connections.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Seconds per scenario.
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Fixed total request rate per second (measures latency at that load).
    #[arg(long)]
    rate: Option<u64>,
    /// Comma-separated scenarios (default: all).
    #[arg(long, value_delimiter = ',')]
    scenarios: Option<Vec<String>>,
}

/// Runs `opentim bench`; returns the process exit code.
pub fn command(args: BenchArgs) -> i32 {
    let defaults = BenchOptions::default();
    if let Some(unknown) = args
        .scenarios
        .iter()
        .flatten()
        .find(|s| !SCENARIOS.contains(&s.as_str()) && s.as_str() != MIXED)
    {
        eprintln!(
            "opentim bench: unknown scenario {unknown}; known: {}",
            SCENARIOS.join(", ")
        );
        return 2;
    }
    let opts = BenchOptions {
        url: args.url,
        sdkappid: args.sdkappid,
        key: args.key.unwrap_or(defaults.key),
        admin: args.admin,
        database: args.database,
        groups: args.groups.max(1),
        members: args.members.max(1),
        messages: args.messages,
        concurrency: args.concurrency.max(1),
        duration: Duration::from_secs_f64(args.duration.max(0.1)),
        rate: args.rate,
        scenarios: args.scenarios.unwrap_or(defaults.scenarios),
    };
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("opentim bench: cannot start the runtime: {e}");
            return 1;
        }
    };
    match rt.block_on(run(opts)) {
        Ok(_) => 0,
        Err(e) => {
            eprintln!("opentim bench: {e}");
            1
        }
    }
}

/// The figures of one scenario.
#[derive(Debug, Clone)]
pub struct ScenarioResult {
    pub name: String,
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

/// The database of the started server: `--database`, or a SQLite file in its directory.
fn started_database(opts: &BenchOptions, dir: &tempdir::Dir) -> String {
    opts.database
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", dir.0.join("bench.db").display()))
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
            let database = started_database(&opts, &dir);
            let (child, addr) = start_server(&opts, &dir.0, &database).await?;
            server = Some(ChildServer { child, dir });
            addr
        }
    };
    let mut client = Client::new(&addr, &opts);
    wait_ready(&client).await?;
    let prep_start = Instant::now();
    scenarios::prepare(&client, &opts).await?;
    if opts
        .scenarios
        .iter()
        .any(|s| c2c::C2C_SCENARIOS.contains(&s.as_str()))
    {
        c2c::prepare(&client, opts.concurrency).await?;
    }
    if opts
        .scenarios
        .iter()
        .any(|s| social::SOCIAL_SCENARIOS.contains(&s.as_str()))
    {
        social::prepare(&client).await?;
    }
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
        let database = started_database(&opts, &s.dir);
        let started = Instant::now();
        let (child, addr) = start_server(&opts, &s.dir.0, &database).await?;
        s.child = child;
        client = Client::new(&addr, &opts);
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
        let r = load::run_scenario(&client, &opts, name, pid).await?;
        results.push(r);
    }
    report::print_report(&opts, &results);
    Ok(results)
}
