//! GetMetricData outputs turned into frames: pages merged per series, the call's error codes
//! and partial results, and each series' name and labels as alert rules see them.
//! Mirrors grafana/grafana-cloudwatch-datasource, pkg/cloudwatch/response_parser_test.go
//! (TestCloudWatchResponseParser, Test_buildDataFrames_parse_label_to_name_and_labels), with
//! Grafana's default feature toggles (new label parsing on). The outputs have the shapes of
//! Grafana's testdata files (the same ids, labels, statuses, messages and point counts).

use std::collections::BTreeMap;

use aws_sdk_cloudwatch::types::StatusCode;
use serde_json::{json, Value};

use crate::support::{answers, batch, frames, frames_of, message, notices, output, result};

const ERROR_CODES: [&str; 4] = [
    "MaxMetricsExceeded",
    "MaxQueryTimeRangeExceeded",
    "MaxQueryResultsExceeded",
    "MaxMatchingResultsExceeded",
];

/// The call-level messages of Grafana's testdata: an empty code and the four error codes.
fn call_errors() -> Vec<aws_sdk_cloudwatch::types::MessageData> {
    std::iter::once(message("", ""))
        .chain(ERROR_CODES.iter().map(|c| message(c, "")))
        .collect()
}

/// A search over several instances, so a label carries one dimension value.
fn search(id: &str) -> Value {
    json!({"type": "timeSeriesQuery", "id": id, "namespace": "AWS/EC2", "metricName": "CPUUtilization", "statistic": "Average", "dimensions": {"InstanceId": ["*"]}, "period": "900"})
}

const POINTS: [f64; 5] = [0.13, 0.24, 0.15, 0.14, 0.15];

/// multiple-outputs-query-a.json: two outputs, label1 partial then complete, the error codes
/// in the second output.
fn query_a() -> BTreeMap<String, Vec<crate::common::Frame>> {
    let b = batch(&[("A", search("a"))]);
    let outputs = [
        output(
            vec![],
            vec![
                result("a", "label1|&|i-1", StatusCode::PartialData, &POINTS),
                result("a", "label2|&|i-2", StatusCode::Complete, &POINTS[..1]),
            ],
        ),
        output(
            call_errors(),
            vec![result("a", "label1|&|i-1", StatusCode::Complete, &POINTS)],
        ),
    ];
    answers(&b, &outputs)
        .into_iter()
        .map(|(r, a)| (r, frames(&a)))
        .collect()
}

// TestCloudWatchResponseParser/when aggregating multi-outputs response/should have two labels
#[test]
fn multi_outputs_should_have_two_labels() {
    assert_eq!(query_a()["A"].len(), 2);
}

// TestCloudWatchResponseParser/when aggregating multi-outputs response/should have points for label1 taken from both getMetricDataOutputs
#[test]
fn multi_outputs_should_have_points_for_label1_from_both_outputs() {
    let a = &query_a()["A"];
    assert_eq!(a[0].name, "label1");
    assert_eq!(a[0].values.len(), 10);
}

// TestCloudWatchResponseParser/when aggregating multi-outputs response/should have statuscode 'Complete'
// A series completed on the later page has no partial-data notice.
#[test]
fn multi_outputs_should_have_status_code_complete() {
    for f in &query_a()["A"] {
        assert!(
            !notices(f).iter().any(|n| n.contains("partial data")),
            "{:?}",
            notices(f)
        );
    }
}

/// Whether each frame carries a notice for each of the call's four error codes.
fn has_every_error_code_notice(frames: &[crate::common::Frame]) -> bool {
    let wanted = [
        "most metrics one query may match",
        "time range is longer than AWS allows",
        "only part of the results because the query matched too many",
        "only part of the matching results",
    ];
    frames.iter().all(|f| {
        let n = notices(f);
        wanted.iter().all(|w| n.iter().any(|t| t.contains(w)))
    })
}

// TestCloudWatchResponseParser/when aggregating multi-outputs response/should have exceeded request limit
// .../should have exceeded query time range, .../should have exceeded max query results,
// .../should have exceeded max matching results: each a notice, in Stratus's words (README:
// where Stratus differs).
#[test]
fn multi_outputs_should_have_the_four_error_codes() {
    assert!(has_every_error_code_notice(&query_a()["A"]));
}

/// multiple-outputs-query-b.json: label2 complete, then partial with an ArithmeticError.
fn query_b() -> Vec<crate::common::Frame> {
    let b = batch(&[("B", search("b"))]);
    let mut partial = result("b", "label2|&|i-2", StatusCode::PartialData, &POINTS[..1]);
    partial.messages = Some(vec![message(
        "ArithmeticError",
        "One or more data-points have been dropped due to non-numeric values (NaN, -Infinite, +Infinite)",
    )]);
    let outputs = [
        output(
            vec![],
            vec![result(
                "b",
                "label2|&|i-2",
                StatusCode::Complete,
                &POINTS[..1],
            )],
        ),
        output(call_errors(), vec![partial]),
    ];
    frames(&answers(&b, &outputs)["B"])
}

// TestCloudWatchResponseParser/when aggregating multi-outputs response with PartialData and ArithmeticError/should have statuscode is 'PartialData'
#[test]
fn partial_data_should_be_said() {
    let n = notices(&query_b()[0]);
    assert!(n.iter().any(|t| t.contains("partial data")), "{n:?}");
}

// TestCloudWatchResponseParser/when aggregating multi-outputs response with PartialData and ArithmeticError/should have an arithmetic error and an error message
// Grafana answers an error beside the frames (an alert rule errs); Stratus keeps the data and
// says what AWS dropped (README: where Stratus differs).
#[test]
fn arithmetic_error_keeps_the_data_with_its_message() {
    let b = query_b();
    assert_eq!(b[0].values.len(), 2);
    let n = notices(&b[0]);
    assert!(
        n.contains(&"AWS dropped data points it could not compute (ArithmeticError: One or more data-points have been dropped due to non-numeric values (NaN, -Infinite, +Infinite))".to_string()),
        "{n:?}"
    );
}

/// single-output-multiple-metric-data-results.json: label1 partial then complete in one output.
fn single_output() -> Vec<crate::common::Frame> {
    frames_of(
        search("a"),
        vec![
            result("a", "label1|&|i-1", StatusCode::PartialData, &POINTS),
            result("a", "label1|&|i-1", StatusCode::Complete, &POINTS[..1]),
        ],
    )
}

// TestCloudWatchResponseParser/when aggregating multi-outputs response/should have one label
#[test]
fn single_output_should_have_one_label() {
    assert_eq!(single_output().len(), 1);
}

// TestCloudWatchResponseParser/when aggregating multi-outputs response/should have points for label1 taken from both MetricDataResults
#[test]
fn single_output_should_have_points_from_both_results() {
    let f = single_output();
    assert_eq!(f[0].name, "label1");
    assert_eq!(f[0].values.len(), 6);
}

// TestCloudWatchResponseParser/when aggregating multi-outputs response/should have statuscode 'Complete'
#[test]
fn single_output_should_have_status_code_complete() {
    assert!(notices(&single_output()[0]).is_empty());
}

/// multiple-outputs2.json / multiple-outputs3.json: queries a and b, the error codes in the
/// first or second of the outputs.
fn error_codes_in_output(which: usize) -> BTreeMap<String, Vec<crate::common::Frame>> {
    let b = batch(&[("A", search("a")), ("B", search("b"))]);
    let page = |errors: bool| {
        output(
            if errors { call_errors() } else { vec![] },
            vec![
                result("a", "label1|&|i-1", StatusCode::Complete, &POINTS),
                result("a", "label2|&|i-2", StatusCode::Complete, &POINTS[..1]),
                result("b", "label2|&|i-2", StatusCode::Complete, &POINTS[..1]),
            ],
        )
    };
    let outputs = [page(which == 0), page(which == 1)];
    answers(&b, &outputs)
        .into_iter()
        .map(|(r, a)| (r, frames(&a)))
        .collect()
}

// TestCloudWatchResponseParser/when aggregating response and error codes are in first GetMetricDataOutput/response for id a/*
#[test]
fn error_codes_in_the_first_output_reach_every_frame() {
    assert!(has_every_error_code_notice(&error_codes_in_output(0)["A"]));
}

// TestCloudWatchResponseParser/when aggregating response and error codes are in second GetMetricDataOutput/response for id a/*
#[test]
fn error_codes_in_the_second_output_reach_every_query() {
    let out = error_codes_in_output(1);
    assert!(has_every_error_code_notice(&out["A"]));
    assert!(has_every_error_code_notice(&out["B"]));
}

// TestCloudWatchResponseParser/when receiving a permissions error should pass it to the user
#[test]
fn a_permissions_error_is_passed_to_the_user() {
    let b = batch(&[("A", search("a"))]);
    let denied = aws_sdk_cloudwatch::types::MetricDataResult::builder()
        .id("a")
        .status_code(StatusCode::Forbidden)
        .messages(message(
            "Forbidden",
            "Access denied when getting data - please check that you have the pi:GetResourceMetrics permission",
        ))
        .build();
    let a = answers(&b, &[output(vec![], vec![denied])]);
    let err = a["A"].as_ref().unwrap_err();
    assert_eq!(err.status, http::StatusCode::FORBIDDEN);
    assert!(
        err.message.contains("Access denied when getting data - please check that you have the pi:GetResourceMetrics permission"),
        "{}",
        err.message
    );
}

fn labels(frame: &crate::common::Frame) -> Vec<(&str, &str)> {
    frame
        .labels
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

fn builder(dimensions: Value, extra: Value) -> Value {
    let mut q = json!({
        "type": "timeSeriesQuery", "region": "us-east-1", "namespace": "AWS/ApplicationELB",
        "metricName": "TargetResponseTime", "dimensions": dimensions, "statistic": "Average",
        "period": "60", "metricQueryType": 0, "metricEditorMode": 0
    });
    for (k, v) in extra.as_object().unwrap() {
        q[k] = v.clone();
    }
    q
}

const THREE: [f64; 3] = [10.0, 20.0, 30.0];

/// The one frame of `model`'s answer: one series labelled `label`, one point.
fn one_series(model: Value, label: &str) -> crate::common::Frame {
    frames_of(
        model,
        vec![result("queryA", label, StatusCode::Complete, &[23.0])],
    )
    .remove(0)
}

/// The labels of the load balancer series of Grafana's label tests.
const LB_LABELS: [(&str, &str); 4] = [
    ("InstanceType", "micro"),
    ("LoadBalancer", "lb1"),
    ("Resource", "res"),
    ("Series", "some label"),
];

// Test_buildDataFrames_parse_label_to_name_and_labels/using multi filter
#[test]
fn build_data_frames_using_multi_filter() {
    let f = frames_of(
        builder(
            json!({"LoadBalancer": ["lb1", "lb2"], "TargetGroup": ["tg"]}),
            json!({"matchExact": true}),
        ),
        vec![
            result("queryA", "lb1|&|lb1", StatusCode::Complete, &THREE),
            result("queryA", "lb2|&|lb2", StatusCode::Complete, &THREE),
        ],
    );
    assert_eq!(f[0].name, "lb1");
    assert_eq!(
        labels(&f[0]),
        vec![
            ("LoadBalancer", "lb1"),
            ("Series", "lb1"),
            ("TargetGroup", "tg")
        ]
    );
    assert_eq!(f[1].name, "lb2");
    assert_eq!(
        labels(&f[1]),
        vec![
            ("LoadBalancer", "lb2"),
            ("Series", "lb2"),
            ("TargetGroup", "tg")
        ]
    );
}

// Test_buildDataFrames_parse_label_to_name_and_labels/using multiple wildcard filters
#[test]
fn build_data_frames_using_multiple_wildcard_filters() {
    let f = frames_of(
        builder(
            json!({"LoadBalancer": ["*"], "InstanceType": ["*"], "TargetGroup": ["tg"]}),
            json!({}),
        ),
        vec![
            result(
                "queryA",
                "some label lb3|&|inst1|&|balancer 1",
                StatusCode::Complete,
                &THREE,
            ),
            result(
                "queryA",
                "some label lb4|&|inst2|&|balancer 2",
                StatusCode::Complete,
                &THREE,
            ),
        ],
    );
    assert_eq!(f[0].name, "some label lb3");
    assert_eq!(
        labels(&f[0]),
        vec![
            ("InstanceType", "inst1"),
            ("LoadBalancer", "balancer 1"),
            ("Series", "some label lb3"),
            ("TargetGroup", "tg")
        ]
    );
    assert_eq!(f[1].name, "some label lb4");
    assert_eq!(
        labels(&f[1]),
        vec![
            ("InstanceType", "inst2"),
            ("LoadBalancer", "balancer 2"),
            ("Series", "some label lb4"),
            ("TargetGroup", "tg")
        ]
    );
}

// Test_buildDataFrames_parse_label_to_name_and_labels/when no values are returned and a multi-valued template variable is used
// One empty frame per value, so an alert rule sees NoData per instance.
#[test]
fn build_data_frames_no_values_and_a_multi_valued_variable() {
    let f = frames_of(
        builder(json!({"LoadBalancer": ["lb1", "lb2"]}), json!({})),
        vec![result(
            "queryA",
            "some label|&|--",
            StatusCode::Complete,
            &[],
        )],
    );
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].name, "some label");
    assert_eq!(labels(&f[0]), vec![("LoadBalancer", "lb1")]);
    assert_eq!(f[1].name, "some label");
    assert_eq!(labels(&f[1]), vec![("LoadBalancer", "lb2")]);
    assert!(f.iter().all(|f| f.values.is_empty()));
}

// Test_buildDataFrames_parse_label_to_name_and_labels/when no values are returned and a multi-valued template variable and two single-valued dimensions are used
#[test]
fn build_data_frames_no_values_multi_valued_and_two_single_valued_dimensions() {
    let f = frames_of(
        builder(
            json!({"LoadBalancer": ["lb1", "lb2"], "InstanceType": ["micro"], "Resource": ["res"]}),
            json!({}),
        ),
        vec![result(
            "queryA",
            "some label|&|--",
            StatusCode::Complete,
            &[],
        )],
    );
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].name, "some label");
    assert_eq!(
        labels(&f[0]),
        vec![
            ("InstanceType", "micro"),
            ("LoadBalancer", "lb1"),
            ("Resource", "res")
        ]
    );
    assert_eq!(f[1].name, "some label");
    assert_eq!(
        labels(&f[1]),
        vec![
            ("InstanceType", "micro"),
            ("LoadBalancer", "lb2"),
            ("Resource", "res")
        ]
    );
}

// Test_buildDataFrames_parse_label_to_name_and_labels/when not using multi-value dimension filters on a `MetricSearch` query
#[test]
fn build_data_frames_without_multi_value_filters() {
    let f = [one_series(
        builder(
            json!({"LoadBalancer": ["lb1"], "InstanceType": ["micro"], "Resource": ["res"]}),
            json!({}),
        ),
        "some label",
    )];
    assert_eq!(f[0].name, "some label");
    assert_eq!(labels(&f[0]), LB_LABELS);
}

// Test_buildDataFrames_parse_label_to_name_and_labels/when non-static label set on a `MetricSearch` query
#[test]
fn build_data_frames_non_static_label() {
    let f = [one_series(
        builder(
            json!({"LoadBalancer": ["lb1"], "InstanceType": ["micro"], "Resource": ["*"]}),
            json!({"label": "set ${AVG} label"}),
        ),
        "some label|&|res",
    )];
    assert_eq!(f[0].name, "some label");
    assert_eq!(labels(&f[0]), LB_LABELS);
}

// Test_buildDataFrames_parse_label_to_name_and_labels/when static label set on a `MetricSearch` query
#[test]
fn build_data_frames_static_label() {
    let f = [one_series(
        builder(
            json!({"LoadBalancer": ["lb1"], "InstanceType": ["micro"], "Resource": ["*"]}),
            json!({"label": "actual"}),
        ),
        "some label|&|res",
    )];
    assert_eq!(f[0].name, "actual");
    assert_eq!(f[0].config["displayNameFromDS"], "actual");
    assert_eq!(labels(&f[0]), LB_LABELS);
}

// Test_buildDataFrames_parse_label_to_name_and_labels/when code editor used for `MetricSearch` query add fallback label
#[test]
fn build_data_frames_code_editor_adds_the_series_label() {
    let f = [one_series(
        json!({
            "type": "timeSeriesQuery", "region": "us-east-1", "namespace": "", "metricName": "",
            "expression": "SEARCH('MetricName=\"ResourceCount\" AND (\"AWS/Usage\") AND Resource=TargetsPer NOT QueueName=TargetsPerNetworkLoadBalancer', 'Average')",
            "dimensions": {}, "statistic": "Average", "period": "60", "metricQueryType": 0,
            "metricEditorMode": 1, "label": "actual"
        }),
        "some label",
    )];
    assert_eq!(f[0].name, "actual");
    assert_eq!(labels(&f[0]), vec![("Series", "some label")]);
}

// Test_buildDataFrames_parse_label_to_name_and_labels/when `MetricQuery` query has no label set and `GROUP BY` clause has multiple fields
// The GROUP BY keys' values as Grafana's test gives them (in a live query ListMetrics finds
// them), each matched in the series label.
#[test]
fn build_data_frames_metrics_insights_group_by_multiple_fields() {
    let f = frames_of(
        json!({
            "type": "timeSeriesQuery", "region": "us-east-1", "statistic": "Average", "period": "60",
            "metricQueryType": 1, "metricEditorMode": 0,
            "dimensions": {"Service": ["EC2", "Elastic Loading Balancing"], "Resource": ["vCPU", "ApplicationLoadBalancersPerRegion"]},
            "sqlExpression": "SELECT AVG(ResourceCount) FROM SCHEMA(\"AWS/Usage\", Class, Resource, Service, Type) GROUP BY Service, Resource"
        }),
        vec![
            result("queryA", "EC2 vCPU", StatusCode::Complete, &[23.0]),
            result(
                "queryA",
                "Elastic Loading Balancing ApplicationLoadBalancersPerRegion",
                StatusCode::Complete,
                &[23.0],
            ),
        ],
    );
    assert_eq!(f[0].name, "EC2 vCPU");
    assert_eq!(f[0].labels["Service"], "EC2");
    assert_eq!(f[0].labels["Resource"], "vCPU");
    assert_eq!(
        f[1].name,
        "Elastic Loading Balancing ApplicationLoadBalancersPerRegion"
    );
    assert_eq!(f[1].labels["Service"], "Elastic Loading Balancing");
    assert_eq!(f[1].labels["Resource"], "ApplicationLoadBalancersPerRegion");
}

// Test_buildDataFrames_parse_label_to_name_and_labels/when `MetricQuery` query has no `GROUP BY` clause
#[test]
fn build_data_frames_metrics_insights_without_group_by() {
    let f = [one_series(
        json!({
            "type": "timeSeriesQuery", "region": "us-east-1", "statistic": "Average", "period": "60",
            "metricQueryType": 1, "metricEditorMode": 0,
            "sqlExpression": "SELECT AVG(ResourceCount) FROM SCHEMA(\"AWS/Usage\", Class, Resource, Service, Type)"
        }),
        "cloudwatch-default-label",
    )];
    assert_eq!(f[0].name, "cloudwatch-default-label");
    assert_eq!(labels(&f[0]), vec![("Series", "cloudwatch-default-label")]);
}

// Test_buildDataFrames_parse_label_to_name_and_labels/ignore dimensions for raw mode query
#[test]
fn build_data_frames_ignore_dimensions_for_raw_mode_query() {
    let f = [one_series(
        builder(
            json!({"LoadBalancer": ["*"]}),
            json!({"metricEditorMode": 1, "expression": "SEARCH('MetricName=\"ResourceCount\" AND (\"AWS/Usage\") AND Resource=TargetsPer NOT QueueName=TargetsPerNetworkLoadBalancer', 'Average')"}),
        ),
        "some label",
    )];
    assert_eq!(f[0].name, "some label");
    assert_eq!(labels(&f[0]), vec![("Series", "some label")]);
}

// Test_buildDataFrames_parse_label_to_name_and_labels/Parse cloudwatch response
#[test]
fn build_data_frames_parse_cloudwatch_response() {
    let f = frames_of(
        builder(
            json!({"LoadBalancer": ["lb"], "TargetGroup": ["tg"]}),
            json!({}),
        ),
        vec![result("queryA", "some label", StatusCode::Complete, &THREE)],
    );
    assert_eq!(f[0].name, "some label");
    assert_eq!(f[0].labels["LoadBalancer"], "lb");
    assert_eq!(f[0].values, vec![Some(10.0), Some(20.0), Some(30.0)]);
    // Time then Value; no display name of Grafana's own, only displayNameFromDS.
    assert!(f[0].config.get("displayName").is_none());
}
