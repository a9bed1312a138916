//! The gRPC edge: the Data, Diagnostics and Resource services of Grafana's plugin protocol,
//! with Grafana's deadlines, a span per request continuing Grafana's trace, and panic
//! isolation (a panic fails its request, never the plugin).
//!
//! The services are generated from `proto/pluginv2.proto`; grafana-plugin-sdk 0.5.0's typed
//! service layer is not used: it fails whole requests for users with the `None` role, logs
//! decrypted secrets when a request fails to convert, and drops labels from fields that also
//! carry config.

pub mod convert;
mod held;

/// Grafana's plugin protocol, generated from proto/pluginv2.proto.
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod pluginv2 {
    tonic::include_proto!("pluginv2");
}

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use tokio_stream::Stream;
use tonic::metadata::MetadataMap;
use tonic::{Request, Response, Status};
use tracing::Instrument;

use crate::app::{Plugin, RequestContext};
use crate::memory;
use crate::observability::{meters, traces};
use crate::query::{Answer, Failure, Query};
use pluginv2::{
    data_server::{Data, DataServer},
    diagnostics_server::{Diagnostics, DiagnosticsServer},
    resource_server::{Resource, ResourceServer},
};

/// Runs a handler so that a panic inside it becomes an error for that request only.
async fn isolated<T>(
    what: &'static str,
    fut: impl std::future::Future<Output = T>,
) -> Result<T, Status> {
    AssertUnwindSafe(fut).catch_unwind().await.map_err(|_| {
        tracing::error!(handler = what, "handler panicked; the request failed, the plugin carries on");
        Status::internal(format!("Stratus hit an internal error while handling {what}; the request failed but the plugin is still running. Please report it."))
    })
}

/// Runs QueryData's work so that a panic fails each of the request's queries, as a fault of
/// Stratus, and nothing else.
async fn isolated_answers(
    what: &'static str,
    ref_ids: Vec<String>,
    fut: impl std::future::Future<Output = HashMap<String, Answer>>,
) -> HashMap<String, Answer> {
    match isolated(what, fut).await {
        Ok(answers) => answers,
        Err(status) => ref_ids
            .into_iter()
            .map(|r| (r, Err(Failure::plugin(status.message()))))
            .collect(),
    }
}

/// Grafana's deadline for the request, from the `grpc-timeout` header.
fn deadline(metadata: &MetadataMap) -> Option<Duration> {
    metadata
        .get("grpc-timeout")
        .and_then(|v| v.to_str().ok())
        .and_then(convert::grpc_timeout)
}

/// The services; cheap to clone.
#[derive(Clone)]
pub struct Service(pub Arc<Plugin>);

impl Service {
    /// Runs QueryData's work for both the plain and the chunked RPC.
    async fn answers(
        &self,
        name: &'static str,
        metadata: &MetadataMap,
        ctx: Option<pluginv2::PluginContext>,
        headers: &HashMap<String, String>,
        queries: Vec<pluginv2::DataQuery>,
    ) -> (HashMap<String, Answer>, memory::Hold) {
        let _running = memory::running();
        let deadline = deadline(metadata);
        let span = traces::request_span(name, metadata);
        let ctx = RequestContext {
            server_side: convert::server_side(headers),
            ..convert::context(ctx)
        };
        let queries: Vec<Query> = queries.into_iter().map(convert::query).collect();
        let ref_ids = queries.iter().map(|q| q.ref_id.clone()).collect();
        let plugin = self.0.clone();
        let started = std::time::Instant::now();
        let (answers, hold) = memory::holding(isolated_answers(name, ref_ids, async move {
            plugin.query_data(&ctx, queries, deadline).await
        }))
        .instrument(span)
        .await;
        meters::global().query_data(started, answers.values().all(Result::is_ok));
        (answers, hold)
    }
}

#[tonic::async_trait]
impl Diagnostics for Service {
    async fn check_health(
        &self,
        request: Request<pluginv2::CheckHealthRequest>,
    ) -> Result<Response<pluginv2::CheckHealthResponse>, Status> {
        let span = traces::request_span("CheckHealth", request.metadata());
        let ctx = convert::context(request.into_inner().plugin_context);
        let outcome = isolated("CheckHealth", self.0.health(&ctx))
            .instrument(span)
            .await?;
        tracing::info!(ok = outcome.ok, "health check");
        Ok(Response::new(convert::health_response(outcome)))
    }

    async fn collect_metrics(
        &self,
        _request: Request<pluginv2::CollectMetricsRequest>,
    ) -> Result<Response<pluginv2::CollectMetricsResponse>, Status> {
        Ok(Response::new(pluginv2::CollectMetricsResponse {
            metrics: Some(pluginv2::collect_metrics_response::Payload {
                prometheus: meters::global().render(),
            }),
        }))
    }
}

type ChunkStream = Pin<
    Box<dyn Stream<Item = Result<pluginv2::QueryChunkedDataResponse, Status>> + Send + 'static>,
>;

#[tonic::async_trait]
impl Data for Service {
    async fn query_data(
        &self,
        request: Request<pluginv2::QueryDataRequest>,
    ) -> Result<Response<pluginv2::QueryDataResponse>, Status> {
        let (metadata, _, req) = request.into_parts();
        let (answers, hold) = self
            .answers(
                "QueryData",
                &metadata,
                req.plugin_context,
                &req.headers,
                req.queries,
            )
            .await;
        let responses = answers
            .into_iter()
            .map(|(ref_id, a)| (ref_id, convert::data_response(a)))
            .collect();
        let mut response = Response::new(pluginv2::QueryDataResponse { responses });
        response.extensions_mut().insert(hold);
        Ok(response)
    }

    type QueryChunkedDataStream = ChunkStream;

    async fn query_chunked_data(
        &self,
        request: Request<pluginv2::QueryChunkedDataRequest>,
    ) -> Result<Response<Self::QueryChunkedDataStream>, Status> {
        let (metadata, _, req) = request.into_parts();
        let (answers, hold) = self
            .answers(
                "QueryChunkedData",
                &metadata,
                req.plugin_context,
                &req.headers,
                req.queries,
            )
            .await;
        let chunks: Vec<Result<pluginv2::QueryChunkedDataResponse, Status>> = answers
            .into_iter()
            .flat_map(|(ref_id, a)| convert::chunks(ref_id, a))
            .map(Ok)
            .collect();
        let mut response = Response::new(Box::pin(tokio_stream::iter(chunks)) as ChunkStream);
        response.extensions_mut().insert(hold);
        Ok(response)
    }
}

type ResourceStream =
    Pin<Box<dyn Stream<Item = Result<pluginv2::CallResourceResponse, Status>> + Send + 'static>>;

#[tonic::async_trait]
impl Resource for Service {
    type CallResourceStream = ResourceStream;

    async fn call_resource(
        &self,
        request: Request<pluginv2::CallResourceRequest>,
    ) -> Result<Response<Self::CallResourceStream>, Status> {
        let span = traces::request_span("CallResource", request.metadata());
        let req = request.into_inner();
        let ctx = convert::context(req.plugin_context);
        let plugin = self.0.clone();
        let reply = isolated("CallResource", async move {
            plugin
                .resource(&ctx, &req.method, &req.path, &req.url)
                .await
        })
        .instrument(span)
        .await?;
        let response = convert::resource_response(reply);
        Ok(Response::new(Box::pin(tokio_stream::once(Ok(response)))))
    }
}

/// Largest gRPC message accepted: Grafana sends big dashboards in one QueryData request.
const MAX_MESSAGE: usize = 64 * 1024 * 1024;

/// Serves the plugin protocol on `listener` until the process is stopped.
pub async fn serve(
    listener: tokio::net::TcpListener,
    plugin: Plugin,
) -> Result<(), tonic::transport::Error> {
    let service = Service(Arc::new(plugin));
    let (reporter, health_service) = tonic_health::server::health_reporter();
    // go-plugin asks the standard gRPC health service about the service named "plugin".
    reporter
        .set_service_status("plugin", tonic_health::ServingStatus::Serving)
        .await;
    tonic::transport::Server::builder()
        .layer(tower::util::MapResponseLayer::new(held::until_sent))
        .add_service(health_service)
        .add_service(
            DiagnosticsServer::new(service.clone())
                .max_decoding_message_size(MAX_MESSAGE)
                .max_encoding_message_size(usize::MAX),
        )
        .add_service(
            DataServer::new(service.clone())
                .max_decoding_message_size(MAX_MESSAGE)
                .max_encoding_message_size(usize::MAX),
        )
        .add_service(
            ResourceServer::new(service)
                .max_decoding_message_size(MAX_MESSAGE)
                .max_encoding_message_size(usize::MAX),
        )
        .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::ErrorSource;

    #[tokio::test]
    async fn a_panicking_handler_fails_only_its_request() {
        let status = isolated("QueryData", async {
            let v: Vec<u8> = Vec::new();
            v[3]
        })
        .await
        .unwrap_err();
        assert_eq!(status.code(), tonic::Code::Internal);
        assert!(
            status
                .message()
                .contains("internal error while handling QueryData"),
            "{}",
            status.message()
        );
        assert!(status.message().contains("still running"));
        assert_eq!(isolated("QueryData", async { 7 }).await.unwrap(), 7);
    }

    #[tokio::test]
    async fn a_panic_in_query_data_fails_each_query_as_the_plugins_fault() {
        let answers = isolated_answers("QueryData", vec!["A".into(), "B".into()], async {
            let v: Vec<u8> = Vec::new();
            let _ = v[3];
            HashMap::new()
        })
        .await;
        assert_eq!(answers.len(), 2);
        for r in ["A", "B"] {
            let f = answers[r].as_ref().unwrap_err();
            assert_eq!(f.source, ErrorSource::Plugin);
            assert_eq!(f.status, http::StatusCode::INTERNAL_SERVER_ERROR);
            assert!(
                f.message
                    .contains("internal error while handling QueryData"),
                "{}",
                f.message
            );
        }
    }
}
