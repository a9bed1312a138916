//! CloudWatch's current wire protocol, Smithy RPC v2 CBOR: the test rig's CBOR front checked
//! against an independent CBOR client, and what a user sees when the endpoint does not speak it.

mod common;

use common::*;
use serde_json::{json, Value};

/// A point time `minutes` ago (epoch seconds, on the minute), as the seeder takes it.
fn minutes_ago(minutes: i64) -> i64 {
    now_ms() / 60_000 * 60 - minutes * 60
}

fn key(user: &Value) -> Value {
    json!([user["access_key_id"], user["secret_access_key"]])
}

/// boto3 speaking CBOR (botocore's own serializer and parser) through the front gets exactly
/// what boto3 speaking awsJson gets from moto, for every CloudWatch operation Stratus calls
/// (DescribeAlarmHistory, which moto lacks, is tests/support/missing_apis.py's); a wrong
/// signature, an unknown key and an action the policy denies are refused as moto refuses them.
#[test]
fn the_cbor_front_answers_as_moto_does() {
    let moto = Moto::start();
    let dims = json!({ "InstanceId": "i-front" });
    let seeded = moto.seed(json!({
        "users": [
            { "name": "alice" },
            { "name": "bob", "cloudwatch": false, "lookups": false, "logs": false },
        ],
        "metrics": [{
            "namespace": "Front/Check", "name": "Load", "dimensions": dims,
            "points": [[minutes_ago(3), 1.5], [minutes_ago(2), 2.5], [minutes_ago(1), 4.0]],
        }],
        "alarms": [{
            "name": "front-load", "namespace": "Front/Check", "metric": "Load",
            "dimensions": dims, "period": 60, "threshold": 3.0,
        }],
    }));
    let mut cmd = std::process::Command::new(python());
    cmd.arg(support("front_check.py")).arg(&moto.endpoint);
    let out = json_script(
        cmd,
        &json!({
            "allowed": key(&seeded["users"]["alice"]),
            "denied": key(&seeded["users"]["bob"]),
        }),
    );
    for operation in [
        "GetMetricData",
        "ListMetrics",
        "DescribeAlarms",
        "DescribeAlarmsForMetric",
    ] {
        let answer = &out["answers"][operation];
        assert_eq!(answer["cbor"], answer["json"], "{operation}");
    }
    let results = &out["answers"]["GetMetricData"]["cbor"]["MetricDataResults"];
    assert_eq!(results[0]["Values"], json!([1.5, 2.5, 4.0]), "{results}");
    // Timestamps travel as CBOR tag 1 and read as the same instants.
    let first = minutes_ago(3) as f64;
    let times: Vec<f64> = (0..3).map(|i| first + 60.0 * i as f64).collect();
    assert_eq!(results[0]["Timestamps"], json!(times), "{results}");
    // moto evaluates no math: the expression's answer is empty, the same both ways.
    assert_eq!(results[1]["Id"], "e", "{results}");
    let metrics = &out["answers"]["ListMetrics"]["cbor"]["Metrics"];
    assert_eq!(metrics.as_array().unwrap().len(), 1, "{metrics}");
    let alarms = &out["answers"]["DescribeAlarms"]["cbor"]["MetricAlarms"];
    assert_eq!(alarms[0]["AlarmName"], "front-load", "{alarms}");
    let for_metric = &out["answers"]["DescribeAlarmsForMetric"]["cbor"]["MetricAlarms"];
    assert_eq!(for_metric[0]["Threshold"], 3.0, "{for_metric}");

    for (case, code) in [
        ("wrong signature", "SignatureDoesNotMatch"),
        ("unknown key", "InvalidClientTokenId"),
        ("denied action", "AccessDenied"),
    ] {
        // moto writes refusals in XML whatever the protocol: boto3 reads them in awsQuery.
        let refusal = &out["refusals"][case];
        assert_eq!(refusal["cbor"], json!([code, 403]), "{case}: {refusal}");
        assert_eq!(refusal["cbor"], refusal["query"], "{case}: {refusal}");
    }
}

/// An endpoint that does not speak CloudWatch's current protocol (moto as it ships, which
/// answers CBOR requests with 404) gets a health check and a query error that say so and name
/// the protocol, after one call each: nothing is retried.
#[tokio::test(flavor = "multi_thread")]
async fn an_endpoint_that_does_not_speak_cbor_is_named() {
    let moto = Moto::start_without_cbor();
    let proxy = Proxy::start(&moto.endpoint);
    let plugin = Plugin::start(&[]);
    let ctx = ds(
        "ds-old-emulator",
        json_data("keys", &proxy.endpoint),
        &[
            ("accessKey", "AKIAOLDEMULATOR00001"),
            ("secretKey", "old-emulator-secret-key-0000000000000000"),
        ],
    );
    let health = plugin.health(ctx.clone()).await;
    let message = health.message.clone();
    assert!(
        message.contains("CloudWatch endpoint answered HTTP 404")
            && message.contains("not Smithy RPC v2 CBOR")
            && message.contains("emulator that serves CloudWatch in Smithy RPC v2 CBOR"),
        "{message}"
    );
    assert_eq!(
        details(&health)["step"],
        "CloudWatch ListMetrics",
        "{message}"
    );
    assert_eq!(proxy.count("ListMetrics"), 1, "not retried");

    let now = now_ms();
    let resp = plugin
        .query(
            ctx,
            vec![data_query(
                "A",
                json!({ "namespace": "AWS/EC2", "metricName": "CPUUtilization", "period": "60" }),
                now - 600_000,
                now,
            )],
        )
        .await;
    let error = &resp.responses["A"].error;
    assert!(
        error.contains("GetMetricData failed: The CloudWatch endpoint answered HTTP 404")
            && error.contains("Smithy RPC v2 CBOR"),
        "{error}"
    );
    assert_eq!(proxy.count("GetMetricData"), 1, "not retried");
}
