//! The XML side of the wire benchmark: aws-sdk-cloudwatch 1.99.0 (the plugin's, awsQuery)
//! decoding moto's recorded GetMetricData answer (bench/recordings/getmetricdata.jsonl.gz).
//!
//!     wire-xml RECORDING export OUT.json   the decoded series, for the CBOR side to encode
//!     wire-xml RECORDING measure N         thread CPU nanoseconds of N calls, one per line

#[path = "../../common.rs"]
mod common;

use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
use aws_smithy_types::DateTime;
use serde_json::{json, Value};

fn recorded(path: &str) -> common::Recorded {
    let exchange = common::recorded_exchange(path);
    common::Recorded {
        body: bytes::Bytes::from(exchange["body"].as_str().expect("a body").to_string()),
        headers: vec![(
            "Content-Type",
            exchange["content_type"]
                .as_str()
                .unwrap_or("text/xml")
                .to_string(),
        )],
        sent: None,
    }
}

fn call(rt: &tokio::runtime::Runtime, client: &aws_sdk_cloudwatch::Client) -> GetMetricDataOutput {
    rt.block_on(
        client
            .get_metric_data()
            .start_time(DateTime::from_secs(0))
            .end_time(DateTime::from_secs(86_400))
            .send(),
    )
    .expect("the recording deserializes")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, recording, command, arg] = &args[..] else {
        eprintln!("usage: wire-xml RECORDING (export OUT.json | measure N)");
        std::process::exit(2);
    };
    let http = recorded(recording);
    let client = common::client(http.clone());
    let rt = common::runtime();
    match command.as_str() {
        "export" => {
            let out = call(&rt, &client);
            let series: Vec<Value> = out
                .metric_data_results()
                .iter()
                .map(|r| {
                    json!({
                        "id": r.id(),
                        "label": r.label(),
                        "status": r.status_code().map(|s| s.as_str()),
                        "timestamps_ms": r.timestamps().iter().map(|t| t.to_millis().expect("in range")).collect::<Vec<_>>(),
                        "values": r.values(),
                    })
                })
                .collect();
            let doc = json!({ "xml_bytes": http.body.len(), "series": series });
            std::fs::write(arg, doc.to_string()).expect("write the export");
        }
        "measure" => {
            let n: usize = arg.parse().expect("N is a number");
            for ns in common::measure(n, || {
                call(&rt, &client);
            }) {
                println!("{ns}");
            }
        }
        _ => {
            eprintln!("unknown command {command}");
            std::process::exit(2);
        }
    }
}
