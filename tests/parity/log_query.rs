//! Mirrors grafana/grafana-cloudwatch-datasource `pkg/cloudwatch/log_query_test.go`: Logs
//! Insights results (GetQueryResults outputs built with the AWS SDK's own types) as frames,
//! through Stratus's pure core, decoded with arrow-rs's reader. Grafana's
//! `logsResultsToDataframes` is the frame an alert rule gets of a query that is not grouped
//! (`Audience::Server`); `groupResults(.., false)` a panel's groups, `(.., true)` an alert
//! rule's.

use aws_sdk_cloudwatchlogs::operation::get_query_results::GetQueryResultsOutput;
use aws_sdk_cloudwatchlogs::types::{QueryStatistics, QueryStatus, ResultField};
use serde_json::{json, Value};
use stratus::logs::execute::results;
use stratus::logs::frames::{frames, Audience, Context};

use crate::common::{decode_table, Table};

fn row(pairs: &[(&str, &str)]) -> Vec<ResultField> {
    pairs
        .iter()
        .map(|(f, v)| ResultField::builder().field(*f).value(*v).build())
        .collect()
}

fn output(
    rows: Vec<Vec<ResultField>>,
    statistics: Option<(f64, f64, f64)>,
) -> GetQueryResultsOutput {
    let mut out = GetQueryResultsOutput::builder()
        .status(QueryStatus::Complete)
        .set_results(Some(rows));
    if let Some((bytes, scanned, matched)) = statistics {
        out = out.statistics(
            QueryStatistics::builder()
                .bytes_scanned(bytes)
                .records_scanned(scanned)
                .records_matched(matched)
                .build(),
        );
    }
    out.build()
}

/// The frames of an output for `audience`, grouped by `groups`, decoded.
fn decoded(out: GetQueryResultsOutput, groups: &[&str], audience: Audience) -> Vec<Table> {
    let r = results(out);
    let ctx = Context {
        executed: "q".into(),
        status: r.status.clone(),
        statistics: r.statistics,
        ..Context::default()
    };
    let groups: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
    frames("A", &groups, audience, r.rows, &ctx)
        .iter()
        .map(|f| decode_table(&f.to_arrow().unwrap()))
        .collect()
}

fn ms(text: &str) -> Value {
    let t = aws_smithy_types::DateTime::from_str(
        &format!("{}Z", text.replacen(' ', "T", 1)),
        aws_smithy_types::date_time::Format::DateTime,
    )
    .unwrap();
    json!(t.to_millis().unwrap())
}

fn texts(values: &[&str]) -> Vec<Value> {
    values.iter().map(|v| json!(v)).collect()
}

/// (name, kind, values) of each field.
fn fields(t: &Table) -> Vec<(String, &'static str, Vec<Value>)> {
    t.fields
        .iter()
        .map(|f| (f.name.clone(), f.kind, f.values.clone()))
        .collect()
}

// TestLogsResultsToDataframes
#[test]
fn logs_results_to_dataframes() {
    let event = |time: &str, line: &str| {
        row(&[
            ("@ptr", "fake ptr"),
            ("@timestamp", time),
            ("line", line),
            ("@logStream", "fakelogstream"),
            ("@log", "fakelog"),
            ("__logstream__grafana_internal__", "fakelogstream"),
            ("__log__grafana_internal__", "fakelog"),
        ])
    };
    let out = output(
        vec![
            event("2020-03-02 15:04:05.000", "test message 1"),
            event("2020-03-02 16:04:05.000", "test message 2"),
            // Sometimes CloudWatch returns an empty row, or one with only a timestamp.
            vec![],
            row(&[("@timestamp", "2020-03-02 17:04:05.000")]),
            event("2020-03-02 17:04:05.000", "test message 3"),
        ],
        Some((2000.0, 5000.0, 3.0)),
    );
    let f = decoded(out, &[], Audience::Server).remove(0);
    assert_eq!(f.name, "CloudWatchLogsResponse");
    let three = |v: &str| texts(&[v, v, v]);
    assert_eq!(
        fields(&f),
        vec![
            (
                "@timestamp".into(),
                "time",
                vec![
                    ms("2020-03-02 15:04:05.000"),
                    ms("2020-03-02 16:04:05.000"),
                    ms("2020-03-02 17:04:05.000")
                ]
            ),
            (
                "line".into(),
                "string",
                texts(&["test message 1", "test message 2", "test message 3"])
            ),
            ("@logStream".into(), "string", three("fakelogstream")),
            ("@log".into(), "string", three("fakelog")),
            (
                "__logstream__grafana_internal__".into(),
                "string",
                three("fakelogstream")
            ),
            (
                "__log__grafana_internal__".into(),
                "string",
                three("fakelog")
            ),
        ],
        "@ptr is stripped, the filler rows are skipped"
    );
    assert_eq!(f.field("@timestamp").config, json!({"displayName": "Time"}));
    for hidden in [
        "__logstream__grafana_internal__",
        "__log__grafana_internal__",
    ] {
        assert_eq!(f.field(hidden).config, json!({"custom": {"hidden": true}}));
    }
    assert_eq!(f.meta["custom"], json!({"Status": "Complete"}));
    assert_eq!(
        f.meta["stats"],
        json!([
            {"displayName": "Bytes scanned", "value": 2000.0},
            {"displayName": "Records scanned", "value": 5000.0},
            {"displayName": "Records matched", "value": 3.0}
        ])
    );
}

// TestLogsResultsToDataframes_MixedTypes_NumericValuesMixedWithStringFallBackToStringValues
#[test]
fn logs_results_to_dataframes_mixed_types_numeric_values_mixed_with_string_fall_back_to_string_values(
) {
    let rows = ["-1.234", "1", "not a number", "2.000"]
        .iter()
        .map(|v| row(&[("numberOrString", v)]))
        .collect();
    let f = decoded(output(rows, None), &[], Audience::Server).remove(0);
    assert_eq!(
        fields(&f),
        vec![(
            "numberOrString".into(),
            "string",
            texts(&["-1.234", "1", "not a number", "2.000"])
        )]
    );
    assert_eq!(f.meta["custom"], json!({"Status": "Complete"}));
    assert!(f.meta.get("stats").is_none());
}

// TestLogsResultsToDataframes_With_Millisecond_Timestamps
#[test]
fn logs_results_to_dataframes_with_millisecond_timestamps() {
    let out = output(
        vec![row(&[
            ("@timestamp", "1732749534876"),
            ("@ingestionTime", "1732790372916"),
            ("stringTimeField", "2020-03-02 15:04:05.000"),
            ("message", "log message"),
        ])],
        None,
    );
    let f = decoded(out, &[], Audience::Server).remove(0);
    assert_eq!(
        fields(&f),
        vec![
            (
                "@timestamp".into(),
                "time",
                vec![json!(1_732_749_534_876_i64)]
            ),
            (
                "@ingestionTime".into(),
                "time",
                vec![json!(1_732_790_372_916_i64)]
            ),
            (
                "stringTimeField".into(),
                "time",
                vec![ms("2020-03-02 15:04:05.000")]
            ),
            ("message".into(), "string", texts(&["log message"])),
        ]
    );
    assert_eq!(f.field("@timestamp").config, json!({"displayName": "Time"}));
}

// TestLogsResultsToDataframes_With_Int_Grouping_Field
#[test]
fn logs_results_to_dataframes_with_int_grouping_field() {
    let out = output(
        vec![row(&[
            ("@timestamp", "1732749534876"),
            ("numberField", "8"),
            ("groupingNumber", "100"),
        ])],
        None,
    );
    // Grouped for a panel; one group, its fields typed as Grafana types them.
    let f = decoded(out, &["groupingNumber"], Audience::Panel).remove(0);
    assert_eq!(
        fields(&f),
        vec![
            (
                "@timestamp".into(),
                "time",
                vec![json!(1_732_749_534_876_i64)]
            ),
            ("numberField".into(), "number", vec![json!(8.0)]),
            ("groupingNumber".into(), "string", texts(&["100"])),
        ]
    );
}

// TestGroupKeyGeneration: the key is the group values run together, an empty one left out.
#[test]
fn group_key_generation() {
    let out = output(
        vec![
            row(&[
                ("@timestamp", "1732749534876"),
                ("@log", "fakelog-a"),
                ("stream", "stream-a"),
                ("n", "1"),
            ]),
            row(&[
                ("@timestamp", "1732749534877"),
                ("@log", "fakelog-b"),
                ("stream", "stream-b"),
                ("n", "1"),
            ]),
            row(&[
                ("@timestamp", "1732749534878"),
                ("@log", "fakelog-c"),
                ("stream", "stream-c"),
                ("n", "1"),
            ]),
            row(&[
                ("@timestamp", "1732749534879"),
                ("stream", "stream-d"),
                ("n", "1"),
            ]),
        ],
        None,
    );
    let names: Vec<String> = decoded(out, &["@log", "stream"], Audience::Panel)
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(
        names,
        [
            "fakelog-astream-a",
            "fakelog-bstream-b",
            "fakelog-cstream-c",
            "stream-d"
        ]
    );
}

/// Nine rows: three times, three log groups, a count each (TestGroupingResults' data).
fn nine_rows() -> GetQueryResultsOutput {
    let times = [
        "2020-03-02 15:04:05.000",
        "2020-03-02 16:04:05.000",
        "2020-03-02 17:04:05.000",
    ];
    let counts = [
        ["100", "150", "20"],
        ["34", "57", "62"],
        ["105", "200", "99"],
    ];
    let mut rows = Vec::new();
    for (t, time) in times.iter().enumerate() {
        for (g, log) in ["fakelog-a", "fakelog-b", "fakelog-c"].iter().enumerate() {
            rows.push(row(&[
                ("@timestamp", time),
                ("@log", log),
                ("count", counts[t][g]),
            ]));
        }
    }
    output(rows, None)
}

// TestGroupingResults: a panel's groups keep every field, without labels.
#[test]
fn grouping_results() {
    let frames = decoded(nine_rows(), &["@log"], Audience::Panel);
    let times = vec![
        ms("2020-03-02 15:04:05.000"),
        ms("2020-03-02 16:04:05.000"),
        ms("2020-03-02 17:04:05.000"),
    ];
    let want = [
        ("fakelog-a", ["100", "34", "105"]),
        ("fakelog-b", ["150", "57", "200"]),
        ("fakelog-c", ["20", "62", "99"]),
    ];
    assert_eq!(frames.len(), 3);
    for (f, (log, counts)) in frames.iter().zip(want) {
        assert_eq!(f.name, log);
        assert_eq!(
            fields(f),
            vec![
                ("@timestamp".into(), "time", times.clone()),
                ("@log".into(), "string", texts(&[log, log, log])),
                (
                    "count".into(),
                    "number",
                    counts
                        .iter()
                        .map(|c| json!(c.parse::<f64>().unwrap()))
                        .collect()
                ),
            ]
        );
        assert!(f.fields.iter().all(|x| x.labels.is_empty()));
    }
}

// TestGroupingResultsWithFromSyncQueryTrue: an alert rule's groups drop the group fields and
// label the values, named by the group values run together.
#[test]
fn grouping_results_with_from_sync_query_true() {
    let t0 = "2020-03-02 15:04:05.000";
    let t1 = "2020-03-02 15:05:05.000";
    let out = output(
        vec![
            row(&[
                ("@timestamp", t0),
                ("@log", "fakelog-a"),
                ("stream", "1"),
                ("count", "100"),
            ]),
            row(&[
                ("@timestamp", t0),
                ("@log", "fakelog-b"),
                ("stream", "1"),
                ("count", "150"),
            ]),
            row(&[
                ("@timestamp", t1),
                ("@log", "fakelog-a"),
                ("stream", "1"),
                ("count", "57"),
            ]),
            row(&[
                ("@timestamp", t1),
                ("@log", "fakelog-b"),
                ("stream", "1"),
                ("count", "62"),
            ]),
        ],
        None,
    );
    let frames = decoded(out, &["@log", "stream"], Audience::Server);
    let want = [
        ("fakelog-a", "fakelog-a1", [100.0, 57.0]),
        ("fakelog-b", "fakelog-b1", [150.0, 62.0]),
    ];
    assert_eq!(frames.len(), 2);
    for (f, (log, name, counts)) in frames.iter().zip(want) {
        assert_eq!(f.name, name);
        assert_eq!(
            fields(f),
            vec![
                ("@timestamp".into(), "time", vec![ms(t0), ms(t1)]),
                (
                    "count".into(),
                    "number",
                    counts.iter().map(|c| json!(c)).collect()
                ),
            ]
        );
        let count = f.field("count");
        assert_eq!(
            count.labels,
            [
                ("@log".to_string(), log.to_string()),
                ("stream".into(), "1".into())
            ]
            .into_iter()
            .collect()
        );
        assert_eq!(count.config["displayNameFromDS"], name);
        assert!(f.field("@timestamp").labels.is_empty());
    }
}

// log_actions_test.go TestGroupResponseFrame "Doesn't group results without time field": a
// panel's table without a time field is not split.
#[test]
fn group_response_frame_does_not_group_results_without_time_field() {
    let rows = [("val1", "10"), ("val2", "20"), ("val3", "30")]
        .iter()
        .map(|(s, n)| row(&[("something", s), ("n", n)]))
        .collect();
    let frames = decoded(output(rows, None), &["something"], Audience::Panel);
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].name, "A");
    assert_eq!(
        fields(&frames[0]),
        vec![
            (
                "something".into(),
                "string",
                texts(&["val1", "val2", "val3"])
            ),
            (
                "n".into(),
                "number",
                vec![json!(10.0), json!(20.0), json!(30.0)]
            ),
        ]
    );
}
