//! OpenTelemetry traces over OTLP, on when Grafana passes its tracing settings
//! (`GF_INSTANCE_OTLP_ADDRESS`, `GF_INSTANCE_OTLP_PROPAGATION`) and absent otherwise: without
//! them no layer, exporter or propagator is installed.

use opentelemetry::propagation::{Extractor, TextMapCompositePropagator, TextMapPropagator};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// Grafana's tracing settings for plugins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceSettings {
    /// OTLP gRPC address (`host:port`, or a URL).
    pub address: String,
    /// Propagation formats Grafana uses (`w3c`, `jaeger`, comma-separated).
    pub propagation: String,
}

impl TraceSettings {
    /// Reads the settings; `None` when Grafana passed no OTLP address.
    pub fn from_env() -> Option<TraceSettings> {
        let address = std::env::var("GF_INSTANCE_OTLP_ADDRESS")
            .ok()
            .filter(|a| !a.trim().is_empty())?;
        Some(TraceSettings {
            address,
            propagation: std::env::var("GF_INSTANCE_OTLP_PROPAGATION").unwrap_or_default(),
        })
    }

    /// The exporter's endpoint URL.
    pub fn endpoint(&self) -> String {
        if self.address.contains("://") {
            self.address.clone()
        } else {
            format!("http://{}", self.address)
        }
    }
}

/// Builds the tracer provider exporting to Grafana's OTLP address.
pub fn provider(
    settings: &TraceSettings,
) -> Result<SdkTracerProvider, opentelemetry_otlp::ExporterBuildError> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_tonic()
        .with_endpoint(settings.endpoint())
        .build()?;
    // W3C trace context is what Grafana sends by default; Jaeger headers are not read.
    let propagators: Vec<Box<dyn TextMapPropagator + Send + Sync>> =
        vec![Box::new(TraceContextPropagator::new())];
    if settings.propagation.contains("jaeger") {
        tracing::warn!(
            "GF_INSTANCE_OTLP_PROPAGATION asks for jaeger; Stratus reads W3C trace context only"
        );
    }
    opentelemetry::global::set_text_map_propagator(TextMapCompositePropagator::new(propagators));
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(
            Resource::builder()
                .with_service_name(crate::config::PLUGIN_ID)
                .build(),
        )
        .build())
}

/// The tracing layer that turns spans into OpenTelemetry spans.
pub fn layer<S>(
    provider: &SdkTracerProvider,
) -> tracing_opentelemetry::OpenTelemetryLayer<S, opentelemetry_sdk::trace::Tracer>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    tracing_opentelemetry::layer().with_tracer(provider.tracer("stratus"))
}

struct Metadata<'a>(&'a tonic::metadata::MetadataMap);

impl Extractor for Metadata<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0
            .keys()
            .filter_map(|k| match k {
                tonic::metadata::KeyRef::Ascii(k) => Some(k.as_str()),
                tonic::metadata::KeyRef::Binary(_) => None,
            })
            .collect()
    }
}

/// A span for one gRPC request, continuing the trace Grafana started (its context travels in
/// the gRPC metadata).
pub fn request_span(name: &'static str, metadata: &tonic::metadata::MetadataMap) -> tracing::Span {
    let span = tracing::info_span!("request", otel.name = name, otel.kind = "server");
    let parent = opentelemetry::global::get_text_map_propagator(|p| p.extract(&Metadata(metadata)));
    // Without a tracing layer this is a no-op.
    let _ = span.set_parent(parent);
    span
}
