//! Dashboards: every place a dashboard stores a data source reference, in every layout Grafana
//! has written since version 6 (the `rows` layout, `panels` with collapsed rows inside, library
//! panels of an export, the `{"dashboard": ...}` API envelope, `__inputs`/`__requires`).

use std::collections::BTreeSet;

use serde_json::Value;

use super::plan::{repoint, FilePlan, Found, FoundQuery, Mapping, Points, CLOUDWATCH};
use super::tree::Node;
use crate::config::PLUGIN_ID;

/// Grafana's name for the plugin in an export's `__requires` and `__inputs`.
const PLUGIN_NAME: &str = "Stratus CloudWatch";

/// The dashboard model inside a file: the file itself, or the API envelope's `dashboard`.
pub fn model(tree: &Node) -> Option<(&Node, &'static str)> {
    let is_dashboard = |n: &Node| {
        ["panels", "rows", "templating", "annotations"]
            .iter()
            .any(|k| n.get(k).is_some())
    };
    match tree.get("dashboard") {
        Some(inner) if is_dashboard(inner) => Some((inner, "dashboard.")),
        _ if is_dashboard(tree) => Some((tree, "")),
        _ => None,
    }
}

struct Walk<'a> {
    plan: FilePlan,
    mapping: &'a Mapping,
    /// Data source variables whose values are CloudWatch data sources, and export inputs of
    /// CloudWatch's type.
    cloudwatch_variables: BTreeSet<String>,
}

impl Walk<'_> {
    fn repoint(&mut self, node: Option<&Node>, at: &str) -> Points {
        repoint(
            &mut self.plan,
            node,
            at,
            self.mapping,
            &self.cloudwatch_variables,
        )
    }

    fn found(&mut self, at: String, kind: Found, node: &Node) {
        self.plan.queries.push(FoundQuery {
            at,
            kind,
            model: node.to_json(),
        });
    }

    /// A panel and, for a row, the panels collapsed inside it.
    fn panel(&mut self, panel: &Node, at: &str) {
        let own = self.repoint(panel.get("datasource"), &format!("{at}.datasource"));
        for (i, target) in panel
            .get("targets")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let t_at = format!("{at}.targets[{i}]");
            let points = match self.repoint(target.get("datasource"), &format!("{t_at}.datasource"))
            {
                Points::Inherited => own,
                p => p,
            };
            if points == Points::CloudWatch {
                self.found(t_at, Found::Query, target);
            } else if looks_like_cloudwatch(target) {
                let note = match panel.get("datasource").map(Node::to_json) {
                    // Grafana sends it to the default data source, which the file does not name.
                    None | Some(Value::Null) => format!(
                        "{t_at} looks like a CloudWatch query on the default data source, which stays as it is: choose the Stratus data source in the panel, or make it the default"
                    ),
                    Some(ds) => format!(
                        "{t_at} looks like a CloudWatch query, but its data source {ds} is not one Stratus knows: name it with --map or --datasources"
                    ),
                };
                self.plan.notes.push(note);
            }
        }
        for (i, inner) in panel
            .get("panels")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            self.panel(inner, &format!("{at}.panels[{i}]"));
        }
    }
}

/// Whether a target carries CloudWatch's query fields.
fn looks_like_cloudwatch(target: &Node) -> bool {
    target.get("namespace").is_some() && target.get("region").is_some()
        || matches!(
            target.str_at("queryMode"),
            Some("Metrics" | "Logs" | "Annotations")
        )
}

/// The edits, changes and queries of a dashboard file (`model` found its dashboard at `root`).
pub fn plan(dashboard: &Node, root: &str, mapping: &Mapping) -> FilePlan {
    let mut walk = Walk {
        plan: FilePlan::default(),
        mapping,
        cloudwatch_variables: BTreeSet::new(),
    };

    // An export's inputs: `${DS_CLOUDWATCH}` stands for a CloudWatch data source.
    for (i, input) in dashboard
        .get("__inputs")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if matches!(input.str_at("pluginId"), Some(CLOUDWATCH | PLUGIN_ID)) {
            if let Some(name) = input.str_at("name") {
                walk.cloudwatch_variables.insert(name.to_string());
            }
            let at = format!("{root}__inputs[{i}]");
            if let Some(id) = input.get("pluginId") {
                walk.plan.set(id, &format!("{at}.pluginId"), PLUGIN_ID);
            }
            if let Some(name) = input.get("pluginName") {
                walk.plan
                    .set(name, &format!("{at}.pluginName"), PLUGIN_NAME);
            }
        }
    }
    for (i, req) in dashboard
        .get("__requires")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if req.str_at("type") == Some("datasource") && req.str_at("id") == Some(CLOUDWATCH) {
            let at = format!("{root}__requires[{i}]");
            walk.plan
                .set(req.get("id").unwrap_or(req), &format!("{at}.id"), PLUGIN_ID);
            if let Some(name) = req.get("name") {
                walk.plan.set(name, &format!("{at}.name"), PLUGIN_NAME);
            }
        }
    }

    // Data source variables first: panels refer to them by name.
    let variables = dashboard
        .get("templating")
        .and_then(|t| t.get("list"))
        .map(Node::items)
        .unwrap_or_default();
    for (i, var) in variables.iter().enumerate() {
        let Some(name) = var.str_at("name") else {
            continue;
        };
        if let Some(current) = current_value(var) {
            walk.plan.variables.insert(name.to_string(), current);
        }
        if var.str_at("type") == Some("datasource")
            && matches!(var.str_at("query"), Some(CLOUDWATCH | PLUGIN_ID))
        {
            walk.cloudwatch_variables.insert(name.to_string());
            let at = format!("{root}templating.list[{i}]");
            if let Some(q) = var.get("query") {
                walk.plan.set(q, &format!("{at}.query"), PLUGIN_ID);
            }
            // The data source the variable last had selected.
            let current = var.get("current").and_then(|c| c.get("value"));
            if let Some((node, uid)) = current.and_then(|n| n.as_str().map(|u| (n, u))) {
                if mapping.knows(uid) {
                    walk.plan
                        .set(node, &format!("{at}.current.value"), &mapping.new_uid(uid));
                }
            }
        }
    }
    for (i, var) in variables.iter().enumerate() {
        let at = format!("{root}templating.list[{i}]");
        if var.str_at("type") == Some("query")
            && walk.repoint(var.get("datasource"), &format!("{at}.datasource"))
                == Points::CloudWatch
        {
            if let Some(query) = var.get("query") {
                walk.found(format!("{at}.query"), Found::Variable, query);
            }
        }
    }

    let annotations = dashboard
        .get("annotations")
        .and_then(|a| a.get("list"))
        .map(Node::items)
        .unwrap_or_default();
    for (i, anno) in annotations.iter().enumerate() {
        let at = format!("{root}annotations.list[{i}]");
        if walk.repoint(anno.get("datasource"), &format!("{at}.datasource")) == Points::CloudWatch {
            walk.found(at, Found::Annotation, anno);
        }
    }

    for (i, panel) in dashboard
        .get("panels")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        walk.panel(panel, &format!("{root}panels[{i}]"));
    }
    for (r, row) in dashboard
        .get("rows")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        for (i, panel) in row
            .get("panels")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            walk.panel(panel, &format!("{root}rows[{r}].panels[{i}]"));
        }
    }
    // Library panels an export carries.
    for (uid, element) in dashboard
        .get("__elements")
        .map(Node::entries)
        .unwrap_or_default()
    {
        if let Some(model) = element.get("model") {
            walk.panel(model, &format!("{root}__elements.{uid}.model"));
        }
    }
    walk.plan
}

/// A variable's current value (the first, for several), if it has one.
fn current_value(var: &Node) -> Option<String> {
    let value = var.get("current")?.get("value")?;
    match value.to_json() {
        Value::String(s) => Some(s),
        Value::Array(items) => items.first().and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::edit::apply;
    use crate::migrate::tree::parse_json;
    use std::collections::BTreeMap;

    const DASHBOARD: &str = r#"{
  "__inputs": [{"name": "DS_CW", "type": "datasource", "pluginId": "cloudwatch", "pluginName": "CloudWatch"}],
  "annotations": {"list": [
    {"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"}, "name": "Annotations"},
    {"datasource": "CloudWatch", "region": "default", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "statistics": ["Average"]}
  ]},
  "templating": {"list": [
    {"name": "ds", "type": "datasource", "query": "cloudwatch", "current": {"value": "cw"}},
    {"name": "region", "type": "query", "datasource": "$ds", "query": "regions()", "current": {"value": "eu-west-1"}},
    {"name": "prom", "type": "query", "datasource": {"type": "prometheus", "uid": "p"}, "query": "up"}
  ]},
  "panels": [
    {"type": "row", "collapsed": true, "panels": [
      {"datasource": {"type": "cloudwatch", "uid": "cw"}, "targets": [{"refId": "A", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "region": "$region"}]}
    ]},
    {"datasource": "-- Mixed --", "targets": [
      {"refId": "A", "datasource": "${DS_CW}", "expression": "SUM(METRICS())", "region": "default"},
      {"refId": "B", "datasource": {"type": "prometheus", "uid": "p"}, "expr": "up"}
    ]},
    {"datasource": "Unknown CW", "targets": [{"refId": "A", "namespace": "AWS/EC2", "region": "default"}]},
    {"targets": [{"refId": "A", "namespace": "AWS/EC2", "region": "default"}]}
  ],
  "rows": [{"panels": [{"datasource": "CloudWatch", "targets": [{"refId": "A", "namespace": "AWS/SQS", "region": "default", "hide": true}]}]}]
}"#;

    #[test]
    fn every_reference_in_every_layout() {
        let mut m = Mapping::new(BTreeMap::from([("cw".into(), "st".into())]), false);
        m.learn("CloudWatch", "cw");
        let tree = parse_json(DASHBOARD).unwrap();
        let (dash, root) = model(&tree).unwrap();
        let plan = plan(dash, root, &m);
        let changes: Vec<(String, String)> = plan
            .changes
            .iter()
            .map(|c| (c.at.clone(), c.to.clone()))
            .collect();
        let expect = |at: &str, to: &str| (at.to_string(), to.to_string());
        assert_eq!(
            changes,
            [
                expect("__inputs[0].pluginId", PLUGIN_ID),
                expect("__inputs[0].pluginName", "Stratus CloudWatch"),
                expect("templating.list[0].query", PLUGIN_ID),
                expect("templating.list[0].current.value", "st"),
                expect("annotations.list[1].datasource", "st"),
                expect("panels[0].panels[0].datasource.type", PLUGIN_ID),
                expect("panels[0].panels[0].datasource.uid", "st"),
                expect("rows[0].panels[0].datasource", "st"),
            ]
        );
        let found: Vec<&str> = plan.queries.iter().map(|q| q.at.as_str()).collect();
        assert_eq!(
            found,
            [
                "templating.list[1].query",
                "annotations.list[1]",
                "panels[0].panels[0].targets[0]",
                "panels[1].targets[0]",
                "rows[0].panels[0].targets[0]"
            ]
        );
        assert_eq!(
            plan.variables.get("region").map(String::as_str),
            Some("eu-west-1")
        );
        assert_eq!(plan.notes.len(), 2, "{:?}", plan.notes);
        assert!(
            plan.notes[0].contains("panels[2].targets[0]")
                && plan.notes[0].contains("\"Unknown CW\"")
        );
        assert!(plan.notes[1].contains(
            "panels[3].targets[0] looks like a CloudWatch query on the default data source"
        ));

        // Only those values differ; a second run changes nothing.
        let out = apply(DASHBOARD, plan.edits);
        let before: Vec<&str> = DASHBOARD.lines().collect();
        let after: Vec<&str> = out.lines().collect();
        assert_eq!(before.len(), after.len());
        let differing = before.iter().zip(&after).filter(|(a, b)| a != b).count();
        assert_eq!(differing, 5);
        let again = parse_json(&out).unwrap();
        let (dash, root) = model(&again).unwrap();
        assert!(super::plan(dash, root, &m).changes.is_empty());
    }

    #[test]
    fn the_api_envelope_and_files_that_are_not_dashboards() {
        let tree = parse_json(r#"{"dashboard": {"panels": []}, "meta": {}}"#).unwrap();
        assert_eq!(model(&tree).map(|(_, r)| r), Some("dashboard."));
        assert!(model(&parse_json(r#"{"apiVersion": 1, "groups": []}"#).unwrap()).is_none());
    }
}
