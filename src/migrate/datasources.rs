//! Data source provisioning: a `type: cloudwatch` entry becomes a Stratus entry with the same
//! jsonData and secureJsonData (Stratus reads Grafana's keys), with the uid `--map` gives; with
//! `--keep-original` the CloudWatch entry stays and the Stratus entry is added after it, so
//! both run during the switch.

use serde_json::{Map, Value};

use super::edit::insert;
use super::plan::{FilePlan, Mapping, CLOUDWATCH};
use super::tree::{Node, Scalar, Style};
use crate::config::PLUGIN_ID;

/// Whether a file is data source provisioning: `datasources` entries with a `type`.
pub fn is_provisioning(tree: &Node) -> bool {
    tree.get("datasources")
        .is_some_and(|d| d.items().iter().any(|ds| ds.get("type").is_some()))
}

/// The CloudWatch entries of a provisioning file: (name, uid).
pub fn cloudwatch_entries(tree: &Node) -> Vec<(String, String)> {
    tree.get("datasources")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter(|ds| ds.str_at("type") == Some(CLOUDWATCH))
        .map(|ds| {
            (
                ds.str_at("name").unwrap_or_default().to_string(),
                ds.str_at("uid").unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Teaches `mapping` the CloudWatch data sources a provisioning file names.
pub fn learn(tree: &Node, mapping: &mut Mapping) {
    for (name, uid) in cloudwatch_entries(tree) {
        mapping.learn(&name, &uid);
    }
}

/// Why a provisioning file cannot keep its CloudWatch entries beside the new ones.
pub const KEEP_NEEDS_YAML: &str =
    "--keep-original adds entries to YAML provisioning files only; convert this file to YAML, or migrate it without --keep-original";

/// The edits and changes of a provisioning file (`--keep-original` is the mapping's).
pub fn plan(text: &str, tree: &Node, mapping: &Mapping) -> Result<FilePlan, String> {
    let mut plan = FilePlan::default();
    let entries = tree.get("datasources").map(Node::items).unwrap_or_default();
    for (i, ds) in entries.iter().enumerate() {
        if ds.str_at("type") != Some(CLOUDWATCH) {
            continue;
        }
        let at = format!("datasources[{i}]");
        let uid = ds.str_at("uid").unwrap_or_default();
        if !mapping.keeps_original() {
            if let Some(t) = ds.get("type") {
                plan.set(t, &format!("{at}.type"), PLUGIN_ID);
            }
            if let Some(u) = ds.get("uid") {
                plan.set(u, &format!("{at}.uid"), &mapping.new_uid(uid));
            }
            continue;
        }
        let Some(anchor) = last_scalar(ds) else {
            continue;
        };
        if anchor.style == Style::Json {
            return Err(KEEP_NEEDS_YAML.to_string());
        }
        let copy = stratus_entry(ds, mapping);
        let name = copy["name"].as_str().unwrap_or_default().to_string();
        let new_uid = copy["uid"].as_str().unwrap_or_default().to_string();
        // A second run finds the Stratus entry already there.
        if entries.iter().any(|e| {
            e.str_at("uid") == Some(new_uid.as_str()) && e.str_at("type") == Some(PLUGIN_ID)
        }) {
            continue;
        }
        let indent = item_indent(text, ds);
        // A block scalar's span already ends at the end of its last line.
        let end = anchor.span.end;
        let line_end = if anchor.style == Style::Block {
            end
        } else {
            text[end..]
                .find('\n')
                .map(|n| end + n)
                .unwrap_or(text.len())
        };
        plan.edits
            .push(insert(line_end, format!("\n{}", block(&copy, indent))));
        plan.changes.push(super::plan::Change {
            at: format!("datasources[{}]", entries.len()),
            from: String::new(),
            to: format!("{PLUGIN_ID} data source {name:?} (uid {new_uid}) beside {at}"),
        });
    }
    Ok(plan)
}

/// The Stratus entry for a CloudWatch one: the same settings, a name and uid of its own.
fn stratus_entry(ds: &Node, mapping: &Mapping) -> Value {
    let mut copy: Map<String, Value> = match ds.to_json() {
        Value::Object(o) => o,
        _ => Map::new(),
    };
    let uid = ds.str_at("uid").unwrap_or_default();
    let name = ds.str_at("name").unwrap_or("CloudWatch");
    copy.insert("name".into(), Value::from(format!("{name} (Stratus)")));
    copy.insert("type".into(), Value::from(PLUGIN_ID));
    copy.insert("uid".into(), Value::from(mapping.new_uid(uid)));
    // Only one data source can be the default.
    copy.remove("isDefault");
    Value::Object(copy)
}

/// The scalar of an entry written last in the file.
fn last_scalar(node: &Node) -> Option<&Scalar> {
    match node {
        Node::Scalar(s) => Some(s),
        Node::Map(entries) => entries
            .iter()
            .filter_map(|(_, v)| last_scalar(v))
            .max_by_key(|s| s.span.end),
        Node::Seq(items) => items
            .iter()
            .filter_map(last_scalar)
            .max_by_key(|s| s.span.end),
    }
}

/// The column of the `- ` that starts a block sequence item (two before its first key).
fn item_indent(text: &str, item: &Node) -> usize {
    let first = item
        .entries()
        .iter()
        .filter_map(|(_, v)| v.scalar().map(|s| s.span.start))
        .min()
        .unwrap_or(0);
    let line_start = text[..first].rfind('\n').map(|n| n + 1).unwrap_or(0);
    let line = &text[line_start..first];
    line.find('-').unwrap_or(0)
}

/// A mapping as a block sequence item at `indent`.
fn block(entry: &Value, indent: usize) -> String {
    let yaml = serde_norway::to_string(entry).unwrap_or_default();
    let pad = " ".repeat(indent);
    yaml.lines()
        .enumerate()
        .map(|(i, line)| {
            if i == 0 {
                format!("{pad}- {line}")
            } else {
                format!("{pad}  {line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::edit::apply;
    use crate::migrate::tree::parse_yaml;
    use std::collections::BTreeMap;

    const FILE: &str = "apiVersion: 1
# The AWS data sources
datasources:
  - name: CloudWatch
    type: cloudwatch
    uid: cw
    isDefault: true
    jsonData:
      authType: keys
      defaultRegion: eu-west-1
    secureJsonData:
      accessKey: ${AWS_KEY}
      secretKey: ${AWS_SECRET}
  - name: Prometheus
    type: prometheus
    uid: prom
";

    #[test]
    fn the_entry_becomes_stratus_in_place() {
        let m = Mapping::new(BTreeMap::from([("cw".into(), "stratus".into())]), false);
        let tree = parse_yaml(FILE).unwrap();
        assert_eq!(
            cloudwatch_entries(&tree),
            [("CloudWatch".to_string(), "cw".to_string())]
        );
        let plan = plan(FILE, &tree, &m).unwrap();
        let out = apply(FILE, plan.edits);
        assert_eq!(
            out,
            FILE.replace("type: cloudwatch", &format!("type: {PLUGIN_ID}"))
                .replace("uid: cw", "uid: stratus")
        );
    }

    #[test]
    fn an_entry_ending_in_a_block_scalar_gets_its_copy_after_it() {
        let file = "apiVersion: 1
datasources:
  - name: CloudWatch
    type: cloudwatch
    uid: cw
    secureJsonData:
      caBundle: |
        -----BEGIN CERTIFICATE-----

        MIIB
        -----END CERTIFICATE-----
  - name: Prometheus
    type: prometheus
";
        let mut m = Mapping::new(BTreeMap::new(), true);
        let tree = parse_yaml(file).unwrap();
        learn(&tree, &mut m);
        let plan = plan(file, &tree, &m).expect("a YAML file, whatever its last value");
        let out = apply(file, plan.edits);
        let parsed: serde_json::Value = serde_norway::from_str(&out).unwrap();
        let ca = "-----BEGIN CERTIFICATE-----\n\nMIIB\n-----END CERTIFICATE-----\n";
        assert_eq!(parsed["datasources"][0]["secureJsonData"]["caBundle"], ca);
        assert_eq!(parsed["datasources"][1]["type"], PLUGIN_ID);
        assert_eq!(parsed["datasources"][1]["secureJsonData"]["caBundle"], ca);
        assert_eq!(parsed["datasources"][2]["name"], "Prometheus");
    }

    #[test]
    fn the_original_can_stay_beside_the_new_entry() {
        let mut m = Mapping::new(BTreeMap::new(), true);
        let tree = parse_yaml(FILE).unwrap();
        learn(&tree, &mut m);
        let plan = plan(FILE, &tree, &m).unwrap();
        let out = apply(FILE, plan.edits);
        assert!(
            out.starts_with(&FILE[..FILE.find("  - name: Prometheus").unwrap()]),
            "{out}"
        );
        let parsed: serde_json::Value = serde_norway::from_str(&out).unwrap();
        let added = &parsed["datasources"][1];
        assert_eq!(added["name"], "CloudWatch (Stratus)");
        assert_eq!(added["type"], PLUGIN_ID);
        assert_eq!(added["uid"], "cw-stratus");
        assert_eq!(added["jsonData"], parsed["datasources"][0]["jsonData"]);
        assert_eq!(added["secureJsonData"]["secretKey"], "${AWS_SECRET}");
        assert!(added.get("isDefault").is_none());
        assert_eq!(parsed["datasources"][2]["name"], "Prometheus");
        // Idempotent.
        let again = parse_yaml(&out).unwrap();
        assert!(super::plan(&out, &again, &m).unwrap().edits.is_empty());
    }
}
