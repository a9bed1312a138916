//! The CBOR twin of a recorded GetMetricData exchange: the recorded awsQuery request's members
//! given to the current SDK, whose serialized request is captured, and the answer in CBOR.

use std::io::Write;
use std::sync::{Arc, Mutex};

use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use base64::Engine;
use serde_json::json;

/// The recorded request's awsQuery fields, in order.
fn fields(form: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(form.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn time(value: &str) -> DateTime {
    DateTime::from_str(value, Format::DateTime).expect("an ISO 8601 time")
}

/// The GetMetricData queries of the recorded form, rebuilt with the SDK's builders.
fn queries(fields: &[(String, String)]) -> Vec<MetricDataQuery> {
    let mut by_index: std::collections::BTreeMap<usize, Vec<(&str, &str)>> = Default::default();
    for (k, v) in fields {
        if let Some(rest) = k.strip_prefix("MetricDataQueries.member.") {
            let (n, member) = rest.split_once('.').expect("a member field");
            by_index
                .entry(n.parse().expect("a member number"))
                .or_default()
                .push((member, v));
        }
    }
    by_index
        .into_values()
        .map(|members| {
            let mut q = MetricDataQuery::builder();
            let mut metric = Metric::builder();
            let mut stat = MetricStat::builder();
            let mut dims: std::collections::BTreeMap<usize, (String, String)> = Default::default();
            let mut has_stat = false;
            for (member, v) in members {
                match member {
                    "Id" => q = q.id(v),
                    "Expression" => q = q.expression(v),
                    "Label" => q = q.label(v),
                    "ReturnData" => q = q.return_data(v == "true"),
                    "Period" => q = q.period(v.parse().expect("a period")),
                    "AccountId" => q = q.account_id(v),
                    "MetricStat.Metric.Namespace" => metric = metric.namespace(v),
                    "MetricStat.Metric.MetricName" => metric = metric.metric_name(v),
                    "MetricStat.Period" => {
                        has_stat = true;
                        stat = stat.period(v.parse().expect("a period"));
                    }
                    "MetricStat.Stat" => stat = stat.stat(v),
                    other => {
                        let rest = other
                            .strip_prefix("MetricStat.Metric.Dimensions.member.")
                            .unwrap_or_else(|| panic!("a field the twin does not know: {other}"));
                        let (n, part) = rest.split_once('.').expect("a dimension field");
                        let d = dims.entry(n.parse().expect("a number")).or_default();
                        match part {
                            "Name" => d.0 = v.to_string(),
                            _ => d.1 = v.to_string(),
                        }
                    }
                }
            }
            for (name, value) in dims.into_values() {
                metric = metric.dimensions(Dimension::builder().name(name).value(value).build());
            }
            if has_stat {
                q = q.metric_stat(stat.metric(metric.build()).build());
            }
            q.build()
        })
        .collect()
}

/// Writes the twin of `recording`'s GetMetricData exchange, answered with `answer`, to `out`.
pub fn write(recording: &str, answer: Vec<u8>, out: &str) {
    let exchange = crate::common::recorded_exchange(recording);
    let fields = fields(exchange["request"].as_str().expect("a request"));
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let sent = Arc::<Mutex<Vec<u8>>>::default();
    let client = crate::common::client(crate::common::Recorded {
        body: bytes::Bytes::from(answer.clone()),
        headers: vec![
            ("Content-Type", "application/cbor".into()),
            ("smithy-protocol", "rpc-v2-cbor".into()),
        ],
        sent: Some(sent.clone()),
    });
    let mut call = client
        .get_metric_data()
        .set_metric_data_queries(Some(queries(&fields)))
        .start_time(time(field("StartTime").expect("StartTime")))
        .end_time(time(field("EndTime").expect("EndTime")));
    if let Some(scan) = field("ScanBy") {
        call = call.scan_by(ScanBy::from(scan));
    }
    if let Some(max) = field("MaxDatapoints") {
        call = call.max_datapoints(max.parse().expect("a number"));
    }
    crate::common::runtime()
        .block_on(call.send())
        .expect("the twin answer deserializes");
    let request = sent.lock().expect("not poisoned").clone();
    let b64 = base64::engine::general_purpose::STANDARD;
    let line = json!({
        "action": "GetMetricData",
        "request": b64.encode(&request),
        "status": 200,
        "content_type": "application/cbor",
        "body": b64.encode(&answer),
    });
    let file = std::fs::File::create(out).expect("create the twin");
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::best());
    writeln!(gz, "{line}").expect("write the twin");
    gz.finish().expect("finish the twin");
    eprintln!(
        "twin: request {} bytes, answer {} bytes",
        request.len(),
        answer.len()
    );
}
