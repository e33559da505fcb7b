//! The server a benchmark starts as a child process, and what `/proc` tells about it (RSS,
//! CPU time): measured from outside, so the load generator's own work is not counted.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::BenchOptions;

/// A server started for the benchmark.
pub(super) struct ChildServer {
    pub(super) child: Child,
    /// Holds its database (unless `--database` names another) and its ready file.
    pub(super) dir: tempdir::Dir,
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

/// Starts `opentim serve` on a port the system picks; returns it and the address it listens
/// on, which it writes to a file in `dir` once listening.
pub(super) async fn start_server(
    opts: &BenchOptions,
    dir: &Path,
    database: &str,
) -> Result<(Child, String), String> {
    let ready = dir.join("ready");
    // A restart on the same directory must not read the address of the server before it.
    let _ = std::fs::remove_file(&ready);
    let exe = std::env::current_exe().map_err(|e| format!("cannot find opentim: {e}"))?;
    let mut child = Command::new(exe)
        .args(["serve", "--listen", "127.0.0.1:0", "--database", database])
        .arg("--ready-file")
        .arg(&ready)
        .env("OPENTIM_SDKAPPID", opts.sdkappid.to_string())
        .env("OPENTIM_SECRET_KEY", &opts.key)
        .env("OPENTIM_ADMINS", &opts.admin)
        .env("OPENTIM_BENCH", "1")
        .env("OPENTIM_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start opentim serve: {e}"))?;
    match listening(&ready, &mut child).await {
        Ok(addr) => Ok((child, addr)),
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(e)
        }
    }
}

/// The address in the ready file, once the server has written it (whole: it renames it into
/// place). Short waits between looks, for at most 60 s.
async fn listening(ready: &Path, child: &mut Child) -> Result<String, String> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if let Ok(text) = std::fs::read_to_string(ready) {
            return Ok(text.trim_end().to_string());
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("opentim serve exited before listening: {status}"));
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Err("the server did not start listening within 60 s".into())
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
