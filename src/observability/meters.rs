//! Prometheus metrics, served through Diagnostics.CollectMetrics. Labels never carry secrets
//! or identities: service, operation, outcome, auth mode, cache result.

use std::future::Future;
use std::sync::OnceLock;
use std::time::Instant;

use tracing::Instrument;

use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

/// Every metric Stratus exports.
pub struct Metrics {
    registry: Registry,
    aws_calls: IntCounterVec,
    queries_per_call: Histogram,
    credential_resolutions: IntCounterVec,
    cache: IntCounterVec,
    query_data_seconds: HistogramVec,
    in_flight: IntGauge,
}

/// How an AWS call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallOutcome {
    /// Succeeded.
    Ok,
    /// Throttled even after retries.
    Throttled,
    /// Failed otherwise.
    Error,
}

impl CallOutcome {
    fn label(self) -> &'static str {
        match self {
            CallOutcome::Ok => "ok",
            CallOutcome::Throttled => "throttled",
            CallOutcome::Error => "error",
        }
    }
}

fn build() -> Result<Metrics, prometheus::Error> {
    let registry = Registry::new();
    let aws_calls = IntCounterVec::new(
        Opts::new(
            "stratus_aws_api_calls_total",
            "AWS API calls by service, operation and outcome (after the SDK's retries)",
        ),
        &["service", "operation", "outcome"],
    )?;
    let queries_per_call = Histogram::with_opts(
        HistogramOpts::new(
            "stratus_getmetricdata_queries_per_call",
            "Queries sent in one GetMetricData call",
        )
        .buckets(vec![1.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0]),
    )?;
    let credential_resolutions = IntCounterVec::new(
        Opts::new(
            "stratus_credential_resolutions_total",
            "Credential resolutions (first use and refreshes) by auth mode and outcome",
        ),
        &["auth_mode", "outcome"],
    )?;
    let cache = IntCounterVec::new(
        Opts::new(
            "stratus_cache_lookups_total",
            "Cache lookups: credentials sessions and editor resource lookups, hit or miss",
        ),
        &["cache", "result"],
    )?;
    let query_data_seconds = HistogramVec::new(
        HistogramOpts::new(
            "stratus_querydata_duration_seconds",
            "QueryData handling time",
        )
        .buckets(vec![
            0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
        ]),
        &["outcome"],
    )?;
    let in_flight = IntGauge::new("stratus_aws_calls_in_flight", "AWS API calls in flight")?;
    registry.register(Box::new(aws_calls.clone()))?;
    registry.register(Box::new(queries_per_call.clone()))?;
    registry.register(Box::new(credential_resolutions.clone()))?;
    registry.register(Box::new(cache.clone()))?;
    registry.register(Box::new(query_data_seconds.clone()))?;
    registry.register(Box::new(in_flight.clone()))?;
    Ok(Metrics {
        registry,
        aws_calls,
        queries_per_call,
        credential_resolutions,
        cache,
        query_data_seconds,
        in_flight,
    })
}

/// The process's metrics (one plugin per process, as Grafana runs it).
pub fn global() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(|| build().expect("metric definitions are valid (checked by a unit test)"))
}

/// Marks an AWS call in flight until dropped.
pub struct InFlight(&'static Metrics);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.dec();
    }
}

impl Metrics {
    /// Counts the start of an AWS call; the guard marks its end.
    pub fn call_started(&'static self) -> InFlight {
        self.in_flight.inc();
        InFlight(self)
    }

    /// Counts a finished AWS call.
    pub fn aws_call(&self, service: &str, operation: &str, outcome: CallOutcome) {
        self.aws_calls
            .with_label_values(&[service, operation, outcome.label()])
            .inc();
    }

    /// Records the size of a GetMetricData call.
    pub fn get_metric_data_queries(&self, n: usize) {
        self.queries_per_call.observe(n as f64);
    }

    /// Counts a credential resolution.
    pub fn credential_resolution(&self, auth_mode: &str, ok: bool) {
        self.credential_resolutions
            .with_label_values(&[auth_mode, if ok { "ok" } else { "error" }])
            .inc();
    }

    /// Counts a cache lookup (`sessions` or `lookups`).
    pub fn cache_lookup(&self, cache: &str, hit: bool) {
        self.cache
            .with_label_values(&[cache, if hit { "hit" } else { "miss" }])
            .inc();
    }

    /// Records a QueryData request's duration.
    pub fn query_data(&self, started: Instant, ok: bool) {
        self.query_data_seconds
            .with_label_values(&[if ok { "ok" } else { "error" }])
            .observe(started.elapsed().as_secs_f64());
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> Vec<u8> {
        let mut out = Vec::new();
        // Encoding into memory only fails on invalid metric families, which build() rules out.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        out
    }
}

/// Runs one AWS call under a client span, counted in flight and then by outcome (`outcome_of`
/// classifies a failure).
pub async fn metered<T, E>(
    service: &'static str,
    operation: &'static str,
    outcome_of: impl Fn(&E) -> CallOutcome,
    call: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let metrics = global();
    let in_flight = metrics.call_started();
    let span = tracing::info_span!(
        "aws call",
        otel.name = operation,
        otel.kind = "client",
        rpc.service = service
    );
    // On the heap: an SDK call's future is large, and a dashboard's lookups nest several of
    // them under one request on a worker's 2 MiB stack.
    let result = Box::pin(call.instrument(span)).await;
    drop(in_flight);
    let outcome = match &result {
        Ok(_) => CallOutcome::Ok,
        Err(e) => outcome_of(e),
    };
    metrics.aws_call(service, operation, outcome);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_are_valid_and_render() {
        let m = build().unwrap();
        m.aws_call("monitoring", "GetMetricData", CallOutcome::Throttled);
        m.cache_lookup("sessions", true);
        m.get_metric_data_queries(500);
        let text = String::from_utf8(m.render()).unwrap();
        assert!(text.contains(r#"stratus_aws_api_calls_total{operation="GetMetricData",outcome="throttled",service="monitoring"} 1"#), "{text}");
        assert!(text.contains(r#"stratus_cache_lookups_total{cache="sessions",result="hit"} 1"#));
        assert!(text.contains("stratus_getmetricdata_queries_per_call_bucket{le=\"500\"} 1"));
    }
}
