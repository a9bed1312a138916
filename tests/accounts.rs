//! Cross-account observability: the `accounts` resource and variable from OAM (the fixture
//! answers it, checking SigV4 itself), and lookups narrowed by `accountId`, compared with what
//! boto3 finds for the same question.

mod common;

use common::*;
use serde_json::{json, Value};

const MONITORING: &str = "123456789012";
const PAYMENTS: &str = "444455556666";
const SEARCH: &str = "777788889999";

fn link(account: &str, label: &str) -> Value {
    json!({"Label": label, "LinkArn": format!("arn:aws:oam:us-east-1:{account}:link/{label}-0001"),
        "ResourceTypes": ["AWS::CloudWatch::Metric"]})
}

fn linked_metric(account: &str, metric: &str, service: &str) -> Value {
    json!({"Account": account, "Namespace": "App/Orders", "MetricName": metric,
        "Dimensions": [{"Name": "Service", "Value": service}]})
}

struct Rig {
    apis: MissingApis,
    seeded: Value,
    plugin: Plugin,
    _moto: Moto,
}

fn rig() -> Rig {
    let moto = Moto::start();
    let point = |name: &str, service: &str| json!({"namespace": "App/Orders", "name": name, "dimensions": {"Service": service}, "points": [[now_ms() / 1000 - 600, 1.0]]});
    let seeded = moto.seed(json!({
        "users": [{ "name": "alice" }, { "name": "bob", "lookups": false }],
        "metrics": [point("Latency", "checkout"), point("Errors", "checkout")],
    }));
    let apis = MissingApis::start(&moto.endpoint);
    let user = |name: &str| &seeded["users"][name];
    apis.oam(&json!({
        "keys": {
            user("alice")["access_key_id"].as_str().unwrap(): user("alice")["secret_access_key"],
            user("bob")["access_key_id"].as_str().unwrap(): user("bob")["secret_access_key"],
        },
        "denied": [user("bob")["access_key_id"]],
        "sinks": [{"Arn": format!("arn:aws:oam:us-east-1:{MONITORING}:sink/f3c5a8e1"), "Id": "f3c5a8e1", "Name": "monitoring"}],
        "links": [link(PAYMENTS, "payments-prod"), link(SEARCH, "search-prod")],
        // One item a page, so every page is followed.
        "page_size": 1,
        "linked_metrics": [
            linked_metric(PAYMENTS, "Latency", "payments"),
            linked_metric(SEARCH, "Latency", "search"),
            linked_metric(SEARCH, "Errors", "indexer"),
        ],
    }));
    Rig {
        plugin: Plugin::start(&[]),
        apis,
        seeded,
        _moto: moto,
    }
}

impl Rig {
    fn ctx(&self, uid: &str, user: &str) -> grafana_current::pluginv2::PluginContext {
        let k = keys(&self.seeded["users"][user]);
        ds(uid, json_data("keys", &self.apis.endpoint), &secure(&k))
    }

    async fn variable(&self, user: &str, model: Value) -> Result<Vec<(String, String)>, String> {
        let now = now_ms();
        let resp = self
            .plugin
            .query(
                self.ctx(&format!("ds-{user}"), user),
                vec![data_query("V", model, now - 3_600_000, now)],
            )
            .await;
        let r = &resp.responses["V"];
        if r.error.is_empty() {
            Ok(variable_options(&r.frames[0]))
        } else {
            Err(r.error.clone())
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_monitoring_account_lists_its_linked_accounts_and_their_metrics() {
    let r = rig();
    let (status, body) = r
        .plugin
        .resource(r.ctx("ds-alice", "alice"), "accounts?region=default")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!([
            {"value": {"id": MONITORING, "arn": format!("arn:aws:oam:us-east-1:{MONITORING}:sink/f3c5a8e1"), "label": "monitoring", "isMonitoringAccount": true}},
            {"value": {"id": PAYMENTS, "arn": format!("arn:aws:oam:us-east-1:{PAYMENTS}:link/payments-prod-0001"), "label": "payments-prod", "isMonitoringAccount": false}},
            {"value": {"id": SEARCH, "arn": format!("arn:aws:oam:us-east-1:{SEARCH}:link/search-prod-0001"), "label": "search-prod", "isMonitoringAccount": false}},
        ])
    );
    // The variable shows labels and uses ids, after Grafana's All (every account); the
    // accounts were cached by the resource call.
    let calls = r.apis.counts();
    assert_eq!(
        r.variable("alice", json!({"queryType": "accounts", "region": ""}))
            .await
            .unwrap(),
        vec![
            ("All".to_string(), "all".to_string()),
            ("monitoring".to_string(), MONITORING.to_string()),
            ("payments-prod".into(), PAYMENTS.into()),
            ("search-prod".into(), SEARCH.into()),
        ]
    );
    assert_eq!(r.apis.counts(), calls, "served from the cache");
    assert_eq!(calls["ListSinks"], 1, "{calls:?}");
    assert_eq!(calls["ListAttachedLinks"], 2, "two pages of one link");

    // Lookups by account, against boto3 asking ListMetrics the same question.
    let alice = &r.seeded["users"]["alice"];
    for account in [
        None,
        Some("all"),
        Some(PAYMENTS),
        Some(SEARCH),
        Some(MONITORING),
    ] {
        let mut model = json!({"queryType": "dimensionValues", "namespace": "App/Orders",
            "metricName": "Latency", "dimensionKey": "Service", "region": "default"});
        let mut question = json!({"kind": "dimension_values", "namespace": "App/Orders",
            "metric": "Latency", "key": "Service", "filters": {}});
        if let Some(a) = account {
            model["accountId"] = json!(a);
            question["account"] = json!(a);
        }
        let want = &boto3_lookups(&r.apis.endpoint, alice, &json!([question]))[0];
        let got = r.variable("alice", model).await.unwrap();
        assert_eq!(
            got.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>(),
            *want,
            "{account:?}"
        );
        let expect_linked = matches!(account, Some("all") | Some(PAYMENTS));
        assert_eq!(
            want.contains(&"payments".to_string()),
            expect_linked,
            "{account:?}: {want:?}"
        );
    }
    let (status, body) = r
        .plugin
        .resource(
            r.ctx("ds-alice", "alice"),
            &format!("metrics?region=default&namespace=App%2FOrders&accountId={SEARCH}"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!([{"value": "Errors"}, {"value": "Latency"}]));
    let (status, body) = r
        .plugin
        .resource(
            r.ctx("ds-alice", "alice"),
            "dimension-keys?region=default&namespace=App%2FOrders&accountId=12345",
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body["error"].as_str().unwrap().contains("accountId"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn refusals_and_plain_accounts_are_told_apart() {
    let r = rig();
    // OAM refuses bob: the editor and the variable say which call and why.
    let (status, body) = r.plugin.resource(r.ctx("ds-bob", "bob"), "accounts").await;
    assert_eq!(status, 403, "{body}");
    let message = body["error"].as_str().unwrap();
    assert!(
        message.contains("ListSinks") && message.contains("AccessDenied"),
        "{message}"
    );
    let err = r
        .variable("bob", json!({"queryType": "accounts"}))
        .await
        .unwrap_err();
    assert!(err.contains("AccessDenied"), "{err}");
    // Not a monitoring account (no sink): no accounts, and no error.
    r.apis.oam(&json!({
        "keys": {
            r.seeded["users"]["alice"]["access_key_id"].as_str().unwrap():
                r.seeded["users"]["alice"]["secret_access_key"],
        },
        "sinks": [],
    }));
    let (status, body) = r
        .plugin
        .resource(r.ctx("ds-plain", "alice"), "accounts")
        .await;
    assert_eq!((status, body), (200, json!([])));
    let mut plugin = r.plugin;
    assert!(plugin.alive());
    for user in ["alice", "bob"] {
        let secret = r.seeded["users"][user]["secret_access_key"]
            .as_str()
            .unwrap();
        assert!(!plugin.output().contains(secret));
    }
}
