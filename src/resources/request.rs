//! Editor requests (CallResource), parsed from Grafana's paths and parameters into typed
//! routes (pure). Grafana's CloudWatch routes: `regions`, `namespaces`, `metrics`,
//! `dimension-keys`, `dimension-values`, `accounts`, `log-groups`, `log-group-fields`.

use std::collections::HashMap;

use serde_json::Value;

use crate::config::names::Region;

/// The names of the routes, for the "no such resource" message.
pub const ROUTES: &str = "regions, namespaces, metrics, dimension-keys, dimension-values, accounts, log-groups and log-group-fields";

/// Log groups listed when the editor asks for no particular number, and the most it may ask.
const LOG_GROUPS_DEFAULT: usize = 50;
const LOG_GROUPS_MAX: usize = 1000;

/// What a ListMetrics walk collects.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Collect {
    /// Metric names.
    MetricNames,
    /// Dimension keys.
    DimensionKeys,
    /// The values of one dimension key.
    DimensionValues(String),
}

/// A dimension filter: the key, and one value or any value.
pub type DimensionFilter = (String, Option<String>);

/// Filters by key with the values each may have; no values means any value.
pub type Filters = std::collections::BTreeMap<String, Vec<String>>;

/// Whose metrics a lookup lists: in a monitoring account (cross-account observability) the
/// linked source accounts' metrics are listed too when asked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum AccountScope {
    /// The data source's own account (no `accountId`).
    #[default]
    Own,
    /// The monitoring account and every linked source account (`accountId` `all`).
    AllLinked,
    /// One account (`accountId` 123456789012).
    One(String),
}

impl AccountScope {
    /// Parses Grafana's `accountId`: absent or blank, `all`, or a 12-digit account id; the
    /// error says what is wrong with the value.
    pub fn parse(value: Option<&str>) -> Result<AccountScope, String> {
        match value.map(str::trim) {
            None | Some("") => Ok(AccountScope::Own),
            Some("all") => Ok(AccountScope::AllLinked),
            Some(id) if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(AccountScope::One(id.to_string()))
            }
            Some(other) => Err(format!(
                "{other:?} is not an AWS account id; use the 12 digits of a linked account, or \"all\""
            )),
        }
    }
}

/// A lookup of metrics, dimension keys or dimension values in a namespace.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Lookup {
    /// The region; `None` is the data source's default.
    pub region: Option<Region>,
    /// The namespace.
    pub namespace: String,
    /// Narrows the walk to one metric.
    pub metric_name: Option<String>,
    /// Narrows the walk by dimensions, sorted by key.
    pub filters: Vec<DimensionFilter>,
    /// What to collect.
    pub collect: Collect,
    /// Whose metrics.
    pub account: AccountScope,
}

/// A parsed editor request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The region list.
    Regions,
    /// The namespace list.
    Namespaces,
    /// A metrics or dimensions lookup.
    Lookup(Lookup),
    /// The monitoring account and its linked source accounts, in a region (`None`: the
    /// default).
    Accounts(Option<Region>),
    /// Log groups in a region.
    LogGroups(Option<Region>, Search),
    /// The fields of a log group (its name or ARN) in a region.
    LogGroupFields(Option<Region>, String),
}

/// How the names of the listed groups are matched.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum NameMatch {
    /// Every group.
    #[default]
    Any,
    /// Names starting so (`logGroupNamePrefix`, case-sensitive).
    Prefix(String),
    /// Names containing this (`logGroupNamePattern`, case-insensitive): search as you type.
    Pattern(String),
}

/// A log group search.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Search {
    /// Which names.
    pub name: NameMatch,
    /// Whose groups.
    pub account: AccountScope,
    /// At most this many groups.
    pub limit: usize,
}

/// Why a request cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestError {
    /// Not a GET.
    MethodNotAllowed(String),
    /// No such route.
    NotFound(String),
    /// A parameter is missing or invalid.
    BadParameter(String),
}

/// Query parameters of a resource URL, percent-decoded (`+` is a space).
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

fn optional<'a>(params: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    params.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
}

fn required<'a>(params: &'a HashMap<String, String>, name: &str) -> Result<&'a str, RequestError> {
    optional(params, name)
        .ok_or_else(|| RequestError::BadParameter(format!("missing query parameter `{name}`")))
}

fn region_param(params: &HashMap<String, String>) -> Result<Option<Region>, RequestError> {
    match optional(params, "region") {
        None | Some("default") => Ok(None),
        Some(r) => Region::parse(r).map(Some).ok_or_else(|| {
            RequestError::BadParameter(format!("parameter `region`: {r:?} is not an AWS region"))
        }),
    }
}

/// `dimensionFilters` is JSON: `{"Key": "value"}` or `{"Key": ["a","b"]}`; `*`, an empty list
/// or several values mean "any value" (ListMetrics filters by one value per key).
pub fn dimension_filters(
    params: &HashMap<String, String>,
) -> Result<Vec<DimensionFilter>, RequestError> {
    let Some(raw) = optional(params, "dimensionFilters") else {
        return Ok(Vec::new());
    };
    let bad =
        |why: String| RequestError::BadParameter(format!("parameter `dimensionFilters` {why}"));
    let value: Value = serde_json::from_str(raw).map_err(|e| bad(format!("is not JSON: {e}")))?;
    let obj = value
        .as_object()
        .ok_or_else(|| bad("must be a JSON object".into()))?;
    Ok(obj
        .iter()
        .map(|(k, v)| {
            let values: Vec<&str> = match v {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            match values.as_slice() {
                [one] if *one != "*" => (k.clone(), Some(one.to_string())),
                _ => (k.clone(), None),
            }
        })
        .collect())
}

/// Parses a CallResource request: `method`, and the route and parameters from `path` (or
/// `url`, where Grafana puts the parameters).
pub fn parse(method: &str, path: &str, url: &str) -> Result<Route, RequestError> {
    if !method.is_empty() && !method.eq_ignore_ascii_case("GET") {
        return Err(RequestError::MethodNotAllowed(method.to_string()));
    }
    let path = path.trim_start_matches('/');
    let route = path.split('?').next().unwrap_or("");
    let params = query_params(if url.contains('?') { url } else { path });
    match route {
        "regions" => return Ok(Route::Regions),
        "namespaces" => return Ok(Route::Namespaces),
        "accounts" => return Ok(Route::Accounts(region_param(&params)?)),
        "log-groups" => {
            return Ok(Route::LogGroups(
                region_param(&params)?,
                log_groups(&params)?,
            ))
        }
        "log-group-fields" => {
            let group = optional(&params, "logGroupARN")
                .or_else(|| optional(&params, "logGroupName"))
                .ok_or_else(|| {
                    RequestError::BadParameter(
                        "missing query parameter `logGroupName` or `logGroupARN`".into(),
                    )
                })?;
            return Ok(Route::LogGroupFields(
                region_param(&params)?,
                group.to_string(),
            ));
        }
        "metrics" | "dimension-keys" | "dimension-values" => {}
        other => return Err(RequestError::NotFound(other.to_string())),
    }
    let region = region_param(&params)?;
    let namespace = required(&params, "namespace")?.to_string();
    let filters = dimension_filters(&params)?;
    let collect = match route {
        "metrics" => Collect::MetricNames,
        "dimension-keys" => Collect::DimensionKeys,
        _ => Collect::DimensionValues(required(&params, "dimensionKey")?.to_string()),
    };
    Ok(Route::Lookup(Lookup {
        region,
        namespace,
        metric_name: optional(&params, "metricName").map(str::to_string),
        filters,
        collect,
        account: account_param(&params)?,
    }))
}

fn account_param(params: &HashMap<String, String>) -> Result<AccountScope, RequestError> {
    AccountScope::parse(optional(params, "accountId"))
        .map_err(|m| RequestError::BadParameter(format!("parameter `accountId`: {m}")))
}

/// `log-groups`: `logGroupNamePrefix` or `logGroupPattern` (search as you type), `accountId`,
/// `limit` (50 by default), `listAllLogGroups`.
fn log_groups(params: &HashMap<String, String>) -> Result<Search, RequestError> {
    let name = match (
        optional(params, "logGroupNamePrefix"),
        optional(params, "logGroupPattern"),
    ) {
        (Some(_), Some(_)) => {
            return Err(RequestError::BadParameter(
                "parameters `logGroupNamePrefix` and `logGroupPattern` cannot be used together; CloudWatch Logs takes one of them".into(),
            ))
        }
        (Some(p), None) => NameMatch::Prefix(p.to_string()),
        (None, Some(p)) => NameMatch::Pattern(p.to_string()),
        (None, None) => NameMatch::Any,
    };
    let limit = match optional(params, "limit") {
        _ if optional(params, "listAllLogGroups") == Some("true") => LOG_GROUPS_MAX,
        None => LOG_GROUPS_DEFAULT,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=LOG_GROUPS_MAX).contains(n))
            .ok_or_else(|| {
                RequestError::BadParameter(format!(
                    "parameter `limit`: {l:?} must be a whole number from 1 to {LOG_GROUPS_MAX}"
                ))
            })?,
    };
    Ok(Search {
        name,
        account: account_param(params)?,
        limit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_group_routes() {
        let route = |p: &str| parse("GET", p, "");
        assert_eq!(
            route("log-groups?region=eu-west-1&logGroupPattern=web&accountId=all&limit=5").unwrap(),
            Route::LogGroups(
                Region::parse("eu-west-1"),
                Search {
                    name: NameMatch::Pattern("web".into()),
                    account: AccountScope::AllLinked,
                    limit: 5
                }
            )
        );
        assert_eq!(
            route("log-groups?logGroupNamePrefix=%2Fapp&listAllLogGroups=true").unwrap(),
            Route::LogGroups(
                None,
                Search {
                    name: NameMatch::Prefix("/app".into()),
                    account: AccountScope::Own,
                    limit: 1000
                }
            )
        );
        assert_eq!(
            route("log-group-fields?logGroupName=%2Fapp%2Fweb&region=default").unwrap(),
            Route::LogGroupFields(None, "/app/web".into())
        );
        for (bad, says) in [
            ("log-groups?limit=0", "`limit`"),
            ("log-groups?limit=many", "`limit`"),
            (
                "log-groups?logGroupNamePrefix=a&logGroupPattern=b",
                "together",
            ),
            ("log-groups?accountId=me", "`accountId`"),
            ("log-group-fields?region=us-east-1", "`logGroupName`"),
        ] {
            match route(bad) {
                Err(RequestError::BadParameter(m)) => assert!(m.contains(says), "{bad}: {m}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn params_decode() {
        let p = query_params("metrics?region=us-east-1&namespace=AWS%2FEC2&x=a+b");
        assert_eq!(p["namespace"], "AWS/EC2");
        assert_eq!(p["x"], "a b");
    }

    #[test]
    fn dimension_filter_forms() {
        let p = query_params("x?dimensionFilters=%7B%22InstanceId%22%3A%22i-1%22%2C%22Any%22%3A%22*%22%2C%22Many%22%3A%5B%22a%22%2C%22b%22%5D%7D");
        assert_eq!(
            dimension_filters(&p).unwrap(),
            vec![
                ("Any".into(), None),
                ("InstanceId".into(), Some("i-1".into())),
                ("Many".into(), None)
            ]
        );
        let bad = query_params("x?dimensionFilters=nope");
        assert!(matches!(
            dimension_filters(&bad),
            Err(RequestError::BadParameter(m)) if m.contains("dimensionFilters")
        ));
    }

    #[test]
    fn routes() {
        assert_eq!(
            parse("GET", "regions", "/api/x/regions"),
            Ok(Route::Regions)
        );
        assert_eq!(parse("", "/namespaces", ""), Ok(Route::Namespaces));
        let Route::Lookup(l) = parse(
            "GET",
            "dimension-values",
            "/r/dimension-values?region=eu-west-1&namespace=AWS%2FEC2&metricName=CPU&dimensionKey=InstanceId",
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(l.region, Region::parse("eu-west-1"));
        assert_eq!(l.namespace, "AWS/EC2");
        assert_eq!(l.metric_name.as_deref(), Some("CPU"));
        assert_eq!(l.collect, Collect::DimensionValues("InstanceId".into()));
        let Route::Lookup(l) = parse("GET", "metrics?namespace=N&region=default", "").unwrap()
        else {
            panic!()
        };
        assert_eq!((l.region, l.collect), (None, Collect::MetricNames));
        assert_eq!(
            parse("GET", "metrics", "/r/metrics?region=x"),
            Err(RequestError::BadParameter(
                "parameter `region`: \"x\" is not an AWS region".into()
            ))
        );
        assert_eq!(
            parse("GET", "metrics", "/r/metrics"),
            Err(RequestError::BadParameter(
                "missing query parameter `namespace`".into()
            ))
        );
        assert_eq!(
            parse("GET", "dimension-values?namespace=N", ""),
            Err(RequestError::BadParameter(
                "missing query parameter `dimensionKey`".into()
            ))
        );
        assert_eq!(
            parse("GET", "accounts", "/r/accounts?region=eu-west-1"),
            Ok(Route::Accounts(Region::parse("eu-west-1")))
        );
        assert_eq!(
            parse("GET", "alarms", ""),
            Err(RequestError::NotFound("alarms".into()))
        );
        let Route::Lookup(l) =
            parse("GET", "metrics?namespace=N&accountId=123456789012", "").unwrap()
        else {
            panic!()
        };
        assert_eq!(l.account, AccountScope::One("123456789012".into()));
        assert!(matches!(
            parse("GET", "metrics?namespace=N&accountId=all", ""),
            Ok(Route::Lookup(Lookup {
                account: AccountScope::AllLinked,
                ..
            }))
        ));
        assert!(matches!(
            parse("GET", "metrics?namespace=N&accountId=12345", ""),
            Err(RequestError::BadParameter(m)) if m.contains("accountId") && m.contains("12 digits")
        ));
        assert_eq!(
            parse("POST", "regions", ""),
            Err(RequestError::MethodNotAllowed("POST".into()))
        );
    }
}
