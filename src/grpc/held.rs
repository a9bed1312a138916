//! Keeps a request's [`Hold`] until Grafana has its response: hyper polls a response body
//! only as the connection's flow control lets its bytes out, and drops it once they are out.

use std::pin::Pin;
use std::task::{Context, Poll};

use http_body::{Body as HttpBody, Frame, SizeHint};
use tonic::body::Body;

use crate::memory::Hold;

/// A response body that holds the request's [`Hold`] while it lives.
struct HeldBody {
    inner: Body,
    _hold: Hold,
}

impl HttpBody for HeldBody {
    type Data = <Body as HttpBody>::Data;
    type Error = <Body as HttpBody>::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Moves the [`Hold`] a handler put in the response's extensions into its body.
pub fn until_sent(mut response: http::Response<Body>) -> http::Response<Body> {
    match response.extensions_mut().remove::<Hold>() {
        Some(hold) => response.map(|inner| Body::new(HeldBody { inner, _hold: hold })),
        None => response,
    }
}
