//! Mirrors grafana/grafana-cloudwatch-datasource `pkg/cloudwatch/log_actions_test.go` and
//! `log_sync_query_test.go` through Stratus's real gRPC service: StartQuery as moto (auth mode)
//! receives it, and answers from the fixture in front of moto (moto runs no stats, no PPL or
//! SQL, and has no StopQuery), which records every StartQuery's parameters and the region it
//! was signed for.
//!
//! Grafana's frontend drives a panel's logs query call by call (`subtype` StartQuery,
//! GetQueryResults, StopQuery, GetLogEvents); Stratus runs the whole query in the backend, so
//! a query marked `type: "logAction"` gets the frames Grafana's frontend ends up with. The
//! cases about the call-by-call protocol itself (a StartQuery answered with a query id,
//! StopQuery's answer, GetLogEvents for a row's context) have no counterpart.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::common::{data_query, decode_table, Table};
use crate::support::Rig;

/// Grafana's context-fields prefix of every CWLI query.
const PREFIX: &str = "fields @timestamp,ltrim(@log) as __log__grafana_internal__,ltrim(@logStream) as __logstream__grafana_internal__|";

fn rig() -> Rig {
    Rig::start(json!({
        "users": [{ "name": "alice" }],
        "log_groups": [{ "name": "/app/web", "events": [[60, "GET / 200"]] }]
    }))
}

type Answers = HashMap<String, Result<Vec<Table>, String>>;

/// QueryData over `from..to` (ms) with `headers`, in a data source of its own.
async fn query(
    r: &Rig,
    settings: Value,
    queries: Vec<(&str, Value)>,
    (from, to): (i64, i64),
    headers: &[(&str, &str)],
) -> Answers {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let ctx = r.ctx(&format!("parity-logs-{n}"), &settings);
    let qs = queries
        .into_iter()
        .map(|(id, q)| data_query(id, q, from, to))
        .collect();
    let resp = r.plugin.query_with_headers(ctx, qs, headers).await;
    resp.responses
        .into_iter()
        .map(|(id, r)| {
            let answer = if r.error.is_empty() {
                Ok(r.frames.iter().map(|f| decode_table(f)).collect())
            } else {
                Err(format!("{} [{}]", r.error, r.error_source))
            };
            (id, answer)
        })
        .collect()
}

/// The StartQuery parameters received since the last call, without the fixture's region.
fn started(r: &Rig, since: usize) -> Vec<Value> {
    r.apis.started_queries()[since..]
        .iter()
        .map(|p| {
            let mut p = p.clone();
            p.as_object_mut().unwrap().remove("_region");
            p
        })
        .collect()
}

/// The fixture answers queries containing `marker` Complete with `results`.
fn script(r: &Rig, scripts: Value) {
    r.apis.logs(&json!({ "scripts": scripts }));
}

const EPOCH_SECOND: (i64, i64) = (0, 1_000);

// TestQuery_StartQuery "invalid time range": a range that ends before it starts is the
// query's error, and nothing is started.
#[tokio::test(flavor = "multi_thread")]
async fn start_query_invalid_time_range() {
    let r = rig();
    let a = query(
        &r,
        json!({"defaultRegion": "us-east-2"}),
        vec![(
            "A",
            json!({"type": "logAction", "subtype": "StartQuery", "limit": 50, "region": "default",
                              "queryString": "fields @message", "logGroupNames": ["/app/web"]}),
        )],
        (1_584_873_443_000, 1_584_700_643_000),
        &[],
    )
    .await;
    let e = a["A"].as_ref().unwrap_err();
    assert!(e.contains("time range") || e.contains("timeRange"), "{e}");
    assert!(r.apis.started_queries().is_empty());
}

// Test_executeStartQuery "successfully parses information from JSON to StartQuery for
// language" (not defined, CWLI, PPL, SQL) and "does not populate StartQueryInput.limit when
// no limit provided".
#[tokio::test(flavor = "multi_thread")]
async fn execute_start_query_for_language() {
    let r = rig();
    r.monitoring(false);
    script(
        &r,
        json!([{"match": "fields @message"}, {"match": "SELECT * FROM logs"}]),
    );
    let names = json!(["some name", "another name"]);
    let logs = |extra: Value| {
        let mut q = json!({"queryMode": "Logs", "type": "logAction", "subtype": "StartQuery", "limit": 12,
                           "logGroupNames": ["some name", "another name"]});
        for (k, v) in extra.as_object().unwrap() {
            q[k] = v.clone();
        }
        q
    };
    for (case, extra, string, language, groups) in [
        (
            "not defined",
            json!({"queryString": "fields @message"}),
            format!("{PREFIX}fields @message"),
            "CWLI",
            Some(&names),
        ),
        (
            "CWLI",
            json!({"queryString": "fields @message", "queryLanguage": "CWLI"}),
            format!("{PREFIX}fields @message"),
            "CWLI",
            Some(&names),
        ),
        (
            "PPL",
            json!({"queryString": "source logs | fields @message", "queryLanguage": "PPL"}),
            "source logs | fields @message".into(),
            "PPL",
            Some(&names),
        ),
        (
            "SQL",
            json!({"queryString": "SELECT * FROM logs", "queryLanguage": "SQL"}),
            "SELECT * FROM logs".into(),
            "SQL",
            None,
        ),
    ] {
        let since = r.apis.started_queries().len();
        let a = query(&r, json!({}), vec![("A", logs(extra))], EPOCH_SECOND, &[]).await;
        assert!(a["A"].is_ok(), "{case}: {:?}", a["A"]);
        let mut want = json!({"startTime": 0, "endTime": 1, "limit": 12, "queryString": string, "queryLanguage": language});
        if let Some(g) = groups {
            want["logGroupNames"] = g.clone();
        }
        assert_eq!(started(&r, since), vec![want], "{case}");
    }
    let since = r.apis.started_queries().len();
    let mut no_limit = logs(json!({"queryString": "fields @message"}));
    no_limit.as_object_mut().unwrap().remove("limit");
    query(&r, json!({}), vec![("A", no_limit)], EPOCH_SECOND, &[]).await;
    let started = started(&r, since);
    assert_eq!(started.len(), 1);
    assert!(started[0].get("limit").is_none(), "{started:?}");
}

// Test_executeStartQuery: "attaches logGroupIdentifiers if the crossAccount feature is
// enabled", "... and strips out trailing *", "it always uses logGroups when feature flag is
// enabled and ignores log group names" (Grafana 2026: in a monitoring account);
// "uses LogGroupNames if the cross account feature flag is not enabled, and log group names is
// present" (outside one).
#[tokio::test(flavor = "multi_thread")]
async fn execute_start_query_log_groups_by_account() {
    let r = rig();
    script(&r, json!([{"match": "fields @message"}]));
    let q = |groups: Value, names: Option<Value>| {
        let mut q = json!({"queryMode": "Logs", "type": "logAction", "limit": 12, "queryLanguage": "CWLI",
                           "queryString": "fields @message", "logGroups": groups});
        if let Some(n) = names {
            q["logGroupNames"] = n;
        }
        q
    };
    let cases = [
        (
            true,
            q(json!([{"arn": "fakeARN"}]), None),
            json!({"logGroupIdentifiers": ["fakeARN"]}),
        ),
        (
            true,
            q(json!([{"arn": "*fake**ARN*"}]), None),
            json!({"logGroupIdentifiers": ["*fake**ARN"]}),
        ),
        (
            true,
            q(json!([{"arn": "*fake**ARN*"}]), Some(json!(["/log-group"]))),
            json!({"logGroupIdentifiers": ["*fake**ARN"]}),
        ),
        (
            false,
            q(
                json!([{"arn": "*fake**ARN*"}]),
                Some(json!(["/log-group-name"])),
            ),
            json!({"logGroupNames": ["/log-group-name"]}),
        ),
    ];
    for (monitoring, model, groups) in cases {
        r.monitoring(monitoring);
        let since = r.apis.started_queries().len();
        let a = query(&r, json!({}), vec![("A", model.clone())], EPOCH_SECOND, &[]).await;
        assert!(a["A"].is_ok(), "{model}: {:?}", a["A"]);
        let mut want = json!({"startTime": 0, "endTime": 1, "limit": 12,
                              "queryString": format!("{PREFIX}fields @message"), "queryLanguage": "CWLI"});
        for (k, v) in groups.as_object().unwrap() {
            want[k] = v.clone();
        }
        assert_eq!(started(&r, since), vec![want], "{model}");
    }
}

// Test_executeStartQuery "ignores logGroups if feature flag is disabled even if logGroupNames
// is not present": outside a monitoring account Grafana sends no log group at all, which AWS
// refuses. Stratus differs: the query gets a clear error of its own and nothing is started.
#[tokio::test(flavor = "multi_thread")]
async fn an_arn_without_a_name_outside_a_monitoring_account() {
    let r = rig();
    r.monitoring(false);
    let a = query(
            &r,
            json!({}),
            vec![("A", json!({"queryMode": "Logs", "type": "logAction", "limit": 12,
                              "queryString": "fields @message", "logGroups": [{"arn": "*fake**ARN*"}]}))],
            EPOCH_SECOND,
            &[],
        )
        .await;
    let e = a["A"].as_ref().unwrap_err();
    assert!(e.contains("`logGroups`"), "{e}");
    assert!(r.apis.started_queries().is_empty());
}

// TestQuery_GetQueryResults: what a panel ends up with (the frame Grafana's frontend gets
// from GetQueryResults): named by refId, @ptr dropped, the time shown as Time, status and
// statistics in the meta, the logs view preferred.
#[tokio::test(flavor = "multi_thread")]
async fn get_query_results() {
    let r = rig();
    script(
        &r,
        json!([{"match": "fields field_b", "results": [
            [["@timestamp", "2020-03-20 10:37:23.000"], ["field_b", "b_1"], ["@ptr", "abcdefg"]],
            [["@timestamp", "2020-03-20 10:40:43.000"], ["field_b", "b_2"], ["@ptr", "hijklmnop"]]
        ], "statistics": {"bytesScanned": 512.0, "recordsMatched": 256.0, "recordsScanned": 1024.0}}]),
    );
    let a = query(
        &r,
        json!({}),
        vec![(
            "A",
            json!({"queryMode": "Logs", "type": "logAction", "expression": "fields field_b",
                              "logGroupNames": ["/app/web"]}),
        )],
        EPOCH_SECOND,
        &[],
    )
    .await;
    let frames = a["A"].as_ref().unwrap();
    assert_eq!(frames.len(), 1);
    let f = &frames[0];
    assert_eq!((f.name.as_str(), f.ref_id.as_str()), ("A", "A"));
    let names: Vec<&str> = f.fields.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["@timestamp", "field_b"]);
    assert_eq!(
        f.field("@timestamp").values,
        vec![json!(1_584_700_643_000_i64), json!(1_584_700_843_000_i64)]
    );
    assert_eq!(f.field("@timestamp").config["displayName"], "Time");
    assert_eq!(f.field("field_b").values, vec![json!("b_1"), json!("b_2")]);
    assert_eq!(f.meta["custom"], json!({"Status": "Complete"}));
    assert_eq!(
        f.meta["stats"],
        json!([
            {"displayName": "Bytes scanned", "value": 512.0},
            {"displayName": "Records scanned", "value": 1024.0},
            {"displayName": "Records matched", "value": 256.0}
        ])
    );
    assert_eq!(f.meta["preferredVisualisationType"], "logs");
}

// log_sync_query_test.go Test_executeSyncLogQuery "with header" (alert header, expression
// header, no header) and "when query mode is 'Logs' and does not include type or subtype":
// the alert and expression headers, or a query without `type`, get Grafana's synchronous
// shape; a panel's query (`logAction`, no header) the panel's.
#[tokio::test(flavor = "multi_thread")]
async fn execute_sync_log_query_with_header() {
    let r = rig();
    script(
        &r,
        json!([{"match": "stats count(*) by service", "results": [
            [["@timestamp", "2020-03-20 10:37:23.000"], ["service", "web"], ["count(*)", "4"]],
            [["@timestamp", "2020-03-20 10:37:23.000"], ["service", "jobs"], ["count(*)", "2"]]
        ]}]),
    );
    let model = |typed: bool| {
        let mut q = json!({"queryMode": "Logs", "region": "default", "expression": "stats count(*) by service",
                           "statsGroups": ["service"], "logGroupNames": ["/app/web"]});
        if typed {
            q["type"] = json!("logAction");
            q["subtype"] = json!("StartQuery");
        }
        q
    };
    for (case, typed, headers, synchronous) in [
        (
            "alert header",
            true,
            vec![("FromAlert", "some value")],
            true,
        ),
        (
            "expression header",
            true,
            vec![("http_X-Grafana-From-Expr", "some value")],
            true,
        ),
        ("no header", true, vec![], false),
        ("no type or subtype", false, vec![], true),
    ] {
        let a = query(
            &r,
            json!({}),
            vec![("A", model(typed))],
            EPOCH_SECOND,
            &headers,
        )
        .await;
        let frames = a["A"].as_ref().unwrap();
        let web = &frames[0];
        assert_eq!(web.name, "web", "{case}");
        let fields: Vec<&str> = web.fields.iter().map(|f| f.name.as_str()).collect();
        if synchronous {
            assert_eq!(fields, ["@timestamp", "count(*)"], "{case}");
            assert_eq!(web.field("count(*)").labels["service"], "web", "{case}");
        } else {
            assert_eq!(fields, ["@timestamp", "service", "count(*)"], "{case}");
            assert!(web.field("count(*)").labels.is_empty(), "{case}");
        }
    }
}

// Test_executeSyncLogQuery "getCWLogsClient is called with region from input JSON" and
// "... with region from instance manager when region is default".
#[tokio::test(flavor = "multi_thread")]
async fn execute_sync_log_query_region() {
    let r = rig();
    script(&r, json!([{"match": "fields @message"}]));
    for (region, want) in [("eu-west-1", "eu-west-1"), ("default", "us-east-1")] {
        let since = r.apis.started_queries().len();
        query(
            &r,
            json!({"defaultRegion": "us-east-1"}),
            vec![(
                "A",
                json!({"queryMode": "Logs", "region": region, "expression": "fields @message",
                              "logGroupNames": ["/app/web"]}),
            )],
            EPOCH_SECOND,
            &[("FromAlert", "some value")],
        )
        .await;
        let started = &r.apis.started_queries()[since..];
        assert_eq!(started.len(), 1);
        assert_eq!(started[0]["_region"], want, "{region}");
    }
}

// Test_executeSyncLogQuery_handles_RefId_from_input_queries: "when a query refId is not
// provided, 'A' is assigned by default", "when a query refId is provided, it is returned in
// the response", "when RefIDs are provided, correctly pass them on with the results".
#[tokio::test(flavor = "multi_thread")]
async fn execute_sync_log_query_handles_ref_id_from_input_queries() {
    let r = rig();
    script(
        &r,
        json!([
            {"match": "query string for A", "results": [[["@log", "A result"]]]},
            {"match": "query string for B", "results": [[["@log", "B result"]]]}
        ]),
    );
    let q = |s: &str| json!({"queryMode": "Logs", "expression": s, "logGroupNames": ["/app/web"]});
    let alert = [("FromAlert", "some value")];
    let unnamed = query(
        &r,
        json!({}),
        vec![("", q("query string for A"))],
        EPOCH_SECOND,
        &alert,
    )
    .await;
    assert!(unnamed.contains_key("A"), "{:?}", unnamed.keys());
    let a = query(
        &r,
        json!({}),
        vec![
            ("A", q("query string for A")),
            ("B", q("query string for B")),
        ],
        EPOCH_SECOND,
        &alert,
    )
    .await;
    for (id, want) in [("A", "A result"), ("B", "B result")] {
        let frames = a[id].as_ref().unwrap();
        let fields: Vec<(&str, &Vec<Value>)> = frames[0]
            .fields
            .iter()
            .map(|f| (f.name.as_str(), &f.values))
            .collect();
        assert_eq!(fields, vec![("@log", &vec![json!(want)])], "{id}");
    }
}

// Test_executeSyncLogQuery_handles_RefId_from_input_queries "when logsTimeout setting is
// defined, the polling period will be set to that variable": Grafana fails the query when
// logsTimeout runs out. Stratus differs: it stops the query and answers with the rows found so
// far and a notice naming logsTimeout.
#[tokio::test(flavor = "multi_thread")]
async fn when_logs_timeout_setting_is_defined() {
    let r = rig();
    script(
        &r,
        json!([{"match": "query string for A", "statuses": ["Running"],
                "partial": [[["@message", "so far"]]]}]),
    );
    let a = query(
            &r,
            json!({"logsTimeout": "1s"}),
            vec![("A", json!({"queryMode": "Logs", "expression": "query string for A", "logGroupNames": ["/app/web"]}))],
            EPOCH_SECOND,
            &[("FromAlert", "some value")],
        )
        .await;
    let f = &a["A"].as_ref().unwrap()[0];
    assert_eq!(f.field("@message").values, vec![json!("so far")]);
    assert!(f.meta["notices"][0]["text"]
        .as_str()
        .unwrap()
        .contains("logsTimeout"));
    assert_eq!(r.apis.counts()["StopQuery"], 1);
}

// Test_executeSyncLogQuery_handles_RefId_from_input_queries "when getQueryResults returns aws
// error is returned, it keeps the context": the query's error carries AWS's code and message,
// and AWS is to blame.
#[tokio::test(flavor = "multi_thread")]
async fn when_get_query_results_returns_aws_error_it_keeps_the_context() {
    let r = rig();
    script(
        &r,
        json!([{"match": "fields @message", "poll_error": {"code": "foo", "message": "bar"}}]),
    );
    let a = query(
            &r,
            json!({}),
            vec![("A", json!({"queryMode": "Logs", "expression": "fields @message", "logGroupNames": ["/app/web"]}))],
            EPOCH_SECOND,
            &[("FromAlert", "some value")],
        )
        .await;
    let e = a["A"].as_ref().unwrap_err();
    assert!(e.contains("foo") && e.contains("bar"), "{e}");
    assert!(e.ends_with("[downstream]"), "{e}");
}
