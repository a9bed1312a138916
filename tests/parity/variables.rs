//! Mirrors Grafana's template variables: grafana/grafana-cloudwatch-datasource
//! `src/variables.test.ts` (which query types list what; Grafana runs them in the frontend,
//! Stratus in the backend through QueryData) and `pkg/cloudwatch/metric_find_query_test.go`
//! (EC2 instance attributes, EBS volumes, resource ARNs). Through Stratus's gRPC service
//! against moto (auth mode), compared with boto3 asking the same question; attribute typing
//! through the pure core fed with the same EC2 instances as Grafana's test.

use aws_sdk_ec2::types::{IamInstanceProfile, Instance};
use serde_json::{json, Value};
use stratus::resources::ec2::{attribute, attribute_values};

use crate::common::{boto3_lookups, data_query, now_ms, variable_options};
use crate::support::Rig;

fn rig() -> Rig {
    let point = |name: &str, service: &str| json!({"namespace": "App/Orders", "name": name, "dimensions": {"Service": service}, "points": [[now_ms() / 1000 - 600, 1.0]]});
    Rig::start(json!({
        "users": [{ "name": "alice" }],
        "metrics": [point("Latency", "checkout"), point("Latency", "search"), point("Errors", "login")],
        "instances": [
            { "tags": { "Environment": "production" } },
            { "tags": { "Environment": "production" } },
            { "tags": { "Environment": "staging" } },
            { "tags": { "Environment": "staging" } }
        ],
        "log_groups": [{ "name": "/app/web", "events": [] }, { "name": "/app/jobs", "events": [] }]
    }))
}

/// Each model as one variable query of a request: its options, or its error.
async fn variables(r: &Rig, models: &[Value]) -> Vec<Result<Vec<(String, String)>, String>> {
    let ctx = r.ctx("parity-variables", &json!({}));
    let now = now_ms();
    let queries = models
        .iter()
        .enumerate()
        .map(|(i, m)| data_query(&format!("V{i}"), m.clone(), now - 3_600_000, now))
        .collect();
    let resp = r.plugin.query(ctx, queries).await;
    (0..models.len())
        .map(|i| {
            let r = &resp.responses[&format!("V{i}")];
            if r.error.is_empty() {
                Ok(variable_options(&r.frames[0]))
            } else {
                Err(r.error.clone())
            }
        })
        .collect()
}

fn boto3(r: &Rig, questions: Value) -> Vec<Vec<String>> {
    boto3_lookups(&r.apis.endpoint, &r.seeded["users"]["alice"], &questions)
}

fn instance(r: &Rig, i: usize) -> String {
    r.seeded["instances"][i]["id"].as_str().unwrap().to_string()
}

/// Options whose text is their value, as Grafana's `selectableValueToMetricFindOption` makes them.
fn same(values: &[String]) -> Vec<(String, String)> {
    values.iter().map(|v| (v.clone(), v.clone())).collect()
}

fn sorted(mut options: Vec<(String, String)>) -> Vec<(String, String)> {
    options.sort();
    options
}

// variables.test.ts: "should run regions", "should run namespaces", "should run metrics",
// "should run dimension keys", "dimension values: should run if values are set",
// "should run statistics", "log groups: should call describe log groups".
#[tokio::test(flavor = "multi_thread")]
async fn variables_list_what_grafanas_list() {
    let r = rig();
    let answers = variables(&r, &[
            json!({"queryType": "regions", "namespace": "foo", "region": "bar"}),
            json!({"queryType": "namespaces", "region": "default"}),
            json!({"queryType": "metrics", "namespace": "App/Orders", "region": "default"}),
            json!({"queryType": "dimensionKeys", "namespace": "App/Orders", "region": "default"}),
            json!({"queryType": "dimensionValues", "namespace": "App/Orders", "region": "default", "metricName": "Latency", "dimensionKey": "Service", "dimensionFilters": {}}),
            json!({"queryType": "statistics", "region": "default"}),
            json!({"queryType": "logGroups", "region": "default", "logGroupPrefix": "/app/"}),
        ])
        .await;
    let ok = |i: usize| answers[i].clone().unwrap_or_else(|e| panic!("V{i}: {e}"));
    let (_, regions) = r
        .plugin
        .resource(r.ctx("parity-variables", &json!({})), "regions")
        .await;
    let listed = |body: &Value| -> Vec<String> {
        body.as_array()
            .unwrap()
            .iter()
            .map(|v| v["value"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ok(0),
        same(&listed(&regions)),
        "the regions resource's regions"
    );
    assert!(ok(1).contains(&("AWS/EC2".into(), "AWS/EC2".into())));
    let want = boto3(
        &r,
        json!([
            {"kind": "metrics", "namespace": "App/Orders"},
            {"kind": "dimension_keys", "namespace": "App/Orders", "filters": {}},
            {"kind": "dimension_values", "namespace": "App/Orders", "metric": "Latency", "key": "Service", "filters": {}}
        ]),
    );
    assert_eq!(sorted(ok(2)), same(&want[0]));
    assert_eq!(sorted(ok(3)), same(&want[1]));
    assert_eq!(sorted(ok(4)), same(&want[2]));
    assert_eq!(
        ok(5),
        same(&["Average", "Maximum", "Minimum", "Sum", "SampleCount", "IQM"].map(String::from))
    );
    // Log groups: the name shown, the ARN as the value.
    let groups = ok(6);
    assert_eq!(
        groups.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(),
        ["/app/jobs", "/app/web"]
    );
    for (name, arn) in &groups {
        assert!(
            arn.starts_with("arn:aws:logs:") && arn.contains(&format!(":log-group:{name}")),
            "{arn}"
        );
    }
}

// variables.test.ts accounts: "should map accounts to metric find value and insert "all"
// option" is tests/accounts.rs (a monitoring account); here the other side: an account that is
// not a monitoring account lists no accounts, and no All either.
#[tokio::test(flavor = "multi_thread")]
async fn should_run_accounts() {
    let r = rig();
    let answers = variables(&r, &[json!({"queryType": "accounts", "region": "default"})]).await;
    assert_eq!(answers[0], Ok(vec![]));
}

// metric_find_query_test.go TestQuery_InstanceAttributes "Get instance ID", and
// variables.test.ts "EC2 instance attributes: should run if instance id set".
#[tokio::test(flavor = "multi_thread")]
async fn instance_attributes_get_instance_id() {
    let r = rig();
    let answers = variables(&r, &[json!({"queryType": "ec2InstanceAttributes", "region": "us-east-1", "attributeName": "InstanceId",
                             "ec2Filters": {"tag:Environment": ["production"]}})])
        .await;
    let mut want = vec![instance(&r, 0), instance(&r, 1)];
    want.sort();
    assert_eq!(answers[0], Ok(same(&want)));
    assert_eq!(
        boto3(
            &r,
            json!([{"kind": "instance_attribute", "attribute": "InstanceId", "filters": {"tag:Environment": ["production"]}}])
        )[0],
        want
    );
}

// metric_find_query_test.go TestQuery_InstanceAttributes "Get different types": an int, a bool,
// a nested field and a field the instance lacks.
#[test]
fn instance_attributes_get_different_types() {
    let instances = [Instance::builder()
        .ami_launch_index(3)
        .ebs_optimized(true)
        .iam_instance_profile(IamInstanceProfile::builder().arn("arn").build())
        .build()];
    let values = |name: &str| attribute_values(&instances, attribute(name).unwrap());
    assert_eq!(values("AmiLaunchIndex"), ["3"]);
    assert_eq!(values("EbsOptimized"), ["true"]);
    assert_eq!(values("IamInstanceProfile.Arn"), ["arn"]);
    assert!(values("InstanceLifecycle").is_empty());
}

// metric_find_query_test.go TestQuery_EBSVolumeIDs: the volumes of the instances of a
// multi-valued instance id (`{i-1, i-2, i-3}`), and variables.test.ts "EBS volume ids: should
// run if instance id set".
#[tokio::test(flavor = "multi_thread")]
async fn ebs_volume_ids() {
    let r = rig();
    let ids = [instance(&r, 0), instance(&r, 1), instance(&r, 2)];
    let answers = variables(
        &r,
        &[json!({"queryType": "ebsVolumeIDs", "region": "us-east-1",
                             "instanceID": format!("{{{}, {}, {}}}", ids[0], ids[1], ids[2])})],
    )
    .await;
    let want = &boto3(&r, json!([{"kind": "volumes", "instance_ids": ids}]))[0];
    assert_eq!(want.len(), 3, "one root volume each");
    assert_eq!(answers[0], Ok(same(want)));
}

// metric_find_query_test.go TestQuery_ResourceARNs, and variables.test.ts "resource arns:
// should run if instance id set".
#[tokio::test(flavor = "multi_thread")]
async fn resource_arns() {
    let r = rig();
    let answers = variables(&r, &[json!({"queryType": "resourceARNs", "region": "us-east-1", "resourceType": "ec2:instance",
                             "tags": {"Environment": ["production"]}})])
        .await;
    let want = &boto3(
        &r,
        json!([{"kind": "resource_arns", "resource_type": "ec2:instance", "tags": {"Environment": ["production"]}}]),
    )[0];
    assert_eq!(want.len(), 2);
    assert!(want
        .iter()
        .all(|a| a.starts_with("arn:aws:ec2:us-east-1:123456789012:instance/i-")));
    assert_eq!(sorted(answers[0].clone().unwrap()), same(want));
}

// variables.test.ts "should not run if dimension key not set", "... metric name not set",
// "EBS volume ids: should not run if instance id not set", "EC2 instance attributes: should not
// run if instance id not set", "resource arns: should not run if instance id not set": Grafana
// lists nothing, silently. Stratus differs: the variable's error names the missing field, so
// the dashboard says why the variable is empty. A type Grafana does not know gets an error
// naming it (Grafana lists nothing).
#[tokio::test(flavor = "multi_thread")]
async fn a_variable_missing_what_it_needs_says_so() {
    let r = rig();
    let cases = [
        (
            json!({"queryType": "dimensionValues", "namespace": "App/Orders", "metricName": "Latency", "dimensionKey": ""}),
            "dimensionKey",
        ),
        (
            json!({"queryType": "ebsVolumeIDs", "region": "default", "instanceID": ""}),
            "instanceID",
        ),
        (
            json!({"queryType": "ec2InstanceAttributes", "region": "default", "attributeName": ""}),
            "attributeName",
        ),
        (
            json!({"queryType": "resourceARNs", "region": "default", "resourceType": ""}),
            "resourceType",
        ),
        (
            json!({"queryType": "tagValues", "region": "default"}),
            "tagValues",
        ),
    ];
    let models: Vec<Value> = cases.iter().map(|(m, _)| m.clone()).collect();
    let answers = variables(&r, &models).await;
    for ((model, field), got) in cases.iter().zip(&answers) {
        let e = got.as_ref().unwrap_err();
        assert!(e.contains(field), "{model}: {e}");
    }
    // "should not run if metric name not set": Grafana lists nothing; Stratus lists the key's
    // values across the namespace's metrics, as ListMetrics finds them.
    let across = variables(
        &r,
        &[
            json!({"queryType": "dimensionValues", "namespace": "App/Orders", "region": "default",
                             "metricName": "", "dimensionKey": "Service"}),
        ],
    )
    .await;
    let want = &boto3(
        &r,
        json!([{"kind": "dimension_values", "namespace": "App/Orders", "key": "Service", "filters": {}}]),
    )[0];
    assert_eq!(sorted(across[0].clone().unwrap()), same(want));
    assert_eq!(want.len(), 3, "login is only an Errors value");
}
