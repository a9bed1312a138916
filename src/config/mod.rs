//! Configuration, all pure: the data source settings Grafana stores, the server policy, and
//! Grafana's way of writing values (JSON fields, durations, booleans).

pub mod json;
pub mod names;
pub mod network;
pub mod policy;
pub mod secret;
pub mod settings;
pub mod values;

/// The plugin id: what admins list in `[aws] forward_settings_to_plugins` and what Grafana
/// calls the data source type.
pub const PLUGIN_ID: &str = "stratus-cloudwatch-datasource";
