//! The health check (Save & test, and the `check` command): who the credentials resolve to,
//! whether CloudWatch answers, and for a failure the step, AWS's error and a hint.

pub mod message;
pub mod probe;

pub use message::{Outcome, Step};
