//! Every migrated query goes through the parsers Stratus answers queries with, so the report
//! says before the switch what Stratus would refuse, in the words its error would use.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;
use serde_json::{Map, Value};

use super::plan::{Found, FoundQuery};
use crate::query::{classify, QueryError, QueryType};
use crate::{annotations, logs, metrics, variables};

/// What Stratus makes of a migrated query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Grafana never sends it (an empty shell, a text panel's leftover), so it is not checked.
    NeverSent,
    /// It would run.
    Accepted,
    /// It would be refused, with Stratus's message.
    Refused(String),
    /// It uses a variable the file gives no value for, so only a dashboard can tell.
    NeedsValue(String),
}

fn variable_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\$\{([\w.]+)(?::[^}]*)?\}|\$(\w+)|\[\[([\w.]+)(?::[^\]]*)?\]\]")
            .expect("a valid pattern")
    })
}

/// What Grafana puts in place of its built-in variables before it sends a query, as an
/// example of each: they always have a value. `$__period_auto` is not among them: Grafana
/// sends it as written, and Stratus reads it.
fn builtin(name: &str) -> Option<&'static str> {
    let base = name.split('.').next().unwrap_or(name);
    Some(match base {
        "__interval" | "__rate_interval" => "1m",
        "__interval_ms" | "__rate_interval_ms" => "60000",
        "__range" => "6h",
        "__range_s" => "21600",
        "__range_ms" => "21600000",
        "__from" | "__to" => "1700000000000",
        "__dashboard" => "dashboard",
        "__user" => "user",
        "__org" => "1",
        "__name" => "name",
        "__timezone" => "utc",
        "__all" => "*",
        _ => return None,
    })
}

/// `value` with the dashboard's variables replaced by their current values and Grafana's
/// built-in ones by an example, as Grafana would before sending the query; other variables
/// without a value stay as written.
pub fn interpolate(value: &Value, variables: &BTreeMap<String, String>) -> Value {
    match value {
        Value::String(s) => Value::String(
            variable_pattern()
                .replace_all(s, |c: &regex::Captures| {
                    let name = c.get(1).or(c.get(2)).or(c.get(3)).map(|m| m.as_str());
                    name.and_then(|n| {
                        variables
                            .get(n)
                            .cloned()
                            .or_else(|| builtin(n).map(str::to_string))
                    })
                    .unwrap_or_else(|| c[0].to_string())
                })
                .into_owned(),
        ),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| interpolate(v, variables)).collect())
        }
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), interpolate(v, variables)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The query model a found query is checked as.
fn model_of(found: &FoundQuery) -> Map<String, Value> {
    match (&found.kind, &found.model) {
        // A legacy variable is its query string.
        (Found::Variable, Value::String(text)) => {
            Map::from_iter([("query".to_string(), Value::String(text.clone()))])
        }
        // An annotation keeps its query in `target`, or (before Grafana 8) at its top level
        // with a `statistics` list.
        (Found::Annotation, Value::Object(anno)) => {
            let mut target = match anno.get("target") {
                Some(Value::Object(t)) => t.clone(),
                _ => anno.clone(),
            };
            if !target.contains_key("statistic") {
                if let Some(first) = target
                    .get("statistics")
                    .and_then(Value::as_array)
                    .and_then(|s| s.first())
                    .cloned()
                {
                    target.insert("statistic".into(), first);
                }
            }
            target.insert("queryMode".into(), Value::from("Annotations"));
            target
        }
        (_, Value::Object(o)) => o.clone(),
        _ => Map::new(),
    }
}

fn text_of<'a>(obj: &'a Map<String, Value>, key: &str) -> &'a str {
    obj.get(key).and_then(Value::as_str).map_or("", str::trim)
}

fn number_of(obj: &Map<String, Value>, key: &str) -> Option<i64> {
    obj.get(key).and_then(Value::as_i64)
}

/// Whether Grafana's CloudWatch sends a panel's query at all (its `filterQuery` and
/// `filterMetricsQuery`, as Stratus's editor applies them): a hidden query nothing can
/// reference (no `id`), a builder query without namespace, metric or statistic, Metrics
/// Insights without SQL, code without an expression and logs without a query are never sent,
/// so they cannot fail.
pub fn grafana_sends(obj: &Map<String, Value>) -> bool {
    let mode = text_of(obj, "queryMode");
    let is_metrics = matches!(mode, "" | "Metrics") && !obj.contains_key("queryType");
    if !is_metrics && mode != "Logs" {
        return true;
    }
    let hidden = obj.get("hide").and_then(Value::as_bool) == Some(true);
    // Only a metrics query with an id can be referred to (by math).
    let referable = is_metrics && !text_of(obj, "id").is_empty();
    if hidden && !referable {
        return false;
    }
    if mode == "Logs" {
        return !text_of(obj, "expression").is_empty();
    }
    let insights = number_of(obj, "metricQueryType") == Some(1);
    let code = match number_of(obj, "metricEditorMode") {
        Some(m) => m == 1,
        None => insights || !text_of(obj, "expression").is_empty(),
    };
    let statistic = !text_of(obj, "statistic").is_empty()
        || obj
            .get("statistics")
            .and_then(Value::as_array)
            .is_some_and(|s| !s.is_empty());
    match (insights, code) {
        (true, _) => !text_of(obj, "sqlExpression").is_empty(),
        (false, true) => !text_of(obj, "expression").is_empty(),
        (false, false) => {
            !text_of(obj, "namespace").is_empty()
                && !text_of(obj, "metricName").is_empty()
                && statistic
        }
    }
}

fn run(kind: Found, obj: &Map<String, Value>) -> Result<(), QueryError> {
    match kind {
        Found::Variable => variables::query::parse(obj).map(drop),
        Found::Annotation => annotations::query::parse(obj).map(drop),
        Found::Query => {
            let bytes = serde_json::to_vec(obj).unwrap_or_default();
            let ref_id = obj.get("refId").and_then(Value::as_str).unwrap_or("A");
            match classify(&bytes)? {
                (QueryType::Metrics, o) => metrics::query::parse(ref_id, &o).map(drop),
                (QueryType::Logs, o) => logs::query::parse(&o).map(drop),
                (QueryType::Variable, o) => variables::query::parse(&o).map(drop),
                (QueryType::Annotations, o) => annotations::query::parse(&o).map(drop),
            }
        }
    }
}

/// Checks one migrated query with the file's variable values.
pub fn check(found: &FoundQuery, variables: &BTreeMap<String, String>) -> Verdict {
    let model = match interpolate(&Value::Object(model_of(found)), variables) {
        Value::Object(o) => o,
        _ => Map::new(),
    };
    if found.kind == Found::Query && !grafana_sends(&model) {
        return Verdict::NeverSent;
    }
    match run(found.kind, &model) {
        Ok(()) => Verdict::Accepted,
        Err(e) if e.message.contains("looks like a dashboard variable") => {
            Verdict::NeedsValue(e.to_string())
        }
        Err(e) => Verdict::Refused(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn found(kind: Found, model: Value) -> FoundQuery {
        FoundQuery {
            at: "x".into(),
            kind,
            model,
        }
    }

    #[test]
    fn queries_are_checked_by_stratus_parsers() {
        let vars = BTreeMap::from([("region".to_string(), "eu-west-1".to_string())]);
        let ok = found(
            Found::Query,
            json!({"refId": "A", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "region": "$region", "statistic": "Average"}),
        );
        assert_eq!(check(&ok, &vars), Verdict::Accepted);
        let bad = found(
            Found::Query,
            json!({"refId": "A", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "statistic": "Average", "period": "5x"}),
        );
        assert!(matches!(check(&bad, &vars), Verdict::Refused(m) if m.contains("period")));
        let unknown = found(
            Found::Query,
            json!({"refId": "A", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "statistic": "Average", "region": "$where"}),
        );
        assert!(matches!(check(&unknown, &vars), Verdict::NeedsValue(_)));
        assert_eq!(
            check(&found(Found::Variable, json!("regions()")), &vars),
            Verdict::Accepted
        );
        assert!(matches!(
            check(&found(Found::Variable, json!("bogus(1)")), &vars),
            Verdict::Refused(_)
        ));
        let anno = found(
            Found::Annotation,
            json!({"region": "default", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "statistics": ["Average"], "dimensions": {}}),
        );
        assert_eq!(check(&anno, &vars), Verdict::Accepted);
        let logs = found(
            Found::Query,
            json!({"refId": "L", "queryMode": "Logs", "region": "default", "expression": "fields @message", "logGroupNames": ["/app"]}),
        );
        assert_eq!(check(&logs, &vars), Verdict::Accepted);
    }

    #[test]
    fn queries_grafana_never_sends_are_not_checked() {
        let vars = BTreeMap::new();
        for model in [
            // A text panel's leftover, an empty shell.
            json!({"refId": "A", "datasource": {"uid": "$datasource"}}),
            json!({"refId": "A", "namespace": "AWS/EC2", "metricName": "", "statistic": "Average"}),
            json!({"refId": "A", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "statistic": ""}),
            json!({"refId": "A", "metricQueryType": 1, "metricEditorMode": 1, "sqlExpression": "", "expression": "SUM(METRICS())"}),
            json!({"refId": "A", "metricEditorMode": 1, "expression": ""}),
            json!({"refId": "A", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "statistic": "Average", "hide": true, "id": ""}),
            json!({"refId": "L", "queryMode": "Logs", "expression": "", "logGroupNames": ["/a"]}),
            json!({"refId": "L", "queryMode": "Logs", "expression": "fields @message", "hide": true}),
        ] {
            assert_eq!(
                check(&found(Found::Query, model.clone()), &vars),
                Verdict::NeverSent,
                "{model}"
            );
        }
        // A hidden query math refers to by id is sent; a legacy statistics list is a statistic.
        for model in [
            json!({"refId": "A", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "statistic": "Average", "hide": true, "id": "m1"}),
            json!({"refId": "A", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "statistics": ["Maximum"]}),
        ] {
            assert_eq!(
                check(&found(Found::Query, model.clone()), &vars),
                Verdict::Accepted,
                "{model}"
            );
        }
    }

    #[test]
    fn grafanas_built_in_variables_always_have_a_value() {
        let vars = BTreeMap::new();
        let q = |period: &str, label: &str| {
            found(
                Found::Query,
                json!({"refId": "A", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "statistic": "Average",
                       "region": "default", "period": period, "label": label}),
            )
        };
        for (period, label) in [
            ("$__interval", ""),
            ("${__rate_interval}", "${__user.login} on $__dashboard"),
            ("$__interval_ms", "$__org"),
            ("${__range_s}", "${__from:date:iso}"),
            ("$__period_auto", "[[__name]]"),
        ] {
            assert_eq!(
                check(&q(period, label), &vars),
                Verdict::Accepted,
                "{period} {label}"
            );
        }
        assert!(matches!(
            check(&q("$mine", ""), &vars),
            Verdict::NeedsValue(_)
        ));
    }

    #[test]
    fn variables_take_their_current_values() {
        let vars = BTreeMap::from([("a".to_string(), "1".to_string())]);
        assert_eq!(
            interpolate(
                &json!({"x": ["$a-${a}-${a:raw}-[[a]]-$b-$__period_auto"]}),
                &vars
            ),
            json!({"x": ["1-1-1-1-$b-$__period_auto"]})
        );
    }
}
