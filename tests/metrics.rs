//! Diagnostics.CollectMetrics after a scripted sequence: exact counters, no identities.

mod common;

use std::collections::HashMap;

use common::*;
use grafana_current::pluginv2::{self, diagnostics_client::DiagnosticsClient};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn counters_after_a_scripted_sequence() {
    let moto = Moto::start();
    let seeded = moto.seed(json!({ "users": [{ "name": "alice" }, { "name": "bob" }] }));
    let faults = Faults::start(&moto.endpoint);
    let plugin = Plugin::start(&[("GF_PLUGIN_STRATUS_ATTEMPT_TIMEOUT", "2s")]);
    let ka = keys(&seeded["users"]["alice"]);
    let kb = keys(&seeded["users"]["bob"]);
    let alice = ds("ds-alice", json_data("keys", &moto.endpoint), &secure(&ka));
    let bob = ds("ds-bob", json_data("keys", &faults.endpoint), &secure(&kb));
    let now = now_ms();

    // 1. A health check: one GetCallerIdentity, one ListMetrics, one credential resolution.
    assert_eq!(plugin.health(alice.clone()).await.status, OK);
    // 2. 600 queries: two GetMetricData calls (500 + 100), credentials from the cache.
    let queries = (0..600)
        .map(|i| {
            data_query(
                &format!("Q{i}"),
                json!({ "namespace": "AWS/EC2", "metricName": "CPUUtilization", "period": "60" }),
                now - 600_000,
                now,
            )
        })
        .collect();
    let resp = plugin.query(alice.clone(), queries).await;
    assert!(resp.responses.values().all(|r| r.error.is_empty()));
    // 3. The same editor lookup three times: one ListMetrics, then the lookup cache.
    for _ in 0..3 {
        assert_eq!(
            plugin
                .resource(alice.clone(), "metrics?namespace=Custom%2FApp")
                .await
                .0,
            200
        );
    }
    // 4. Throttled on every attempt: one throttled GetMetricData (3 attempts inside it).
    faults.set("throttle", None, 0.0);
    let resp = plugin
        .query(
            bob.clone(),
            vec![data_query(
                "A",
                json!({ "namespace": "N", "metricName": "M" }),
                now - 600_000,
                now,
            )],
        )
        .await;
    assert!(resp.responses["A"].error.contains("Throttling"));

    let mut client = DiagnosticsClient::connect(plugin.addr.clone())
        .await
        .unwrap();
    let scraped = client
        .collect_metrics(pluginv2::CollectMetricsRequest {
            plugin_context: None,
        })
        .await
        .unwrap()
        .into_inner();
    let text = String::from_utf8(scraped.metrics.unwrap().prometheus).unwrap();
    let value = |series: &str| -> Option<f64> {
        text.lines()
            .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
    };
    let expected: HashMap<&str, f64> = HashMap::from([
        (
            r#"stratus_aws_api_calls_total{operation="GetCallerIdentity",outcome="ok",service="sts"}"#,
            1.0,
        ),
        (
            r#"stratus_aws_api_calls_total{operation="ListMetrics",outcome="ok",service="monitoring"}"#,
            2.0,
        ),
        (
            r#"stratus_aws_api_calls_total{operation="GetMetricData",outcome="ok",service="monitoring"}"#,
            2.0,
        ),
        (
            r#"stratus_aws_api_calls_total{operation="GetMetricData",outcome="throttled",service="monitoring"}"#,
            1.0,
        ),
        ("stratus_getmetricdata_queries_per_call_count", 3.0),
        ("stratus_getmetricdata_queries_per_call_sum", 601.0),
        (
            r#"stratus_credential_resolutions_total{auth_mode="keys",outcome="ok"}"#,
            2.0,
        ),
        (
            r#"stratus_cache_lookups_total{cache="sessions",result="miss"}"#,
            2.0,
        ),
        (
            r#"stratus_cache_lookups_total{cache="sessions",result="hit"}"#,
            4.0,
        ),
        (
            r#"stratus_cache_lookups_total{cache="lookups",result="miss"}"#,
            1.0,
        ),
        (
            r#"stratus_cache_lookups_total{cache="lookups",result="hit"}"#,
            2.0,
        ),
        (
            r#"stratus_querydata_duration_seconds_count{outcome="ok"}"#,
            1.0,
        ),
        (
            r#"stratus_querydata_duration_seconds_count{outcome="error"}"#,
            1.0,
        ),
        ("stratus_aws_calls_in_flight", 0.0),
    ]);
    for (series, want) in expected {
        assert_eq!(value(series), Some(want), "{series}\n{text}");
    }
    // Labels carry no identity: no user names, key ids or account numbers.
    for secretish in ["alice", "bob", ACCOUNT, ka[0].1.as_str(), kb[0].1.as_str()] {
        assert!(!text.contains(secretish), "{secretish} in metrics");
    }
}
