//! What both sides of the wire benchmark share: the recorded exchange, an HTTP client that
//! answers every call with the same bytes (the SDK's whole call, signing and deserializing,
//! with no network), the SDK client over it, and CPU time per call on the calling thread.

use std::io::Read;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::{Response, StatusCode};
use aws_smithy_types::body::SdkBody;

/// Answers every request with `body` and `headers`; keeps the last request's body in `sent`
/// when there is one (the twin captures the SDK's request; the measured calls copy nothing).
#[derive(Debug, Clone)]
pub struct Recorded {
    pub body: bytes::Bytes,
    pub headers: Vec<(&'static str, String)>,
    pub sent: Option<Arc<Mutex<Vec<u8>>>>,
}

impl HttpConnector for Recorded {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        if let Some(sent) = &self.sent {
            let body = request.body().bytes().expect("an in-memory body");
            *sent.lock().expect("not poisoned") = body.to_vec();
        }
        let mut response = Response::new(
            StatusCode::try_from(200).expect("200 is a status"),
            SdkBody::from(self.body.clone()),
        );
        for (name, value) in &self.headers {
            response.headers_mut().insert(*name, value.clone());
        }
        HttpConnectorFuture::ready(Ok(response))
    }
}

impl HttpClient for Recorded {
    fn http_connector(
        &self,
        _: &HttpConnectorSettings,
        _: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

/// The recorded GetMetricData exchange of a recording (gzipped JSON lines).
pub fn recorded_exchange(path: &str) -> serde_json::Value {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).expect("the recording"))
        .read_to_string(&mut text)
        .expect("a gzipped recording");
    text.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("a JSON line"))
        .find(|e| e["action"] == "GetMetricData")
        .expect("a recorded GetMetricData exchange")
}

/// The SDK's CloudWatch client in us-east-1, every call answered by `http`.
pub fn client(http: Recorded) -> aws_sdk_cloudwatch::Client {
    use aws_sdk_cloudwatch::config::{BehaviorVersion, Credentials, Region};
    let conf = aws_sdk_cloudwatch::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIDWIRE",
            "wire-secret",
            None,
            None,
            "wire",
        ))
        .http_client(http)
        .build();
    aws_sdk_cloudwatch::Client::from_conf(conf)
}

/// The time of a CPU clock (this thread's, or another process's from clock_getcpuclockid).
pub fn cpu_clock_time(clock: libc::clockid_t) -> std::time::Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec it is given.
    let rc = unsafe { libc::clock_gettime(clock, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime({clock})");
    std::time::Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// This thread's CPU time in nanoseconds.
pub fn thread_cpu_ns() -> u64 {
    cpu_clock_time(libc::CLOCK_THREAD_CPUTIME_ID).as_nanos() as u64
}

/// Warm-up calls, then `n` measured ones: thread CPU nanoseconds of each.
pub fn measure(n: usize, mut call: impl FnMut()) -> Vec<u64> {
    for _ in 0..3 {
        call();
    }
    (0..n)
        .map(|_| {
            let started = thread_cpu_ns();
            call();
            thread_cpu_ns() - started
        })
        .collect()
}

/// A current-thread runtime: the whole call runs on the measuring thread.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime")
}
