//! The `check` and `query` commands against moto: output, exit codes and JSON.

mod common;

use std::process::{Command, Output};

use common::*;
use serde_json::{json, Value};

fn run(args: &[&str], env: &[(&str, &str)], home: &std::path::Path) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gpx_stratus"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(args).output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

const PROVISIONING: &str = r#"
apiVersion: 1
datasources:
  - name: Keys
    type: stratus-cloudwatch-datasource
    uid: cli-keys
    jsonData:
      authType: keys
      defaultRegion: us-east-1
      endpoint: ${MOTO}
    secureJsonData:
      accessKey: ${KEY_ID}
      secretKey: ${SECRET}
  - name: Profile
    type: stratus-cloudwatch-datasource
    uid: cli-profile
    jsonData:
      authType: credentials
      profile: ops
      defaultRegion: us-east-1
      endpoint: ${MOTO}
  - name: Somebody else's
    type: prometheus
    uid: prom
"#;

struct Rig {
    _moto: Moto,
    home: tempfile::TempDir,
    file: String,
    env: Vec<(String, String)>,
    secret: String,
}

fn rig() -> Rig {
    let moto = Moto::start();
    let seeded = moto.seed(json!({
        "users": [{ "name": "alice" }],
        "log_groups": [{ "name": "/cli/app", "events": [[60, "hello from the cli"]] }]
    }));
    let u = &seeded["users"]["alice"];
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    let creds = home.path().join(".aws/credentials");
    std::fs::write(
        &creds,
        format!(
            "[ops]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            u["access_key_id"].as_str().unwrap(),
            u["secret_access_key"].as_str().unwrap()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&creds, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let file = home.path().join("stratus.yaml");
    std::fs::write(&file, PROVISIONING).unwrap();
    let env = vec![
        ("MOTO".to_string(), moto.endpoint.clone()),
        (
            "KEY_ID".to_string(),
            u["access_key_id"].as_str().unwrap().to_string(),
        ),
        (
            "SECRET".to_string(),
            u["secret_access_key"].as_str().unwrap().to_string(),
        ),
    ];
    Rig {
        secret: u["secret_access_key"].as_str().unwrap().to_string(),
        _moto: moto,
        file: file.display().to_string(),
        env,
        home,
    }
}

impl Rig {
    fn run(&self, args: &[&str], extra: &[(&str, &str)]) -> Output {
        let mut env: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        env.extend_from_slice(extra);
        let out = run(args, &env, self.home.path());
        assert!(
            !text(&out).contains(&self.secret),
            "the secret leaked into the output"
        );
        out
    }
}

#[test]
fn check_says_which_proxy_the_calls_took() {
    let r = rig();
    let proxy = common::network::Tinyproxy::start(Default::default());
    let out = r.run(
        &["check", "--provisioning", &r.file, "--name", "Keys"],
        &[("HTTP_PROXY", &proxy.url)],
    );
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(
        t.contains(&format!(
            "network:      through proxy 127.0.0.1:{} (from HTTP_PROXY)",
            proxy.port
        )),
        "{t}"
    );
    assert!(!proxy.requests().is_empty(), "{}", proxy.log());

    // Plain case: no proxy, said so.
    let out = r.run(&["check", "--provisioning", &r.file, "--name", "Keys"], &[]);
    assert!(
        text(&out).contains("network:      direct (no proxy set)"),
        "{}",
        text(&out)
    );
}

#[test]
fn check_reports_identity_source_files_and_expiry() {
    let r = rig();
    let out = r.run(&["check", "--provisioning", &r.file], &[]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(t.contains("OK   Keys (uid cli-keys)"), "{t}");
    assert!(
        t.contains(&format!(
            "identity:     arn:aws:iam::{ACCOUNT}:user/alice (account {ACCOUNT})"
        )),
        "{t}"
    );
    assert!(
        t.contains("credentials:  from data source keys") && t.contains("expires:      never"),
        "{t}"
    );
    assert!(
        t.contains("OK   Profile (uid cli-profile)") && t.contains("profile:      ops"),
        "{t}"
    );
    assert!(
        t.contains(&format!(
            "file:         {}/.aws/credentials (found, mode 0600)",
            r.home.path().display()
        )),
        "{t}"
    );
    assert!(t.contains(".aws/config (missing)"), "{t}");
    assert!(
        !t.contains("prom"),
        "only Stratus data sources are checked: {t}"
    );

    let out = r.run(
        &[
            "check",
            "--provisioning",
            &r.file,
            "--name",
            "cli-keys",
            "--json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["ok"], true);
    assert_eq!(
        v[0]["details"]["arn"],
        format!("arn:aws:iam::{ACCOUNT}:user/alice")
    );
}

#[test]
fn check_failure_names_the_step_error_and_hint() {
    let r = rig();
    let out = r.run(
        &["check", "--provisioning", &r.file, "--name", "Keys"],
        &[("SECRET", "not-the-secret")],
    );
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("FAIL Keys (uid cli-keys)"), "{t}");
    assert!(t.contains("failed step:  STS GetCallerIdentity"), "{t}");
    assert!(
        t.contains("AWS error:    SignatureDoesNotMatch (HTTP 403)"),
        "{t}"
    );
    assert!(
        t.contains("hint:         The secret access key does not match"),
        "{t}"
    );
    // The server policy of the environment applies, as in Grafana.
    let out = r.run(
        &[
            "check",
            "--provisioning",
            &r.file,
            "--name",
            "Keys",
            "--json",
        ],
        &[("AWS_AUTH_AllowedAuthProviders", "default")],
    );
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["details"]["step"], "server policy");
}

#[test]
fn query_prints_frames_as_a_table_and_json() {
    let r = rig();
    let now = now_ms() / 60_000 * 60_000;
    let seed = Command::new(python())
        .arg(repo_path("tests/support/put_metric.py"))
        .args([
            &r.env[0].1,
            &r.env[1].1,
            &r.secret,
            "Stratus/Cli",
            "Hits",
            &(now - 120_000).to_string(),
            "3",
        ])
        .status()
        .unwrap();
    assert!(seed.success());
    let q = r#"{"refId":"A","namespace":"Stratus/Cli","metricName":"Hits","statistic":"Sum","period":"60"}"#;
    let out = r.run(
        &[
            "query",
            "--provisioning",
            &r.file,
            "--name",
            "Keys",
            "--query",
            q,
            "--from",
            "-10m",
            "--to",
            "now",
        ],
        &[],
    );
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    // moto labels a MetricStat series "<metric> <stat>".
    assert!(
        t.starts_with("A: Hits Sum {Series=Hits Sum} (1 points)\n  "),
        "{t}"
    );
    assert!(t.contains("  3\n"), "{t}");

    let path = r.home.path().join("q.json");
    std::fs::write(&path, format!("[{q}]")).unwrap();
    let out = r.run(
        &[
            "query",
            "--provisioning",
            &r.file,
            "--name",
            "Keys",
            "--query",
            &format!("@{}", path.display()),
            "--from",
            "now-10m",
            "--json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["refId"], "A");
    assert_eq!(v[0]["frames"][0]["value"], json!([3.0]));

    // A bad query: exit 1 with the query's error.
    let out = r.run(
        &[
            "query",
            "--provisioning",
            &r.file,
            "--name",
            "Keys",
            "--query",
            r#"{"namespace":"N"}"#,
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("A: error: Query field `metricName`"),
        "{}",
        text(&out)
    );

    // A template variable, as a legacy string: its values as a table.
    let out = r.run(
        &[
            "query",
            "--provisioning",
            &r.file,
            "--name",
            "Keys",
            "--query",
            r#"{"refId":"V","query":"metrics(Stratus/Cli, default)"}"#,
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(text(&out), "V: text | value (1 rows)\n  Hits | Hits\n");

    // A Logs Insights query: the rows as a table, the same path as a panel's.
    let out = r.run(
        &[
            "query",
            "--provisioning",
            &r.file,
            "--name",
            "Keys",
            "--query",
            r#"{"refId":"L","queryMode":"Logs","expression":"fields @timestamp, @message","logGroupNames":["/cli/app"]}"#,
            "--from",
            "-10m",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let shown = text(&out);
    let lines: Vec<&str> = shown.lines().collect();
    assert!(
        lines[0].starts_with("L: ")
            && lines[0].contains("@message")
            && lines[0].ends_with("(1 rows)"),
        "{shown}"
    );
    assert!(lines[1].ends_with("| hello from the cli"), "{shown}");
}

#[test]
fn usage_errors_and_help() {
    let home = tempfile::tempdir().unwrap();
    let out = run(
        &["check", "--provisioning", "/nonexistent.yaml"],
        &[],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("/nonexistent.yaml"), "{}", text(&out));
    let r = rig();
    let out = r.run(&["query", "--provisioning", &r.file, "--query", "{}"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("choose one with --name"),
        "{}",
        text(&out)
    );
    for sub in ["check", "query"] {
        let out = run(&[sub, "--help"], &[], home.path());
        assert_eq!(out.status.code(), Some(0));
        assert!(
            text(&out).contains("--provisioning <FILE>"),
            "{}",
            text(&out)
        );
    }
}
