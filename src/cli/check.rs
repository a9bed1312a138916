//! `check`: the health check of provisioned data sources, with who they authenticate as, where
//! the credentials came from, which shared files were read and when the credentials expire.

use serde_json::{json, Value};

use crate::app::Plugin;
use crate::config::settings::Credentials;
use crate::health::message::FileFacts;
use crate::health::probe::shared_files;

use super::{context, select, CheckArgs};

fn file_facts_json(files: &FileFacts) -> Value {
    Value::Array(
        files
            .files
            .iter()
            .map(|f| json!({ "path": f.path.display().to_string(), "exists": f.exists, "mode": f.mode.map(|m| format!("{m:04o}")) }))
            .collect(),
    )
}

/// Runs `check`: true when every data source is healthy.
pub async fn run(args: &CheckArgs) -> Result<bool, String> {
    let sources = select(&args.source, false)?;
    let plugin = Plugin::from_env();
    let files = shared_files();
    let mut all_ok = true;
    let mut report = Vec::new();
    for ds in &sources {
        let ctx = context(ds);
        let outcome = plugin.health(&ctx).await;
        all_ok &= outcome.ok;
        // The shared files matter only to the modes that read them, once the policy let the
        // data source through.
        let profile = match plugin.settings(&ctx).map(|(s, _)| s.credentials) {
            Ok(Credentials::Profile(name)) => Some(name),
            Ok(Credentials::Default) => {
                Some(std::env::var("AWS_PROFILE").unwrap_or_else(|_| "default".into()))
            }
            _ => None,
        };
        let reads_files = profile.is_some();
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
            "  CloudWatch:   reachable in {} (metrics and logs)",
            d["region"].as_str().unwrap_or_default()
        );
    } else {
        print_failure(d);
    }
    if let Some(n) = d["network"].as_str() {
        println!("  network:      {n}");
    }
    for ca in d["caBundles"].as_array().into_iter().flatten() {
        println!("  trusted CA:   {}", ca.as_str().unwrap_or_default());
    }
    print_files(r);
}

fn print_failure(d: &Value) {
    println!("  failed step:  {}", d["step"].as_str().unwrap_or_default());
    if let Some(source) = d["credentialsSource"].as_str() {
        println!("  credentials:  from {source}");
    }
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

fn print_files(r: &Value) {
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
