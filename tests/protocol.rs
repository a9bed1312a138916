//! Server policy, request isolation, secrets and credential caching, through the real
//! plugin binary and gRPC against moto in auth mode.

mod common;

use common::*;
use serde_json::json;

fn two_users() -> serde_json::Value {
    json!({ "users": [{ "name": "alice" }, { "name": "bob" }] })
}

#[tokio::test(flavor = "multi_thread")]
async fn handshake_is_what_grafana_expects() {
    let mut plugin = Plugin::start(&[]);
    assert!(plugin.addr.starts_with("http://127.0.0.1:"));
    assert!(plugin.alive());
    // stderr lines are hclog JSON Grafana can parse.
    let resp = plugin
        .health(ds("x", json!({"authType": "magic"}), &[]))
        .await;
    assert_eq!(resp.status, ERROR);
    std::thread::sleep(std::time::Duration::from_millis(200));
    for line in plugin.output().lines() {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not hclog JSON: {line}"));
        assert!(
            v["@level"].is_string() && v["@message"].is_string(),
            "{line}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn provider_not_allowed_by_default() {
    let moto = Moto::start();
    let plugin = Plugin::start(&[]);
    let ctx = ds("ds-ec2", json_data("ec2_iam_role", &moto.endpoint), &[]);
    let resp = plugin.health(ctx.clone()).await;
    assert_eq!(resp.status, ERROR);
    for needle in [
        "trying to use non-allowed auth method ec2_iam_role",
        "allowed_auth_providers",
        "forward_settings_to_plugins",
        "stratus-cloudwatch-datasource",
        "Allowed: default, keys, credentials.",
    ] {
        assert!(resp.message.contains(needle), "{needle}: {}", resp.message);
    }
    assert_eq!(details(&resp)["step"], "server policy");
    // The same check guards QueryData and CallResource.
    let q = plugin
        .query(
            ctx.clone(),
            vec![data_query(
                "A",
                json!({"namespace": "N", "metricName": "M"}),
                now_ms() - 3_600_000,
                now_ms(),
            )],
        )
        .await;
    assert_eq!(q.responses["A"].status, 403);
    assert!(q.responses["A"].error.contains("non-allowed auth method"));
    let (code, body) = plugin.resource(ctx, "namespaces").await;
    assert_eq!(code, 403);
    assert!(body["error"]
        .as_str()
        .unwrap()
        .contains("non-allowed auth method"));
}

#[tokio::test(flavor = "multi_thread")]
async fn allowed_list_from_server_settings() {
    let moto = Moto::start();
    let seeded = moto.seed(two_users());
    let plugin = Plugin::start(&[(
        "AWS_AUTH_AllowedAuthProviders",
        " credentials , ec2_iam_role ",
    )]);
    let k = keys(&seeded["users"]["alice"]);
    let resp = plugin
        .health(ds(
            "ds-keys",
            json_data("keys", &moto.endpoint),
            &secure(&k),
        ))
        .await;
    assert_eq!(resp.status, ERROR);
    assert!(
        resp.message.contains("Allowed: credentials, ec2_iam_role."),
        "{}",
        resp.message
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn assume_role_disabled_on_server() {
    let moto = Moto::start();
    let seeded = moto.seed(two_users());
    let plugin = Plugin::start(&[("AWS_AUTH_AssumeRoleEnabled", "false")]);
    let k = keys(&seeded["users"]["alice"]);
    let mut jd = json_data("keys", &moto.endpoint);
    jd["assumeRoleArn"] = json!(format!("arn:aws:iam::{ACCOUNT}:role/reader"));
    let resp = plugin.health(ds("ds-ar", jd, &secure(&k))).await;
    assert_eq!(resp.status, ERROR);
    assert!(
        resp.message
            .contains("trying to use assume role but it is disabled in grafana config"),
        "{}",
        resp.message
    );
    assert!(
        resp.message.contains("assume_role_enabled = true"),
        "{}",
        resp.message
    );
    // Without a role the same keys work.
    let resp = plugin
        .health(ds(
            "ds-plain",
            json_data("keys", &moto.endpoint),
            &secure(&k),
        ))
        .await;
    assert_eq!(resp.status, OK, "{}", resp.message);
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_server_setting_is_reported_not_fatal() {
    let mut plugin = Plugin::start(&[("AWS_AUTH_SESSION_DURATION", "forever")]);
    let resp = plugin
        .health(ds(
            "ds",
            json!({"authType": "keys"}),
            &[("accessKey", "A"), ("secretKey", "S")],
        ))
        .await;
    assert_eq!(resp.status, ERROR);
    assert!(
        resp.message.contains("AWS_AUTH_SESSION_DURATION")
            && resp.message.contains("session_duration"),
        "{}",
        resp.message
    );
    assert!(plugin.alive());
}

#[tokio::test(flavor = "multi_thread")]
async fn user_with_role_none_is_served() {
    let moto = Moto::start();
    let seeded = moto.seed(two_users());
    let plugin = Plugin::start(&[]);
    let k = keys(&seeded["users"]["alice"]);
    let ctx = ds_as(
        "ds-none",
        json_data("keys", &moto.endpoint),
        &secure(&k),
        "None",
    );
    let resp = plugin.health(ctx.clone()).await;
    assert_eq!(resp.status, OK, "{}", resp.message);
    let q = plugin
        .query(
            ctx,
            vec![data_query(
                "A",
                json!({"namespace": "AWS/EC2", "metricName": "CPUUtilization", "period": "60"}),
                now_ms() - 3_600_000,
                now_ms(),
            )],
        )
        .await;
    assert_eq!(q.responses["A"].error, "");
    assert_eq!(q.responses["A"].frames.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_query_does_not_fail_the_others() {
    let moto = Moto::start();
    let seeded = moto.seed(two_users());
    let mut plugin = Plugin::start(&[]);
    let k = keys(&seeded["users"]["alice"]);
    let ctx = ds("ds-mixed", json_data("keys", &moto.endpoint), &secure(&k));
    let now = now_ms();
    let mut bad_json = data_query("C", json!({}), now - 3_600_000, now);
    bad_json.json = b"{not json".to_vec();
    let q = plugin
        .query(
            ctx,
            vec![
                data_query("A", json!({"namespace": "AWS/EC2", "metricName": "CPUUtilization", "period": "60"}), now - 3_600_000, now),
                data_query("B", json!({"namespace": "AWS/EC2", "metricName": "CPUUtilization", "statistic": "Median"}), now - 3_600_000, now),
                bad_json,
            ],
        )
        .await;
    assert_eq!(q.responses["A"].error, "");
    assert!(
        q.responses["B"].error.contains("`statistic`"),
        "{}",
        q.responses["B"].error
    );
    assert_eq!(q.responses["B"].status, 400);
    assert!(
        q.responses["C"].error.contains("not valid JSON"),
        "{}",
        q.responses["C"].error
    );
    assert!(plugin.alive());
}

#[tokio::test(flavor = "multi_thread")]
async fn two_data_sources_never_share_credentials() {
    let moto = Moto::start();
    let seeded = moto.seed(two_users());
    let plugin = std::sync::Arc::new(Plugin::start(&[]));
    let ka = keys(&seeded["users"]["alice"]);
    let kb = keys(&seeded["users"]["bob"]);
    let a = ds("ds-alice", json_data("keys", &moto.endpoint), &secure(&ka));
    let b = ds("ds-bob", json_data("keys", &moto.endpoint), &secure(&kb));
    let mut tasks = Vec::new();
    for i in 0..40 {
        let (ctx, who) = if i % 2 == 0 {
            (a.clone(), "alice")
        } else {
            (b.clone(), "bob")
        };
        let plugin = plugin.clone();
        tasks.push(tokio::spawn(async move { (who, plugin.health(ctx).await) }));
    }
    for t in tasks {
        let (who, resp) = t.await.unwrap();
        assert_eq!(resp.status, OK, "{}", resp.message);
        assert_eq!(
            details(&resp)["arn"],
            format!("arn:aws:iam::{ACCOUNT}:user/{who}")
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn canary_secrets_never_leave_the_plugin() {
    const CANARY_SECRET: &str = "STRATUS-CANARY-SECRET-7f3a9e";
    const CANARY_TOKEN: &str = "STRATUS-CANARY-TOKEN-91bc44";
    const CANARY_FILE: &str = "STRATUS-CANARY-FILE-5d2e10";
    let moto = Moto::start();
    let seeded = moto.seed(json!({
        "users": [{ "name": "alice" }],
        "roles": [{ "name": "reader", "trusted_user": "alice", "external_id": "ext-1" }]
    }));
    let alice = &seeded["users"]["alice"];
    let real_secret = alice["secret_access_key"].as_str().unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/credentials"),
        format!("[broken]\naws_access_key_id = AKIA{CANARY_FILE}\naws_secret_access_key = {CANARY_FILE}\n[garbled\n{CANARY_FILE} = = =\n"),
    )
    .unwrap();
    let plugin = Plugin::start_with_home(home, &[("RUST_LOG", "trace")]);
    let key_id = alice["access_key_id"].as_str().unwrap();
    let now = now_ms();
    let query = vec![data_query(
        "A",
        json!({"namespace": "AWS/EC2", "metricName": "CPUUtilization"}),
        now - 3_600_000,
        now,
    )];
    let mut seen = Vec::new();

    // Wrong secret and token: fails at STS and CloudWatch.
    let bad = ds(
        "ds-canary",
        json_data("keys", &moto.endpoint),
        &[
            ("accessKey", key_id),
            ("secretKey", CANARY_SECRET),
            ("sessionToken", CANARY_TOKEN),
        ],
    );
    seen.push(format!("{:?}", plugin.health(bad.clone()).await));
    seen.push(format!(
        "{:?}",
        plugin.query(bad.clone(), query.clone()).await
    ));
    seen.push(format!(
        "{:?}",
        plugin
            .resource(bad.clone(), "metrics?namespace=Custom%2FApp")
            .await
    ));
    // Real secret, with assume role, succeeding (the assumed credentials are secrets too).
    let mut jd = json_data("keys", &moto.endpoint);
    jd["assumeRoleArn"] = seeded["roles"]["reader"]["arn"].clone();
    jd["externalId"] = json!("ext-1");
    let good = ds(
        "ds-good",
        jd,
        &[("accessKey", key_id), ("secretKey", real_secret)],
    );
    seen.push(format!("{:?}", plugin.health(good.clone()).await));
    seen.push(format!(
        "{:?}",
        plugin.query(good.clone(), query.clone()).await
    ));
    // A broken credentials file.
    let mut jd = json_data("credentials", &moto.endpoint);
    jd["profile"] = json!("broken");
    seen.push(format!("{:?}", plugin.health(ds("ds-file", jd, &[])).await));
    // Settings that fail to parse still carry decrypted secrets in the request.
    seen.push(format!(
        "{:?}",
        plugin
            .health(ds(
                "ds-invalid",
                json!({"authType": 42}),
                &[("secretKey", CANARY_SECRET)]
            ))
            .await
    ));
    std::thread::sleep(std::time::Duration::from_millis(300));

    let logs = plugin.output();
    // Proof that the verbose level took effect: Stratus's own debug lines are there.
    assert!(
        logs.contains(r#""@level":"DEBUG","@message":"resolved AWS credentials""#),
        "no debug output:\n{logs}"
    );
    let everything = format!("{logs}\n{}", seen.join("\n"));
    for secret in [CANARY_SECRET, CANARY_TOKEN, CANARY_FILE, real_secret] {
        assert!(!everything.contains(secret), "secret {secret} leaked");
    }
    // Temporary credentials from AssumeRole never show up either: moto's session tokens start with FQoG.
    assert!(
        !everything.contains("FQoGZXIvYXdzE"),
        "a session token leaked"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_first_requests_make_one_assume_role_call() {
    let moto = Moto::start();
    let seeded = moto.seed(json!({
        "users": [{ "name": "alice", "cloudwatch": false }],
        "roles": [{ "name": "reader", "trusted_user": "alice", "external_id": "ext-1" }]
    }));
    let proxy = Proxy::start(&moto.endpoint);
    let plugin = std::sync::Arc::new(Plugin::start(&[]));
    let mut jd = json_data("keys", &proxy.endpoint);
    jd["assumeRoleArn"] = seeded["roles"]["reader"]["arn"].clone();
    jd["externalId"] = json!("ext-1");
    let k = keys(&seeded["users"]["alice"]);
    let ctx = ds("ds-sf", jd, &secure(&k));
    let now = now_ms();
    let mut tasks = Vec::new();
    for i in 0..100 {
        let plugin = plugin.clone();
        let ctx = ctx.clone();
        let q = data_query(
            "A",
            json!({"namespace": "AWS/EC2", "metricName": "CPUUtilization", "dimensions": {"InstanceId": format!("i-{i}")}, "period": "60"}),
            now - 3_600_000,
            now,
        );
        tasks.push(tokio::spawn(
            async move { plugin.query(ctx, vec![q]).await },
        ));
    }
    for t in tasks {
        let r = t.await.unwrap();
        assert_eq!(r.responses["A"].error, "", "{:?}", r.responses["A"]);
    }
    assert_eq!(proxy.count("AssumeRole"), 1, "{:?}", proxy.counts());
    assert_eq!(proxy.count("GetMetricData"), 100);
}

#[tokio::test(flavor = "multi_thread")]
async fn grafana_before_the_current_protocol_is_served_too() {
    // grafana-plugin-sdk 0.5.0's generated client speaks the protocol of 2024, without
    // grafanaConfig, userAgent or errorSource: older Grafana versions send and read that.
    use grafana_plugin_sdk::pluginv2 as old;
    let moto = Moto::start();
    let seeded = moto.seed(two_users());
    let plugin = Plugin::start(&[]);
    let k = keys(&seeded["users"]["alice"]);
    let ctx = old::PluginContext {
        org_id: 1,
        plugin_id: "stratus-cloudwatch-datasource".into(),
        user: None,
        app_instance_settings: None,
        data_source_instance_settings: Some(old::DataSourceInstanceSettings {
            uid: "ds-old".into(),
            name: "Old Grafana".into(),
            json_data: json_data("keys", &moto.endpoint).to_string().into_bytes(),
            decrypted_secure_json_data: secure(&k)
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            last_updated_ms: 1,
            ..Default::default()
        }),
    };
    let health = old::diagnostics_client::DiagnosticsClient::connect(plugin.addr.clone())
        .await
        .unwrap()
        .check_health(old::CheckHealthRequest {
            plugin_context: Some(ctx.clone()),
            headers: Default::default(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(health.status, OK, "{}", health.message);
    assert!(health.message.contains("user/alice"), "{}", health.message);
    let now = now_ms();
    let query = |ref_id: &str, json: serde_json::Value| old::DataQuery {
        ref_id: ref_id.into(),
        time_range: Some(old::TimeRange {
            from_epoch_ms: now - 3_600_000,
            to_epoch_ms: now,
        }),
        json: json.to_string().into_bytes(),
        ..Default::default()
    };
    let resp = old::data_client::DataClient::connect(plugin.addr.clone())
        .await
        .unwrap()
        .query_data(old::QueryDataRequest {
            plugin_context: Some(ctx),
            headers: Default::default(),
            queries: vec![
                query(
                    "A",
                    json!({"namespace": "AWS/EC2", "metricName": "CPUUtilization", "period": "60"}),
                ),
                query("B", json!({"namespace": "AWS/EC2"})),
            ],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(resp.responses["A"].error, "");
    assert_eq!(decode(&resp.responses["A"].frames[0]).ref_id, "A");
    assert_eq!(resp.responses["B"].status, 400);
    assert!(resp.responses["B"].error.contains("`metricName`"));
}

#[tokio::test(flavor = "multi_thread")]
async fn chunked_queries_stream_each_frame_and_each_error() {
    use grafana_current::pluginv2::{data_client::DataClient, QueryChunkedDataRequest};
    let moto = Moto::start();
    let now = now_ms();
    let seeded = moto.seed(json!({
        "users": [{ "name": "alice" }],
        "metrics": [
            { "namespace": "App", "name": "Hits", "dimensions": { "Host": "a" }, "points": [[(now - 600_000) / 1000, 1.0]] },
            { "namespace": "App", "name": "Hits", "dimensions": { "Host": "b" }, "points": [[(now - 600_000) / 1000, 2.0]] }
        ]
    }));
    let plugin = Plugin::start(&[]);
    let k = keys(&seeded["users"]["alice"]);
    let ctx = ds("ds-chunked", json_data("keys", &moto.endpoint), &secure(&k));
    let mut stream = DataClient::connect(plugin.addr.clone())
        .await
        .unwrap()
        .query_chunked_data(QueryChunkedDataRequest {
            plugin_context: Some(ctx),
            queries: vec![
                data_query("A", json!({"namespace": "App", "metricName": "Hits", "dimensions": {"Host": "a"}, "period": "60", "statistic": "Sum"}), now - 3_600_000, now),
                data_query("B", json!({"namespace": "App", "metricName": "Hits", "period": "7"}), now - 3_600_000, now),
                data_query("C", json!({"namespace": "App", "metricName": "Hits", "dimensions": {"Host": "b"}, "period": "60", "statistic": "Sum"}), now - 3_600_000, now),
            ],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let mut chunks = Vec::new();
    while let Some(chunk) = stream.message().await.unwrap() {
        chunks.push(chunk);
    }
    let frames: Vec<_> = chunks.iter().filter(|c| c.ref_id != "B").collect();
    let mut ids: Vec<&str> = frames.iter().map(|c| c.frame_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        ids.len(),
        2,
        "one chunk per frame, each frame id once: {ids:?}"
    );
    for (c, want) in frames
        .iter()
        .map(|c| (c, if c.ref_id == "A" { 1.0 } else { 2.0 }))
    {
        assert_eq!((c.status, c.error.as_str()), (200, ""));
        let f = decode(&c.frame);
        assert_eq!(f.ref_id, c.ref_id);
        assert_eq!(f.values, vec![Some(want)]);
    }
    let b: Vec<_> = chunks.iter().filter(|c| c.ref_id == "B").collect();
    assert_eq!(b.len(), 1);
    assert_eq!(
        (b[0].status, b[0].error_source.as_str()),
        (400, "downstream")
    );
    assert!(b[0].error.contains("`period`"), "{}", b[0].error);
    assert!(b[0].frame.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn every_error_says_whose_fault_it_is() {
    // Grafana's error accounting: "downstream" for AWS, the query, the settings and the
    // server's policy; Stratus's own faults ("plugin") are covered by the unit tests of the
    // panic isolation, since nothing a request can send makes Stratus fail.
    let moto = Moto::start();
    let seeded = moto.seed(two_users());
    let plugin = Plugin::start(&[]);
    let alice = &seeded["users"]["alice"];
    let now = now_ms();
    let good = data_query(
        "A",
        json!({"namespace": "AWS/EC2", "metricName": "CPUUtilization", "period": "60"}),
        now - 3_600_000,
        now,
    );
    let bad = data_query("B", json!({"namespace": "AWS/EC2"}), now - 3_600_000, now);
    let k = keys(alice);
    let ok = plugin
        .query(
            ds("ds-src", json_data("keys", &moto.endpoint), &secure(&k)),
            vec![good.clone(), bad.clone()],
        )
        .await;
    assert_eq!(
        (
            ok.responses["A"].status,
            ok.responses["A"].error_source.as_str()
        ),
        (200, "")
    );
    assert_eq!(ok.responses["B"].status, 400);
    assert_eq!(ok.responses["B"].error_source, "downstream");

    let wrong_secret = ds(
        "ds-wrong",
        json_data("keys", &moto.endpoint),
        &[
            ("accessKey", alice["access_key_id"].as_str().unwrap()),
            ("secretKey", "not-the-secret"),
        ],
    );
    let r = plugin.query(wrong_secret, vec![good.clone()]).await;
    let a = &r.responses["A"];
    assert!(a.error.contains("SignatureDoesNotMatch"), "{}", a.error);
    assert_eq!((a.status, a.error_source.as_str()), (403, "downstream"));

    let refused = ds("ds-ec2", json_data("ec2_iam_role", &moto.endpoint), &[]);
    let r = plugin.query(refused, vec![good]).await;
    let a = &r.responses["A"];
    assert!(a.error.contains("non-allowed auth method"), "{}", a.error);
    assert_eq!((a.status, a.error_source.as_str()), (403, "downstream"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_requests_grafana_config_comes_before_the_environment() {
    let moto = Moto::start();
    let seeded = moto.seed(json!({
        "users": [{ "name": "alice" }],
        "roles": [{ "name": "reader", "trusted_user": "alice" }]
    }));
    // The environment allows keys (Grafana's default) and assuming roles.
    let plugin = Plugin::start(&[("AWS_AUTH_AllowedAuthProviders", "default,keys,credentials")]);
    let k = keys(&seeded["users"]["alice"]);
    let keys_ds = ds("ds-cfg", json_data("keys", &moto.endpoint), &secure(&k));

    // grafanaConfig refuses keys: refused, although the environment allows them.
    let refusing = with_grafana_config(
        keys_ds.clone(),
        &[
            ("AWS_AUTH_AllowedAuthProviders", "credentials"),
            ("GF_OTHER", "x"),
        ],
    );
    let resp = plugin.health(refusing.clone()).await;
    assert_eq!(resp.status, ERROR);
    assert!(
        resp.message
            .contains("trying to use non-allowed auth method keys")
            && resp.message.contains("Allowed: credentials."),
        "{}",
        resp.message
    );
    let now = now_ms();
    let q = data_query(
        "A",
        json!({"namespace": "AWS/EC2", "metricName": "CPUUtilization", "period": "60"}),
        now - 600_000,
        now,
    );
    let r = plugin.query(refusing.clone(), vec![q.clone()]).await;
    assert_eq!(r.responses["A"].status, 403, "{}", r.responses["A"].error);
    let (code, _) = plugin.resource(refusing, "namespaces").await;
    assert_eq!(code, 403);

    // Without grafanaConfig the environment applies, and the same data source works.
    assert_eq!(plugin.health(keys_ds.clone()).await.status, OK);

    // grafanaConfig allows what the environment does not (ec2_iam_role): the policy lets it
    // through, and it fails further on, at the instance metadata this machine lacks.
    let ec2 = with_grafana_config(
        ds("ds-ec2-cfg", json_data("ec2_iam_role", &moto.endpoint), &[]),
        &[("AWS_AUTH_AllowedAuthProviders", "ec2_iam_role")],
    );
    let resp = plugin.health(ec2).await;
    assert_eq!(
        details(&resp)["step"],
        "resolving credentials",
        "{}",
        resp.message
    );

    // Assume role switched off in grafanaConfig only.
    let mut jd = json_data("keys", &moto.endpoint);
    jd["assumeRoleArn"] = seeded["roles"]["reader"]["arn"].clone();
    let role_ds = ds("ds-role-cfg", jd, &secure(&k));
    assert_eq!(plugin.health(role_ds.clone()).await.status, OK);
    let resp = plugin
        .health(with_grafana_config(
            role_ds,
            &[("AWS_AUTH_AssumeRoleEnabled", "false")],
        ))
        .await;
    assert!(
        resp.message.contains("assume role but it is disabled"),
        "{}",
        resp.message
    );

    // A malformed value in grafanaConfig is named, and the plugin carries on.
    let resp = plugin
        .health(with_grafana_config(
            keys_ds.clone(),
            &[("AWS_AUTH_SESSION_DURATION", "forever")],
        ))
        .await;
    assert!(
        resp.message
            .contains("AWS_AUTH_SESSION_DURATION=\"forever\""),
        "{}",
        resp.message
    );
    assert_eq!(plugin.health(keys_ds).await.status, OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn aws_sees_stratus_and_grafana_in_the_user_agent() {
    let moto = Moto::start();
    let seeded = moto.seed(json!({
        "users": [{ "name": "alice" }],
        "roles": [{ "name": "reader", "trusted_user": "alice" }]
    }));
    let proxy = Proxy::start(&moto.endpoint);
    // The rig starts the plugin with GF_VERSION=11.3.0, as Grafana 11.3 would.
    let plugin = Plugin::start(&[]);
    let k = keys(&seeded["users"]["alice"]);
    let mut jd = json_data("keys", &proxy.endpoint);
    jd["assumeRoleArn"] = seeded["roles"]["reader"]["arn"].clone();
    let mut ctx = ds("ds-ua", jd, &secure(&k));
    ctx.user_agent = "Grafana/12.3.1 (linux; amd64)".into();
    assert_eq!(plugin.health(ctx.clone()).await.status, OK);
    let now = now_ms();
    let q = data_query(
        "A",
        json!({"namespace": "AWS/EC2", "metricName": "CPUUtilization", "period": "60"}),
        now - 600_000,
        now,
    );
    assert_eq!(
        plugin.query(ctx, vec![q.clone()]).await.responses["A"].error,
        ""
    );
    let stratus = format!(
        "lib/stratus-cloudwatch-datasource/{}",
        env!("CARGO_PKG_VERSION")
    );
    for action in [
        "AssumeRole",
        "GetCallerIdentity",
        "ListMetrics",
        "GetMetricData",
    ] {
        let agents = proxy.user_agents(action);
        assert!(!agents.is_empty(), "no {action} call");
        for ua in agents {
            assert!(
                ua.contains(&stratus) && ua.contains("lib/Grafana/12.3.1"),
                "{action}: {ua}"
            );
        }
    }
    // Grafana before the user-agent field: its version comes from GF_VERSION.
    proxy.reset();
    let old = ds("ds-ua-old", json_data("keys", &proxy.endpoint), &secure(&k));
    assert_eq!(plugin.query(old, vec![q]).await.responses["A"].error, "");
    let agents = proxy.user_agents("GetMetricData");
    assert!(
        agents[0].contains(&stratus) && agents[0].contains("lib/Grafana/11.3.0"),
        "{}",
        agents[0]
    );
}
