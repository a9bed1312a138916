//! Grafana's CloudWatch metrics query model, parsed into a typed [`MetricQuery`] (pure). Every
//! form Grafana has stored over the years is read: legacy `statistics` arrays, bare-string
//! dimensions, `alias`, expressions without an editor mode.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use serde_json::{Map, Value};

use crate::config::json::json_type;
use crate::config::names::Region;
use crate::config::values::parse_duration;
use crate::query::field::{opt_bool, opt_int, opt_str};
use crate::query::QueryError;

/// A CloudWatch statistic: a standard one or an extended one (percentile, trimmed mean, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statistic(String);

const STANDARD_STATS: [&str; 6] = ["Average", "Sum", "Minimum", "Maximum", "SampleCount", "IQM"];

fn is_stat_number(s: &str) -> bool {
    let s = s.strip_suffix('%').unwrap_or(s);
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_digit() || c == '.')
        && s.chars().filter(|c| *c == '.').count() <= 1
        && !s.starts_with('.')
        && !s.ends_with('.')
}

impl Statistic {
    /// Accepts the standard statistics and the extended forms `p99`, `p99.9`, `tm90`, `tc90`,
    /// `ts90`, `wm90`, and ranges such as `PR(10:20)`, `TM(10%:90%)`, `TC(:0.5)`.
    pub fn parse(value: &str) -> Option<Statistic> {
        let v = value.trim();
        if STANDARD_STATS.contains(&v) {
            return Some(Statistic(v.to_string()));
        }
        for prefix in ["p", "tm", "tc", "ts", "wm"] {
            if let Some(n) = v.strip_prefix(prefix) {
                if is_stat_number(n) && !n.ends_with('%') {
                    return Some(Statistic(v.to_string()));
                }
            }
        }
        for prefix in ["TM", "TC", "TS", "WM", "PR"] {
            if let Some(inner) = v
                .strip_prefix(prefix)
                .and_then(|r| r.strip_prefix('('))
                .and_then(|r| r.strip_suffix(')'))
            {
                if let Some((a, b)) = inner.split_once(':') {
                    let ok = |x: &str| x.is_empty() || is_stat_number(x);
                    if ok(a) && ok(b) && !(a.is_empty() && b.is_empty()) {
                        return Some(Statistic(v.to_string()));
                    }
                }
            }
        }
        None
    }

    /// Average: what a query without a statistic asks for.
    pub fn average() -> Statistic {
        Statistic("Average".to_string())
    }

    /// The statistic as CloudWatch names it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether alarms name it as a `Statistic` (else an `ExtendedStatistic`).
    pub fn is_standard(&self) -> bool {
        STANDARD_STATS[..5].contains(&self.0.as_str())
    }
}

/// The period of a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Chosen from the time range (see [`planner::auto_period`]).
    Auto,
    /// A fixed number of seconds.
    Seconds(i32),
}

/// Which region a query runs in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RegionSpec {
    /// The data source's default region.
    Default,
    /// A region the query names (a cross-region panel).
    Named(Region),
}

impl RegionSpec {
    /// The region meant: the named one, else the data source's `default`.
    pub fn resolve(&self, default: &Region) -> Region {
        match self {
            RegionSpec::Default => default.clone(),
            RegionSpec::Named(r) => r.clone(),
        }
    }
}

/// What a query asks CloudWatch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Builder mode: a metric with dimensions.
    Builder {
        /// The namespace (`AWS/EC2`, or a custom one).
        namespace: String,
        /// The metric, e.g. `CPUUtilization`.
        metric_name: String,
        /// Dimension key to values; several values or `*` make a SEARCH.
        dimensions: BTreeMap<String, Vec<String>>,
        /// Whether only metrics with exactly these dimensions match.
        match_exact: bool,
        /// The statistics, at least one: `statistic`, or each of the legacy `statistics`.
        statistics: Vec<Statistic>,
    },
    /// Code mode: a metric math or SEARCH expression as written.
    Code {
        /// The expression; `$__period_auto` is replaced when planning.
        expression: String,
    },
    /// Metrics Insights SQL.
    Insights {
        /// The query, sent as written.
        sql: String,
        /// The dimensions its series are labelled with, as Grafana reads them: those stored
        /// with the query, and (builder mode) each GROUP BY key, open (`*`).
        dimensions: BTreeMap<String, Vec<String>>,
        /// The namespace and metric of a builder query with GROUP BY keys, when stored: the
        /// keys' values are then looked up (ListMetrics) to label the series, as Grafana does.
        group_by_source: Option<(String, String)>,
    },
}

/// Whose metrics a query reads, with cross-account observability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Account {
    /// Every account the monitoring account sees (`all`): a SEARCH across them.
    All,
    /// One source account.
    One(String),
}

/// One parsed metrics query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricQuery {
    /// Grafana's refId.
    pub ref_id: String,
    /// The user's `id` (for math references), if any.
    pub id: Option<String>,
    /// Where the query runs.
    pub region: RegionSpec,
    /// What the query asks CloudWatch, by editor mode.
    pub mode: Mode,
    /// The period, fixed or chosen from the time range.
    pub period: Period,
    /// Label template (`label`, or the legacy `alias` converted); an empty `label` is none,
    /// whatever `alias` says, as in Grafana.
    pub label: Option<String>,
    /// Whether AWS returns its data (ReturnData): a hidden panel query only feeds math. Alert
    /// rules and server-side expressions send no `type`, and always get data, as in Grafana.
    pub return_data: bool,
    /// Cross-account observability: whose metrics it reads.
    pub account: Option<Account>,
    /// The dashboard's UTC offset (`timezoneUTCOffset`, e.g. `+0130`), for the times in
    /// CloudWatch's dynamic labels (`LabelOptions.Timezone`).
    pub timezone: Option<String>,
}

/// Parses `period`: empty/`auto` is automatic, else seconds or a duration such as `5m`.
pub fn parse_period(obj: &Map<String, Value>) -> Result<Period, QueryError> {
    let secs: f64 = match obj.get("period") {
        None | Some(Value::Null) => return Ok(Period::Auto),
        Some(Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
        Some(Value::String(s)) => {
            let s = s.trim();
            // `$__period_auto`, the macro of expressions, means the same as a period.
            if s.is_empty() || s.eq_ignore_ascii_case("auto") || s == "$__period_auto" {
                return Ok(Period::Auto);
            }
            if s.starts_with('$') {
                return Err(QueryError::unexpanded_variable("period", s));
            }
            match s.parse::<f64>() {
                Ok(n) => n,
                Err(_) => parse_duration(s)
                    .map(|d| d.as_secs_f64())
                    .ok_or_else(|| QueryError::new("period", format!("{s:?} is not a period; use auto, a number of seconds, or a duration such as 5m")))?,
            }
        }
        Some(other) => {
            return Err(QueryError::new(
                "period",
                format!("must be a string or number, got {}", json_type(other)),
            ))
        }
    };
    // CloudWatch accepts 1, 5, 10, 30 (high resolution) or any multiple of 60 seconds.
    let valid = secs.fract() == 0.0
        && secs > 0.0
        && secs <= f64::from(i32::MAX)
        && (matches!(secs as i64, 1 | 5 | 10 | 30) || (secs as i64) % 60 == 0);
    if !valid {
        return Err(QueryError::new(
            "period",
            format!("{secs} seconds is not a CloudWatch period; use auto, 1, 5, 10, 30 or a multiple of 60 seconds"),
        ));
    }
    Ok(Period::Seconds(secs as i32))
}

/// `dimensions`: key to one value (the old format), several, or `*`.
pub fn parse_dimensions(
    obj: &Map<String, Value>,
) -> Result<BTreeMap<String, Vec<String>>, QueryError> {
    let mut out = BTreeMap::new();
    let map = match obj.get("dimensions") {
        None | Some(Value::Null) => return Ok(out),
        Some(Value::Object(m)) => m,
        Some(other) => {
            return Err(QueryError::new(
                "dimensions",
                format!(
                    "must be an object of key: value(s), got {}",
                    json_type(other)
                ),
            ))
        }
    };
    for (key, value) in map {
        let values = match value {
            // A bare string is the pre-multi-value format.
            Value::String(s) => vec![s.clone()],
            Value::Number(n) => vec![n.to_string()],
            Value::Array(items) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(n) => Ok(n.to_string()),
                    other => Err(QueryError::new(
                        "dimensions",
                        format!(
                            "value of {key:?} must be a string or a list of strings, found {}",
                            json_type(other)
                        ),
                    )),
                })
                .collect::<Result<_, _>>()?,
            Value::Null => Vec::new(),
            other => {
                return Err(QueryError::new(
                    "dimensions",
                    format!(
                        "value of {key:?} must be a string or a list of strings, got {}",
                        json_type(other)
                    ),
                ))
            }
        };
        out.insert(key.clone(), values);
    }
    Ok(out)
}

/// Converts a legacy `alias` (`{{metric}} {{InstanceId}}`) into CloudWatch dynamic labels, with
/// Grafana's pattern (`{{ name }}`, at least one character inside) and names.
pub fn alias_to_label(alias: &str) -> String {
    static PATTERN: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\{\{\s*(.+?)\s*\}\}").expect("a valid pattern"));
    PATTERN
        .replace_all(alias, |c: &regex::Captures| match &c[1] {
            "metric" => "${PROP('MetricName')}".to_string(),
            "namespace" => "${PROP('Namespace')}".to_string(),
            "period" => "${PROP('Period')}".to_string(),
            "region" => "${PROP('Region')}".to_string(),
            "stat" => "${PROP('Stat')}".to_string(),
            "label" => "${LABEL}".to_string(),
            dim => format!("${{PROP('Dim.{dim}')}}"),
        })
        .into_owned()
}

/// Whether an id can be used as a GetMetricData query id.
pub fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && id.len() <= 255
}

/// CloudWatch's limits on names and values, and generous caps on the free-text fields, so a
/// runaway value gets a clear error instead of a rejected (or costly) AWS call.
const MAX_NAME: usize = 255;
const MAX_DIMENSION_VALUE: usize = 1024;
const MAX_LABEL: usize = 1024;
const MAX_EXPRESSION: usize = 10_240;

fn check_len(field: &'static str, value: &str, max: usize) -> Result<(), QueryError> {
    let n = value.chars().count();
    if n > max {
        return Err(QueryError::new(
            field,
            format!("is {n} characters long; CloudWatch accepts at most {max}"),
        ));
    }
    Ok(())
}

fn check_lengths(q: &MetricQuery) -> Result<(), QueryError> {
    if let Some(l) = &q.label {
        check_len("label", l, MAX_LABEL)?;
    }
    match &q.mode {
        Mode::Builder {
            namespace,
            metric_name,
            dimensions,
            ..
        } => {
            check_len("namespace", namespace, MAX_NAME)?;
            check_len("metricName", metric_name, MAX_NAME)?;
            for (k, values) in dimensions {
                check_len("dimensions", k, MAX_NAME)?;
                for v in values {
                    check_len("dimensions", v, MAX_DIMENSION_VALUE)?;
                }
            }
        }
        Mode::Code { expression } => check_len("expression", expression, MAX_EXPRESSION)?,
        Mode::Insights { sql, .. } => check_len("sqlExpression", sql, MAX_EXPRESSION)?,
    }
    Ok(())
}

/// `region`: empty or `default` is the data source's default region.
pub fn parse_region(obj: &Map<String, Value>) -> Result<RegionSpec, QueryError> {
    match opt_str(obj, "region")? {
        None => Ok(RegionSpec::Default),
        Some(r) if r == "default" => Ok(RegionSpec::Default),
        Some(r) if r.starts_with('$') => Err(QueryError::unexpanded_variable("region", &r)),
        Some(r) => Region::parse(&r).map(RegionSpec::Named).ok_or_else(|| {
            QueryError::new(
                "region",
                format!(
                    "{r:?} is not an AWS region; use a region such as us-east-1, or \"default\""
                ),
            )
        }),
    }
}

fn parse_id(obj: &Map<String, Value>) -> Result<Option<String>, QueryError> {
    let id = opt_str(obj, "id")?;
    match &id {
        Some(i) if !valid_id(i) => Err(QueryError::new("id", format!("{i:?} is not a valid id; it must start with a lowercase letter and contain only letters, digits and underscores"))),
        _ => Ok(id),
    }
}

fn parse_mode(obj: &Map<String, Value>, from_panel: bool) -> Result<Mode, QueryError> {
    let editor_mode = opt_int(obj, "metricEditorMode")?;
    let expression = opt_str(obj, "expression")?;
    match opt_int(obj, "metricQueryType")?.unwrap_or(0) {
        1 => Ok(Mode::Insights {
            sql: opt_str(obj, "sqlExpression")?
                .ok_or_else(|| QueryError::new("sqlExpression", "is empty; write a Metrics Insights query such as SELECT AVG(CPUUtilization) FROM SCHEMA(\"AWS/EC2\")"))?,
            dimensions: insights_dimensions(obj, editor_mode != Some(1))?,
            group_by_source: match (opt_str(obj, "namespace")?, opt_str(obj, "metricName")?) {
                (Some(ns), Some(metric)) if editor_mode != Some(1) => Some((ns, metric)),
                _ => None,
            },
        }),
        // Before the editor had modes, a non-empty expression meant code mode.
        0 if editor_mode == Some(1) || (editor_mode.is_none() && expression.is_some()) => {
            Ok(Mode::Code {
                expression: expression.ok_or_else(|| QueryError::new("expression", "is empty; write a metric math or SEARCH expression, or switch to Builder mode"))?,
            })
        }
        0 => builder(obj, from_panel),
        other => Err(QueryError::new("metricQueryType", format!("{other} is not a query type; use 0 (Metric Search) or 1 (Metrics Insights)"))),
    }
}

/// The dimensions a Metrics Insights query's series are labelled with: the stored ones, and
/// in builder mode each GROUP BY key of the `sql` model, open.
fn insights_dimensions(
    obj: &Map<String, Value>,
    builder_mode: bool,
) -> Result<BTreeMap<String, Vec<String>>, QueryError> {
    let mut dimensions = parse_dimensions(obj)?;
    if builder_mode {
        let keys = obj
            .get("sql")
            .and_then(|s| s.pointer("/groupBy/expressions"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|e| e.pointer("/property/name").and_then(Value::as_str))
            .filter(|k| !k.is_empty());
        for key in keys {
            dimensions.insert(key.to_string(), vec!["*".to_string()]);
        }
    }
    Ok(dimensions)
}

/// `label`, which wins over the legacy `alias` even when empty; an empty label is none.
fn parse_label(obj: &Map<String, Value>) -> Result<Option<String>, QueryError> {
    let stored = match obj.get("label") {
        Some(Value::String(l)) => l.clone(),
        None | Some(Value::Null) => opt_str(obj, "alias")?
            .map(|a| alias_to_label(&a))
            .unwrap_or_default(),
        Some(_) => opt_str(obj, "label")?.unwrap_or_default(),
    };
    Ok(Some(stored).filter(|l| !l.is_empty()))
}

/// Whether Grafana's query runner sent the query (it sets `type`): alert rules, recording
/// rules and server-side expressions send the stored model without one.
fn from_query_runner(obj: &Map<String, Value>) -> Result<bool, QueryError> {
    Ok(opt_str(obj, "type")?.is_some())
}

/// Parses one metrics query model (already known to be an object of `queryMode` Metrics).
pub fn parse(ref_id: &str, obj: &Map<String, Value>) -> Result<MetricQuery, QueryError> {
    let from_panel = from_query_runner(obj)?;
    let hide = opt_bool(obj, "hide")?.unwrap_or(false);
    let query = MetricQuery {
        ref_id: ref_id.to_string(),
        id: parse_id(obj)?,
        region: parse_region(obj)?,
        mode: parse_mode(obj, from_panel)?,
        period: parse_period(obj)?,
        label: parse_label(obj)?,
        return_data: !(hide && from_panel),
        account: opt_str(obj, "accountId")?.map(|a| match a.as_str() {
            "all" => Account::All,
            _ => Account::One(a),
        }),
        timezone: opt_str(obj, "timezoneUTCOffset")?,
    };
    check_lengths(&query)?;
    Ok(query)
}

fn builder(obj: &Map<String, Value>, from_panel: bool) -> Result<Mode, QueryError> {
    let namespace = opt_str(obj, "namespace")?.ok_or_else(|| {
        QueryError::new("namespace", "is empty; choose a namespace such as AWS/EC2")
    })?;
    let metric_name = opt_str(obj, "metricName")?.ok_or_else(|| {
        QueryError::new(
            "metricName",
            "is empty; choose a metric name such as CPUUtilization",
        )
    })?;
    if metric_name.starts_with('$') {
        return Err(QueryError::unexpanded_variable("metricName", &metric_name));
    }
    let mut statistics = statistics(obj)?;
    // Grafana's backend takes the first of a legacy `statistics` list; its dashboard migration
    // made one query of each for panels, which Stratus does when the panel asks.
    if !from_panel {
        statistics.truncate(1);
    }
    Ok(Mode::Builder {
        namespace,
        metric_name,
        dimensions: parse_dimensions(obj)?,
        match_exact: opt_bool(obj, "matchExact")?.unwrap_or(true),
        statistics,
    })
}

fn one_statistic(field: &'static str, raw: &str) -> Result<Statistic, QueryError> {
    if raw.starts_with('$') {
        return Err(QueryError::unexpanded_variable(field, raw));
    }
    Statistic::parse(raw).ok_or_else(|| {
        QueryError::new(field, format!("{raw:?} is not a CloudWatch statistic; use Average, Sum, Minimum, Maximum, SampleCount, IQM or an extended statistic such as p99, tm90 or PR(10:20)"))
    })
}

/// `statistic`, else the legacy `statistics` list (each becomes a query of its own, as
/// Grafana's migration splits such targets), else Average.
pub fn statistics(obj: &Map<String, Value>) -> Result<Vec<Statistic>, QueryError> {
    if let Some(s) = opt_str(obj, "statistic")? {
        return Ok(vec![one_statistic("statistic", &s)?]);
    }
    let listed: Vec<&str> = match obj.get("statistics") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .collect(),
        Some(other) => {
            return Err(QueryError::new(
                "statistics",
                format!("must be a list of statistics, got {}", json_type(other)),
            ))
        }
    };
    if listed.is_empty() {
        return Ok(vec![Statistic::average()]);
    }
    let mut out: Vec<Statistic> = Vec::new();
    for raw in listed {
        let stat = one_statistic("statistics", raw)?;
        if !out.contains(&stat) {
            out.push(stat);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(json: &str) -> Result<MetricQuery, QueryError> {
        parse_json("A", json)
    }

    fn parse_json(ref_id: &str, json: &str) -> Result<MetricQuery, QueryError> {
        let (_, obj) = crate::query::classify(json.as_bytes())?;
        parse(ref_id, &obj)
    }

    #[test]
    fn builder_with_legacy_shapes() {
        // Legacy target: statistics array, bare-string dimensions, alias, no query type.
        let q = p(r#"{"refId":"A","region":"us-east-1","namespace":"AWS/EC2","metricName":"CPUUtilization",
            "dimensions":{"InstanceId":"i-1"},"statistics":["Maximum"],"period":"","alias":"{{metric}} {{InstanceId}}",
            "expression":"","id":"","highResolution":false,"returnData":false}"#)
        .unwrap();
        assert_eq!(
            q.region,
            RegionSpec::Named(Region::parse("us-east-1").unwrap())
        );
        assert_eq!(q.period, Period::Auto);
        assert_eq!(
            q.label.as_deref(),
            Some("${PROP('MetricName')} ${PROP('Dim.InstanceId')}")
        );
        assert_eq!(q.id, None);
        match q.mode {
            Mode::Builder {
                namespace,
                metric_name,
                dimensions,
                match_exact,
                statistics,
            } => {
                assert_eq!(namespace, "AWS/EC2");
                assert_eq!(metric_name, "CPUUtilization");
                assert_eq!(dimensions["InstanceId"], vec!["i-1"]);
                assert!(match_exact);
                assert_eq!(statistics, vec![Statistic::parse("Maximum").unwrap()]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn new_shape_with_multi_values_and_label() {
        let q = p(r#"{"refId":"B","datasource":{"type":"cloudwatch","uid":"x"},"queryMode":"Metrics","metricQueryType":0,
            "metricEditorMode":0,"region":"default","namespace":"AWS/EC2","metricName":"CPUUtilization",
            "dimensions":{"InstanceId":["i-1","i-2"],"AutoScalingGroupName":"*"},"statistic":"p99.9","period":"5m",
            "matchExact":false,"label":"${PROP('Dim.InstanceId')}","hide":true,"id":"m1","accountId":"all","intervalMs":1000}"#)
        .unwrap();
        assert_eq!(q.region, RegionSpec::Default);
        assert_eq!(q.period, Period::Seconds(300));
        // Without a `type` (an alert rule), a hidden query still returns data.
        assert!(q.return_data);
        assert_eq!(q.id.as_deref(), Some("m1"));
        assert_eq!(q.account, Some(Account::All));
        assert_eq!(q.label.as_deref(), Some("${PROP('Dim.InstanceId')}"));
        let Mode::Builder {
            dimensions,
            match_exact,
            ..
        } = q.mode
        else {
            panic!()
        };
        assert!(!match_exact);
        assert_eq!(dimensions["AutoScalingGroupName"], vec!["*"]);
    }

    #[test]
    fn code_and_insights() {
        let q = p(r#"{"metricEditorMode":1,"metricQueryType":0,"expression":"m1/SERVICE_QUOTA(m1)*100","namespace":"","region":"default"}"#).unwrap();
        assert_eq!(
            q.mode,
            Mode::Code {
                expression: "m1/SERVICE_QUOTA(m1)*100".into()
            }
        );
        // Legacy: expression without editor mode means code.
        let q = p(r#"{"expression":"SUM(METRICS())"}"#).unwrap();
        assert!(matches!(q.mode, Mode::Code { .. }));
        let q = p(r#"{"metricQueryType":1,"sqlExpression":"SELECT AVG(CPUUtilization) FROM \"AWS/EC2\""}"#).unwrap();
        assert!(matches!(q.mode, Mode::Insights { .. }));
        assert_eq!(
            p(r#"{"metricQueryType":1}"#).unwrap_err().field,
            "sqlExpression"
        );
        assert_eq!(
            p(r#"{"metricEditorMode":1,"expression":""}"#)
                .unwrap_err()
                .field,
            "expression"
        );
        assert_eq!(
            p(r#"{"metricQueryType":7}"#).unwrap_err().field,
            "metricQueryType"
        );
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (r#"{"metricName":"X"}"#, "namespace"),
            (r#"{"namespace":"N"}"#, "metricName"),
            (
                r#"{"namespace":"N","metricName":"X","statistic":"Mean"}"#,
                "statistic",
            ),
            (
                r#"{"namespace":"N","metricName":"X","period":"7"}"#,
                "period",
            ),
            (
                r#"{"namespace":"N","metricName":"X","period":-60}"#,
                "period",
            ),
            (
                r#"{"namespace":"N","metricName":"X","period":"$agg"}"#,
                "period",
            ),
            (
                r#"{"namespace":"N","metricName":"X","period":"soon"}"#,
                "period",
            ),
            (
                r#"{"namespace":"N","metricName":"X","region":"$region"}"#,
                "region",
            ),
            (
                r#"{"namespace":"N","metricName":"X","region":"moon-1"}"#,
                "region",
            ),
            (r#"{"namespace":"N","metricName":"X","id":"Bad-id"}"#, "id"),
            (
                r#"{"namespace":"N","metricName":"X","dimensions":[1]}"#,
                "dimensions",
            ),
            (
                r#"{"namespace":"N","metricName":"X","dimensions":{"a":{"b":1}}}"#,
                "dimensions",
            ),
            (
                r#"{"namespace":"N","metricName":"X","matchExact":"yes"}"#,
                "matchExact",
            ),
            (
                r#"{"namespace":"N","metricName":"X","queryMode":"Traces"}"#,
                "queryMode",
            ),
            (r#"{"namespace":7,"metricName":"X"}"#, "namespace"),
            (r#"[]"#, "(query JSON)"),
            (r#"{bad"#, "(query JSON)"),
            (
                r#"{"namespace":"N","metricName":"M","period":1e15}"#,
                "period",
            ),
            (
                r#"{"namespace":"N","metricName":"M","period":"99999999999999999999999h"}"#,
                "period",
            ),
        ];
        for (json, field) in cases {
            let err = p(json).unwrap_err();
            assert_eq!(err.field, field, "{json}: {err}");
            assert!(err
                .to_string()
                .starts_with(&format!("Query field `{field}`")));
        }
    }

    /// Shapes real dashboards store (modelled on a public collection of 516 CloudWatch
    /// targets): legacy and migrated targets, leftovers from editors, odd keys.
    #[test]
    fn dashboard_shapes() {
        let ok = [
            // Migrated builder target with editor leftovers.
            r#"{"alias":"{{metric}} {{stat}}","application":{"filter":""},"datasource":{"type":"cloudwatch","uid":"$datasource"},
               "dimensions":{"ApiName":"orders","Stage":"prod"},"expression":"","functions":[],"group":{"filter":""},"highResolution":false,
               "host":{"filter":""},"id":"","item":{"filter":""},"label":"${PROP('MetricName')} ${PROP('Stat')}","matchExact":true,
               "metricEditorMode":0,"metricName":"Count","metricQueryType":0,"mode":0,"namespace":"AWS/ApiGateway","options":{"showDisabledItems":false},
               "period":"","refId":"A","region":"default","statistic":"Sum"}"#,
            // Legacy graph-panel target: statistics array, returnData, no query type.
            r#"{"dimensions":{"DBInstanceIdentifier":"db-1"},"expression":"","highResolution":false,"id":"","metricName":"CPUUtilization",
               "namespace":"AWS/RDS","period":"86400","refId":"B","region":"us-east-1","returnData":false,"statistics":["Average"]}"#,
            // A key and value with a leading space survive as stored.
            r#"{"dimensions":{" IdentityProvider":" google"},"metricName":"SignUpSuccesses","namespace":"AWS/Cognito","statistic":"Sum","refId":"C"}"#,
            // Wildcard with matchExact true.
            r#"{"dimensions":{"ServiceName":"*","Currency":"USD"},"metricName":"EstimatedCharges","namespace":"AWS/Billing","statistic":"Maximum","matchExact":true,"refId":"D"}"#,
            // Expression-only target with empty namespace and metric.
            r#"{"expression":"m1/SERVICE_QUOTA(m1)*100","metricEditorMode":1,"metricQueryType":0,"metricName":"","namespace":"","region":"default","id":"e1","refId":"E","dimensions":{}}"#,
            // Hidden intermediate for math.
            r#"{"expression":"RATE(m1) * PERIOD(m1)","hide":true,"metricEditorMode":1,"id":"rate1","refId":"F","queryMode":"Metrics"}"#,
            // No dimensions, sql left over and empty.
            r#"{"dimensions":{},"metricName":"IncomingBytes","namespace":"AWS/Logs","statistic":"Sum","sqlExpression":"","sql":{"from":{}},"refId":"G"}"#,
        ];
        for json in ok {
            let q = parse_json("R", json).unwrap_or_else(|e| panic!("{json}: {e}"));
            if let Mode::Builder { dimensions, .. } = &q.mode {
                if let Some(v) = dimensions.get(" IdentityProvider") {
                    assert_eq!(v, &vec![" google".to_string()]);
                }
            }
        }
        // Dashboard variables Grafana failed to replace are named as such.
        let err = parse_json(
            "H",
            r#"{"namespace":"AWS/Usage","metricName":"$metric","statistic":"Sum"}"#,
        )
        .unwrap_err();
        assert_eq!(err.field, "metricName");
        assert!(err.message.contains("dashboard variable"));
    }

    #[test]
    fn limits() {
        let long = "x".repeat(1025);
        let err = p(&format!(
            r#"{{"namespace":"N","metricName":"M","label":"{long}"}}"#
        ))
        .unwrap_err();
        assert_eq!(err.field, "label");
        assert!(err.message.contains("1025 characters") && err.message.contains("at most 1024"));
        let err = p(&format!(
            r#"{{"namespace":"{}","metricName":"M"}}"#,
            "n".repeat(256)
        ))
        .unwrap_err();
        assert_eq!(err.field, "namespace");
        let err = p(&format!(
            r#"{{"namespace":"N","metricName":"M","dimensions":{{"k":"{long}"}}}}"#
        ))
        .unwrap_err();
        assert_eq!(err.field, "dimensions");
        // Multi-byte characters count as characters, not bytes.
        assert!(p(&format!(
            r#"{{"namespace":"N","metricName":"M","label":"{}"}}"#,
            "ü".repeat(1000)
        ))
        .is_ok());
    }

    #[test]
    fn a_legacy_statistics_list_asks_for_each_in_a_panel_and_the_first_in_an_alert() {
        let stats = |json: &str| match p(json).unwrap().mode {
            Mode::Builder { statistics, .. } => statistics
                .iter()
                .map(|s| s.as_str().to_string())
                .collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        // A panel's query (Grafana's query runner sets `type`) asks for each, as Grafana's
        // dashboard migration splits it; an alert rule's for the first, as Grafana's backend.
        assert_eq!(
            stats(
                r#"{"type":"timeSeriesQuery","namespace":"N","metricName":"M","statistics":["Average","Maximum","Average"]}"#
            ),
            vec!["Average", "Maximum"]
        );
        assert_eq!(
            stats(r#"{"namespace":"N","metricName":"M","statistics":["Maximum","Average"]}"#),
            vec!["Maximum"]
        );
        // `statistic` wins; none at all is Average.
        assert_eq!(
            stats(
                r#"{"namespace":"N","metricName":"M","statistic":"Sum","statistics":["Maximum"]}"#
            ),
            vec!["Sum"]
        );
        assert_eq!(
            stats(r#"{"namespace":"N","metricName":"M","statistics":[]}"#),
            vec!["Average"]
        );
        let err =
            p(r#"{"namespace":"N","metricName":"M","statistics":["Average","Mean"]}"#).unwrap_err();
        assert_eq!(err.field, "statistics");
    }

    #[test]
    fn statistics() {
        for ok in [
            "Average",
            "SampleCount",
            "IQM",
            "p99",
            "p99.9",
            "p0.1",
            "tm90",
            "tc10",
            "ts95",
            "wm99",
            "PR(10:20)",
            "TM(10%:90%)",
            "TC(:0.5)",
            "TS(80%:)",
        ] {
            assert!(Statistic::parse(ok).is_some(), "{ok}");
        }
        for bad in [
            "average", "p", "p99.", "px", "PR(:)", "PR(1:2", "TM(a:b)", "Mean", "p9%",
        ] {
            assert!(Statistic::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn periods() {
        let cases = [
            ("\"\"", Period::Auto),
            ("\"auto\"", Period::Auto),
            ("60", Period::Seconds(60)),
            ("\"300\"", Period::Seconds(300)),
            ("\"1h\"", Period::Seconds(3600)),
            ("1", Period::Seconds(1)),
            ("\"30\"", Period::Seconds(30)),
        ];
        for (raw, want) in cases {
            let q = p(&format!(
                r#"{{"namespace":"N","metricName":"X","period":{raw}}}"#
            ))
            .unwrap();
            assert_eq!(q.period, want, "{raw}");
        }
    }

    #[test]
    fn alias_conversion() {
        assert_eq!(
            alias_to_label("{{metric}} {{stat}}"),
            "${PROP('MetricName')} ${PROP('Stat')}"
        );
        assert_eq!(
            alias_to_label("{{ metric }} {{ Region }}"),
            "${PROP('MetricName')} ${PROP('Dim.Region')}"
        );
        assert_eq!(alias_to_label("Total"), "Total");
        assert_eq!(alias_to_label("a {{b"), "a {{b");
        assert_eq!(alias_to_label("{{label}} x"), "${LABEL} x");
    }
}
