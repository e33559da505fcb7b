//! The `opentim` binary: see `cli.rs`.

/// mimalloc instead of the system allocator: answers build many small strings and maps,
/// and glibc's malloc showed at the top of the server's profile.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(opentim::cli::run());
}
