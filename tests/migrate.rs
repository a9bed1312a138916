//! `migrate` as an operator runs it: the built binary on copies of dashboards in every stored
//! shape, alert rule files in both formats and provisioning, with the exact output asserted;
//! then the migrated dashboards' queries run through QueryData against moto.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::{json, Value};

const ID: &str = "stratus-cloudwatch-datasource";

/// A reference by the CloudWatch data source's name becomes the new uid.
const BY_NAME: (&str, &str) = (
    r#""datasource": "CloudWatch""#,
    r#""datasource": "stratus-prod""#,
);

/// The fixtures copied into a fresh folder.
fn fixtures() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = repo_path("tests/fixtures/migrate");
    for sub in ["dashboards", "alerting", "provisioning", "bad"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        for e in std::fs::read_dir(from.join(sub)).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), dir.path().join(sub).join(e.file_name())).unwrap();
        }
    }
    dir
}

/// Runs `migrate` with `args`; the exit code and the JSON report (or the text).
fn migrate(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gpx_stratus"))
        .arg("migrate")
        .args(args)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

fn report(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn file<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with(name))
        .unwrap_or_else(|| panic!("{name} not in the report"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// `text` with each (from, to) replaced everywhere: the whole expected difference.
fn replaced(text: &str, pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .fold(text.to_string(), |t, (a, b)| t.replace(a, b))
}

fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(all_files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn every_shape_changes_exactly_its_data_source_references_once() {
    let src = fixtures();
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("migrated");
    let (code, text) = migrate(&[
        "--map",
        "cw-prod=stratus-prod",
        "--out",
        dest.to_str().unwrap(),
        "--json",
        src.path().to_str().unwrap(),
    ]);
    // One query would be refused and three files are not migratable: exit 1.
    assert_eq!(code, 1, "{text}");
    let r = report(&text);
    let s = |p: &str| read(&src.path().join(p));
    let d = |p: &str| read(&dest.join(p));

    let ds = [
        (
            r#""type": "cloudwatch""#,
            r#""type": "stratus-cloudwatch-datasource""#,
        ),
        (r#""uid": "cw-prod""#, r#""uid": "stratus-prod""#),
    ];
    assert_eq!(
        d("dashboards/ec2.json"),
        replaced(
            &s("dashboards/ec2.json"),
            &[
                ds[0],
                ds[1],
                (
                    r#""query": "cloudwatch""#,
                    r#""query": "stratus-cloudwatch-datasource""#
                ),
                (r#""value": "cw-prod""#, r#""value": "stratus-prod""#),
                BY_NAME,
            ]
        )
    );
    assert_eq!(
        d("dashboards/legacy.json"),
        replaced(&s("dashboards/legacy.json"), &[BY_NAME])
    );
    assert_eq!(
        d("dashboards/export.json"),
        replaced(
            &s("dashboards/export.json"),
            &[
                ds[0],
                (
                    r#""pluginId": "cloudwatch", "pluginName": "CloudWatch""#,
                    r#""pluginId": "stratus-cloudwatch-datasource", "pluginName": "Stratus CloudWatch""#
                ),
                (
                    r#""id": "cloudwatch", "name": "CloudWatch""#,
                    r#""id": "stratus-cloudwatch-datasource", "name": "Stratus CloudWatch""#
                ),
            ]
        )
    );
    assert_eq!(
        d("alerting/rules.yaml"),
        replaced(
            &s("alerting/rules.yaml"),
            &[
                ("datasourceUid: cw-prod", "datasourceUid: stratus-prod"),
                ("type: cloudwatch", "type: stratus-cloudwatch-datasource"),
                ("uid: cw-prod", "uid: stratus-prod")
            ]
        )
    );
    assert_eq!(
        d("alerting/export.json"),
        replaced(
            &s("alerting/export.json"),
            &[(
                r#""datasourceUid": "cw-prod""#,
                r#""datasourceUid": "stratus-prod""#
            )]
        )
    );
    assert_eq!(
        d("provisioning/datasources.yaml"),
        replaced(
            &s("provisioning/datasources.yaml"),
            &[
                ("type: cloudwatch", "type: stratus-cloudwatch-datasource"),
                ("uid: cw-prod", "uid: stratus-prod")
            ]
        )
    );
    // The expressions of the alert rules are untouched, the Prometheus ones too.
    assert!(d("alerting/rules.yaml").contains("datasourceUid: __expr__"));
    assert!(d("dashboards/ec2.json").contains(r#"{ "type": "prometheus", "uid": "prom" }"#));

    // What Stratus would refuse, with its parser's message; the rest was checked and passes.
    let ec2 = file(&r, "dashboards/ec2.json");
    assert_eq!(ec2["queriesChecked"], 8);
    assert_eq!(
        ec2["refused"],
        json!([{ "at": "panels[2].targets[1]", "message": "Query field `period`: \"5x\" is not a period; use auto, a number of seconds, or a duration such as 5m" }])
    );
    assert_eq!(file(&r, "dashboards/legacy.json")["queriesChecked"], 2);
    assert_eq!(file(&r, "alerting/rules.yaml")["queriesChecked"], 1);

    // Bad files: a message each, nothing written for them, the others done.
    assert!(file(&r, "bad/broken.json")["error"]
        .as_str()
        .unwrap()
        .starts_with("is not valid JSON"));
    assert!(file(&r, "bad/broken.yaml")["error"]
        .as_str()
        .unwrap()
        .starts_with("is not valid YAML"));
    assert_eq!(
        file(&r, "bad/other.json")["error"],
        "is neither a dashboard, an alert rules file nor data source provisioning"
    );
    assert!(!dest.join("bad").exists());
    assert_eq!(r["summary"]["written"], 6);

    // A second run changes nothing.
    let before: Vec<String> = all_files(&dest).iter().map(|p| read(p)).collect();
    let (code, text) = migrate(&[
        "--map",
        "cw-prod=stratus-prod",
        "--in-place",
        "--json",
        dest.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{text}");
    let again = report(&text);
    assert_eq!(again["summary"]["changes"], 0, "{text}");
    assert_eq!(again["summary"]["written"], 0);
    let after: Vec<String> = all_files(&dest).iter().map(|p| read(p)).collect();
    assert_eq!(before, after);
}

#[test]
fn nothing_is_written_without_out_or_in_place_or_with_dry_run() {
    let src = fixtures();
    let originals: Vec<String> = all_files(src.path()).iter().map(|p| read(p)).collect();
    let (code, text) = migrate(&[
        "--map",
        "cw-prod=stratus-prod",
        src.path().join("dashboards").to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("nothing written (pass --out DIR or --in-place to write)"),
        "{text}"
    );
    assert!(
        text.contains("panels[1].panels[0].datasource.uid: cw-prod → stratus-prod"),
        "{text}"
    );
    let (_, text) = migrate(&["--in-place", "--dry-run", src.path().to_str().unwrap()]);
    assert!(text.contains("nothing written (--dry-run)"), "{text}");
    let after: Vec<String> = all_files(src.path()).iter().map(|p| read(p)).collect();
    assert_eq!(originals, after);
}

#[test]
fn exit_codes_say_clean_refused_or_usage() {
    let src = fixtures();
    let clean = src.path().join("dashboards/export.json");
    assert_eq!(migrate(&[clean.to_str().unwrap()]).0, 0);
    assert_eq!(
        migrate(&[
            src.path().join("dashboards/ec2.json").to_str().unwrap(),
            "--map",
            "cw-prod=x"
        ])
        .0,
        1
    );
    let missing = src.path().join("no-such-file.json");
    let (code, text) = migrate(&[missing.to_str().unwrap(), clean.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        text.contains("no-such-file.json: not migrated: cannot be read"),
        "{text}"
    );
    assert!(
        text.contains("export.json (dashboard): 6 changes"),
        "{text}"
    );
    let (code, text) = migrate(&["--map", "no-equals", clean.to_str().unwrap()]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("\"no-equals\" is not OLD_UID=NEW_UID"),
        "{text}"
    );
    assert_eq!(migrate(&[]).0, 2);
    assert_eq!(
        migrate(&["--out", "x", "--in-place", clean.to_str().unwrap()]).0,
        2
    );
}

#[test]
fn the_original_data_source_can_stay_beside_the_new_one() {
    let src = fixtures();
    let out = tempfile::tempdir().unwrap();
    let (code, text) = migrate(&[
        "--keep-original",
        "--out",
        out.path().to_str().unwrap(),
        "--json",
        src.path()
            .join("provisioning/datasources.yaml")
            .to_str()
            .unwrap(),
        src.path().join("alerting/rules.yaml").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{text}");
    let provisioning: Value =
        serde_norway::from_str(&read(&out.path().join("datasources.yaml"))).unwrap();
    let entries = provisioning["datasources"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0]["type"], "cloudwatch");
    assert_eq!(entries[1]["name"], "CloudWatch (Stratus)");
    assert_eq!(entries[1]["type"], ID);
    assert_eq!(entries[1]["uid"], "cw-prod-stratus");
    assert_eq!(entries[1]["jsonData"], entries[0]["jsonData"]);
    assert_eq!(
        entries[1]["secureJsonData"],
        json!({ "accessKey": "${AWS_ACCESS_KEY_ID}", "secretKey": "${AWS_SECRET_ACCESS_KEY}" })
    );
    assert!(read(&out.path().join("rules.yaml")).contains("datasourceUid: cw-prod-stratus"));
}

/// Real dashboards: a text panel's leftover target and an empty shell (which Grafana never
/// sends) are not checked, Grafana's built-in variables always have a value, a data source
/// named in provisioning is found by its uid too, and a provisioning entry that ends in a
/// block scalar gets its Stratus copy after it. A `--datasources` file that cannot be read or
/// parsed is a usage error.
#[test]
fn real_dashboards_migrate_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let dashboard = json!({"title": "Real", "templating": {"list": []}, "panels": [
        {"type": "text", "title": "Documentation", "targets": [{"refId": "A", "datasource": {"uid": "cw-prod"}}]},
        {"type": "timeseries", "title": "CPU", "datasource": {"uid": "cw-prod"}, "targets": [
            {"refId": "A", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "statistic": "Average",
             "region": "default", "period": "$__interval", "label": "${__user.login} $__dashboard", "dimensions": {}},
            {"refId": "B", "namespace": "", "metricName": "", "dimensions": {}},
            {"refId": "C", "queryMode": "Logs", "region": "default", "expression": "fields @message | filter @timestamp > ${__from}", "logGroupNames": ["/app"]}
        ]}
    ]});
    let path = dir.path().join("real.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&dashboard).unwrap()).unwrap();
    let provisioning = dir.path().join("datasources.yaml");
    std::fs::write(
        &provisioning,
        "apiVersion: 1\ndatasources:\n  - name: CloudWatch\n    type: cloudwatch\n    uid: cw-prod\n    jsonData:\n      authType: default\n    secureJsonData:\n      caBundle: |\n        -----BEGIN CERTIFICATE-----\n        MIIB\n        -----END CERTIFICATE-----\n",
    )
    .unwrap();
    let (code, text) = migrate(&[
        "--json",
        "--datasources",
        provisioning.to_str().unwrap(),
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{text}");
    let r = report(&text);
    let f = file(&r, "real.json");
    assert_eq!(f["queriesChecked"], 2, "{f}");
    assert_eq!(f["neverSent"], 2, "{f}");
    assert_eq!(f["refused"], json!([]), "{f}");
    assert_eq!(f["needsValue"], json!([]), "{f}");
    // The panel's `{"uid": "cw-prod"}` is found by uid through provisioning (unknown, its
    // queries would not be checked and a note would say so).
    assert_eq!(f["notes"], json!([]), "{f}");
    let (_, alone) = migrate(&["--json", path.to_str().unwrap()]);
    assert_eq!(file(&report(&alone), "real.json")["queriesChecked"], 0);
    // --keep-original beside a block scalar.
    let out = tempfile::tempdir().unwrap();
    let (code, text) = migrate(&[
        "--keep-original",
        "--out",
        out.path().to_str().unwrap(),
        provisioning.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{text}");
    let kept: Value = serde_norway::from_str(&read(&out.path().join("datasources.yaml"))).unwrap();
    assert_eq!(kept["datasources"][1]["type"], ID);
    assert_eq!(
        kept["datasources"][1]["secureJsonData"]["caBundle"],
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    );
    // Unusable --datasources files.
    let missing = dir.path().join("missing.yaml");
    let (code, text) = migrate(&[
        "--datasources",
        missing.to_str().unwrap(),
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("--datasources") && text.contains("cannot be read"),
        "{text}"
    );
    let broken = dir.path().join("broken.yaml");
    std::fs::write(&broken, "datasources: [\n").unwrap();
    let (code, text) = migrate(&[
        "--datasources",
        broken.to_str().unwrap(),
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("broken.yaml"), "{text}");
}

/// The migrated dashboards' accepted queries, with the dashboard's variable values, answer
/// through the plugin against moto.
#[tokio::test(flavor = "multi_thread")]
async fn migrated_queries_run_through_query_data() {
    let src = fixtures();
    let out = tempfile::tempdir().unwrap();
    let (_, text) = migrate(&[
        "--map",
        "cw-prod=stratus-prod",
        "--out",
        out.path().to_str().unwrap(),
        src.path().to_str().unwrap(),
    ]);
    assert!(text.contains("6 written"), "{text}");

    let moto = Moto::start();
    let seeded = moto.seed(json!({ "users": [{ "name": "alice" }], "log_groups": [{ "name": "/app/web", "events": [[30, "hello"]] }] }));
    let plugin = Plugin::start(&[]);
    let k = keys(&seeded["users"]["alice"]);
    let ctx = ds(
        "stratus-prod",
        json_data("keys", &moto.endpoint),
        &secure(&k),
    );

    let ec2: Value = serde_json::from_str(&read(&out.path().join("dashboards/ec2.json"))).unwrap();
    let export: Value =
        serde_json::from_str(&read(&out.path().join("dashboards/export.json"))).unwrap();
    let legacy: Value =
        serde_json::from_str(&read(&out.path().join("dashboards/legacy.json"))).unwrap();
    // The panels' queries as Grafana would send them to the new data source: variables replaced.
    let interpolate = |t: &Value| -> Value {
        let text = t
            .to_string()
            .replace("$region", "us-east-1")
            .replace("$instance", "i-1");
        serde_json::from_str(&text).unwrap()
    };
    let queries = [
        ("cpu", &ec2["panels"][0]["targets"][0]),
        ("math", &ec2["panels"][0]["targets"][1]),
        ("insights", &ec2["panels"][1]["panels"][0]["targets"][0]),
        ("logs", &ec2["panels"][1]["panels"][1]["targets"][0]),
        (
            "library",
            &export["__elements"]["lib-1"]["model"]["targets"][0],
        ),
        ("export", &export["panels"][1]["targets"][0]),
        (
            "legacy",
            &legacy["dashboard"]["rows"][0]["panels"][0]["targets"][0],
        ),
    ];
    let now = now_ms();
    for (name, target) in queries {
        let mut model = interpolate(target);
        model["refId"] = json!("A");
        // A hidden query answers nothing alone (it feeds math): shown here to see its answer.
        model["hide"] = json!(false);
        // Math needs the query it names; it is sent with it, as in the panel.
        let mut batch = vec![data_query("A", model, now - 3_600_000, now)];
        if name == "math" {
            batch.push(data_query(
                "m1",
                interpolate(&ec2["panels"][0]["targets"][0]),
                now - 3_600_000,
                now,
            ));
        }
        let resp = plugin.query(ctx.clone(), batch).await;
        let r = resp
            .responses
            .get("A")
            .unwrap_or_else(|| panic!("{name}: {:?}", resp.responses.keys()));
        // moto does not run Metrics Insights, math or SEARCH (the library panel's wildcard
        // becomes one) and answers them with an error of its own: those must at least have left
        // Stratus as a GetMetricData call, not been refused by it.
        if ["insights", "math", "library"].contains(&name) {
            assert!(!r.error.contains("Query field"), "{name}: {}", r.error);
        } else {
            assert_eq!(r.error, "", "{name}");
        }
    }
}

/// The README's example is the command's real output.
#[test]
fn the_readme_example_is_what_the_command_prints() {
    let readme = read(&repo_path("README.md"));
    let section = readme
        .split("## Switching from Grafana's CloudWatch")
        .nth(1)
        .unwrap();
    let command = fenced(section, "sh").trim();
    let printed = fenced(section, "text").trim_start();
    let args: Vec<&str> = command.split_whitespace().skip(2).collect();
    let src = fixtures();
    let out = Command::new(env!("CARGO_BIN_EXE_gpx_stratus"))
        .arg("migrate")
        .args(&args)
        .current_dir(src.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), printed);
}
