//! Load: many QueryData, CheckHealth and CallResource requests at concurrency 64 over several
//! data sources with different IAM users. Zero unexpected errors, no crossed credentials or
//! lookups, flat memory in the second half, no file-descriptor growth.
//!
//! `make test` runs a short variant (2,000 requests); `make load` the full 10,000
//! (STRATUS_LOAD_REQUESTS).

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use futures::StreamExt;
use grafana_current::pluginv2::{
    self, data_client::DataClient, diagnostics_client::DiagnosticsClient,
    resource_client::ResourceClient,
};
use serde_json::json;

const SOURCES: usize = 4;
const CONCURRENCY: usize = 64;

fn proc_value(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn fd_count(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| d.count())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn load_over_several_data_sources() {
    let total: usize = std::env::var("STRATUS_LOAD_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let moto = Moto::start();
    let users: Vec<_> = (0..SOURCES)
        .map(|i| json!({ "name": format!("team{i}") }))
        .collect();
    let seeded = moto.seed(json!({ "users": users }));
    let plugin = Plugin::start(&[]);
    let pid = plugin.pid();
    let contexts: Vec<pluginv2::PluginContext> = (0..SOURCES)
        .map(|i| {
            let k = keys(&seeded["users"][format!("team{i}")]);
            let mut jd = json_data("keys", &moto.endpoint);
            jd["customMetricsNamespaces"] = json!(format!("Team{i}/App"));
            ds(&format!("ds-team{i}"), jd, &secure(&k))
        })
        .collect();
    let channel = plugin.channel().await;

    // Sample RSS (KiB) and open descriptors while the load runs.
    let samples: Arc<Mutex<Vec<(f64, u64, usize)>>> = Arc::default();
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let progress = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (samples, done, progress) = (samples.clone(), done.clone(), progress.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                let p = progress.load(Ordering::Relaxed) as f64 / total as f64;
                samples
                    .lock()
                    .unwrap()
                    .push((p, proc_value(pid, "VmRSS:"), fd_count(pid)));
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };

    let started = Instant::now();
    let errors: Arc<Mutex<Vec<String>>> = Arc::default();
    futures::stream::iter(0..total)
        .for_each_concurrent(CONCURRENCY, |n| {
            let (channel, errors, progress) = (channel.clone(), errors.clone(), progress.clone());
            let i = n % SOURCES;
            let ctx = contexts[i].clone();
            async move {
                let problem = match n % 10 {
                    0 => {
                        let resp = DiagnosticsClient::new(channel)
                            .check_health(pluginv2::CheckHealthRequest { plugin_context: Some(ctx), headers: HashMap::new() })
                            .await
                            .unwrap()
                            .into_inner();
                        let arn = details(&resp)["arn"].as_str().unwrap_or_default().to_string();
                        (!arn.ends_with(&format!(":user/team{i}"))).then(|| format!("health {n}: {arn} {}", resp.message))
                    }
                    1 => {
                        let mut stream = ResourceClient::new(channel)
                            .call_resource(pluginv2::CallResourceRequest {
                                plugin_context: Some(ctx),
                                path: "namespaces".into(),
                                method: "GET".into(),
                                url: "namespaces".into(),
                                ..Default::default()
                            })
                            .await
                            .unwrap()
                            .into_inner();
                        let body = String::from_utf8(stream.message().await.unwrap().unwrap().body.to_vec()).unwrap();
                        let mine = body.contains(&format!("Team{i}/App"));
                        let others = (0..SOURCES).filter(|j| *j != i).any(|j| body.contains(&format!("Team{j}/App")));
                        (!mine || others).then(|| format!("namespaces {n} of team{i}: {body}"))
                    }
                    _ => {
                        let now = now_ms();
                        let q = data_query("A", json!({ "namespace": "AWS/EC2", "metricName": "CPUUtilization", "dimensions": { "InstanceId": format!("i-{n}") }, "period": "60" }), now - 600_000, now);
                        let resp = DataClient::new(channel)
                            .query_data(pluginv2::QueryDataRequest { plugin_context: Some(ctx), queries: vec![q], ..Default::default() })
                            .await
                            .unwrap()
                            .into_inner();
                        let e = &resp.responses["A"].error;
                        (!e.is_empty()).then(|| format!("query {n}: {e}"))
                    }
                };
                if let Some(p) = problem {
                    errors.lock().unwrap().push(p);
                }
                progress.fetch_add(1, Ordering::Relaxed);
            }
        })
        .await;
    let elapsed = started.elapsed();
    done.store(true, Ordering::Relaxed);
    sampler.await.unwrap();

    let errors = errors.lock().unwrap();
    assert!(
        errors.is_empty(),
        "{} unexpected errors, first: {:?}",
        errors.len(),
        errors.iter().take(3).collect::<Vec<_>>()
    );
    let samples = samples.lock().unwrap();
    let second_half: Vec<u64> = samples.iter().filter(|s| s.0 >= 0.5).map(|s| s.1).collect();
    let (lo, hi) = (
        *second_half.iter().min().unwrap(),
        *second_half.iter().max().unwrap(),
    );
    let fds_quarter = samples.iter().find(|s| s.0 >= 0.25).map(|s| s.2).unwrap();
    let fds_end = samples.last().unwrap().2;
    eprintln!(
        "load: {total} requests, concurrency {CONCURRENCY}, {SOURCES} data sources, {:.1} s, {:.0} req/s; RSS second half {lo}-{hi} KiB; fds {fds_quarter} at 25% -> {fds_end} at end",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
    // Flat: the second half varies by at most 10% (allocator noise), it does not climb.
    assert!(
        hi - lo <= lo / 10,
        "RSS in the second half went from {lo} to {hi} KiB"
    );
    assert!(
        fds_end <= fds_quarter + 4,
        "descriptors grew from {fds_quarter} to {fds_end}"
    );
}
