//! Mirrors grafana/grafana-cloudwatch-datasource `pkg/cloudwatch/annotation_query_test.go`
//! (TestQuery_AnnotationQuery): what alarm annotations ask CloudWatch, through the real plugin
//! over gRPC, a recording proxy and moto in auth mode.

use serde_json::{json, Value};

use crate::common::{data_query, ds, json_data, keys, now_ms, secure, Moto, Plugin, Proxy};

/// One annotation query of the model; the form fields of each call of `operation`.
async fn calls(model: Value, operation: &str) -> Vec<std::collections::HashMap<String, String>> {
    let moto = Moto::start();
    let seeded = moto.seed(json!({ "users": [{ "name": "alice" }] }));
    let proxy = Proxy::start(&moto.endpoint);
    let plugin = Plugin::start(&[]);
    let ctx = ds(
        "parity-annotations",
        json_data("keys", &proxy.endpoint),
        &secure(&keys(&seeded["users"]["alice"])),
    );
    let now = now_ms();
    let resp = plugin
        .query(ctx, vec![data_query("A", model, now - 3_600_000, now)])
        .await;
    let a = &resp.responses["A"];
    assert!(a.error.is_empty(), "{}", a.error);
    assert_eq!(a.frames.len(), 1, "an empty annotations frame");
    proxy.requests(operation)
}

/// The parameters of the one call sent, sorted, without the action and version.
fn parameters(sent: &[std::collections::HashMap<String, String>]) -> Vec<(&str, &str)> {
    assert_eq!(sent.len(), 1, "{sent:?}");
    let mut fields: Vec<(&str, &str)> = sent[0]
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "Action" | "Version"))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    fields.sort();
    fields
}

// "DescribeAlarmsForMetric is called with minimum parameters": a query typed
// `annotationQuery` (no mode), without period or dimensions, asks for the metric's alarms of
// that statistic at Grafana's default period, 300 s.
#[tokio::test(flavor = "multi_thread")]
async fn describe_alarms_for_metric_is_called_with_minimum_parameters() {
    let sent = calls(
        json!({"type": "annotationQuery", "region": "us-east-1", "namespace": "custom",
               "metricName": "CPUUtilization", "statistic": "Average"}),
        "DescribeAlarmsForMetric",
    )
    .await;
    assert_eq!(
        parameters(&sent),
        [
            ("MetricName", "CPUUtilization"),
            ("Namespace", "custom"),
            ("Period", "300"),
            ("Statistic", "Average")
        ]
    );
}

// "DescribeAlarms is called when prefixMatching is true": one page of 100 with the prefixes.
#[tokio::test(flavor = "multi_thread")]
async fn describe_alarms_is_called_when_prefix_matching_is_true() {
    let sent = calls(
        json!({"type": "annotationQuery", "region": "us-east-1", "namespace": "custom",
               "metricName": "CPUUtilization", "statistic": "Average", "prefixMatching": true,
               "actionPrefix": "some_action_prefix", "alarmNamePrefix": "some_alarm_name_prefix"}),
        "DescribeAlarms",
    )
    .await;
    assert_eq!(
        parameters(&sent),
        [
            ("ActionPrefix", "some_action_prefix"),
            ("AlarmNamePrefix", "some_alarm_name_prefix"),
            ("MaxRecords", "100")
        ]
    );
}
