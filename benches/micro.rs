//! Micro benchmarks (criterion) of Stratus's own per-request work, and the floors measured in
//! the same run: the AWS SDK's own GetMetricData over the recorded answer, and a memcpy of the
//! frame bytes. `make bench` runs this, then `benches/system.rs` reads the estimates.

mod support;

use std::collections::HashMap;
use std::hint::black_box;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use serde_json::json;
use stratus::app::{Plugin, RequestContext};
use stratus::config::names::Region;
use stratus::config::settings::{self, DataSourceInstance};
use stratus::metrics::execute::to_page;
use stratus::metrics::plan::{plan, Batch, Plan, TimedQuery};
use stratus::metrics::response::{assemble, Page};

/// Thread CPU time. The refresh figures are compared with the plugin's CPU time per refresh, so
/// they are measured the same way: wall time would also count moments this thread sat
/// descheduled behind other processes, which would flatter the ratio.
struct ThreadCpu(WallTime);

impl Measurement for ThreadCpu {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        support::thread_cpu_ns()
    }

    fn end(&self, started: u64) -> u64 {
        support::thread_cpu_ns() - started
    }

    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }

    fn zero(&self) -> u64 {
        0
    }

    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        // Nanoseconds, formatted like wall time.
        self.0.formatter()
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A keys + assume-role data source as Grafana sends it.
fn data_source() -> (Vec<u8>, HashMap<String, String>) {
    let json_data = json!({
        "authType": "keys",
        "defaultRegion": "us-east-1",
        "assumeRoleArn": "arn:aws:iam::123456789012:role/CloudWatchReader",
        "externalId": "bench-external-id",
        "endpoint": "http://127.0.0.1:9",
        "customMetricsNamespaces": "Bench/One,Bench/Two",
    });
    let secure = HashMap::from([
        ("accessKey".to_string(), "AKIABENCHBENCHBENCH1".to_string()),
        ("secretKey".to_string(), "bench-secret".to_string()),
    ]);
    (json_data.to_string().into_bytes(), secure)
}

fn settings_and_requests(c: &mut Criterion) {
    let (json_data, secure) = data_source();
    let instance = DataSourceInstance {
        uid: "bench".into(),
        name: "Bench".into(),
        last_updated_ms: 1_700_000_000_000,
        json_data,
        secure_json_data: secure,
        ..Default::default()
    };
    c.bench_function("settings_parse", |b| {
        b.iter(|| settings::parse(black_box(&instance)).unwrap())
    });

    // Every request parses the settings, checks the policy and finds the cached session.
    let rt = runtime();
    let plugin = Plugin::new(HashMap::new());
    let ctx = RequestContext {
        data_source: Some(instance),
        ..Default::default()
    };
    rt.block_on(plugin.session(&ctx)).unwrap();
    c.bench_function("per_request_policy_and_session_hit", |b| {
        b.iter(|| rt.block_on(plugin.session(black_box(&ctx))).unwrap())
    });
}

/// The dashboard's queries as Grafana sends them.
fn dashboard() -> Vec<(String, Vec<u8>)> {
    support::targets(100)
        .iter()
        .map(|t| {
            (
                t.ref_id.clone(),
                support::query_json(t).to_string().into_bytes(),
            )
        })
        .collect()
}

fn parse_and_plan(queries: &[(String, Vec<u8>)]) -> Plan {
    let timed = queries
        .iter()
        .map(|(ref_id, json)| {
            let (_, model) = stratus::query::classify(json).unwrap();
            TimedQuery {
                query: stratus::metrics::query::parse(ref_id, &model).unwrap(),
                from_ms: support::FROM_MS,
                to_ms: support::TO_MS,
            }
        })
        .collect();
    plan(
        timed,
        &Region::parse("us-east-1").unwrap(),
        support::TO_MS + 60_000,
    )
}

fn planning(c: &mut Criterion) {
    let queries = dashboard();
    c.bench_function("parse_and_plan_100_queries", |b| {
        b.iter(|| parse_and_plan(black_box(&queries)))
    });
}

fn frames_and_floors(c: &mut Criterion<ThreadCpu>) {
    let rt = runtime();
    let client = support::recorded_client();
    let pages: Vec<Page> = vec![to_page(rt.block_on(support::sdk_call(&client)))];
    let series = pages[0].results.len();
    let points: usize = pages[0].results.iter().map(|r| r.values.len()).sum();
    assert_eq!(
        (series, points),
        (100, 100 * support::POINTS),
        "the recording holds the 100-query dashboard's day"
    );
    let batch: Batch = parse_and_plan(&dashboard()).batches.remove(0);

    let mut group = c.benchmark_group("refresh");
    group.sample_size(30);
    // The floor: what the SDK alone spends on one refresh's answer (signing a request and
    // deserializing the recorded XML; no network).
    group.bench_function("sdk_get_metric_data_floor", |b| {
        b.iter(|| rt.block_on(support::sdk_call(black_box(&client))))
    });
    // The pages are cloned outside the timed part: assembling takes them over.
    group.bench_function("build_and_encode_frames", |b| {
        b.iter_batched(
            || pages.clone(),
            |pages| assemble(black_box(&batch), pages),
            BatchSize::LargeInput,
        )
    });
    let frame_bytes: Vec<u8> = assemble(&batch, pages)
        .into_iter()
        .flat_map(|(_, answer)| answer.unwrap().into_iter().flatten())
        .collect();
    // The size goes into criterion's record, where the report reads it.
    group.throughput(Throughput::Bytes(frame_bytes.len() as u64));
    group.bench_function("memcpy_frame_bytes_floor", |b| {
        b.iter_batched_ref(
            || vec![0u8; frame_bytes.len()],
            |dst| dst.copy_from_slice(black_box(&frame_bytes)),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, settings_and_requests, planning);
criterion_group! {
    name = refresh;
    config = Criterion::default().with_measurement(ThreadCpu(WallTime));
    targets = frames_and_floors
}
criterion_main!(benches, refresh);
