//! The AWS edge: sessions (credentials, endpoints, clients) built from validated settings with
//! aws-config's own providers, and AWS failures turned into what a user can act on.

pub mod credentials;
pub mod endpoints;
pub mod explain;
pub mod failure;
#[cfg(test)]
pub mod recorded;
pub mod session;
pub mod source;
pub mod user_agent;
