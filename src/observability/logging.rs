//! Logging in Grafana's hclog JSON format on stderr, with the crates that could print
//! secrets held at a level where they do not, whatever `RUST_LOG` asks for.

use tracing_subscriber::filter::{Directive, EnvFilter};
use tracing_subscriber::prelude::*;

/// Crates whose debug and trace output can carry request signatures, session tokens or
/// credential response bodies (SigV4 canonical requests, HTTP wire logs, STS, SSO and sign-in
/// responses, profile file parsing). They log at `info` at most.
const CAPPED: [&str; 17] = [
    "aws_sigv4",
    "aws_smithy_runtime",
    "aws_smithy_runtime_api",
    "aws_smithy_http_client",
    "aws_smithy_http",
    "aws_runtime",
    "aws_config",
    "aws_sdk_sts",
    "aws_sdk_sso",
    "aws_sdk_ssooidc",
    "aws_sdk_signin",
    "aws_sdk_cloudwatch",
    "hyper",
    "hyper_util",
    "h2",
    "rustls",
    "tonic",
];

/// The filter: `RUST_LOG` (default `info`) with the secret-bearing crates capped.
pub fn filter(rust_log: Option<&str>) -> EnvFilter {
    let mut filter = rust_log
        .and_then(|v| EnvFilter::try_new(v).ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    for target in CAPPED {
        if let Ok(d) = format!("{target}=info").parse::<Directive>() {
            filter = filter.add_directive(d);
        }
    }
    filter
}

/// Logging for the command line: plain text on stderr, warnings only unless `RUST_LOG` says
/// otherwise, with the same caps.
pub fn init_cli() {
    let rust_log = std::env::var("RUST_LOG").ok();
    let filter = match rust_log.as_deref() {
        Some(v) => filter(Some(v)),
        // aws-config warns about failures the command reports in full itself.
        None => match "aws_config=error".parse::<Directive>() {
            Ok(d) => filter(Some("warn")).add_directive(d),
            Err(_) => filter(Some("warn")),
        },
    };
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .without_time(),
        )
        .with(filter)
        .init();
}

/// Installs the global subscriber, and a panic hook that reports panics as one log line in
/// Grafana's format (the request that panicked fails; the plugin keeps serving).
///
/// With a tracer provider (Grafana passed OTLP settings), spans are exported as traces too.
pub fn init(traces: Option<&opentelemetry_sdk::trace::SdkTracerProvider>) {
    let rust_log = std::env::var("RUST_LOG").ok();
    tracing_subscriber::registry()
        .with(grafana_plugin_sdk::backend::layer())
        .with(traces.map(super::traces::layer))
        .with(filter(rust_log.as_deref()))
        .init();
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        // The message comes from our own code (an expect or an index), never from request data.
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        tracing::error!(%location, %message, "panic inside a request handler");
    }));
}
