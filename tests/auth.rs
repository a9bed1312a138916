//! Every auth mode against moto in auth mode, through the real plugin binary and gRPC.

mod common;

use common::*;
use serde_json::json;

fn alice() -> serde_json::Value {
    json!({ "users": [{ "name": "alice" }] })
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_mode_authenticates_and_says_who() {
    let moto = Moto::start();
    let seeded = moto.seed(alice());
    let plugin = Plugin::start(&[]);
    let k = keys(&seeded["users"]["alice"]);
    let resp = plugin
        .health(ds(
            "ds-keys",
            json_data("keys", &moto.endpoint),
            &secure(&k),
        ))
        .await;
    assert_eq!(resp.status, OK, "{}", resp.message);
    assert_eq!(
        resp.message,
        format!("Authenticated as arn:aws:iam::{ACCOUNT}:user/alice (account {ACCOUNT}) via Access & secret key; CloudWatch and CloudWatch Logs reachable in {REGION}")
    );
    let d = details(&resp);
    assert_eq!(d["arn"], format!("arn:aws:iam::{ACCOUNT}:user/alice"));
    assert_eq!(d["authType"], "keys");
    assert_eq!(d["credentialsSource"], "data source keys");
    assert_eq!(d["credentialsExpiry"], serde_json::Value::Null);
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_mode_wrong_secret_says_so() {
    let moto = Moto::start();
    let seeded = moto.seed(alice());
    let plugin = Plugin::start(&[]);
    let key_id = seeded["users"]["alice"]["access_key_id"].as_str().unwrap();
    let resp = plugin
        .health(ds(
            "ds-bad",
            json_data("keys", &moto.endpoint),
            &[("accessKey", key_id), ("secretKey", "not-the-secret")],
        ))
        .await;
    assert_eq!(resp.status, ERROR);
    assert!(
        resp.message
            .starts_with("STS GetCallerIdentity failed (SignatureDoesNotMatch)"),
        "{}",
        resp.message
    );
    assert!(
        resp.message.contains("Re-enter the Secret Access Key"),
        "{}",
        resp.message
    );
    let d = details(&resp);
    assert_eq!(d["httpStatus"], 403);
    assert_eq!(d["code"], "SignatureDoesNotMatch");
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_mode_without_secret_is_a_settings_error() {
    let plugin = Plugin::start(&[]);
    let resp = plugin
        .health(ds(
            "ds-nokey",
            json_data("keys", "http://127.0.0.1:9"),
            &[("accessKey", "AKIAEXAMPLE")],
        ))
        .await;
    assert_eq!(resp.status, ERROR);
    assert!(
        resp.message
            .contains("Secret Access Key (secureJsonData.secretKey) is required"),
        "{}",
        resp.message
    );
    assert_eq!(details(&resp)["step"], "data source settings");
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_file_named_profile() {
    let moto = Moto::start();
    let seeded = moto.seed(json!({ "users": [{ "name": "alice" }, { "name": "bob" }] }));
    let creds = format!(
        "{}\n{}",
        profile_block("default", &seeded["users"]["bob"]),
        profile_block("prod", &seeded["users"]["alice"])
    );
    let plugin = Plugin::start_with_home(home_with(&[(".aws/credentials", &creds)]), &[]);
    let mut jd = json_data("credentials", &moto.endpoint);
    jd["profile"] = json!("prod");
    let resp = plugin.health(ds("ds-prof", jd, &[])).await;
    assert_eq!(resp.status, OK, "{}", resp.message);
    assert!(
        resp.message.contains(":user/alice") && resp.message.contains("via Credentials file"),
        "{}",
        resp.message
    );
    // Empty profile means `default`; the legacy `database` field is honoured too.
    let resp = plugin
        .health(ds(
            "ds-prof-default",
            json_data("credentials", &moto.endpoint),
            &[],
        ))
        .await;
    assert!(resp.message.contains(":user/bob"), "{}", resp.message);
    let mut legacy = ds(
        "ds-legacy",
        json!({ "authType": "sharedCreds", "defaultRegion": REGION, "endpoint": moto.endpoint }),
        &[],
    );
    legacy
        .data_source_instance_settings
        .as_mut()
        .unwrap()
        .database = "prod".into();
    let resp = plugin.health(legacy).await;
    assert!(resp.message.contains(":user/alice"), "{}", resp.message);
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_file_missing_profile_says_where_it_looked() {
    let moto = Moto::start();
    let seeded = moto.seed(alice());
    let home = home_with(&[(
        ".aws/credentials",
        &profile_block("default", &seeded["users"]["alice"]),
    )]);
    let cred_path = home.path().join(".aws/credentials");
    let plugin = Plugin::start_with_home(home, &[]);
    let mut jd = json_data("credentials", &moto.endpoint);
    jd["profile"] = json!("staging");
    let resp = plugin.health(ds("ds-missing", jd, &[])).await;
    assert_eq!(resp.status, ERROR);
    assert!(
        resp.message.starts_with("resolving credentials failed"),
        "{}",
        resp.message
    );
    assert!(
        resp.message.contains("Looked for profile [staging]"),
        "{}",
        resp.message
    );
    assert!(
        resp.message
            .contains(&format!("{} (found)", cred_path.display())),
        "{}",
        resp.message
    );
    assert!(
        resp.message.contains(".aws/config (missing)"),
        "{}",
        resp.message
    );
    // No fallback: the default profile exists, yet nothing else was tried.
    assert!(!resp.message.contains("user/alice"));
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_file_location_from_env() {
    let moto = Moto::start();
    let seeded = moto.seed(alice());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grafana-aws-creds");
    std::fs::write(&path, profile_block("team", &seeded["users"]["alice"])).unwrap();
    let plugin = Plugin::start(&[("AWS_SHARED_CREDENTIALS_FILE", path.to_str().unwrap())]);
    let mut jd = json_data("credentials", &moto.endpoint);
    jd["profile"] = json!("team");
    let resp = plugin.health(ds("ds-envfile", jd, &[])).await;
    assert_eq!(resp.status, OK, "{}", resp.message);
}

#[tokio::test(flavor = "multi_thread")]
async fn workspace_iam_role_from_instance_metadata() {
    let moto = Moto::start();
    let seeded = moto.seed(json!({ "users": [{ "name": "ec2svc" }], "roles": [{ "name": "grafana-instance", "trusted_user": "ec2svc" }] }));
    let imds = Imds::start(
        &moto,
        seeded["roles"]["grafana-instance"]["arn"].as_str().unwrap(),
        &seeded["users"]["ec2svc"],
        3600,
    );
    let plugin = Plugin::start(&[
        (
            "AWS_AUTH_AllowedAuthProviders",
            "default,keys,credentials,ec2_iam_role",
        ),
        ("AWS_EC2_METADATA_DISABLED", "false"),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.endpoint),
    ]);
    let resp = plugin
        .health(ds("ds-ec2", json_data("ec2_iam_role", &moto.endpoint), &[]))
        .await;
    assert_eq!(resp.status, OK, "{}", resp.message);
    assert!(
        resp.message.contains(":assumed-role/grafana-instance/")
            && resp.message.contains("via Workspace IAM Role"),
        "{}",
        resp.message
    );
    let d = details(&resp);
    assert_eq!(d["credentialsSource"], "EC2 instance metadata (IMDSv2)");
    assert!(
        d["credentialsExpiry"].as_str().unwrap().ends_with('Z'),
        "{d}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn workspace_iam_role_without_instance_metadata() {
    let moto = Moto::start();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let plugin = Plugin::start(&[
        ("AWS_AUTH_AllowedAuthProviders", "ec2_iam_role"),
        ("AWS_EC2_METADATA_DISABLED", "false"),
        (
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            &format!("http://127.0.0.1:{closed}"),
        ),
    ]);
    let resp = plugin
        .health(ds(
            "ds-noimds",
            json_data("ec2_iam_role", &moto.endpoint),
            &[],
        ))
        .await;
    assert_eq!(resp.status, ERROR);
    assert!(
        resp.message.starts_with("resolving credentials failed"),
        "{}",
        resp.message
    );
    assert!(
        resp.message
            .contains("instance metadata service (IMDSv2) did not answer"),
        "{}",
        resp.message
    );
}

fn reader_spec() -> serde_json::Value {
    json!({
        "users": [{ "name": "alice", "cloudwatch": false }],
        "roles": [{ "name": "reader", "trusted_user": "alice", "external_id": "ext-4711" }]
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn assume_role_with_external_id() {
    let moto = Moto::start();
    let seeded = moto.seed(reader_spec());
    let plugin = Plugin::start(&[]);
    let role = seeded["roles"]["reader"]["arn"].as_str().unwrap();
    let mut jd = json_data("keys", &moto.endpoint);
    jd["assumeRoleArn"] = json!(role);
    jd["externalId"] = json!("ext-4711");
    let k = keys(&seeded["users"]["alice"]);
    let resp = plugin.health(ds("ds-ar", jd, &secure(&k))).await;
    assert_eq!(resp.status, OK, "{}", resp.message);
    // The session name identifies Stratus and the data source in CloudTrail.
    assert!(
        resp.message.starts_with(&format!(
            "Authenticated as arn:aws:sts::{ACCOUNT}:assumed-role/reader/stratus-ds-ar "
        )),
        "{}",
        resp.message
    );
    assert!(
        resp.message.contains(&format!(", assumed {role};")),
        "{}",
        resp.message
    );
    let d = details(&resp);
    assert_eq!(d["credentialsSource"], "STS AssumeRole");
    assert!(d["credentialsExpiry"].is_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn assume_role_wrong_external_id() {
    let moto = Moto::start();
    let seeded = moto.seed(reader_spec());
    let plugin = Plugin::start(&[]);
    let mut jd = json_data("keys", &moto.endpoint);
    jd["assumeRoleARN"] = seeded["roles"]["reader"]["arn"].clone();
    jd["externalId"] = json!("wrong");
    let k = keys(&seeded["users"]["alice"]);
    let resp = plugin.health(ds("ds-ar-bad", jd, &secure(&k))).await;
    assert_eq!(resp.status, ERROR);
    assert!(
        resp.message.starts_with("resolving credentials failed"),
        "{}",
        resp.message
    );
    assert!(resp.message.contains("External ID"), "{}", resp.message);
    assert_eq!(details(&resp)["httpStatus"], 403);
}

#[tokio::test(flavor = "multi_thread")]
async fn default_chain_from_environment_variables() {
    let moto = Moto::start();
    let seeded = moto.seed(alice());
    let u = &seeded["users"]["alice"];
    let plugin = Plugin::start(&[
        ("AWS_ACCESS_KEY_ID", u["access_key_id"].as_str().unwrap()),
        (
            "AWS_SECRET_ACCESS_KEY",
            u["secret_access_key"].as_str().unwrap(),
        ),
    ]);
    let resp = plugin
        .health(ds("ds-env", json_data("default", &moto.endpoint), &[]))
        .await;
    assert_eq!(resp.status, OK, "{}", resp.message);
    assert!(
        resp.message.contains("via AWS SDK Default"),
        "{}",
        resp.message
    );
    assert_eq!(details(&resp)["credentialsSource"], "environment variables");
}

#[tokio::test(flavor = "multi_thread")]
async fn default_chain_from_aws_profile() {
    let moto = Moto::start();
    let seeded = moto.seed(json!({ "users": [{ "name": "alice" }, { "name": "bob" }] }));
    let creds = format!(
        "{}\n{}",
        profile_block("default", &seeded["users"]["bob"]),
        profile_block("ops", &seeded["users"]["alice"])
    );
    let plugin = Plugin::start_with_home(
        home_with(&[(".aws/credentials", &creds)]),
        &[("AWS_PROFILE", "ops")],
    );
    let resp = plugin
        .health(ds(
            "ds-awsprofile",
            json_data("default", &moto.endpoint),
            &[],
        ))
        .await;
    assert_eq!(resp.status, OK, "{}", resp.message);
    assert!(resp.message.contains(":user/alice"), "{}", resp.message);
}

#[tokio::test(flavor = "multi_thread")]
async fn default_chain_from_web_identity_token() {
    let moto = Moto::start();
    let seeded = moto.seed(json!({
        "users": [{ "name": "alice" }],
        "roles": [{ "name": "irsa", "trusted_user": "alice", "web_identity": true }]
    }));
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, "eyJhbGciOiJSUzI1NiJ9.e30.c2ln").unwrap();
    let plugin = Plugin::start(&[
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap()),
        (
            "AWS_ROLE_ARN",
            seeded["roles"]["irsa"]["arn"].as_str().unwrap(),
        ),
        ("AWS_ROLE_SESSION_NAME", "grafana-pod"),
        ("AWS_ENDPOINT_URL_STS", &moto.endpoint),
    ]);
    // The web identity exchange is unsigned (as in AWS); everything after it is verified.
    moto.allow_unsigned(1);
    let resp = plugin
        .health(ds("ds-irsa", json_data("default", &moto.endpoint), &[]))
        .await;
    assert_eq!(resp.status, OK, "{}", resp.message);
    assert!(
        resp.message.contains(":assumed-role/irsa/grafana-pod"),
        "{}",
        resp.message
    );
    assert_eq!(
        details(&resp)["credentialsSource"],
        "web identity token (STS AssumeRoleWithWebIdentity)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn profile_role_chain_with_source_profile() {
    let moto = Moto::start();
    let seeded = moto.seed(reader_spec());
    let role = seeded["roles"]["reader"]["arn"].as_str().unwrap();
    let config = format!("[profile chained]\nrole_arn = {role}\nsource_profile = base\nexternal_id = ext-4711\nrole_session_name = chain\n");
    let home = home_with(&[
        (
            ".aws/credentials",
            &profile_block("base", &seeded["users"]["alice"]),
        ),
        (".aws/config", &config),
    ]);
    let plugin = Plugin::start_with_home(home, &[("AWS_ENDPOINT_URL_STS", &moto.endpoint)]);
    let mut jd = json_data("credentials", &moto.endpoint);
    jd["profile"] = json!("chained");
    let resp = plugin.health(ds("ds-chain", jd, &[])).await;
    assert_eq!(resp.status, OK, "{}", resp.message);
    assert!(
        resp.message.contains(":assumed-role/reader/chain"),
        "{}",
        resp.message
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn profile_with_credential_process() {
    let moto = Moto::start();
    let seeded = moto.seed(alice());
    let u = &seeded["users"]["alice"];
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("creds.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '{{\"Version\": 1, \"AccessKeyId\": \"{}\", \"SecretAccessKey\": \"{}\"}}'\n",
            u["access_key_id"].as_str().unwrap(),
            u["secret_access_key"].as_str().unwrap()
        ),
    )
    .unwrap();
    std::os::unix::fs::PermissionsExt::set_mode(
        &mut std::fs::metadata(&script).unwrap().permissions(),
        0o755,
    );
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let config = format!(
        "[profile vault]\ncredential_process = {}\n",
        script.display()
    );
    let plugin = Plugin::start_with_home(home_with(&[(".aws/config", &config)]), &[]);
    let mut jd = json_data("credentials", &moto.endpoint);
    jd["profile"] = json!("vault");
    let resp = plugin.health(ds("ds-proc", jd, &[])).await;
    assert_eq!(resp.status, OK, "{}", resp.message);
    assert!(resp.message.contains(":user/alice"), "{}", resp.message);
    assert_eq!(
        details(&resp)["credentialsSource"],
        "profile credential_process"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn default_chain_with_nothing_configured() {
    let moto = Moto::start();
    let plugin = Plugin::start(&[]);
    let resp = plugin
        .health(ds("ds-nothing", json_data("default", &moto.endpoint), &[]))
        .await;
    assert_eq!(resp.status, ERROR);
    assert!(
        resp.message.starts_with("resolving credentials failed"),
        "{}",
        resp.message
    );
    assert!(
        resp.message.contains("default chain found no credentials"),
        "{}",
        resp.message
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn no_region_anywhere_is_a_clear_error() {
    let plugin = Plugin::start(&[]);
    let resp = plugin
        .health(ds(
            "ds-noregion",
            json!({ "authType": "keys" }),
            &[
                ("accessKey", "AKIAEXAMPLE"),
                ("secretKey", "example-secret-key"),
            ],
        ))
        .await;
    assert_eq!(resp.status, ERROR);
    assert!(
        resp.message.contains("No AWS region: set Default Region"),
        "{}",
        resp.message
    );
    // The environment's region is used when the data source has none.
    let moto = Moto::start();
    let seeded = moto.seed(alice());
    let plugin = Plugin::start(&[("AWS_REGION", "eu-west-1")]);
    let k = keys(&seeded["users"]["alice"]);
    let resp = plugin
        .health(ds(
            "ds-envregion",
            json!({ "authType": "keys", "endpoint": moto.endpoint }),
            &secure(&k),
        ))
        .await;
    assert_eq!(resp.status, OK, "{}", resp.message);
    assert!(
        resp.message
            .ends_with("CloudWatch and CloudWatch Logs reachable in eu-west-1"),
        "{}",
        resp.message
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn profile_made_by_aws_login() {
    // `aws login` writes a profile with login_session and caches the session's temporary
    // credentials under ~/.aws/login/cache; the SDK uses them while they are valid.
    let moto = Moto::start();
    let seeded = moto.seed(json!({
        "users": [{ "name": "alice" }],
        "roles": [{ "name": "console", "trusted_user": "alice" }]
    }));
    let user = &seeded["users"]["alice"];
    let arn = user["arn"].as_str().unwrap();
    let home = home_with(&[(
        ".aws/config",
        &format!("[profile signed-in]\nlogin_session = {arn}\nregion = {REGION}\n"),
    )]);
    let mut cmd = std::process::Command::new(python());
    cmd.arg(support("login_cache.py")).args([
        &moto.endpoint,
        user["access_key_id"].as_str().unwrap(),
        user["secret_access_key"].as_str().unwrap(),
        seeded["roles"]["console"]["arn"].as_str().unwrap(),
        arn,
        home.path().join(".aws/login/cache").to_str().unwrap(),
    ]);
    let cache = json_script(cmd, &json!(null));
    let plugin = Plugin::start_with_home(home, &[("AWS_PROFILE", "signed-in")]);
    let mut jd = json_data("credentials", &moto.endpoint);
    jd["profile"] = json!("signed-in");
    for ctx in [
        ds("ds-login", jd, &[]),
        ds(
            "ds-login-default",
            json_data("default", &moto.endpoint),
            &[],
        ),
    ] {
        let resp = plugin.health(ctx).await;
        assert_eq!(resp.status, OK, "{}", resp.message);
        let d = details(&resp);
        assert_eq!(d["arn"], cache["arn"], "{d}");
        assert_eq!(
            d["credentialsSource"], "aws login session (login_session)",
            "{d}"
        );
        assert_eq!(d["credentialsExpiry"], cache["expires"], "{d}");
    }
}
