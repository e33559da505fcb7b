//! Global mutes (openconfigsvr setnospeaking/getnospeaking): a duration as Tencent writes it
//! (0 unmute, 4294967295 forever, else seconds from now) and the end time opentim stores.

/// The duration that means "forever", in requests and answers.
pub const PERMANENT: u64 = 4_294_967_295;

/// The stored end of a mute that never ends.
pub const FOREVER: i64 = i64::MAX;

/// The end time of a mute of `secs` seconds set at `now` (0: not muted).
pub fn until(secs: u64, now: i64) -> i64 {
    match secs {
        0 => 0,
        PERMANENT => FOREVER,
        // Below 2^32, so neither the conversion nor the sum can overflow.
        s => now.saturating_add(i64::try_from(s).unwrap_or(FOREVER)),
    }
}

/// What getnospeaking answers for a mute ending at `until`: the seconds left at `now`, 0 when
/// it has ended, [`PERMANENT`] when it never ends.
pub fn remaining(until: i64, now: i64) -> u64 {
    if until == FOREVER {
        return PERMANENT;
    }
    u64::try_from(until.saturating_sub(now)).unwrap_or(0)
}

/// Whether a mute ending at `until` still holds at `now`.
pub fn holds(until: i64, now: i64) -> bool {
    until > now
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_round_trip() {
        assert_eq!(until(0, 100), 0);
        assert_eq!(remaining(until(0, 100), 100), 0);
        assert_eq!(remaining(until(7200, 100), 104), 7196);
        assert_eq!(remaining(until(7200, 100), 7300), 0);
        assert_eq!(remaining(until(7200, 100), 9000), 0);
        assert_eq!(remaining(until(PERMANENT, 100), i64::MAX - 1), PERMANENT);
        assert_eq!(remaining(until(PERMANENT - 1, 100), 100), PERMANENT - 1);
        assert!(holds(until(1, 100), 100));
        assert!(!holds(until(1, 100), 101));
        assert!(!holds(0, 0));
    }
}
