//! The legacy variable query strings dashboards still store, read by Grafana's grammar (its
//! patterns, anchored at the start, one optional space after each comma):
//! `regions()`, `namespaces()`, `metrics(NS[, REGION])`, `dimension_keys(NS[, REGION])`,
//! `dimension_values(REGION, NS, METRIC, KEY[, FILTERS])`, `ebs_volume_ids(REGION, INSTANCE)`,
//! `ec2_instance_attribute(REGION, ATTRIBUTE, FILTERS)`, `resource_arns(REGION, TYPE, TAGS)`,
//! `statistics()`. An empty string lists regions.

use std::sync::OnceLock;

use regex::Regex;

use crate::query::QueryError;

use super::query::{
    attribute, filters_from_text, legacy_region, multi_value, AccountScope, Filters, VariableQuery,
};

/// The field a legacy string's errors name.
const FIELD: &str = "query";

struct Grammar {
    regions: Regex,
    namespaces: Regex,
    metrics: Regex,
    dimension_keys: Regex,
    dimension_values: Regex,
    ebs_volume_ids: Regex,
    ec2_instance_attribute: Regex,
    resource_arns: Regex,
    statistics: Regex,
}

fn grammar() -> &'static Grammar {
    static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
    GRAMMAR.get_or_init(|| {
        let re =
            |p: &str| Regex::new(p).expect("the legacy grammar's patterns are valid (unit tested)");
        Grammar {
            regions: re(r"^regions\(\)"),
            namespaces: re(r"^namespaces\(\)"),
            metrics: re(r"^metrics\(([^,]+?)(,\s?([^,]+?))?\)"),
            dimension_keys: re(r"^dimension_keys\(([^,]+?)(,\s?([^,]+?))?\)"),
            dimension_values: re(
                r"^dimension_values\(([^,]+?),\s?([^,]+?),\s?([^,]+?),\s?([^,]+?)(,\s?(.+))?\)",
            ),
            ebs_volume_ids: re(r"^ebs_volume_ids\(([^,]+?),\s?([^,]+?)\)"),
            ec2_instance_attribute: re(r"^ec2_instance_attribute\(([^,]+?),\s?([^,]+?),\s?(.+?)\)"),
            resource_arns: re(r"^resource_arns\(([^,]+?),\s?([^,]+?),\s?(.+?)\)"),
            statistics: re(r"^statistics\(\)"),
        }
    })
}

/// The forms, for messages.
const FORMS: &str = "regions(), namespaces(), metrics(NAMESPACE[, REGION]), dimension_keys(NAMESPACE[, REGION]), dimension_values(REGION, NAMESPACE, METRIC, KEY[, FILTERS]), ebs_volume_ids(REGION, INSTANCE_ID), ec2_instance_attribute(REGION, ATTRIBUTE, FILTERS), resource_arns(REGION, RESOURCE_TYPE, TAGS) or statistics()";

/// A required part: not a dashboard variable Grafana left unreplaced.
fn part(value: &str, what: &str, query: &str) -> Result<String, QueryError> {
    let v = value.trim();
    if v.starts_with('$') {
        return Err(QueryError::new(
            FIELD,
            format!("{what} {v:?} in {query:?} looks like a dashboard variable that Grafana did not replace; check that the variable exists and has a value."),
        ));
    }
    Ok(v.to_string())
}

fn filters(text: Option<&str>, what: &str, query: &str) -> Result<Filters, QueryError> {
    filters_from_text(text.unwrap_or(""), FIELD)
        .map_err(|e| QueryError::new(FIELD, format!("the {what} of {query:?}: {}", e.message)))
}

/// Parses a legacy variable query string.
pub fn parse(query: &str) -> Result<VariableQuery, QueryError> {
    let q = query.trim();
    let g = grammar();
    if q.is_empty() || g.regions.is_match(q) {
        return Ok(VariableQuery::Regions);
    }
    if g.namespaces.is_match(q) {
        return Ok(VariableQuery::Namespaces);
    }
    if g.statistics.is_match(q) {
        return Ok(VariableQuery::Statistics);
    }
    let region = |s: &str| {
        legacy_region(s)
            .map_err(|e| QueryError::new(FIELD, format!("the region of {q:?}: {}", e.message)))
    };
    let optional_region = |c: &regex::Captures| {
        c.get(3)
            .map_or(Ok(crate::metrics::query::RegionSpec::Default), |r| {
                region(r.as_str())
            })
    };
    if let Some(c) = g.metrics.captures(q) {
        return Ok(VariableQuery::Metrics {
            namespace: part(&c[1], "the namespace", q)?,
            region: optional_region(&c)?,
            account: AccountScope::Own,
        });
    }
    if let Some(c) = g.dimension_keys.captures(q) {
        return Ok(VariableQuery::DimensionKeys {
            namespace: part(&c[1], "the namespace", q)?,
            region: optional_region(&c)?,
            metric_name: None,
            filters: Filters::new(),
            account: AccountScope::Own,
        });
    }
    if let Some(c) = g.dimension_values.captures(q) {
        return Ok(VariableQuery::DimensionValues {
            region: region(&c[1])?,
            namespace: part(&c[2], "the namespace", q)?,
            metric_name: Some(part(&c[3], "the metric", q)?),
            key: part(&c[4], "the dimension key", q)?,
            filters: filters(c.get(6).map(|m| m.as_str()), "dimension filters", q)?,
            account: AccountScope::Own,
        });
    }
    if let Some(c) = g.ebs_volume_ids.captures(q) {
        return Ok(VariableQuery::EbsVolumeIds {
            region: region(&c[1])?,
            instance_ids: multi_value(&part(&c[2], "the instance id", q)?),
        });
    }
    if let Some(c) = g.ec2_instance_attribute.captures(q) {
        return Ok(VariableQuery::Ec2InstanceAttributes {
            region: region(&c[1])?,
            attribute: attribute(&part(&c[2], "the attribute", q)?, FIELD)?,
            filters: filters(Some(&c[3]), "filters", q)?,
        });
    }
    if let Some(c) = g.resource_arns.captures(q) {
        return Ok(VariableQuery::ResourceArns {
            region: region(&c[1])?,
            resource_type: part(&c[2], "the resource type", q)?,
            tags: filters(Some(&c[3]), "tags", q)?,
        });
    }
    let name = q.split('(').next().unwrap_or(q);
    let message = if FORMS.contains(&format!("{name}(")) {
        format!("{q:?} does not have the arguments {name}() takes; use {FORMS}")
    } else {
        format!("{q:?} is not a variable query Grafana's CloudWatch knows (unable to parse old variable query); use {FORMS}")
    };
    Err(QueryError::new(FIELD, message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::names::Region;
    use crate::metrics::query::RegionSpec;

    fn named(r: &str) -> RegionSpec {
        RegionSpec::Named(Region::parse(r).unwrap())
    }

    #[test]
    fn every_form_of_the_grammar() {
        assert_eq!(parse("").unwrap(), VariableQuery::Regions);
        assert_eq!(parse("regions()").unwrap(), VariableQuery::Regions);
        assert_eq!(parse("namespaces()").unwrap(), VariableQuery::Namespaces);
        assert_eq!(parse("statistics()").unwrap(), VariableQuery::Statistics);
        assert_eq!(
            parse("metrics(AWS/Usage)").unwrap(),
            VariableQuery::Metrics {
                region: RegionSpec::Default,
                namespace: "AWS/Usage".into(),
                account: AccountScope::Own
            }
        );
        assert_eq!(
            parse("metrics(AWS/EC2, eu-west-1)").unwrap(),
            VariableQuery::Metrics {
                region: named("eu-west-1"),
                namespace: "AWS/EC2".into(),
                account: AccountScope::Own
            }
        );
        assert_eq!(
            parse("dimension_keys(AWS/EC2,default)").unwrap(),
            VariableQuery::DimensionKeys {
                region: RegionSpec::Default,
                namespace: "AWS/EC2".into(),
                metric_name: None,
                filters: Filters::new(),
                account: AccountScope::Own
            }
        );
        // As the corpus stores them, with the dashboard's $region replaced.
        assert_eq!(
            parse(
                r#"dimension_values(us-east-1,AWS/ApiGateway,Count,Stage, {"ApiName": "orders"})"#
            )
            .unwrap(),
            VariableQuery::DimensionValues {
                region: named("us-east-1"),
                namespace: "AWS/ApiGateway".into(),
                metric_name: Some("Count".into()),
                key: "Stage".into(),
                filters: Filters::from([("ApiName".into(), vec!["orders".into()])]),
                account: AccountScope::Own,
            }
        );
        assert_eq!(
            parse("dimension_values(us-east-1, AWS/EC2, CPUUtilization, InstanceId)").unwrap(),
            VariableQuery::DimensionValues {
                region: named("us-east-1"),
                namespace: "AWS/EC2".into(),
                metric_name: Some("CPUUtilization".into()),
                key: "InstanceId".into(),
                filters: Filters::new(),
                account: AccountScope::Own,
            }
        );
        assert_eq!(
            parse(r#"ec2_instance_attribute(us-east-1, InstanceId, {"tag:Name": ["web-1", "*"]})"#)
                .unwrap(),
            VariableQuery::Ec2InstanceAttributes {
                region: named("us-east-1"),
                attribute: "InstanceId".into(),
                filters: Filters::from([("tag:Name".into(), vec!["web-1".into()])]),
            }
        );
        assert_eq!(
            parse("ec2_instance_attribute(us-east-1, Tags.Name, {})").unwrap(),
            VariableQuery::Ec2InstanceAttributes {
                region: named("us-east-1"),
                attribute: "Tags.Name".into(),
                filters: Filters::new(),
            }
        );
        assert_eq!(
            parse("ebs_volume_ids(us-east-1, i-1)").unwrap(),
            VariableQuery::EbsVolumeIds {
                region: named("us-east-1"),
                instance_ids: vec!["i-1".into()]
            }
        );
        assert_eq!(
            parse(r#"resource_arns(eu-west-1, ec2:instance, {"Env":["prod","dev"]})"#).unwrap(),
            VariableQuery::ResourceArns {
                region: named("eu-west-1"),
                resource_type: "ec2:instance".into(),
                tags: Filters::from([("Env".into(), vec!["prod".into(), "dev".into()])]),
            }
        );
        // `${var:json}` spliced into the filters, and `[]` meaning none.
        assert_eq!(
            parse(r#"dimension_values(us-east-1,AWS/EC2,CPUUtilization,InstanceId,{"AutoScalingGroupName":${asg:json}})"#).unwrap(),
            VariableQuery::DimensionValues {
                region: named("us-east-1"),
                namespace: "AWS/EC2".into(),
                metric_name: Some("CPUUtilization".into()),
                key: "InstanceId".into(),
                filters: Filters::from([("AutoScalingGroupName".into(), vec!["$asg".into()])]),
                account: AccountScope::Own,
            }
        );
        assert!(matches!(
            parse("dimension_values(us-east-1,AWS/EC2,CPUUtilization,InstanceId,[])").unwrap(),
            VariableQuery::DimensionValues { filters, .. } if filters.is_empty()
        ));
    }

    #[test]
    fn malformed_strings_say_what_is_wrong() {
        let cases = [
            (
                "dimension_values(us-east-1,AWS/EC2)",
                "does not have the arguments",
            ),
            // Grafana's grammar takes no comma in an argument: a multi-value instance id is the
            // object form's (`instanceID: "{i-1,i-2}"`).
            (
                "ebs_volume_ids(us-east-1, {i-1,i-2})",
                "does not have the arguments",
            ),
            (
                "tag_values(us-east-1)",
                "unable to parse old variable query",
            ),
            (
                "dimension_values(moon-1,AWS/EC2,CPUUtilization,InstanceId)",
                "the region",
            ),
            (
                "dimension_values($region,AWS/EC2,CPUUtilization,InstanceId)",
                "the region",
            ),
            (
                "dimension_values(us-east-1,AWS/EC2,$metric,InstanceId)",
                "the metric \"$metric\"",
            ),
            (
                r#"dimension_values(us-east-1,AWS/EC2,CPUUtilization,InstanceId,{"a":)"#,
                "dimension filters",
            ),
            (
                "ec2_instance_attribute(us-east-1, InstanceId, nope)",
                "filters",
            ),
        ];
        for (q, needle) in cases {
            let err = parse(q).unwrap_err();
            assert_eq!(err.field, "query", "{q}");
            assert!(err.message.contains(needle), "{q}: {}", err.message);
        }
    }
}
