//! What `migrate` changes in a file, decided without touching it: which data source
//! references are CloudWatch's and what each becomes, as edits and a record of changes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::edit::Edit;
use super::tree::{rewrite, Node};
use crate::config::PLUGIN_ID;

/// Grafana's CloudWatch plugin id.
pub const CLOUDWATCH: &str = "cloudwatch";

/// Which CloudWatch data sources exist and what each becomes.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    /// Old uid → new uid (`--map`).
    uids: BTreeMap<String, String>,
    /// Names of CloudWatch data sources (`--datasources`) → their uid.
    names: BTreeMap<String, String>,
    /// Uids of CloudWatch data sources (`--datasources`).
    known_uids: BTreeSet<String>,
    /// The CloudWatch data sources stay beside the new ones, so the new ones need uids of
    /// their own (`<uid>-stratus` unless `--map` says otherwise).
    keep_original: bool,
}

impl Mapping {
    /// A mapping from `--map OLD=NEW` pairs.
    pub fn new(uids: BTreeMap<String, String>, keep_original: bool) -> Self {
        Mapping {
            uids,
            names: BTreeMap::new(),
            known_uids: BTreeSet::new(),
            keep_original,
        }
    }

    /// Adds a CloudWatch data source known from provisioning.
    pub fn learn(&mut self, name: &str, uid: &str) {
        if !name.is_empty() && !uid.is_empty() {
            self.names.insert(name.to_string(), uid.to_string());
        }
        if !uid.is_empty() {
            self.known_uids.insert(uid.to_string());
        }
        if !uid.is_empty() && !self.uids.contains_key(uid) && self.keep_original {
            self.uids.insert(uid.to_string(), format!("{uid}-stratus"));
        }
    }

    /// Whether the CloudWatch data sources stay beside the new ones (`--keep-original`).
    pub fn keeps_original(&self) -> bool {
        self.keep_original
    }

    /// Whether `text` is the uid or name of a known CloudWatch data source.
    pub fn knows(&self, text: &str) -> bool {
        self.uids.contains_key(text)
            || self.names.contains_key(text)
            || self.known_uids.contains(text)
    }

    /// The uid of the Stratus data source that replaces the CloudWatch one named or
    /// identified by `text`.
    pub fn new_uid(&self, text: &str) -> String {
        let uid = self.names.get(text).map(String::as_str).unwrap_or(text);
        match self.uids.get(uid) {
            Some(new) => new.clone(),
            None if self.keep_original => format!("{uid}-stratus"),
            None => uid.to_string(),
        }
    }

    /// Whether `uid` is one of the new data sources' (a file migrated already).
    pub fn is_new(&self, uid: &str) -> bool {
        self.uids.values().any(|v| v == uid)
    }
}

/// One value `migrate` changed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    /// Where, as a path into the file (`panels[2].targets[0].datasource.type`).
    pub at: String,
    pub from: String,
    pub to: String,
}

/// What a query found in a file is, which decides the parser that checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// A panel target or alert rule query (metrics, logs).
    Query,
    /// A template variable's query.
    Variable,
    /// An annotation's query.
    Annotation,
}

/// A migrated query, for Stratus's own parsers to check.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundQuery {
    pub at: String,
    pub kind: Found,
    pub model: Value,
}

/// Everything `migrate` would do to one file.
#[derive(Debug, Default)]
pub struct FilePlan {
    pub edits: Vec<Edit>,
    pub changes: Vec<Change>,
    pub queries: Vec<FoundQuery>,
    /// Things worth knowing that change nothing (a reference Stratus could not place).
    pub notes: Vec<String>,
    /// The dashboard's variables and their current values, to check queries that use them.
    pub variables: BTreeMap<String, String>,
}

impl FilePlan {
    /// Sets the string scalar `node` (at `at`) to `new`, if it is not that already.
    pub fn set(&mut self, node: &Node, at: &str, new: &str) {
        let Some(scalar) = node.scalar() else { return };
        let old = match &scalar.value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if old == new || scalar.span.is_empty() {
            return;
        }
        self.edits.push(Edit {
            range: scalar.span.clone(),
            text: rewrite(scalar, new),
        });
        self.changes.push(Change {
            at: at.to_string(),
            from: old,
            to: new.to_string(),
        });
    }
}

/// What a data source reference points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Points {
    /// A CloudWatch (or, already migrated, Stratus) data source.
    CloudWatch,
    /// Another data source.
    Other,
    /// No reference: the panel's (or the dashboard's default) applies.
    Inherited,
}

/// `$name` or `${name}` (or `${name:format}`): the variable's name.
pub fn variable_name(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('$')?;
    let name = match rest.strip_prefix('{') {
        Some(inner) => inner.strip_suffix('}')?.split(':').next()?,
        None => rest,
    };
    (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')).then_some(name)
}

/// Repoints a data source reference in any of its stored forms: `{type, uid}`, a uid or name
/// string, or a `$variable` naming a data source variable of CloudWatch's type.
pub fn repoint(
    plan: &mut FilePlan,
    node: Option<&Node>,
    at: &str,
    mapping: &Mapping,
    cloudwatch_variables: &BTreeSet<String>,
) -> Points {
    let Some(node) = node else {
        return Points::Inherited;
    };
    let is_variable = |s: &str| variable_name(s).is_some_and(|n| cloudwatch_variables.contains(n));
    match node {
        Node::Map(_) => {
            let uid = node.str_at("uid");
            let kind = node.str_at("type");
            let ours = match kind {
                Some(CLOUDWATCH) => true,
                Some(PLUGIN_ID) => return Points::CloudWatch,
                Some(_) => false,
                None => {
                    uid.is_some_and(|u| mapping.knows(u) || is_variable(u) || mapping.is_new(u))
                }
            };
            if !ours {
                return Points::Other;
            }
            if let Some(t) = node.get("type") {
                plan.set(t, &format!("{at}.type"), PLUGIN_ID);
            }
            if let (Some(u), Some(text)) = (node.get("uid"), uid) {
                if variable_name(text).is_none() && !mapping.is_new(text) {
                    plan.set(u, &format!("{at}.uid"), &mapping.new_uid(text));
                }
            }
            Points::CloudWatch
        }
        Node::Scalar(_) => match node.as_str() {
            None => Points::Inherited,
            Some(text) if is_variable(text) || mapping.is_new(text) => Points::CloudWatch,
            Some(text) if mapping.knows(text) => {
                plan.set(node, at, &mapping.new_uid(text));
                Points::CloudWatch
            }
            Some(_) => Points::Other,
        },
        Node::Seq(_) => Points::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::tree::parse_json;

    #[test]
    fn names_and_uids_map_to_the_new_uid() {
        let mut m = Mapping::new(BTreeMap::from([("cw".into(), "st".into())]), false);
        m.learn("CloudWatch", "cw");
        m.learn("Other CW", "cw2");
        assert_eq!(m.new_uid("CloudWatch"), "st");
        assert_eq!(m.new_uid("cw"), "st");
        assert_eq!(m.new_uid("Other CW"), "cw2");
        assert!(m.knows("Other CW") && m.is_new("st") && !m.knows("prom"));
        // Provisioning names a data source by uid as well as by name.
        assert!(m.knows("cw2"));
        assert_eq!(m.new_uid("cw2"), "cw2");
        let mut kept = Mapping::new(BTreeMap::new(), true);
        kept.learn("CloudWatch", "cw");
        assert_eq!(kept.new_uid("CloudWatch"), "cw-stratus");
    }

    #[test]
    fn references_in_every_form() {
        let m = Mapping::new(BTreeMap::from([("cw".into(), "st".into())]), false);
        let vars = BTreeSet::from(["ds".to_string()]);
        let tree = parse_json(
            r#"[{"type": "cloudwatch", "uid": "cw"}, "cw", "${ds}", {"type": "prometheus", "uid": "p"}, null, {"uid": "cw"}, {"type": "stratus-cloudwatch-datasource", "uid": "st"}]"#,
        )
        .unwrap();
        let mut plan = FilePlan::default();
        let points: Vec<Points> = tree
            .items()
            .iter()
            .enumerate()
            .map(|(i, n)| repoint(&mut plan, Some(n), &format!("[{i}]"), &m, &vars))
            .collect();
        use Points::*;
        assert_eq!(
            points,
            [CloudWatch, CloudWatch, CloudWatch, Other, Inherited, CloudWatch, CloudWatch]
        );
        let at: Vec<&str> = plan.changes.iter().map(|c| c.at.as_str()).collect();
        assert_eq!(at, ["[0].type", "[0].uid", "[1]", "[5].uid"]);
        assert_eq!(variable_name("${ds:raw}"), Some("ds"));
        assert_eq!(variable_name("$__all"), Some("__all"));
        assert_eq!(variable_name("cw"), None);
    }
}
