//! Proxies and private CAs against real peers from Debian's packages: tinyproxy in front of
//! moto (auth mode), and stunnel4 serving moto over TLS with a CA made by openssl here.

mod common;

use common::network::{PrivateCa, ProxyOptions, Tinyproxy, TlsFront};
use common::*;
use grafana_current::pluginv2;
use serde_json::{json, Value};

const PROXY_USER: &str = "grafana";
/// The proxy password is a secret: it must never appear in logs, messages or details.
/// (tinyproxy accepts letters, digits and dashes only in passwords.)
const PROXY_PASSWORD: &str = "CANARY-proxy-pass-9f3e";

/// An auth mode's name, jsonData and secureJsonData.
type Case<'a> = (&'a str, Value, Vec<(&'a str, &'a str)>);

fn spec() -> Value {
    json!({
        "users": [{ "name": "alice" }],
        "roles": [{ "name": "reader", "trusted_user": "alice", "external_id": "ext-1" }],
        "metrics": [{ "namespace": "App", "name": "Hits", "dimensions": { "Host": "a" }, "points": [[now_ms() / 1000 - 600, 3.0]] }]
    })
}

/// One metric query over the last ten minutes.
fn hits_query() -> Vec<pluginv2::DataQuery> {
    let now = now_ms();
    vec![data_query(
        "A",
        json!({ "namespace": "App", "metricName": "Hits" }),
        now - 600_000,
        now,
    )]
}

/// Requests the proxy forwarded to `endpoint` (absolute-form requests of plain HTTP calls).
fn forwarded_to(proxy: &Tinyproxy, endpoint: &str) -> usize {
    proxy
        .requests()
        .iter()
        .filter(|r| r.contains(&format!("{endpoint}/")))
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_auth_mode_and_a_query_go_through_the_environment_proxy_but_metadata_never_does() {
    let moto = Moto::start();
    let seeded = moto.seed(spec());
    let alice = &seeded["users"]["alice"];
    let imds = Imds::start(
        &moto,
        seeded["roles"]["reader"]["arn"].as_str().unwrap(),
        alice,
        3600,
    );
    let proxy = Tinyproxy::start(ProxyOptions::default());
    let home = home_with(&[(".aws/credentials", &profile_block("ops", alice))]);
    let plugin = Plugin::start_with_home(
        home,
        &[
            ("HTTP_PROXY", &proxy.url),
            // NO_PROXY names neither moto nor the metadata fixture: metadata still goes direct.
            ("NO_PROXY", "example.internal"),
            (
                "AWS_AUTH_AllowedAuthProviders",
                "default,keys,credentials,ec2_iam_role",
            ),
            ("AWS_EC2_METADATA_DISABLED", "false"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.endpoint),
            (
                "AWS_ACCESS_KEY_ID",
                alice["access_key_id"].as_str().unwrap(),
            ),
            (
                "AWS_SECRET_ACCESS_KEY",
                alice["secret_access_key"].as_str().unwrap(),
            ),
        ],
    );
    let k = keys(alice);
    let mut assume = json_data("keys", &moto.endpoint);
    assume["assumeRoleArn"] = seeded["roles"]["reader"]["arn"].clone();
    assume["externalId"] = json!("ext-1");
    let mut credentials = json_data("credentials", &moto.endpoint);
    credentials["profile"] = json!("ops");
    let cases: Vec<Case> = vec![
        ("keys", json_data("keys", &moto.endpoint), secure(&k)),
        ("default", json_data("default", &moto.endpoint), vec![]),
        ("credentials", credentials, vec![]),
        (
            "ec2_iam_role",
            json_data("ec2_iam_role", &moto.endpoint),
            vec![],
        ),
        ("assume_role", assume, secure(&k)),
    ];
    let via = format!(
        "Network: through proxy 127.0.0.1:{} (from HTTP_PROXY).",
        proxy.port
    );
    for (name, jd, sec) in cases {
        let before = forwarded_to(&proxy, &moto.endpoint);
        let resp = plugin.health(ds(&format!("ds-{name}"), jd, &sec)).await;
        assert_eq!(resp.status, OK, "{name}: {}", resp.message);
        assert!(resp.message.ends_with(&via), "{name}: {}", resp.message);
        let d = details(&resp);
        assert_eq!(d["proxy"], format!("127.0.0.1:{}", proxy.port), "{name}");
        // STS, CloudWatch and CloudWatch Logs at least, each through the proxy.
        let calls = forwarded_to(&proxy, &moto.endpoint) - before;
        assert!(
            calls >= 3,
            "{name}: {calls} calls through the proxy\n{}",
            proxy.log()
        );
    }
    // The Workspace IAM Role got its credentials from the metadata fixture, never via the proxy.
    assert!(
        imds.stats().1 > 0,
        "the metadata fixture served no credentials"
    );
    let imds_host = imds.endpoint.trim_start_matches("http://");
    assert!(
        !proxy.requests().iter().any(|r| r.contains(imds_host)),
        "metadata went through the proxy:\n{}",
        proxy.log()
    );

    let before = forwarded_to(&proxy, &moto.endpoint);
    let now = now_ms();
    let resp = plugin
        .query(
            ds("ds-keys", json_data("keys", &moto.endpoint), &secure(&k)),
            vec![data_query(
                "A",
                json!({ "namespace": "App", "metricName": "Hits", "dimensions": { "Host": "a" }, "statistic": "Sum", "period": "60" }),
                now - 3_600_000,
                now,
            )],
        )
        .await;
    let a = &resp.responses["A"];
    assert!(a.error.is_empty(), "{}", a.error);
    assert_eq!(
        decode(&a.frames[0]).values.iter().flatten().sum::<f64>(),
        3.0
    );
    assert!(
        proxy
            .requests()
            .iter()
            .skip(before)
            .any(|r| r.starts_with(&format!("POST {}/", moto.endpoint))),
        "the query did not go through the proxy:\n{}",
        proxy.log()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn no_proxy_bypasses_the_proxy() {
    let moto = Moto::start();
    let seeded = moto.seed(spec());
    let proxy = Tinyproxy::start(ProxyOptions::default());
    let plugin = Plugin::start(&[
        ("HTTP_PROXY", &proxy.url),
        ("NO_PROXY", "localhost,127.0.0.1"),
    ]);
    let k = keys(&seeded["users"]["alice"]);
    let resp = plugin
        .health(ds("ds-np", json_data("keys", &moto.endpoint), &secure(&k)))
        .await;
    assert_eq!(resp.status, OK, "{}", resp.message);
    assert!(
        resp.message
            .ends_with("Network: direct (excluded by NO_PROXY)."),
        "{}",
        resp.message
    );
    assert_eq!(details(&resp)["proxy"], Value::Null);
    assert!(proxy.requests().is_empty(), "{}", proxy.log());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_data_source_proxy_with_basic_auth_needs_the_server_setting_and_the_right_password() {
    let moto = Moto::start();
    let seeded = moto.seed(spec());
    let k = keys(&seeded["users"]["alice"]);
    let proxy = Tinyproxy::start(ProxyOptions {
        basic_auth: Some((PROXY_USER.into(), PROXY_PASSWORD.into())),
        ..Default::default()
    });
    let with_proxy = |password: &str| {
        let mut jd = json_data("keys", &moto.endpoint);
        jd["proxyType"] = json!("url");
        jd["proxyUrl"] = json!(proxy.url);
        jd["proxyUsername"] = json!(PROXY_USER);
        let mut sec = secure(&k);
        sec.push(("proxyPassword", password));
        ds(&format!("ds-url-{}", password.len()), jd, &sec)
    };
    let wrong = "CANARY-wrong-proxy-pass";

    // Without the server's permission: refused, naming the setting.
    let plugin = Plugin::start(&[("RUST_LOG", "trace")]);
    let resp = plugin.health(with_proxy(PROXY_PASSWORD)).await;
    assert_eq!(resp.status, ERROR);
    assert!(
        resp.message
            .contains("per_datasource_http_proxy_enabled = true")
            && resp.message.contains("jsonData.proxyType"),
        "{}",
        resp.message
    );
    assert!(proxy.requests().is_empty());
    let refused_output = plugin.output();
    drop(plugin);

    let plugin = Plugin::start(&[
        ("RUST_LOG", "trace"),
        ("AWS_AUTH_PerDatasourceHTTPProxyEnabled", "true"),
    ]);
    let good = plugin.health(with_proxy(PROXY_PASSWORD)).await;
    assert_eq!(good.status, OK, "{}", good.message);
    assert!(
        good.message.ends_with(&format!(
            "Network: through proxy 127.0.0.1:{} (the data source's Proxy URL).",
            proxy.port
        )),
        "{}",
        good.message
    );
    assert!(forwarded_to(&proxy, &moto.endpoint) >= 3, "{}", proxy.log());

    let bad = plugin.health(with_proxy(wrong)).await;
    assert_eq!(bad.status, ERROR);
    assert!(
        bad.message.contains("407 Proxy Authentication Required")
            && bad.message.contains("proxyUsername"),
        "{}",
        bad.message
    );

    // A query through the wrong password fails for that query with the same words.
    let resp = plugin.query(with_proxy(wrong), hits_query()).await;
    assert!(
        resp.responses["A"].error.contains("407"),
        "{}",
        resp.responses["A"].error
    );

    let everything = [
        refused_output,
        plugin.output(),
        format!("{good:?}"),
        format!("{bad:?}"),
        format!("{resp:?}"),
    ]
    .join("\n");
    for secret in [PROXY_PASSWORD, wrong] {
        assert!(!everything.contains(secret), "{secret} leaked");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn proxy_credentials_in_https_proxy_work_and_are_never_shown() {
    let moto = Moto::start();
    let seeded = moto.seed(spec());
    let k = keys(&seeded["users"]["alice"]);
    let proxy = Tinyproxy::start(ProxyOptions {
        basic_auth: Some((PROXY_USER.into(), "CANARY-env-proxy-pw".into())),
        ..Default::default()
    });
    let url = format!(
        "http://{PROXY_USER}:CANARY-env-proxy-pw@127.0.0.1:{}",
        proxy.port
    );
    let plugin = Plugin::start(&[("RUST_LOG", "trace"), ("HTTP_PROXY", &url)]);
    let resp = plugin
        .health(ds(
            "ds-envauth",
            json_data("keys", &moto.endpoint),
            &secure(&k),
        ))
        .await;
    assert_eq!(resp.status, OK, "{}", resp.message);
    let all = format!("{resp:?}\n{}", plugin.output());
    assert!(all.contains(&format!("127.0.0.1:{}", proxy.port)));
    assert!(
        !all.contains("CANARY-env-proxy-pw"),
        "the proxy password leaked"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stopped_proxy_is_named_and_the_plugin_recovers_when_it_returns() {
    let moto = Moto::start();
    let seeded = moto.seed(spec());
    let k = keys(&seeded["users"]["alice"]);
    let mut proxy = Tinyproxy::start(ProxyOptions::default());
    let plugin = Plugin::start(&[("HTTP_PROXY", &proxy.url)]);
    let ctx = || ds("ds-stop", json_data("keys", &moto.endpoint), &secure(&k));
    assert_eq!(plugin.health(ctx()).await.status, OK);

    proxy.stop();
    let down = plugin.health(ctx()).await;
    assert_eq!(down.status, ERROR);
    assert!(
        down.message.contains(&format!(
            "Every call goes through proxy 127.0.0.1:{port} (from HTTP_PROXY): check that the proxy at 127.0.0.1:{port} is running",
            port = proxy.port
        )),
        "{}",
        down.message
    );
    assert_eq!(details(&down)["proxy"], format!("127.0.0.1:{}", proxy.port));

    proxy.resume();
    let back = plugin.health(ctx()).await;
    assert_eq!(back.status, OK, "{}", back.message);
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_with_a_private_ca_through_a_connect_proxy() {
    let moto = Moto::start();
    let seeded = moto.seed(spec());
    let k = keys(&seeded["users"]["alice"]);
    let ca = PrivateCa::new();
    let front = TlsFront::start(&ca, &moto.endpoint);
    let ca_path = ca.ca_path().display().to_string();
    let ctx = || ds("ds-tls", json_data("keys", &front.endpoint), &secure(&k));

    // An allowing proxy: the calls tunnel through it (CONNECT) and TLS is checked end to end.
    let proxy = Tinyproxy::start(ProxyOptions::default());
    let plugin = Plugin::start(&[("HTTPS_PROXY", &proxy.url), ("AWS_CA_BUNDLE", &ca_path)]);
    let resp = plugin.health(ctx()).await;
    assert_eq!(resp.status, OK, "{}", resp.message);
    assert!(
        resp.message.contains(&format!(
            "Network: through proxy 127.0.0.1:{} (from HTTPS_PROXY). Also trusting the CAs of AWS_CA_BUNDLE ({ca_path}).",
            proxy.port
        )),
        "{}",
        resp.message
    );
    assert!(
        proxy
            .requests()
            .contains(&format!("CONNECT localhost:{}", front.port)),
        "{}",
        proxy.log()
    );

    // A proxy that allows CONNECT to port 443 only refuses the tunnel: said plainly.
    let strict = Tinyproxy::start(ProxyOptions {
        connect_443_only: true,
        ..Default::default()
    });
    let plugin = Plugin::start(&[("HTTPS_PROXY", &strict.url), ("AWS_CA_BUNDLE", &ca_path)]);
    let resp = plugin.health(ctx()).await;
    assert_eq!(resp.status, ERROR);
    assert!(
        resp.message
            .contains("The proxy refused to open a tunnel (CONNECT)"),
        "{}",
        resp.message
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_private_ca_is_trusted_from_each_place_and_only_there() {
    let moto = Moto::start();
    let seeded = moto.seed(spec());
    let alice = &seeded["users"]["alice"];
    let k = keys(alice);
    let ca = PrivateCa::new();
    let front = TlsFront::start(&ca, &moto.endpoint);
    let ca_path = ca.ca_path().display().to_string();
    let keys_ds = |extra: &[(&str, &str)]| {
        let mut sec = secure(&k);
        sec.extend_from_slice(extra);
        ds("ds-ca", json_data("keys", &front.endpoint), &sec)
    };

    // Without the CA: the certificate is the problem, and the message says how to trust it.
    let plugin = Plugin::start(&[]);
    let resp = plugin.health(keys_ds(&[])).await;
    assert_eq!(resp.status, ERROR);
    assert!(
        resp.message.contains("not signed by a trusted CA")
            && resp.message.contains("AWS_CA_BUNDLE"),
        "{}",
        resp.message
    );

    // The data source's own bundle.
    let pem = ca.ca_pem();
    let resp = plugin.health(keys_ds(&[("caBundle", &pem)])).await;
    assert_eq!(resp.status, OK, "{}", resp.message);
    assert!(
        resp.message.ends_with(
            "Also trusting the CAs of the data source's CA bundle (secureJsonData.caBundle)."
        ),
        "{}",
        resp.message
    );

    // ca_bundle of the profile, for the credentials-file and default modes; `~/` is HOME.
    let home = home_with(&[
        (".aws/credentials", &profile_block("tls", alice)),
        (".aws/config", "[profile tls]\nca_bundle = ~/certs/ca.pem\n"),
        ("certs/ca.pem", &ca.ca_pem()),
    ]);
    let plugin = Plugin::start_with_home(home, &[("AWS_PROFILE", "tls")]);
    let in_home = plugin
        .home
        .path()
        .join("certs/ca.pem")
        .display()
        .to_string();
    let mut jd = json_data("credentials", &front.endpoint);
    jd["profile"] = json!("tls");
    for (uid, jd) in [
        ("ds-profile", jd),
        ("ds-default", json_data("default", &front.endpoint)),
    ] {
        let resp = plugin.health(ds(uid, jd, &[])).await;
        assert_eq!(resp.status, OK, "{uid}: {}", resp.message);
        assert!(
            resp.message
                .contains(&format!("ca_bundle of profile [tls] ({in_home})")),
            "{uid}: {}",
            resp.message
        );
    }

    // AWS_CA_BUNDLE adds to the system roots rather than replacing them: with the private CA
    // as the "system" store (SSL_CERT_FILE) and an unrelated CA in AWS_CA_BUNDLE, TLS works.
    let unrelated = repo_path("tests/fixtures/tls/test-ca.pem")
        .display()
        .to_string();
    let plugin = Plugin::start(&[("SSL_CERT_FILE", &ca_path), ("AWS_CA_BUNDLE", &unrelated)]);
    let resp = plugin.health(keys_ds(&[])).await;
    assert_eq!(resp.status, OK, "{}", resp.message);
    // ...and an unrelated bundle alone does not make the endpoint trusted.
    let plugin = Plugin::start(&[("AWS_CA_BUNDLE", &unrelated)]);
    assert_eq!(plugin.health(keys_ds(&[])).await.status, ERROR);
}

#[tokio::test(flavor = "multi_thread")]
async fn corrupt_or_missing_bundles_are_clear_errors_naming_the_place() {
    let moto = Moto::start();
    let seeded = moto.seed(spec());
    let k = keys(&seeded["users"]["alice"]);
    let dir = tempfile::tempdir().unwrap();
    let corrupt = dir.path().join("corrupt.pem");
    std::fs::write(&corrupt, "-----BEGIN CERTIFICATE-----\nCANARY-pem-body\n").unwrap();
    let corrupt = corrupt.display().to_string();
    let missing = dir.path().join("missing.pem").display().to_string();
    let ctx = |sec: &[(&str, &str)]| {
        let mut all = secure(&k);
        all.extend_from_slice(sec);
        ds("ds-bad-ca", json_data("keys", &moto.endpoint), &all)
    };

    let mut plugin = Plugin::start(&[("AWS_CA_BUNDLE", &corrupt), ("RUST_LOG", "trace")]);
    let resp = plugin.health(ctx(&[])).await;
    assert_eq!(resp.status, ERROR);
    assert!(
        resp.message.contains(&format!(
            "The CA bundle named by AWS_CA_BUNDLE ({corrupt}) cannot be used"
        )) && resp
            .message
            .contains("no matching -----END CERTIFICATE-----"),
        "{}",
        resp.message
    );
    // A query gets the same error, for that query only, and the plugin lives on.
    let q = plugin.query(ctx(&[]), hits_query()).await;
    assert!(
        q.responses["A"].error.contains("AWS_CA_BUNDLE"),
        "{}",
        q.responses["A"].error
    );
    assert!(plugin.alive());
    let all = format!("{resp:?}\n{q:?}\n{}", plugin.output());
    assert!(
        !all.contains("CANARY-pem-body"),
        "the bundle's content leaked"
    );

    let plugin = Plugin::start(&[("AWS_CA_BUNDLE", &missing)]);
    let resp = plugin.health(ctx(&[])).await;
    assert!(
        resp.message.contains(&format!(
            "AWS_CA_BUNDLE ({missing}) cannot be read: entity not found"
        )),
        "{}",
        resp.message
    );

    // The data source's own bundle is checked with its settings.
    let plugin = Plugin::start(&[]);
    let resp = plugin
        .health(ctx(&[(
            "caBundle",
            "-----BEGIN CERTIFICATE-----\nCANARY-pem-body\n",
        )]))
        .await;
    assert_eq!(resp.status, ERROR);
    assert!(
        resp.message.contains("secureJsonData.caBundle") && !resp.message.contains("CANARY"),
        "{}",
        resp.message
    );
}
