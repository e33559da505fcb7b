//! The `opentim` binary: see `cli.rs`.

fn main() {
    std::process::exit(opentim::cli::run());
}
