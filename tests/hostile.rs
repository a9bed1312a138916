//! Hostile input through the real gRPC path: every bad query or data source gets a clear
//! error of its own, the other queries of the request are answered, nothing leaks, and the
//! plugin stays up.

mod common;

use common::*;
use serde_json::{json, Value};

const CANARY: &str = "STRATUS-CANARY-HOSTILE-3c9d1e";

fn good(ref_id: &str, now: i64) -> grafana_current::pluginv2::DataQuery {
    data_query(
        ref_id,
        json!({ "namespace": "AWS/EC2", "metricName": "CPUUtilization", "period": "60" }),
        now - 3_600_000,
        now,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_queries_fail_alone_with_clear_errors() {
    let moto = Moto::start();
    let seeded = moto.seed(json!({ "users": [{ "name": "alice" }] }));
    // Input handling is under test here, not signatures (moto mis-checks bodies with spaces).
    moto.allow_unsigned(1_000_000_000);
    let proxy = Proxy::start(&moto.endpoint);
    let mut plugin = Plugin::start(&[("RUST_LOG", "debug")]);
    let k = keys(&seeded["users"]["alice"]);
    let ctx = ds(
        "ds-hostile",
        json_data("keys", &proxy.endpoint),
        &secure(&k),
    );
    let now = now_ms();
    let hour = 3_600_000;
    let mut bad_json = good("invalid_json", now);
    bad_json.json = b"{\"namespace\": ".to_vec();
    let q = |r: &str, j: Value, from: i64, to: i64| data_query(r, j, from, to);
    let cases: Vec<(grafana_current::pluginv2::DataQuery, &str)> = vec![
        (bad_json, "not valid JSON"),
        (
            q(
                "wrong_types",
                json!({ "namespace": 5, "metricName": ["x"] }),
                now - hour,
                now,
            ),
            "Query field `namespace`: must be a string",
        ),
        (
            q(
                "huge_label",
                json!({ "namespace": "N", "metricName": "M", "label": "x".repeat(1_000_000) }),
                now - hour,
                now,
            ),
            "Query field `label`: is 1000000 characters long",
        ),
        (
            q(
                "reversed",
                json!({ "namespace": "N", "metricName": "M" }),
                now,
                now - hour,
            ),
            "Query field `timeRange`",
        ),
        (
            q(
                "zero_range",
                json!({ "namespace": "N", "metricName": "M" }),
                now,
                now,
            ),
            "Query field `timeRange`",
        ),
        (
            q(
                "negative_period",
                json!({ "namespace": "N", "metricName": "M", "period": -60 }),
                now - hour,
                now,
            ),
            "Query field `period`",
        ),
        (
            q(
                "absurd_period",
                json!({ "namespace": "N", "metricName": "M", "period": "1000000000000" }),
                now - hour,
                now,
            ),
            "Query field `period`",
        ),
        (
            q(
                "bad_statistic",
                json!({ "namespace": "N", "metricName": "M", "statistic": "Median" }),
                now - hour,
                now,
            ),
            "Query field `statistic`",
        ),
        (
            q(
                "bad_region",
                json!({ "namespace": "N", "metricName": "M", "region": "Mars Central" }),
                now - hour,
                now,
            ),
            "Query field `region`",
        ),
        (
            q(
                "logs_query_without_groups",
                json!({ "queryMode": "Logs", "expression": "fields @message" }),
                now - hour,
                now,
            ),
            "Query field `logGroups`",
        ),
        (
            q(
                "unknown_mode",
                json!({ "queryMode": "Traces", "expression": "x" }),
                now - hour,
                now,
            ),
            "Query field `queryMode`",
        ),
        (
            q(
                "bad_id",
                json!({ "namespace": "N", "metricName": "M", "id": "1st; DROP" }),
                now - hour,
                now,
            ),
            "Query field `id`",
        ),
    ];
    let expected: Vec<(String, &str)> = cases
        .iter()
        .map(|(dq, want)| (dq.ref_id.clone(), *want))
        .collect();
    let mut queries: Vec<_> = cases.into_iter().map(|(dq, _)| dq).collect();
    queries.push(good("ok", now));
    queries.push(data_query("unicode", json!({ "namespace": "App/Ünïcödé", "metricName": "Läténcy", "dimensions": { "Näme": ["say \"hi\"", "it's", "日本"] }, "matchExact": true }), now - hour, now));
    queries.push(data_query(
        "centuries",
        json!({ "namespace": "N", "metricName": "M" }),
        -30_000_000_000_000,
        now,
    ));
    let resp = plugin.query(ctx.clone(), queries).await;
    for (ref_id, want) in &expected {
        let r = &resp.responses[ref_id];
        assert!(r.error.contains(want), "{ref_id}: {}", r.error);
        assert_eq!(r.status, 400, "{ref_id}");
        assert!(
            r.error.len() < 600,
            "{ref_id}: errors stay short, not an echo of the input"
        );
    }
    assert_eq!(resp.responses["ok"].error, "");
    assert_eq!(resp.responses["unicode"].error, "");
    let centuries = &resp.responses["centuries"];
    assert!(
        centuries.error.is_empty()
            || centuries
                .error
                .starts_with("CloudWatch GetMetricData failed"),
        "{}",
        centuries.error
    );
    // Quotes and unicode are escaped inside the SEARCH exactly as Grafana escapes them.
    let sent: Vec<String> = proxy
        .requests("GetMetricData")
        .iter()
        .flat_map(|r| r.values().cloned().collect::<Vec<_>>())
        .collect();
    assert!(sent.iter().any(|v| v == r#"REMOVE_EMPTY(SEARCH('{"App/Ünïcödé","Näme"} MetricName="Läténcy" "Näme"=("say \"hi\"" OR "it\'s" OR "日本")', 'Average', 60))"#), "{sent:?}");

    // 10,000 queries in one request: every one answered, in 20 calls.
    let before = proxy.count("GetMetricData");
    let many: Vec<_> = (0..10_000).map(|i| good(&format!("Q{i}"), now)).collect();
    let resp = plugin.query(ctx.clone(), many).await;
    assert_eq!(resp.responses.len(), 10_000);
    assert!(resp.responses.values().all(|r| r.error.is_empty()));
    assert_eq!(proxy.count("GetMetricData") - before, 20);
    assert!(plugin.alive());
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_data_source_settings_fail_the_request_clearly() {
    let mut plugin = Plugin::start(&[("RUST_LOG", "trace")]);
    let now = now_ms();
    let secrets = [("accessKey", "AKIAEXAMPLE"), ("secretKey", CANARY)];
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({ "authType": "telepathy" }),
            "Setting `authType` has the unknown value \"telepathy\"",
        ),
        (
            json!({ "authType": "keys", "defaultRegion": "us-east-1", "endpoint": "not a url" }),
            "Setting `endpoint` (\"not a url\") is not a URL",
        ),
        (
            json!({ "authType": "keys", "defaultRegion": "us-east-1", "assumeRoleArn": "arn:nope" }),
            "Setting `assumeRoleArn` (\"arn:nope\") is not an IAM role ARN",
        ),
        (
            json!({ "authType": "keys", "defaultRegion": "Mars" }),
            "Setting `defaultRegion` (\"Mars\") is not an AWS region name",
        ),
        (
            json!({ "authType": ["keys"] }),
            "Setting `authType` must be a string, got an array",
        ),
        (json!("just a string"), "not a JSON object"),
    ];
    for (json_data, want) in cases {
        let ctx = ds("ds-bad", json_data.clone(), &secrets);
        let resp = plugin
            .query(ctx.clone(), vec![good("A", now), good("B", now)])
            .await;
        for r in ["A", "B"] {
            assert!(
                resp.responses[r].error.contains(want),
                "{json_data}: {}",
                resp.responses[r].error
            );
        }
        let health = plugin.health(ctx.clone()).await;
        assert_eq!(health.status, ERROR);
        assert!(health.message.contains(want), "{}", health.message);
        let (code, body) = plugin.resource(ctx, "namespaces").await;
        assert_eq!(code, 400);
        assert!(body["error"].as_str().unwrap().contains(want));
    }
    // jsonData that is not JSON at all, and a request without a data source.
    let mut broken = ds("ds-broken", json!({}), &secrets);
    broken
        .data_source_instance_settings
        .as_mut()
        .unwrap()
        .json_data = b"{{{".to_vec();
    let resp = plugin.query(broken, vec![good("A", now)]).await;
    assert!(
        resp.responses["A"].error.contains("not a JSON object"),
        "{}",
        resp.responses["A"].error
    );
    let mut none = ds("ds-none", json!({}), &[]);
    none.data_source_instance_settings = None;
    let resp = plugin.query(none, vec![good("A", now)]).await;
    assert!(resp.responses["A"]
        .error
        .contains("carries no data source settings"));
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(plugin.alive());
    assert!(
        !plugin.output().contains(CANARY),
        "canary secret leaked into logs"
    );
}
