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

/// A link that opens the query's graph, over the same range, in the CloudWatch console.
pub fn console_link(batch: &Batch, q: &PlannedQuery) -> Option<String> {
    let region = batch.region.as_str();
    let host = console_host(region)?;
    let metric = match &q.spec {
        Spec::MetricStat {
            namespace,
            metric_name,
            dimensions,
            stat,
        } => {
            let mut m = vec![json!(namespace), json!(metric_name)];
            for (k, v) in dimensions {
                m.push(json!(k));
                m.push(json!(v));
            }
            m.push(json!({"stat": stat, "period": q.period}));
            Value::Array(m)
        }
        Spec::Expression(expr) => json!([{ "expression": expr, "id": q.id, "period": q.period }]),
    };
    let graph = json!({
        "view": "timeSeries",
        "stacked": false,
        "region": region,
        "start": rfc3339_ms(batch.start_ms),
        "end": rfc3339_ms(batch.end_ms),
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
