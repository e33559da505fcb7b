//! The server a benchmark starts as a child process, and what `/proc` tells about it (RSS,
//! CPU time): measured from outside, so the load generator's own work is not counted.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::BenchOptions;

/// A server started for the benchmark.
pub(super) struct ChildServer {
    pub(super) child: Child,
    pub(super) dir: Option<tempdir::Dir>,
}

/// A temporary directory removed on drop (kept small to avoid a dependency for one use).
pub(super) mod tempdir {
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
    pub(super) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(super) fn stop(&mut self) {
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

pub(super) fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

pub(super) fn spawn_server(
    opts: &BenchOptions,
    addr: &str,
    database: &str,
) -> Result<Child, String> {
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

pub(super) fn rss_kb(pid: u32, field: &str) -> Option<u64> {
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
pub(super) fn cpu_time(pid: u32) -> Option<Duration> {
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
pub(super) fn reset_peak_rss(pid: u32) {
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
}

#[cfg(test)]
mod tests {
    use super::*;

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
