//! The `opentim` binary: the command line (`cli.rs`) and the benchmark (`bench/`), both outside
//! the library, which is the server.

mod bench;
mod cli;

/// mimalloc instead of the system allocator: answers build many small strings and maps,
/// and glibc's malloc showed at the top of the server's profile.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run());
}
