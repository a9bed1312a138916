//! CloudWatch metric queries and editor resources against moto, compared with an independent
//! client (boto3) and counted at the proxy.

#[path = "../benches/support/mod.rs"]
mod bench;
mod common;

use common::*;
use serde_json::{json, Value};

const MINUTE: i64 = 60_000;

/// Two services' latency, three samples a minute (so the statistics differ), 30 minutes.
fn demo(now_min: i64) -> Value {
    let mut metrics = Vec::new();
    for (service, base) in [("api", 100.0), ("web", 40.0)] {
        let mut points = Vec::new();
        for m in 0..30 {
            let t = now_min - (30 - m) * MINUTE;
            for (s, delta) in [(5, 0.0), (25, 7.5), (45, -3.25)] {
                let ts = chrono_free_iso(t + s * 1000);
                points.push(json!([ts, base + m as f64 + delta]));
            }
        }
        metrics.push(json!({ "namespace": "Stratus/Demo", "name": "Latency", "dimensions": { "Service": service }, "points": points }));
    }
    json!({ "users": [{ "name": "alice" }], "metrics": metrics })
}

/// RFC 3339 from epoch ms without a date library (UTC).
fn chrono_free_iso(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

fn minute_now() -> i64 {
    now_ms() / MINUTE * MINUTE
}

#[tokio::test(flavor = "multi_thread")]
async fn metric_stat_matches_an_independent_client_for_each_statistic() {
    let now = minute_now();
    let moto = Moto::start();
    let seeded = moto.seed(demo(now));
    let alice = &seeded["users"]["alice"];
    let plugin = Plugin::start(&[]);
    let k = keys(alice);
    let ctx = ds("ds-q", json_data("keys", &moto.endpoint), &secure(&k));
    let (from, to) = (now - 40 * MINUTE, now);
    for stat in ["Average", "Sum", "Minimum", "Maximum", "SampleCount"] {
        let q = json!({ "refId": "A", "namespace": "Stratus/Demo", "metricName": "Latency", "dimensions": { "Service": "api" },
                        "statistic": stat, "period": "60", "region": "default", "matchExact": true });
        let resp = plugin
            .query(ctx.clone(), vec![data_query("A", q, from, to)])
            .await;
        let r = &resp.responses["A"];
        assert_eq!(r.error, "", "{stat}");
        assert_eq!(r.frames.len(), 1, "{stat}");
        let f = decode(&r.frames[0]);
        let expected = boto3_get_metric_data(
            &moto.endpoint,
            alice,
            json!([{ "Id": "a", "MetricStat": { "Metric": { "Namespace": "Stratus/Demo", "MetricName": "Latency", "Dimensions": [{ "Name": "Service", "Value": "api" }] }, "Period": 60, "Stat": stat }, "ReturnData": true }]),
            from,
            to,
        );
        let want_t: Vec<i64> = serde_json::from_value(expected[0]["timestamps"].clone()).unwrap();
        let want_v: Vec<f64> = serde_json::from_value(expected[0]["values"].clone()).unwrap();
        assert_eq!(want_t.len(), 30, "{stat}: seeded 30 minutes");
        assert_eq!(f.times_ms, want_t, "{stat}");
        assert_eq!(
            f.values,
            want_v.into_iter().map(Some).collect::<Vec<_>>(),
            "{stat}"
        );
        assert_eq!(f.ref_id, "A");
        // Grafana's label keys exactly: Series and the query's dimensions, nothing else (an
        // alert rule moved from Grafana's CloudWatch keeps its instances).
        assert_eq!(
            f.labels.keys().map(String::as_str).collect::<Vec<_>>(),
            vec!["Series", "Service"]
        );
        assert_eq!(f.labels["Service"], "api");
        assert_eq!(f.labels["Series"], expected[0]["label"].as_str().unwrap());
        assert_eq!(f.meta["custom"]["period"], 60);
        assert!(f.config["links"][0]["url"]
            .as_str()
            .unwrap()
            .contains("console.aws.amazon.com/cloudwatch/deeplink.js"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn six_hundred_queries_make_two_get_metric_data_calls() {
    let now = minute_now();
    let moto = Moto::start();
    let seeded = moto.seed(demo(now));
    let proxy = Proxy::start(&moto.endpoint);
    let plugin = Plugin::start(&[]);
    let k = keys(&seeded["users"]["alice"]);
    let ctx = ds("ds-600", json_data("keys", &proxy.endpoint), &secure(&k));
    let queries: Vec<_> = (0..600)
        .map(|i| {
            let service = if i % 2 == 0 { "api" } else { "web" };
            data_query(&format!("Q{i}"), json!({ "namespace": "Stratus/Demo", "metricName": "Latency", "dimensions": { "Service": service }, "statistic": "Maximum", "period": "300" }), now - 30 * MINUTE, now)
        })
        .collect();
    let resp = plugin.query(ctx, queries).await;
    assert_eq!(resp.responses.len(), 600);
    for (ref_id, r) in &resp.responses {
        assert_eq!(r.error, "", "{ref_id}");
        let f = decode(&r.frames[0]);
        assert!(!f.values.is_empty(), "{ref_id} has data");
    }
    assert_eq!(proxy.count("GetMetricData"), 2, "{:?}", proxy.counts());
    let sizes: Vec<usize> = proxy
        .requests("GetMetricData")
        .iter()
        .map(|r| {
            r.keys()
                .filter(|k| k.starts_with("MetricDataQueries.member.") && k.ends_with(".Id"))
                .count()
        })
        .collect();
    let mut sorted = sizes.clone();
    sorted.sort();
    assert_eq!(sorted, vec![100, 500]);
}

#[tokio::test(flavor = "multi_thread")]
async fn search_math_and_insights_requests_are_shaped_like_grafanas() {
    let now = minute_now();
    let moto = Moto::start();
    let seeded = moto.seed(demo(now));
    let proxy = Proxy::start(&moto.endpoint);
    let plugin = Plugin::start(&[]);
    let k = keys(&seeded["users"]["alice"]);
    let ctx = ds("ds-search", json_data("keys", &proxy.endpoint), &secure(&k));
    let (from, to) = (now - 3 * 3_600_000, now - 1_000);
    let _ = plugin
        .query(
            ctx,
            vec![
                data_query("A", json!({ "type": "timeSeriesQuery", "namespace": "Stratus/Demo", "metricName": "Latency", "dimensions": { "Service": ["api", "web"] }, "statistic": "p99", "matchExact": true, "id": "m1", "hide": true }), from, to),
                data_query("B", json!({ "type": "timeSeriesQuery", "metricEditorMode": 1, "expression": "m1 * 2", "id": "e1", "label": "doubled" }), from, to),
                data_query("C", json!({ "type": "timeSeriesQuery", "metricQueryType": 1, "sqlExpression": "SELECT AVG(Latency) FROM \"Stratus/Demo\"" }), from, to),
            ],
        )
        .await;
    let reqs = proxy.requests("GetMetricData");
    assert_eq!(reqs.len(), 1, "one call for one region and range");
    let r = &reqs[0];
    let by_id = |id: &str| -> String {
        let idx = r
            .iter()
            .find(|(k, v)| k.ends_with(".Id") && v.as_str() == id)
            .map(|(k, _)| k.trim_end_matches(".Id").to_string())
            .unwrap();
        idx
    };
    let m1 = by_id("m1");
    assert_eq!(
        r[&format!("{m1}.Expression")],
        r#"REMOVE_EMPTY(SEARCH('{"Stratus/Demo","Service"} MetricName="Latency" "Service"=("api" OR "web")', 'p99', 60))"#
    );
    assert_eq!(r[&format!("{m1}.ReturnData")], "false");
    assert_eq!(
        r[&format!("{m1}.Label")],
        "${LABEL}|&|${PROP('Dim.Service')}"
    );
    let e1 = by_id("e1");
    assert_eq!(r[&format!("{e1}.Expression")], "m1 * 2");
    assert_eq!(r[&format!("{e1}.Label")], "doubled");
    let c = by_id("queryC");
    assert_eq!(
        r[&format!("{c}.Expression")],
        "SELECT AVG(Latency) FROM \"Stratus/Demo\""
    );
    assert_eq!(r[&format!("{c}.Period")], "60");
    assert_eq!(r["ScanBy"], "TimestampAscending");
    // EndTime is the next whole minute after the range end.
    assert!(
        r["EndTime"].ends_with(":00Z") || r["EndTime"].ends_with(":00.000Z"),
        "{}",
        r["EndTime"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn editor_resources_list_what_was_seeded_and_cache_lookups() {
    let now = minute_now();
    let moto = Moto::start();
    let seeded = moto.seed(demo(now));
    let proxy = Proxy::start(&moto.endpoint);
    let plugin = Plugin::start(&[]);
    let k = keys(&seeded["users"]["alice"]);
    let mut jd = json_data("keys", &proxy.endpoint);
    jd["customMetricsNamespaces"] = json!("Stratus/Demo, Team/Other");
    let ctx = ds("ds-res", jd, &secure(&k));

    let (code, body) = plugin.resource(ctx.clone(), "namespaces").await;
    assert_eq!(code, 200);
    let values: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_str().unwrap())
        .collect();
    assert!(
        values.contains(&"Stratus/Demo")
            && values.contains(&"Team/Other")
            && values.contains(&"AWS/EC2")
    );

    let (_, regions) = plugin.resource(ctx.clone(), "regions").await;
    let regions: Vec<&str> = regions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_str().unwrap())
        .collect();
    assert_eq!(regions[0], "default");
    assert!(regions.contains(&"us-east-1") && regions.contains(&"eu-west-1"));

    let (code, metrics) = plugin
        .resource(
            ctx.clone(),
            "metrics?region=default&namespace=Stratus%2FDemo",
        )
        .await;
    assert_eq!(code, 200);
    assert_eq!(metrics, json!([{ "value": "Latency" }]));
    let (_, keys_) = plugin
        .resource(
            ctx.clone(),
            "dimension-keys?region=us-east-1&namespace=Stratus%2FDemo&metricName=Latency",
        )
        .await;
    assert_eq!(keys_, json!([{ "value": "Service" }]));
    for _ in 0..10 {
        let (code, vals) = plugin.resource(ctx.clone(), "dimension-values?region=us-east-1&namespace=Stratus%2FDemo&metricName=Latency&dimensionKey=Service").await;
        assert_eq!(code, 200);
        assert_eq!(vals, json!([{ "value": "api" }, { "value": "web" }]));
    }
    // One ListMetrics per distinct lookup; the ten repeats came from the cache.
    assert_eq!(proxy.count("ListMetrics"), 3, "{:?}", proxy.counts());

    // Built-in namespaces answer from the catalogue file the frontend also reads (its vitest
    // checks the same file), without calling AWS: every namespace, metric and dimension key.
    let file: Value =
        serde_json::from_str(include_str!("../data/aws-cloudwatch-catalogue.json")).unwrap();
    let builtin = file["namespaces"].as_object().unwrap();
    assert!(builtin.len() >= 130, "{} namespaces", builtin.len());
    for (namespace, entry) in builtin {
        assert!(
            values.contains(&namespace.as_str()),
            "{namespace} not offered"
        );
        let ns = namespace.replace('/', "%2F").replace(' ', "%20");
        let (_, metrics) = plugin
            .resource(ctx.clone(), &format!("metrics?namespace={ns}"))
            .await;
        let metrics: Vec<Value> = metrics
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["value"].clone())
            .collect();
        assert_eq!(&Value::from(metrics), &entry["metrics"], "{namespace}");
        let (_, keys_) = plugin
            .resource(ctx.clone(), &format!("dimension-keys?namespace={ns}"))
            .await;
        let keys_: Vec<Value> = keys_
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["value"].clone())
            .collect();
        assert_eq!(&Value::from(keys_), &entry["dimensions"], "{namespace}");
    }
    assert_eq!(proxy.count("ListMetrics"), 3);

    let (code, body) = plugin.resource(ctx.clone(), "nope").await;
    assert_eq!(code, 404);
    assert!(body["error"]
        .as_str()
        .unwrap()
        .contains("no resource named"));
    let (code, body) = plugin
        .resource(ctx.clone(), "dimension-values?namespace=Stratus%2FDemo")
        .await;
    assert_eq!(code, 400);
    assert_eq!(body["error"], "missing query parameter `dimensionKey`");
    let (code, body) = plugin.resource(ctx, "metrics?region=default").await;
    assert_eq!(code, 400);
    assert_eq!(body["error"], "missing query parameter `namespace`");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_query_with_no_data_is_an_empty_frame() {
    let now = minute_now();
    let moto = Moto::start();
    let seeded = moto.seed(demo(now));
    let plugin = Plugin::start(&[]);
    let k = keys(&seeded["users"]["alice"]);
    let ctx = ds("ds-empty", json_data("keys", &moto.endpoint), &secure(&k));
    let resp = plugin
        .query(
            ctx,
            vec![data_query(
                "A",
                json!({ "namespace": "Stratus/Demo", "metricName": "Nothing", "period": "60" }),
                now - 10 * MINUTE,
                now,
            )],
        )
        .await;
    let r = &resp.responses["A"];
    assert_eq!(r.error, "");
    let frames: Vec<Frame> = r.frames.iter().map(|f| decode(f)).collect();
    assert!(frames.iter().all(|f| f.values.is_empty()), "{frames:?}");
}

/// make bench replays a GetMetricData answer recorded from moto for the plugin's exact request;
/// when the plugin's request changes, the recording must be made again (make bench-record).
#[tokio::test(flavor = "multi_thread")]
async fn the_benchmark_recording_answers_the_plugins_request() {
    let replay = Replay::start(bench::answers()).await;
    let plugin = Plugin::start(&[]);
    let json_data = json_data("keys", &replay.endpoint);
    let ctx = ds(
        "bench",
        json_data,
        &[
            ("accessKey", "AKIABENCHBENCHBENCH1"),
            ("secretKey", "bench-secret"),
        ],
    );
    let targets = bench::targets(100);
    let queries = targets
        .iter()
        .map(|t| {
            data_query(
                &t.ref_id,
                bench::query_json(t),
                bench::FROM_MS,
                bench::TO_MS,
            )
        })
        .collect();
    let resp = plugin.query(ctx, queries).await;
    assert_eq!(resp.responses.len(), 100);
    for (i, t) in targets.iter().enumerate() {
        let r = &resp.responses[&t.ref_id];
        assert!(
            r.error.is_empty(),
            "{}: {} (run make bench-record)",
            t.ref_id,
            r.error
        );
        let frame = decode(&r.frames[0]);
        assert_eq!(frame.labels["InstanceId"], t.instance);
        let expected: Vec<Option<f64>> = (0..bench::POINTS)
            .map(|m| Some(bench::value(t, i, m)))
            .collect();
        assert_eq!(frame.values, expected, "{}", t.ref_id);
        assert_eq!(frame.times_ms[0], bench::FROM_MS);
    }
}
