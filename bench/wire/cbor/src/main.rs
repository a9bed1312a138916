//! The CBOR side of the wire benchmark, and its driver: the current aws-sdk-cloudwatch
//! (Smithy RPC v2 CBOR) decoding the same GetMetricData answer the XML side decodes, encoded
//! with the SDK's own CBOR encoder (aws-smithy-cbor) from the series the XML side exports.
//! Rounds alternate between the two, so both see the same machine.
//!
//!     wire-cbor WIRE_XML RECORDING ROUNDS N OUT.json
//!     wire-cbor WIRE_XML RECORDING twin OUT.jsonl.gz
//!
//! `twin` writes the CBOR twin of the recording that the plugin's benchmarks and tests replay:
//! the same answer encoded here, and the plugin's request as the current SDK serializes it
//! (the recorded awsQuery request's members, sent through the SDK and captured), both base64.

#[path = "../../common.rs"]
mod common;

mod twin;

use std::process::Command;

use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
use aws_smithy_cbor::Encoder;
use aws_smithy_types::DateTime;
use serde_json::{json, Value};

/// The GetMetricData output shape (Smithy member names) in CBOR, timestamps as the SDK
/// encodes them (tag 1, epoch seconds as a double).
fn encode(series: &[Value]) -> Vec<u8> {
    let mut e = Encoder::new(Vec::new());
    e.map(1).str("MetricDataResults").array(series.len());
    for s in series {
        let times = s["timestamps_ms"].as_array().expect("timestamps");
        let values = s["values"].as_array().expect("values");
        e.map(5);
        e.str("Id").str(s["id"].as_str().unwrap_or_default());
        e.str("Label").str(s["label"].as_str().unwrap_or_default());
        e.str("StatusCode")
            .str(s["status"].as_str().unwrap_or("Complete"));
        e.str("Timestamps").array(times.len());
        for t in times {
            e.timestamp(&DateTime::from_millis(t.as_i64().expect("ms")));
        }
        e.str("Values").array(values.len());
        for v in values {
            e.double(v.as_f64().expect("a value"));
        }
    }
    e.into_writer()
}

fn call(rt: &tokio::runtime::Runtime, client: &aws_sdk_cloudwatch::Client) -> GetMetricDataOutput {
    rt.block_on(
        client
            .get_metric_data()
            .start_time(DateTime::from_secs(0))
            .end_time(DateTime::from_secs(86_400))
            .send(),
    )
    .expect("the CBOR answer deserializes")
}

/// The CBOR decode gives back exactly the series the XML decode gave.
fn check(out: &GetMetricDataOutput, series: &[Value]) -> usize {
    assert_eq!(out.metric_data_results().len(), series.len());
    let mut points = 0;
    for (r, s) in out.metric_data_results().iter().zip(series) {
        assert_eq!(r.id(), s["id"].as_str());
        let times: Vec<i64> = r
            .timestamps()
            .iter()
            .map(|t| t.to_millis().expect("ms"))
            .collect();
        let want: Vec<i64> = s["timestamps_ms"]
            .as_array()
            .expect("ts")
            .iter()
            .map(|t| t.as_i64().expect("ms"))
            .collect();
        assert_eq!(times, want, "{:?}: timestamps", r.id());
        let values: Vec<f64> = s["values"]
            .as_array()
            .expect("values")
            .iter()
            .map(|v| v.as_f64().expect("f64"))
            .collect();
        assert_eq!(r.values(), &values[..], "{:?}: values", r.id());
        points += values.len();
    }
    points
}

fn median(mut v: Vec<u64>) -> u64 {
    v.sort_unstable();
    v[v.len() / 2]
}

/// The series wire-xml decodes from `recording`.
fn export(xml_bin: &str, recording: &str) -> Value {
    let export = std::env::temp_dir().join(format!("wire-series-{}.json", std::process::id()));
    let ok = Command::new(xml_bin)
        .args([recording, "export", export.to_str().expect("a UTF-8 path")])
        .status()
        .expect("run wire-xml")
        .success();
    assert!(ok, "wire-xml export failed");
    let doc: Value =
        serde_json::from_slice(&std::fs::read(&export).expect("the export")).expect("JSON");
    let _ = std::fs::remove_file(&export);
    doc
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, xml_bin, recording, command, out_path] = &args[..] {
        assert_eq!(
            command, "twin",
            "usage: wire-cbor WIRE_XML RECORDING twin OUT.jsonl.gz"
        );
        let doc = export(xml_bin, recording);
        let body = encode(doc["series"].as_array().expect("series"));
        twin::write(recording, body, out_path);
        return;
    }
    let [_, xml_bin, recording, rounds, n, out_path] = &args[..] else {
        eprintln!("usage: wire-cbor WIRE_XML RECORDING ROUNDS N OUT.json");
        std::process::exit(2);
    };
    let rounds: usize = rounds.parse().expect("ROUNDS is a number");
    let doc = export(xml_bin, recording);
    let series = doc["series"].as_array().expect("series");
    let body = encode(series);
    let client = common::client(common::Recorded {
        body: bytes::Bytes::from(body.clone()),
        headers: vec![
            ("Content-Type", "application/cbor".into()),
            ("smithy-protocol", "rpc-v2-cbor".into()),
        ],
        sent: None,
    });
    let rt = common::runtime();
    let points = check(&call(&rt, &client), series);

    let (mut xml, mut cbor) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let out = Command::new(xml_bin)
            .args([recording, "measure", n])
            .output()
            .expect("run wire-xml");
        assert!(out.status.success(), "wire-xml measure failed");
        xml.extend(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(|l| l.parse::<u64>().expect("ns")),
        );
        cbor.extend(common::measure(n.parse().expect("N is a number"), || {
            call(&rt, &client);
        }));
        eprintln!(
            "round {}: xml {} ms, cbor {} ms",
            round + 1,
            median(xml.clone()) / 1_000_000,
            median(cbor.clone()) / 1_000_000
        );
    }
    let (xml_ns, cbor_ns) = (median(xml), median(cbor));
    let summary = json!({
        "xml_sdk": "aws-sdk-cloudwatch 1.99.0 (awsQuery XML)",
        "cbor_sdk": "aws-sdk-cloudwatch 1.140.0 (Smithy RPC v2 CBOR)",
        "series": series.len(),
        "points": points,
        "xml_bytes": doc["xml_bytes"],
        "cbor_bytes": body.len(),
        "xml_median_ns": xml_ns,
        "cbor_median_ns": cbor_ns,
        "ratio": xml_ns as f64 / cbor_ns as f64,
    });
    std::fs::write(out_path, summary.to_string()).expect("write the summary");
    println!("{summary}");
}
