//! The system benchmarks, run by `make bench` after the micro benchmarks:
//! - macro: the release binary, started as Grafana starts it, answering a 100-query dashboard
//!   (24 h at 60 s) against a local responder that replays GetMetricData answers recorded
//!   from moto;
//! - economy: AWS calls counted at the proxy in front of moto;
//! - process: start-up, memory and size.
//!
//! It writes `bench/results.md` (with the micro benchmarks' criterion estimates and the floors)
//! and exits 1 when an economy figure exceeds its floor. `-- --record` re-records the answers;
//! `-- --macro-only` and `-- --cpu-only` print a subset on stderr, for iterating.

#[path = "../tests/common/mod.rs"]
mod common;
mod support;

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{data_query, keys, secure, MissingApis, Moto, Plugin, Proxy, Replay};
use grafana_current::pluginv2::{self, data_client::DataClient};
use serde_json::{json, Value};

/// Refreshes measured one at a time (CPU per refresh comes from these); at higher
/// concurrency each dashboard refreshes this many times divided by the concurrency, at least 4.
const REFRESHES_AT_ONE: usize = 100;
const WARM_UP_REFRESHES: usize = 10;
const CONCURRENCY: [usize; 3] = [1, 8, 64];
const ECONOMY_SIZES: [usize; 4] = [10, 100, 600, 1_200];
const ROLE_REFRESHES: usize = 1_000;
const LOOKUPS: usize = 100;
/// Loads of the variables dashboard within one lookup TTL.
const DASHBOARD_LOADS: usize = 20;
/// Alarms on the annotated metric.
const ALARMS: usize = 5;
const HANDSHAKES: usize = 20;

/// One line of the results table.
struct Row {
    figure: String,
    value: String,
    floor: String,
    ratio: Option<f64>,
    target: String,
    /// `Some(false)` when the figure misses its target.
    met: Option<bool>,
}

impl Row {
    fn new(figure: impl Into<String>, value: impl Into<String>) -> Row {
        Row {
            figure: figure.into(),
            value: value.into(),
            floor: String::new(),
            ratio: None,
            target: String::new(),
            met: None,
        }
    }

    fn floor(mut self, floor: impl Into<String>, ratio: f64) -> Row {
        self.floor = floor.into();
        self.ratio = Some(ratio);
        self
    }

    fn target(mut self, target: impl Into<String>, met: bool) -> Row {
        self.target = target.into();
        self.met = Some(met);
        self
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// A `/proc/<pid>/status` figure in bytes (VmRSS, VmHWM).
fn proc_status_bytes(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| {
            l.strip_prefix(key)?
                .trim_start_matches(':')
                .split_whitespace()
                .next()
        })
        .and_then(|v| v.parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .unwrap_or_else(|| panic!("{key} in /proc/{pid}/status"))
}

/// The CPU clock of another process: user + system time of all its threads, in nanoseconds.
fn cpu_clock(pid: u32) -> libc::clockid_t {
    let mut clock: libc::clockid_t = 0;
    // SAFETY: clock_getcpuclockid only writes the clock id it is given.
    let rc = unsafe { libc::clock_getcpuclockid(pid as libc::pid_t, &mut clock) };
    assert_eq!(rc, 0, "clock_getcpuclockid({pid})");
    clock
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpu
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|m| m.trim_start_matches([' ', '\t', ':']).trim().to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0);
    format!("{cores} cores, {mem:.0} GiB, {model}")
}

/// Where criterion keeps its estimates (the Makefile sets CRITERION_HOME).
fn criterion_home() -> PathBuf {
    std::env::var_os("CRITERION_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| support::repo_path("target/criterion"))
}

/// A criterion benchmark's median and its record, from this run of `make bench`.
fn criterion(id: &str) -> (Duration, Value) {
    let dir = criterion_home().join(id).join("new");
    let read = |file: &str| -> Value {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run `make bench` (the micro benchmarks run first)",
                path.display()
            )
        });
        serde_json::from_str(&text).unwrap()
    };
    let median = read("estimates.json")["median"]["point_estimate"]
        .as_f64()
        .unwrap();
    (
        Duration::from_secs_f64(median / 1e9),
        read("benchmark.json"),
    )
}

fn dashboard(n: usize) -> Vec<pluginv2::DataQuery> {
    support::targets(n)
        .iter()
        .map(|t| {
            data_query(
                &t.ref_id,
                support::query_json(t),
                support::FROM_MS,
                support::TO_MS,
            )
        })
        .collect()
}

fn keys_ds(uid: &str, endpoint: &str, extra: Value, user: &Value) -> pluginv2::PluginContext {
    let mut json_data = common::json_data("keys", endpoint);
    json_data
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().cloned().unwrap_or_default());
    let pairs = keys(user);
    common::ds(uid, json_data, &secure(&pairs))
}

/// One refresh: every query answered with data; returns the round trip.
async fn refresh(
    client: &mut DataClient<tonic::transport::Channel>,
    ctx: &pluginv2::PluginContext,
    queries: &[pluginv2::DataQuery],
    points: bool,
) -> (Duration, pluginv2::QueryDataResponse) {
    let started = Instant::now();
    let resp = client
        .query_data(pluginv2::QueryDataRequest {
            plugin_context: Some(ctx.clone()),
            queries: queries.to_vec(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let took = started.elapsed();
    assert_eq!(resp.responses.len(), queries.len(), "a response per query");
    for (ref_id, r) in &resp.responses {
        assert!(r.error.is_empty(), "{ref_id}: {}", r.error);
        assert_eq!(r.frames.len(), 1, "{ref_id}: one series");
        // A frame with no points is about 2.7 KB of schema; a day of minutes is far more.
        assert!(
            !points || r.frames[0].len() > 20_000,
            "{ref_id}: a day of points"
        );
    }
    (took, resp)
}

struct Macro {
    /// Median over the sequential refreshes, like criterion's median for the floor.
    cpu_per_refresh: Duration,
    cpu_mean: Duration,
    /// The floor, measured between those refreshes (median): the SDK's own GetMetricData
    /// sending the plugin's request to the same responder over loopback, as the plugin does.
    floor: Duration,
    /// The SDK's GetMetricData over the answer in memory, no network (median).
    decode_floor: Duration,
    latencies: Vec<(usize, Duration, Duration, f64)>,
    rss_idle: u64,
    rss_after: u64,
    rss_peak: u64,
    /// VmRSS 10 s after the last (64-concurrent) burst ended.
    rss_settled: u64,
    /// Of it, pages mapped from files (the binary's code and data, libraries): RssFile.
    rss_settled_file: u64,
}

/// A current-thread runtime for floor calls. Leaked: a runtime cannot be dropped inside the
/// benchmark's async code, and the process ends soon after.
fn floor_runtime() -> &'static tokio::runtime::Runtime {
    Box::leak(Box::new(
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
    ))
}

/// One floor call run on `rt` from a blocking thread: all its work, the SDK's connection
/// tasks included, is that thread's CPU time (like criterion's floor in benches/micro.rs).
async fn thread_cpu_of<T: Send + 'static>(
    rt: &'static tokio::runtime::Runtime,
    work: impl std::future::Future<Output = T> + Send + 'static,
) -> (Duration, T) {
    tokio::task::spawn_blocking(move || {
        let started = support::thread_cpu_ns();
        let out = rt.block_on(work);
        (
            Duration::from_nanos(support::thread_cpu_ns() - started),
            out,
        )
    })
    .await
    .unwrap()
}

/// The two GetMetricData floors after one refresh: over loopback, then from memory.
async fn floors(
    rt: &'static tokio::runtime::Runtime,
    network: &aws_sdk_cloudwatch::Client,
    request: &Arc<bytes::Bytes>,
    memory: &aws_sdk_cloudwatch::Client,
) -> (Duration, Duration) {
    let (network, request, memory) = (network.clone(), request.clone(), memory.clone());
    let over_wire = thread_cpu_of(rt, async move {
        support::sdk_call_sending(&network, &request).await;
    });
    let from_memory = thread_cpu_of(rt, async move {
        support::sdk_call(&memory).await;
    });
    (over_wire.await.0, from_memory.await.0)
}

async fn macro_run(env: &[(&str, &str)], concurrency: &[usize]) -> Macro {
    let endpoint = Replay::start(support::answers()).await.endpoint;
    let plugin = Plugin::start(env);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_idle = proc_status_bytes(plugin.pid(), "VmRSS");
    let user =
        json!({ "access_key_id": "AKIABENCHBENCHBENCH1", "secret_access_key": "bench-secret" });
    let ctx = keys_ds("bench", &endpoint, json!({}), &user);
    let queries = dashboard(100);
    let mut client = DataClient::new(plugin.channel().await).max_decoding_message_size(usize::MAX);

    // The first answer, read with arrow-rs's own reader, holds the recorded day.
    let (_, first) = refresh(&mut client, &ctx, &queries, true).await;
    let frame = common::decode(&first.responses["A"].frames[0]);
    assert_eq!(frame.times_ms.len(), support::POINTS);
    assert!(
        frame.times_ms[0] >= support::FROM_MS
            && frame.times_ms[support::POINTS - 1] < support::TO_MS
    );
    for _ in 1..WARM_UP_REFRESHES {
        refresh(&mut client, &ctx, &queries, true).await;
    }

    let mut latencies = Vec::new();
    let clock = cpu_clock(plugin.pid());
    let rt = floor_runtime();
    let floor_clients = (
        support::network_client(&endpoint),
        Arc::new(support::recorded_exchange().request_bytes()),
        support::recorded_client(),
    );
    let mut cpu_per_refresh = Vec::new();
    let mut paired_floor = Vec::new();
    let mut paired_decode_floor = Vec::new();
    for &c in concurrency {
        let per_worker = (REFRESHES_AT_ONE / c).max(4);
        let started = Instant::now();
        let workers: Vec<_> = (0..c)
            .map(|_| {
                let mut client = client.clone();
                let ctx = ctx.clone();
                let queries = queries.clone();
                // Alone, each refresh is paired with one floor call right after it, so both
                // see the same machine (this VM's speed drifts by a few percent).
                let floor_clients = (c == 1).then(|| floor_clients.clone());
                tokio::spawn(async move {
                    let mut took = Vec::new();
                    for _ in 0..per_worker {
                        let cpu = support::cpu_clock_time(clock);
                        let latency = refresh(&mut client, &ctx, &queries, true).await.0;
                        let cpu = support::cpu_clock_time(clock) - cpu;
                        let floor = match &floor_clients {
                            Some((network, request, memory)) => {
                                Some(floors(rt, network, request, memory).await)
                            }
                            None => None,
                        };
                        took.push((latency, cpu, floor));
                    }
                    took
                })
            })
            .collect();
        let mut all: Vec<Duration> = Vec::new();
        for w in workers {
            for (latency, cpu, floor) in w.await.unwrap() {
                all.push(latency);
                if let Some((floor, decode_floor)) = floor {
                    cpu_per_refresh.push(cpu);
                    paired_floor.push(floor);
                    paired_decode_floor.push(decode_floor);
                }
            }
        }
        // Alone, the paired floor calls run between the refreshes: count only the refreshes.
        let busy = if c == 1 {
            all.iter().sum()
        } else {
            started.elapsed()
        };
        all.sort();
        let rps = all.len() as f64 / busy.as_secs_f64();
        latencies.push((c, percentile(&all, 0.5), percentile(&all, 0.99), rps));
    }
    let mean = cpu_per_refresh.iter().sum::<Duration>() / cpu_per_refresh.len() as u32;
    cpu_per_refresh.sort();
    paired_floor.sort();
    paired_decode_floor.sort();
    let rss_after = proc_status_bytes(plugin.pid(), "VmRSS");
    tokio::time::sleep(Duration::from_secs(10)).await;
    Macro {
        rss_settled: proc_status_bytes(plugin.pid(), "VmRSS"),
        rss_settled_file: proc_status_bytes(plugin.pid(), "RssFile"),
        cpu_per_refresh: percentile(&cpu_per_refresh, 0.5),
        cpu_mean: mean,
        floor: percentile(&paired_floor, 0.5),
        decode_floor: percentile(&paired_decode_floor, 0.5),
        latencies,
        rss_idle,
        rss_after,
        rss_peak: proc_status_bytes(plugin.pid(), "VmHWM"),
    }
}

struct Economy {
    get_metric_data: Vec<(usize, u64, u64)>,
    assume_role: (u64, u64),
    list_metrics: (u64, u64),
    /// AWS lookups for the variables dashboard's loads, and its variable count per TTL.
    variable_lookups: (u64, u64),
    /// DescribeAlarmsForMetric + DescribeAlarmHistory for one annotation, and Grafana's count.
    annotation_calls: (u64, u64),
    /// StartQuery calls for logs panels refreshed, and the panels.
    logs_starts: (u64, u64),
    /// GetQueryResults calls for a query that completes after T seconds, by T.
    logs_polls: Vec<(u64, u64)>,
    /// StopQuery calls, and the queries timed out or cancelled.
    logs_stops: (u64, u64),
    /// Plugin CPU per refresh of a 10,000-row logs panel, and the SDK's GetQueryResults alone.
    logs_cpu: (Duration, Duration),
}

/// Seconds after which the benchmark's Logs Insights queries complete.
const LOGS_DURATIONS: [u64; 3] = [1, 5, 30];

/// StartQuery, GetQueryResults and StopQuery for logs panels, counted by the fixture that
/// scripts how long each query runs: one panel per duration, then queries that never finish,
/// stopped at logsTimeout or when Grafana cancels the request.
async fn logs_economy(
    client: &mut DataClient<tonic::transport::Channel>,
    apis: &MissingApis,
    user: &Value,
    now_s: i64,
) -> ((u64, u64), Vec<(u64, u64)>, (u64, u64)) {
    let mut scripts: Vec<Value> = LOGS_DURATIONS
        .iter()
        .map(|t| {
            json!({"match": format!("bench-after-{t}s"), "complete_after_s": t,
            "results": [[["@timestamp", "2026-01-01 00:00:00.000"], ["@message", "done"]]]})
        })
        .collect();
    scripts.push(json!({"match": "bench-forever", "statuses": ["Running"]}));
    apis.logs(&json!({ "scripts": scripts }));
    let logs = |expr: String| json!({"queryMode": "Logs", "expression": expr, "logGroupNames": ["/bench"], "region": "default"});
    let range = ((now_s - 3600) * 1000, now_s * 1000);
    let ctx = keys_ds("economy-logs", &apis.endpoint, json!({}), user);
    let count = |action: &str| apis.counts().get(action).copied().unwrap_or(0);
    let mut polls = Vec::new();
    for t in LOGS_DURATIONS {
        let before = count("GetQueryResults");
        let q = data_query(
            "L",
            logs(format!("fields @message | filter bench-after-{t}s")),
            range.0,
            range.1,
        );
        let (_, resp) = refresh(client, &ctx, &[q], false).await;
        assert_eq!(
            common::decode_table(&resp.responses["L"].frames[0])
                .field("@message")
                .values
                .len(),
            1
        );
        polls.push((t, count("GetQueryResults") - before));
    }
    let starts = (count("StartQuery"), LOGS_DURATIONS.len() as u64);
    // Three queries past a 2 s logsTimeout, then two requests Grafana gives up on.
    let short = keys_ds(
        "economy-logs-timeout",
        &apis.endpoint,
        json!({"logsTimeout": "2s"}),
        user,
    );
    let forever: Vec<pluginv2::DataQuery> = ["A", "B", "C"]
        .iter()
        .map(|id| {
            data_query(
                id,
                logs("fields @message | filter bench-forever".into()),
                range.0,
                range.1,
            )
        })
        .collect();
    refresh(client, &short, &forever, false).await;
    for _ in 0..2 {
        let q = [data_query(
            "X",
            logs("fields @message | filter bench-forever".into()),
            range.0,
            range.1,
        )];
        let call = refresh(client, &ctx, &q, false);
        assert!(tokio::time::timeout(Duration::from_secs(1), call)
            .await
            .is_err());
    }
    // The cancelled requests' queries are stopped in the background.
    let mut stops = 0;
    for _ in 0..50 {
        stops = count("StopQuery");
        if stops >= 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (starts, polls, (stops, 5))
}

/// The logs panel whose plugin CPU is measured, as bench/record_logs.py recorded it.
const LOGS_PANEL: &str =
    "fields @timestamp, @message, @logStream, @log | sort @timestamp desc | limit 10000";
const LOGS_ROWS: usize = 10_000;
const LOGS_REFRESHES: usize = 20;

/// Plugin CPU per refresh of a logs panel of 10,000 rows (the fixture serves moto's recorded
/// rows), each refresh followed by the floor; medians of both.
async fn logs_cpu(
    client: &mut DataClient<tonic::transport::Channel>,
    apis: &MissingApis,
    user: &Value,
    plugin_pid: u32,
    now_s: i64,
) -> (Duration, Duration) {
    let recorded: Value = serde_json::from_slice(&support::logs_answer()).unwrap();
    let rows: Vec<Value> = recorded["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            row.as_array()
                .unwrap()
                .iter()
                .map(|f| json!([f["field"], f["value"]]))
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), LOGS_ROWS);
    apis.logs(&json!({ "scripts": [{ "match": LOGS_PANEL, "results": rows }] }));
    let ctx = keys_ds("logs-cpu", &apis.endpoint, json!({}), user);
    let q = [data_query(
        "L",
        json!({"queryMode": "Logs", "expression": LOGS_PANEL, "logGroupNames": ["/bench/app"], "region": "default"}),
        (now_s - 86_400) * 1000,
        now_s * 1000,
    )];
    let (_, first) = refresh(client, &ctx, &q, false).await;
    let table = common::decode_table(&first.responses["L"].frames[0]);
    assert_eq!(table.field("@message").values.len(), LOGS_ROWS);
    let clock = cpu_clock(plugin_pid);
    let floor_client = support::recorded_logs_client();
    let rt = floor_runtime();
    let mut cpu = Vec::new();
    let mut floor = Vec::new();
    for _ in 0..LOGS_REFRESHES {
        let before = support::cpu_clock_time(clock);
        refresh(client, &ctx, &q, false).await;
        cpu.push(support::cpu_clock_time(clock) - before);
        let client = floor_client.clone();
        let (took, rows) = thread_cpu_of(rt, async move {
            let out = client.get_query_results().query_id("bench").send().await;
            out.unwrap().results().len()
        })
        .await;
        assert_eq!(rows, LOGS_ROWS);
        floor.push(took);
    }
    cpu.sort();
    floor.sort();
    (percentile(&cpu, 0.5), percentile(&floor, 0.5))
}

/// The logs panel figure on its own, against moto behind the missing-APIs fixture.
async fn logs_alone() -> (Duration, Duration) {
    let moto = Moto::start();
    let seeded = moto.seed(support::seed_spec(&support::targets(1)));
    let apis = MissingApis::start(&moto.endpoint);
    let plugin = Plugin::start(&[]);
    let mut client = DataClient::new(plugin.channel().await).max_decoding_message_size(usize::MAX);
    let now_s = common::now_ms() / 1000;
    logs_cpu(
        &mut client,
        &apis,
        &seeded["users"]["bench"],
        plugin.pid(),
        now_s,
    )
    .await
}

/// The variables of the corpus's heaviest dashboard (seven: the regions and six dimension
/// values of one namespace), written in its legacy form over this benchmark's own metrics.
fn variables_dashboard() -> Vec<Value> {
    let mut vars = vec![json!({"query": "regions()"})];
    vars.extend(CLUSTER_METRICS.iter().map(|(metric, key)| {
        json!({ "query": format!("dimension_values(us-east-1,Bench/Cluster,{metric},{key})") })
    }));
    vars
}

/// The variables dashboard's metrics and the dimension each variable lists.
const CLUSTER_METRICS: [(&str, &str); 6] = [
    ("cluster_node_count", "ClusterName"),
    ("namespace_running_pods", "Namespace"),
    ("node_cpu_reserved", "NodeName"),
    ("pod_cpu_reserved", "PodName"),
    ("node_memory_reserved", "InstanceId"),
    ("service_running_pods", "Service"),
];

/// Metrics for the variables and alarms for the annotation.
fn lookup_spec(now_s: i64) -> (Vec<Value>, Vec<Value>) {
    let metrics = CLUSTER_METRICS
        .iter()
        .flat_map(|(metric, key)| {
            (0..3).map(move |i| {
                json!({"namespace": "Bench/Cluster", "name": metric,
                    "dimensions": {"ClusterName": "c1", *key: format!("{key}-{i}")},
                    "points": [[now_s - 600, 1.0]]})
            })
        })
        .collect();
    let alarms = (0..ALARMS)
        .map(|i| {
            json!({"name": format!("bench-alarm-{i}"), "namespace": "Bench/Cluster",
                "metric": "cluster_node_count", "dimensions": {"ClusterName": "c1"},
                "statistic": "Average", "period": 300})
        })
        .collect();
    (metrics, alarms)
}

async fn economy() -> Economy {
    let moto = Moto::start();
    let mut spec = support::seed_spec(&support::targets(4));
    // A few points are enough: the calls are counted, and moto's cost grows with its points.
    for m in spec["metrics"].as_array_mut().unwrap() {
        m["points"].as_array_mut().unwrap().truncate(30);
    }
    spec["roles"] = json!([{ "name": "BenchReader", "trusted_user": "bench" }]);
    let now_s = common::now_ms() / 1000;
    let (lookup_metrics, alarms) = lookup_spec(now_s);
    spec["metrics"]
        .as_array_mut()
        .unwrap()
        .extend(lookup_metrics);
    spec["alarms"] = Value::Array(alarms);
    let seeded = moto.seed(spec);
    let user = &seeded["users"]["bench"];
    let role = seeded["roles"]["BenchReader"]["arn"].as_str().unwrap();
    let proxy = Proxy::start(&moto.endpoint);
    let plugin = Plugin::start(&[]);
    let channel = plugin.channel().await;
    let mut client = DataClient::new(channel.clone()).max_decoding_message_size(usize::MAX);

    let ctx = keys_ds("economy", &proxy.endpoint, json!({}), user);
    let mut get_metric_data = Vec::new();
    for n in ECONOMY_SIZES {
        proxy.reset();
        refresh(&mut client, &ctx, &dashboard(n), false).await;
        get_metric_data.push((n, proxy.count("GetMetricData"), n.div_ceil(500) as u64));
    }

    // 1,000 refreshes of an assume-role data source, 8 at a time, as dashboards refresh.
    proxy.reset();
    let role_ctx = keys_ds(
        "economy-role",
        &proxy.endpoint,
        json!({ "assumeRoleArn": role }),
        user,
    );
    let started = Instant::now();
    let one = dashboard(1);
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let (mut client, ctx, one) = (client.clone(), role_ctx.clone(), one.clone());
            tokio::spawn(async move {
                for _ in 0..ROLE_REFRESHES / 8 {
                    refresh(&mut client, &ctx, &one, false).await;
                }
            })
        })
        .collect();
    for w in workers {
        w.await.unwrap();
    }
    // Grafana's default session duration (AWS_AUTH_SESSION_DURATION) is 15 minutes.
    let lifetimes = started.elapsed().as_secs().div_ceil(15 * 60).max(1);
    let assume_role = (proxy.count("AssumeRole"), lifetimes);

    // 100 identical editor lookups, 10 at a time (panels and variables loading together).
    proxy.reset();
    let started = Instant::now();
    let path = "dimension-values?region=us-east-1&namespace=AWS%2FEC2&metricName=CPUUtilization&dimensionKey=InstanceId";
    for _ in 0..LOOKUPS / 10 {
        let wave: Vec<_> = (0..10)
            .map(|_| {
                let ctx = ctx.clone();
                let channel = channel.clone();
                tokio::spawn(async move { common::resource_on(channel, ctx, path).await })
            })
            .collect();
        for w in wave {
            let (code, body) = w.await.unwrap();
            assert_eq!(code, 200, "{body}");
            assert!(body.to_string().contains("i-0b5e"), "{body}");
        }
    }
    let ttls = started
        .elapsed()
        .as_secs()
        .div_ceil(stratus::resources::cache::LOOKUP_TTL.as_secs())
        .max(1);
    let list_metrics = (proxy.count("ListMetrics"), ttls);

    // The variables dashboard loaded again and again, each load's variables together (Grafana
    // asks for each variable on its own, at once).
    proxy.reset();
    let started = Instant::now();
    let vars = variables_dashboard();
    let var_ctx = keys_ds("economy-variables", &proxy.endpoint, json!({}), user);
    for _ in 0..DASHBOARD_LOADS {
        let load: Vec<_> = vars
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let (mut client, ctx) = (client.clone(), var_ctx.clone());
                let q = data_query(&format!("V{i}"), v.clone(), 0, 0);
                tokio::spawn(async move {
                    let resp = client
                        .query_data(pluginv2::QueryDataRequest {
                            plugin_context: Some(ctx),
                            queries: vec![q],
                            ..Default::default()
                        })
                        .await
                        .unwrap()
                        .into_inner();
                    let r = resp.responses.values().next().unwrap().clone();
                    assert!(r.error.is_empty(), "{}", r.error);
                    common::variable_options(&r.frames[0]).len()
                })
            })
            .collect();
        for l in load {
            assert!(l.await.unwrap() > 0, "every variable has options");
        }
    }
    let ttls = started
        .elapsed()
        .as_secs()
        .div_ceil(stratus::resources::cache::LOOKUP_TTL.as_secs())
        .max(1);
    let lookups: u64 = [
        "ListMetrics",
        "DescribeRegions",
        "DescribeInstances",
        "GetResources",
    ]
    .iter()
    .map(|a| proxy.count(a))
    .sum();
    let variable_lookups = (lookups, vars.len() as u64 * ttls);

    // One annotation over a metric with several alarms, each changing state in the range.
    let apis = MissingApis::start(&proxy.endpoint);
    let history: Vec<Value> = (0..ALARMS)
        .flat_map(|i| {
            [(1800, "OK to ALARM"), (1200, "ALARM to OK")].map(|(ago, change)| {
                let at = aws_smithy_types::DateTime::from_secs(now_s - ago);
                json!({"AlarmName": format!("bench-alarm-{i}"), "HistoryItemType": "StateUpdate",
                    "HistorySummary": format!("Alarm updated from {change}"),
                    "Timestamp": at.fmt(aws_smithy_types::date_time::Format::DateTime).unwrap()})
            })
        })
        .collect();
    apis.history(&Value::Array(history));
    proxy.reset();
    let anno_ctx = keys_ds("economy-annotations", &apis.endpoint, json!({}), user);
    let anno = json!({"queryMode": "Annotations", "region": "default", "namespace": "Bench/Cluster",
        "metricName": "cluster_node_count", "dimensions": {"ClusterName": "c1"},
        "statistic": "Average", "period": "300"});
    let (_, resp) = refresh(
        &mut client,
        &anno_ctx,
        &[data_query(
            "Anno",
            anno,
            (now_s - 3600) * 1000,
            now_s * 1000,
        )],
        false,
    )
    .await;
    let rows = common::annotations(&resp.responses["Anno"].frames[0]).len();
    assert_eq!(rows, 2 * ALARMS, "every alarm's changes are annotations");
    let annotation_calls = (
        proxy.count("DescribeAlarmsForMetric") + proxy.count("DescribeAlarmHistory"),
        1 + ALARMS as u64,
    );
    let (logs_starts, logs_polls, logs_stops) = logs_economy(&mut client, &apis, user, now_s).await;
    let logs_cpu = logs_cpu(&mut client, &apis, user, plugin.pid(), now_s).await;

    Economy {
        get_metric_data,
        assume_role,
        list_metrics,
        variable_lookups,
        annotation_calls,
        logs_starts,
        logs_polls,
        logs_stops,
        logs_cpu,
    }
}

struct Process {
    handshake_median: Duration,
    handshake_max: Duration,
    size: u64,
}

fn process() -> Process {
    let mut times: Vec<Duration> = (0..HANDSHAKES)
        .map(|_| Plugin::start(&[]).handshake)
        .collect();
    times.sort();
    Process {
        handshake_median: percentile(&times, 0.5),
        handshake_max: *times.last().unwrap(),
        size: std::fs::metadata(env!("CARGO_BIN_EXE_gpx_stratus"))
            .unwrap()
            .len(),
    }
}

/// Records moto's answer to the dashboard's GetMetricData request (see bench/record.py) in
/// awsQuery XML, which the wire benchmark's XML side decodes and the CBOR twin is made from.
async fn record() {
    let moto = Moto::start();
    let seeded = moto.seed(json!({ "users": [{ "name": "bench" }] }));
    let file = tempfile::NamedTempFile::new().unwrap();
    let proxy = Proxy::recording(&moto.endpoint, file.path());
    let plugin = Plugin::start(&[]);
    let ctx = keys_ds(
        "bench",
        &proxy.endpoint,
        json!({}),
        &seeded["users"]["bench"],
    );
    let mut client = DataClient::new(plugin.channel().await).max_decoding_message_size(usize::MAX);
    refresh(&mut client, &ctx, &dashboard(100), false).await;
    let text = std::fs::read_to_string(file.path()).unwrap();
    let exchange: Value = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|e| e["action"] == "GetMetricData")
        .expect("the plugin's GetMetricData request");

    moto.allow_unsigned(1_000_000);
    let metrics = support::seed_spec(&support::targets(100))["metrics"].clone();
    let mut cmd = std::process::Command::new(common::python());
    cmd.arg(support::repo_path("bench/record.py"))
        .arg(&moto.endpoint);
    let filled = common::json_script(cmd, &json!({ "exchange": exchange, "metrics": metrics }));

    let out = support::repo_path(support::XML_RECORDING);
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&out).unwrap(),
        flate2::Compression::best(),
    );
    std::io::Write::write_all(&mut gz, format!("{filled}\n").as_bytes()).unwrap();
    gz.finish().unwrap();

    // `make bench-record` then writes its CBOR twin (`make bench-twin`), which
    // tests/queries.rs checks answers the plugin's request.
    eprintln!("recorded {}", out.display());

    let status = std::process::Command::new(common::python())
        .arg(support::repo_path("bench/record_logs.py"))
        .arg(&moto.endpoint)
        .arg(support::repo_path(support::LOGS_RECORDING))
        .status()
        .unwrap();
    assert!(status.success(), "bench/record_logs.py failed");
}

const METHOD: &str = "
How each figure is measured:
- Micro figures are criterion medians (benches/micro.rs): the frames, SDK floor and memcpy
  in thread CPU time (as the plugin's CPU is measured), the others in wall time. The SDK floor
  is aws-sdk-cloudwatch's own GetMetricData call answered in-process with the recorded bytes:
  signing the request and deserializing the 2.7 MB CBOR answer (100 series x 1,440 points), no
  network. The memcpy floor copies the encoded frames' bytes.
- Wire figures come from bench/wire/ (`make bench-wire`), two crates of their own because one
  build cannot hold two 1.x versions of aws-sdk-cloudwatch. The XML side is 1.99.0 (awsQuery,
  the protocol Stratus spoke before the move), decoding moto's recorded GetMetricData answer;
  it exports the series it decoded.
  The CBOR side is the current SDK decoding the same series, encoded by the SDK's own CBOR
  encoder (aws-smithy-cbor, timestamps as it writes them: tag 1, epoch seconds as doubles) in
  the GetMetricData output shape; it first checks that it decodes exactly the XML side's ids,
  timestamps and values. Each is the SDK's whole call answered in-process (signing, reading,
  deserializing), in thread CPU time, 20 calls per round, 5 alternating rounds; medians.
- The macro run starts the release binary as Grafana does (environment, handshake line, gRPC) and
  sends QueryData for the 100-query dashboard (24 h at 60 s) over one gRPC connection. A local
  responder answers GetMetricData from memory with moto's recorded answer in CBOR
  (bench/recordings/: the twin of moto's XML answer, encoded by the SDK's own encoder, keyed by
  the plugin's CBOR request), so the whole round trip is the plugin's (plus loopback transfer).
  CPU per refresh is the process's user + system time (all threads, its CPU clock) across each
  of the sequential refreshes. Each refresh is followed by the floor calls in the benchmark
  process (thread CPU time), so both are measured on the same machine at the same moments; the
  ratio is median over median. The floor is the SDK's own GetMetricData (its default HTTP
  client) sending the plugin's recorded request to the same responder over loopback: what any
  client pays to fetch and decode the answer, reading 2.7 MB off a socket included. Beside it,
  the SDK over the answer in memory (no socket) and criterion's floor from the micro run. The
  second row holds the same CPU against the XML SDK's decode of the same answer (wire): what
  the move to CBOR saved.
  p99 is held to 1.5x p50 at 64 concurrent: large answers take turns, first come first served.
- The logs panel figure is plugin CPU (its CPU clock) per refresh of one Logs Insights panel
  whose GetQueryResults answer is 10,000 rows recorded from moto (bench/record_logs.py: a day
  of request-log lines; moto writes @timestamp as epoch milliseconds, AWS as a date), served
  by tests/support/missing_apis.py; StartQuery, one GetQueryResults, the table frame and
  gRPC. Its floor is the SDK's GetQueryResults alone over the same recorded bytes, in the
  benchmark process between the refreshes (thread CPU time).
- Economy figures are AWS calls counted by tests/support/proxy.py in front of moto (auth mode,
  real SigV4 checks). Floors: ceil(n/500) GetMetricData calls for one region and time range; one
  AssumeRole per session lifetime (Grafana's default 15 minutes); one ListMetrics per lookup
  per 5-minute cache TTL; one AWS lookup (ListMetrics, DescribeRegions, DescribeInstances,
  GetResources) per template variable per TTL, for a dashboard shaped like the corpus's
  heaviest (regions() and six dimension_values, each load's variables asked at once). Alarm
  annotation calls are DescribeAlarmsForMetric plus DescribeAlarmHistory for one panel whose
  alarms all changed state in range (history from tests/support/missing_apis.py, which moto
  still authenticates); Grafana makes one history call per alarm. Logs Insights calls are
  counted at the same fixture, which scripts how long each query runs (moto answers every
  query Complete at once): StartQuery per logs panel, GetQueryResults for queries taking 1, 5
  and 30 s (Stratus's backoff against Grafana's one call a second), and StopQuery for three
  queries past a 2 s logsTimeout and two requests Grafana cancels.
- Handshake is exec to the handshake line on stdout; RSS is VmRSS (peak: VmHWM) from
  /proc/PID/status, read right after the macro run's last (64-concurrent) burst and again
  10 s later, with no request in between; size is the binary built with the release profile
  (stripped).
";

fn report(rows: &[(&str, Vec<Row>)], machine: &str) -> String {
    let mut md = String::from("# Stratus benchmark results\n\nWritten by `make bench` (benches/system.rs) from one run; the floors are measured in the same run.\n\n");
    let _ = writeln!(md, "Machine: {machine}.\n");
    md.push_str(
        "| Figure | Value | Floor | Ratio | Target | Machine |\n|---|---|---|---|---|---|\n",
    );
    for (section, rows) in rows {
        for r in rows {
            let ratio = r.ratio.map(|x| format!("{x:.2}x")).unwrap_or_default();
            let target = match r.met {
                Some(true) => format!("{} (met)", r.target),
                Some(false) => format!("{} (**missed**)", r.target),
                None => r.target.clone(),
            };
            let _ = writeln!(
                md,
                "| {section}: {} | {} | {} | {ratio} | {target} | {machine} |",
                r.figure, r.value, r.floor
            );
        }
    }
    md.push_str(METHOD);
    md
}

/// The plugin with every request's answer assembled and every large answer parsed as soon as
/// it arrives.
const UNGATED: [(&str, &str); 2] = [
    ("GF_PLUGIN_STRATUS_MAX_CONCURRENT_DECODES", "1000"),
    ("GF_PLUGIN_STRATUS_MAX_LARGE_ANSWERS", "1000"),
];

fn print_macro(m: &Macro) {
    for (c, p50, p99, rps) in &m.latencies {
        eprintln!(
            "{c} concurrent: p50 {} p99 {} ({rps:.1}/s)",
            ms(*p50),
            ms(*p99)
        );
    }
    eprintln!(
        "cpu/refresh {} (floor {}, {:.2}x; from memory {}, {:.2}x); RSS idle {}, after {}, peak {}, 10 s later {} (from files {})",
        ms(m.cpu_per_refresh),
        ms(m.floor),
        m.cpu_per_refresh.as_secs_f64() / m.floor.as_secs_f64(),
        ms(m.decode_floor),
        m.cpu_per_refresh.as_secs_f64() / m.decode_floor.as_secs_f64(),
        mb(m.rss_idle),
        mb(m.rss_after),
        mb(m.rss_peak),
        mb(m.rss_settled),
        mb(m.rss_settled_file)
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    if std::env::args().any(|a| a == "--record") {
        rt.block_on(record());
        return;
    }
    // Iterating on memory and latency: the macro run alone, beside its baseline with large
    // answers parsed all at once, figures on stderr, no results.md.
    if std::env::args().any(|a| a == "--macro-only") {
        for (name, env) in [
            ("baseline, nothing held back", &UNGATED[..]),
            ("as shipped", &[][..]),
        ] {
            eprintln!("{name}:");
            print_macro(&rt.block_on(macro_run(env, &CONCURRENCY)));
        }
        return;
    }
    // Iterating on CPU (or profiling the plugin): one refresh at a time, then the logs panel.
    if std::env::args().any(|a| a == "--cpu-only") {
        print_macro(&rt.block_on(macro_run(&[], &[1])));
        let (cpu, floor) = rt.block_on(logs_alone());
        eprintln!("logs panel cpu/refresh {} (floor {})", ms(cpu), ms(floor));
        return;
    }
    let machine = machine();
    // The wire benchmark's summary (make bench-wire), read before the long runs.
    let wire_path = std::env::var("STRATUS_WIRE")
        .expect("STRATUS_WIRE names the wire benchmark's summary: run `make bench`");
    let wire: Value = serde_json::from_slice(
        &std::fs::read(&wire_path).unwrap_or_else(|e| panic!("{wire_path}: {e}; run `make bench`")),
    )
    .unwrap();

    let (settings, _) = criterion("settings_parse");
    let (per_request, _) = criterion("per_request_policy_and_session_hit");
    let (planning, _) = criterion("parse_and_plan_100_queries");
    let (frames, _) = criterion("refresh/build_and_encode_frames");
    let (memcpy, memcpy_record) = criterion("refresh/memcpy_frame_bytes_floor");
    let (sdk, _) = criterion("refresh/sdk_get_metric_data_floor");
    let frame_bytes = memcpy_record["throughput"]["Bytes"].as_u64().unwrap_or(0);
    let micro = vec![
        Row::new(
            "parse a data source's settings",
            format!("{:.2} µs", settings.as_secs_f64() * 1e6),
        ),
        Row::new(
            "per request: parse settings, check policy, find cached session",
            format!("{:.2} µs", per_request.as_secs_f64() * 1e6),
        ),
        Row::new("parse and plan a 100-query dashboard", ms(planning)),
        Row::new(
            format!(
                "build and Arrow-encode 100 frames x 1,440 points ({})",
                mb(frame_bytes)
            ),
            ms(frames),
        )
        .floor(
            format!("memcpy of the frame bytes: {}", ms(memcpy)),
            frames.as_secs_f64() / memcpy.as_secs_f64(),
        ),
        Row::new(
            "AWS SDK alone: GetMetricData over the recorded answer (no network)",
            ms(sdk),
        ),
    ];

    eprintln!("process: {HANDSHAKES} starts");
    let p = process();
    eprintln!("macro: 100-query dashboard against the recorded answers");
    let m = rt.block_on(macro_run(&[], &CONCURRENCY));
    eprintln!("economy: calls counted in front of moto");
    let e = rt.block_on(economy());

    let mut macro_rows = vec![Row::new(
        format!("plugin CPU per refresh (100 queries, 144,000 points), median of {REFRESHES_AT_ONE} (mean)"),
        format!("{} ({})", ms(m.cpu_per_refresh), ms(m.cpu_mean)),
    )
    .floor(
        format!(
            "SDK GetMetricData alone, same request and responder, between the refreshes: {} (the answer from memory: {}, {:.2}x; criterion: {})",
            ms(m.floor),
            ms(m.decode_floor),
            m.cpu_per_refresh.as_secs_f64() / m.decode_floor.as_secs_f64(),
            ms(sdk)
        ),
        m.cpu_per_refresh.as_secs_f64() / m.floor.as_secs_f64(),
    )
    .target(
        "≤ 1.5x",
        m.cpu_per_refresh.as_secs_f64() <= 1.5 * m.floor.as_secs_f64(),
    )];
    // Against what a refresh cost before the move: the XML SDK's decode alone (bench/wire).
    let xml_decode = Duration::from_nanos(wire["xml_median_ns"].as_u64().unwrap());
    macro_rows.push(
        Row::new(
            "plugin CPU per refresh against the XML SDK's decode of the same answer",
            ms(m.cpu_per_refresh),
        )
        .floor(
            format!(
                "{} decoding it, alone (wire): {}",
                wire["xml_sdk"].as_str().unwrap(),
                ms(xml_decode)
            ),
            m.cpu_per_refresh.as_secs_f64() / xml_decode.as_secs_f64(),
        )
        .target(
            "≤ 0.25x",
            m.cpu_per_refresh.as_secs_f64() <= 0.25 * xml_decode.as_secs_f64(),
        ),
    );
    for (c, p50, p99, rps) in &m.latencies {
        let latency = Row::new(
            format!(
                "added latency p50 / p99, {c} concurrent dashboard{}",
                if *c == 1 { "" } else { "s" }
            ),
            format!("{} / {}", ms(*p50), ms(*p99)),
        );
        macro_rows.push(if *c == 64 {
            latency.target(
                "p99 ≤ 1.5x p50",
                p99.as_secs_f64() <= 1.5 * p50.as_secs_f64(),
            )
        } else {
            latency
        });
        macro_rows.push(Row::new(
            format!("refreshes per second, {c} concurrent"),
            format!("{rps:.1}"),
        ));
    }

    let (logs_cpu, logs_floor) = e.logs_cpu;
    macro_rows.push(
        Row::new(
            format!("plugin CPU per logs panel ({LOGS_ROWS} rows), median of {LOGS_REFRESHES}"),
            ms(logs_cpu),
        )
        .floor(
            format!(
                "SDK GetQueryResults alone over the recorded answer: {}",
                ms(logs_floor)
            ),
            logs_cpu.as_secs_f64() / logs_floor.as_secs_f64(),
        ),
    );

    // An AWS call count against its floor.
    let count_row = |figure: String, calls: u64, floor: u64, floor_text: String| {
        Row::new(figure, calls.to_string())
            .floor(floor_text, calls as f64 / floor as f64)
            .target("= floor", calls <= floor)
    };
    let mut economy_rows: Vec<Row> = e
        .get_metric_data
        .iter()
        .map(|&(n, calls, floor)| {
            count_row(
                format!("GetMetricData calls, {n}-query refresh"),
                calls,
                floor,
                format!("ceil({n}/500) = {floor}"),
            )
        })
        .collect();
    let (calls, floor) = e.assume_role;
    economy_rows.push(count_row(
        format!("AssumeRole calls, {ROLE_REFRESHES} refreshes of one data source"),
        calls,
        floor,
        format!("{floor} per session lifetime"),
    ));
    let (calls, floor) = e.list_metrics;
    economy_rows.push(count_row(
        format!("ListMetrics calls, {LOOKUPS} repeated editor lookups"),
        calls,
        floor,
        format!("{floor} per 5 min TTL"),
    ));
    let (calls, floor) = e.variable_lookups;
    economy_rows.push(count_row(
        format!(
            "AWS lookups, {DASHBOARD_LOADS} loads of a {}-variable dashboard",
            variables_dashboard().len()
        ),
        calls,
        floor,
        format!("{floor}: one per variable per 5 min TTL"),
    ));
    let (calls, grafana) = e.annotation_calls;
    economy_rows.push(
        Row::new(
            format!("alarm annotation calls, one panel, {ALARMS} alarms"),
            calls.to_string(),
        )
        .floor(
            format!("Grafana: 1 + {ALARMS} per-alarm history calls = {grafana}"),
            calls as f64 / grafana as f64,
        )
        .target("≤ 2", calls <= 2),
    );
    let (calls, panels) = e.logs_starts;
    economy_rows.push(count_row(
        format!("Logs Insights StartQuery calls, {panels} logs panels"),
        calls,
        panels,
        format!("{panels}: one per panel per refresh"),
    ));
    for &(t, calls) in &e.logs_polls {
        economy_rows.push(
            Row::new(
                format!("Logs Insights GetQueryResults calls, a query that takes {t} s"),
                calls.to_string(),
            )
            .floor(
                format!("Grafana's alerting path, one a second: {t}"),
                calls as f64 / t as f64,
            ),
        );
    }
    let (calls, stopped) = e.logs_stops;
    economy_rows.push(count_row(
        format!("Logs Insights StopQuery calls, {stopped} queries timed out or cancelled"),
        calls,
        stopped,
        format!("{stopped}: one per query given up on"),
    ));
    let over: Vec<String> = economy_rows
        .iter()
        .filter(|r| r.met == Some(false))
        .map(|r| r.figure.clone())
        .collect();

    let process_rows = vec![
        Row::new(
            format!("exec to handshake line, median of {HANDSHAKES} (max)"),
            format!("{} ({})", ms(p.handshake_median), ms(p.handshake_max)),
        )
        .target("< 10 ms", p.handshake_median < Duration::from_millis(10)),
        Row::new("RSS idle (1 s after start)", mb(m.rss_idle))
            .target("< 15 MB", m.rss_idle < 15_000_000),
        Row::new(
            "RSS right after the macro run (peak)",
            format!("{} ({})", mb(m.rss_after), mb(m.rss_peak)),
        )
        .target("peak ≤ 80 MB", m.rss_peak <= 80_000_000),
        Row::new(
            "RSS 10 s after the 64-concurrent burst (of it, mapped from the binary and libraries)",
            format!("{} ({})", mb(m.rss_settled), mb(m.rss_settled_file)),
        )
        .target("< 40 MB", m.rss_settled < 40_000_000),
        Row::new("stripped binary size", mb(p.size)),
    ];

    let ns = |key: &str| Duration::from_nanos(wire[key].as_u64().unwrap());
    let wire_ratio = wire["ratio"].as_f64().unwrap();
    let wire_rows = vec![
        Row::new(
            format!(
                "GetMetricData decode CPU, {} series x {} points: {}",
                wire["series"],
                wire["points"].as_u64().unwrap() / wire["series"].as_u64().unwrap().max(1),
                wire["cbor_sdk"].as_str().unwrap()
            ),
            ms(ns("cbor_median_ns")),
        )
        .floor(
            format!(
                "{}: {}",
                wire["xml_sdk"].as_str().unwrap(),
                ms(ns("xml_median_ns"))
            ),
            1.0 / wire_ratio,
        ),
        Row::new(
            "GetMetricData answer size, CBOR (XML)",
            format!(
                "{} ({})",
                mb(wire["cbor_bytes"].as_u64().unwrap()),
                mb(wire["xml_bytes"].as_u64().unwrap())
            ),
        ),
    ];

    let md = report(
        &[
            ("micro", micro),
            ("wire", wire_rows),
            ("macro", macro_rows),
            ("economy", economy_rows),
            ("process", process_rows),
        ],
        &machine,
    );
    let md = md + &format!(
        "\n## The wire protocol\n\nStratus speaks Smithy RPC v2 CBOR ({}). The same answer decodes {wire_ratio:.1}x cheaper than in awsQuery XML ({}, the protocol it spoke before), which the wire rows keep as the reference.\n",
        wire["cbor_sdk"].as_str().unwrap(),
        wire["xml_sdk"].as_str().unwrap()
    );
    let out = support::repo_path("bench/results.md");
    std::fs::write(&out, &md).unwrap();
    println!("{md}\nwritten to {}", out.display());
    if !over.is_empty() {
        eprintln!("economy figures above their floors: {}", over.join("; "));
        std::process::exit(1);
    }
}
