//! Per-app, per-command call rate limits (Tencent: 200/s, 100/s for the heavy account APIs).

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};

use crate::clock::SharedClock;
use crate::config::RateLimits;

/// Reads the server's injected clock, so tests control refills.
#[derive(Clone)]
pub struct LimiterClock(SharedClock);

impl governor::clock::Clock for LimiterClock {
    type Instant = Duration;
    fn now(&self) -> Duration {
        self.0.monotonic()
    }
}

type Limiter = RateLimiter<NotKeyed, InMemoryState, LimiterClock, NoOpMiddleware<Duration>>;

/// One token bucket per (SDKAppID, command), built at start-up.
pub struct RateLimiters {
    limiters: HashMap<(u64, &'static str), (Limiter, u32)>,
}

impl RateLimiters {
    pub fn new(
        apps: impl Iterator<Item = u64>,
        commands: &[&'static str],
        limits: &RateLimits,
        clock: SharedClock,
    ) -> RateLimiters {
        let mut limiters = HashMap::new();
        for app in apps {
            for &command in commands {
                let rate = limits.for_command(command);
                let quota = Quota::per_second(NonZeroU32::new(rate).unwrap_or(NonZeroU32::MIN));
                let limiter = RateLimiter::direct_with_clock(quota, LimiterClock(clock.clone()));
                limiters.insert((app, command), (limiter, rate));
            }
        }
        RateLimiters { limiters }
    }

    /// Ok, or the limit that was exceeded.
    pub fn check(&self, app: u64, command: &'static str) -> Result<(), u32> {
        match self.limiters.get(&(app, command)) {
            Some((limiter, rate)) => limiter.check().map_err(|_| *rate),
            None => Ok(()),
        }
    }
}
