//! "View in CloudWatch console" deep links for a query's frames (pure).

use serde_json::{json, Value};

use crate::clock::rfc3339_ms;

use super::plan::{Batch, PlannedQuery, Spec};

/// The console's host in a region's partition; `None` where there is no public console.
pub fn console_host(region: &str) -> Option<&'static str> {
    if region.starts_with("cn-") {
        Some("console.amazonaws.cn")
    } else if region.starts_with("us-gov-") {
        Some("console.amazonaws-us-gov.com")
    } else if region.starts_with("us-iso") {
        None
    } else {
        Some("console.aws.amazon.com")
    }
}

/// A link that opens the query's graph, over the same range, in the CloudWatch console, as
/// Grafana builds it: a SEARCH (built or written) as an expression with the user's label, a
/// MetricStat as a metric with its statistic, period, label and account; none for math and
/// Metrics Insights, which the console's graph link cannot open.
pub fn console_link(batch: &Batch, q: &PlannedQuery) -> Option<String> {
    let region = batch.region.as_str();
    let host = console_host(region)?;
    let metric = match &q.spec {
        Spec::MetricStat {
            namespace,
            metric_name,
            dimensions,
            stat,
            account_id,
        } => {
            let mut m = vec![json!(namespace), json!(metric_name)];
            for (k, v) in dimensions {
                m.push(json!(k));
                m.push(json!(v));
            }
            let mut meta = json!({"stat": stat, "period": q.period});
            if let Some(label) = &q.user_label {
                meta["label"] = json!(label);
            }
            if let Some(account) = account_id {
                meta["accountId"] = json!(account);
            }
            m.push(meta);
            Value::Array(m)
        }
        Spec::Search(expr) => expression(expr, q),
        Spec::Math(expr) if expr.contains("SEARCH(") => expression(expr, q),
        Spec::Math(_) | Spec::Sql(_) => return None,
    };
    let graph = json!({
        "view": "timeSeries",
        "stacked": false,
        "title": q.ref_id,
        "region": region,
        "start": rfc3339_ms(batch.start_ms),
        "end": rfc3339_ms(batch.to_ms),
        "metrics": [metric],
    });
    let encoded = percent_encoding::utf8_percent_encode(
        &graph.to_string(),
        percent_encoding::NON_ALPHANUMERIC,
    )
    .to_string();
    Some(format!(
        "https://{region}.{host}/cloudwatch/deeplink.js?region={region}#metricsV2:graph={encoded}"
    ))
}

/// An expression in a console graph, with the user's label.
fn expression(expr: &str, q: &PlannedQuery) -> Value {
    let mut e = json!({ "expression": expr });
    if let Some(label) = &q.user_label {
        e["label"] = json!(label);
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_hosts_follow_the_partition() {
        assert_eq!(console_host("cn-north-1"), Some("console.amazonaws.cn"));
        assert_eq!(
            console_host("us-gov-west-1"),
            Some("console.amazonaws-us-gov.com")
        );
        assert_eq!(console_host("eu-west-1"), Some("console.aws.amazon.com"));
        assert_eq!(console_host("us-isob-east-1"), None);
    }
}
