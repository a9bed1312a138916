//! Grafana-managed alert rules, in the provisioning and export formats (YAML or JSON): each
//! query whose data source is a CloudWatch one is repointed; its model stays; expressions
//! (`__expr__`) are left alone.

use std::collections::BTreeSet;

use super::plan::{repoint, FilePlan, Found, FoundQuery, Mapping, Points, CLOUDWATCH};
use super::tree::Node;

/// Grafana's data source uid for server-side expressions.
const EXPRESSIONS: &str = "__expr__";

/// Whether a file is an alert rules file: `groups` of `rules`.
pub fn is_rules(tree: &Node) -> bool {
    tree.get("groups")
        .is_some_and(|g| g.items().iter().any(|group| group.get("rules").is_some()))
}

/// The edits, changes and queries of an alert rules file.
pub fn plan(tree: &Node, mapping: &Mapping) -> FilePlan {
    let mut plan = FilePlan::default();
    let none = BTreeSet::new();
    for (g, group) in tree
        .get("groups")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        for (r, rule) in group
            .get("rules")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            // The ruler API's export nests the rule under `grafana_alert`.
            let (body, prefix) = match rule.get("grafana_alert") {
                Some(inner) => (inner, ".grafana_alert"),
                None => (rule, ""),
            };
            for (q, query) in body
                .get("data")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let at = format!("groups[{g}].rules[{r}]{prefix}.data[{q}]");
                let uid = query.str_at("datasourceUid").unwrap_or_default();
                if uid == EXPRESSIONS {
                    continue;
                }
                let model = query.get("model");
                let typed_cloudwatch = model
                    .and_then(|m| m.get("datasource"))
                    .and_then(|d| d.str_at("type"))
                    == Some(CLOUDWATCH);
                let ours = mapping.knows(uid) || mapping.is_new(uid) || typed_cloudwatch;
                if !ours {
                    continue;
                }
                if let Some(node) = query.get("datasourceUid") {
                    if !mapping.is_new(uid) {
                        plan.set(node, &format!("{at}.datasourceUid"), &mapping.new_uid(uid));
                    }
                }
                if let Some(model) = model {
                    let ds = model.get("datasource");
                    if ds.is_some() {
                        let _: Points = repoint(
                            &mut plan,
                            ds,
                            &format!("{at}.model.datasource"),
                            mapping,
                            &none,
                        );
                    }
                    plan.queries.push(FoundQuery {
                        at: format!("{at}.model"),
                        kind: Found::Query,
                        model: model.to_json(),
                    });
                }
            }
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::PLUGIN_ID;
    use crate::migrate::edit::apply;
    use crate::migrate::tree::parse_yaml;
    use std::collections::BTreeMap;

    const RULES: &str = "apiVersion: 1
groups:
  - orgId: 1
    name: cpu
    folder: AWS
    interval: 1m
    rules:
      - uid: high-cpu
        title: High CPU # paged
        condition: C
        data:
          - refId: A
            relativeTimeRange: {from: 600, to: 0}
            datasourceUid: cw
            model:
              refId: A
              datasource: {type: cloudwatch, uid: cw}
              namespace: AWS/EC2
              metricName: CPUUtilization
              statistic: Average
              region: default
          - refId: C
            datasourceUid: __expr__
            model: {refId: C, type: threshold, expression: A, datasource: {type: __expr__, uid: __expr__}}
      - uid: other
        title: Other
        condition: A
        data:
          - refId: A
            datasourceUid: prom
            model: {refId: A, expr: up}
";

    #[test]
    fn the_ruler_export_nests_the_rule() {
        let m = Mapping::new(BTreeMap::from([("cw".into(), "st".into())]), false);
        let tree = crate::migrate::tree::parse_json(
            r#"{"groups": [{"name": "g", "rules": [{"grafana_alert": {"title": "t", "data": [{"refId": "A", "datasourceUid": "cw", "model": {"refId": "A", "namespace": "AWS/EC2", "metricName": "CPUUtilization"}}]}}]}]}"#,
        )
        .unwrap();
        let plan = plan(&tree, &m);
        assert_eq!(plan.changes.len(), 1);
        assert_eq!(
            plan.changes[0].at,
            "groups[0].rules[0].grafana_alert.data[0].datasourceUid"
        );
        assert_eq!(
            plan.queries[0].at,
            "groups[0].rules[0].grafana_alert.data[0].model"
        );
    }

    #[test]
    fn cloudwatch_queries_are_repointed_and_expressions_left_alone() {
        let m = Mapping::new(BTreeMap::from([("cw".into(), "st".into())]), false);
        let tree = parse_yaml(RULES).unwrap();
        assert!(is_rules(&tree));
        let plan = plan(&tree, &m);
        let at: Vec<&str> = plan.changes.iter().map(|c| c.at.as_str()).collect();
        assert_eq!(
            at,
            [
                "groups[0].rules[0].data[0].datasourceUid",
                "groups[0].rules[0].data[0].model.datasource.type",
                "groups[0].rules[0].data[0].model.datasource.uid"
            ]
        );
        assert_eq!(plan.queries.len(), 1);
        let out = apply(RULES, plan.edits);
        assert_eq!(
            out,
            RULES
                .replace("datasourceUid: cw", "datasourceUid: st")
                .replace(
                    "{type: cloudwatch, uid: cw}",
                    &format!("{{type: {PLUGIN_ID}, uid: st}}")
                )
        );
        assert!(super::plan(&parse_yaml(&out).unwrap(), &m)
            .changes
            .is_empty());
    }
}
