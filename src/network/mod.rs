//! The network path of AWS calls: which proxy each call takes (the server's environment, the
//! data source's own, or none; instance metadata never takes one), which certificate
//! authorities are trusted beside the system's, the SDK HTTP client built from both, and plain
//! words for proxy and TLS failures.

pub mod client;
pub mod problem;
pub mod route;
pub mod trust;
