//! reliability.md §4(d) S23: UserSig verification takes the same time wherever a wrong signature
//! differs from the right one (a dudect-style Welch t-test between "first byte wrong" and "last byte
//! wrong"). CI runs 20,000 samples per class; `OPENTIM_DUDECT_SAMPLES=1000000 cargo test --release
//! --test timing -- --nocapture` runs the full-size check.

use std::io::Write;
use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use opentim::usersig::{self, SigError};

const SDKAPPID: u64 = 1400000000;
const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const ID: &str = "administrator";
const TIME: i64 = 1_700_000_000;
const EXPIRE: i64 = 86400;

/// A UserSig whose `TLS.sig` is the right MAC with byte `at` flipped.
fn token_with_wrong_byte(at: usize) -> String {
    let right = usersig::signature(KEY, ID, SDKAPPID, TIME, EXPIRE, None);
    let mut mac = STANDARD.decode(right).unwrap();
    mac[at] ^= 0x01;
    let doc = serde_json::json!({
        "TLS.ver": "2.0", "TLS.identifier": ID, "TLS.sdkappid": SDKAPPID,
        "TLS.time": TIME, "TLS.expire": EXPIRE, "TLS.sig": STANDARD.encode(&mac),
    });
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(doc.to_string().as_bytes()).unwrap();
    STANDARD
        .encode(z.finish().unwrap())
        .replace('+', "*")
        .replace('/', "-")
        .replace('=', "_")
}

/// Welch's t statistic of two samples.
fn welch_t(a: &[f64], b: &[f64]) -> f64 {
    let stats = |x: &[f64]| {
        let n = x.len() as f64;
        let mean = x.iter().sum::<f64>() / n;
        let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (n, mean, var)
    };
    let (na, ma, va) = stats(a);
    let (nb, mb, vb) = stats(b);
    (ma - mb) / (va / na + vb / nb).sqrt()
}

#[test]
fn signature_comparison_takes_constant_time() {
    let samples: usize = std::env::var("OPENTIM_DUDECT_SAMPLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let tokens = [token_with_wrong_byte(0), token_with_wrong_byte(31)];
    let now = TIME + 10;
    for token in &tokens {
        assert_eq!(
            usersig::verify(SDKAPPID, KEY, ID, token, now).map(|_| ()),
            Err(SigError::BadSignature)
        );
    }
    // Classes interleaved at random, so drifts of the machine's speed hit both alike.
    let mut times: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    for _ in 0..2 * samples {
        let class = usize::from(rand::random::<bool>());
        let started = Instant::now();
        let outcome = usersig::verify(SDKAPPID, KEY, ID, &tokens[class], now);
        let took = started.elapsed().as_nanos() as f64;
        std::hint::black_box(outcome.is_err());
        times[class].push(took);
    }
    // As dudect does, drop the slowest 10 % (interrupts, preemption) before comparing.
    let mut all: Vec<f64> = times.iter().flatten().copied().collect();
    all.sort_by(f64::total_cmp);
    let cut = all[all.len() * 9 / 10];
    let [a, b] = times.map(|t| t.into_iter().filter(|&v| v <= cut).collect::<Vec<_>>());
    let t = welch_t(&a, &b);
    println!(
        "S23: {} + {} samples, first-byte vs last-byte wrong MAC, Welch t = {t:.2}",
        a.len(),
        b.len()
    );
    assert!(
        t.abs() < 5.0,
        "verification time depends on the MAC: t = {t:.2}"
    );
}
