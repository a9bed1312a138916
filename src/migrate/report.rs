//! What `migrate` tells the operator, per file and in sum, as text or JSON.

use std::path::PathBuf;

use serde::Serialize;

use super::plan::Change;

/// What a file was taken for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FileKind {
    Dashboard,
    AlertRules,
    DataSources,
}

impl FileKind {
    fn noun(self) -> &'static str {
        match self {
            FileKind::Dashboard => "dashboard",
            FileKind::AlertRules => "alert rules",
            FileKind::DataSources => "data source provisioning",
        }
    }
}

/// A query Stratus would refuse (or that needs a variable's value), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub at: String,
    pub message: String,
}

/// One file's outcome.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileReport {
    pub path: PathBuf,
    pub kind: Option<FileKind>,
    pub changes: Vec<Change>,
    pub queries_checked: usize,
    /// Queries Grafana never sends (not checked).
    pub never_sent: usize,
    pub refused: Vec<Finding>,
    pub needs_value: Vec<Finding>,
    pub notes: Vec<String>,
    /// Why the file could not be migrated (it is left as it was).
    pub error: Option<String>,
    /// Where the migrated file was written.
    pub written: Option<PathBuf>,
}

/// Totals over all files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub files: usize,
    pub changed_files: usize,
    pub changes: usize,
    pub queries_checked: usize,
    pub never_sent: usize,
    pub refused: usize,
    pub needs_value: usize,
    pub errors: usize,
    pub written: usize,
}

/// The totals of `files`.
pub fn summarize(files: &[FileReport]) -> Summary {
    Summary {
        files: files.len(),
        changed_files: files.iter().filter(|f| !f.changes.is_empty()).count(),
        changes: files.iter().map(|f| f.changes.len()).sum(),
        queries_checked: files.iter().map(|f| f.queries_checked).sum(),
        never_sent: files.iter().map(|f| f.never_sent).sum(),
        refused: files.iter().map(|f| f.refused.len()).sum(),
        needs_value: files.iter().map(|f| f.needs_value.len()).sum(),
        errors: files.iter().filter(|f| f.error.is_some()).count(),
        written: files.iter().filter(|f| f.written.is_some()).count(),
    }
}

/// The report as JSON.
pub fn json(files: &[FileReport]) -> String {
    serde_json::to_string_pretty(
        &serde_json::json!({ "files": files, "summary": summarize(files) }),
    )
    .unwrap_or_default()
}

/// The report as text; `wrote_nothing` says why nothing was written, when nothing was.
pub fn text(files: &[FileReport], wrote_nothing: Option<&str>) -> String {
    let mut out = String::new();
    for f in files {
        let path = f.path.display();
        match (&f.error, f.kind) {
            (Some(e), _) => out.push_str(&format!("{path}: not migrated: {e}\n")),
            (None, Some(kind)) => {
                out.push_str(&format!(
                    "{path} ({}): {} change{}, {} quer{} checked\n",
                    kind.noun(),
                    f.changes.len(),
                    if f.changes.len() == 1 { "" } else { "s" },
                    f.queries_checked,
                    if f.queries_checked == 1 { "y" } else { "ies" }
                ));
                for c in &f.changes {
                    if c.from.is_empty() {
                        out.push_str(&format!("  + {}: {}\n", c.at, c.to));
                    } else {
                        out.push_str(&format!("  {}: {} → {}\n", c.at, c.from, c.to));
                    }
                }
                for r in &f.refused {
                    out.push_str(&format!("  REFUSED {}: {}\n", r.at, r.message));
                }
                for r in &f.needs_value {
                    out.push_str(&format!(
                        "  needs a variable's value {}: {}\n",
                        r.at, r.message
                    ));
                }
                for n in &f.notes {
                    out.push_str(&format!("  note: {n}\n"));
                }
                if let Some(w) = &f.written {
                    out.push_str(&format!("  written to {}\n", w.display()));
                }
            }
            (None, None) => {}
        }
    }
    let s = summarize(files);
    out.push_str(&format!(
        "{} file{}: {} changed ({} changes), {} queries checked, {} skipped as Grafana never sends them, {} refused, {} need a variable's value, {} not migrated",
        s.files,
        if s.files == 1 { "" } else { "s" },
        s.changed_files,
        s.changes,
        s.queries_checked,
        s.never_sent,
        s.refused,
        s.needs_value,
        s.errors
    ));
    match wrote_nothing {
        Some(why) => out.push_str(&format!("; nothing written ({why})\n")),
        None => out.push_str(&format!("; {} written\n", s.written)),
    }
    out
}
