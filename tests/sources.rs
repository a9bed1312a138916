//! The credential sources of the AWS SDK default chain that live outside the shared files,
//! end to end through the real plugin and gRPC against moto in auth mode: container
//! credentials (ECS by full URI, EKS Pod Identity with a rotating token file, Pod Identity
//! under an Assume Role ARN with External ID) and IAM Identity Center profiles in both modes.
//! Each success answers a query; each failure says which source, where it looked, what
//! happened and the fix, and no token or key appears anywhere.

mod common;

use std::time::{Duration, Instant};

use common::sources::{sso_cache_path, write_sso_cache, ContainerCreds, SsoPortal};
use common::*;
use grafana_current::pluginv2;
use serde_json::{json, Value};

/// The session the container endpoint's role credentials carry (what EKS names them).
const POD_SESSION: &str = "eks-grafana-pod";
const POD_TOKEN: &str = "CANARY-pod-identity-token-1f0a";
const ROTATED_TOKEN: &str = "CANARY-pod-identity-token-rotated-77b2";
const SSO_TOKEN: &str = "CANARY-sso-access-token-c41d";
const START_URL: &str = "https://corp.awsapps.com/start";
const LEGACY_START_URL: &str = "https://legacy.awsapps.com/start";

/// A user, the role the container endpoint and the portal hand out, a role trusting that
/// role's session under an External ID, and a metric to query.
fn spec() -> Value {
    json!({
        "users": [{ "name": "alice" }],
        "roles": [
            { "name": "pod", "trusted_user": "alice", "may_assume": true },
            { "name": "sso-reader", "trusted_user": "alice" },
            {
                "name": "reader",
                "trusted_arn": format!("arn:aws:sts::{ACCOUNT}:assumed-role/pod/{POD_SESSION}"),
                "external_id": "ext-pod"
            }
        ],
        "metrics": [{ "namespace": "Stratus/Sources", "name": "Hits", "dimensions": { "Host": "a" }, "points": [[now_ms() / 1000 - 600, 7.0]] }]
    })
}

/// A health check that must pass as `arn` (an assumed-role session of this account).
async fn authenticated_as(
    plugin: &Plugin,
    ctx: pluginv2::PluginContext,
    arn: &str,
) -> pluginv2::CheckHealthResponse {
    let resp = plugin.health(ctx).await;
    assert_eq!(resp.status, OK, "{}", resp.message);
    let who = format!(
        "Authenticated as arn:aws:sts::{ACCOUNT}:assumed-role/{arn} (account {ACCOUNT}) via "
    );
    assert!(resp.message.starts_with(&who), "{}", resp.message);
    resp
}

/// Asks for the seeded metric; the answer must be the point moto holds.
async fn query_answers(plugin: &Plugin, ctx: pluginv2::PluginContext) {
    let now = now_ms();
    let resp = plugin
        .query(
            ctx,
            vec![data_query(
                "A",
                json!({ "namespace": "Stratus/Sources", "metricName": "Hits", "dimensions": { "Host": "a" }, "statistic": "Sum", "period": "60" }),
                now - 3_600_000,
                now,
            )],
        )
        .await;
    let a = &resp.responses["A"];
    assert!(a.error.is_empty(), "{}", a.error);
    assert_eq!(
        decode(&a.frames[0]).values.iter().flatten().sum::<f64>(),
        7.0
    );
}

/// The error a query gets.
async fn query_error(plugin: &Plugin, ctx: pluginv2::PluginContext) -> String {
    let now = now_ms();
    let resp = plugin
        .query(
            ctx,
            vec![data_query(
                "A",
                json!({ "namespace": "Stratus/Sources", "metricName": "Hits" }),
                now - 600_000,
                now,
            )],
        )
        .await;
    resp.responses["A"].error.clone()
}

/// Nothing secret anywhere the user or an operator can see.
fn assert_no_secrets(plugin: &Plugin, seen: &[String], secrets: &[String]) {
    std::thread::sleep(Duration::from_millis(300));
    let everything = format!("{}\n{}", plugin.output(), seen.join("\n"));
    for s in secrets {
        assert!(!s.is_empty());
        assert!(!everything.contains(s.as_str()), "a secret leaked: {s}");
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// An EKS Pod Identity setup: moto seeded with [`spec`], the agent's endpoint handing out
/// the `pod` role's credentials for `POD_TOKEN` (saying they expire after `lifetime_s`), and
/// the projected token file, holding `file_token` (absent when `None`).
struct PodIdentity {
    moto: Moto,
    seeded: Value,
    agent: ContainerCreds,
    token_file: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl PodIdentity {
    fn start(lifetime_s: u32, file_token: Option<&str>) -> PodIdentity {
        let moto = Moto::start();
        let seeded = moto.seed(spec());
        let agent = ContainerCreds::start(
            &moto,
            seeded["roles"]["pod"]["arn"].as_str().unwrap(),
            &seeded["users"]["alice"],
            POD_SESSION,
            lifetime_s,
            Some(POD_TOKEN),
        );
        let dir = tempfile::tempdir().unwrap();
        let token_file = dir.path().join("eks-pod-identity-token");
        if let Some(token) = file_token {
            std::fs::write(&token_file, token).unwrap();
        }
        PodIdentity {
            moto,
            seeded,
            agent,
            token_file,
            _dir: dir,
        }
    }

    /// The plugin in a pod with the variables EKS sets, and `extra`.
    fn plugin(&self, extra: &[(&str, &str)]) -> Plugin {
        let mut env = vec![
            (
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                self.agent.uri.as_str(),
            ),
            (
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                self.token_file.to_str().unwrap(),
            ),
        ];
        env.extend_from_slice(extra);
        Plugin::start(&env)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn container_credentials_by_full_uri_answer_a_query() {
    let moto = Moto::start();
    let seeded = moto.seed(spec());
    let alice = &seeded["users"]["alice"];
    let endpoint = ContainerCreds::start(
        &moto,
        seeded["roles"]["pod"]["arn"].as_str().unwrap(),
        alice,
        "ecs-task",
        3600,
        Some("CANARY-ecs-token"),
    );
    let plugin = Plugin::start(&[
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &endpoint.uri),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "CANARY-ecs-token"),
        ("RUST_LOG", "trace"),
    ]);
    let ctx = ds("ds-ecs", json_data("default", &moto.endpoint), &[]);
    let resp = authenticated_as(&plugin, ctx.clone(), "pod/ecs-task").await;
    assert!(
        resp.message.contains(" via AWS SDK Default;"),
        "{}",
        resp.message
    );
    let d = details(&resp);
    assert_eq!(d["credentialsSource"], "container credentials endpoint");
    assert!(d["credentialsExpiry"].is_string(), "{d}");
    query_answers(&plugin, ctx).await;
    let mut secrets = strings(&endpoint.stats()["secrets"]);
    secrets.push("CANARY-ecs-token".into());
    assert_no_secrets(&plugin, &[format!("{resp:?}")], &secrets);
}

#[tokio::test(flavor = "multi_thread")]
async fn pod_identity_reads_the_token_file_again_after_rotation() {
    // Credentials that say they expire in 20 s: the SDK fetches new ones 10 to 15 s before
    // that, so within about 10 s of the first fetch.
    let pod = PodIdentity::start(20, Some(POD_TOKEN));
    let (agent, token_file) = (&pod.agent, &pod.token_file);
    let plugin = pod.plugin(&[("RUST_LOG", "trace")]);
    let ctx = ds("ds-pod", json_data("default", &pod.moto.endpoint), &[]);
    let resp = authenticated_as(&plugin, ctx.clone(), &format!("pod/{POD_SESSION}")).await;
    assert_eq!(details(&resp)["credentialsSource"], "EKS Pod Identity");
    query_answers(&plugin, ctx.clone()).await;
    assert_eq!(agent.stats()["served"], 1);

    // The kubelet rotates the projected token in place; the agent takes only the new one.
    std::fs::write(token_file, ROTATED_TOKEN).unwrap();
    agent.accept(ROTATED_TOKEN);
    let started = Instant::now();
    while agent.stats()["served"] == 1 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the credentials were never fetched again"
        );
        query_answers(&plugin, ctx.clone()).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    query_answers(&plugin, ctx).await;
    let stats = agent.stats();
    assert_eq!(
        stats["refused"],
        json!([]),
        "the old token was sent: {stats}"
    );
    let mut secrets = strings(&stats["secrets"]);
    secrets.extend([POD_TOKEN.to_string(), ROTATED_TOKEN.to_string()]);
    assert_no_secrets(&plugin, &[format!("{resp:?}")], &secrets);
}

#[tokio::test(flavor = "multi_thread")]
async fn pod_identity_then_assume_role_with_external_id_sends_no_session_tags() {
    // grafana/grafana#127716: Grafana's CloudWatch fails here with "not authorized to perform
    // sts:TagSession" against a role whose trust policy allows sts:AssumeRole with an
    // sts:ExternalId condition and no sts:TagSession.
    let pod = PodIdentity::start(3600, Some(POD_TOKEN));
    let (moto, seeded) = (&pod.moto, &pod.seeded);
    let recorder = Proxy::start(&moto.endpoint);
    let plugin = pod.plugin(&[]);
    let role = seeded["roles"]["reader"]["arn"].as_str().unwrap();
    let mut jd = json_data("default", &recorder.endpoint);
    jd["assumeRoleArn"] = json!(role);
    jd["externalId"] = json!("ext-pod");
    let ctx = ds("ds-pod-ar", jd, &[]);
    // The session name identifies Stratus and the data source in CloudTrail.
    let resp = authenticated_as(&plugin, ctx.clone(), "reader/stratus-ds-pod-ar").await;
    assert!(
        resp.message.contains(&format!(", assumed {role};")),
        "{}",
        resp.message
    );
    query_answers(&plugin, ctx).await;
    let sent = recorder.requests("AssumeRole");
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["RoleArn"], role);
    assert_eq!(sent[0]["ExternalId"], "ext-pod");
    assert!(
        sent[0]
            .keys()
            .all(|k| !k.starts_with("Tags") && !k.starts_with("TransitiveTagKeys")),
        "session tags sent: {:?}",
        sent[0]
    );

    // The External ID is what the trust policy checks: a wrong one is STS's refusal.
    let mut jd = json_data("default", &moto.endpoint);
    jd["assumeRoleArn"] = json!(role);
    jd["externalId"] = json!("not-ext-pod");
    let resp = plugin.health(ds("ds-pod-ar-bad", jd, &[])).await;
    assert_eq!(resp.status, ERROR);
    assert!(
        resp.message
            .starts_with("resolving credentials failed (AccessDenied)"),
        "{}",
        resp.message
    );
    assert!(resp.message.contains("External ID"), "{}", resp.message);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_container_endpoint_refusing_the_token_says_which_and_with_what() {
    // A stale copy of the token: the agent has rotated past it.
    let rig = PodIdentity::start(3600, Some(ROTATED_TOKEN));
    let (moto, seeded, agent, token_file) = (&rig.moto, &rig.seeded, &rig.agent, &rig.token_file);
    let pod = rig.plugin(&[("RUST_LOG", "trace")]);
    let ctx = ds("ds-pod-403", json_data("default", &moto.endpoint), &[]);
    let resp = pod.health(ctx.clone()).await;
    assert_eq!(resp.status, ERROR);
    assert_eq!(
        resp.message,
        format!(
            "resolving credentials failed: EKS Pod Identity refused the credentials request: {} (from AWS_CONTAINER_CREDENTIALS_FULL_URI) answered HTTP 403 Forbidden to the token in {} (from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE). Hint: The token file is projected by EKS Pod Identity: check the pod's service account association (aws eks list-pod-identity-associations --cluster-name CLUSTER) and that the file is the one the agent projects (it is rotated in place; a copy goes stale).",
            agent.uri,
            token_file.display()
        )
    );
    let d = details(&resp);
    assert_eq!(d["step"], "resolving credentials");
    assert_eq!(d["httpStatus"], 403);
    assert_eq!(d["credentialsSource"], "EKS Pod Identity");
    let error = query_error(&pod, ctx).await;
    assert!(
        error.starts_with(
            "CloudWatch GetMetricData failed: EKS Pod Identity refused the credentials request:"
        ) && error.contains("answered HTTP 403 Forbidden")
            && error.contains("service account association"),
        "{error}"
    );

    // Under an Assume Role ARN, the base source that failed is still the one named.
    let mut jd = json_data("default", &moto.endpoint);
    jd["assumeRoleArn"] = seeded["roles"]["reader"]["arn"].clone();
    jd["externalId"] = json!("ext-pod");
    let resp = pod.health(ds("ds-pod-403-ar", jd, &[])).await;
    assert_eq!(resp.status, ERROR);
    assert!(
        resp.message.starts_with(&format!(
            "resolving credentials failed: EKS Pod Identity refused the credentials request: {} (from AWS_CONTAINER_CREDENTIALS_FULL_URI) answered HTTP 403 Forbidden",
            agent.uri
        )),
        "{}",
        resp.message
    );

    // Without a token at all (an endpoint that needs one): 401, and no token is named.
    let bare = Plugin::start(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &agent.uri)]);
    let resp = bare
        .health(ds("ds-bare", json_data("default", &moto.endpoint), &[]))
        .await;
    assert_eq!(resp.status, ERROR);
    assert!(
        resp.message.starts_with(&format!(
            "resolving credentials failed: container credentials endpoint refused the credentials request: {} (from AWS_CONTAINER_CREDENTIALS_FULL_URI) answered HTTP 401 Unauthorized to no Authorization token."
        , agent.uri)),
        "{}",
        resp.message
    );
    assert!(
        !resp.message.contains("found no credentials"),
        "{}",
        resp.message
    );
    assert_eq!(agent.stats()["refused"], json!([403, 403, 403, 401]));
    assert_no_secrets(
        &pod,
        &[format!("{resp:?}"), error],
        &[POD_TOKEN.into(), ROTATED_TOKEN.into()],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_container_endpoint_that_is_down_or_silent_is_named_with_its_uri() {
    let moto = Moto::start();
    let closed = format!("http://127.0.0.1:{}/v1/credentials", free_port());
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("eks-pod-identity-token");
    std::fs::write(&token_file, POD_TOKEN).unwrap();
    let token_var = (
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        token_file.to_str().unwrap(),
    );
    let plugin = Plugin::start(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &closed), token_var]);
    let started = Instant::now();
    let resp = plugin
        .health(ds("ds-down", json_data("default", &moto.endpoint), &[]))
        .await;
    assert_eq!(resp.status, ERROR);
    assert!(
        resp.message.starts_with(&format!(
            "resolving credentials failed: EKS Pod Identity could not be reached: nothing answered at {closed} (from AWS_CONTAINER_CREDENTIALS_FULL_URI) (Connection refused"
        )),
        "{}",
        resp.message
    );
    assert!(
        resp.message
            .contains("Hint: The EKS Pod Identity Agent serves the endpoint on every node"),
        "{}",
        resp.message
    );
    assert!(started.elapsed() < Duration::from_secs(10));

    // An endpoint that takes the connection and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_uri = format!(
        "http://127.0.0.1:{}/v1/credentials",
        silent.local_addr().unwrap().port()
    );
    let plugin = Plugin::start(&[
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &silent_uri),
        token_var,
        ("GF_PLUGIN_STRATUS_CREDENTIALS_TIMEOUT", "3s"),
    ]);
    let started = Instant::now();
    let resp = plugin
        .health(ds("ds-silent", json_data("default", &moto.endpoint), &[]))
        .await;
    assert_eq!(resp.status, ERROR);
    assert_eq!(
        resp.message,
        format!("resolving credentials failed: EKS Pod Identity did not answer in time: {silent_uri} (from AWS_CONTAINER_CREDENTIALS_FULL_URI). Resolving the credentials did not finish within 3s, the limit (GF_PLUGIN_STRATUS_CREDENTIALS_TIMEOUT). Hint: The EKS Pod Identity Agent serves the endpoint on every node (169.254.170.23): check that the eks-pod-identity-agent add-on is installed and its pod on this node is running, and that no network policy blocks the Grafana pod from it.")
    );
    assert!(started.elapsed() < Duration::from_secs(8));
    assert_no_secrets(&plugin, &[format!("{resp:?}")], &[POD_TOKEN.into()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pod_identity_token_file_missing_unreadable_or_empty_is_named() {
    let pod = PodIdentity::start(3600, None);
    let (moto, agent, token_file) = (&pod.moto, &pod.agent, &pod.token_file);
    let plugin = pod.plugin(&[]);
    let ctx = ds("ds-pod-file", json_data("default", &moto.endpoint), &[]);
    let said = |what: &str| {
        format!(
            "resolving credentials failed: EKS Pod Identity could not send its token: the token file {} (from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) {what}. Hint: ",
            token_file.display()
        )
    };
    let association = "The token file is projected by EKS Pod Identity: check the pod's service account association";

    let missing = plugin.health(ctx.clone()).await;
    assert!(
        missing.message.starts_with(&said("does not exist")),
        "{}",
        missing.message
    );
    assert!(missing.message.contains(association), "{}", missing.message);
    let error = query_error(&plugin, ctx.clone()).await;
    assert!(
        error.contains("the token file") && error.contains("does not exist"),
        "{error}"
    );

    std::fs::write(token_file, "").unwrap();
    let empty = plugin.health(ctx.clone()).await;
    assert!(
        empty.message.starts_with(&said("is empty")),
        "{}",
        empty.message
    );
    assert!(empty.message.contains(association), "{}", empty.message);

    // Not a file the user running grafana-server can read (a directory: the tests may run as
    // root, which reads any file).
    std::fs::remove_file(token_file).unwrap();
    std::fs::create_dir(token_file).unwrap();
    let unreadable = plugin.health(ctx.clone()).await;
    assert!(
        unreadable.message.starts_with(&said(
            "cannot be read by the user running grafana-server (Is a directory (os error 21))"
        )),
        "{}",
        unreadable.message
    );
    assert!(
        unreadable.message.contains("fsGroup 472"),
        "{}",
        unreadable.message
    );
    // The SDK sends an empty file's token as it is, and the endpoint refuses it; the missing
    // file and the directory never reach it.
    assert_eq!(agent.stats()["refused"], json!([401]));

    // Fixed in place: the same data source works on the next request.
    std::fs::remove_dir(token_file).unwrap();
    std::fs::write(token_file, POD_TOKEN).unwrap();
    assert_eq!(plugin.health(ctx.clone()).await.status, OK);
    query_answers(&plugin, ctx).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_web_identity_token_file_is_named() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    let plugin = Plugin::start(&[
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token_file.to_str().unwrap()),
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa"),
    ]);
    let resp = plugin
        .health(ds(
            "ds-irsa-gone",
            json_data("default", &moto.endpoint),
            &[],
        ))
        .await;
    assert_eq!(resp.status, ERROR);
    assert_eq!(
        resp.message,
        format!("resolving credentials failed: The web identity token file {} (from AWS_WEB_IDENTITY_TOKEN_FILE) does not exist. Hint: EKS projects the token for IAM roles for service accounts: check the service account's eks.amazonaws.com/role-arn annotation and that the pod was started after it was set.", token_file.display())
    );
}

/// A HOME with an Identity Center profile in each form, one assigned a role the portal
/// refuses, and a provisioning file for `check`.
fn sso_home() -> tempfile::TempDir {
    let config = format!(
        "[profile dev]\nsso_session = corp\nsso_account_id = {ACCOUNT}\nsso_role_name = Reader\nregion = {REGION}\n\n\
         [sso-session corp]\nsso_start_url = {START_URL}\nsso_region = {REGION}\n\n\
         [profile legacy]\nsso_start_url = {LEGACY_START_URL}\nsso_region = {REGION}\nsso_account_id = {ACCOUNT}\nsso_role_name = Reader\n\n\
         [profile admin]\nsso_session = corp\nsso_account_id = {ACCOUNT}\nsso_role_name = Admin\n"
    );
    home_with(&[(".aws/config", &config)])
}

fn sso_portal(moto: &Moto, seeded: &Value) -> SsoPortal {
    SsoPortal::start(
        moto,
        seeded["roles"]["sso-reader"]["arn"].as_str().unwrap(),
        &seeded["users"]["alice"],
        ACCOUNT,
        "Reader",
        SSO_TOKEN,
    )
}

fn profile_ds(uid: &str, profile: &str, endpoint: &str) -> pluginv2::PluginContext {
    let mut jd = json_data("credentials", endpoint);
    jd["profile"] = json!(profile);
    ds(uid, jd, &[])
}

#[tokio::test(flavor = "multi_thread")]
async fn identity_center_profiles_answer_in_both_modes() {
    let moto = Moto::start();
    let seeded = moto.seed(spec());
    let portal = sso_portal(&moto, &seeded);
    let home = sso_home();
    write_sso_cache(
        home.path(),
        "corp",
        START_URL,
        SSO_TOKEN,
        "2099-01-01T00:00:00Z",
        false,
    );
    write_sso_cache(
        home.path(),
        LEGACY_START_URL,
        LEGACY_START_URL,
        SSO_TOKEN,
        "2099-01-01T00:00:00Z",
        false,
    );
    let plugin = Plugin::start_with_home(
        home,
        &[
            ("AWS_ENDPOINT_URL_SSO", &portal.endpoint),
            ("AWS_PROFILE", "dev"),
            ("RUST_LOG", "trace"),
        ],
    );
    let mut seen = Vec::new();
    for ctx in [
        profile_ds("ds-sso-file", "dev", &moto.endpoint),
        profile_ds("ds-sso-legacy", "legacy", &moto.endpoint),
        ds("ds-sso-default", json_data("default", &moto.endpoint), &[]),
    ] {
        let resp = authenticated_as(&plugin, ctx.clone(), "sso-reader/sso-user").await;
        assert_eq!(
            details(&resp)["credentialsSource"],
            "IAM Identity Center (SSO)"
        );
        query_answers(&plugin, ctx).await;
        seen.push(format!("{resp:?}"));
    }
    let stats = portal.stats();
    assert_eq!(stats["served"], 3, "{stats}");
    let mut secrets = strings(&stats["secrets"]);
    secrets.extend([SSO_TOKEN.into(), "stratus-test-refresh-token".into()]);
    assert_no_secrets(&plugin, &seen, &secrets);
}

#[tokio::test(flavor = "multi_thread")]
async fn identity_center_failures_name_the_session_and_how_to_sign_in() {
    let moto = Moto::start();
    let seeded = moto.seed(spec());
    let portal = sso_portal(&moto, &seeded);
    let home = sso_home();
    let home_path = home.path().to_path_buf();
    let cache = sso_cache_path(&home_path, "corp");
    let plugin = Plugin::start_with_home(
        home,
        &[
            ("AWS_ENDPOINT_URL_SSO", &portal.endpoint),
            ("RUST_LOG", "trace"),
        ],
    );
    // What `aws sso login --sso-session corp` leaves behind.
    let sign_in = |token: &str, expires_at: &str, lapsed: bool| {
        write_sso_cache(&home_path, "corp", START_URL, token, expires_at, lapsed)
    };
    let who = format!("IAM Identity Center (SSO) profile [dev] (from the data source's Credentials Profile Name) (sso_session corp, start URL {START_URL})");
    let login_hint = format!(
        "Hint: Sign in again as the user running grafana-server, with its HOME, so the token lands in {}: aws sso login --sso-session corp.",
        cache.parent().unwrap().display()
    );
    let mut seen = Vec::new();
    let mut check = |resp: &pluginv2::CheckHealthResponse, said: String, hint: &str| {
        assert_eq!(resp.status, ERROR);
        let code = details(resp)["code"]
            .as_str()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default();
        assert_eq!(
            resp.message,
            format!("resolving credentials failed{code}: {said} {hint}")
        );
        assert_eq!(
            details(resp)["credentialsSource"],
            "IAM Identity Center (SSO)"
        );
        seen.push(format!("{resp:?}"));
    };

    // Never signed in.
    let ctx = profile_ds("ds-sso-none", "dev", &moto.endpoint);
    let resp = plugin.health(ctx.clone()).await;
    check(
        &resp,
        format!(
            "{who} is not signed in: there is no cached sign-in token at {}.",
            cache.display()
        ),
        &login_hint,
    );
    let error = query_error(&plugin, ctx).await;
    assert!(
        error.starts_with(&format!(
            "CloudWatch GetMetricData failed: {who} is not signed in"
        )) && error.contains("aws sso login --sso-session corp"),
        "{error}"
    );

    // Signed in yesterday; the token and the client registration have lapsed.
    sign_in(SSO_TOKEN, "2024-01-01T00:00:00Z", true);
    let resp = plugin
        .health(profile_ds("ds-sso-expired", "dev", &moto.endpoint))
        .await;
    check(
        &resp,
        format!(
            "{who}: the sign-in token cached at {} expired at 2024-01-01T00:00:00Z and cannot be refreshed.",
            cache.display()
        ),
        &login_hint,
    );

    // Signed out elsewhere: the cached token looks valid, the portal no longer knows it.
    sign_in("CANARY-revoked-sso-token", "2099-01-01T00:00:00Z", false);
    let resp = plugin
        .health(profile_ds("ds-sso-revoked", "dev", &moto.endpoint))
        .await;
    check(
        &resp,
        format!("{who}: the IAM Identity Center portal {} refused the cached sign-in token (UnauthorizedException: Session token not found or invalid); the session was signed out, revoked or ended early.", portal.endpoint),
        &login_hint,
    );
    assert_eq!(details(&resp)["code"], "UnauthorizedException");
    assert_eq!(details(&resp)["httpStatus"], 401);
    assert!(
        resp.message
            .starts_with("resolving credentials failed (UnauthorizedException): "),
        "{}",
        resp.message
    );

    // Signed in, but the user has no assignment for the profile's role.
    sign_in(SSO_TOKEN, "2099-01-01T00:00:00Z", false);
    let resp = plugin
        .health(profile_ds("ds-sso-admin", "admin", &moto.endpoint))
        .await;
    check(
        &resp,
        format!("IAM Identity Center (SSO) profile [admin] (from the data source's Credentials Profile Name) (sso_session corp, start URL {START_URL}): the IAM Identity Center portal {} refused role Admin in account {ACCOUNT} (ForbiddenException: No access).", portal.endpoint),
        "Hint: Check sso_account_id and sso_role_name of profile [admin]: the signed-in user needs a permission set assignment for that account and role.",
    );
    assert_eq!(
        portal.stats()["refused"],
        json!(["UnauthorizedException", "ForbiddenException"])
    );
    for s in &seen {
        assert!(
            !s.contains("found no credentials") && !s.contains("Looked for profile"),
            "{s}"
        );
    }
    seen.push(error);
    assert_no_secrets(
        &plugin,
        &seen,
        &[
            SSO_TOKEN.into(),
            "CANARY-revoked-sso-token".into(),
            "stratus-test-refresh-token".into(),
            "stratus-test-client-secret".into(),
        ],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn check_names_the_source_that_failed() {
    let closed = format!("http://127.0.0.1:{}/v1/credentials", free_port());
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("eks-pod-identity-token");
    let provisioning = dir.path().join("stratus.yaml");
    std::fs::write(
        &provisioning,
        "apiVersion: 1\ndatasources:\n  - name: Pod\n    type: stratus-cloudwatch-datasource\n    uid: pod\n    jsonData:\n      authType: default\n      defaultRegion: us-east-1\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gpx_stratus"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", &closed)
        .env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &token_file)
        .args(["check", "--provisioning", provisioning.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("failed step:  resolving credentials"),
        "{text}"
    );
    assert!(
        text.contains("credentials:  from EKS Pod Identity"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "message:      EKS Pod Identity could not send its token: the token file {} (from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) does not exist.",
            token_file.display()
        )),
        "{text}"
    );
    assert!(
        text.contains("hint:         The token file is projected by EKS Pod Identity"),
        "{text}"
    );
}
