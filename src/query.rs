//! What every query type shares: the query as Grafana sends it, which feature answers it, the
//! error of a query that cannot run, and the answer: frames, or a failure with its HTTP status
//! and whose fault it is. Pure.

use http::StatusCode;
use serde_json::{Map, Value};
use thiserror::Error;

use crate::config::json::{self, json_type, WrongType};

/// One query of a QueryData request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Grafana's refId: the answer is keyed by it.
    pub ref_id: String,
    /// The panel's time range start, ms since the epoch.
    pub from_ms: i64,
    /// The panel's time range end, ms since the epoch.
    pub to_ms: i64,
    /// The query model as the editor stored it.
    pub json: Vec<u8>,
}

/// The features that answer queries; chosen from the query model's `queryMode`, and
/// `queryType` for template variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryType {
    /// CloudWatch metrics: builder, code (math, SEARCH) and Metrics Insights.
    Metrics,
    /// A template variable's options.
    Variable,
    /// Alarm history as annotations.
    Annotations,
    /// CloudWatch Logs Insights.
    Logs,
}

/// Grafana's variable `queryType` names.
pub const VARIABLE_QUERY_TYPES: [&str; 11] = [
    "regions",
    "namespaces",
    "metrics",
    "dimensionKeys",
    "dimensionValues",
    "ebsVolumeIDs",
    "ec2InstanceAttributes",
    "resourceARNs",
    "statistics",
    "logGroups",
    "accounts",
];

/// The `queryType`s of panels' and alert rules' queries, never a variable's.
const PANEL_QUERY_TYPES: [&str; 3] = ["timeSeriesQuery", "annotationQuery", "logAction"];

/// Keys only a metrics query model has: a model with a `queryType` Stratus does not know is
/// a variable query (answered with an error naming the type) unless it has one of these.
const METRICS_ONLY_KEYS: [&str; 8] = [
    "metricQueryType",
    "metricEditorMode",
    "statistic",
    "statistics",
    "expression",
    "sqlExpression",
    "dimensions",
    "period",
];

/// Whether a query model is a variable query: a VariableQuery object (`queryType` one of
/// Grafana's names, or another one on a model without metrics fields) or a legacy variable
/// string carried in `query`.
fn is_variable_query(obj: &Map<String, Value>) -> bool {
    match obj.get("queryType") {
        Some(Value::String(t)) if VARIABLE_QUERY_TYPES.contains(&t.as_str()) => true,
        Some(Value::String(t)) if PANEL_QUERY_TYPES.contains(&t.as_str()) => false,
        Some(Value::String(t)) if !t.is_empty() => {
            !METRICS_ONLY_KEYS.iter().any(|k| obj.contains_key(*k))
        }
        _ => matches!(obj.get("query"), Some(Value::String(_))) && !obj.contains_key("namespace"),
    }
}

/// A query that cannot run, naming the field and the fix.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("Query field `{field}`: {message}")]
pub struct QueryError {
    /// The JSON field at fault.
    pub field: &'static str,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl QueryError {
    /// An error on `field`.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        QueryError {
            field,
            message: message.into(),
        }
    }

    /// A field whose value is of the wrong JSON type.
    pub fn wrong_type(field: &'static str, problem: WrongType) -> Self {
        QueryError::new(field, problem.to_string())
    }

    /// A value that is still a `$variable`: the dashboard variable does not exist or has no
    /// value, so Grafana left it as written.
    pub fn unexpanded_variable(field: &'static str, value: &str) -> Self {
        QueryError::new(
            field,
            format!("{value:?} looks like a dashboard variable that Grafana did not replace; check that the variable exists and has a value."),
        )
    }
}

/// Field readers that name the field in their error.
pub mod field {
    use super::*;

    /// A string field, as stored; blank means absent.
    pub fn opt_str(
        obj: &Map<String, Value>,
        field: &'static str,
    ) -> Result<Option<String>, QueryError> {
        json::opt_str(obj, field)
            .map(|v| v.map(str::to_string))
            .map_err(|e| QueryError::wrong_type(field, e))
    }

    /// A whole-number field (numbers stored as strings count).
    pub fn opt_int(
        obj: &Map<String, Value>,
        field: &'static str,
    ) -> Result<Option<i64>, QueryError> {
        json::opt_int(obj, field).map_err(|e| QueryError::wrong_type(field, e))
    }

    /// A boolean field.
    pub fn opt_bool(
        obj: &Map<String, Value>,
        field: &'static str,
    ) -> Result<Option<bool>, QueryError> {
        json::opt_bool(obj, field).map_err(|e| QueryError::wrong_type(field, e))
    }
}

/// The pseudo-field named when the query model itself is unusable.
pub const WHOLE_QUERY: &str = "(query JSON)";

/// Parses a query model and decides which feature answers it. Keys other features or editors
/// left behind are ignored.
pub fn classify(json: &[u8]) -> Result<(QueryType, Map<String, Value>), QueryError> {
    let value: Value = serde_json::from_slice(json)
        .map_err(|e| QueryError::new(WHOLE_QUERY, format!("is not valid JSON: {e}")))?;
    let Value::Object(obj) = value else {
        return Err(QueryError::new(
            WHOLE_QUERY,
            format!("must be an object, got {}", json_type(&value)),
        ));
    };
    // Grafana's log actions and annotation queries are what their type says, whatever their
    // mode.
    match obj.get("type").and_then(Value::as_str) {
        Some("logAction") => return Ok((QueryType::Logs, obj)),
        Some("annotationQuery") => return Ok((QueryType::Annotations, obj)),
        _ => {}
    }
    match field::opt_str(&obj, "queryMode")?.as_deref() {
        None | Some("Metrics") if is_variable_query(&obj) => Ok((QueryType::Variable, obj)),
        None | Some("Metrics") => Ok((QueryType::Metrics, obj)),
        Some("Annotations") => Ok((QueryType::Annotations, obj)),
        Some("Logs") => Ok((QueryType::Logs, obj)),
        Some(mode) => Err(QueryError::new(
            "queryMode",
            format!("{mode:?} is not a query mode; use Metrics, Logs or Annotations"),
        )),
    }
}

/// Whose fault a failed query is, for Grafana's error accounting (`errorSource`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorSource {
    /// A fault of Stratus itself.
    Plugin,
    /// AWS failed or refused, or the query, settings or server configuration are wrong.
    Downstream,
}

impl ErrorSource {
    /// The value Grafana's protocol uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorSource::Plugin => "plugin",
            ErrorSource::Downstream => "downstream",
        }
    }
}

/// Why a query has no frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What the user reads next to the panel.
    pub message: String,
    /// The HTTP status Grafana reports for the query.
    pub status: StatusCode,
    /// Whose fault it is.
    pub source: ErrorSource,
}

impl Failure {
    /// A failure caused outside Stratus.
    pub fn downstream(status: StatusCode, message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            status,
            source: ErrorSource::Downstream,
        }
    }

    /// A fault of Stratus itself.
    pub fn plugin(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            status: StatusCode::INTERNAL_SERVER_ERROR,
            source: ErrorSource::Plugin,
        }
    }
}

impl From<QueryError> for Failure {
    fn from(e: QueryError) -> Self {
        Failure::downstream(StatusCode::BAD_REQUEST, e.to_string())
    }
}

/// A query's answer: Arrow-encoded data frames, or why there are none.
pub type Answer = Result<Vec<Vec<u8>>, Failure>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert_eq!(
            classify(br#"{"namespace":"N"}"#).unwrap().0,
            QueryType::Metrics
        );
        for variable in [
            &br#"{"queryType":"regions"}"#[..],
            br#"{"query":"dimension_values(us-east-1,AWS/EC2,CPUUtilization,InstanceId)","refId":"A"}"#,
        ] {
            assert_eq!(classify(variable).unwrap().0, QueryType::Variable);
        }
        assert_eq!(
            classify(br#"{"queryType":"timeSeriesQuery","namespace":"N"}"#)
                .unwrap()
                .0,
            QueryType::Metrics
        );
        assert_eq!(
            classify(br#"{"queryMode":"Annotations","namespace":"N"}"#)
                .unwrap()
                .0,
            QueryType::Annotations
        );
        assert_eq!(
            classify(br#"{"queryMode":"Logs","expression":"fields @message"}"#)
                .unwrap()
                .0,
            QueryType::Logs
        );
        // Mirrors log_actions_test.go TestQuery_StartQuery and annotation_query_test.go:
        // a log action or an annotation query without a mode.
        assert_eq!(
            classify(br#"{"type":"logAction","subtype":"StartQuery","queryString":"x"}"#)
                .unwrap()
                .0,
            QueryType::Logs
        );
        assert_eq!(
            classify(br#"{"type":"annotationQuery","namespace":"custom"}"#)
                .unwrap()
                .0,
            QueryType::Annotations
        );
        assert_eq!(
            classify(br#"{"queryMode":"Metrics","refId":"A"}"#)
                .unwrap()
                .1["refId"],
            "A"
        );
        for (json, field) in [
            (&b"{bad"[..], WHOLE_QUERY),
            (b"[]", WHOLE_QUERY),
            (br#"{"queryMode":"Traces"}"#, "queryMode"),
            (br#"{"queryMode":7}"#, "queryMode"),
        ] {
            let err = classify(json).unwrap_err();
            assert_eq!(err.field, field, "{err}");
        }
    }

    #[test]
    fn failures_carry_status_and_source() {
        let f = Failure::from(QueryError::new("period", "is odd"));
        assert_eq!(f.status, StatusCode::BAD_REQUEST);
        assert_eq!(f.source.as_str(), "downstream");
        assert_eq!(f.message, "Query field `period`: is odd");
        let p = Failure::plugin("oops");
        assert_eq!(
            (p.status, p.source.as_str()),
            (StatusCode::INTERNAL_SERVER_ERROR, "plugin")
        );
    }
}
