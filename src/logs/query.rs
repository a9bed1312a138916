//! Logs Insights queries (pure): Grafana's CloudWatch Logs model parsed into a typed
//! [`LogsQuery`], and the time range StartQuery is given.

use serde_json::{Map, Value};

use crate::config::json::json_type;
use crate::metrics::query::{parse_region, RegionSpec};
use crate::query::field::{opt_int, opt_str};
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

/// One entry of Grafana's `logGroups`: a log group chosen in the editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogGroup {
    /// Its ARN as DescribeLogGroups gives it (often ending in `:*`), when stored.
    pub arn: Option<String>,
    /// Its name, when stored.
    pub name: Option<String>,
}

impl LogGroup {
    /// The name: as stored, else read from the ARN (`...:log-group:NAME[:*]`).
    fn name(&self) -> Option<String> {
        if let Some(n) = &self.name {
            return Some(n.clone());
        }
        let arn = self.arn.as_deref()?;
        let (_, rest) = arn.split_once(":log-group:")?;
        let name = rest.strip_suffix(":*").unwrap_or(rest);
        (!name.is_empty()).then(|| name.to_string())
    }
}

/// What StartQuery is told to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Targets {
    /// `logGroupIdentifiers`: ARNs, which reach linked accounts' groups too.
    Identifiers(Vec<String>),
    /// `logGroupNames`: names in the query's region and account.
    Names(Vec<String>),
    /// Nothing: an SQL query names its groups in its FROM clause.
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
    /// The log groups chosen in the editor (`logGroups`).
    pub log_groups: Vec<LogGroup>,
    /// The older list of names (`logGroupNames`).
    pub log_group_names: Vec<String>,
    /// Grafana's `statsGroups`: the `by` fields of a stats query, as the editor found them.
    pub stats_groups: Vec<String>,
    /// The most rows StartQuery returns (`limit`), when set.
    pub limit: Option<i32>,
}

/// The prefix Grafana puts before every Logs Insights (CWLI) query: each row then names its
/// log group and stream (hidden fields), so a row's context can be fetched later.
pub const CONTEXT_FIELDS: &str = "fields @timestamp,ltrim(@log) as __log__grafana_internal__,ltrim(@logStream) as __logstream__grafana_internal__|";

impl LogsQuery {
    /// The query string StartQuery gets: a CWLI query behind Grafana's context fields.
    pub fn query_string(&self) -> String {
        match self.language {
            Language::Cwli => format!("{CONTEXT_FIELDS}{}", self.expression),
            Language::Sql | Language::Ppl => self.expression.clone(),
        }
    }

    /// Whether which log groups StartQuery gets depends on the account being a monitoring
    /// account: only then are the chosen groups sent by ARN.
    pub fn depends_on_account(&self) -> bool {
        self.language != Language::Sql && !self.arns().is_empty()
    }

    /// The chosen groups' ARNs as StartQuery takes them: without the trailing `*`, and none
    /// that is empty then.
    fn arns(&self) -> Vec<String> {
        self.log_groups
            .iter()
            .filter_map(|g| g.arn.as_deref())
            .map(|arn| arn.strip_suffix('*').unwrap_or(arn).to_string())
            .filter(|arn| !arn.is_empty())
            .collect()
    }

    /// What StartQuery reads, as Grafana decides it: in a monitoring account the chosen
    /// groups' ARNs (without the trailing `*` StartQuery refuses; an ARN that is only `*` is
    /// skipped); elsewhere names, the stored `logGroupNames` first, so a dashboard exported
    /// from another account still reads the groups of the same names here. Where Grafana
    /// would send no group at all, Stratus sends the names it has, or names the problem.
    pub fn targets(&self, monitoring_account: bool) -> Result<Targets, QueryError> {
        if self.language == Language::Sql {
            return Ok(Targets::InQuery);
        }
        let arns = self.arns();
        let (targets, listed) = if monitoring_account && !arns.is_empty() {
            (Targets::Identifiers(arns.clone()), arns)
        } else if !self.log_group_names.is_empty() {
            let names = self.log_group_names.clone();
            (Targets::Names(names.clone()), names)
        } else {
            let mut names: Vec<String> = Vec::new();
            for name in self.log_groups.iter().filter_map(LogGroup::name) {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            (Targets::Names(names.clone()), names)
        };
        if listed.is_empty() {
            return Err(QueryError::new(
                "logGroups",
                if self.log_groups.is_empty() {
                    "is empty; choose at least one log group"
                } else {
                    "names no log group CloudWatch Logs can read (no name, and no ARN but `*`); choose the log groups again"
                },
            ));
        }
        if let Some(bad) = listed.iter().find(|g| g.starts_with('$')) {
            return Err(QueryError::unexpanded_variable("logGroups", bad));
        }
        if listed.len() > MAX_LOG_GROUPS {
            return Err(QueryError::new(
                "logGroups",
                format!(
                    "lists {} log groups; one Logs Insights query reads at most {MAX_LOG_GROUPS}: split the query, or use fewer groups",
                    listed.len()
                ),
            ));
        }
        Ok(targets)
    }
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

/// `logGroups`: `[{arn, name}]` as the editor stores them.
fn parse_log_groups(obj: &Map<String, Value>) -> Result<Vec<LogGroup>, QueryError> {
    let groups = match obj.get("logGroups") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
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
    groups
        .iter()
        .map(|g| {
            let Value::Object(g) = g else {
                return Err(QueryError::new(
                    "logGroups",
                    format!(
                        "must list {{\"arn\", \"name\"}} objects, found {}",
                        json_type(g)
                    ),
                ));
            };
            Ok(LogGroup {
                arn: opt_str(g, "arn")?,
                name: opt_str(g, "name")?,
            })
        })
        .collect()
}

/// The most rows one StartQuery returns.
const MAX_LIMIT: i64 = 10_000;

fn parse_limit(obj: &Map<String, Value>) -> Result<Option<i32>, QueryError> {
    match opt_int(obj, "limit")? {
        None => Ok(None),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(i32::try_from(n).ok()),
        Some(n) => Err(QueryError::new(
            "limit",
            format!("is {n}; CloudWatch Logs returns between 1 and {MAX_LIMIT} rows: choose a limit in that range, or remove it"),
        )),
    }
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
    // `queryString` is the name Grafana's log actions give the expression.
    let expression = match opt_str(obj, "expression")? {
        Some(e) => Some(e),
        None => opt_str(obj, "queryString")?,
    }
    .ok_or_else(|| {
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
    let q = LogsQuery {
        region,
        expression,
        language,
        log_groups: parse_log_groups(obj)?,
        log_group_names: string_list(obj, "logGroupNames")?,
        stats_groups: string_list(obj, "statsGroups")?,
        limit: parse_limit(obj)?,
    };
    // Checked as far as it can be without knowing the account: in one kind or the other,
    // StartQuery must get something to read.
    q.targets(true).or_else(|_| q.targets(false))?;
    Ok(q)
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
                {"arn": "arn:aws:logs:eu-west-1:444455556666:log-group:/app/jobs", "name": "/app/jobs", "accountId": "444455556666"},
                {"arn": "arn:aws:logs:eu-west-1:444455556666:log-group:/app/web:*", "name": "/app/web"}
            ],
            "statsGroups": ["service"], "namespace": "left over", "limit": 25
        })))
        .unwrap();
        assert_eq!(
            q.targets(true).unwrap(),
            Targets::Identifiers(vec![
                "arn:aws:logs:eu-west-1:111122223333:log-group:/app/web:".into(),
                "arn:aws:logs:eu-west-1:444455556666:log-group:/app/jobs".into(),
                "arn:aws:logs:eu-west-1:444455556666:log-group:/app/web:".into()
            ])
        );
        // Outside a monitoring account: the names, each once.
        assert_eq!(
            q.targets(false).unwrap(),
            Targets::Names(vec!["/app/web".into(), "/app/jobs".into()])
        );
        assert!(q.depends_on_account());
        assert_eq!(q.language, Language::Cwli);
        assert_eq!(q.stats_groups, vec!["service"]);
        assert_eq!(q.limit, Some(25));
        assert_eq!(q.query_string(), format!("{CONTEXT_FIELDS}fields @message"));
        let legacy = parse(&obj(json!({
            "queryMode": "Logs", "expression": "fields @message",
            "logGroupNames": ["/app/web", " "], "region": "default"
        })))
        .unwrap();
        assert_eq!(
            legacy.targets(true).unwrap(),
            Targets::Names(vec!["/app/web".into()])
        );
        assert!(!legacy.depends_on_account());
        assert_eq!(legacy.region, RegionSpec::Default);
        assert_eq!(legacy.limit, None);
        // The stored names win outside a monitoring account; an ARN without a name gives
        // its name; Grafana's log actions call the expression `queryString`.
        let both = parse(&obj(json!({
            "queryString": "fields @message",
            "logGroups": [{"arn": "arn:aws:logs:us-east-1:111122223333:log-group:/from/arn:*"}],
            "logGroupNames": ["/stored"]
        })))
        .unwrap();
        assert_eq!(both.expression, "fields @message");
        assert_eq!(
            both.targets(false).unwrap(),
            Targets::Names(vec!["/stored".into()])
        );
        let unnamed = LogsQuery {
            log_group_names: vec![],
            ..both.clone()
        };
        assert_eq!(
            unnamed.targets(false).unwrap(),
            Targets::Names(vec!["/from/arn".into()])
        );
        let sql = parse(&obj(json!({
            "expression": "SELECT * FROM `logGroups(logGroupIdentifier: ['/app/web'])`",
            "queryLanguage": "SQL", "logGroupNames": ["ignored"]
        })))
        .unwrap();
        assert_eq!(
            (sql.language.aws_name(), sql.targets(true).unwrap()),
            ("SQL", Targets::InQuery)
        );
        assert_eq!(sql.query_string(), sql.expression, "no prefix but for CWLI");
        let ppl = parse(&obj(json!({"expression": "fields `@message`", "queryLanguage": "PPL", "logGroupNames": ["g"]}))).unwrap();
        assert_eq!(ppl.language, Language::Ppl);
        assert_eq!(ppl.query_string(), "fields `@message`");
    }

    #[test]
    fn an_arn_that_is_only_a_star_sends_nothing() {
        let q = parse(&obj(json!({
            "expression": "fields @message",
            "logGroups": [{"arn": "*"}, {"arn": "*fake**ARN*"}]
        })))
        .unwrap();
        assert_eq!(
            q.targets(true).unwrap(),
            Targets::Identifiers(vec!["*fake**ARN".into()])
        );
        let only_star = parse(&obj(
            json!({"expression": "x", "logGroups": [{"arn": "*"}]}),
        ));
        assert!(only_star.unwrap_err().message.contains("`*`"));
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
                "no log group",
            ),
            (
                json!({"expression": "x", "logGroupNames": ["g"], "limit": 0}),
                "limit",
                "between 1 and 10000",
            ),
            (
                json!({"expression": "x", "logGroupNames": ["g"], "limit": "many"}),
                "limit",
                "",
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
