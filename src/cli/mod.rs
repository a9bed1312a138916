//! The command line: `check` and `query` run the plugin's own code paths (settings, policy,
//! credentials, health check, QueryData) for data sources from a provisioning file, so an
//! operator can see from the Grafana host why a data source fails.

mod check;
mod migrate;
pub mod provisioning;
mod query;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::app::RequestContext;
use crate::config::PLUGIN_ID;
use provisioning::DataSource;

/// Stratus CloudWatch data source backend. Grafana starts it to serve the plugin protocol;
/// started by a person, it checks and queries provisioned data sources the same way Grafana's
/// requests do, with the server settings (AWS_AUTH_*) of its environment.
#[derive(Debug, Parser)]
#[command(name = "gpx_stratus_linux_amd64", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the health check (Save & test) of provisioned data sources, with who you are,
    /// where the credentials came from, which files were read and when they expire.
    Check(CheckArgs),
    /// Run a Grafana-format CloudWatch query through a provisioned data source and print the
    /// frames.
    Query(QueryArgs),
    /// Move dashboards, alert rules and data source provisioning from Grafana's CloudWatch to
    /// Stratus: only data source references change, and every query is checked first. Exit 0
    /// when all is clean, 1 when something would be refused or a file could not be migrated.
    Migrate(MigrateArgs),
}

/// Arguments of `migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Dashboard JSON files (exported, provisioned or the API's {"dashboard": ...}), alert rule
    /// files (YAML or JSON), data source provisioning files, or folders of them.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// A CloudWatch data source uid and the uid of the Stratus data source that replaces it.
    #[arg(long = "map", value_name = "OLD_UID=NEW_UID", value_parser = crate::migrate::parse_map)]
    pub map: Vec<(String, String)>,
    /// Data source provisioning file(s) naming the CloudWatch data sources (by name and uid).
    #[arg(long, value_name = "PROVISIONING.yaml")]
    pub datasources: Vec<PathBuf>,
    /// Keep the CloudWatch data sources and add Stratus ones beside them (uid <uid>-stratus
    /// unless --map says otherwise), so both run during the switch.
    #[arg(long)]
    pub keep_original: bool,
    /// Write the migrated files under this folder (same relative paths).
    #[arg(long, value_name = "DIR", conflicts_with = "in_place")]
    pub out: Option<PathBuf>,
    /// Overwrite the files (each through a temporary file and a rename).
    #[arg(long)]
    pub in_place: bool,
    /// Write nothing, only report.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Which data sources, and how to print.
#[derive(Debug, Args)]
pub struct Source {
    /// Grafana provisioning file with the data source(s); ${VAR}, $__env{} and $__file{} are
    /// expanded from this environment, as Grafana does.
    #[arg(long, value_name = "FILE")]
    pub provisioning: PathBuf,
    /// Name or uid of the data source (default: every Stratus data source in the file for
    /// check, the only one for query).
    #[arg(long)]
    pub name: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub source: Source,
}

/// Arguments of `query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    #[command(flatten)]
    pub source: Source,
    /// The query: Grafana CloudWatch query JSON (an object, or an array of them), or @FILE.
    #[arg(long, value_name = "JSON_OR_@FILE")]
    pub query: String,
    /// Range start: now, now-1h, -1h, RFC 3339 or epoch milliseconds.
    #[arg(long, default_value = "now-1h", allow_hyphen_values = true)]
    pub from: String,
    /// Range end, in the same forms.
    #[arg(long, default_value = "now", allow_hyphen_values = true)]
    pub to: String,
}

/// The request context Grafana would send for a provisioned data source.
fn context(ds: &DataSource) -> RequestContext {
    RequestContext {
        data_source: Some(ds.instance(0)),
        ..Default::default()
    }
}

fn select(source: &Source, single: bool) -> Result<Vec<DataSource>, String> {
    let all = provisioning::load(&source.provisioning).map_err(|e| e.to_string())?;
    let ours: Vec<DataSource> = all.into_iter().filter(|d| d.kind == PLUGIN_ID).collect();
    let names: Vec<String> = ours.iter().map(|d| format!("{:?}", d.name)).collect();
    let chosen: Vec<DataSource> = match &source.name {
        Some(n) => ours
            .into_iter()
            .filter(|d| &d.name == n || &d.uid == n)
            .collect(),
        None => ours,
    };
    match chosen.len() {
        0 => Err(format!(
            "no {PLUGIN_ID} data source{} in {} (found: {})",
            source
                .name
                .as_ref()
                .map(|n| format!(" named {n:?}"))
                .unwrap_or_default(),
            source.provisioning.display(),
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        )),
        n if single && n > 1 => Err(format!(
            "{} has several data sources ({}); choose one with --name",
            source.provisioning.display(),
            names.join(", ")
        )),
        _ => Ok(chosen),
    }
}

/// Runs a subcommand; the exit code is 0 when everything succeeded, 1 when a check or query
/// failed, 2 when the command could not run.
pub async fn run(cli: Cli) -> ExitCode {
    let result = match &cli.command {
        Command::Check(a) => check::run(a).await,
        Command::Query(a) => query::run(a).await,
        Command::Migrate(a) => migrate::run(a),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
