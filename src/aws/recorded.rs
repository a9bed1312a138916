//! SDK clients that answer every call with one recorded body, so tests feed recorded AWS
//! answers through the SDK's own deserializers as live ones would be.

use aws_smithy_runtime_api::client::http::{
    http_client_fn, HttpConnector, HttpConnectorFuture, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_types::body::SdkBody;

/// Answers every request with one recorded body.
#[derive(Debug)]
struct Recording(&'static str);

impl HttpConnector for Recording {
    fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
        let ok = 200.try_into().expect("a status");
        HttpConnectorFuture::ready(Ok(HttpResponse::new(ok, SdkBody::from(self.0))))
    }
}

fn http_client(recording: &'static str) -> SharedHttpClient {
    http_client_fn(move |_, _| SharedHttpConnector::new(Recording(recording)))
}

fn credentials() -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new("AKIATEST", "secret", None, None, "test")
}

/// A CloudWatch client in us-east-1 whose every call answers `recording`.
pub fn cloudwatch(recording: &'static str) -> aws_sdk_cloudwatch::Client {
    let conf = aws_sdk_cloudwatch::Config::builder()
        .behavior_version(aws_sdk_cloudwatch::config::BehaviorVersion::v2026_01_12())
        .region(aws_types::region::Region::new("us-east-1"))
        .credentials_provider(credentials())
        .http_client(http_client(recording))
        .build();
    aws_sdk_cloudwatch::Client::from_conf(conf)
}

/// An Observability Access Manager client in us-east-1 whose every call answers `recording`.
pub fn oam(recording: &'static str) -> aws_sdk_oam::Client {
    let conf = aws_sdk_oam::Config::builder()
        .behavior_version(aws_sdk_oam::config::BehaviorVersion::v2026_01_12())
        .region(aws_types::region::Region::new("us-east-1"))
        .credentials_provider(credentials())
        .http_client(http_client(recording))
        .build();
    aws_sdk_oam::Client::from_conf(conf)
}
