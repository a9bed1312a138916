//! The command line: `check` and `query` run the plugin's own code paths (settings, policy,
//! credentials, health check, QueryData) for data sources from a provisioning file, so an
//! operator can see from the Grafana host why a data source fails.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::pluginv2;
use clap::{Args, Parser, Subcommand};
use serde_json::{json, Value};

use crate::frames::SeriesFrame;
use crate::health::FileFacts;
use crate::policy::{parse_duration, Policy, PLUGIN_ID};
use crate::provisioning::{self, DataSource};
use crate::server::Plugin;

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

/// Parses a time: `now`, `now-1h`, `-1h`, RFC 3339 or epoch milliseconds.
pub fn parse_time(value: &str, now_ms: i64) -> Option<i64> {
    let v = value.trim();
    if v == "now" {
        return Some(now_ms);
    }
    if let Some(rel) = v.strip_prefix("now-").or_else(|| v.strip_prefix('-')) {
        return parse_duration(rel).map(|d| now_ms - d.as_millis() as i64);
    }
    if let Ok(ms) = v.parse::<i64>() {
        return Some(ms);
    }
    aws_smithy_types::DateTime::from_str(v, aws_smithy_types::date_time::Format::DateTime)
        .ok()
        .and_then(|d| d.to_millis().ok())
}

/// A plugin context for a provisioned data source, as Grafana would send it.
pub fn context(ds: &DataSource) -> pluginv2::PluginContext {
    pluginv2::PluginContext {
        org_id: 1,
        plugin_id: PLUGIN_ID.into(),
        user: None,
        app_instance_settings: None,
        data_source_instance_settings: Some(pluginv2::DataSourceInstanceSettings {
            name: ds.name.clone(),
            uid: ds.uid.clone(),
            database: ds.database.clone(),
            json_data: ds.json_bytes(),
            decrypted_secure_json_data: ds.secure_json_data.clone(),
            ..Default::default()
        }),
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

fn file_facts_json(files: &FileFacts) -> Value {
    Value::Array(
        files
            .files
            .iter()
            .map(|f| json!({ "path": f.path.display().to_string(), "exists": f.exists, "mode": f.mode.map(|m| format!("{m:04o}")) }))
            .collect(),
    )
}

async fn check(args: &CheckArgs) -> Result<bool, String> {
    let sources = select(&args.source, false)?;
    let plugin = Plugin::new(Policy::from_env());
    let files = FileFacts::gather();
    let mut all_ok = true;
    let mut report = Vec::new();
    for ds in &sources {
        let outcome = plugin.health(Some(&context(ds))).await;
        all_ok &= outcome.ok;
        let auth = outcome.details["authType"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let reads_files = auth == "credentials" || auth == "default";
        let profile = match auth.as_str() {
            "credentials" => Some(
                ds.json_data
                    .as_ref()
                    .and_then(|j| j["profile"].as_str())
                    .filter(|p| !p.is_empty())
                    .unwrap_or(if ds.database.is_empty() {
                        "default"
                    } else {
                        &ds.database
                    })
                    .to_string(),
            ),
            "default" => Some(std::env::var("AWS_PROFILE").unwrap_or_else(|_| "default".into())),
            _ => None,
        };
        report.push(json!({
            "name": ds.name,
            "uid": ds.uid,
            "ok": outcome.ok,
            "message": outcome.message,
            "details": outcome.details,
            "profile": profile,
            "files": if reads_files { file_facts_json(&files) } else { json!([]) },
        }));
    }
    if args.source.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        for r in &report {
            print_check(r);
        }
    }
    Ok(all_ok)
}

fn print_check(r: &Value) {
    let d = &r["details"];
    println!(
        "{} {} (uid {})",
        if r["ok"] == true { "OK  " } else { "FAIL" },
        r["name"].as_str().unwrap_or_default(),
        r["uid"].as_str().unwrap_or_default()
    );
    if r["ok"] == true {
        println!(
            "  identity:     {} (account {})",
            d["arn"].as_str().unwrap_or_default(),
            d["account"].as_str().unwrap_or_default()
        );
        println!(
            "  auth:         {}{}",
            d["authProvider"].as_str().unwrap_or_default(),
            d["assumedRole"]
                .as_str()
                .map(|a| format!(", assumed {a}"))
                .unwrap_or_default()
        );
        println!(
            "  credentials:  from {}",
            d["credentialsSource"].as_str().unwrap_or("the provider")
        );
        println!(
            "  expires:      {}",
            d["credentialsExpiry"]
                .as_str()
                .unwrap_or("never (long-lived keys)")
        );
        println!(
            "  CloudWatch:   reachable in {}",
            d["region"].as_str().unwrap_or_default()
        );
    } else {
        println!("  failed step:  {}", d["step"].as_str().unwrap_or_default());
        if let Some(code) = d["code"].as_str() {
            println!(
                "  AWS error:    {code}{}",
                d["httpStatus"]
                    .as_u64()
                    .map(|s| format!(" (HTTP {s})"))
                    .unwrap_or_default()
            );
        }
        println!(
            "  message:      {}",
            d["message"].as_str().unwrap_or_default()
        );
        if let Some(h) = d["hint"].as_str() {
            println!("  hint:         {h}");
        }
    }
    if let Some(p) = r["profile"].as_str() {
        println!("  profile:      {p}");
    }
    for f in r["files"].as_array().into_iter().flatten() {
        let state = if f["exists"] == true {
            format!("found, mode {}", f["mode"].as_str().unwrap_or("?"))
        } else {
            "missing".to_string()
        };
        println!(
            "  file:         {} ({state})",
            f["path"].as_str().unwrap_or_default()
        );
    }
}

fn read_queries(arg: &str) -> Result<Vec<Value>, String> {
    let text = match arg.strip_prefix('@') {
        Some(path) => {
            std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?
        }
        None => arg.to_string(),
    };
    match serde_json::from_str::<Value>(&text).map_err(|e| format!("--query is not JSON: {e}"))? {
        Value::Array(items) => Ok(items),
        one @ Value::Object(_) => Ok(vec![one]),
        _ => Err("--query must be a JSON object or an array of objects".into()),
    }
}

async fn query(args: &QueryArgs) -> Result<bool, String> {
    let ds = select(&args.source, true)?.remove(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let from = parse_time(&args.from, now).ok_or_else(|| {
        format!(
            "--from {:?} is not a time (now, now-1h, -1h, RFC 3339, epoch ms)",
            args.from
        )
    })?;
    let to = parse_time(&args.to, now).ok_or_else(|| {
        format!(
            "--to {:?} is not a time (now, now-1h, -1h, RFC 3339, epoch ms)",
            args.to
        )
    })?;
    let queries: Vec<pluginv2::DataQuery> = read_queries(&args.query)?
        .into_iter()
        .enumerate()
        .map(|(i, q)| pluginv2::DataQuery {
            ref_id: q["refId"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| char::from(b'A' + (i % 26) as u8).to_string()),
            time_range: Some(pluginv2::TimeRange {
                from_epoch_ms: from,
                to_epoch_ms: to,
            }),
            json: q.to_string().into_bytes(),
            ..Default::default()
        })
        .collect();
    let order: Vec<String> = queries.iter().map(|q| q.ref_id.clone()).collect();
    let plugin = Plugin::new(Policy::from_env());
    let req = pluginv2::QueryDataRequest {
        plugin_context: Some(context(&ds)),
        headers: HashMap::new(),
        queries,
    };
    let responses = plugin.query_data(&req, None).await;
    let mut ok = true;
    let mut report = Vec::new();
    for ref_id in &order {
        let Some(r) = responses.get(ref_id) else {
            continue;
        };
        ok &= r.error.is_empty();
        let frames: Vec<SeriesFrame> = r
            .frames
            .iter()
            .filter_map(|f| SeriesFrame::from_arrow(f).ok())
            .collect();
        report.push((ref_id.clone(), r.error.clone(), frames));
    }
    if args.source.json {
        let v: Vec<Value> = report
            .iter()
            .map(|(ref_id, error, frames)| json!({ "refId": ref_id, "error": if error.is_empty() { Value::Null } else { json!(error) }, "frames": frames.iter().map(SeriesFrame::to_json).collect::<Vec<_>>() }))
            .collect();
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        for (ref_id, error, frames) in &report {
            if !error.is_empty() {
                println!("{ref_id}: error: {error}");
                continue;
            }
            for f in frames {
                print!("{}", f.to_table());
            }
        }
    }
    Ok(ok)
}

/// Runs a subcommand; the exit code is 0 when everything succeeded, 1 when a check or query
/// failed, 2 when the command could not run.
pub async fn run(cli: Cli) -> ExitCode {
    let result = match &cli.command {
        Command::Check(a) => check(a).await,
        Command::Query(a) => query(a).await,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        let now = 1_700_000_000_000;
        assert_eq!(parse_time("now", now), Some(now));
        assert_eq!(parse_time("now-1h", now), Some(now - 3_600_000));
        assert_eq!(parse_time("-15m", now), Some(now - 900_000));
        assert_eq!(parse_time("1699999999000", now), Some(1_699_999_999_000));
        assert_eq!(parse_time("2023-11-14T22:13:20Z", now), Some(now));
        assert_eq!(parse_time("yesterday", now), None);
    }

    #[test]
    fn queries_from_argument() {
        assert_eq!(read_queries(r#"{"namespace":"N"}"#).unwrap().len(), 1);
        assert_eq!(read_queries(r#"[{"refId":"X"},{}]"#).unwrap().len(), 2);
        assert!(read_queries("7").is_err());
        assert!(read_queries("@/nonexistent/q.json")
            .unwrap_err()
            .contains("cannot read"));
    }
}
