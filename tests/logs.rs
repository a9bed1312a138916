//! CloudWatch Logs Insights through QueryData: queries moto runs (auth mode on) compared with
//! boto3's StartQuery/GetQueryResults on the same data, and, from the fixture in front of it
//! (moto answers every query Complete at once and has no StopQuery or stats), queries that run
//! for a while, stats, failures and AWS's concurrency limit.

mod common;

use std::time::Duration;

use common::*;
use grafana_current::pluginv2;
use serde_json::{json, Value};

const CANARY: &str = "CANARY-logs-secret-0123456789";

struct Rig {
    plugin: Plugin,
    apis: MissingApis,
    seeded: Value,
    _moto: Moto,
}

fn rig() -> Rig {
    let moto = Moto::start();
    let seeded = moto.seed(json!({
        "users": [{ "name": "alice" }, { "name": "bob", "logs": false }],
        "log_groups": [
            { "name": "/app/web", "events": [[300, "GET /a 200 12ms"], [200, "GET /b 500 80ms"], [100, "POST /c 201 7ms"]] },
            { "name": "/app/jobs", "events": [[150, "job 1 done"], [50, "job 2 done"]] },
            { "name": "/app/old", "events": [[7200, "long ago"]] }
        ]
    }));
    let apis = MissingApis::start(&moto.endpoint);
    Rig {
        plugin: Plugin::start(&[]),
        apis,
        seeded,
        _moto: moto,
    }
}

impl Rig {
    fn ctx(&self, user: &str, extra: Value) -> pluginv2::PluginContext {
        let mut jd = json_data("keys", &self.apis.endpoint);
        for (k, v) in extra.as_object().unwrap() {
            jd[k] = v.clone();
        }
        let k = keys(&self.seeded["users"][user]);
        let mut secure_pairs = secure(&k);
        secure_pairs.push(("canary", CANARY));
        // A data source of its own each time: settings differ, and Grafana would give a
        // re-saved data source a new version.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        ds(&format!("logs-{user}-{n}"), jd, &secure_pairs)
    }

    async fn run(
        &self,
        ctx: pluginv2::PluginContext,
        queries: Vec<(&str, Value)>,
        range_s: i64,
    ) -> std::collections::HashMap<String, Result<Vec<Table>, String>> {
        let now = now_ms();
        let qs = queries
            .into_iter()
            .map(|(id, q)| data_query(id, q, now - range_s * 1000, now))
            .collect();
        let resp = self.plugin.query(ctx, qs).await;
        resp.responses
            .into_iter()
            .map(|(id, r)| {
                let answer = if r.error.is_empty() {
                    Ok(r.frames.iter().map(|f| decode_table(f)).collect())
                } else {
                    Err(r.error)
                };
                (id, answer)
            })
            .collect()
    }
}

/// boto3's StartQuery + GetQueryResults for the same question: rows of (field, value).
fn boto3_rows(
    endpoint: &str,
    user: &Value,
    groups: &[&str],
    query: &str,
    range_s: i64,
) -> Vec<Vec<(String, String)>> {
    let script = r#"
import json, sys, time, boto3
endpoint, key, secret = sys.argv[1:4]
q = json.load(sys.stdin)
logs = boto3.client("logs", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
now = time.time()
qid = logs.start_query(logGroupNames=q["groups"], startTime=int(now - q["range"]), endTime=int(now) + 1, queryString=q["query"])["queryId"]
while True:
    out = logs.get_query_results(queryId=qid)
    if out["status"] not in ("Running", "Scheduled"):
        break
    time.sleep(0.2)
print(json.dumps([[[f["field"], f["value"]] for f in row] for row in out["results"]]))
"#;
    let mut cmd = std::process::Command::new(python());
    cmd.args(["-c", script, endpoint])
        .arg(user["access_key_id"].as_str().unwrap())
        .arg(user["secret_access_key"].as_str().unwrap());
    serde_json::from_value(json_script(
        cmd,
        &json!({"groups": groups, "query": query, "range": range_s}),
    ))
    .unwrap()
}

/// The rows of a logs frame, as (field, value text) pairs like AWS's, without empty cells.
fn rows(t: &Table) -> Vec<Vec<(String, String)>> {
    let n = t.fields.first().map_or(0, |f| f.values.len());
    (0..n)
        .map(|r| {
            t.fields
                .iter()
                .filter(|f| !f.values[r].is_null())
                .map(|f| {
                    let v = match &f.values[r] {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (f.name.clone(), v)
                })
                .collect()
        })
        .collect()
}

/// The query string StartQuery gets for a CWLI query, behind Grafana's context fields.
fn sent(query: &str) -> String {
    format!("fields @timestamp,ltrim(@log) as __log__grafana_internal__,ltrim(@logStream) as __logstream__grafana_internal__|{query}")
}

/// boto3's rows as a panel shows them: without `@ptr`, earliest first.
fn as_panel_shows(mut rows: Vec<Vec<(String, String)>>) -> Vec<Vec<(String, String)>> {
    for r in &mut rows {
        r.retain(|(f, _)| f != "@ptr");
    }
    let time = |r: &Vec<(String, String)>| {
        r.iter()
            .find(|(f, _)| f == "@timestamp")
            .map(|(_, v)| v.parse::<i64>().unwrap())
    };
    rows.sort_by_key(time);
    rows
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_rows_are_what_an_independent_client_finds() {
    let r = rig();
    let query = "fields @timestamp, @message | sort @timestamp desc | limit 20";
    let answers = r
        .run(
            r.ctx("alice", json!({})),
            vec![
                // Grafana's current form (names only, as the editor stores groups without ARNs)
                // and the older logGroupNames, as Stratus's editor sends them (a panel's).
                ("A", json!({"queryMode": "Logs", "type": "logAction", "expression": query, "logGroups": [{"name": "/app/web"}, {"name": "/app/jobs"}], "region": "default", "limit": 4})),
                ("B", json!({"queryMode": "Logs", "type": "logAction", "expression": query, "logGroupNames": ["/app/web"], "id": "", "statsGroups": []})),
                // Nothing in the range: an empty logs frame, not an error.
                ("C", json!({"queryMode": "Logs", "type": "logAction", "expression": query, "logGroupNames": ["/app/old"]})),
            ],
            3600,
        )
        .await;
    let a = answers["A"].as_ref().unwrap();
    assert_eq!(a.len(), 1, "one logs frame");
    let frame = &a[0];
    assert_eq!(frame.name, "A");
    assert_eq!(frame.meta["preferredVisualisationType"], "logs");
    assert_eq!(frame.meta["executedQueryString"], sent(query));
    assert_eq!(frame.meta["custom"]["Status"], "Complete");
    assert_eq!(frame.field("@timestamp").kind, "time");
    assert_eq!(frame.field("@timestamp").config["displayName"], "Time");
    assert!(
        frame.fields.iter().all(|f| f.name != "@ptr"),
        "@ptr is dropped, as Grafana drops it"
    );
    let link = &frame.field("@message").config["links"][0];
    assert_eq!(link["title"], "View in CloudWatch console");
    assert!(link["url"]
        .as_str()
        .unwrap()
        .contains("#logs-insights:queryDetail=~(end~'"));
    let messages: Vec<&str> = frame
        .field("@message")
        .values
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    // The hour's events of both groups, earliest first; not /app/old's.
    assert_eq!(
        messages,
        [
            "GET /a 200 12ms",
            "GET /b 500 80ms",
            "job 1 done",
            "POST /c 201 7ms",
            "job 2 done"
        ]
    );
    // StartQuery got the names, the stored limit and Grafana's context fields.
    let started = r.apis.started_queries();
    let a_started = started
        .iter()
        .find(|p| p.get("limit").is_some())
        .expect("A's StartQuery");
    assert_eq!(a_started["limit"], 4);
    assert_eq!(a_started["logGroupNames"], json!(["/app/web", "/app/jobs"]));
    assert_eq!(a_started["queryString"], sent(query));
    // The same question through boto3: the same rows (times as moto writes them, in ms).
    let user = &r.seeded["users"]["alice"];
    let want = boto3_rows(
        &r.apis.endpoint,
        user,
        &["/app/web", "/app/jobs"],
        &sent(query),
        3600,
    );
    assert_eq!(rows(frame), as_panel_shows(want));
    let nothing = &answers["C"].as_ref().unwrap()[0];
    assert!(nothing.fields.is_empty());
    let b = &answers["B"].as_ref().unwrap()[0];
    let want_b = boto3_rows(&r.apis.endpoint, user, &["/app/web"], &sent(query), 3600);
    assert_eq!(rows(b), as_panel_shows(want_b.clone()));
    assert_eq!(want_b.len(), 3);
    // The event times are the ones seeded.
    let seeded_ms: Vec<i64> = r.seeded["log_groups"][0]["timestamps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_i64().unwrap())
        .collect();
    let mut got_ms: Vec<i64> = b
        .field("@timestamp")
        .values
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    got_ms.sort();
    assert_eq!(got_ms, seeded_ms);
}

/// A stats query's scripted answer: counts by 5-minute bin and service.
fn script_stats(r: &Rig) {
    let t = |m: i64| format!("2026-11-30 10:{m:02}:00.000");
    let result = |m: i64, service: &str, n: &str| {
        json!([["bin(5m)", t(m)], ["service", service], ["count(*)", n]])
    };
    r.apis.logs(&json!({"scripts": [{
        "match": "stats count(*) by bin(5m), service",
        "statuses": ["Running", "Complete"],
        "results": [result(5, "web", "4"), result(0, "web", "2"), result(0, "jobs", "7")]
    }]}));
}

/// A stats series as an alert rule sees it: frame name, `service` label, display name, times
/// and values.
type Series = (String, String, Value, Vec<Value>, Vec<Value>);

fn at_minute(m: i64) -> Value {
    json!(aws_smithy_types::DateTime::from_str(
        &format!("2026-11-30T10:{m:02}:00Z"),
        aws_smithy_types::date_time::Format::DateTime
    )
    .unwrap()
    .to_millis()
    .unwrap())
}

// Mirrors grafana/grafana-cloudwatch-datasource pkg/cloudwatch/log_query_test.go
// TestGroupingResultsWithFromSyncQueryTrue, through the gRPC service: an alert rule's stats
// query (Grafana's FromAlert header) gets one series per group, the group as labels.
#[tokio::test(flavor = "multi_thread")]
async fn stats_for_an_alert_rule_are_one_labelled_series_per_group() {
    let r = rig();
    script_stats(&r);
    let arn = r.seeded["log_groups"][0]["arn"]
        .as_str()
        .unwrap()
        .to_string();
    let now = now_ms();
    let query = "filter @message like /GET|POST/ | stats count(*) by bin(5m), service";
    let q = data_query(
        "A",
        json!({"queryMode": "Logs", "expression": query, "statsGroups": ["bin(5m)", "service"],
               "logGroups": [{"arn": format!("{arn}:*"), "name": "/app/web"}]}),
        now - 3_600_000,
        now,
    );
    let resp = r
        .plugin
        .query_with_headers(r.ctx("alice", json!({})), vec![q], &[("FromAlert", "true")])
        .await;
    let frames: Vec<Table> = resp.responses["A"]
        .frames
        .iter()
        .map(|f| decode_table(f))
        .collect();
    let series: Vec<Series> = frames
        .iter()
        .map(|f| {
            let count = f.field("count(*)");
            (
                f.name.clone(),
                count.labels["service"].clone(),
                count.config["displayNameFromDS"].clone(),
                f.field("bin(5m)").values.clone(),
                count.values.clone(),
            )
        })
        .collect();
    assert_eq!(
        series,
        vec![
            (
                "web".into(),
                "web".into(),
                json!("web"),
                vec![at_minute(0), at_minute(5)],
                vec![json!(2.0), json!(4.0)]
            ),
            (
                "jobs".into(),
                "jobs".into(),
                json!("jobs"),
                vec![at_minute(0)],
                vec![json!(7.0)]
            ),
        ]
    );
    assert!(
        frames
            .iter()
            .all(|f| f.fields.len() == 2 && f.fields[0].kind == "time"),
        "the group field leaves the frame; the bin comes first"
    );
    // Not a monitoring account: the group went to StartQuery by name, as Grafana sends it.
    let started = r.apis.started_queries();
    assert_eq!(started[0]["logGroupNames"], json!(["/app/web"]));
    assert!(started[0].get("logGroupIdentifiers").is_none());
    assert_eq!(started[0]["queryLanguage"], "CWLI");
    assert_eq!(started[0]["queryString"], sent(query));
}

// Mirrors log_query_test.go TestGroupingResults (the panel's grouping) and
// log_actions_test.go "attaches logGroupIdentifiers ... and strips out trailing *": in a
// monitoring account, ARNs go to StartQuery; a panel's frames keep the group's field.
#[tokio::test(flavor = "multi_thread")]
async fn stats_for_a_panel_in_a_monitoring_account() {
    let r = rig();
    script_stats(&r);
    let alice = &r.seeded["users"]["alice"];
    r.apis.oam(&json!({
        "keys": {alice["access_key_id"].as_str().unwrap(): alice["secret_access_key"]},
        "sinks": [{"Arn": "arn:aws:oam:us-east-1:123456789012:sink/s1", "Id": "s1", "Name": "monitoring"}],
        "links": [],
    }));
    let arn = r.seeded["log_groups"][0]["arn"]
        .as_str()
        .unwrap()
        .to_string();
    let answers = r
        .run(
            r.ctx("alice", json!({})),
            vec![(
                "A",
                json!({"queryMode": "Logs", "type": "logAction", "expression": "stats count(*) by bin(5m), service",
                       "statsGroups": ["bin(5m)", "service"],
                       "logGroups": [{"arn": format!("{arn}:*"), "name": "/app/web"}, {"arn": "*"}]}),
            )],
            3600,
        )
        .await;
    let frames = answers["A"].as_ref().unwrap();
    assert_eq!(
        frames.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
        ["web", "jobs"]
    );
    let web = &frames[0];
    assert_eq!(
        web.fields
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>(),
        ["bin(5m)", "service", "count(*)"]
    );
    assert!(web.fields.iter().all(|f| f.labels.is_empty()));
    assert_eq!(web.field("count(*)").values, vec![json!(2.0), json!(4.0)]);
    let started = r.apis.started_queries();
    assert_eq!(
        started[0]["logGroupIdentifiers"],
        json!([format!("{arn}:")])
    );
    assert!(started[0].get("logGroupNames").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_query_still_running_is_stopped_and_answered_with_what_it_found() {
    let r = rig();
    r.apis.logs(&json!({"scripts": [{
        "match": "slow",
        "statuses": ["Running"],
        "partial": [[["@timestamp", "2026-11-30 10:00:00.000"], ["@message", "first"]]]
    }]}));
    // logsTimeout runs out: the query is stopped, the panel gets the rows so far and a notice.
    let answers = r
        .run(
            r.ctx("alice", json!({"logsTimeout": "2s"})),
            vec![("A", json!({"queryMode": "Logs", "expression": "fields @message | filter slow", "logGroupNames": ["/app/web"]}))],
            3600,
        )
        .await;
    let frame = &answers["A"].as_ref().unwrap()[0];
    assert_eq!(frame.field("@message").values, vec![json!("first")]);
    let notice = frame.meta["notices"][0]["text"].as_str().unwrap();
    assert!(
        notice.contains("after 2s") && notice.contains("logsTimeout"),
        "{notice}"
    );
    assert_eq!(r.apis.counts()["StopQuery"], 1);
    // Grafana cancels the request (the user left the dashboard): the query is stopped too.
    let ctx = r.ctx("alice", json!({}));
    let now = now_ms();
    let q = data_query(
        "A",
        json!({"queryMode": "Logs", "expression": "fields @message | filter slow", "logGroupNames": ["/app/web"]}),
        now - 60_000,
        now,
    );
    let cancelled =
        tokio::time::timeout(Duration::from_secs(2), r.plugin.query(ctx, vec![q])).await;
    assert!(cancelled.is_err(), "the query was still running");
    let mut stops = 0;
    for _ in 0..50 {
        stops = r.apis.counts()["StopQuery"];
        if stops == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(stops, 2, "the cancelled request's query was stopped");
}

#[tokio::test(flavor = "multi_thread")]
async fn queries_beyond_the_data_sources_bound_wait_their_turn() {
    let r = rig();
    r.apis.logs(&json!({"scripts": [{
        "match": "bounded",
        "statuses": ["Running", "Complete"],
        "results": [[["@message", "done"]]]
    }]}));
    let q = json!({"queryMode": "Logs", "expression": "fields @message | filter bounded", "logGroupNames": ["/app/web"]});
    let queries = (0..4)
        .map(|i| (["A", "B", "C", "D"][i], q.clone()))
        .collect();
    let answers = r
        .run(
            r.ctx("alice", json!({"logsConcurrentQueries": 2})),
            queries,
            600,
        )
        .await;
    assert!(answers
        .values()
        .all(|a| a.as_ref().unwrap()[0].field("@message").values == vec![json!("done")]));
    let counts = r.apis.counts();
    assert_eq!(counts["StartQuery"], 4);
    assert_eq!(
        counts["MaxRunning"], 2,
        "never more than logsConcurrentQueries at once"
    );
    assert!(
        !counts.contains_key("StopQuery"),
        "finished queries are not stopped"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn each_bad_logs_query_gets_its_own_error_and_nothing_leaks() {
    let mut r = rig();
    r.apis.logs(&json!({"scripts": [
        {"match": "failing", "statuses": ["Running", "Failed"]},
        {"match": "crowded", "error": "LimitExceededException"}
    ]}));
    let logs = |expr: &str| json!({"queryMode": "Logs", "expression": expr, "logGroupNames": ["/app/web"]});
    let answers = r
        .run(
            r.ctx("alice", json!({})),
            vec![
                ("Empty", json!({"queryMode": "Logs", "expression": "", "logGroupNames": ["/app/web"]})),
                ("NoGroups", json!({"queryMode": "Logs", "expression": "fields @message"})),
                ("Language", json!({"queryMode": "Logs", "expression": "x", "logGroupNames": ["g"], "queryLanguage": "KQL"})),
                ("Failed", logs("fields @message | filter failing")),
                ("Limit", logs("fields @message | filter crowded")),
                ("Good", logs("fields @message | limit 1")),
            ],
            3600,
        )
        .await;
    let err = |id: &str| answers[id].as_ref().unwrap_err().clone();
    assert!(err("Empty").contains("`expression`"), "{}", err("Empty"));
    assert!(
        err("NoGroups").contains("`logGroups`"),
        "{}",
        err("NoGroups")
    );
    assert!(
        err("Language").contains("`queryLanguage`"),
        "{}",
        err("Language")
    );
    assert!(err("Failed").contains("status Failed"), "{}", err("Failed"));
    assert!(
        err("Limit").contains("LimitExceededException")
            && err("Limit").contains("logsConcurrentQueries"),
        "{}",
        err("Limit")
    );
    assert_eq!(
        answers["Good"].as_ref().unwrap()[0]
            .field("@message")
            .values
            .len(),
        1
    );
    // A range of centuries.
    let ctx = r.ctx("alice", json!({}));
    let q = data_query(
        "C",
        logs("fields @message"),
        -300 * 365 * 86_400_000,
        now_ms(),
    );
    let resp = r.plugin.query(ctx, vec![q]).await;
    assert!(
        resp.responses["C"].error.contains("1970"),
        "{}",
        resp.responses["C"].error
    );
    // A user without logs permissions: AWS's refusal, named.
    let denied = r
        .run(
            r.ctx("bob", json!({})),
            vec![("A", logs("fields @message"))],
            600,
        )
        .await;
    let e = denied["A"].as_ref().unwrap_err();
    assert!(
        e.contains("StartQuery") && e.contains("AccessDenied"),
        "{e}"
    );
    // Its health check says metrics work and logs do not, and what to allow.
    let health = r.plugin.health(r.ctx("bob", json!({}))).await;
    assert_eq!(health.status, ERROR, "{}", health.message);
    assert!(
        health.message.contains("CloudWatch metrics reachable in us-east-1, but CloudWatch Logs DescribeLogGroups failed")
            && health.message.contains("logs:StartQuery"),
        "{}",
        health.message
    );
    assert_eq!(details(&health)["metrics"], "ok");
    let ok = r.plugin.health(r.ctx("alice", json!({}))).await;
    assert!(
        ok.message
            .ends_with("CloudWatch and CloudWatch Logs reachable in us-east-1"),
        "{}",
        ok.message
    );
    // The plugin lives, and no secret of the data source reached its logs.
    assert!(r.plugin.alive());
    let out = r.plugin.output();
    for secret in [
        CANARY,
        r.seeded["users"]["alice"]["secret_access_key"]
            .as_str()
            .unwrap(),
    ] {
        assert!(!out.contains(secret), "a secret reached the plugin's logs");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn log_groups_and_their_fields_for_the_editor_and_variables() {
    let r = rig();
    let ctx = || r.ctx("alice", json!({}));
    // Every group, with the ARN queries take and the account; as boto3 lists them.
    let (status, body) = r.plugin.resource(ctx(), "log-groups").await;
    assert_eq!(status, 200, "{body}");
    let names: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["value"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["/app/jobs", "/app/old", "/app/web"]);
    assert_eq!(body[2]["value"]["arn"], r.seeded["log_groups"][0]["arn"]);
    assert_eq!(body[2]["accountId"], "123456789012");
    let (_, web) = r
        .plugin
        .resource(
            ctx(),
            "log-groups?logGroupNamePrefix=%2Fapp%2Fw&region=us-east-1",
        )
        .await;
    assert_eq!(web.as_array().unwrap().len(), 1);
    let (_, two) = r.plugin.resource(ctx(), "log-groups?limit=2").await;
    assert_eq!(two.as_array().unwrap().len(), 2);
    // Fields, most common first, from the fixture (moto has no GetLogGroupFields).
    r.apis.logs(&json!({"fields": {"/app/web": [
        {"name": "@message", "percent": 100}, {"name": "status", "percent": 40}, {"name": "@timestamp", "percent": 100}
    ]}}));
    let (status, fields) = r
        .plugin
        .resource(ctx(), "log-group-fields?logGroupName=%2Fapp%2Fweb")
        .await;
    assert_eq!(status, 200, "{fields}");
    assert_eq!(
        fields,
        json!([
            {"value": {"name": "@message", "percent": 100}},
            {"value": {"name": "@timestamp", "percent": 100}},
            {"value": {"name": "status", "percent": 40}}
        ])
    );
    let (status, missing) = r
        .plugin
        .resource(ctx(), "log-group-fields?logGroupName=%2Fnope")
        .await;
    assert_eq!(status, 400, "{missing}");
    assert!(
        missing["error"]
            .as_str()
            .unwrap()
            .contains("ResourceNotFoundException"),
        "{missing}"
    );
    let (status, bad) = r.plugin.resource(ctx(), "log-groups?limit=0").await;
    assert_eq!(
        (status, bad["error"].as_str().unwrap().contains("`limit`")),
        (400, true),
        "{bad}"
    );
    // The logGroups variable: names shown, ARNs as values.
    let now = now_ms();
    let resp = r
        .plugin
        .query(
            ctx(),
            vec![data_query(
                "V",
                json!({"queryType": "logGroups", "logGroupPrefix": "/app/", "region": "default"}),
                now - 60_000,
                now,
            )],
        )
        .await;
    let options = variable_options(&resp.responses["V"].frames[0]);
    let arn_of = |i: usize| {
        r.seeded["log_groups"][i]["arn"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        options,
        vec![
            ("/app/jobs".to_string(), arn_of(1)),
            ("/app/old".to_string(), arn_of(2)),
            ("/app/web".to_string(), arn_of(0)),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_of_log_groups_up_to_the_limit() {
    let moto = Moto::start();
    let groups: Vec<Value> = (0..60)
        .map(|i| json!({"name": format!("/bulk/{i:02}")}))
        .collect();
    let seeded = moto.seed(json!({"users": [{"name": "alice"}], "log_groups": groups}));
    let plugin = Plugin::start(&[]);
    let k = keys(&seeded["users"]["alice"]);
    let ctx = || ds("bulk", json_data("keys", &moto.endpoint), &secure(&k));
    let (status, all) = plugin
        .resource(
            ctx(),
            "log-groups?logGroupNamePrefix=%2Fbulk%2F&listAllLogGroups=true",
        )
        .await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(
        all.as_array().unwrap().len(),
        60,
        "two pages of DescribeLogGroups"
    );
    let (_, some) = plugin
        .resource(ctx(), "log-groups?logGroupNamePrefix=%2Fbulk%2F&limit=55")
        .await;
    assert_eq!(some.as_array().unwrap().len(), 55);
}
