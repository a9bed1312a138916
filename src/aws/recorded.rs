//! SDK clients that answer every call with one recorded body, so tests feed recorded AWS
//! answers through the SDK's own deserializers as live ones would be.

use aws_smithy_runtime_api::client::http::{
    http_client_fn, HttpConnector, HttpConnectorFuture, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_types::body::SdkBody;

/// Answers every request with one recorded status, body and the headers of its protocol.
#[derive(Debug, Clone, Copy)]
struct Recording {
    status: u16,
    body: &'static [u8],
    headers: &'static [(&'static str, &'static str)],
}

impl HttpConnector for Recording {
    fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
        let status = self.status.try_into().expect("a status");
        let mut response = HttpResponse::new(status, SdkBody::from(self.body));
        for (name, value) in self.headers {
            response.headers_mut().insert(*name, *value);
        }
        HttpConnectorFuture::ready(Ok(response))
    }
}

fn http_client(recording: Recording) -> SharedHttpClient {
    http_client_fn(move |_, _| SharedHttpConnector::new(recording))
}

/// CloudWatch's answers: Smithy RPC v2 CBOR.
pub const CBOR: &[(&str, &str)] = &[
    ("content-type", "application/cbor"),
    ("smithy-protocol", "rpc-v2-cbor"),
];

fn credentials() -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new("AKIATEST", "secret", None, None, "test")
}

/// A CloudWatch client in us-east-1 whose every call answers `recording` (CBOR).
pub fn cloudwatch(recording: &'static [u8]) -> aws_sdk_cloudwatch::Client {
    cloudwatch_answering(200, CBOR, recording)
}

/// A CloudWatch client in us-east-1 whose every call gets this answer, once (no retries).
pub fn cloudwatch_answering(
    status: u16,
    headers: &'static [(&'static str, &'static str)],
    body: &'static [u8],
) -> aws_sdk_cloudwatch::Client {
    let recording = Recording {
        status,
        body,
        headers,
    };
    let conf = aws_sdk_cloudwatch::Config::builder()
        .behavior_version(aws_sdk_cloudwatch::config::BehaviorVersion::v2026_11_17())
        .region(aws_types::region::Region::new("us-east-1"))
        .credentials_provider(credentials())
        .http_client(http_client(recording))
        .retry_config(aws_smithy_types::retry::RetryConfig::disabled())
        .build();
    aws_sdk_cloudwatch::Client::from_conf(conf)
}

/// An Observability Access Manager client in us-east-1 whose every call answers `recording`.
pub fn oam(recording: &'static str) -> aws_sdk_oam::Client {
    let recording = Recording {
        status: 200,
        body: recording.as_bytes(),
        headers: &[("content-type", "application/json")],
    };
    let conf = aws_sdk_oam::Config::builder()
        .behavior_version(aws_sdk_oam::config::BehaviorVersion::v2026_11_17())
        .region(aws_types::region::Region::new("us-east-1"))
        .credentials_provider(credentials())
        .http_client(http_client(recording))
        .build();
    aws_sdk_oam::Client::from_conf(conf)
}

/// Members CloudWatch's model types as timestamps, in the answers the tests record.
const TIMESTAMPS: [&str; 5] = [
    "Timestamps",
    "Timestamp",
    "StateUpdatedTimestamp",
    "StateTransitionedTimestamp",
    "AlarmConfigurationUpdatedTimestamp",
];

/// A CloudWatch answer recorded in awsJson 1.0 (what AWS serves botocore: the same members,
/// timestamps as epoch seconds) in CloudWatch's CBOR, encoded by the SDK's own CBOR encoder
/// (aws-smithy-cbor) with timestamps as it writes them (tag 1).
pub fn cbor_of(json: &str) -> &'static [u8] {
    fn value(e: &mut aws_smithy_cbor::Encoder, v: &serde_json::Value, timestamp: bool) {
        use serde_json::Value;
        match v {
            Value::Null => {
                e.null();
            }
            Value::Bool(b) => {
                e.boolean(*b);
            }
            Value::Number(n) if timestamp => {
                let secs = n.as_f64().expect("a timestamp in seconds");
                e.timestamp(&aws_smithy_types::DateTime::from_secs_f64(secs));
            }
            Value::Number(n) => match n.as_i64() {
                Some(i) => {
                    e.long(i);
                }
                None => {
                    e.double(n.as_f64().expect("a number"));
                }
            },
            Value::String(s) => {
                e.str(s);
            }
            Value::Array(items) => {
                e.array(items.len());
                for item in items {
                    value(e, item, timestamp);
                }
            }
            Value::Object(members) => {
                e.map(members.len());
                for (name, member) in members {
                    e.str(name);
                    value(e, member, TIMESTAMPS.contains(&name.as_str()));
                }
            }
        }
    }
    let doc: serde_json::Value = serde_json::from_str(json).expect("a recorded awsJson answer");
    let mut e = aws_smithy_cbor::Encoder::new(Vec::new());
    value(&mut e, &doc, false);
    // Tests keep their clients for the whole test: the bytes live as long.
    Box::leak(e.into_writer().into_boxed_slice())
}
