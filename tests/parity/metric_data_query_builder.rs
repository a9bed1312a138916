//! The GetMetricData query each model becomes: MetricStat, the SEARCH built for a builder
//! query, math and SQL, labels and accounts.
//! Mirrors grafana/grafana-cloudwatch-datasource, pkg/cloudwatch/metric_data_query_builder_test.go
//! (TestMetricDataQueryBuilder), with Grafana's default feature toggles (new label parsing on).

use serde_json::{json, Value};

use crate::support::mdq;

/// getBaseQuery: AWS/EC2 CPUUtilization, LoadBalancer=lb1, period 300, exact match.
fn base() -> Value {
    json!({
        "type": "timeSeriesQuery", "namespace": "AWS/EC2", "metricName": "CPUUtilization",
        "dimensions": {"LoadBalancer": ["lb1"]}, "period": "300", "matchExact": true,
        "statistic": "Average"
    })
}

fn with(mut v: Value, extra: Value) -> Value {
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

fn expression(model: Value) -> String {
    mdq(model).expression().unwrap().to_string()
}

// TestMetricDataQueryBuilder/buildMetricDataQuery/should use metric stat
#[test]
fn build_metric_data_query_should_use_metric_stat() {
    let q = mdq(base());
    assert_eq!(q.expression(), None);
    let metric = q.metric_stat().unwrap().metric().unwrap();
    assert_eq!(metric.metric_name(), Some("CPUUtilization"));
    assert_eq!(metric.namespace(), Some("AWS/EC2"));
}

// TestMetricDataQueryBuilder/buildMetricDataQuery/should pass AccountId in metric stat query
#[test]
fn build_metric_data_query_should_pass_account_id_in_metric_stat_query() {
    let q = mdq(with(base(), json!({"accountId": "some account id"})));
    assert_eq!(q.account_id(), Some("some account id"));
}

// TestMetricDataQueryBuilder/buildMetricDataQuery/should leave AccountId in metric stat query
#[test]
fn build_metric_data_query_should_leave_account_id_in_metric_stat_query() {
    assert_eq!(mdq(base()).account_id(), None);
}

// TestMetricDataQueryBuilder/buildMetricDataQuery/should use custom built expression
// Grafana's test query has no statistic and sends '' (AWS refuses it); a model without one is
// Average in Stratus (README: where Stratus differs).
#[test]
fn build_metric_data_query_should_use_custom_built_expression() {
    let mut model = with(base(), json!({"matchExact": false}));
    model.as_object_mut().unwrap().remove("statistic");
    let q = mdq(model);
    assert!(q.metric_stat().is_none());
    assert_eq!(
        q.expression(),
        Some(
            r#"REMOVE_EMPTY(SEARCH('Namespace="AWS/EC2" MetricName="CPUUtilization" "LoadBalancer"="lb1"', 'Average', 300))"#
        )
    );
}

// TestMetricDataQueryBuilder/buildMetricDataQuery/should use sql expression
#[test]
fn build_metric_data_query_should_use_sql_expression() {
    let sql = r#"SELECT SUM(CPUUTilization) FROM "AWS/EC2""#;
    let q = mdq(with(
        base(),
        json!({"metricEditorMode": 1, "metricQueryType": 1, "sqlExpression": sql}),
    ));
    assert!(q.metric_stat().is_none());
    assert_eq!(q.expression(), Some(sql));
}

// TestMetricDataQueryBuilder/buildMetricDataQuery/should use user defined math expression
#[test]
fn build_metric_data_query_should_use_user_defined_math_expression() {
    let q = mdq(with(
        base(),
        json!({"metricEditorMode": 1, "metricQueryType": 0, "expression": "SUM(x+y)"}),
    ));
    assert!(q.metric_stat().is_none());
    assert_eq!(q.expression(), Some("SUM(x+y)"));
}

// TestMetricDataQueryBuilder/buildMetricDataQuery/should set period in user defined expression
#[test]
fn build_metric_data_query_should_set_period_in_user_defined_expression() {
    let q = mdq(with(
        base(),
        json!({"metricEditorMode": 1, "metricQueryType": 0, "matchExact": false, "expression": "SUM([a,b])"}),
    ));
    assert!(q.metric_stat().is_none());
    assert_eq!(q.period(), Some(300));
    assert_eq!(q.expression(), Some("SUM([a,b])"));
}

// TestMetricDataQueryBuilder/buildMetricDataQuery/should set label
#[test]
fn build_metric_data_query_should_set_label() {
    assert_eq!(
        mdq(with(base(), json!({"label": "some label"}))).label(),
        Some("some label")
    );
}

// TestMetricDataQueryBuilder/buildMetricDataQuery/should not set label for empty string query label
#[test]
fn build_metric_data_query_should_not_set_label_for_empty_string_query_label() {
    assert_eq!(mdq(with(base(), json!({"label": ""}))).label(), None);
}

// TestMetricDataQueryBuilder/buildMetricDataQuery/should not specify accountId when it is "all"
#[test]
fn build_metric_data_query_should_not_specify_account_id_when_it_is_all() {
    let q = mdq(json!({
        "type": "timeSeriesQuery", "namespace": "AWS/EC2", "metricName": "CPUUtilization",
        "statistic": "Average", "period": "60", "matchExact": false, "accountId": "all"
    }));
    assert!(q.metric_stat().is_none());
    assert_eq!(
        q.expression(),
        Some(
            r#"REMOVE_EMPTY(SEARCH('Namespace="AWS/EC2" MetricName="CPUUtilization"', 'Average', 60))"#
        )
    );
    assert_eq!(q.account_id(), None);
}

// TestMetricDataQueryBuilder/buildMetricDataQuery/should set accountId when it is specified
#[test]
fn build_metric_data_query_should_set_account_id_when_it_is_specified() {
    let q = mdq(json!({
        "type": "timeSeriesQuery", "namespace": "AWS/EC2", "metricName": "CPUUtilization",
        "statistic": "Average", "period": "60", "matchExact": false, "accountId": "12345"
    }));
    assert!(q.metric_stat().is_none());
    assert_eq!(
        q.expression(),
        Some(
            r#"REMOVE_EMPTY(SEARCH('Namespace="AWS/EC2" MetricName="CPUUtilization" :aws.AccountId="12345"', 'Average', 60))"#
        )
    );
}

/// A builder query of AWS/EC2 CPUUtilization over `dimensions`, at period 300.
fn search(dimensions: Value, exact: bool, extra: Value) -> Value {
    with(
        json!({
            "type": "timeSeriesQuery", "namespace": "AWS/EC2", "metricName": "CPUUtilization",
            "dimensions": dimensions, "period": "300", "matchExact": exact,
            "statistic": "Average", "metricQueryType": 0, "metricEditorMode": 0
        }),
        extra,
    )
}

fn expression_and_label(model: Value) -> (String, String) {
    let q = mdq(model);
    (
        q.expression().unwrap().to_string(),
        q.label().unwrap().to_string(),
    )
}

// TestMetricDataQueryBuilder/Query should be matched exact/Query has three dimension values for a given dimension key
#[test]
fn exact_query_has_three_dimension_values_for_a_given_dimension_key() {
    assert_eq!(
        expression_and_label(search(json!({"LoadBalancer": ["lb1", "lb2", "lb3"]}), true, json!({}))),
        (
            r#"REMOVE_EMPTY(SEARCH('{"AWS/EC2","LoadBalancer"} MetricName="CPUUtilization" "LoadBalancer"=("lb1" OR "lb2" OR "lb3")', 'Average', 300))"#.into(),
            "${LABEL}|&|${PROP('Dim.LoadBalancer')}".into()
        )
    );
}

// TestMetricDataQueryBuilder/Query should be matched exact/Query has three dimension values for two given dimension keys
#[test]
fn exact_query_has_three_dimension_values_for_two_given_dimension_keys() {
    assert_eq!(
        expression_and_label(search(
            json!({"LoadBalancer": ["lb1", "lb2", "lb3"], "InstanceId": ["i-123", "i-456", "i-789"]}),
            true,
            json!({})
        )),
        (
            r#"REMOVE_EMPTY(SEARCH('{"AWS/EC2","InstanceId","LoadBalancer"} MetricName="CPUUtilization" "InstanceId"=("i-123" OR "i-456" OR "i-789") "LoadBalancer"=("lb1" OR "lb2" OR "lb3")', 'Average', 300))"#.into(),
            "${LABEL}|&|${PROP('Dim.InstanceId')}|&|${PROP('Dim.LoadBalancer')}".into()
        )
    );
}

// TestMetricDataQueryBuilder/Query should be matched exact/Query has one dimension key with a * value
#[test]
fn exact_query_has_one_dimension_key_with_a_star_value() {
    assert_eq!(
        expression_and_label(search(json!({"LoadBalancer": ["*"]}), true, json!({}))),
        (
            r#"REMOVE_EMPTY(SEARCH('{"AWS/EC2","LoadBalancer"} MetricName="CPUUtilization"', 'Average', 300))"#.into(),
            "${LABEL}|&|${PROP('Dim.LoadBalancer')}".into()
        )
    );
}

// TestMetricDataQueryBuilder/Query should be matched exact/Query has three dimension values for two given dimension keys, and one value is a star
#[test]
fn exact_query_has_three_dimension_values_for_two_keys_and_one_value_is_a_star() {
    assert_eq!(
        expression_and_label(search(
            json!({"LoadBalancer": ["lb1", "lb2", "lb3"], "InstanceId": ["i-123", "*", "i-789"]}),
            true,
            json!({})
        )),
        (
            r#"REMOVE_EMPTY(SEARCH('{"AWS/EC2","InstanceId","LoadBalancer"} MetricName="CPUUtilization" "LoadBalancer"=("lb1" OR "lb2" OR "lb3")', 'Average', 300))"#.into(),
            "${LABEL}|&|${PROP('Dim.InstanceId')}|&|${PROP('Dim.LoadBalancer')}".into()
        )
    );
}

// TestMetricDataQueryBuilder/Query should be matched exact/Query has multiple dimensions and an account Id
#[test]
fn exact_query_has_multiple_dimensions_and_an_account_id() {
    assert_eq!(
        expression_and_label(search(
            json!({"LoadBalancer": ["lb1", "lb2", "lb3"], "InstanceId": ["i-123", "*", "i-789"]}),
            true,
            json!({"accountId": "some account id"})
        )),
        (
            r#"REMOVE_EMPTY(SEARCH('{"AWS/EC2","InstanceId","LoadBalancer"} MetricName="CPUUtilization" "LoadBalancer"=("lb1" OR "lb2" OR "lb3") :aws.AccountId="some account id"', 'Average', 300))"#.into(),
            "${LABEL}|&|${PROP('Dim.InstanceId')}|&|${PROP('Dim.LoadBalancer')}".into()
        )
    );
}

// TestMetricDataQueryBuilder/Query should be matched exact/Query has a dimension key with a space
#[test]
fn exact_query_has_a_dimension_key_with_a_space() {
    let model = with(
        search(
            json!({"Cluster Name": ["dev-cluster", "prod-cluster"]}),
            true,
            json!({}),
        ),
        json!({"namespace": "AWS/Kafka", "metricName": "CpuUser"}),
    );
    assert_eq!(
        expression_and_label(model),
        (
            r#"REMOVE_EMPTY(SEARCH('{"AWS/Kafka","Cluster Name"} MetricName="CpuUser" "Cluster Name"=("dev-cluster" OR "prod-cluster")', 'Average', 300))"#.into(),
            "${LABEL}|&|${PROP('Dim.Cluster Name')}".into()
        )
    );
}

// TestMetricDataQueryBuilder/Query should be matched exact/Query has a custom namespace contains spaces
#[test]
fn exact_query_has_a_custom_namespace_that_contains_spaces() {
    let model = with(
        search(
            json!({"LoadBalancer": ["lb1", "lb2", "lb3"], "InstanceId": ["i-123", "*", "i-789"]}),
            true,
            json!({}),
        ),
        json!({"namespace": "Test-API Cache by Minute", "metricName": "CpuUser"}),
    );
    assert_eq!(
        expression_and_label(model),
        (
            r#"REMOVE_EMPTY(SEARCH('{"Test-API Cache by Minute","InstanceId","LoadBalancer"} MetricName="CpuUser" "LoadBalancer"=("lb1" OR "lb2" OR "lb3")', 'Average', 300))"#.into(),
            "${LABEL}|&|${PROP('Dim.InstanceId')}|&|${PROP('Dim.LoadBalancer')}".into()
        )
    );
}

// TestMetricDataQueryBuilder/Query should be matched exact/Query has a custom label
#[test]
fn exact_query_has_a_custom_label() {
    let model = with(
        search(
            json!({"LoadBalancer": ["lb1"], "InstanceId": ["i-123", "*", "i-789"]}),
            true,
            json!({"label": "LB: ${PROP('Dim.LoadBalancer')"}),
        ),
        json!({"namespace": "CPUUtilization", "metricName": "CpuUser"}),
    );
    assert_eq!(
        expression_and_label(model),
        (
            r#"REMOVE_EMPTY(SEARCH('{"CPUUtilization","InstanceId","LoadBalancer"} MetricName="CpuUser" "LoadBalancer"="lb1"', 'Average', 300))"#.into(),
            "LB: ${PROP('Dim.LoadBalancer')|&|${PROP('Dim.InstanceId')}".into()
        )
    );
}

// TestMetricDataQueryBuilder/Query should not be matched exact/Query has three dimension values for a given dimension key
#[test]
fn not_exact_query_has_three_dimension_values_for_a_given_dimension_key() {
    assert_eq!(
        expression_and_label(search(json!({"LoadBalancer": ["lb1", "lb2", "lb3"]}), false, json!({}))),
        (
            r#"REMOVE_EMPTY(SEARCH('Namespace="AWS/EC2" MetricName="CPUUtilization" "LoadBalancer"=("lb1" OR "lb2" OR "lb3")', 'Average', 300))"#.into(),
            "${LABEL}|&|${PROP('Dim.LoadBalancer')}".into()
        )
    );
}

// TestMetricDataQueryBuilder/Query should not be matched exact/Query has three dimension values for two given dimension keys
#[test]
fn not_exact_query_has_three_dimension_values_for_two_given_dimension_keys() {
    assert_eq!(
        expression_and_label(search(
            json!({"LoadBalancer": ["lb1", "lb2", "lb3"], "InstanceId": ["i-123", "i-456", "i-789"]}),
            false,
            json!({})
        )),
        (
            r#"REMOVE_EMPTY(SEARCH('Namespace="AWS/EC2" MetricName="CPUUtilization" "InstanceId"=("i-123" OR "i-456" OR "i-789") "LoadBalancer"=("lb1" OR "lb2" OR "lb3")', 'Average', 300))"#.into(),
            "${LABEL}|&|${PROP('Dim.InstanceId')}|&|${PROP('Dim.LoadBalancer')}".into()
        )
    );
}

// TestMetricDataQueryBuilder/Query should not be matched exact/Query has one dimension key with a * value
#[test]
fn not_exact_query_has_one_dimension_key_with_a_star_value() {
    assert_eq!(
        expression_and_label(search(json!({"LoadBalancer": ["*"]}), false, json!({}))),
        (
            r#"REMOVE_EMPTY(SEARCH('Namespace="AWS/EC2" MetricName="CPUUtilization" "LoadBalancer"', 'Average', 300))"#.into(),
            "${LABEL}|&|${PROP('Dim.LoadBalancer')}".into()
        )
    );
}

// TestMetricDataQueryBuilder/Query should not be matched exact/query has three dimension values for two given dimension keys, and one value is a star
// Grafana's term order: the keys with values first, then the open keys.
#[test]
fn not_exact_query_has_three_dimension_values_for_two_keys_and_one_value_is_a_star() {
    assert_eq!(
        expression_and_label(search(
            json!({"LoadBalancer": ["lb1", "lb2", "lb3"], "InstanceId": ["i-123", "*", "i-789"]}),
            false,
            json!({})
        )),
        (
            r#"REMOVE_EMPTY(SEARCH('Namespace="AWS/EC2" MetricName="CPUUtilization" "LoadBalancer"=("lb1" OR "lb2" OR "lb3") "InstanceId"', 'Average', 300))"#.into(),
            "${LABEL}|&|${PROP('Dim.InstanceId')}|&|${PROP('Dim.LoadBalancer')}".into()
        )
    );
}

// TestMetricDataQueryBuilder/Query should not be matched exact/query has multiple dimensions and an account Id
#[test]
fn not_exact_query_has_multiple_dimensions_and_an_account_id() {
    assert_eq!(
        expression_and_label(search(
            json!({"LoadBalancer": ["lb1", "lb2", "lb3"], "InstanceId": ["i-123", "*", "i-789"]}),
            false,
            json!({"accountId": "some account id"})
        )),
        (
            r#"REMOVE_EMPTY(SEARCH('Namespace="AWS/EC2" MetricName="CPUUtilization" "LoadBalancer"=("lb1" OR "lb2" OR "lb3") "InstanceId" :aws.AccountId="some account id"', 'Average', 300))"#.into(),
            "${LABEL}|&|${PROP('Dim.InstanceId')}|&|${PROP('Dim.LoadBalancer')}".into()
        )
    );
}

// TestMetricDataQueryBuilder/Query should not be matched exact/Query has a custom label
#[test]
fn not_exact_query_has_a_custom_label() {
    assert_eq!(
        expression_and_label(search(
            json!({"LoadBalancer": ["lb1"], "InstanceId": ["i-123", "*", "i-789"]}),
            false,
            json!({"label": "LB: ${PROP('Dim.LoadBalancer')"})
        )),
        (
            r#"REMOVE_EMPTY(SEARCH('Namespace="AWS/EC2" MetricName="CPUUtilization" "LoadBalancer"="lb1" "InstanceId"', 'Average', 300))"#.into(),
            "LB: ${PROP('Dim.LoadBalancer')|&|${PROP('Dim.InstanceId')}".into()
        )
    );
}

// TestMetricDataQueryBuilder/Query has invalid characters in dimension values
#[test]
fn query_has_invalid_characters_in_dimension_values() {
    // (A search: Grafana's test builds the expression directly; one exact value would be a
    // MetricStat.)
    let expr = expression(search(json!({"lb4": ["lb4's\"\"'"]}), false, json!({})));
    assert!(expr.contains(r#"lb4\'s\"\"\'"#), "{expr}");
}
