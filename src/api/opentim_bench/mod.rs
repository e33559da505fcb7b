//! `v4/opentim_bench/*`: commands served only in benchmark mode (`OPENTIM_BENCH=1`).

pub mod ceiling;
pub mod fill_c2c;
