//! How Stratus waits for a Logs Insights query (pure): the pause before each GetQueryResults,
//! how long it waits in all, and what each status AWS reports means for the panel.

use std::time::Duration;

use http::StatusCode;

/// The first pause: most dashboard queries finish within a second.
const FIRST_DELAY: Duration = Duration::from_millis(250);
/// The longest pause: a slow query is still seen finishing within two seconds.
const MAX_DELAY: Duration = Duration::from_secs(2);
/// Kept back from the request's deadline to stop the query and answer in time.
const DEADLINE_MARGIN: Duration = Duration::from_secs(2);

/// The pause before the `attempt`th GetQueryResults (0-based): 250 ms growing by half each
/// time up to 2 s, so a query that takes T seconds costs about 4 + T/2 calls (Grafana's
/// alerting path polls every second: T calls).
pub fn delay(attempt: u32) -> Duration {
    let grown = FIRST_DELAY.as_secs_f64() * 1.5f64.powi(attempt.min(16) as i32);
    Duration::from_secs_f64(grown).min(MAX_DELAY)
}

/// How long a query may run: `logsTimeout`, or less when Grafana's request ends sooner.
pub fn budget(logs_timeout: Duration, deadline: Option<Duration>) -> Duration {
    match deadline {
        Some(d) => logs_timeout.min(d.saturating_sub(DEADLINE_MARGIN)),
        None => logs_timeout,
    }
}

/// Where a query stands, as GetQueryResults says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Scheduled or running: ask again.
    Running,
    /// Finished; the results are all there.
    Complete,
    /// AWS could not run it.
    Failed,
    /// Someone stopped it (StopQuery, from Stratus or elsewhere).
    Cancelled,
    /// AWS gave up on it (after 60 minutes).
    Timeout,
    /// A status this version of Stratus does not know.
    Unknown,
}

impl Status {
    /// Whether to ask again.
    pub fn is_running(self) -> bool {
        self == Status::Running
    }

    /// Why a query that ended so has no answer, and the HTTP status Grafana reports; `None`
    /// when it completed.
    pub fn failure(self) -> Option<(StatusCode, &'static str)> {
        match self {
            Status::Running | Status::Complete => None,
            Status::Failed => Some((StatusCode::BAD_REQUEST, "CloudWatch Logs could not run the query (status Failed). Check the query in CloudWatch Logs Insights, and that the log groups exist in this region.")),
            Status::Cancelled => Some((StatusCode::CONFLICT, "The query was cancelled in CloudWatch Logs (status Cancelled) before it finished; run it again.")),
            Status::Timeout => Some((StatusCode::GATEWAY_TIMEOUT, "CloudWatch Logs gave up on the query after its 60-minute limit (status Timeout). Narrow the time range or the log groups, or filter earlier in the query.")),
            Status::Unknown => Some((StatusCode::BAD_GATEWAY, "CloudWatch Logs reported the query's status as Unknown; run it again.")),
        }
    }
}

/// Why Stratus stopped a query before it finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// `logsTimeout` ran out.
    LogsTimeout(Duration),
    /// Grafana's request deadline was near.
    Deadline,
}

impl Stopped {
    /// The notice on the partial answer.
    pub fn notice(self) -> String {
        match self {
            Stopped::LogsTimeout(t) => format!(
                "The query was still running after {} (the data source's logsTimeout); Stratus stopped it and shows the results found so far.",
                humantime(t)
            ),
            Stopped::Deadline => "Grafana's time for this request ran out while the query was running; Stratus stopped it and shows the results found so far.".into(),
        }
    }
}

/// `90s`, `30m`, `1h`: as a setting would be written.
fn humantime(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        _ if s >= 3600 && s.is_multiple_of(3600) => format!("{}h", s / 3600),
        _ if s >= 60 && s.is_multiple_of(60) => format!("{}m", s / 60),
        _ if s > 0 => format!("{s}s"),
        _ => format!("{}ms", d.as_millis()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GetQueryResults calls for a query that finishes after `t`.
    fn calls_for(t: Duration) -> u32 {
        let (mut waited, mut calls) = (Duration::ZERO, 0);
        while waited < t {
            waited += delay(calls);
            calls += 1;
        }
        calls
    }

    #[test]
    fn the_backoff_grows_to_two_seconds() {
        assert_eq!(delay(0), Duration::from_millis(250));
        assert_eq!(delay(1), Duration::from_millis(375));
        assert_eq!(delay(20), MAX_DELAY);
        assert_eq!(calls_for(Duration::from_secs(1)), 3);
        assert_eq!(calls_for(Duration::from_secs(5)), 6);
        assert_eq!(calls_for(Duration::from_secs(30)), 19);
    }

    #[test]
    fn the_budget_respects_the_request_deadline() {
        let thirty_m = Duration::from_secs(1800);
        assert_eq!(budget(thirty_m, None), thirty_m);
        assert_eq!(
            budget(thirty_m, Some(Duration::from_secs(30))),
            Duration::from_secs(28)
        );
        assert_eq!(
            budget(thirty_m, Some(Duration::from_secs(1))),
            Duration::ZERO
        );
    }

    #[test]
    fn statuses_say_what_happened() {
        assert!(Status::Running.is_running() && !Status::Complete.is_running());
        assert_eq!(Status::Complete.failure(), None);
        let (code, message) = Status::Timeout.failure().unwrap();
        assert_eq!(code, StatusCode::GATEWAY_TIMEOUT);
        assert!(message.contains("60-minute"));
        assert_eq!(Status::Failed.failure().unwrap().0, StatusCode::BAD_REQUEST);
        assert!(Stopped::LogsTimeout(Duration::from_secs(90))
            .notice()
            .contains("after 90s"));
        assert!(Stopped::LogsTimeout(Duration::from_secs(1800))
            .notice()
            .contains("after 30m"));
        assert!(Stopped::Deadline.notice().contains("ran out"));
    }
}
