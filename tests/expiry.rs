//! Temporary credentials are refreshed before they expire, as often as their lifetime
//! implies, and changed settings take effect on the next request.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

const LIFETIME_S: u32 = 30;
const RUN: Duration = Duration::from_secs(70);

/// Queries in a loop for `RUN`; returns (queries, failures).
async fn query_loop(
    plugin: &Plugin,
    ctx: &grafana_current::pluginv2::PluginContext,
) -> (u32, Vec<String>) {
    let started = Instant::now();
    let (mut n, mut failures) = (0, Vec::new());
    while started.elapsed() < RUN {
        let now = now_ms();
        let resp = plugin.query(ctx.clone(), vec![data_query("A", json!({ "namespace": "AWS/EC2", "metricName": "CPUUtilization", "period": "60" }), now - 600_000, now)]).await;
        n += 1;
        if !resp.responses["A"].error.is_empty() {
            failures.push(format!(
                "{:?}: {}",
                started.elapsed(),
                resp.responses["A"].error
            ));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    (n, failures)
}

/// The SDK refreshes 10-15 s before expiry, so 30-second credentials are replaced every
/// 15-20 s: over 70 s, the first credentials and 3-4 refreshes (a little slack either way).
fn expected_refreshes() -> std::ops::RangeInclusive<u64> {
    3..=6
}

#[tokio::test(flavor = "multi_thread")]
async fn instance_metadata_credentials_are_refreshed_before_expiry() {
    let moto = Moto::start();
    let seeded = moto.seed(json!({ "users": [{ "name": "ec2svc" }], "roles": [{ "name": "grafana-instance", "trusted_user": "ec2svc" }] }));
    let imds = Imds::start(
        &moto,
        seeded["roles"]["grafana-instance"]["arn"].as_str().unwrap(),
        &seeded["users"]["ec2svc"],
        LIFETIME_S,
    );
    let plugin = Plugin::start(&[
        ("AWS_AUTH_AllowedAuthProviders", "ec2_iam_role"),
        ("AWS_EC2_METADATA_DISABLED", "false"),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.endpoint),
    ]);
    let ctx = ds(
        "ds-imds-expiry",
        json_data("ec2_iam_role", &moto.endpoint),
        &[],
    );
    let (n, failures) = query_loop(&plugin, &ctx).await;
    assert!(
        failures.is_empty(),
        "{} of {n} queries failed: {failures:?}",
        failures.len()
    );
    let (minted, served) = imds.stats();
    assert!(
        expected_refreshes().contains(&minted),
        "{minted} credentials minted over {RUN:?} for {n} queries"
    );
    // Each refresh reads the credentials once: no storm of metadata calls.
    assert!(served <= minted + 2, "served {served}, minted {minted}");
}

#[tokio::test(flavor = "multi_thread")]
async fn assumed_role_credentials_are_refreshed_before_expiry() {
    let moto = Moto::start();
    let seeded = moto.seed(json!({
        "users": [{ "name": "alice", "cloudwatch": false }],
        "roles": [{ "name": "reader", "trusted_user": "alice", "external_id": "ext-1" }]
    }));
    let faults = Faults::start(&moto.endpoint);
    faults.short_sessions(LIFETIME_S);
    let plugin = Plugin::start(&[]);
    let mut jd = json_data("keys", &faults.endpoint);
    jd["assumeRoleArn"] = seeded["roles"]["reader"]["arn"].clone();
    jd["externalId"] = json!("ext-1");
    let k = keys(&seeded["users"]["alice"]);
    let ctx = ds("ds-ar-expiry", jd, &secure(&k));
    let (n, failures) = query_loop(&plugin, &ctx).await;
    assert!(
        failures.is_empty(),
        "{} of {n} queries failed: {failures:?}",
        failures.len()
    );
    let calls = faults.attempts("AssumeRole");
    assert!(
        expected_refreshes().contains(&calls),
        "{calls} AssumeRole calls over {RUN:?} for {n} queries"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn changed_settings_take_effect_on_the_next_request() {
    let moto = Moto::start();
    let seeded = moto.seed(json!({ "users": [{ "name": "alice" }, { "name": "bob" }] }));
    let plugin = Plugin::start(&[]);
    let ka = keys(&seeded["users"]["alice"]);
    let kb = keys(&seeded["users"]["bob"]);
    let who = |resp: &grafana_current::pluginv2::CheckHealthResponse| {
        details(resp)["arn"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string()
    };

    let ctx = ds("ds-rotate", json_data("keys", &moto.endpoint), &secure(&ka));
    assert_eq!(who(&plugin.health(ctx.clone()).await), "alice");
    // Saved again with other keys: a new last-updated time.
    let mut saved = ds("ds-rotate", json_data("keys", &moto.endpoint), &secure(&kb));
    saved
        .data_source_instance_settings
        .as_mut()
        .unwrap()
        .last_updated_ms += 1000;
    assert_eq!(who(&plugin.health(saved.clone()).await), "bob");
    // A changed secret alone (same last-updated time) never reuses the old credentials.
    let mut wrong = saved.clone();
    wrong
        .data_source_instance_settings
        .as_mut()
        .unwrap()
        .decrypted_secure_json_data
        .insert("secretKey".into(), "rotated-away".into());
    let resp = plugin.health(wrong).await;
    assert_eq!(resp.status, ERROR);
    assert!(
        resp.message.contains("SignatureDoesNotMatch"),
        "{}",
        resp.message
    );
    assert_eq!(who(&plugin.health(saved).await), "bob");
}
