//! `make corpus`: the public dashboard corpus (../shared/reference/corpus, or STRATUS_CORPUS)
//! run as Grafana runs it: each dashboard's variables resolved in order through QueryData,
//! then every panel target with the variables in place. Prints, per dashboard, how many
//! variables resolved and targets were answered, and the totals; exits 1 when fewer dashboards
//! work end to end than STRATUS_CORPUS_MIN_COMPLETE (0 by default). Then the dashboards,
//! rebuilt as stored, go through `migrate --dry-run` (no variable values given): it prints
//! migrate's summary and exits 1 when migrate refuses a query or fails a file. The corpus is
//! GPL-3.0 and stays outside the repository; `make test` runs this on Stratus's own dashboards
//! (tests/fixtures/dashboards), which are in the corpus's format.

#[path = "common/mod.rs"]
mod common;

use common::dashboard::{assemble, load, seeded_moto, Runner};
use common::*;
use serde_json::{json, Value};

/// The targets of text panels the corpus leaves out (its README lists them): the dashboards as
/// stored have them, and Grafana never sends them.
fn text_panel_stubs() -> Vec<(&'static str, &'static str, &'static str, Value)> {
    let stub = |uid: Value| json!({"datasource": uid, "refId": "A"});
    let ours = || stub(json!({"uid": "$datasource"}));
    vec![
        ("aws-fsx/aws-fsx.json", "Documentation", "text", ours()),
        ("aws-rds/aws-rds.json", "Documentation", "text", ours()),
        (
            "aws-transfer-family/aws-transfer-family.json",
            "Documentation",
            "text",
            ours(),
        ),
        ("aws-waf/aws-waf.json", "Documentation", "text", ours()),
        (
            "aws-kinesis-firehose/aws-kinesis-firehose.json",
            "Documentation",
            "text",
            stub(json!({"type": "influxdb", "uid": "${datasource}"})),
        ),
    ]
}

/// `migrate --dry-run` over the dashboards rebuilt as stored: true when nothing is refused
/// and every file migrates.
fn migrate_as_stored(variables: &Value, targets: &Value) -> bool {
    let dir = tempfile::tempdir().unwrap();
    for (name, dashboard) in assemble(variables, targets, &text_panel_stubs()) {
        std::fs::write(
            dir.path().join(name),
            serde_json::to_vec_pretty(&dashboard).unwrap(),
        )
        .unwrap();
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gpx_stratus"))
        .args(["migrate", "--dry-run"])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for line in text
        .lines()
        .filter(|l| l.contains("REFUSED") || l.contains("not migrated:"))
    {
        println!("{line}");
    }
    println!(
        "\nmigrate on the dashboards as stored: {}",
        text.lines().last().unwrap_or("")
    );
    out.status.success()
}

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
    let (variables, targets) = (
        read("cloudwatch-dashboard-variables.json"),
        read("cloudwatch-dashboard-targets.json"),
    );
    let dashboards = load(&variables, &targets);
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
        if !migrate_as_stored(&variables, &targets) {
            eprintln!("migrate refused a query or could not migrate a file");
            std::process::exit(1);
        }
    });
}
