//! `make corpus`: the public dashboard corpus (../shared/reference/corpus, or STRATUS_CORPUS)
//! run as Grafana runs it: each dashboard's variables resolved in order through QueryData,
//! then every panel target with the variables in place. Prints, per dashboard, how many
//! variables resolved and targets were answered, and the totals; exits 1 when fewer dashboards
//! work end to end than STRATUS_CORPUS_MIN_COMPLETE (0 by default). The corpus is GPL-3.0 and
//! stays outside the repository; `make test` runs this on Stratus's own dashboards
//! (tests/fixtures/dashboards), which are in the corpus's format.

#[path = "common/mod.rs"]
mod common;

use common::dashboard::{load, seeded_moto, Runner};
use common::*;
use serde_json::Value;

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
        let (moto, seeded) = seeded_moto();
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
        let required: usize = std::env::var("STRATUS_CORPUS_MIN_COMPLETE")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if complete < required {
            eprintln!("{complete} dashboards work end to end; {required} must");
            std::process::exit(1);
        }
    });
}
