//! `make corpus`: the public dashboard corpus (../shared/reference/corpus, or STRATUS_CORPUS)
//! run as Grafana runs it: each dashboard's variables resolved in order through QueryData,
//! then every panel target with the variables in place. Prints, per dashboard, how many
//! variables resolved and targets were answered, and the totals. The corpus is GPL-3.0 and
//! stays outside the repository, so this is not part of `make test`.

#[path = "common/mod.rs"]
mod common;

use common::dashboard::{load, Runner};
use common::*;
use serde_json::{json, Value};

fn main() {
    let dir = std::env::var("STRATUS_CORPUS").unwrap_or_else(|_| {
        repo_path("../shared/reference/corpus")
            .display()
            .to_string()
    });
    let read = |name: &str| -> Value {
        let path = format!("{dir}/{name}");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{path}: {e}; set STRATUS_CORPUS to the corpus folder"));
        serde_json::from_str(&text).unwrap()
    };
    let dashboards = load(
        &read("cloudwatch-dashboard-variables.json"),
        &read("cloudwatch-dashboard-targets.json"),
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let moto = Moto::start();
        let seeded = moto.seed(json!({
            "users": [{ "name": "grafana" }],
            "instances": [
                { "tags": { "Name": "web-1" } },
                { "tags": { "Name": "web-2" } }
            ]
        }));
        // Labels with spaces fail moto's signature check (see tests/dashboards.rs).
        moto.allow_unsigned(1_000_000_000);
        let plugin = Plugin::start(&[]);
        let runner = Runner::new(&plugin, &moto.endpoint, &seeded["users"]["grafana"]);
        let (mut complete, mut vars_ok, mut targets_total, mut answered, mut with_data) = (0, 0, 0, 0, 0);
        println!("| dashboard | variables resolved | targets answered | with points |");
        println!("|---|---|---|---|");
        for d in &dashboards {
            let o = runner.run(d).await;
            let resolved = o.variables.iter().filter(|(_, r)| r.as_ref().is_ok_and(|x| !x.is_empty())).count();
            let ok = o.targets.iter().filter(|(_, r)| r.is_ok()).count();
            println!(
                "| {} | {}/{} | {}/{} | {} |",
                d.name,
                resolved,
                o.variables.len(),
                ok,
                o.targets.len(),
                o.with_data()
            );
            for f in o.failures() {
                println!("|   {f} | | | |");
            }
            vars_ok += usize::from(o.variables_resolved());
            complete += usize::from(o.variables_resolved() && o.panels_answered());
            targets_total += o.targets.len();
            answered += ok;
            with_data += o.with_data();
        }
        println!(
            "\n{complete} of {} dashboards: every variable resolved and every target answered; {vars_ok} with every variable resolved; {answered} of {targets_total} targets answered, {with_data} with points.",
            dashboards.len()
        );
        let mut plugin = plugin;
        assert!(plugin.alive(), "the plugin outlived the corpus");
    });
}
