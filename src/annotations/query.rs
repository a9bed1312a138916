//! Alarm annotation queries (pure): Grafana's CloudWatch annotation model, parsed into a typed
//! [`AnnotationQuery`].

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::metrics::query::{
    parse_dimensions, parse_period, parse_region, statistics, Period, RegionSpec, Statistic,
};
use crate::query::field::{opt_bool, opt_str};
use crate::query::QueryError;

/// Which alarms an annotation shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Alarms {
    /// The alarms on one metric (DescribeAlarmsForMetric).
    ForMetric {
        /// The namespace.
        namespace: String,
        /// The metric.
        metric_name: String,
    },
    /// Alarms by name and action prefix (DescribeAlarms), narrowed by whatever metric fields
    /// are set.
    ByPrefix {
        /// Alarms whose actions start so.
        action_prefix: Option<String>,
        /// Alarms whose names start so.
        alarm_name_prefix: Option<String>,
        /// Only alarms in this namespace, when set.
        namespace: Option<String>,
        /// Only alarms on this metric, when set.
        metric_name: Option<String>,
    },
}

/// A parsed alarm annotation query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnotationQuery {
    /// Where the alarms are.
    pub region: RegionSpec,
    /// Which alarms.
    pub alarms: Alarms,
    /// The alarms' dimensions (for prefix matching: the keys an alarm must have, exactly).
    pub dimensions: BTreeMap<String, Vec<String>>,
    /// The alarms' statistics.
    pub statistics: Vec<Statistic>,
    /// The alarms' period in seconds; `None` matches any (prefix matching only).
    pub period: Option<i32>,
}

/// Grafana's default period of the alarms on a metric.
const DEFAULT_PERIOD: i32 = 300;

fn required(
    obj: &Map<String, Value>,
    field: &'static str,
    what: &str,
) -> Result<String, QueryError> {
    let v = opt_str(obj, field)?.ok_or_else(|| {
        QueryError::new(
            field,
            format!("is empty; an alarm annotation without prefix matching needs {what}"),
        )
    })?;
    if v.starts_with('$') {
        return Err(QueryError::unexpanded_variable(field, &v));
    }
    Ok(v)
}

/// Parses an annotation query model (`queryMode: "Annotations"`).
pub fn parse(obj: &Map<String, Value>) -> Result<AnnotationQuery, QueryError> {
    let prefix_matching = opt_bool(obj, "prefixMatching")?.unwrap_or(false);
    let alarms = if prefix_matching {
        Alarms::ByPrefix {
            action_prefix: opt_str(obj, "actionPrefix")?,
            alarm_name_prefix: opt_str(obj, "alarmNamePrefix")?,
            namespace: opt_str(obj, "namespace")?,
            metric_name: opt_str(obj, "metricName")?,
        }
    } else {
        Alarms::ForMetric {
            namespace: required(obj, "namespace", "a namespace such as AWS/EC2")?,
            metric_name: required(obj, "metricName", "a metric such as CPUUtilization")?,
        }
    };
    let period = match parse_period(obj)? {
        Period::Seconds(s) => Some(s),
        Period::Auto if prefix_matching => None,
        Period::Auto => Some(DEFAULT_PERIOD),
    };
    Ok(AnnotationQuery {
        region: parse_region(obj)?,
        alarms,
        dimensions: parse_dimensions(obj)?,
        statistics: statistics(obj)?,
        period,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(v: Value) -> Result<AnnotationQuery, QueryError> {
        parse(v.as_object().unwrap())
    }

    #[test]
    fn alarms_on_a_metric_and_by_prefix() {
        let q = p(json!({"queryMode": "Annotations", "region": "default", "namespace": "AWS/EC2",
            "metricName": "CPUUtilization", "dimensions": {"InstanceId": "i-1"}, "statistic": "Maximum",
            "period": "", "prefixMatching": false}))
        .unwrap();
        assert_eq!(
            q,
            AnnotationQuery {
                region: RegionSpec::Default,
                alarms: Alarms::ForMetric {
                    namespace: "AWS/EC2".into(),
                    metric_name: "CPUUtilization".into()
                },
                dimensions: BTreeMap::from([("InstanceId".into(), vec!["i-1".into()])]),
                statistics: vec![Statistic::parse("Maximum").unwrap()],
                period: Some(300),
            }
        );
        let q = p(json!({"prefixMatching": true, "actionPrefix": "arn:aws:sns", "alarmNamePrefix": "prod-", "statistic": "Average"})).unwrap();
        assert_eq!(
            q.alarms,
            Alarms::ByPrefix {
                action_prefix: Some("arn:aws:sns".into()),
                alarm_name_prefix: Some("prod-".into()),
                namespace: None,
                metric_name: None
            }
        );
        assert_eq!(q.period, None);
        assert_eq!(
            p(json!({"prefixMatching": true, "period": "60"}))
                .unwrap()
                .period,
            Some(60)
        );
    }

    #[test]
    fn errors_name_the_field() {
        for (json, field) in [
            (json!({"metricName": "M"}), "namespace"),
            (json!({"namespace": "N"}), "metricName"),
            (
                json!({"namespace": "N", "metricName": "M", "period": "7"}),
                "period",
            ),
            (
                json!({"namespace": "N", "metricName": "M", "statistic": "Mean"}),
                "statistic",
            ),
            (
                json!({"namespace": "N", "metricName": "M", "region": "moon-1"}),
                "region",
            ),
            (
                json!({"namespace": "N", "metricName": "M", "prefixMatching": "yes"}),
                "prefixMatching",
            ),
        ] {
            assert_eq!(p(json.clone()).unwrap_err().field, field, "{json}");
        }
    }
}
