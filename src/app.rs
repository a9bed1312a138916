//! The plugin: its state (the server policy, one AWS session per data source, the editor
//! lookup cache) and the one path every request takes: data source settings, then the
//! policy check, then the cached session; then each query goes to the feature that answers
//! its type. The gRPC services and the command line both call this.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::StatusCode;
use thiserror::Error;

use crate::aws::session::{AwsSession, SessionCache, SessionError};
use crate::aws::user_agent;
use crate::clock;
use crate::config::policy::{self, Policy, PolicyError, ServerSettings};
use crate::config::settings::{self, DataSourceInstance, Settings, SettingsError};
use crate::health::{self, Step};
use crate::query::{self, Answer, Failure, Query, QueryType};
use crate::resources::{self, Lookups, Reply};
use crate::{annotations, logs, metrics, variables};

/// What Grafana says about a request besides its payload.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    /// The data source the request is for.
    pub data_source: Option<DataSourceInstance>,
    /// The server settings Grafana sends with the request (its grafanaConfig); they come
    /// before the plugin's environment.
    pub grafana_config: HashMap<String, String>,
    /// The user agent of the Grafana server that sent the request, when it says.
    pub user_agent: String,
    /// The request comes from an alert rule or a server-side expression (Grafana's
    /// `FromAlert` and `X-Grafana-From-Expr` headers), not from a panel.
    pub server_side: bool,
}

impl std::fmt::Debug for RequestContext {
    // grafanaConfig may carry other plugins' secrets: only its keys are shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut keys: Vec<&String> = self.grafana_config.keys().collect();
        keys.sort();
        f.debug_struct("RequestContext")
            .field("data_source", &self.data_source)
            .field("grafana_config_keys", &keys)
            .field("user_agent", &self.user_agent)
            .field("server_side", &self.server_side)
            .finish()
    }
}

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
    Session(#[from] SessionError),
}

impl RequestError {
    /// The health-check step this error belongs to.
    fn step(&self) -> Step {
        match self {
            RequestError::NoDataSource | RequestError::Settings(_) => Step::Settings,
            RequestError::Policy(_) => Step::Policy,
            RequestError::Session(_) => Step::Setup,
        }
    }

    /// The HTTP status Grafana shows: the server refusing is Forbidden, the rest is a request
    /// that cannot be served as configured. None of it is Stratus's fault.
    pub fn failure(&self) -> Failure {
        let status = match self {
            RequestError::Policy(_) => StatusCode::FORBIDDEN,
            _ => StatusCode::BAD_REQUEST,
        };
        Failure::downstream(status, self.to_string())
    }
}

/// The variable in which Grafana tells a plugin its version.
const GRAFANA_VERSION: &str = "GF_VERSION";

/// The policy of the last server settings seen, and those settings' values.
type LastPolicy = Option<(Vec<Option<String>>, Result<Arc<Policy>, PolicyError>)>;

/// The plugin's state.
pub struct Plugin {
    environment: HashMap<String, String>,
    last_policy: Mutex<LastPolicy>,
    sessions: SessionCache,
    lookups: Lookups,
}

/// Logs a policy when it first applies: what the server allows, or why nothing is allowed.
fn log_policy(policy: &Result<Arc<Policy>, PolicyError>) {
    match policy {
        Ok(p) => tracing::info!(
            allowed = ?p.allowed.iter().map(|a| a.key()).collect::<Vec<_>>(),
            assume_role_enabled = p.assume_role_enabled,
            session_duration_s = p.session_duration.as_secs(),
            list_metrics_page_limit = p.list_metrics_page_limit,
            max_concurrent_calls = p.max_concurrent_calls,
            connect_timeout_ms = p.connect_timeout.as_millis() as u64,
            attempt_timeout_ms = p.attempt_timeout.as_millis() as u64,
            credentials_timeout_ms = p.credentials_timeout.as_millis() as u64,
            "AWS server settings"
        ),
        Err(e) => {
            tracing::error!(error = %e, "invalid AWS server settings; requests under them are refused until they are fixed")
        }
    }
}

impl Plugin {
    /// A plugin started with `environment` (the server settings of its process environment).
    pub fn new(environment: HashMap<String, String>) -> Self {
        let plugin = Plugin {
            environment,
            last_policy: Mutex::new(None),
            sessions: SessionCache::default(),
            lookups: Lookups::default(),
        };
        // Say at start what the environment allows, and whether it is malformed.
        let _ = plugin.policy(&RequestContext::default());
        plugin
    }

    /// A plugin with the server settings and Grafana version of the process environment.
    pub fn from_env() -> Self {
        Plugin::new(
            policy::SETTINGS
                .iter()
                .map(|s| s.name)
                .chain([GRAFANA_VERSION])
                .filter_map(|name| Some((name.to_string(), std::env::var(name).ok()?)))
                .collect(),
        )
    }

    /// Grafana's version: from the request's user agent, else the one Grafana set in the
    /// plugin's environment (older Grafana sends no user agent).
    fn grafana_version<'a>(&'a self, ctx: &'a RequestContext) -> Option<&'a str> {
        user_agent::grafana_version(&ctx.user_agent).or_else(|| {
            self.environment
                .get(GRAFANA_VERSION)
                .and_then(|v| user_agent::version(v))
        })
    }

    /// The policy a request is subject to, or why it is unusable. Grafana sends the same
    /// settings with every request, so the last policy is kept until they change.
    fn policy(&self, ctx: &RequestContext) -> Result<Arc<Policy>, PolicyError> {
        let server = ServerSettings {
            grafana_config: &ctx.grafana_config,
            environment: &self.environment,
        };
        let values = server.values();
        let mut last = self.last_policy.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((seen, policy)) = last.as_ref() {
            if *seen == values {
                return policy.clone();
            }
        }
        let policy = server.policy().map(Arc::new);
        log_policy(&policy);
        *last = Some((values, policy.clone()));
        policy
    }

    /// Parses the data source settings and applies the policy, before any cache lookup.
    pub fn settings(&self, ctx: &RequestContext) -> Result<(Settings, Arc<Policy>), RequestError> {
        let ds = ctx.data_source.as_ref().ok_or(RequestError::NoDataSource)?;
        let policy = self.policy(ctx)?;
        let settings = settings::parse(ds)?;
        policy.check(&settings)?;
        Ok((settings, policy))
    }

    /// Settings, policy check and the cached session, in that order.
    pub async fn session(
        &self,
        ctx: &RequestContext,
    ) -> Result<(Arc<AwsSession>, Arc<Policy>), RequestError> {
        let (settings, policy) = self.settings(ctx)?;
        let session = self
            .sessions
            .get(&settings, &policy, self.grafana_version(ctx))
            .await?;
        Ok((session, policy))
    }

    /// The health check of a data source (CheckHealth, and the `check` command).
    pub async fn health(&self, ctx: &RequestContext) -> health::Outcome {
        match self.session(ctx).await {
            Ok((session, _)) => health::probe::check(&session).await,
            Err(e) => health::message::local_failure(e.step(), None, e.to_string()),
        }
    }

    /// Answers a QueryData request (the gRPC service and the `query` command): every query
    /// gets an answer, keyed by refId.
    pub async fn query_data(
        &self,
        ctx: &RequestContext,
        queries: Vec<Query>,
        deadline: Option<Duration>,
    ) -> HashMap<String, Answer> {
        let (session, policy) = match self.session(ctx).await {
            Ok(found) => found,
            Err(e) => {
                // The data source cannot be used: every query of this request says why.
                let failure = e.failure();
                return queries
                    .into_iter()
                    .map(|q| (q.ref_id, Err(failure.clone())))
                    .collect();
            }
        };
        let mut answers = HashMap::new();
        let mut metric_queries = Vec::new();
        let mut variable_queries = Vec::new();
        let mut annotation_queries = Vec::new();
        let mut logs_queries = Vec::new();
        for q in queries {
            match query::classify(&q.json) {
                Ok((QueryType::Metrics, model)) => metric_queries.push((q, model)),
                Ok((QueryType::Variable, model)) => variable_queries.push((q, model)),
                Ok((QueryType::Annotations, model)) => annotation_queries.push((q, model)),
                Ok((QueryType::Logs, model)) => logs_queries.push((q, model)),
                Err(e) => {
                    answers.insert(q.ref_id, Err(e.into()));
                }
            }
        }
        let (metric_answers, variable_answers, annotation_answers, logs_answers) = futures::join!(
            metrics::run(
                &self.lookups,
                &session,
                &policy,
                metric_queries,
                clock::now_ms(),
                deadline
            ),
            variables::run(&self.lookups, &session, &policy, variable_queries),
            annotations::run(&session, annotation_queries),
            logs::run(
                &self.lookups,
                &session,
                logs_queries,
                ctx.server_side,
                deadline
            ),
        );
        answers.extend(metric_answers);
        answers.extend(variable_answers);
        answers.extend(annotation_answers);
        answers.extend(logs_answers);
        answers
    }

    /// Answers an editor request (CallResource).
    pub async fn resource(
        &self,
        ctx: &RequestContext,
        method: &str,
        path: &str,
        url: &str,
    ) -> Reply {
        match self.session(ctx).await {
            Ok((session, policy)) => {
                resources::handle(&self.lookups, &session, &policy, method, path, url).await
            }
            Err(e) => {
                let failure = e.failure();
                Reply::error(failure.status, &failure.message)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_context_never_shows_secrets_in_debug_output() {
        let ctx = RequestContext {
            data_source: Some(DataSourceInstance {
                secure_json_data: HashMap::from([("secretKey".into(), "CANARY-1".into())]),
                ..Default::default()
            }),
            grafana_config: HashMap::from([("GF_SOME_SECRET".into(), "CANARY-2".into())]),
            user_agent: "Grafana/12.3.0".into(),
            server_side: false,
        };
        let shown = format!("{ctx:?}");
        assert!(!shown.contains("CANARY"), "{shown}");
        assert!(
            shown.contains("GF_SOME_SECRET") && shown.contains("secretKey"),
            "{shown}"
        );
    }
}
