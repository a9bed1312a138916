//! What the benchmarks share: the 100-query dashboard over one day at 60 s, the metrics it
//! reads (for seeding moto), and the GetMetricData answers recorded from moto.
#![allow(dead_code)] // each bench binary uses a different part

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_cloudwatch::config::{BehaviorVersion, Credentials, Region as SdkRegion};
use serde::Deserialize;
use serde_json::{json, Value};

// The answering client and the CPU clocks, shared with the wire benchmark (bench/wire/).
#[path = "../../bench/wire/common.rs"]
mod wire;
#[allow(unused_imports)] // each bench binary uses a different part
pub use wire::{cpu_clock_time, thread_cpu_ns, Recorded};

/// The dashboard's time range: 2026-11-01T00:00:00Z, 24 hours. Fixed, with an explicit
/// 60 s period, so the plugin's requests are the same every run and match the recordings.
pub const FROM_MS: i64 = 1_793_491_200_000;
/// The end of the range.
pub const TO_MS: i64 = FROM_MS + 24 * 3_600_000;
/// Points per series: one a minute.
pub const POINTS: usize = 1_440;

/// Where the recorded answers live: the CBOR twin of moto's recorded answer (gzipped JSON lines
/// with base64 bodies, written by `make bench-twin` from bench/recordings/getmetricdata.jsonl.gz,
/// which the wire benchmark's XML side decodes).
pub const RECORDINGS: &str = "bench/recordings/getmetricdata-cbor.jsonl.gz";

/// moto's recorded answer in awsQuery XML, as `make bench-record` writes it.
pub const XML_RECORDING: &str = "bench/recordings/getmetricdata.jsonl.gz";

/// A path in the repository.
pub fn repo_path(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// One panel target: an EC2 metric of one instance.
#[derive(Debug, Clone)]
pub struct Target {
    /// Grafana's refId.
    pub ref_id: String,
    /// The metric name.
    pub metric: &'static str,
    /// The statistic.
    pub stat: &'static str,
    /// The InstanceId dimension value.
    pub instance: String,
}

/// The EC2 metrics each instance's row shows, with the statistic a dashboard uses for it.
const METRICS: [(&str, &str); 4] = [
    ("CPUUtilization", "Average"),
    ("NetworkIn", "Sum"),
    ("NetworkOut", "Sum"),
    ("StatusCheckFailed", "Maximum"),
];

/// Grafana's refIds: A..Z, then AA, AB, ...
fn ref_id(mut n: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

/// `n` targets: 4 metrics for each of n/4 instances (the fleet dashboard shape of the corpus).
pub fn targets(n: usize) -> Vec<Target> {
    (0..n)
        .map(|i| {
            let (metric, stat) = METRICS[i % METRICS.len()];
            Target {
                ref_id: ref_id(i),
                metric,
                stat,
                instance: format!("i-0b5e{:013x}", i / METRICS.len() + 1),
            }
        })
        .collect()
}

/// The query JSON Grafana's CloudWatch editor saves for a target (builder mode, 60 s).
pub fn query_json(t: &Target) -> Value {
    json!({
        "refId": t.ref_id,
        "datasource": { "type": "stratus-cloudwatch-datasource", "uid": "bench" },
        "queryMode": "Metrics",
        "metricQueryType": 0,
        "metricEditorMode": 0,
        "region": "default",
        "namespace": "AWS/EC2",
        "metricName": t.metric,
        "dimensions": { "InstanceId": [t.instance] },
        "matchExact": true,
        "statistic": t.stat,
        "period": "60",
        "id": "",
        "expression": "",
        "label": "",
    })
}

/// A deterministic, realistic value for minute `m` of a target's day.
pub fn value(t: &Target, index: usize, m: usize) -> f64 {
    let wave = (m as f64 / POINTS as f64 * std::f64::consts::TAU).sin();
    let jitter = ((m * 7919 + index * 104_729) % 1000) as f64 / 1000.0;
    let v = match t.metric {
        "CPUUtilization" => 35.0 + 20.0 * wave + 5.0 * jitter,
        "NetworkIn" | "NetworkOut" => 2.0e6 + 1.5e6 * wave + 1.0e5 * jitter,
        _ => f64::from(jitter > 0.995),
    };
    (v * 100.0).round() / 100.0
}

/// The seeder spec (provisioning/demo/seeder.py) putting a point a minute for every target.
pub fn seed_spec(targets: &[Target]) -> Value {
    let metrics: Vec<Value> = targets
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let points: Vec<Value> = (0..POINTS)
                .map(|m| json!([(FROM_MS / 1000) as usize + m * 60, value(t, i, m)]))
                .collect();
            json!({
                "namespace": "AWS/EC2",
                "name": t.metric,
                "unit": "None",
                "dimensions": { "InstanceId": t.instance },
                "points": points,
            })
        })
        .collect();
    json!({ "users": [{ "name": "bench" }], "metrics": metrics })
}

/// One recorded HTTP exchange with moto.
#[derive(Debug, Clone, Deserialize)]
pub struct Exchange {
    /// The AWS action.
    pub action: String,
    /// The request body, as the plugin sends it (CBOR, base64).
    pub request: String,
    /// moto's HTTP status.
    pub status: u16,
    /// moto's Content-Type.
    pub content_type: String,
    /// The answer (CBOR, base64).
    pub body: String,
}

impl Exchange {
    /// The request's bytes.
    pub fn request_bytes(&self) -> bytes::Bytes {
        bytes::Bytes::from(base64(&self.request))
    }

    /// The answer's bytes.
    pub fn body_bytes(&self) -> bytes::Bytes {
        bytes::Bytes::from(base64(&self.body))
    }
}

fn base64(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("a base64 body")
}

/// The recorded GetMetricData answers, keyed by the request body the plugin sends.
pub fn answers() -> HashMap<bytes::Bytes, (u16, String, bytes::Bytes)> {
    recordings()
        .into_iter()
        .filter(|e| e.action == "GetMetricData")
        .map(|e| {
            let answer = (e.status, e.content_type.clone(), e.body_bytes());
            (e.request_bytes(), answer)
        })
        .collect()
}

/// The recorded exchanges (run `make bench-record` to make them).
pub fn recordings() -> Vec<Exchange> {
    let path = repo_path(RECORDINGS);
    let file = std::fs::File::open(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; `make bench-record` records it from moto",
            path.display()
        )
    });
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .unwrap();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// moto's GetQueryResults answer of 10,000 log rows (bench/record_logs.py).
pub const LOGS_RECORDING: &str = "bench/recordings/getqueryresults.json.gz";

/// The recorded Logs Insights answer's bytes.
pub fn logs_answer() -> Vec<u8> {
    let path = repo_path(LOGS_RECORDING);
    let file = std::fs::File::open(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; `make bench-record` records it from moto",
            path.display()
        )
    });
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut bytes)
        .unwrap();
    bytes
}

/// The SDK's shared configuration for the floors: the bench user's keys, and either a canned
/// answer (`Recorded`) or the SDK's own default HTTP client calling `endpoint`.
fn sdk_config(http: Option<Recorded>, endpoint: Option<&str>) -> aws_types::SdkConfig {
    let mut b = aws_types::SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(SdkRegion::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIABENCHBENCHBENCH1",
            "bench-secret",
            None,
            None,
            "bench",
        )));
    if let Some(http) = http {
        b = b.http_client(http);
    }
    if let Some(endpoint) = endpoint {
        b = b.endpoint_url(endpoint);
    }
    b.build()
}

/// The SDK's CloudWatch Logs client answering every call with the recorded answer.
pub fn recorded_logs_client() -> aws_sdk_cloudwatchlogs::Client {
    aws_sdk_cloudwatchlogs::Client::new(&sdk_config(
        Some(Recorded {
            body: bytes::Bytes::from(logs_answer()),
            headers: vec![("Content-Type", "application/x-amz-json-1.1".into())],
            sent: None,
        }),
        None,
    ))
}

/// The recorded GetMetricData exchange: the plugin's request for the dashboard and moto's answer.
pub fn recorded_exchange() -> Exchange {
    recordings()
        .into_iter()
        .find(|e| e.action == "GetMetricData")
        .expect("a recorded GetMetricData exchange")
}

/// The SDK client answering from the recording.
pub fn recorded_client() -> aws_sdk_cloudwatch::Client {
    let exchange = recorded_exchange();
    aws_sdk_cloudwatch::Client::new(&sdk_config(
        Some(Recorded {
            body: exchange.body_bytes(),
            headers: vec![
                ("Content-Type", exchange.content_type),
                ("smithy-protocol", "rpc-v2-cbor".into()),
            ],
            sent: None,
        }),
        None,
    ))
}

/// The SDK's CloudWatch client with its own default HTTP client, calling `endpoint`.
pub fn network_client(endpoint: &str) -> aws_sdk_cloudwatch::Client {
    aws_sdk_cloudwatch::Client::new(&sdk_config(None, Some(endpoint)))
}

/// The SDK's own GetMetricData sending `request` (the plugin's exact bytes, signed by the SDK),
/// so a responder that answers the plugin answers it too.
pub async fn sdk_call_sending(
    client: &aws_sdk_cloudwatch::Client,
    request: &bytes::Bytes,
) -> aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput {
    let body = request.clone();
    client
        .get_metric_data()
        .customize()
        .mutate_request(move |req| {
            req.headers_mut()
                .insert("Content-Length", body.len().to_string());
            *req.body_mut() = aws_smithy_types::body::SdkBody::from(body.clone());
        })
        .send()
        .await
        .unwrap()
}

/// The SDK's own GetMetricData, answered with the recording (the floor).
pub async fn sdk_call(
    client: &aws_sdk_cloudwatch::Client,
) -> aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput {
    client
        .get_metric_data()
        .start_time(aws_smithy_types::DateTime::from_millis(FROM_MS))
        .end_time(aws_smithy_types::DateTime::from_millis(TO_MS))
        .send()
        .await
        .unwrap()
}
