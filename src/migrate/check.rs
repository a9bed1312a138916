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
        Regex::new(r"\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)(?::[^\]]*)?\]\]")
            .expect("a valid pattern")
    })
}

/// `value` with the dashboard's variables replaced by their current values, as Grafana would
/// before sending the query; variables without a value stay as written.
pub fn interpolate(value: &Value, variables: &BTreeMap<String, String>) -> Value {
    match value {
        Value::String(s) => Value::String(
            variable_pattern()
                .replace_all(s, |c: &regex::Captures| {
                    let name = c.get(1).or(c.get(2)).or(c.get(3)).map(|m| m.as_str());
                    name.and_then(|n| variables.get(n))
                        .cloned()
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
            json!({"refId": "A", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "period": "5x"}),
        );
        assert!(matches!(check(&bad, &vars), Verdict::Refused(m) if m.contains("period")));
        let unknown = found(
            Found::Query,
            json!({"refId": "A", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "region": "$where"}),
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
