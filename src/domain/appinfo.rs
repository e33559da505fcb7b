//! getappinfo's calendar: Beijing-time days (UTC+8, no daylight saving) and their `Date` text.

/// Seconds east of UTC of Beijing time, where Tencent's operations days begin.
pub const BEIJING_OFFSET_SECS: i64 = 8 * 3600;

/// How many days getappinfo reports, today included.
pub const REPORT_DAYS: i64 = 30;

const DAY_SECS: i64 = 86_400;

/// The Beijing day number (days since 1970-01-01 in Beijing) of a unix time.
pub fn day_of(unix: i64) -> i64 {
    (unix + BEIJING_OFFSET_SECS).div_euclid(DAY_SECS)
}

/// The unix time at which a Beijing day begins.
pub fn day_start(day: i64) -> i64 {
    day * DAY_SECS - BEIJING_OFFSET_SECS
}

/// A day as Tencent writes it: "YYYYMMDD" (Howard Hinnant's civil-from-days).
pub fn date_text(day: i64) -> String {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}{m:02}{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_days() {
        // 2023-11-14 22:13:20 UTC is 2023-11-15 06:13:20 in Beijing.
        assert_eq!(date_text(day_of(1_700_000_000)), "20231115");
        assert_eq!(date_text(day_of(0)), "19700101");
        assert_eq!(date_text(day_of(16 * 3600 - 1)), "19700101");
        assert_eq!(date_text(day_of(16 * 3600)), "19700102");
        assert_eq!(date_text(day_of(951_782_400)), "20000229");
        assert_eq!(day_of(day_start(19_000)), 19_000);
        assert_eq!(day_of(day_start(19_000) - 1), 18_999);
    }
}
