//! Grafana's own CloudWatch tests as the definition of "behaves like Grafana": each test here
//! mirrors cases of grafana/grafana-cloudwatch-datasource's tests (the file and the test named
//! in each module and above each test), checking the same thing either through the built
//! plugin over gRPC against moto in auth mode (what reaches AWS recorded at a proxy or at the
//! fixture for what moto lacks), or through Stratus's pure core fed with the same AWS outputs,
//! frames decoded with arrow-rs's own reader. Where Stratus deliberately differs, the test
//! asserts Stratus's behaviour and says so; the README lists each difference.

mod common;

#[path = "parity/support.rs"]
mod support;

#[path = "parity/metric_data_query_builder.rs"]
mod metric_data_query_builder;

#[path = "parity/cloudwatch_query.rs"]
mod cloudwatch_query;

#[path = "parity/response_parser.rs"]
mod response_parser;

#[path = "parity/time_series_query.rs"]
mod time_series_query;

#[path = "parity/get_dimension_values_for_wildcards.rs"]
mod get_dimension_values_for_wildcards;

#[path = "parity/log_query.rs"]
mod log_query;

#[path = "parity/log_actions.rs"]
mod log_actions;

#[path = "parity/variables.rs"]
mod variables;

#[path = "parity/annotation_query.rs"]
mod annotation_query;
