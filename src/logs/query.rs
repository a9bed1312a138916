//! Logs Insights queries (pure): Grafana's CloudWatch Logs model parsed into a typed
//! [`LogsQuery`], and the time range StartQuery is given.

use serde_json::{Map, Value};

use crate::config::json::json_type;
use crate::metrics::query::{parse_region, RegionSpec};
use crate::query::field::opt_str;
use crate::query::QueryError;

/// The most log groups one StartQuery accepts (`logGroupNames` and `logGroupIdentifiers`).
pub const MAX_LOG_GROUPS: usize = 50;
/// The longest query string StartQuery accepts.
const MAX_EXPRESSION: usize = 10_000;

/// The query language, Grafana's `queryLanguage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// CloudWatch Logs Insights query language, the default.
    Cwli,
    /// OpenSearch SQL: the query names its log groups itself.
    Sql,
    /// OpenSearch Piped Processing Language.
    Ppl,
}

impl Language {
    /// The name StartQuery's `queryLanguage` takes.
    pub fn aws_name(self) -> &'static str {
        match self {
            Language::Cwli => "CWLI",
            Language::Sql => "SQL",
            Language::Ppl => "PPL",
        }
    }
}

/// Which log groups a query reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogGroups {
    /// ARNs (`logGroupIdentifiers`), which reach linked accounts' groups too.
    Arns(Vec<String>),
    /// Names in the query's region (`logGroupNames`, the older form).
    Names(Vec<String>),
    /// None given: an SQL query names its groups in its FROM clause.
    InQuery,
}

/// A parsed Logs Insights query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogsQuery {
    /// Where the log groups are.
    pub region: RegionSpec,
    /// The query as written.
    pub expression: String,
    /// Its language.
    pub language: Language,
    /// The log groups it reads.
    pub log_groups: LogGroups,
    /// Grafana's `statsGroups`: the `by` fields of a stats query, as the editor found them.
    pub stats_groups: Vec<String>,
}

/// The range StartQuery reads, in whole seconds: the start rounded down and the end up, so
/// every event of the panel's range is in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// Start, seconds since the epoch.
    pub start_s: i64,
    /// End, seconds since the epoch.
    pub end_s: i64,
}

/// The range of a query from `from_ms` to `to_ms`; an empty, reversed or pre-1970 range is
/// an error (AWS takes no negative times).
pub fn range(from_ms: i64, to_ms: i64) -> Result<Range, QueryError> {
    if to_ms <= from_ms {
        return Err(QueryError::new(
            "timeRange",
            "is empty or ends before it starts; choose a time range whose end is after its start",
        ));
    }
    if from_ms < 0 {
        return Err(QueryError::new(
            "timeRange",
            "starts before 1970, which CloudWatch Logs cannot query; choose a shorter range",
        ));
    }
    Ok(Range {
        start_s: from_ms.div_euclid(1000),
        end_s: (to_ms + 999).div_euclid(1000),
    })
}

fn string_list(obj: &Map<String, Value>, field: &'static str) -> Result<Vec<String>, QueryError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.trim().to_string()),
                other => Err(QueryError::new(
                    field,
                    format!("must list strings, found {}", json_type(other)),
                )),
            })
            .filter(|s| !matches!(s, Ok(s) if s.is_empty()))
            .collect(),
        Some(other) => Err(QueryError::new(
            field,
            format!("must be a list, got {}", json_type(other)),
        )),
    }
}

/// `logGroups` (`[{arn, name}]`), else the older `logGroupNames`.
fn parse_log_groups(obj: &Map<String, Value>) -> Result<LogGroups, QueryError> {
    let groups = match obj.get("logGroups") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(other) => {
            return Err(QueryError::new(
                "logGroups",
                format!(
                    "must be a list of {{\"arn\", \"name\"}} objects, got {}",
                    json_type(other)
                ),
            ))
        }
    };
    if groups.is_empty() {
        return Ok(LogGroups::Names(string_list(obj, "logGroupNames")?));
    }
    let mut arns = Vec::new();
    let mut names = Vec::new();
    for g in &groups {
        let Value::Object(g) = g else {
            return Err(QueryError::new(
                "logGroups",
                format!(
                    "must list {{\"arn\", \"name\"}} objects, found {}",
                    json_type(g)
                ),
            ));
        };
        match (opt_str(g, "arn")?, opt_str(g, "name")?) {
            // Grafana stores ARNs as DescribeLogGroups gives them, ending in `:*`;
            // logGroupIdentifiers takes them without the `*`.
            (Some(arn), _) => arns.push(arn.trim_end_matches('*').to_string()),
            (None, Some(name)) => names.push(name),
            (None, None) => {
                return Err(QueryError::new(
                    "logGroups",
                    "has an entry with neither `arn` nor `name`; choose the log groups again",
                ))
            }
        }
    }
    // An ARN names its group's account too, so one list of identifiers reads them all.
    Ok(if arns.is_empty() {
        LogGroups::Names(names)
    } else {
        LogGroups::Arns(arns.into_iter().chain(names).collect())
    })
}

/// Parses a `queryMode: "Logs"` query. Keys of other modes are ignored.
pub fn parse(obj: &Map<String, Value>) -> Result<LogsQuery, QueryError> {
    let region = parse_region(obj)?;
    let language = match opt_str(obj, "queryLanguage")?.as_deref() {
        None | Some("CWLI") => Language::Cwli,
        Some("SQL") => Language::Sql,
        Some("PPL") => Language::Ppl,
        Some(other) => {
            return Err(QueryError::new(
                "queryLanguage",
                format!(
                    "{other:?} is not a Logs query language; use CWLI (Logs Insights), SQL or PPL"
                ),
            ))
        }
    };
    let expression = opt_str(obj, "expression")?.ok_or_else(|| {
        QueryError::new(
            "expression",
            "is empty; write a Logs Insights query such as `fields @timestamp, @message | sort @timestamp desc | limit 20`",
        )
    })?;
    if expression.len() > MAX_EXPRESSION {
        return Err(QueryError::new(
            "expression",
            format!(
                "is {} characters long; CloudWatch Logs accepts at most {MAX_EXPRESSION}",
                expression.len()
            ),
        ));
    }
    let log_groups = match (parse_log_groups(obj)?, language) {
        // SQL names its groups in the query; AWS refuses them beside it.
        (_, Language::Sql) => LogGroups::InQuery,
        (LogGroups::Names(n) | LogGroups::Arns(n), _) if n.is_empty() => {
            return Err(QueryError::new(
                "logGroups",
                "is empty; choose at least one log group",
            ))
        }
        (groups, _) => groups,
    };
    if let LogGroups::Arns(g) | LogGroups::Names(g) = &log_groups {
        if let Some(bad) = g.iter().find(|g| g.starts_with('$')) {
            return Err(QueryError::unexpanded_variable("logGroups", bad));
        }
        if g.len() > MAX_LOG_GROUPS {
            return Err(QueryError::new(
                "logGroups",
                format!(
                    "lists {} log groups; one Logs Insights query reads at most {MAX_LOG_GROUPS}: split the query, or use fewer groups",
                    g.len()
                ),
            ));
        }
    }
    Ok(LogsQuery {
        region,
        expression,
        language,
        log_groups,
        stats_groups: string_list(obj, "statsGroups")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn grafanas_stored_forms() {
        let q = parse(&obj(json!({
            "queryMode": "Logs", "refId": "A", "region": "eu-west-1",
            "expression": "fields @message",
            "logGroups": [
                {"arn": "arn:aws:logs:eu-west-1:111122223333:log-group:/app/web:*", "name": "/app/web"},
                {"arn": "arn:aws:logs:eu-west-1:444455556666:log-group:/app/jobs", "name": "/app/jobs", "accountId": "444455556666"}
            ],
            "statsGroups": ["service"], "namespace": "left over"
        })))
        .unwrap();
        assert_eq!(
            q.log_groups,
            LogGroups::Arns(vec![
                "arn:aws:logs:eu-west-1:111122223333:log-group:/app/web:".into(),
                "arn:aws:logs:eu-west-1:444455556666:log-group:/app/jobs".into()
            ])
        );
        assert_eq!(q.language, Language::Cwli);
        assert_eq!(q.stats_groups, vec!["service"]);
        let legacy = parse(&obj(json!({
            "queryMode": "Logs", "expression": "fields @message",
            "logGroupNames": ["/app/web", " "], "region": "default"
        })))
        .unwrap();
        assert_eq!(legacy.log_groups, LogGroups::Names(vec!["/app/web".into()]));
        assert_eq!(legacy.region, RegionSpec::Default);
        let sql = parse(&obj(json!({
            "expression": "SELECT * FROM `logGroups(logGroupIdentifier: ['/app/web'])`",
            "queryLanguage": "SQL"
        })))
        .unwrap();
        assert_eq!(
            (sql.language.aws_name(), sql.log_groups),
            ("SQL", LogGroups::InQuery)
        );
        let ppl = parse(&obj(json!({"expression": "fields `@message`", "queryLanguage": "PPL", "logGroupNames": ["g"]}))).unwrap();
        assert_eq!(ppl.language, Language::Ppl);
    }

    #[test]
    fn each_bad_query_names_its_field() {
        let many: Vec<String> = (0..51).map(|i| format!("/g/{i}")).collect();
        for (model, field, says) in [
            (json!({"logGroupNames": ["g"]}), "expression", "is empty"),
            (
                json!({"expression": "  ", "logGroupNames": ["g"]}),
                "expression",
                "is empty",
            ),
            (
                json!({"expression": "fields @message"}),
                "logGroups",
                "at least one",
            ),
            (
                json!({"expression": "x", "logGroups": [{}]}),
                "logGroups",
                "neither",
            ),
            (
                json!({"expression": "x", "logGroups": "g"}),
                "logGroups",
                "must be a list",
            ),
            (
                json!({"expression": "x", "logGroupNames": [1]}),
                "logGroupNames",
                "strings",
            ),
            (
                json!({"expression": "x", "logGroupNames": many}),
                "logGroups",
                "at most 50",
            ),
            (
                json!({"expression": "x", "logGroupNames": ["$group"]}),
                "logGroups",
                "did not replace",
            ),
            (
                json!({"expression": "x", "logGroupNames": ["g"], "queryLanguage": "KQL"}),
                "queryLanguage",
                "CWLI",
            ),
            (
                json!({"expression": "x", "logGroupNames": ["g"], "region": "moon-1"}),
                "region",
                "not an AWS region",
            ),
            (
                json!({"expression": "x".repeat(10_001), "logGroupNames": ["g"]}),
                "expression",
                "at most",
            ),
        ] {
            let e = parse(&obj(model.clone())).unwrap_err();
            assert_eq!(e.field, field, "{model}: {e}");
            assert!(e.to_string().contains(says), "{model}: {e}");
        }
    }

    #[test]
    fn the_range_covers_every_event_of_the_panel() {
        assert_eq!(
            range(1_500, 2_001).unwrap(),
            Range {
                start_s: 1,
                end_s: 3
            }
        );
        assert_eq!(range(1_000, 2_000).unwrap().end_s, 2);
        for (from, to) in [(5, 5), (10, 5)] {
            assert!(range(from, to).unwrap_err().message.contains("empty"));
        }
        // Three centuries back: before the epoch.
        let centuries = -300 * 365 * 86_400 * 1000_i64;
        assert!(range(centuries, 1_000)
            .unwrap_err()
            .message
            .contains("1970"));
    }
}
