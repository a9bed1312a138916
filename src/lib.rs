//! Stratus: a Grafana CloudWatch data source backend that authenticates to AWS the way
//! Grafana's own AWS data sources do.
//!
//! How a request flows: [`grpc`] (Grafana's protocol) hands it to [`app`], which parses the
//! data source settings and applies the server policy ([`config`]), finds the cached AWS
//! session ([`aws`]), and sends each query to the feature that answers its type: [`metrics`]
//! for CloudWatch metrics, [`logs`] for Logs Insights, [`variables`] and [`annotations`] for
//! template variables and alarm annotations, [`resources`] for the editors' lookups,
//! [`health`] for Save & test.
//! [`query`] is what all query types share, [`frames`] writes Grafana's data frames,
//! [`observability`] logs, counts and traces, and [`cli`] runs the same paths from a shell;
//! [`migrate`] moves dashboards, alert rules and provisioning over from Grafana's CloudWatch.
//!
//! Functional core, imperative shell: parsing, policy, planning, response assembly and frame
//! building are pure; AWS calls live in `aws::session`, the features' `execute` modules,
//! `resources::{lookups, ec2, tagging, oam}` and `health::probe`, gRPC in `grpc`.

pub mod annotations;
pub mod app;
pub mod aws;
pub mod cli;
pub mod clock;
pub mod config;
pub mod frames;
pub mod grpc;
pub mod health;
pub mod logs;
pub mod memory;
pub mod metrics;
pub mod migrate;
pub mod network;
pub mod observability;
pub mod query;
pub mod resources;
pub mod variables;
