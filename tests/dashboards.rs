//! Whole dashboards as Grafana runs them (tests/fixtures/dashboards/, written after the public
//! corpus's shapes): every variable resolves through QueryData in order, and every panel target,
//! with the chosen values in place, is answered with points.

mod common;

use common::dashboard::{load, seeded_moto, Runner};
use common::*;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = repo_path(&format!("tests/fixtures/dashboards/{name}"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_variable_resolves_and_every_panel_answers() {
    let (moto, seeded) = seeded_moto();
    let plugin = Plugin::start(&[]);
    let runner = Runner::new(&plugin, &moto.endpoint, &seeded["users"]["grafana"]);
    let dashboards = load(
        &fixture("cloudwatch-dashboard-variables.json"),
        &fixture("cloudwatch-dashboard-targets.json"),
    );
    assert_eq!(dashboards.len(), 2);
    for d in &dashboards {
        let outcome = runner.run(d).await;
        assert!(
            outcome.failures().is_empty(),
            "{}: {:#?}",
            d.name,
            outcome.failures()
        );
        assert!(outcome.variables_resolved(), "{outcome:#?}");
        assert_eq!(
            outcome.with_data(),
            outcome.targets.len(),
            "every visible target has points: {outcome:#?}"
        );
        let query_variables = d.variables.iter().filter(|v| v["type"] == "query").count();
        assert_eq!(outcome.variables.len(), query_variables);
    }
    let fleet = runner.run(&dashboards[0]).await;
    let options = |name: &str| {
        fleet
            .variables
            .iter()
            .find(|(n, _)| n == name)
            .unwrap()
            .1
            .clone()
            .unwrap()
    };
    // Chosen as a person would: the data source's region, then what the filters narrow to.
    assert!(options("region").contains(&"us-east-1".to_string()));
    assert_eq!(options("instancename"), ["web-1", "web-2"]);
    let web1 = &seeded["instances"][0];
    assert_eq!(options("instanceid"), [web1["id"].as_str().unwrap()]);
    assert_eq!(options("instancetype"), ["t3.micro"]);
    assert_eq!(
        options("volume"),
        web1["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect::<Vec<_>>()
    );
    // The legacy two-statistic target answers a series per statistic: the three points put
    // for it, twice.
    let cpu = fleet.targets.iter().find(|(n, _)| n == "CPU / A").unwrap();
    assert_eq!(cpu.1, Ok(6), "{fleet:#?}");
}
