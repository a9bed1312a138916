//! Stratus: a Grafana CloudWatch data source backend that authenticates to AWS the way
//! Grafana's own AWS data sources do.
//!
//! Functional core: [`settings`], [`policy`], [`query`], [`planner`], [`frames`] and the
//! message-building parts of [`health`] are pure. Imperative shell: [`auth`] (AWS SDK
//! providers), [`cloudwatch`] and [`resources`] (AWS calls) and [`server`] (gRPC).

pub mod auth;
/// Grafana's plugin protocol, generated from proto/pluginv2.proto.
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod pluginv2 {
    tonic::include_proto!("pluginv2");
}
pub mod cli;
pub mod cloudwatch;
pub mod errors;
pub mod frames;
pub mod health;
pub mod logging;
pub mod metrics;
pub mod planner;
pub mod policy;
pub mod provisioning;
pub mod query;
pub mod resources;
pub mod server;
pub mod settings;
pub mod telemetry;
