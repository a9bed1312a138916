//! OTLP traces: with Grafana's tracing settings, one QueryData gives a span tree continuing
//! Grafana's trace (credential resolution and the AWS call as children); without them,
//! nothing is exported.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use grafana_current::pluginv2::{self, data_client::DataClient};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::trace::v1::Span;
use serde_json::json;

/// A minimal OTLP/gRPC trace collector that keeps what it receives.
#[derive(Clone, Default)]
struct Collector(Arc<Mutex<Vec<Span>>>);

#[tonic::async_trait]
impl TraceService for Collector {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let mut spans = self.0.lock().unwrap();
        for rs in request.into_inner().resource_spans {
            for ss in rs.scope_spans {
                spans.extend(ss.spans);
            }
        }
        Ok(tonic::Response::new(ExportTraceServiceResponse {
            partial_success: None,
        }))
    }
}

async fn start_collector() -> (Collector, String) {
    let collector = Collector::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = TraceServiceServer::new(collector.clone());
    tokio::spawn(async move {
        tonic::transport::Server::builder()
            .add_service(service)
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener))
            .await
            .unwrap();
    });
    (collector, addr.to_string())
}

const TRACE_ID: &str = "0af7651916cd43dd8448eb211c80319c";
const PARENT_ID: &str = "b7ad6b7169203331";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn query_with_trace(plugin: &Plugin, ctx: pluginv2::PluginContext) {
    let now = now_ms();
    let mut request = tonic::Request::new(pluginv2::QueryDataRequest {
        plugin_context: Some(ctx),
        queries: vec![data_query(
            "A",
            json!({ "namespace": "AWS/EC2", "metricName": "CPUUtilization", "period": "60" }),
            now - 600_000,
            now,
        )],
        ..Default::default()
    });
    request.metadata_mut().insert(
        "traceparent",
        format!("00-{TRACE_ID}-{PARENT_ID}-01").parse().unwrap(),
    );
    let resp = DataClient::connect(plugin.addr.clone())
        .await
        .unwrap()
        .query_data(request)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(resp.responses["A"].error, "");
}

#[tokio::test(flavor = "multi_thread")]
async fn one_query_gives_a_span_tree_in_grafanas_trace() {
    let (collector, addr) = start_collector().await;
    let moto = Moto::start();
    let seeded = moto.seed(json!({ "users": [{ "name": "alice" }] }));
    let plugin = Plugin::start(&[
        ("GF_INSTANCE_OTLP_ADDRESS", &addr),
        ("GF_INSTANCE_OTLP_PROPAGATION", "w3c"),
        ("OTEL_BSP_SCHEDULE_DELAY", "100"),
    ]);
    let k = keys(&seeded["users"]["alice"]);
    query_with_trace(
        &plugin,
        ds("ds-traced", json_data("keys", &moto.endpoint), &secure(&k)),
    )
    .await;

    let started = Instant::now();
    let spans = loop {
        let spans = collector.0.lock().unwrap().clone();
        if spans.iter().any(|s| s.name == "GetMetricData")
            && spans.iter().any(|s| s.name == "QueryData")
            || started.elapsed() > Duration::from_secs(15)
        {
            break spans;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let names: Vec<&str> = spans.iter().map(|s| s.name.as_str()).collect();
    let by_name = |n: &str| {
        spans
            .iter()
            .find(|s| s.name == n)
            .unwrap_or_else(|| panic!("no {n} span in {names:?}"))
    };
    let root = by_name("QueryData");
    assert_eq!(
        hex(&root.trace_id),
        TRACE_ID,
        "the span continues Grafana's trace"
    );
    assert_eq!(hex(&root.parent_span_id), PARENT_ID);
    // Every other span descends from QueryData, in the same trace.
    let parent_of = |s: &Span| spans.iter().find(|p| p.span_id == s.parent_span_id);
    let descends = |s: &Span| {
        let mut cur = parent_of(s);
        while let Some(p) = cur {
            if p.span_id == root.span_id {
                return true;
            }
            cur = parent_of(p);
        }
        false
    };
    for child in ["resolve credentials", "GetMetricData"] {
        let s = by_name(child);
        assert_eq!(hex(&s.trace_id), TRACE_ID, "{child}");
        assert!(descends(s), "{child} is not under QueryData: {names:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_is_exported_without_grafanas_settings() {
    let (collector, addr) = start_collector().await;
    let moto = Moto::start();
    let seeded = moto.seed(json!({ "users": [{ "name": "alice" }] }));
    // The standard OpenTelemetry variable points at the collector: an exporter installed
    // without Grafana's settings would send there.
    let endpoint = format!("http://{addr}");
    let plugin = Plugin::start(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
        ("OTEL_BSP_SCHEDULE_DELAY", "100"),
    ]);
    let k = keys(&seeded["users"]["alice"]);
    query_with_trace(
        &plugin,
        ds(
            "ds-untraced",
            json_data("keys", &moto.endpoint),
            &secure(&k),
        ),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(collector.0.lock().unwrap().is_empty());
}
