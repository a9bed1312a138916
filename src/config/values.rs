//! Grafana's value syntax for durations and booleans, as its Go side parses them, so a value
//! that works in grafana.ini or a query works here too.

use std::time::Duration;

/// Parses a Grafana duration: Go's `time.ParseDuration` forms (`15m`, `1h30m`, `900s`,
/// `250ms`) plus Grafana's day and week suffixes (`1d`, `1w`). A bare number is not a duration.
pub fn parse_duration(value: &str) -> Option<Duration> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    let mut total = 0f64;
    let mut rest = v;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return None;
        }
        let number: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "d" => 86_400.0,
            "w" => 604_800.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += number * seconds;
    }
    // try_: an absurd value (1e30h) is "not a duration", not an overflow panic.
    Duration::try_from_secs_f64(total).ok()
}

/// Parses a boolean as Go's `strconv.ParseBool` does.
pub fn parse_bool(value: &str) -> Option<bool> {
    match value.trim() {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let cases = [
            ("15m", 900.0),
            ("1h", 3600.0),
            ("1h30m", 5400.0),
            ("900s", 900.0),
            ("1.5h", 5400.0),
            ("1d", 86400.0),
            ("1w", 604800.0),
            ("250ms", 0.25),
        ];
        for (raw, secs) in cases {
            assert_eq!(
                parse_duration(raw),
                Some(Duration::from_secs_f64(secs)),
                "{raw}"
            );
        }
        // Found by cargo fuzz: durations past Duration's range overflowed.
        for bad in [
            "",
            "15",
            "m",
            "15x",
            "-1h",
            "1h-",
            "99999999999999999999999h",
            "1e400s",
            "9.9e300w",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
        // The crashing input cargo fuzz found, as it was.
        assert_eq!(parse_duration(&format!("5m{}h", "9".repeat(40))), None);
    }

    #[test]
    fn booleans() {
        for t in ["1", "t", "TRUE", " true "] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for f in ["0", "F", "False"] {
            assert_eq!(parse_bool(f), Some(false), "{f}");
        }
        assert_eq!(parse_bool("yes"), None);
    }
}
