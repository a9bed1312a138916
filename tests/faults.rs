//! Network and service faults between Stratus and AWS: each fails the query clearly within the
//! configured timeouts, retries what is retryable, and the next request after the fault heals
//! succeeds without a restart.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

/// Timeouts short enough for tests: 1 s to connect, 2 s per attempt, 3 attempts.
const ENV: [(&str, &str); 2] = [
    ("GF_PLUGIN_STRATUS_CONNECT_TIMEOUT", "1s"),
    ("GF_PLUGIN_STRATUS_ATTEMPT_TIMEOUT", "2s"),
];

struct Rig {
    _moto: Moto,
    faults: Faults,
    plugin: Plugin,
    ctx: grafana_current::pluginv2::PluginContext,
}

fn rig() -> Rig {
    let moto = Moto::start();
    let seeded = moto.seed(json!({ "users": [{ "name": "alice" }] }));
    let faults = Faults::start(&moto.endpoint);
    let plugin = Plugin::start(&ENV);
    let k = keys(&seeded["users"]["alice"]);
    let ctx = ds(
        "ds-faults",
        json_data("keys", &faults.endpoint),
        &secure(&k),
    );
    Rig {
        _moto: moto,
        faults,
        plugin,
        ctx,
    }
}

/// One query; returns its error (empty on success) and how long it took.
async fn query(r: &Rig) -> (String, Duration) {
    let now = now_ms();
    let started = Instant::now();
    let resp = r
        .plugin
        .query(
            r.ctx.clone(),
            vec![data_query(
                "A",
                json!({ "namespace": "AWS/EC2", "metricName": "CPUUtilization", "period": "60" }),
                now - 600_000,
                now,
            )],
        )
        .await;
    (resp.responses["A"].error.clone(), started.elapsed())
}

async fn heals(r: &Rig) {
    r.faults.set("pass", None, 0.0);
    let (err, _) = query(r).await;
    assert_eq!(err, "", "the next request after the fault heals succeeds");
}

#[tokio::test(flavor = "multi_thread")]
async fn connection_refused() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let moto = Moto::start();
    let seeded = moto.seed(json!({ "users": [{ "name": "alice" }] }));
    let plugin = Plugin::start(&ENV);
    let k = keys(&seeded["users"]["alice"]);
    let now = now_ms();
    let started = Instant::now();
    let resp = plugin
        .query(
            ds(
                "ds-refused",
                json_data("keys", &format!("http://127.0.0.1:{closed}")),
                &secure(&k),
            ),
            vec![data_query(
                "A",
                json!({ "namespace": "N", "metricName": "M" }),
                now - 600_000,
                now,
            )],
        )
        .await;
    let err = &resp.responses["A"].error;
    assert!(
        err.contains("Could not reach AWS") && err.contains("Connection refused"),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn black_hole_times_out_per_attempt() {
    let r = rig();
    r.faults.set("blackhole", None, 0.0);
    let (err, took) = query(&r).await;
    assert!(
        err.contains("did not answer in time") || err.contains("Timed out"),
        "{err}"
    );
    // 3 attempts of 2 s plus backoff, well short of the 60 s a missing timeout would take.
    assert!(took < Duration::from_secs(12), "{took:?}");
    assert_eq!(r.faults.attempts("GetMetricData"), 3);
    heals(&r).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn delay_within_and_beyond_the_timeout() {
    let r = rig();
    r.faults.set("delay", None, 0.5);
    let (err, _) = query(&r).await;
    assert_eq!(err, "", "a slow answer within the timeout is fine");
    r.faults.set("delay", None, 3.0);
    let (err, took) = query(&r).await;
    assert!(
        err.contains("did not answer in time") || err.contains("Timed out"),
        "{err}"
    );
    assert!(took < Duration::from_secs(12), "{took:?}");
    heals(&r).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn reset_mid_response() {
    let r = rig();
    r.faults.set("reset", None, 0.0);
    let (err, took) = query(&r).await;
    assert!(err.starts_with("CloudWatch GetMetricData failed"), "{err}");
    assert!(
        err.contains("cut off") || err.contains("Could not reach AWS") || err.contains("reset"),
        "{err}"
    );
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(r.faults.attempts("GetMetricData") >= 1);
    heals(&r).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn server_errors_are_retried_with_backoff() {
    let r = rig();
    for (mode, code) in [("500", "InternalFailure"), ("503", "ServiceUnavailable")] {
        r.faults.set(mode, None, 0.0);
        let (err, _) = query(&r).await;
        assert!(
            err.contains(&format!("({code})")) && err.contains("after retries"),
            "{mode}: {err}"
        );
        assert_eq!(r.faults.attempts("GetMetricData"), 3, "{mode}");
        // Two failures then success: the third attempt answers the query.
        r.faults.set(mode, Some(2), 0.0);
        let (err, _) = query(&r).await;
        assert_eq!(err, "", "{mode}");
        assert_eq!(r.faults.attempts("GetMetricData"), 3, "{mode}");
    }
    heals(&r).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn throttling_is_retried_with_backoff() {
    let r = rig();
    r.faults.set("throttle", None, 0.0);
    let started = Instant::now();
    let (err, _) = query(&r).await;
    assert!(
        err.contains("(Throttling): Rate exceeded")
            && err.contains("GF_PLUGIN_STRATUS_MAX_CONCURRENT_CALLS"),
        "{err}"
    );
    assert_eq!(r.faults.attempts("GetMetricData"), 3);
    // Backoff between attempts: the three answers were immediate, the call was not.
    assert!(
        started.elapsed() > Duration::from_millis(100),
        "{:?}",
        started.elapsed()
    );
    r.faults.set("throttle", Some(1), 0.0);
    let (err, _) = query(&r).await;
    assert_eq!(err, "");
    assert_eq!(r.faults.attempts("GetMetricData"), 2);
    heals(&r).await;
}

/// Health-checks `ctx` on a plugin with Stratus's default timeouts; returns the answer and how
/// long it took.
async fn timed_health(
    plugin: &Plugin,
    ctx: grafana_current::pluginv2::PluginContext,
) -> (grafana_current::pluginv2::CheckHealthResponse, Duration) {
    let started = Instant::now();
    let resp = plugin.health(ctx).await;
    (resp, started.elapsed())
}

/// The default bound on resolving credentials (GF_PLUGIN_STRATUS_CREDENTIALS_TIMEOUT).
const CREDENTIALS_TIMEOUT: Duration = Duration::from_secs(10);

fn within_the_credentials_timeout(
    resp: &grafana_current::pluginv2::CheckHealthResponse,
    took: Duration,
) {
    assert_eq!(resp.status, ERROR);
    assert_eq!(
        details(resp)["step"],
        "resolving credentials",
        "{}",
        resp.message
    );
    assert!(
        resp.message.contains("did not finish within 10s")
            && resp.message.contains("did not answer in time"),
        "{}",
        resp.message
    );
    assert!(
        took >= CREDENTIALS_TIMEOUT && took < CREDENTIALS_TIMEOUT + Duration::from_secs(4),
        "{took:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_black_holed_metadata_endpoint_fails_within_the_credentials_timeout() {
    // A container credentials endpoint (ECS, EKS Pod Identity) that accepts connections and
    // never answers: the SDK's provider alone would try three times for 5 s each (18 s).
    let moto = Moto::start();
    let faults = Faults::start(&moto.endpoint);
    faults.set("blackhole", None, 0.0);
    let plugin = Plugin::start(&[(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        &format!("{}/v2/credentials", faults.endpoint),
    )]);
    let ctx = ds(
        "ds-dead-metadata",
        json_data("default", &moto.endpoint),
        &[],
    );
    let (resp, took) = timed_health(&plugin, ctx).await;
    within_the_credentials_timeout(&resp, took);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_black_holed_sts_fails_within_the_credentials_timeout() {
    // AssumeRole against an STS endpoint that never answers: with the default 20 s per attempt
    // and three attempts, the SDK would hang a dashboard for over a minute.
    let moto = Moto::start();
    let seeded = moto.seed(json!({
        "users": [{ "name": "alice" }],
        "roles": [{ "name": "reader", "trusted_user": "alice" }]
    }));
    let faults = Faults::start(&moto.endpoint);
    faults.set("blackhole", None, 0.0);
    let plugin = Plugin::start(&[]);
    let k = keys(&seeded["users"]["alice"]);
    let mut jd = json_data("keys", &moto.endpoint);
    jd["assumeRoleArn"] = seeded["roles"]["reader"]["arn"].clone();
    jd["stsEndpoint"] = json!(faults.endpoint);
    let ctx = ds("ds-dead-sts", jd, &secure(&k));
    let (resp, took) = timed_health(&plugin, ctx.clone()).await;
    within_the_credentials_timeout(&resp, took);
    // A query fails the same way, as a gateway timeout, and STS healing heals the data source.
    let now = now_ms();
    let q = data_query(
        "A",
        json!({ "namespace": "AWS/EC2", "metricName": "CPUUtilization", "period": "60" }),
        now - 600_000,
        now,
    );
    let r = plugin.query(ctx.clone(), vec![q]).await;
    assert_eq!(r.responses["A"].status, 504, "{}", r.responses["A"].error);
    faults.set("pass", None, 0.0);
    let (resp, _) = timed_health(&plugin, ctx).await;
    assert_eq!(resp.status, OK, "{}", resp.message);
}
