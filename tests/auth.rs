//! Every auth mode against moto in auth mode, through the real plugin binary and gRPC.

mod common;

use common::*;
use serde_json::json;

fn alice() -> serde_json::Value {
    json!({ "users": [{ "name": "alice" }] })
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_mode_authenticates_and_says_who() {
    let moto = Moto::start();
    let seeded = moto.seed(alice());
    let plugin = Plugin::start(&[]);
    let k = keys(&seeded["users"]["alice"]);
    let resp = plugin
        .health(ds(
            "ds-keys",
            json_data("keys", &moto.endpoint),
            &secure(&k),
        ))
        .await;
    assert_eq!(resp.status, OK, "{}", resp.message);
    assert_eq!(
        resp.message,
        format!("Authenticated as arn:aws:iam::{ACCOUNT}:user/alice (account {ACCOUNT}) via Access & secret key; CloudWatch reachable in {REGION}")
    );
    let d = details(&resp);
    assert_eq!(d["arn"], format!("arn:aws:iam::{ACCOUNT}:user/alice"));
    assert_eq!(d["authType"], "keys");
    assert_eq!(d["credentialsSource"], "data source keys");
    assert_eq!(d["credentialsExpiry"], serde_json::Value::Null);
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_mode_wrong_secret_says_so() {
    let moto = Moto::start();
    let seeded = moto.seed(alice());
    let plugin = Plugin::start(&[]);
    let key_id = seeded["users"]["alice"]["access_key_id"].as_str().unwrap();
    let resp = plugin
        .health(ds(
            "ds-bad",
            json_data("keys", &moto.endpoint),
            &[("accessKey", key_id), ("secretKey", "not-the-secret")],
        ))
        .await;
    assert_eq!(resp.status, ERROR);
    assert!(
        resp.message
            .starts_with("STS GetCallerIdentity failed (SignatureDoesNotMatch)"),
        "{}",
        resp.message
    );
    assert!(
        resp.message.contains("Re-enter the Secret Access Key"),
        "{}",
        resp.message
    );
    let d = details(&resp);
    assert_eq!(d["httpStatus"], 403);
    assert_eq!(d["code"], "SignatureDoesNotMatch");
}
