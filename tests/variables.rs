//! Template variables through QueryData, in every stored form, against moto in auth mode and
//! compared with what boto3 finds for the same question.

mod common;

use common::*;
use serde_json::{json, Value};

const OTHER_REGION: &str = "eu-west-1";

/// Metrics, instances and users for the variables to find.
fn spec() -> Value {
    let point = |ns: &str, name: &str, dims: Value| json!({ "namespace": ns, "name": name, "dimensions": dims, "points": [[now_ms() / 1000 - 600, 1.0]] });
    json!({
        "users": [{ "name": "alice" }, { "name": "bob", "lookups": false }],
        "metrics": [
            point("App/Orders", "Latency", json!({"Service": "checkout", "Stage": "prod"})),
            point("App/Orders", "Latency", json!({"Service": "search", "Stage": "prod"})),
            point("App/Orders", "Latency", json!({"Service": "search", "Stage": "dev"})),
            point("App/Orders", "Errors", json!({"Service": "login", "Stage": "dev"})),
            point("App/Orders", "Errors", json!({"Region": "eu"})),
            point("AWS/EC2", "CPUUtilization", json!({"InstanceId": "i-0a", "AutoScalingGroupName": "web"})),
            point("AWS/EC2", "CPUUtilization", json!({"InstanceId": "i-0b", "AutoScalingGroupName": "web"})),
            point("AWS/EC2", "CPUUtilization", json!({"InstanceId": "i-0c", "AutoScalingGroupName": "batch"})),
        ],
        "instances": [
            { "tags": { "Name": "web-1", "Team": "core" } },
            { "tags": { "Name": "web-2", "Team": "core" }, "type": "m5.large" },
            { "tags": { "Name": "jobs", "Team": "data" } },
            { "region": OTHER_REGION, "tags": { "Name": "db-1", "Team": "core" } }
        ]
    })
}

struct Rig {
    moto: Moto,
    seeded: Value,
    plugin: Plugin,
}

fn rig() -> Rig {
    let moto = Moto::start();
    let seeded = moto.seed(spec());
    Rig {
        plugin: Plugin::start(&[]),
        moto,
        seeded,
    }
}

impl Rig {
    fn ctx(&self, user: &str) -> grafana_current::pluginv2::PluginContext {
        let k = keys(&self.seeded["users"][user]);
        ds(
            &format!("ds-{user}"),
            json_data("keys", &self.moto.endpoint),
            &secure(&k),
        )
    }

    /// Each model as a query of one request; the answers by refId (options, or the error).
    async fn variables(
        &self,
        user: &str,
        models: &[Value],
    ) -> Vec<Result<Vec<(String, String)>, String>> {
        let now = now_ms();
        let queries = models
            .iter()
            .enumerate()
            .map(|(i, m)| data_query(&format!("V{i}"), m.clone(), now - 3_600_000, now))
            .collect();
        let resp = self.plugin.query(self.ctx(user), queries).await;
        (0..models.len())
            .map(|i| {
                let r = &resp.responses[&format!("V{i}")];
                if r.error.is_empty() {
                    assert_eq!(r.frames.len(), 1);
                    Ok(variable_options(&r.frames[0]))
                } else {
                    Err(r.error.clone())
                }
            })
            .collect()
    }

    fn instance(&self, i: usize) -> &Value {
        &self.seeded["instances"][i]
    }
}

fn values(options: &[(String, String)]) -> Vec<String> {
    for (text, value) in options {
        assert_eq!(text, value);
    }
    options.iter().map(|(_, v)| v.clone()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_form_answers_what_an_independent_client_finds() {
    let r = rig();
    let i0 = r.instance(0)["id"].as_str().unwrap().to_string();
    // (variable query model, the same question for boto3)
    let cases: Vec<(Value, Value)> = vec![
        (
            json!({"queryType": "metrics", "namespace": "App/Orders", "region": "default"}),
            json!({"kind": "metrics", "namespace": "App/Orders"}),
        ),
        (
            json!({"query": "metrics(App/Orders, us-east-1)"}),
            json!({"kind": "metrics", "namespace": "App/Orders"}),
        ),
        (
            json!({"queryType": "dimensionKeys", "namespace": "App/Orders", "region": "", "metricName": "Latency"}),
            json!({"kind": "dimension_keys", "namespace": "App/Orders", "metric": "Latency", "filters": {}}),
        ),
        (
            json!({"query": "dimension_keys(App/Orders)"}),
            json!({"kind": "dimension_keys", "namespace": "App/Orders", "filters": {}}),
        ),
        (
            json!({"queryType": "dimensionValues", "namespace": "App/Orders", "region": "us-east-1", "metricName": "Latency", "dimensionKey": "Service", "dimensionFilters": {"Stage": "prod"}}),
            json!({"kind": "dimension_values", "namespace": "App/Orders", "metric": "Latency", "key": "Service", "filters": {"Stage": ["prod"]}}),
        ),
        // The older object form: filters as JSON text; "" and "*" mean any value.
        (
            json!({"queryType": "dimensionValues", "namespace": "App/Orders", "region": "default", "metricName": "Latency", "dimensionKey": "Service", "dimensionFilters": "{\"Stage\":\"*\"}"}),
            json!({"kind": "dimension_values", "namespace": "App/Orders", "metric": "Latency", "key": "Service", "filters": {"Stage": []}}),
        ),
        (
            json!({"query": "dimension_values(us-east-1,App/Orders,Latency,Stage)", "refId": "X"}),
            json!({"kind": "dimension_values", "namespace": "App/Orders", "metric": "Latency", "key": "Stage", "filters": {}}),
        ),
        (
            json!({"query": "dimension_values(us-east-1, AWS/EC2, CPUUtilization, InstanceId, {\"AutoScalingGroupName\": \"web\"})"}),
            json!({"kind": "dimension_values", "namespace": "AWS/EC2", "metric": "CPUUtilization", "key": "InstanceId", "filters": {"AutoScalingGroupName": ["web"]}}),
        ),
        (
            json!({"queryType": "ec2InstanceAttributes", "region": "default", "attributeName": "InstanceId", "ec2Filters": {"tag:Team": ["core"]}}),
            json!({"kind": "instance_attribute", "attribute": "InstanceId", "filters": {"tag:Team": ["core"]}}),
        ),
        (
            json!({"query": "ec2_instance_attribute(us-east-1, Tags.Name, {})"}),
            json!({"kind": "instance_attribute", "attribute": "Tags.Name", "filters": {}}),
        ),
        (
            json!({"query": "ec2_instance_attribute(us-east-1, InstanceType, {\"tag:Name\": [\"web-1\", \"web-2\"]})"}),
            json!({"kind": "instance_attribute", "attribute": "InstanceType", "filters": {"tag:Name": ["web-1", "web-2"]}}),
        ),
        (
            json!({"queryType": "ec2InstanceAttributes", "region": OTHER_REGION, "attributeName": "Placement.AvailabilityZone", "ec2Filters": "{}"}),
            json!({"kind": "instance_attribute", "region": OTHER_REGION, "attribute": "Placement.AvailabilityZone", "filters": {}}),
        ),
        (
            json!({"query": format!("ebs_volume_ids(us-east-1, {i0})")}),
            json!({"kind": "volumes", "instance_ids": [i0]}),
        ),
        (
            json!({"queryType": "resourceARNs", "region": "default", "resourceType": "ec2:instance", "tags": {"Team": ["core"]}}),
            json!({"kind": "resource_arns", "resource_type": "ec2:instance", "tags": {"Team": ["core"]}}),
        ),
        (
            json!({"query": "resource_arns(us-east-1, ec2:instance, {\"Name\": [\"jobs\"]})"}),
            json!({"kind": "resource_arns", "resource_type": "ec2:instance", "tags": {"Name": ["jobs"]}}),
        ),
    ];
    let models: Vec<Value> = cases.iter().map(|(m, _)| m.clone()).collect();
    let questions = Value::Array(cases.iter().map(|(_, q)| q.clone()).collect());
    let expected = boto3_lookups(&r.moto.endpoint, &r.seeded["users"]["alice"], &questions);
    let answers = r.variables("alice", &models).await;
    for ((model, want), got) in models.iter().zip(&expected).zip(&answers) {
        let got = got.as_ref().unwrap_or_else(|e| panic!("{model}: {e}"));
        assert!(!want.is_empty(), "{model}: the seeded data answers it");
        assert_eq!(&values(got), want, "{model}");
    }
    // Regions: what EC2 lists, with the built-in ones; namespaces; statistics.
    let answers = r
        .variables(
            "alice",
            &[
                json!({"query": "regions()"}),
                json!({"queryType": "namespaces"}),
                json!({"query": "statistics()"}),
                json!({"query": ""}),
            ],
        )
        .await;
    let regions = values(answers[0].as_ref().unwrap());
    let from_ec2 = &boto3_lookups(
        &r.moto.endpoint,
        &r.seeded["users"]["alice"],
        &json!([{"kind": "regions"}]),
    )[0];
    assert!(from_ec2.iter().all(|r| regions.contains(r)), "{regions:?}");
    assert_eq!(regions[0], "default", "first, as Grafana lists it");
    assert!(regions.contains(&"us-east-1".to_string()) && regions[1..].is_sorted());
    assert!(values(answers[1].as_ref().unwrap()).contains(&"AWS/EC2".to_string()));
    assert_eq!(
        values(answers[2].as_ref().unwrap()),
        vec!["Average", "Maximum", "Minimum", "Sum", "SampleCount", "IQM"]
    );
    assert_eq!(
        answers[3].as_ref().unwrap(),
        answers[0].as_ref().unwrap(),
        "an empty query lists regions"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn regions_fall_back_to_the_built_in_list_when_ec2_is_denied() {
    let r = rig();
    let models = [json!({"queryType": "regions"})];
    let first = r.variables("bob", &models).await;
    let second = r.variables("bob", &models).await;
    let regions = values(first[0].as_ref().unwrap());
    assert!(
        regions.contains(&"us-east-1".to_string())
            && regions.contains(&"ap-southeast-2".to_string())
    );
    assert_eq!(first, second);
    std::thread::sleep(std::time::Duration::from_millis(200));
    let told = r
        .plugin
        .output()
        .lines()
        .filter(|l| l.contains("DescribeRegions failed"))
        .count();
    assert_eq!(told, 1, "said once:\n{}", r.plugin.output());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_variable_query_fails_alone() {
    let mut r = rig();
    let cases = [
        (
            json!({"query": "tag_values(us-east-1)"}),
            "unable to parse old variable query",
        ),
        (
            json!({"query": "dimension_values(us-east-1,AWS/EC2)"}),
            "does not have the arguments",
        ),
        (
            json!({"query": "dimension_values($region,AWS/EC2,CPUUtilization,InstanceId)"}),
            "the region",
        ),
        (
            json!({"queryType": "dimensionValues", "namespace": "AWS/EC2", "dimensionKey": "InstanceId", "dimensionFilters": "{oops"}),
            "`dimensionFilters`",
        ),
        (
            json!({"queryType": "ec2InstanceAttributes", "attributeName": "Secret"}),
            "`attributeName`",
        ),
        (
            json!({"queryType": "metrics", "region": "moon-1", "namespace": "N"}),
            "`region`",
        ),
    ];
    let mut models: Vec<Value> = cases.iter().map(|(m, _)| m.clone()).collect();
    models.push(json!({"query": "statistics()"}));
    let answers = r.variables("alice", &models).await;
    for ((model, needle), got) in cases.iter().zip(&answers) {
        let err = got.as_ref().unwrap_err();
        assert!(err.contains(needle), "{model}: {err}");
    }
    assert!(answers.last().unwrap().is_ok());
    assert!(r.plugin.alive());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dashboard_load_costs_one_lookup_per_variable_per_ttl() {
    let moto = Moto::start();
    let seeded = moto.seed(spec());
    let proxy = Proxy::start(&moto.endpoint);
    let plugin = Plugin::start(&[]);
    let k = keys(&seeded["users"]["alice"]);
    let ctx = ds("ds-proxy", json_data("keys", &proxy.endpoint), &secure(&k));
    // A dashboard's variables: regions, then lookups that depend on the chosen values.
    let dashboard = [
        json!({"query": "regions()"}),
        json!({"query": "dimension_values(us-east-1,App/Orders,Latency,Service)"}),
        json!({"query": "dimension_values(us-east-1,App/Orders,Latency,Stage,{\"Service\":\"search\"})"}),
        json!({"query": "ec2_instance_attribute(us-east-1, InstanceId, {\"tag:Team\": [\"core\"]})"}),
        json!({"query": "resource_arns(us-east-1, ec2:instance, {\"Team\": [\"core\"]})"}),
    ];
    let now = now_ms();
    let load = || {
        let queries = dashboard
            .iter()
            .enumerate()
            .map(|(i, m)| data_query(&format!("V{i}"), m.clone(), now - 3_600_000, now))
            .collect();
        plugin.query(ctx.clone(), queries)
    };
    let first = load().await;
    assert!(
        first.responses.values().all(|r| r.error.is_empty()),
        "{first:?}"
    );
    let calls = |p: &Proxy| {
        [
            "DescribeRegions",
            "ListMetrics",
            "DescribeInstances",
            "GetResources",
        ]
        .iter()
        .map(|a| p.count(a))
        .sum::<u64>()
    };
    assert_eq!(
        calls(&proxy),
        dashboard.len() as u64,
        "{:?}",
        proxy.counts()
    );
    proxy.reset();
    let again = load().await;
    assert_eq!(again, first);
    assert_eq!(
        calls(&proxy),
        0,
        "within the cache TTL: {:?}",
        proxy.counts()
    );
}
