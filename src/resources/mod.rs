//! Editor lookups (CallResource) with Grafana's paths, parameters and answer shapes: regions
//! and namespaces from the compiled-in catalogue, metrics and dimensions from it too for AWS's
//! own namespaces, and live ListMetrics walks, cached, for everything else.

pub mod cache;
pub mod catalogue;
pub mod lookups;
pub mod request;

use std::collections::BTreeSet;

use http::StatusCode;
use serde_json::{json, Value};

use crate::aws::session::AwsSession;
use crate::config::policy::Policy;

use cache::LookupCache;
use catalogue::catalogue;
use request::{Collect, Lookup, RequestError, Route};

/// A resource answer: an HTTP status and a JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: StatusCode,
    /// The JSON body.
    pub body: Vec<u8>,
}

impl Reply {
    /// A 200 with a JSON body.
    pub fn ok(value: &Value) -> Reply {
        Reply {
            status: StatusCode::OK,
            body: value.to_string().into_bytes(),
        }
    }

    /// An error with `{"error": message}`, the shape Grafana's editors show.
    pub fn error(status: StatusCode, message: &str) -> Reply {
        Reply {
            status,
            body: json!({ "error": message }).to_string().into_bytes(),
        }
    }
}

/// Grafana's answer shape: `[{"value": ...}, ...]`.
fn values_json(values: impl IntoIterator<Item = String>) -> Value {
    Value::Array(values.into_iter().map(|v| json!({ "value": v })).collect())
}

fn regions(session: &AwsSession) -> Value {
    let mut regions: BTreeSet<String> = catalogue().regions.iter().cloned().collect();
    regions.insert(session.default_region.as_str().to_string());
    values_json(std::iter::once("default".to_string()).chain(regions))
}

fn namespaces(session: &AwsSession) -> Value {
    let mut all: BTreeSet<String> = catalogue().namespaces.keys().cloned().collect();
    all.extend(session.settings.custom_metrics_namespaces.iter().cloned());
    values_json(all)
}

/// What the catalogue knows of a lookup, when it is an AWS namespace's metrics or keys.
fn from_catalogue(lookup: &Lookup) -> Option<Vec<String>> {
    let builtin = catalogue().namespaces.get(&lookup.namespace)?;
    match lookup.collect {
        Collect::MetricNames => Some(builtin.metrics.clone()),
        Collect::DimensionKeys if lookup.filters.is_empty() => Some(builtin.dimensions.clone()),
        _ => None,
    }
}

async fn lookup(
    cache: &LookupCache,
    session: &AwsSession,
    policy: &Policy,
    lookup: Lookup,
) -> Reply {
    if let Some(values) = from_catalogue(&lookup) {
        return Reply::ok(&values_json(values));
    }
    let region = lookup
        .region
        .clone()
        .unwrap_or_else(|| session.default_region.clone());
    // Keyed by the region it runs in, so "default" and the default region's name share.
    let lookup = Lookup {
        region: Some(region.clone()),
        ..lookup
    };
    let found = cache
        .get_or_fetch(
            &session.settings.uid,
            &lookup,
            lookups::list_metrics(session, policy.list_metrics_page_limit, &region, &lookup),
        )
        .await;
    match found {
        Ok(values) => {
            // Keys already filtered on are not offered again.
            let values = values.into_iter().filter(|v| {
                lookup.collect != Collect::DimensionKeys
                    || !lookup.filters.iter().any(|(k, _)| k == v)
            });
            Reply::ok(&values_json(values))
        }
        Err(f) => {
            let failure = f.report("CloudWatch ListMetrics", &session.settings);
            Reply::error(failure.status, &failure.message)
        }
    }
}

/// Answers one CallResource request for a data source whose policy check passed.
pub async fn handle(
    cache: &LookupCache,
    session: &AwsSession,
    policy: &Policy,
    method: &str,
    path: &str,
    url: &str,
) -> Reply {
    match request::parse(method, path, url) {
        Ok(Route::Regions) => Reply::ok(&regions(session)),
        Ok(Route::Namespaces) => Reply::ok(&namespaces(session)),
        Ok(Route::Lookup(l)) => lookup(cache, session, policy, l).await,
        Err(RequestError::MethodNotAllowed(m)) => Reply::error(
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("method {m} is not allowed; resources are read with GET"),
        ),
        Err(RequestError::NotFound(route)) => Reply::error(
            StatusCode::NOT_FOUND,
            &format!(
                "no resource named {route:?}; Stratus serves {}",
                request::ROUTES
            ),
        ),
        Err(RequestError::BadParameter(m)) => Reply::error(StatusCode::BAD_REQUEST, &m),
    }
}
