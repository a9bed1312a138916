//! CallResource routes for the query editor, with Grafana's paths, parameters and response
//! shapes: `regions`, `namespaces`, `metrics`, `dimension-keys`, `dimension-values`.
//! Built-in AWS metrics come from a data file compiled in; live lookups use ListMetrics,
//! capped at the server's page limit and cached per data source.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::pluginv2;
use aws_sdk_cloudwatch::types::DimensionFilter;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::AwsSession;
use crate::errors;
use crate::metrics::metered;
use crate::server::Plugin;
use crate::settings::Region;

/// How long a live lookup is reused before ListMetrics is asked again.
pub const LOOKUP_TTL: Duration = Duration::from_secs(300);

/// A resource response: status and JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: Vec<u8>,
}

impl Reply {
    /// A 200 with a JSON body.
    pub fn ok(value: &Value) -> Reply {
        Reply {
            status: 200,
            body: value.to_string().into_bytes(),
        }
    }

    /// An error with `{"error": message}`.
    pub fn error(status: u16, message: &str) -> Reply {
        Reply {
            status,
            body: json!({ "error": message }).to_string().into_bytes(),
        }
    }
}

/// Built-in metrics and dimension keys of one AWS namespace.
#[derive(Debug, Deserialize)]
struct Builtin {
    metrics: Vec<String>,
    dimensions: Vec<String>,
}

/// The compiled-in catalogue: regions and AWS namespaces.
#[derive(Debug, Deserialize)]
struct Catalogue {
    regions: Vec<String>,
    namespaces: BTreeMap<String, Builtin>,
}

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        serde_json::from_str(include_str!("../data/aws-cloudwatch-catalogue.json"))
            .expect("the compiled-in catalogue is valid JSON (checked by a unit test)")
    })
}

/// Query parameters of a resource URL.
pub fn query_params(url: &str) -> HashMap<String, String> {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (decode(k), decode(v))
        })
        .collect()
}

/// A missing or invalid parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError(pub String);

fn required<'a>(params: &'a HashMap<String, String>, name: &str) -> Result<&'a str, ParamError> {
    params
        .get(name)
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ParamError(format!("missing query parameter `{name}`")))
}

fn region_param(params: &HashMap<String, String>, default: &Region) -> Result<Region, ParamError> {
    match params.get("region").map(|s| s.trim()) {
        None | Some("") | Some("default") => Ok(default.clone()),
        Some(r) => Region::parse(r)
            .ok_or_else(|| ParamError(format!("parameter `region`: {r:?} is not an AWS region"))),
    }
}

/// `dimensionFilters` is JSON: `{"Key": "value"}` or `{"Key": ["a","b"]}`; `*` or an empty
/// list means "any value".
pub fn dimension_filters(
    params: &HashMap<String, String>,
) -> Result<Vec<(String, Option<String>)>, ParamError> {
    let raw = match params.get("dimensionFilters").map(|s| s.trim()) {
        None | Some("") => return Ok(Vec::new()),
        Some(r) => r,
    };
    let value: Value = serde_json::from_str(raw)
        .map_err(|e| ParamError(format!("parameter `dimensionFilters` is not JSON: {e}")))?;
    let obj = value
        .as_object()
        .ok_or_else(|| ParamError("parameter `dimensionFilters` must be a JSON object".into()))?;
    let mut out = Vec::new();
    for (k, v) in obj {
        let values: Vec<String> = match v {
            Value::String(s) => vec![s.clone()],
            Value::Array(a) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        };
        // ListMetrics filters by one value per key; several values filter client-side later.
        match values.as_slice() {
            [one] if one != "*" => out.push((k.clone(), Some(one.clone()))),
            _ => out.push((k.clone(), None)),
        }
    }
    Ok(out)
}

/// A live lookup: its values once fetched, shared by every request for it.
struct Cached {
    at: Instant,
    cell: Arc<tokio::sync::OnceCell<Vec<String>>>,
}

/// Per-data-source lookup cache, keyed by data source uid and the lookup. Identical lookups
/// arriving together (panels and variables loading at once) share one ListMetrics walk.
#[derive(Default)]
pub struct LookupCache {
    entries: Mutex<HashMap<(String, String), Cached>>,
}

impl LookupCache {
    async fn get_or_fetch<F>(
        &self,
        uid: &str,
        key: String,
        fetch: F,
    ) -> Result<Vec<String>, errors::AwsFailure>
    where
        F: std::future::Future<Output = Result<Vec<String>, errors::AwsFailure>>,
    {
        let id = (uid.to_string(), key);
        let cell = {
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            entries.retain(|_, c| c.at.elapsed() < LOOKUP_TTL);
            entries
                .entry(id.clone())
                .or_insert_with(|| Cached {
                    at: Instant::now(),
                    cell: Arc::default(),
                })
                .cell
                .clone()
        };
        let mut fetched = false;
        let result = cell
            .get_or_try_init(|| {
                fetched = true;
                fetch
            })
            .await
            .cloned();
        crate::metrics::global().cache_lookup("lookups", !fetched);
        if result.is_err() {
            // A failure is not cached: the next request asks AWS again, with a fresh TTL.
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            if entries
                .get(&id)
                .is_some_and(|c| Arc::ptr_eq(&c.cell, &cell))
            {
                entries.remove(&id);
            }
        }
        result
    }
}

/// What a live lookup collects from ListMetrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Collect<'a> {
    MetricNames,
    DimensionKeys,
    DimensionValues(&'a str),
}

async fn list_metrics(
    session: &AwsSession,
    page_limit: u32,
    region: &Region,
    namespace: &str,
    metric_name: Option<&str>,
    filters: &[(String, Option<String>)],
    collect: Collect<'_>,
) -> Result<Vec<String>, errors::AwsFailure> {
    let client = session.cloudwatch(region);
    let mut found = BTreeSet::new();
    let mut token: Option<String> = None;
    for _ in 0..page_limit {
        let mut req = client
            .list_metrics()
            .namespace(namespace)
            .set_next_token(token.take());
        if let Some(m) = metric_name {
            req = req.metric_name(m);
        }
        for (k, v) in filters {
            req = req.dimensions(
                DimensionFilter::builder()
                    .name(k)
                    .set_value(v.clone())
                    .build(),
            );
        }
        if let Collect::DimensionValues(key) = collect {
            if !filters.iter().any(|(k, _)| k == key) {
                req = req.dimensions(DimensionFilter::builder().name(key).build());
            }
        }
        let out = metered("monitoring", "ListMetrics", errors::code, async {
            req.send().await.map_err(|e| errors::describe(&e))
        })
        .await?;
        for m in out.metrics() {
            match collect {
                Collect::MetricNames => {
                    found.extend(m.metric_name().map(str::to_string));
                }
                Collect::DimensionKeys => {
                    found.extend(
                        m.dimensions()
                            .iter()
                            .filter_map(|d| d.name().map(str::to_string)),
                    );
                }
                Collect::DimensionValues(key) => {
                    found.extend(
                        m.dimensions()
                            .iter()
                            .filter(|d| d.name() == Some(key))
                            .filter_map(|d| d.value().map(str::to_string)),
                    );
                }
            }
        }
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(found.into_iter().collect())
}

fn values_json(values: impl IntoIterator<Item = String>) -> Value {
    Value::Array(values.into_iter().map(|v| json!({ "value": v })).collect())
}

/// Handles one CallResource request for a data source whose policy check passed.
pub async fn handle(
    plugin: &Plugin,
    session: &AwsSession,
    req: &pluginv2::CallResourceRequest,
) -> Reply {
    if !req.method.is_empty() && !req.method.eq_ignore_ascii_case("GET") {
        return Reply::error(
            405,
            &format!(
                "method {} is not allowed; resources are read with GET",
                req.method
            ),
        );
    }
    let path = req.path.trim_start_matches('/');
    let route = path.split('?').next().unwrap_or("");
    let params = query_params(if req.url.contains('?') {
        &req.url
    } else {
        &req.path
    });
    let page_limit = plugin
        .policy()
        .map(|p| p.list_metrics_page_limit)
        .unwrap_or(500);
    match route_request(plugin, session, route, &params, page_limit).await {
        Ok(v) => Reply::ok(&v),
        Err(RouteError::NotFound) => Reply::error(404, &format!("no resource named {route:?}; Stratus serves regions, namespaces, metrics, dimension-keys and dimension-values")),
        Err(RouteError::BadRequest(ParamError(m))) => Reply::error(400, &m),
        Err(RouteError::Aws(f)) => {
            let code = f.code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default();
            let status = if f.status == Some(403) { 403 } else { 502 };
            Reply::error(status, &errors::scrub(&format!("CloudWatch ListMetrics failed{code}: {}", f.message), Some(&session.settings)))
        }
    }
}

enum RouteError {
    NotFound,
    BadRequest(ParamError),
    Aws(errors::AwsFailure),
}

impl From<ParamError> for RouteError {
    fn from(e: ParamError) -> Self {
        RouteError::BadRequest(e)
    }
}

async fn route_request(
    plugin: &Plugin,
    session: &AwsSession,
    route: &str,
    params: &HashMap<String, String>,
    page_limit: u32,
) -> Result<Value, RouteError> {
    let cat = catalogue();
    match route {
        "regions" => {
            let mut regions: BTreeSet<String> = cat.regions.iter().cloned().collect();
            regions.insert(session.default_region.as_str().to_string());
            Ok(values_json(
                std::iter::once("default".to_string()).chain(regions),
            ))
        }
        "namespaces" => {
            let mut all: BTreeSet<String> = cat.namespaces.keys().cloned().collect();
            all.extend(session.settings.custom_metrics_namespaces.iter().cloned());
            Ok(values_json(all))
        }
        "metrics" | "dimension-keys" | "dimension-values" => {
            let region = region_param(params, &session.default_region)?;
            let namespace = required(params, "namespace")?;
            let metric_name = params
                .get("metricName")
                .map(|s| s.trim())
                .filter(|s| !s.is_empty());
            let filters = dimension_filters(params)?;
            let collect = match route {
                "metrics" => Collect::MetricNames,
                "dimension-keys" => Collect::DimensionKeys,
                _ => Collect::DimensionValues(required(params, "dimensionKey")?),
            };
            // Built-in namespaces answer metric names and keys from the catalogue, at no cost.
            if let Some(b) = cat.namespaces.get(namespace) {
                match collect {
                    Collect::MetricNames => return Ok(values_json(b.metrics.iter().cloned())),
                    Collect::DimensionKeys if filters.is_empty() => {
                        return Ok(values_json(b.dimensions.iter().cloned()))
                    }
                    _ => {}
                }
            }
            let key =
                format!("{route}|{region}|{namespace}|{metric_name:?}|{filters:?}|{collect:?}");
            let values = plugin
                .lookups()
                .get_or_fetch(
                    &session.settings.uid,
                    key,
                    list_metrics(
                        session,
                        page_limit,
                        &region,
                        namespace,
                        metric_name,
                        &filters,
                        collect,
                    ),
                )
                .await
                .map_err(RouteError::Aws)?;
            let values = match collect {
                Collect::DimensionKeys => values
                    .into_iter()
                    .filter(|k| !filters.iter().any(|(f, _)| f == k))
                    .collect(),
                _ => values,
            };
            Ok(values_json(values))
        }
        _ => Err(RouteError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    async fn counted(
        calls: &AtomicU32,
        result: Result<Vec<String>, errors::AwsFailure>,
    ) -> Result<Vec<String>, errors::AwsFailure> {
        calls.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(20)).await;
        result
    }

    #[tokio::test]
    async fn identical_lookups_together_fetch_once() {
        let cache = LookupCache::default();
        let calls = AtomicU32::new(0);
        let lookups = (0..10)
            .map(|_| cache.get_or_fetch("ds", "k".into(), counted(&calls, Ok(vec!["v".into()]))));
        for r in futures::future::join_all(lookups).await {
            assert_eq!(r.unwrap(), vec!["v".to_string()]);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // Another data source, or another lookup, is fetched on its own.
        cache
            .get_or_fetch("other", "k".into(), counted(&calls, Ok(vec![])))
            .await
            .unwrap();
        cache
            .get_or_fetch("ds", "k2".into(), counted(&calls, Ok(vec![])))
            .await
            .unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_failed_lookup_is_not_cached() {
        let cache = LookupCache::default();
        let calls = AtomicU32::new(0);
        let failure = errors::AwsFailure {
            code: Some("Throttling".into()),
            message: "Rate exceeded".into(),
            status: Some(400),
        };
        let err = cache
            .get_or_fetch("ds", "k".into(), counted(&calls, Err(failure)))
            .await
            .unwrap_err();
        assert_eq!(err.code.as_deref(), Some("Throttling"));
        let ok = cache
            .get_or_fetch("ds", "k".into(), counted(&calls, Ok(vec!["v".into()])))
            .await;
        assert_eq!(ok.unwrap(), vec!["v".to_string()]);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn catalogue_loads_and_has_common_namespaces() {
        let c = catalogue();
        assert!(c.regions.contains(&"us-east-1".to_string()));
        for ns in [
            "AWS/EC2",
            "AWS/RDS",
            "AWS/Lambda",
            "AWS/DynamoDB",
            "AWS/ApplicationELB",
        ] {
            let b = &c.namespaces[ns];
            assert!(!b.metrics.is_empty() && !b.dimensions.is_empty(), "{ns}");
        }
        assert!(c.regions.iter().all(|r| Region::parse(r).is_some()));
    }

    #[test]
    fn params_decode() {
        let p = query_params("metrics?region=us-east-1&namespace=AWS%2FEC2&x=a+b");
        assert_eq!(p["namespace"], "AWS/EC2");
        assert_eq!(p["x"], "a b");
        assert_eq!(required(&p, "namespace").unwrap(), "AWS/EC2");
        assert_eq!(
            required(&p, "metricName").unwrap_err().0,
            "missing query parameter `metricName`"
        );
    }

    #[test]
    fn dimension_filter_forms() {
        let p = query_params("x?dimensionFilters=%7B%22InstanceId%22%3A%22i-1%22%2C%22Any%22%3A%22*%22%2C%22Many%22%3A%5B%22a%22%2C%22b%22%5D%7D");
        let f = dimension_filters(&p).unwrap();
        assert_eq!(
            f,
            vec![
                ("Any".into(), None),
                ("InstanceId".into(), Some("i-1".into())),
                ("Many".into(), None)
            ]
        );
        let bad = query_params("x?dimensionFilters=nope");
        assert!(dimension_filters(&bad)
            .unwrap_err()
            .0
            .contains("dimensionFilters"));
    }
}
