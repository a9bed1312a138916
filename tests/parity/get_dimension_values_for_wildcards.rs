//! The GROUP BY keys' values of a Metrics Insights builder query, looked up (ListMetrics) to
//! label its series; never a lookup for a Metric Search query (new label parsing reads the
//! values from the labels).
//! Mirrors grafana/grafana-cloudwatch-datasource, pkg/cloudwatch/get_dimension_values_for_wildcards_test.go
//! (TestGetDimensionValuesForWildcards), through the real plugin over gRPC, a recording proxy
//! and moto, with Grafana's default feature toggles (new label parsing on).

use serde_json::{json, Value};

use crate::common::{data_query, ds, json_data, keys, now_ms, secure, Moto, Plugin, Proxy};
use crate::support::HOUR;

struct Rig {
    _moto: Moto,
    proxy: Proxy,
    plugin: Plugin,
    ctx: grafana_current::pluginv2::PluginContext,
}

fn rig() -> Rig {
    let moto = Moto::start();
    let at = now_ms() / 1000 - 600;
    let point = |d1: &str, d2: &str| json!({"namespace": "AWS/EC2", "name": "Test_MetricName", "dimensions": {"Test_DimensionName1": d1, "Test_DimensionName2": d2}, "points": [[at, 1.0]]});
    let seeded = moto.seed(json!({
        "users": [{ "name": "alice" }],
        "metrics": [point("Dimension1Value1", "Dimension2Value1"), point("Dimension1Value2", "Dimension2Value2")]
    }));
    moto.allow_unsigned(1_000_000_000);
    let proxy = Proxy::start(&moto.endpoint);
    let plugin = Plugin::start(&[]);
    let k = keys(&seeded["users"]["alice"]);
    let ctx = ds(
        "ds-groupby",
        json_data("keys", &proxy.endpoint),
        &secure(&k),
    );
    Rig {
        _moto: moto,
        proxy,
        plugin,
        ctx,
    }
}

impl Rig {
    /// Runs the query; returns the ListMetrics requests it made, as form fields.
    async fn list_metrics_for(
        &self,
        model: Value,
    ) -> Vec<std::collections::HashMap<String, String>> {
        self.proxy.reset();
        let now = now_ms();
        let resp = self
            .plugin
            .query(
                self.ctx.clone(),
                vec![data_query("A", model, now - HOUR, now)],
            )
            .await;
        assert!(
            resp.responses["A"].error.is_empty(),
            "{}",
            resp.responses["A"].error
        );
        self.proxy.requests("ListMetrics")
    }
}

/// getBaseQuery as a Metrics Insights builder query with GROUP BY Test_DimensionName1, 2.
fn group_by(extra: Value) -> Value {
    let mut q = json!({
        "type": "timeSeriesQuery", "namespace": "AWS/EC2", "metricName": "Test_MetricName",
        "statistic": "Average", "period": "300", "metricQueryType": 1, "metricEditorMode": 0,
        "dimensions": {},
        "sqlExpression": "SELECT AVG(Test_MetricName) FROM \"AWS/EC2\" GROUP BY Test_DimensionName1, Test_DimensionName2",
        "sql": {"groupBy": {"type": "and", "expressions": [
            {"type": "groupBy", "property": {"type": "string", "name": "Test_DimensionName1"}},
            {"type": "groupBy", "property": {"type": "string", "name": "Test_DimensionName2"}}
        ]}}
    });
    for (k, v) in extra.as_object().unwrap() {
        q[k] = v.clone();
    }
    q
}

fn search(dimensions: Value, exact: bool) -> Value {
    json!({
        "type": "timeSeriesQuery", "namespace": "AWS/EC2", "metricName": "Test_MetricName1",
        "statistic": "Average", "period": "300", "dimensions": dimensions, "matchExact": exact
    })
}

// TestGetDimensionValuesForWildcards/MetricQuery query type/Should fetch dimensions when there is a `GROUP BY` clause
// TestGetDimensionValuesForWildcards/MetricQuery query type/Should not fetch dimensions when there is not a `GROUP BY` clause
// TestGetDimensionValuesForWildcards/Should skip queries/when namespace not set
// TestGetDimensionValuesForWildcards/Should skip queries/when metricName not set
// TestGetDimensionValuesForWildcards/MetricSearch query type/* (new label parsing: no lookup)
// TestGetDimensionValuesForWildcards/Tag value cache/Should use cache for previously fetched value
#[tokio::test(flavor = "multi_thread")]
async fn group_by_keys_are_looked_up_and_searches_never_are() {
    let r = rig();
    let asked = r.list_metrics_for(group_by(json!({}))).await;
    let keys: Vec<&str> = asked
        .iter()
        .map(|f| f["Dimensions.member.1.Name"].as_str())
        .collect();
    assert_eq!(
        keys,
        vec!["Test_DimensionName1", "Test_DimensionName2"],
        "{asked:?}"
    );
    for f in &asked {
        assert_eq!(f["Namespace"], "AWS/EC2");
        assert_eq!(f["MetricName"], "Test_MetricName");
    }
    // The values are cached: the same query again asks nothing.
    assert!(r.list_metrics_for(group_by(json!({}))).await.is_empty());
    // No GROUP BY, no namespace or no metric: nothing to look up.
    let mut no_group_by = group_by(json!({}));
    no_group_by.as_object_mut().unwrap().remove("sql");
    assert!(r.list_metrics_for(no_group_by).await.is_empty());
    assert!(r
        .list_metrics_for(group_by(json!({"namespace": ""})))
        .await
        .is_empty());
    assert!(r
        .list_metrics_for(group_by(json!({"metricName": ""})))
        .await
        .is_empty());
    // Metric Search queries read the values from their labels.
    for (dims, exact) in [
        (json!({"Test_DimensionName1": ["Value1"]}), false),
        (json!({"Test_DimensionName1": ["*"]}), true),
        (json!({"Test_DimensionName1": ["*"]}), false),
    ] {
        assert!(r.list_metrics_for(search(dims, exact)).await.is_empty());
    }
}
