//! What Stratus tells operators about itself: logs in Grafana's format, Prometheus metrics,
//! and OpenTelemetry traces when Grafana asks for them.

pub mod logging;
pub mod meters;
pub mod traces;
