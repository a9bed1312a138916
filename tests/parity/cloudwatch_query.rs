//! How a stored metrics query model is read: API modes, defaults, periods, `$__period_auto`,
//! hide and ReturnData, ids, labels and legacy aliases, accounts, regions, console links.
//! Mirrors grafana/grafana-cloudwatch-datasource, pkg/cloudwatch/models/cloudwatch_query_test.go,
//! with Grafana's default feature toggles (cross-account querying on). Not mirrored:
//! `Test_ParseMetricDataQueries_account_Id/account is not set when cross account querying
//! disabled`, which needs a toggle that is off by default.

use serde_json::{json, Value};
use stratus::metrics::links::{console_host, console_link};
use stratus::metrics::plan::{auto_period, PlannedQuery, Spec};
use stratus::metrics::query::{alias_to_label, Account, Mode, Period};

use crate::support::{batch, mdq, one, one_as, parsed, planned, DAY, HOUR, NOW};

fn with(mut v: Value, extra: Value) -> Value {
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

/// A builder query of AWS/EC2 CPUUtilization on instance i-12345678, period 300.
fn instance_query(extra: Value) -> Value {
    with(
        json!({
            "type": "timeSeriesQuery", "region": "us-east-1", "namespace": "AWS/EC2",
            "metricName": "CPUUtilization", "statistic": "Average", "period": "300", "id": "id1",
            "matchExact": true, "dimensions": {"InstanceId": ["i-12345678"]}
        }),
        extra,
    )
}

/// The console link of a query's frames, or none.
fn link(model: Value) -> Option<String> {
    let b = batch(&[("A", model)]);
    console_link(&b, &b.queries[0])
}

fn is_search(q: &PlannedQuery) -> bool {
    matches!(&q.spec, Spec::Search(_)) || matches!(&q.spec, Spec::Math(e) if e.contains("SEARCH("))
}

// TestCloudWatchQuery/Deeplink/is not generated for MetricQueryTypeQuery
#[test]
fn deeplink_is_not_generated_for_metric_query_type_query() {
    assert_eq!(
        link(instance_query(
            json!({"metricQueryType": 1, "metricEditorMode": 0, "sqlExpression": "SELECT AVG(CPUUtilization) FROM \"AWS/EC2\""})
        )),
        None
    );
}

// TestCloudWatchQuery/Deeplink/includes label and it's a metric stat query
#[test]
fn deeplink_includes_label_and_its_a_metric_stat_query() {
    let url = link(instance_query(json!({"label": "${PROP('Namespace')}"}))).unwrap();
    assert!(url.contains("label"), "{url}");
}

// TestCloudWatchQuery/Deeplink/includes label and it's a math expression query
#[test]
fn deeplink_includes_label_and_its_a_math_expression_query() {
    let url = link(instance_query(json!({
        "metricEditorMode": 1, "expression": "SEARCH(someexpression)", "label": "${PROP('Namespace')}"
    })))
    .unwrap();
    assert!(url.contains("label"), "{url}");
}

// TestCloudWatchQuery/Deeplink/includes account id in case its a metric stat query and an account id is set
#[test]
fn deeplink_includes_account_id_for_a_metric_stat_query() {
    let url = link(instance_query(
        json!({"accountId": "123456789", "label": "${PROP('Namespace')}"}),
    ))
    .unwrap();
    assert!(url.contains("accountId%22%3A%22123456789"), "{url}");
}

// TestCloudWatchQuery/Deeplink/does not include account id in case its not a metric stat query
#[test]
fn deeplink_does_not_include_account_id_when_not_a_metric_stat_query() {
    let url = link(instance_query(json!({
        "metricEditorMode": 1, "expression": "SEARCH(someexpression)", "accountId": "123456789",
        "label": "${PROP('Namespace')}"
    })))
    .unwrap();
    assert!(!url.contains("accountId%22%3A%22123456789"), "{url}");
}

// TestCloudWatchQuery/SEARCH(someexpression) was specified in the query editor
#[test]
fn search_someexpression_was_specified_in_the_query_editor() {
    let q = one(instance_query(
        json!({"expression": "SEARCH(someexpression)"}),
    ));
    assert!(is_search(&q));
    assert!(link(instance_query(
        json!({"expression": "SEARCH(someexpression)"})
    ))
    .is_some());
}

// TestCloudWatchQuery/No expression, no multi dimension key values and no * was used
#[test]
fn no_expression_no_multi_dimension_key_values_and_no_star_was_used() {
    let q = one(instance_query(json!({})));
    assert!(matches!(q.spec, Spec::MetricStat { .. }));
}

// TestCloudWatchQuery/No expression but multi dimension key values exist
#[test]
fn no_expression_but_multi_dimension_key_values_exist() {
    let q = one(instance_query(
        json!({"dimensions": {"InstanceId": ["i-12345678", "i-34562312"]}}),
    ));
    assert!(is_search(&q));
}

// TestCloudWatchQuery/No expression but dimension values has *
#[test]
fn no_expression_but_dimension_values_has_star() {
    let q = one(instance_query(
        json!({"dimensions": {"InstanceId": ["i-12345678", "*"], "InstanceType": ["abc", "def"]}}),
    ));
    assert!(is_search(&q));
}

// TestCloudWatchQuery/Query has a multi-valued dimension
#[test]
fn query_has_a_multi_valued_dimension() {
    // A multi-valued dimension without data answers one empty frame per value (see
    // response_parser), which needs the query to be a SEARCH.
    let q = one(instance_query(
        json!({"dimensions": {"InstanceId": ["i-12345678", "i-12345679"], "InstanceType": ["abc"]}}),
    ));
    assert!(is_search(&q));
}

// TestCloudWatchQuery/No dimensions were added/Match exact is false
#[test]
fn no_dimensions_were_added_match_exact_is_false() {
    let q = one(instance_query(
        json!({"dimensions": {}, "matchExact": false}),
    ));
    assert!(is_search(&q));
}

// TestCloudWatchQuery/No dimensions were added/Match exact is true
#[test]
fn no_dimensions_were_added_match_exact_is_true() {
    let q = one(instance_query(
        json!({"dimensions": {}, "matchExact": true}),
    ));
    assert!(matches!(q.spec, Spec::MetricStat { .. }));
}

// TestCloudWatchQuery/Match exact is
#[test]
fn match_exact_is_false_with_one_dimension() {
    let q = one(instance_query(json!({"matchExact": false})));
    assert!(is_search(&q));
}

fn statistic_of(model: Value) -> String {
    match parsed("A", &model).unwrap().mode {
        Mode::Builder { statistics, .. } => {
            assert_eq!(statistics.len(), 1, "{statistics:?}");
            statistics[0].as_str().to_string()
        }
        other => panic!("{other:?}"),
    }
}

// TestRequestParser/legacy statistics field is migrated: migrates first stat only
// (An alert rule's model: no `type`. A panel's asks for each, as Grafana's dashboard
// migration splits it; README: where Stratus differs.)
#[test]
fn request_parser_legacy_statistics_migrates_first_stat_only() {
    assert_eq!(
        statistic_of(json!({
            "region": "us-east-1", "namespace": "ec2", "metricName": "CPUUtilization",
            "dimensions": {"InstanceId": ["test"]}, "statistics": ["Average", "Sum"],
            "period": "600", "hide": false
        })),
        "Average"
    );
}

// TestRequestParser/legacy statistics field is migrated: if no stat, uses Average
#[test]
fn request_parser_legacy_statistics_if_no_stat_uses_average() {
    assert_eq!(
        statistic_of(json!({
            "region": "us-east-1", "namespace": "ec2", "metricName": "CPUUtilization",
            "dimensions": {"InstanceId": ["test"]}, "statistics": [], "period": "600", "hide": false
        })),
        "Average"
    );
}

fn dimensions_of(model: &Value) -> Vec<(String, Vec<String>)> {
    match parsed("ref1", model).unwrap().mode {
        Mode::Builder { dimensions, .. } => dimensions.into_iter().collect(),
        other => panic!("{other:?}"),
    }
}

// TestRequestParser/New dimensions structure
#[test]
fn request_parser_new_dimensions_structure() {
    let model = json!({
        "refId": "ref1", "region": "us-east-1", "namespace": "ec2", "metricName": "CPUUtilization",
        "id": "", "expression": "", "dimensions": {"InstanceId": ["test"], "InstanceType": ["test2", "test3"]},
        "statistic": "Average", "period": "600"
    });
    let q = parsed("ref1", &model).unwrap();
    assert_eq!(
        q.region.resolve(&crate::support::default_region()).as_str(),
        "us-east-1"
    );
    assert_eq!(q.ref_id, "ref1");
    assert_eq!(q.period, Period::Seconds(600));
    assert!(q.return_data);
    let p = one_as("ref1", model.clone());
    assert_eq!(p.id, "queryref1");
    let Spec::Search(expr) = &p.spec else {
        panic!("{:?}", p.spec)
    };
    assert!(
        expr.contains(r#"{"ec2","InstanceId","InstanceType"} MetricName="CPUUtilization""#),
        "{expr}"
    );
    assert_eq!(
        dimensions_of(&model),
        vec![
            ("InstanceId".into(), vec!["test".into()]),
            ("InstanceType".into(), vec!["test2".into(), "test3".into()])
        ]
    );
    assert_eq!(statistic_of(model), "Average");
}

// TestRequestParser/Old dimensions structure (backwards compatibility)
#[test]
fn request_parser_old_dimensions_structure() {
    let model = json!({
        "refId": "ref1", "region": "us-east-1", "namespace": "ec2", "metricName": "CPUUtilization",
        "id": "", "expression": "", "dimensions": {"InstanceId": "test", "InstanceType": "test2"},
        "statistic": "Average", "period": "600", "hide": false
    });
    assert_eq!(
        dimensions_of(&model),
        vec![
            ("InstanceId".into(), vec!["test".into()]),
            ("InstanceType".into(), vec!["test2".into()])
        ]
    );
    let p = one_as("ref1", model);
    assert_eq!(p.id, "queryref1");
    assert_eq!(p.period, 600);
    assert!(p.return_data);
}

// TestRequestParser/parseDimensions returns error for non-string type dimension value
// Grafana refuses a number; Stratus reads it as its text (README: where Stratus differs).
#[test]
fn request_parser_parse_dimensions_reads_a_number_value_as_text() {
    assert_eq!(
        dimensions_of(
            &json!({"namespace": "N", "metricName": "M", "dimensions": {"InstanceId": 3}, "statistic": "Average"})
        ),
        vec![("InstanceId".into(), vec!["3".into()])]
    );
    // Values of other types are refused with the field named.
    let err = parsed("A", &json!({"namespace": "N", "metricName": "M", "dimensions": {"InstanceId": {"x": 1}}, "statistic": "Average"})).unwrap_err();
    assert_eq!(err.field, "dimensions");
}

fn period_of(model: Value, from: i64, to: i64) -> i32 {
    let p = planned(&[("A", model)], from, to);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    p.batches[0].queries[0].period
}

fn auto_query() -> Value {
    json!({
        "refId": "ref1", "region": "us-east-1", "namespace": "ec2", "metricName": "CPUUtilization",
        "id": "", "expression": "", "dimensions": {"InstanceId": ["test"], "InstanceType": ["test2"]},
        "statistic": "Average", "hide": false, "period": "auto"
    })
}

// Test_ParseMetricDataQueries_periods/Period defined in the editor by the user is being used when time range is short
#[test]
fn periods_user_period_is_used_when_time_range_is_short() {
    assert_eq!(
        period_of(
            with(auto_query(), json!({"period": "900"})),
            NOW - 2 * HOUR,
            NOW - HOUR
        ),
        900
    );
}

// Test_ParseMetricDataQueries_periods/Period is parsed correctly if not defined by user/*
#[test]
fn periods_auto_period_by_time_range() {
    // Time range is 5 minutes: Grafana's test ends it before it starts; the period is 60.
    assert_eq!(auto_period(NOW + 5 * 60_000, NOW, NOW), 60);
    let cases = [
        ("Time range is 1 day", NOW - DAY, NOW, 60),
        ("Time range is 2 days", NOW - 2 * DAY, NOW, 300),
        ("Time range is 7 days", NOW - 7 * DAY, NOW, 900),
        ("Time range is 30 days", NOW - 30 * DAY, NOW, 3600),
        ("Time range is 90 days", NOW - 90 * DAY, NOW, 21600),
        ("Time range is 1 year", NOW - 365 * DAY, NOW, 21600),
        ("Time range is 2 years", NOW - 730 * DAY, NOW, 86400),
        (
            "Time range is 2 days, but 16 days ago",
            NOW - 16 * DAY,
            NOW - 14 * DAY,
            300,
        ),
        (
            "Time range is 2 days, but 90 days ago",
            NOW - 90 * DAY,
            NOW - 88 * DAY,
            3600,
        ),
        (
            "Time range is 2 days, but 456 days ago",
            NOW - 456 * DAY,
            NOW - 454 * DAY,
            21600,
        ),
    ];
    for (name, from, to, want) in cases {
        assert_eq!(period_of(auto_query(), from, to), want, "{name}");
    }
}

// Test_ParseMetricDataQueries_periods/returns error if period is invalid duration
#[test]
fn periods_returns_error_if_period_is_invalid_duration() {
    let err = parsed(
        "A",
        &json!({"statistic": "Average", "period": "invalid", "namespace": "N", "metricName": "M"}),
    )
    .unwrap_err();
    assert_eq!(err.field, "period");
}

// Test_ParseMetricDataQueries_periods/returns parsed duration in seconds
#[test]
fn periods_returns_parsed_duration_in_seconds() {
    let q = parsed(
        "A",
        &json!({"statistic": "Average", "period": "2h45m", "namespace": "N", "metricName": "M"}),
    )
    .unwrap();
    assert_eq!(q.period, Period::Seconds(9900));
}

/// The API mode of a model: MetricStat, an inferred SEARCH, math or SQL.
fn api_mode(extra: Value) -> &'static str {
    let model = with(
        json!({"refId": "ref1", "region": "us-east-1", "namespace": "ec2", "metricName": "CPUUtilization", "statistic": "Average", "period": "900"}),
        extra,
    );
    match one(model).spec {
        Spec::MetricStat { .. } => "MetricStat",
        Spec::Search(_) => "InferredSearchExpression",
        Spec::Math(_) => "MathExpression",
        Spec::Sql(_) => "SQLExpression",
    }
}

// Test_ParseMetricDataQueries_query_type_and_metric_editor_mode_and_GMD_query_api_mode/*
#[test]
fn query_type_and_metric_editor_mode_and_gmd_api_mode() {
    let cases = [
        (
            "no metric query type, no metric editor mode, no expression",
            json!({}),
            "MetricStat",
        ),
        (
            "no metric query type, no metric editor mode, has expression",
            json!({"expression": "SUM(a)"}),
            "MathExpression",
        ),
        (
            "no metric query type, has metric editor mode, has expression",
            json!({"expression": "SUM(a)", "metricEditorMode": 99}),
            "MetricStat",
        ),
        (
            "no metric query type, has metric editor mode, no expression",
            json!({"metricEditorMode": 99}),
            "MetricStat",
        ),
        (
            "has metric query type, has metric editor mode, no expression",
            json!({"type": "timeSeriesQuery", "metricEditorMode": 99}),
            "MetricStat",
        ),
        (
            "has metric query type, no metric editor mode, has expression",
            json!({"type": "timeSeriesQuery", "expression": "SUM(a)"}),
            "MathExpression",
        ),
        (
            "has metric query type, has metric editor mode, has expression",
            json!({"type": "timeSeriesQuery", "metricEditorMode": 99, "expression": "SUM(a)"}),
            "MetricStat",
        ),
        (
            "no dimensions, matchExact is false",
            json!({"matchExact": false}),
            "InferredSearchExpression",
        ),
        (
            "query metricQueryType",
            json!({"metricQueryType": 1, "sqlExpression": "SELECT AVG(CPUUtilization) FROM \"AWS/EC2\""}),
            "SQLExpression",
        ),
    ];
    for (name, extra, want) in cases {
        assert_eq!(api_mode(extra), want, "{name}");
    }
}

fn returns_data(extra: Value) -> bool {
    one(with(
        json!({"refId": "ref1", "region": "us-east-1", "namespace": "ec2", "metricName": "CPUUtilization", "statistic": "Average", "period": "900"}),
        extra,
    ))
    .return_data
}

// Test_ParseMetricDataQueries_hide_and_ReturnData/*
#[test]
fn hide_and_return_data() {
    let cases = [
        (
            "default: when query type timeSeriesQuery, default ReturnData is true",
            json!({"type": "timeSeriesQuery"}),
            true,
        ),
        (
            "when query type is timeSeriesQuery, and hide is true, then ReturnData is false",
            json!({"type": "timeSeriesQuery", "hide": true}),
            false,
        ),
        (
            "when query type is timeSeriesQuery, and hide is false, then ReturnData is true",
            json!({"type": "timeSeriesQuery", "hide": false}),
            true,
        ),
        (
            "when query type is empty, and hide is empty, then ReturnData is true",
            json!({}),
            true,
        ),
        (
            "when query type is empty, and hide is false, then ReturnData is true",
            json!({"hide": false, "period": "auto"}),
            true,
        ),
        (
            "when query type is empty, and hide is true, then ReturnData is true",
            json!({"hide": true, "period": "auto"}),
            true,
        ),
    ];
    for (name, extra, want) in cases {
        assert_eq!(returns_data(extra), want, "{name}");
    }
}

// Test_ParseMetricDataQueries_ID/ID is the string `query` appended with refId if refId is a valid MetricData ID
#[test]
fn id_is_query_followed_by_a_valid_ref_id() {
    let p = planned(
        &[(
            "ref1",
            json!({"refId": "ref1", "region": "us-east-1", "namespace": "ec2", "metricName": "CPUUtilization", "statistic": "Average", "period": "900"}),
        )],
        NOW - 2 * HOUR,
        NOW - HOUR,
    );
    assert_eq!(p.batches[0].queries[0].id, "queryref1");
}

// Test_ParseMetricDataQueries_ID/Valid id is generated if ID is not provided and refId is not a valid MetricData ID
// Grafana generates a random one; Stratus a fixed one from the refId, so math can name it
// (README: where Stratus differs).
#[test]
fn id_is_valid_when_the_ref_id_is_not() {
    let p = planned(
        &[(
            "$$",
            json!({"refId": "$$", "region": "us-east-1", "namespace": "ec2", "metricName": "CPUUtilization", "statistic": "Average", "period": "900"}),
        )],
        NOW - 2 * HOUR,
        NOW - HOUR,
    );
    let id = &p.batches[0].queries[0].id;
    assert_eq!(id, "query__");
    assert!(stratus::metrics::query::valid_id(id));
}

// Test_ParseMetricDataQueries_sets_label_when_label_is_present_in_json_query
#[test]
fn sets_label_when_label_is_present_in_json_query() {
    let q = parsed("A", &json!({"refId": "A", "region": "us-east-1", "namespace": "ec2", "metricName": "CPUUtilization", "label": "some label", "dimensions": {"InstanceId": ["test"]}, "statistic": "Average", "period": "600", "hide": false})).unwrap();
    assert_eq!(q.label.as_deref(), Some("some label"));
}

// Test_migrateAliasToDynamicLabel_single_query_preserves_old_alias_and_creates_new_label/*
#[test]
fn migrate_alias_to_dynamic_label() {
    let cases = [
        (
            "one known alias pattern: metric",
            "{{metric}}",
            "${PROP('MetricName')}",
        ),
        (
            "one known alias pattern: namespace",
            "{{namespace}}",
            "${PROP('Namespace')}",
        ),
        (
            "one known alias pattern: period",
            "{{period}}",
            "${PROP('Period')}",
        ),
        (
            "one known alias pattern: region",
            "{{region}}",
            "${PROP('Region')}",
        ),
        (
            "one known alias pattern: stat",
            "{{stat}}",
            "${PROP('Stat')}",
        ),
        ("one known alias pattern: label", "{{label}}", "${LABEL}"),
        (
            "one unknown alias pattern becomes dimension",
            "{{any_other_word}}",
            "${PROP('Dim.any_other_word')}",
        ),
        (
            "one known alias pattern with spaces",
            "{{ metric   }}",
            "${PROP('MetricName')}",
        ),
        (
            "multiple alias patterns",
            "some {{combination }}{{ label}} and {{metric}}",
            "some ${PROP('Dim.combination')}${LABEL} and ${PROP('MetricName')}",
        ),
        ("empty alias still migrates to empty label", "", ""),
    ];
    for (name, alias, want) in cases {
        assert_eq!(alias_to_label(alias), want, "{name}");
        let q = parsed("A", &json!({"namespace": "ec2", "metricName": "CPUUtilization", "alias": alias, "statistic": "Average", "period": "600"})).unwrap();
        assert_eq!(q.label.unwrap_or_default(), want, "{name}");
    }
}

// Test_ParseMetricDataQueries_migrate_alias_to_label/migrates alias to label when label does not already exist
#[test]
fn migrates_alias_to_label_when_label_does_not_already_exist() {
    let q = parsed("A", &json!({"refId": "A", "region": "us-east-1", "namespace": "ec2", "metricName": "CPUUtilization", "alias": "{{period}} {{any_other_word}}", "dimensions": {"InstanceId": ["test"]}, "statistic": "Average", "period": "600", "hide": false})).unwrap();
    assert_eq!(
        q.label.as_deref(),
        Some("${PROP('Period')} ${PROP('Dim.any_other_word')}")
    );
    assert_eq!(q.period, Period::Seconds(600));
    assert!(q.return_data);
}

// Test_ParseMetricDataQueries_migrate_alias_to_label/successfully migrates alias to dynamic label for multiple queries
#[test]
fn migrates_alias_to_dynamic_label_for_multiple_queries() {
    let b = batch(&[
        (
            "A",
            json!({"region": "us-east-1", "namespace": "ec2", "metricName": "CPUUtilization", "alias": "{{period}} {{any_other_word}}", "dimensions": {"InstanceId": ["test"]}, "statistic": "Average", "period": "600", "hide": false}),
        ),
        (
            "B",
            json!({"region": "us-east-1", "namespace": "ec2", "metricName": "CPUUtilization", "alias": "{{  label }}", "dimensions": {"InstanceId": ["test"]}, "statistic": "Average", "period": "600", "hide": false}),
        ),
    ]);
    assert_eq!(
        b.queries[0].label.as_deref(),
        Some("${PROP('Period')} ${PROP('Dim.any_other_word')}")
    );
    assert_eq!(b.queries[1].label.as_deref(), Some("${LABEL}"));
}

// Test_ParseMetricDataQueries_migrate_alias_to_label/does not migrate alias to label/when label already exists
#[test]
fn does_not_migrate_alias_when_label_already_exists() {
    let q = parsed("A", &json!({"refId": "A", "region": "us-east-1", "namespace": "ec2", "metricName": "CPUUtilization", "alias": "{{period}} {{any_other_word}}", "label": "some label", "dimensions": {"InstanceId": ["test"]}, "statistic": "Average", "period": "600", "hide": false})).unwrap();
    assert_eq!(q.label.as_deref(), Some("some label"));
    // An empty label wins over the alias too: no label is sent.
    assert_eq!(
        mdq(json!({"namespace": "ec2", "metricName": "CPUUtilization", "alias": "{{metric}}", "label": "", "statistic": "Average", "period": "600"})).label(),
        None
    );
}

// Test_ParseMetricDataQueries_statistics_and_query_type_validation_and_MatchExact_initialization/requires statistics or statistic field
// Grafana refuses a model with neither; Stratus uses Average, as for an empty list (README:
// where Stratus differs). A query with nothing to ask is refused, naming the field.
#[test]
fn statistics_default_to_average_and_an_empty_query_is_refused_by_field() {
    assert_eq!(
        statistic_of(json!({"namespace": "N", "metricName": "M"})),
        "Average"
    );
    assert_eq!(parsed("A", &json!({})).unwrap_err().field, "namespace");
}

// Test_ParseMetricDataQueries_statistics_and_query_type_validation_and_MatchExact_initialization/accepts empty query type
#[test]
fn accepts_empty_query_type() {
    assert!(parsed(
        "A",
        &json!({"statistic": "Average", "namespace": "N", "metricName": "M"})
    )
    .is_ok());
}

// Test_ParseMetricDataQueries_statistics_and_query_type_validation_and_MatchExact_initialization/sets MatchExact nil to MatchExact true
#[test]
fn sets_match_exact_nil_to_true() {
    match parsed(
        "A",
        &json!({"statistic": "Average", "namespace": "N", "metricName": "M"}),
    )
    .unwrap()
    .mode
    {
        Mode::Builder { match_exact, .. } => assert!(match_exact),
        other => panic!("{other:?}"),
    }
}

// Test_ParseMetricDataQueries_statistics_and_query_type_validation_and_MatchExact_initialization/sets MatchExact
#[test]
fn sets_match_exact() {
    match parsed(
        "A",
        &json!({"statistic": "Average", "matchExact": false, "namespace": "N", "metricName": "M"}),
    )
    .unwrap()
    .mode
    {
        Mode::Builder { match_exact, .. } => assert!(!match_exact),
        other => panic!("{other:?}"),
    }
}

// Test_ParseMetricDataQueries_account_Id/account is set when cross account querying enabled
#[test]
fn account_is_set_when_cross_account_querying_is_enabled() {
    let q = parsed("A", &json!({"accountId": "some account id", "statistic": "Average", "namespace": "N", "metricName": "M"})).unwrap();
    assert_eq!(q.account, Some(Account::One("some account id".into())));
}

// Test_ParseMetricDataQueries_default_region/default region is used when when region not set
#[test]
fn default_region_is_used_when_region_is_default() {
    let p = planned(
        &[(
            "ref1",
            json!({"refId": "ref1", "region": "default", "namespace": "ec2", "metricName": "CPUUtilization", "id": "", "expression": "", "dimensions": {"InstanceId": ["test"], "InstanceType": ["test2"]}, "statistic": "Average", "period": "900", "hide": false}),
        )],
        NOW - 2 * HOUR,
        NOW - HOUR,
    );
    assert_eq!(p.batches[0].region.as_str(), "us-east-2");
}

// Test_ParseMetricDataQueries_ApplyMacros/should expand $__period_auto macro when a metric search code query is used
// The time range's automatic period, not the query's own (600).
#[test]
fn apply_macros_expands_period_auto_in_a_metric_search_code_query() {
    for (hours, want) in [(2, "60"), (100, "300"), (1000, "3600")] {
        let p = planned(
            &[(
                "A",
                json!({"refId": "A", "region": "us-east-1", "namespace": "ec2", "metricName": "CPUUtilization", "dimensions": {"InstanceId": ["test"]}, "statistic": "Average", "period": "600", "hide": false, "expression": "SEARCH('{AWS/EC2,InstanceId}', 'Average', $__period_auto)", "metricQueryType": 0, "metricEditorMode": 1}),
            )],
            NOW - hours * HOUR,
            NOW,
        );
        assert_eq!(
            p.batches[0].queries[0].spec.expression(),
            Some(format!("SEARCH('{{AWS/EC2,InstanceId}}', 'Average', {want})").as_str()),
            "{hours} hours"
        );
    }
}

// Test_ParseMetricDataQueries_ApplyMacros/should not expand __period_auto macro if it's a metric query code query
#[test]
fn apply_macros_does_not_expand_period_auto_in_metrics_insights() {
    let q = one(
        json!({"refId": "A", "region": "us-east-1", "statistic": "Average", "period": "600", "hide": false, "sqlExpression": "SEARCH('{AWS/EC2,InstanceId}', 'Average', $__period_auto)", "metricQueryType": 1, "metricEditorMode": 1}),
    );
    assert_eq!(
        q.spec.expression(),
        Some("SEARCH('{AWS/EC2,InstanceId}', 'Average', $__period_auto)")
    );
}

// TestGetEndpoint/should create correct endpoint for *
#[test]
fn get_endpoint() {
    for (region, want) in [
        ("us-east-1", "us-east-1.console.aws.amazon.com"),
        (
            "us-gov-east-1",
            "us-gov-east-1.console.amazonaws-us-gov.com",
        ),
        ("cn-northwest-1", "cn-northwest-1.console.amazonaws.cn"),
    ] {
        assert_eq!(format!("{region}.{}", console_host(region).unwrap()), want);
    }
}

// Test_ParseMetricDataQueries_statistics_and_query_type_validation_and_MatchExact_initialization/ignores query types which are not timeSeriesQuery
// Grafana drops such a query without an answer; Stratus answers every metrics query of the
// request (README: where Stratus differs).
#[test]
fn a_query_of_another_type_is_answered_not_dropped() {
    let q = one(
        json!({"type": "some other type", "statistic": "Average", "matchExact": false, "namespace": "N", "metricName": "M"}),
    );
    assert!(matches!(q.spec, Spec::Search(_)));
}
