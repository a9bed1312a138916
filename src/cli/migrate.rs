//! `migrate`: the options from the command line, the report to stdout.

use crate::migrate::{self, report, Options, Output};

use super::MigrateArgs;

/// Runs the migration; true when every query is accepted and every file migrated, an error
/// when it cannot run as asked (a `--datasources` file it cannot read or parse).
pub fn run(args: &MigrateArgs) -> Result<bool, String> {
    let output = match (&args.out, args.in_place, args.dry_run) {
        (_, _, true) => Output::Nowhere,
        (Some(dir), _, false) => Output::Folder(dir.clone()),
        (None, true, false) => Output::InPlace,
        (None, false, false) => Output::Nowhere,
    };
    let why_nothing = match (&output, args.dry_run) {
        (Output::Nowhere, true) => Some("--dry-run"),
        (Output::Nowhere, false) => Some("pass --out DIR or --in-place to write"),
        _ => None,
    };
    let options = Options {
        paths: args.paths.clone(),
        map: args.map.iter().cloned().collect(),
        datasources: args.datasources.clone(),
        keep_original: args.keep_original,
        output,
    };
    let files = migrate::run(&options).map_err(|e| e.to_string())?;
    if args.json {
        println!("{}", report::json(&files));
    } else {
        print!("{}", report::text(&files, why_nothing));
    }
    let summary = report::summarize(&files);
    Ok(summary.refused == 0 && summary.errors == 0)
}
