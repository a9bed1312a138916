//! The three doors users come through: provisioning files, the docker-compose demo stack and
//! the release zip. Each test uses the very files that ship.

mod common;

use std::collections::HashMap;
use std::process::Command;

use common::*;
use serde_json::{json, Value};
use stratus::cli::provisioning;
use stratus::config::policy::Policy;
use stratus::config::settings;

fn compose() -> serde_norway::Value {
    serde_norway::from_str(&std::fs::read_to_string(repo_path("docker-compose.yaml")).unwrap())
        .unwrap()
}

fn service<'a>(c: &'a serde_norway::Value, name: &str) -> &'a serde_norway::Value {
    &c["services"][name]
}

/// Grafana's environment in the stack, as the plugin process inherits it: the `[aws]` settings
/// become the AWS_AUTH_* variables Grafana forwards, the rest passes through.
fn stack_plugin_env() -> Vec<(String, String)> {
    let c = compose();
    let env = service(&c, "grafana")["environment"]
        .as_mapping()
        .unwrap()
        .clone();
    let get = |k: &str| env.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let forwarded = get("GF_AWS_FORWARD_SETTINGS_TO_PLUGINS").unwrap();
    assert!(
        forwarded
            .split(',')
            .any(|p| p.trim() == "stratus-cloudwatch-datasource"),
        "{forwarded}"
    );
    let mut out = vec![
        (
            "AWS_AUTH_AllowedAuthProviders".to_string(),
            get("GF_AWS_ALLOWED_AUTH_PROVIDERS").unwrap(),
        ),
        (
            "AWS_AUTH_AssumeRoleEnabled".to_string(),
            get("GF_AWS_ASSUME_ROLE_ENABLED").unwrap(),
        ),
        (
            "AWS_AUTH_SESSION_DURATION".to_string(),
            get("GF_AWS_SESSION_DURATION").unwrap(),
        ),
    ];
    for (k, v) in env.iter() {
        let k = k.as_str().unwrap();
        if k.starts_with("AWS_") {
            out.push((k.to_string(), v.as_str().unwrap().to_string()));
        }
    }
    out
}

fn provisioning_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(repo_path("provisioning/datasources"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    files
}

fn load_data_sources(env: &HashMap<String, String>) -> Vec<provisioning::DataSource> {
    let mut all = Vec::new();
    for f in provisioning_files() {
        let text = std::fs::read_to_string(&f).unwrap();
        all.extend(
            provisioning::parse(&text, &|k| env.get(k).cloned(), &|p| {
                std::fs::read_to_string(p)
            })
            .unwrap(),
        );
    }
    all
}

#[test]
fn every_provisioned_data_source_passes_settings_and_the_stacks_policy() {
    let stack = stack_plugin_env();
    let policy =
        Policy::from_lookup(|k| stack.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
            .unwrap();
    let env: HashMap<String, String> = [
        ("STRATUS_DEMO_ACCESS_KEY_ID", "AKIAEXAMPLE"),
        ("STRATUS_DEMO_SECRET_ACCESS_KEY", "example-secret"),
        (
            "STRATUS_DEMO_ROLE_ARN",
            "arn:aws:iam::123456789012:role/Reader",
        ),
        ("STRATUS_DEMO_EXTERNAL_ID", "ext"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let sources = load_data_sources(&env);
    let mut modes = Vec::new();
    let mut uids = Vec::new();
    for ds in &sources {
        assert_eq!(ds.kind, "stratus-cloudwatch-datasource", "{}", ds.name);
        let s = settings::parse(&ds.instance(0)).unwrap_or_else(|e| panic!("{}: {e}", ds.name));
        policy
            .check(&s)
            .unwrap_or_else(|e| panic!("{}: {e}", ds.name));
        modes.push((s.auth_type(), s.assume_role.is_some()));
        uids.push(ds.uid.clone());
    }
    use settings::AuthType::*;
    for want in [
        (Keys, false),
        (Credentials, false),
        (Default, false),
        (Ec2IamRole, false),
        (Keys, true),
    ] {
        assert!(
            modes.contains(&want),
            "no provisioned data source for {want:?}"
        );
    }
    let unique: std::collections::BTreeSet<_> = uids.iter().collect();
    assert_eq!(unique.len(), uids.len(), "uids must be unique: {uids:?}");
    // Secrets come from the environment, never literals in the file.
    for f in provisioning_files() {
        let text = std::fs::read_to_string(f).unwrap();
        for line in text.lines().filter(|l| {
            l.contains("accessKey:") || l.contains("secretKey:") || l.contains("sessionToken:")
        }) {
            assert!(
                line.contains("${"),
                "literal secret in provisioning: {line}"
            );
        }
    }
}

/// Runs the stack's seeder once, as the compose service does; returns its demo.env values.
fn seed_demo(moto: &Moto, out: &std::path::Path) -> HashMap<String, String> {
    let status = Command::new(python())
        .arg(repo_path("provisioning/demo/seeder.py"))
        .args(["demo", &moto.endpoint, out.to_str().unwrap(), "--once"])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert!(out.join("ready").exists());
    std::fs::read_to_string(out.join("demo.env"))
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("export "))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.trim_matches('\'').to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_stack_data_sources_are_healthy_and_the_dashboard_has_data() {
    let moto = Moto::start();
    let out = tempfile::tempdir().unwrap();
    let demo = seed_demo(&moto, out.path());
    let instance = json!({
        "access_key_id": demo["STRATUS_DEMO_INSTANCE_ACCESS_KEY_ID"],
        "secret_access_key": demo["STRATUS_DEMO_INSTANCE_SECRET_ACCESS_KEY"],
    });
    let imds = Imds::start(
        &moto,
        &demo["STRATUS_DEMO_INSTANCE_ROLE_ARN"],
        &instance,
        3600,
    );
    // Grafana's environment from docker-compose.yaml, with this machine's addresses.
    let mut env: Vec<(String, String)> = stack_plugin_env()
        .into_iter()
        .map(|(k, v)| match k.as_str() {
            "AWS_SHARED_CREDENTIALS_FILE" => {
                (k, out.path().join("credentials").display().to_string())
            }
            "AWS_EC2_METADATA_SERVICE_ENDPOINT" => (k, imds.endpoint.clone()),
            _ => (k, v),
        })
        .collect();
    env.push(("AWS_EC2_METADATA_DISABLED".into(), "false".into()));
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let plugin = Plugin::start(&env_refs);

    let sources = load_data_sources(&demo);
    assert_eq!(sources.len(), 5);
    for ds in &sources {
        let mut ctx = common::ds(&ds.uid, ds.json_data.clone().unwrap(), &[]);
        let settings = ctx.data_source_instance_settings.as_mut().unwrap();
        settings.name = ds.name.clone();
        settings.decrypted_secure_json_data = ds.secure_json_data.clone();
        let resp = plugin.health(ctx).await;
        assert_eq!(resp.status, OK, "{}: {}", ds.name, resp.message);
        assert!(
            resp.message.starts_with("Authenticated as arn:aws:"),
            "{}",
            resp.message
        );
    }

    // Every panel of the sample dashboard, through the default (keys) data source.
    let dashboard: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_path("provisioning/dashboards/stratus-demo.json")).unwrap(),
    )
    .unwrap();
    let keys_ds = sources.iter().find(|d| d.uid == "stratus-keys").unwrap();
    let mut ctx = common::ds(&keys_ds.uid, keys_ds.json_data.clone().unwrap(), &[]);
    ctx.data_source_instance_settings
        .as_mut()
        .unwrap()
        .decrypted_secure_json_data = keys_ds.secure_json_data.clone();
    let now = now_ms();
    let mut panels_with_data = 0;
    let mut logs_panels = 0;
    for panel in dashboard["panels"].as_array().unwrap() {
        let targets = panel["targets"].as_array().unwrap();
        assert!(targets
            .iter()
            .all(|t| t["datasource"]["uid"] == "stratus-keys"));
        let queries = targets
            .iter()
            .map(|t| {
                // As Stratus's query runner sends a panel's target.
                let mut sent = t.clone();
                sent["type"] = json!(common::dashboard::sent_type(t));
                data_query(t["refId"].as_str().unwrap(), sent, now - 3_600_000, now)
            })
            .collect();
        let resp = plugin.query(ctx.clone(), queries).await;
        let logs = targets.iter().all(|t| t["queryMode"] == "Logs");
        let builder_only = !logs
            && targets.iter().all(|t| {
                t["metricEditorMode"] == 0
                    && t["dimensions"]
                        .as_object()
                        .unwrap()
                        .values()
                        .all(|v| v.is_string() && v != "*")
            });
        for (ref_id, r) in &resp.responses {
            // Every panel answers without error (the emulator returns SEARCH and math empty).
            assert_eq!(r.error, "", "{}: {ref_id}", panel["title"]);
            if logs {
                // The hour of application log lines the seeder wrote: three a minute.
                let t = common::decode_table(&r.frames[0]);
                assert_eq!(t.meta["preferredVisualisationType"], "logs");
                assert!(
                    t.field("@message").values.len() >= 100,
                    "{}",
                    panel["title"]
                );
                logs_panels += 1;
            }
            if builder_only {
                let f = decode(&r.frames[0]);
                assert!(
                    f.values.len() >= 50,
                    "{}: {} points",
                    panel["title"],
                    f.values.len()
                );
            }
        }
        if builder_only {
            panels_with_data += 1;
        }
    }
    assert!(
        panels_with_data >= 3,
        "builder panels with data: {panels_with_data}"
    );
    assert_eq!(logs_panels, 1, "the logs panel has the demo's log lines");
}

#[test]
fn compose_file_validates_and_is_wired_as_documented() {
    let out = Command::new("docker-compose")
        .args([
            "-f",
            repo_path("docker-compose.yaml").to_str().unwrap(),
            "config",
            "-q",
        ])
        .output()
        .expect("docker-compose (Debian's package; make test installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let c = compose();
    let services = c["services"].as_mapping().unwrap();
    for (name, svc) in services {
        let image = svc["image"].as_str().unwrap();
        let tag = image.rsplit_once(':').map(|(_, t)| t).unwrap_or("");
        assert!(
            tag.chars().next().is_some_and(|c| c.is_ascii_digit()),
            "{name:?}: image {image} must be pinned"
        );
        if name.as_str() != Some("grafana") {
            assert!(
                svc.get("ports").is_none(),
                "{name:?} must not publish ports"
            );
        }
    }
    let grafana = service(&c, "grafana");
    assert_eq!(grafana["ports"][0].as_str(), Some("3000:3000"));
    let version = grafana["image"]
        .as_str()
        .unwrap()
        .rsplit_once(':')
        .unwrap()
        .1;
    // The demo runs the Grafana whose @grafana packages the frontend is built against, and
    // plugin.json names the Grafana whose packages `make lint` type-checks it against
    // (tsconfig.oldest.json), so a component only newer Grafana has cannot slip in unnoticed.
    let package: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo_path("frontend/package.json")).unwrap())
            .unwrap();
    let built_against = package["dependencies"]["@grafana/ui"].as_str().unwrap();
    assert_eq!(
        version, built_against,
        "compose runs the Grafana of the packages"
    );
    for name in ["data", "runtime", "schema"] {
        assert_eq!(
            package["dependencies"][format!("@grafana/{name}")].as_str(),
            Some(built_against)
        );
    }
    let oldest: Vec<&str> = ["data", "ui", "runtime", "schema"]
        .iter()
        .map(|name| {
            package["devDependencies"][format!("grafana-oldest-{name}")]
                .as_str()
                .unwrap()
                .strip_prefix(&format!("npm:@grafana/{name}@"))
                .unwrap()
        })
        .collect();
    assert!(oldest.iter().all(|v| *v == oldest[0]), "{oldest:?}");
    let plugin: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo_path("plugin.json")).unwrap()).unwrap();
    assert_eq!(
        plugin["dependencies"]["grafanaDependency"].as_str(),
        Some(format!(">={}", oldest[0]).as_str())
    );
    assert_eq!(
        grafana["environment"]["GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS"].as_str(),
        Some("stratus-cloudwatch-datasource")
    );
    let volumes: Vec<&str> = grafana["volumes"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(volumes.contains(&"./provisioning:/etc/grafana/provisioning:ro"));
    assert!(volumes.contains(&"plugin:/var/lib/grafana/plugins/stratus-cloudwatch-datasource:ro"));
    for dep in ["backend-build", "frontend-build", "seeder", "imds"] {
        assert!(
            grafana["depends_on"][dep]["condition"].as_str().is_some(),
            "grafana waits for {dep}"
        );
    }
    // The stack runs the same seeder and IMDS fixture the tests run.
    assert_eq!(
        service(&c, "seeder")["entrypoint"][1].as_str(),
        Some("/demo/seeder.py")
    );
    assert!(service(&c, "seeder")["volumes"][0]
        .as_str()
        .unwrap()
        .starts_with("./provisioning/demo:"));
    assert!(service(&c, "imds")["volumes"][0]
        .as_str()
        .unwrap()
        .starts_with("./tests/support:"));
    for builder in ["backend-build", "frontend-build"] {
        let cmd = service(&c, builder)["command"][0].as_str().unwrap();
        assert!(cmd.contains("make -C /build dist-"), "{builder}: {cmd}");
    }
    // The dashboard provider points where the provisioning folder is mounted.
    let provider: serde_norway::Value = serde_norway::from_str(
        &std::fs::read_to_string(repo_path("provisioning/dashboards/stratus.yaml")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        provider["providers"][0]["options"]["path"].as_str(),
        Some("/etc/grafana/provisioning/dashboards")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn release_zip_unpacks_into_a_plugins_directory_and_runs() {
    let zip = std::env::var("STRATUS_PACKAGE").expect(
        "STRATUS_PACKAGE: run the tests with `make test`, which builds the release zip first",
    );
    let zip = std::path::PathBuf::from(zip);
    // The checksum file matches.
    let sums = std::fs::read_to_string(format!("{}.sha256", zip.display())).unwrap();
    let check = Command::new("sha256sum")
        .arg("-c")
        .arg(zip.with_extension("zip.sha256"))
        .current_dir(zip.parent().unwrap())
        .output()
        .unwrap();
    assert!(check.status.success(), "{sums}");
    let name = zip.file_name().unwrap().to_str().unwrap();
    let version =
        serde_json::from_str::<Value>(&std::fs::read_to_string(repo_path("plugin.json")).unwrap())
            .unwrap()["info"]["version"]
            .as_str()
            .unwrap()
            .to_string();
    assert_eq!(
        name,
        format!("stratus-cloudwatch-datasource-{version}.linux_amd64.zip")
    );
    assert_eq!(
        version,
        env!("CARGO_PKG_VERSION"),
        "plugin.json and Cargo.toml versions differ"
    );

    let plugins = tempfile::tempdir().unwrap();
    let out = Command::new("unzip")
        .arg("-q")
        .arg(&zip)
        .arg("-d")
        .arg(plugins.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = plugins.path().join("stratus-cloudwatch-datasource");
    for f in [
        "plugin.json",
        "module.js",
        "img/logo.svg",
        "README.md",
        "gpx_stratus_linux_amd64",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing from the zip");
    }
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(dir.join("gpx_stratus_linux_amd64"))
            .unwrap()
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o755);
    let module = std::fs::read_to_string(dir.join("module.js")).unwrap();
    assert!(
        module.starts_with("define([") && module.contains("\"@grafana/data\""),
        "module.js is an AMD module with Grafana externals"
    );

    // Started from the plugins directory as Grafana starts it.
    let moto = Moto::start();
    let seeded = moto.seed(json!({ "users": [{ "name": "alice" }] }));
    let mut cmd = Command::new(dir.join("gpx_stratus_linux_amd64"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", plugins.path())
        .env("grafana_plugin_type", "datasource")
        .env("PLUGIN_PROTOCOL_VERSIONS", "2")
        .env("GF_VERSION", "12.4.10")
        .current_dir(&dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    let mut child = Guard(cmd.spawn().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.0.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let addr = format!("http://{}", line.trim().split('|').nth(3).unwrap());
    let mut client =
        grafana_current::pluginv2::diagnostics_client::DiagnosticsClient::connect(addr)
            .await
            .unwrap();
    let k = keys(&seeded["users"]["alice"]);
    let resp = client
        .check_health(grafana_current::pluginv2::CheckHealthRequest {
            plugin_context: Some(ds("ds-zip", json_data("keys", &moto.endpoint), &secure(&k))),
            headers: HashMap::new(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(resp.status, OK, "{}", resp.message);
}

#[test]
fn readme_commands_are_the_ones_the_tests_run() {
    let readme = std::fs::read_to_string(repo_path("README.md")).unwrap();
    // The two set-up commands at the top.
    let first_block: Vec<&str> = fenced(&readme, "sh")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(first_block.len(), 2, "{first_block:?}");
    assert!(first_block[0].starts_with("docker compose up"));
    assert!(first_block[1].starts_with("make test"));
    // Every shell command in the README is one make test runs or validates.
    // make load is the load test make test runs shortened; make test runs make corpus on its
    // own dashboards; make test compiles the fuzz targets
    // and the benchmarks (and replays the benchmark's recording), and runs cargo deny (advisories aside, which need a download); tests/cli.rs runs the CLI.
    let known = [
        "docker compose up",
        "make test",
        "make dist",
        "make package",
        "make load",
        "make fuzz",
        "make bench",
        "make corpus",
        "unzip ",
        "sha256sum -c",
        "gpx_stratus_linux_amd64 check",
        "gpx_stratus_linux_amd64 query",
        "gpx_stratus_linux_amd64 migrate",
        "cargo deny check",
    ];
    for block in readme.split("```sh").skip(1) {
        for line in block
            .split("```")
            .next()
            .unwrap()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            assert!(
                known.iter().any(|k| line.starts_with(k)),
                "README command not covered by a test: {line}"
            );
        }
    }
}
