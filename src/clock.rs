//! "Now" and RFC 3339 times, in one place: the frames, the health check and the command line
//! all print times the same way.

use std::time::{SystemTime, UNIX_EPOCH};

use aws_smithy_types::date_time::{DateTime, Format};

/// Milliseconds since the epoch, now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `2023-11-14T22:13:20Z` (fractions of a second only when there are some).
pub fn rfc3339_ms(ms: i64) -> String {
    DateTime::from_millis(ms)
        .fmt(Format::DateTime)
        .unwrap_or_else(|_| ms.to_string())
}

/// [`rfc3339_ms`] of a `SystemTime` (credential expiry times).
pub fn rfc3339(t: SystemTime) -> String {
    rfc3339_ms(DateTime::from(t).to_millis().unwrap_or(0))
}

/// Parses an RFC 3339 time into milliseconds since the epoch.
pub fn parse_rfc3339_ms(value: &str) -> Option<i64> {
    DateTime::from_str(value.trim(), Format::DateTime)
        .ok()
        .and_then(|d| d.to_millis().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let ms = 1_700_000_000_000;
        assert_eq!(rfc3339_ms(ms), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339_ms(1_500), "1970-01-01T00:00:01.5Z");
        assert_eq!(parse_rfc3339_ms("2023-11-14T22:13:20Z"), Some(ms));
        assert_eq!(parse_rfc3339_ms("yesterday"), None);
        assert_eq!(
            rfc3339(UNIX_EPOCH + std::time::Duration::from_millis(ms as u64)),
            rfc3339_ms(ms)
        );
        assert!(now_ms() > ms);
    }
}
