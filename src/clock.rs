//! Time as the server sees it: a system clock in production, a hand-driven one in tests.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Wall-clock seconds (for UserSig expiry and message times) and a monotonic
/// reading (for rate limits). Tests freeze both and move them explicitly.
pub trait Clock: Send + Sync + 'static {
    /// Unix time in seconds.
    fn unix_now(&self) -> i64;
    /// Monotonic time since an arbitrary origin.
    fn monotonic(&self) -> Duration;
}

pub type SharedClock = Arc<dyn Clock>;

/// The real clock.
pub struct SystemClock {
    origin: Instant,
}

impl SystemClock {
    pub fn shared() -> SharedClock {
        Arc::new(SystemClock {
            origin: Instant::now(),
        })
    }
}

impl Clock for SystemClock {
    fn unix_now(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }

    fn monotonic(&self) -> Duration {
        self.origin.elapsed()
    }
}

/// A clock that only moves when told to; both readings advance together.
#[derive(Default)]
pub struct ManualClock {
    unix: AtomicI64,
    mono_nanos: AtomicI64,
}

impl ManualClock {
    pub fn new(unix: i64) -> Arc<ManualClock> {
        Arc::new(ManualClock {
            unix: AtomicI64::new(unix),
            mono_nanos: AtomicI64::new(0),
        })
    }

    pub fn advance(&self, by: Duration) {
        self.mono_nanos
            .fetch_add(by.as_nanos() as i64, Ordering::SeqCst);
        self.unix.fetch_add(by.as_secs() as i64, Ordering::SeqCst);
    }

    pub fn set_unix(&self, unix: i64) {
        self.unix.store(unix, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn unix_now(&self) -> i64 {
        self.unix.load(Ordering::SeqCst)
    }

    fn monotonic(&self) -> Duration {
        Duration::from_nanos(self.mono_nanos.load(Ordering::SeqCst).max(0) as u64)
    }
}
