//! The gRPC edge: the pluginv2 Data, Diagnostics and Resource services Grafana calls.
//!
//! We implement the tonic services over the SDK's generated `pluginv2` types instead of using
//! grafana-plugin-sdk 0.5.0's typed service layer, because that layer fails whole requests for
//! users with the `None` role, logs decrypted secrets when a request fails to convert, and
//! drops labels from fields that also carry config (see the reference facts, §9). Here every
//! request is parsed by our own code, failures stay with the query or request they belong to,
//! and a panic inside a handler becomes that request's error.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::pluginv2::{
    self, check_health_response::HealthStatus, data_server::Data, diagnostics_server::Diagnostics,
    resource_server::Resource,
};
use futures::FutureExt;
use thiserror::Error;
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

use crate::auth::{AuthError, AwsSession, SessionCache};
use crate::health::{self, Step};
use crate::policy::{Policy, PolicyError};
use crate::resources::LookupCache;
use crate::settings::{self, RawSettings, Settings, SettingsError};
use crate::{query, resources, telemetry};
use tracing::Instrument;

/// Why a request could not reach AWS at all.
#[derive(Debug, Error)]
pub enum RequestError {
    /// Grafana sent no data source settings.
    #[error(
        "The request carries no data source settings; it must come from a Grafana data source."
    )]
    NoDataSource,
    /// The server policy is malformed or refuses the data source.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// The data source settings are invalid.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// The AWS session could not be set up.
    #[error(transparent)]
    Auth(#[from] AuthError),
}

impl RequestError {
    /// The health-check step this error belongs to.
    fn step(&self) -> Step {
        match self {
            RequestError::NoDataSource | RequestError::Settings(_) => Step::Settings,
            RequestError::Policy(_) => Step::Policy,
            RequestError::Auth(_) => Step::Setup,
        }
    }

    /// The HTTP-like status Grafana shows for it.
    pub fn http_status(&self) -> i32 {
        match self {
            RequestError::Policy(_) => 403,
            _ => 400,
        }
    }
}

/// The plugin's state: the server policy and one AWS session per data source.
pub struct Plugin {
    policy: Result<Policy, PolicyError>,
    sessions: SessionCache,
    lookups: LookupCache,
}

impl Plugin {
    /// A plugin with the given policy (read from the environment in production).
    pub fn new(policy: Result<Policy, PolicyError>) -> Self {
        match &policy {
            Ok(p) => tracing::info!(
                allowed = ?p.allowed.iter().map(|a| a.key()).collect::<Vec<_>>(),
                assume_role_enabled = p.assume_role_enabled,
                session_duration_s = p.session_duration.as_secs(),
                list_metrics_page_limit = p.list_metrics_page_limit,
                max_concurrent_calls = p.max_concurrent_calls,
                connect_timeout_ms = p.connect_timeout.as_millis() as u64,
                attempt_timeout_ms = p.attempt_timeout.as_millis() as u64,
                "AWS server settings"
            ),
            Err(e) => {
                tracing::error!(error = %e, "invalid AWS server settings; every request will be refused until they are fixed")
            }
        }
        Plugin {
            policy,
            sessions: SessionCache::default(),
            lookups: LookupCache::default(),
        }
    }

    /// The query editor's lookup cache (per data source inside).
    pub fn lookups(&self) -> &LookupCache {
        &self.lookups
    }

    /// The policy, or the reason it is unusable.
    pub fn policy(&self) -> Result<&Policy, PolicyError> {
        self.policy.as_ref().map_err(Clone::clone)
    }

    /// Parses the data source settings and applies the policy, before any cache lookup.
    pub fn settings(
        &self,
        ctx: Option<&pluginv2::PluginContext>,
    ) -> Result<(Settings, &Policy), RequestError> {
        let ds = ctx
            .and_then(|c| c.data_source_instance_settings.as_ref())
            .ok_or(RequestError::NoDataSource)?;
        let policy = self.policy()?;
        let settings = settings::parse(RawSettings {
            uid: &ds.uid,
            name: &ds.name,
            database: &ds.database,
            last_updated_ms: ds.last_updated_ms,
            json_data: &ds.json_data,
            secure: &ds.decrypted_secure_json_data,
        })?;
        policy.check(&settings)?;
        Ok((settings, policy))
    }

    /// Settings, policy check and the cached session, in that order.
    pub async fn session(
        &self,
        ctx: Option<&pluginv2::PluginContext>,
    ) -> Result<Arc<AwsSession>, RequestError> {
        let (settings, policy) = self.settings(ctx)?;
        Ok(self.sessions.get(&settings, policy).await?)
    }

    /// The health check of a data source (CheckHealth, and the `check` command).
    pub async fn health(&self, ctx: Option<&pluginv2::PluginContext>) -> health::Outcome {
        match self.session(ctx).await {
            Ok(session) => health::check(&session).await,
            Err(e) => health::local_failure(e.step(), None, e.to_string()),
        }
    }

    /// Answers a QueryData request (the gRPC service and the `query` command).
    pub async fn query_data(
        &self,
        req: &pluginv2::QueryDataRequest,
        deadline: Option<Duration>,
    ) -> HashMap<String, pluginv2::DataResponse> {
        match self.session(req.plugin_context.as_ref()).await {
            Ok(session) => query::run(&session, &req.queries, deadline).await,
            Err(e) => {
                // The data source cannot be used: every query of this request says why.
                let message = e.to_string();
                req.queries
                    .iter()
                    .map(|q| {
                        (
                            q.ref_id.clone(),
                            query::error_response(&message, e.http_status()),
                        )
                    })
                    .collect()
            }
        }
    }
}

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

/// The shared service; cheap to clone.
#[derive(Clone)]
pub struct Service(pub Arc<Plugin>);

#[tonic::async_trait]
impl Diagnostics for Service {
    async fn check_health(
        &self,
        request: Request<pluginv2::CheckHealthRequest>,
    ) -> Result<Response<pluginv2::CheckHealthResponse>, Status> {
        let span = telemetry::request_span("CheckHealth", request.metadata());
        let req = request.into_inner();
        let outcome = isolated("CheckHealth", self.0.health(req.plugin_context.as_ref()))
            .instrument(span)
            .await?;
        tracing::info!(ok = outcome.ok, "health check");
        Ok(Response::new(pluginv2::CheckHealthResponse {
            status: if outcome.ok {
                HealthStatus::Ok
            } else {
                HealthStatus::Error
            } as i32,
            message: outcome.message,
            json_details: serde_json::to_vec(&outcome.details).unwrap_or_default(),
        }))
    }

    async fn collect_metrics(
        &self,
        _request: Request<pluginv2::CollectMetricsRequest>,
    ) -> Result<Response<pluginv2::CollectMetricsResponse>, Status> {
        Ok(Response::new(pluginv2::CollectMetricsResponse {
            metrics: Some(pluginv2::collect_metrics_response::Payload {
                prometheus: crate::metrics::global().render(),
            }),
        }))
    }
}

#[tonic::async_trait]
impl Data for Service {
    async fn query_data(
        &self,
        request: Request<pluginv2::QueryDataRequest>,
    ) -> Result<Response<pluginv2::QueryDataResponse>, Status> {
        let deadline = request
            .metadata()
            .get("grpc-timeout")
            .and_then(|v| v.to_str().ok())
            .and_then(grpc_timeout);
        let span = telemetry::request_span("QueryData", request.metadata());
        let req = request.into_inner();
        let plugin = self.0.clone();
        let started = std::time::Instant::now();
        let responses = isolated("QueryData", async move {
            plugin.query_data(&req, deadline).await
        })
        .instrument(span)
        .await?;
        crate::metrics::global()
            .query_data(started, responses.values().all(|r| r.error.is_empty()));
        Ok(Response::new(pluginv2::QueryDataResponse { responses }))
    }

    type QueryChunkedDataStream = ChunkStream;

    /// The chunked form of QueryData: each frame is one chunk (so every frame id is sent once,
    /// whole), each failed query one error chunk.
    async fn query_chunked_data(
        &self,
        request: Request<pluginv2::QueryChunkedDataRequest>,
    ) -> Result<Response<Self::QueryChunkedDataStream>, Status> {
        let metadata = request.metadata().clone();
        let req = request.into_inner();
        let unchunked = pluginv2::QueryDataRequest {
            plugin_context: req.plugin_context,
            headers: req.headers,
            queries: req.queries,
        };
        let mut inner = Request::new(unchunked);
        *inner.metadata_mut() = metadata;
        let responses = self.query_data(inner).await?.into_inner().responses;
        let chunks: Vec<Result<pluginv2::QueryChunkedDataResponse, Status>> = responses
            .into_iter()
            .flat_map(|(ref_id, r)| chunks(ref_id, r))
            .map(Ok)
            .collect();
        Ok(Response::new(Box::pin(tokio_stream::iter(chunks))))
    }
}

type ChunkStream = Pin<
    Box<dyn Stream<Item = Result<pluginv2::QueryChunkedDataResponse, Status>> + Send + 'static>,
>;

/// One query's response as chunks.
fn chunks(ref_id: String, r: pluginv2::DataResponse) -> Vec<pluginv2::QueryChunkedDataResponse> {
    if !r.error.is_empty() {
        return vec![pluginv2::QueryChunkedDataResponse {
            ref_id,
            error: r.error,
            status: r.status,
            error_source: r.error_source,
            ..Default::default()
        }];
    }
    r.frames
        .into_iter()
        .enumerate()
        .map(|(i, frame)| pluginv2::QueryChunkedDataResponse {
            frame_id: format!("{ref_id}-{i}"),
            ref_id: ref_id.clone(),
            frame,
            status: r.status,
            ..Default::default()
        })
        .collect()
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
        let span = telemetry::request_span("CallResource", request.metadata());
        let req = request.into_inner();
        let plugin = self.0.clone();
        let reply = isolated("CallResource", async move {
            match plugin.session(req.plugin_context.as_ref()).await {
                Ok(session) => resources::handle(&plugin, &session, &req).await,
                Err(e) => resources::Reply::error(e.http_status() as u16, &e.to_string()),
            }
        })
        .instrument(span)
        .await?;
        let response = pluginv2::CallResourceResponse {
            code: i32::from(reply.status),
            headers: HashMap::from([(
                "Content-Type".to_string(),
                pluginv2::StringList {
                    values: vec!["application/json".to_string()],
                },
            )]),
            body: reply.body,
        };
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
    use pluginv2::{
        data_server::DataServer, diagnostics_server::DiagnosticsServer,
        resource_server::ResourceServer,
    };
    let service = Service(Arc::new(plugin));
    let (reporter, health_service) = tonic_health::server::health_reporter();
    // go-plugin asks the standard gRPC health service about the service named "plugin".
    reporter
        .set_service_status("plugin", tonic_health::ServingStatus::Serving)
        .await;
    tonic::transport::Server::builder()
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

/// Reads gRPC's `grpc-timeout` header (`<digits><unit>`), Grafana's request deadline.
pub fn grpc_timeout(value: &str) -> Option<Duration> {
    let (digits, unit) = value.split_at(value.len().checked_sub(1)?);
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n.checked_mul(3600)?),
        "M" => Duration::from_secs(n.checked_mul(60)?),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn grpc_timeouts() {
        assert_eq!(grpc_timeout("30S"), Some(Duration::from_secs(30)));
        assert_eq!(grpc_timeout("1500m"), Some(Duration::from_millis(1500)));
        assert_eq!(grpc_timeout("2M"), Some(Duration::from_secs(120)));
        assert_eq!(grpc_timeout("1H"), Some(Duration::from_secs(3600)));
        assert_eq!(grpc_timeout("5x"), None);
        assert_eq!(grpc_timeout(""), None);
        assert_eq!(grpc_timeout("S"), None);
    }
}
