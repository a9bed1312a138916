//! What both sides of the wire benchmark share: an HTTP client that answers every call with
//! the same bytes (the SDK's whole call, signing and deserializing, with no network), and
//! CPU time per call on the calling thread.

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::{Response, StatusCode};
use aws_smithy_types::body::SdkBody;

/// Answers every request with `body` and `headers`.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub body: bytes::Bytes,
    pub headers: Vec<(&'static str, String)>,
}

impl HttpConnector for Recorded {
    fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
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
