//! Micro-benchmarks: UserSig verification (what the cache saves) and the unread arithmetic.
//! Run with `cargo bench --bench micro`.

use criterion::{Criterion, criterion_group, criterion_main};
use opentim::domain::unread::GroupCounters;
use opentim::usersig;
use std::hint::black_box;

const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

fn usersig_benches(c: &mut Criterion) {
    let sig = usersig::sign(1400000000, KEY, "administrator", 1_700_000_000, 86400);
    c.bench_function("usersig_verify", |b| {
        b.iter(|| {
            usersig::verify(
                black_box(1400000000),
                black_box(KEY),
                black_box("administrator"),
                black_box(&sig),
                black_box(1_700_000_100),
            )
        })
    });
    c.bench_function("usersig_sign", |b| {
        b.iter(|| {
            usersig::sign(
                1400000000,
                KEY,
                black_box("administrator"),
                1_700_000_000,
                86400,
            )
        })
    });
}

fn unread_benches(c: &mut Criterion) {
    let group = (0..1000).fold(GroupCounters::new(), |g, i| g.after_message(i % 7 != 0));
    let mark = group.mark_with_unread(40);
    let later = group
        .after_message(true)
        .after_unread_reset()
        .after_message(true);
    c.bench_function("unread_count", |b| {
        b.iter(|| black_box(later).unread(black_box(mark), true))
    });
    c.bench_function("unread_set_mark", |b| {
        b.iter(|| black_box(group).mark_with_unread(black_box(5000)))
    });
}

criterion_group!(benches, usersig_benches, unread_benches);
criterion_main!(benches);
