//! Grafana data frames, encoded as Arrow IPC file bytes the way Grafana's Go SDK reads them:
//! schema metadata `name`, `refId`, `meta`; field metadata `name`, `labels`, `config`.
//! Labels and config are written together (grafana-plugin-sdk 0.5.0 drops labels when a field
//! has config, which would merge a multi-dimensional alert into one instance).

pub mod series;
pub mod table;

pub use series::SeriesFrame;
