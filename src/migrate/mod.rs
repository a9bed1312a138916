//! `migrate`: moves dashboards, alert rules and data source provisioning from Grafana's
//! CloudWatch to Stratus, changing only the data source references (key order, formatting and
//! comments stay), and checks every migrated query with Stratus's own parsers first.
//!
//! [`tree`] reads JSON and YAML with positions, [`dashboard`], [`alerts`] and [`datasources`]
//! plan the edits ([`plan`]), [`check`] runs the parsers, [`edit`] applies the edits and
//! [`report`] says what happened; this module reads and writes the files.

pub mod alerts;
pub mod check;
pub mod dashboard;
pub mod datasources;
pub mod edit;
pub mod plan;
pub mod report;
pub mod tree;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use check::Verdict;
use plan::{FilePlan, Mapping};
use report::{FileKind, FileReport, Finding};
use tree::{Node, SyntaxError};

/// Where migrated files go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Nowhere: the report only (the default, and `--dry-run`).
    Nowhere,
    /// Over the input files.
    InPlace,
    /// Under a folder, at each file's path relative to the argument it was found under.
    Folder(PathBuf),
}

/// What to migrate and how.
#[derive(Debug, Clone)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub map: BTreeMap<String, String>,
    pub datasources: Vec<PathBuf>,
    pub keep_original: bool,
    pub output: Output,
}

/// A `--datasources` file `migrate` cannot use: the command cannot run as asked.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    /// It cannot be read.
    #[error("--datasources {path}: cannot be read: {source}")]
    Unreadable {
        path: String,
        source: std::io::Error,
    },
    /// It is not JSON or YAML.
    #[error("--datasources {path}: is not a provisioning file: {reason}")]
    Unparsable { path: String, reason: String },
}

/// A file to migrate and the path it is written under in an output folder.
struct Input {
    path: PathBuf,
    relative: PathBuf,
}

/// A file's text and tree, or why it has none.
type Parsed = Result<(String, Node), String>;

/// Whether a file name is one `migrate` reads inside folders.
fn wanted(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("json" | "yaml" | "yml")
    )
}

/// The files under the arguments, in a stable order; unreadable arguments become reports.
fn inputs(paths: &[PathBuf], reports: &mut Vec<FileReport>) -> Vec<Input> {
    let mut found = Vec::new();
    for arg in paths {
        if arg.is_dir() {
            let mut stack = vec![arg.clone()];
            let mut files = Vec::new();
            while let Some(dir) = stack.pop() {
                match std::fs::read_dir(&dir) {
                    Ok(entries) => {
                        for e in entries.flatten() {
                            let p = e.path();
                            if p.is_dir() {
                                stack.push(p);
                            } else if wanted(&p) {
                                files.push(p);
                            }
                        }
                    }
                    Err(e) => reports.push(unreadable(&dir, &e)),
                }
            }
            files.sort();
            found.extend(files.into_iter().map(|p| Input {
                relative: p.strip_prefix(arg).unwrap_or(&p).to_path_buf(),
                path: p,
            }));
        } else {
            found.push(Input {
                relative: arg
                    .file_name()
                    .map(PathBuf::from)
                    .unwrap_or_else(|| arg.clone()),
                path: arg.clone(),
            });
        }
    }
    found
}

fn unreadable(path: &Path, e: &std::io::Error) -> FileReport {
    FileReport {
        path: path.to_path_buf(),
        error: Some(format!("cannot be read: {e}")),
        ..Default::default()
    }
}

/// Parses a file as YAML or JSON, by its name (YAML also reads JSON, but without positions
/// as exact for JSON's escapes, so `.json` files use the JSON parser).
pub fn parse(path: &Path, text: &str) -> Result<Node, SyntaxError> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("yaml" | "yml") => tree::parse_yaml(text),
        _ => tree::parse_json(text),
    }
}

/// What a file is and what migrating it does (pure).
pub fn plan_file(
    text: &str,
    tree: &Node,
    mapping: &Mapping,
) -> Result<(FileKind, FilePlan), String> {
    if let Some((dash, root)) = dashboard::model(tree) {
        return Ok((FileKind::Dashboard, dashboard::plan(dash, root, mapping)));
    }
    if alerts::is_rules(tree) {
        return Ok((FileKind::AlertRules, alerts::plan(tree, mapping)));
    }
    if datasources::is_provisioning(tree) {
        return Ok((
            FileKind::DataSources,
            datasources::plan(text, tree, mapping)?,
        ));
    }
    Err("is neither a dashboard, an alert rules file nor data source provisioning".into())
}

/// Writes `text` to `path` through a temporary file beside it, so a reader never sees half a file.
fn write_whole(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        std::fs::set_permissions(tmp.path(), meta.permissions())?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Migrates every file; each file's outcome is reported, one file's failure stops no other.
/// A `--datasources` file that cannot be read or parsed stops the command before any file.
pub fn run(options: &Options) -> Result<Vec<FileReport>, UsageError> {
    let mut mapping = Mapping::new(options.map.clone(), options.keep_original);
    // The CloudWatch data sources provisioning names, from --datasources and the inputs.
    for path in &options.datasources {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| UsageError::Unreadable {
            path: shown.clone(),
            source,
        })?;
        let tree = parse(path, &text).map_err(|e| UsageError::Unparsable {
            path: shown,
            reason: e.to_string(),
        })?;
        datasources::learn(&tree, &mut mapping);
    }
    let mut reports = Vec::new();
    let files = inputs(&options.paths, &mut reports);
    let mut read: Vec<(Input, Parsed)> = Vec::new();
    for input in files {
        let parsed = std::fs::read_to_string(&input.path)
            .map_err(|e| format!("cannot be read: {e}"))
            .and_then(|text| {
                parse(&input.path, &text)
                    .map(|t| (text, t))
                    .map_err(|e| e.to_string())
            });
        if let Ok((_, tree)) = &parsed {
            datasources::learn(tree, &mut mapping);
        }
        read.push((input, parsed));
    }

    for (input, parsed) in read {
        let mut report = FileReport {
            path: input.path.clone(),
            ..Default::default()
        };
        let outcome =
            parsed.and_then(|(text, tree)| plan_file(&text, &tree, &mapping).map(|p| (text, p)));
        match outcome {
            Err(e) => report.error = Some(e),
            Ok((text, (kind, plan))) => {
                report.kind = Some(kind);
                for q in &plan.queries {
                    match check::check(q, &plan.variables) {
                        Verdict::Accepted => {}
                        Verdict::NeverSent => report.never_sent += 1,
                        Verdict::Refused(message) => report.refused.push(Finding {
                            at: q.at.clone(),
                            message,
                        }),
                        Verdict::NeedsValue(message) => report.needs_value.push(Finding {
                            at: q.at.clone(),
                            message,
                        }),
                    }
                }
                report.queries_checked = plan.queries.len() - report.never_sent;
                report.notes = plan.notes;
                report.changes = plan.changes;
                let migrated = edit::apply(&text, plan.edits);
                let target = match &options.output {
                    Output::Nowhere => None,
                    Output::InPlace => (migrated != text).then(|| input.path.clone()),
                    Output::Folder(dir) => Some(dir.join(&input.relative)),
                };
                if let Some(target) = target {
                    match write_whole(&target, &migrated) {
                        Ok(()) => report.written = Some(target),
                        Err(e) => {
                            report.error =
                                Some(format!("cannot be written to {}: {e}", target.display()))
                        }
                    }
                }
            }
        }
        reports.push(report);
    }
    Ok(reports)
}

/// Reads `OLD=NEW` (`--map`).
pub fn parse_map(pair: &str) -> Result<(String, String), String> {
    match pair.split_once('=') {
        Some((old, new)) if !old.trim().is_empty() && !new.trim().is_empty() => {
            Ok((old.trim().to_string(), new.trim().to_string()))
        }
        _ => Err(format!("{pair:?} is not OLD_UID=NEW_UID")),
    }
}
