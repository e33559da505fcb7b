//! Driving one scenario: every connection sends its requests (closed loop or at a fixed rate),
//! records latencies in a histogram, and the figures are merged into a [`ScenarioResult`].

use std::time::{Duration, Instant};

use bytes::Bytes;
use hdrhistogram::Histogram;
use opentim::clock::SystemClock;
use serde_json::json;

use super::client::{Client, error_code};
use super::scenarios::{group, scenario_request};
use super::server::{cpu_time, reset_peak_rss, rss_kb};
use super::{BenchOptions, ScenarioResult};

/// How late tokio's timer may fire a scheduled request without it counting as queueing.
const TIMER_SLACK: Duration = Duration::from_millis(2);

/// What every connection of one scenario shares.
#[derive(Clone)]
struct Plan {
    name: String,
    t0: i64,
    /// Each scenario draws its own Randoms: a scenario repeating an earlier one's (sender,
    /// Random) pairs within 5 minutes would be de-duplicated, not stored.
    salt: u64,
    deadline: Instant,
    /// Time between two requests of one connection at a fixed rate; None in closed loop.
    interval: Option<Duration>,
}

/// What one connection saw: latencies, error answers, acknowledged sends.
type Tally = (Histogram<u64>, u64, u64);

fn histogram() -> Result<Histogram<u64>, String> {
    Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).map_err(|e| e.to_string())
}

pub(super) async fn run_scenario(
    client: &Client,
    opts: &BenchOptions,
    name: &str,
    pid: Option<u32>,
) -> Result<ScenarioResult, String> {
    if let Some(pid) = pid {
        reset_peak_rss(pid);
    }
    let t0 = SystemClock::shared().unix_now() - 29 * 86400;
    let stored_before = stored_messages(client, opts).await?;
    let salt = rand::random::<u64>();
    let cpu_before = pid.and_then(cpu_time);
    let plan = Plan {
        name: name.to_string(),
        t0,
        salt,
        deadline: Instant::now() + opts.duration,
        interval: opts
            .rate
            .map(|r| Duration::from_secs_f64(opts.concurrency as f64 / r.max(1) as f64)),
    };
    let mut tasks = Vec::new();
    for conn_idx in 0..opts.concurrency {
        let (client, opts, plan) = (client.clone(), opts.clone(), plan.clone());
        tasks.push(tokio::spawn(async move {
            drive(&client, &opts, &plan, conn_idx).await
        }));
    }
    let started = Instant::now();
    let mut hist = histogram()?;
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

/// One connection's share of a scenario, until the plan's deadline.
async fn drive(
    client: &Client,
    opts: &BenchOptions,
    plan: &Plan,
    conn_idx: usize,
) -> Result<Tally, String> {
    let mut hist = histogram()?;
    let mut errors = 0u64;
    let mut acked_sends = 0u64;
    let mut conn = client.connect().await?;
    let mut k = 0u64;
    // Connections start spread over one interval so a fixed rate is smooth.
    let mut next = Instant::now()
        + plan.interval.map_or(Duration::ZERO, |i| {
            i.mul_f64(conn_idx as f64 / opts.concurrency as f64)
        });
    while Instant::now() < plan.deadline {
        if plan.interval.is_some() {
            tokio::time::sleep_until(next.into()).await;
        }
        // Latency from the scheduled start, so a slow server cannot hide queueing
        // (coordinated omission); but a start that is late only by the timer's 1 ms
        // granularity counts from when it was really sent.
        let sent = Instant::now();
        let start = if plan.interval.is_some() && sent.duration_since(next) > TIMER_SLACK {
            next
        } else {
            sent
        };
        let (command, body) = scenario_request(&plan.name, opts, conn_idx, k, plan.t0, plan.salt);
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
        if let Some(i) = plan.interval {
            next += i;
        }
    }
    Ok((hist, errors, acked_sends))
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
