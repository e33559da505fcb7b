//! The benchmark's printed table: one line per scenario, and the sends each one lost.

use super::{BenchOptions, ScenarioResult};

pub(super) fn print_report(opts: &BenchOptions, results: &[ScenarioResult]) {
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
    if let Some(r) = results.iter().find(|r| r.name == "batchsendmsg") {
        println!(
            "batchsendmsg: {:.0} recipient-messages/s ({} recipients per call)",
            r.per_second * super::c2c::BATCH_RECIPIENTS as f64,
            super::c2c::BATCH_RECIPIENTS
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
