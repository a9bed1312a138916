//! Template variable queries (pure): Grafana's VariableQuery object (`queryType` and its fields),
//! the older object form whose filters are JSON text, and the legacy strings
//! (`dimension_values(us-east-1,AWS/EC2,CPUUtilization,InstanceId)`) all become one typed
//! [`VariableQuery`].

use serde_json::{Map, Value};

use crate::config::json::json_type;
use crate::config::names::Region;
use crate::metrics::query::RegionSpec;
use crate::query::field::opt_str;
use crate::query::QueryError;

use super::legacy;

/// Whose metrics a lookup lists.
pub use crate::resources::request::AccountScope;
/// Filters: a key and the values it may have; no values means any.
pub use crate::resources::request::Filters;

/// What a template variable lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariableQuery {
    /// AWS regions.
    Regions,
    /// Metric namespaces: AWS's and the data source's custom ones.
    Namespaces,
    /// Metric names of a namespace.
    Metrics {
        /// Where.
        region: RegionSpec,
        /// The namespace.
        namespace: String,
        /// Whose metrics (cross-account observability).
        account: AccountScope,
    },
    /// Dimension keys of a namespace (and metric).
    DimensionKeys {
        /// Where.
        region: RegionSpec,
        /// The namespace.
        namespace: String,
        /// Narrows to one metric.
        metric_name: Option<String>,
        /// Only metrics with these dimensions.
        filters: Filters,
        /// Whose metrics.
        account: AccountScope,
    },
    /// Values of one dimension key.
    DimensionValues {
        /// Where.
        region: RegionSpec,
        /// The namespace.
        namespace: String,
        /// Narrows to one metric.
        metric_name: Option<String>,
        /// The key whose values are listed.
        key: String,
        /// Only metrics with these dimensions.
        filters: Filters,
        /// Whose metrics.
        account: AccountScope,
    },
    /// EBS volume ids attached to instances.
    EbsVolumeIds {
        /// Where.
        region: RegionSpec,
        /// The instances (`i-1`, or several as `{i-1,i-2}`).
        instance_ids: Vec<String>,
    },
    /// One attribute of the EC2 instances that match filters.
    Ec2InstanceAttributes {
        /// Where.
        region: RegionSpec,
        /// An Instance field (`InstanceId`, `Placement.AvailabilityZone`) or `Tags.<key>`.
        attribute: String,
        /// DescribeInstances filters (`tag:Name`, `instance-state-name`, ...).
        filters: Filters,
    },
    /// ARNs of resources of one type with tags.
    ResourceArns {
        /// Where.
        region: RegionSpec,
        /// The resource type (`ec2:instance`).
        resource_type: String,
        /// Tag keys and the values they may have.
        tags: Filters,
    },
    /// CloudWatch's standard statistics.
    Statistics,
    /// Log groups (CloudWatch Logs): names shown, ARNs as values.
    LogGroups {
        /// Where.
        region: RegionSpec,
        /// Only groups whose name starts so.
        prefix: Option<String>,
        /// Whose groups (cross-account observability).
        account: AccountScope,
    },
    /// The monitoring account and its linked source accounts.
    Accounts {
        /// Where.
        region: RegionSpec,
    },
}

fn region(value: Option<&str>, field: &'static str) -> Result<RegionSpec, QueryError> {
    match value.map(str::trim) {
        None | Some("") | Some("default") => Ok(RegionSpec::Default),
        Some(r) if r.starts_with('$') => Err(QueryError::unexpanded_variable(field, r)),
        Some(r) => Region::parse(r).map(RegionSpec::Named).ok_or_else(|| {
            QueryError::new(
                field,
                format!(
                    "{r:?} is not an AWS region; use a region such as us-east-1, or \"default\""
                ),
            )
        }),
    }
}

fn required(
    obj: &Map<String, Value>,
    field: &'static str,
    what: &str,
) -> Result<String, QueryError> {
    let value = opt_str(obj, field)?
        .ok_or_else(|| QueryError::new(field, format!("is empty; choose {what}")))?;
    if value.starts_with('$') {
        return Err(QueryError::unexpanded_variable(field, &value));
    }
    Ok(value)
}

/// `${name:json}` (a multi-value variable spliced into JSON) becomes `"$name"` before the JSON
/// is read, as Grafana does.
fn without_json_format(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) if after[..end].ends_with(":json") => {
                let name = &after[..end - ":json".len()];
                out.push_str(&format!("\"${name}\""));
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str("${");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Filters from JSON: `{"Key": "value"}`, `{"Key": ["a", "b"]}`; `*`, `""`, `[]` and null
/// mean any value.
pub fn filters_from_value(value: &Value, field: &'static str) -> Result<Filters, QueryError> {
    let obj = match value {
        Value::Null => return Ok(Filters::new()),
        Value::Array(a) if a.is_empty() => return Ok(Filters::new()),
        Value::Object(o) => o,
        other => {
            return Err(QueryError::new(
                field,
                format!(
                    "must be an object of key: value(s), got {}",
                    json_type(other)
                ),
            ))
        }
    };
    let mut out = Filters::new();
    for (key, v) in obj {
        let values: Vec<String> = match v {
            Value::String(s) => vec![s.clone()],
            Value::Array(items) => items
                .iter()
                .map(|i| match i {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(n) => Ok(n.to_string()),
                    other => Err(QueryError::new(
                        field,
                        format!("value of {key:?} must be text, got {}", json_type(other)),
                    )),
                })
                .collect::<Result<_, _>>()?,
            Value::Null => Vec::new(),
            Value::Number(n) => vec![n.to_string()],
            other => {
                return Err(QueryError::new(
                    field,
                    format!(
                        "value of {key:?} must be a string or a list, got {}",
                        json_type(other)
                    ),
                ))
            }
        };
        let concrete: Vec<String> = values
            .into_iter()
            .filter(|v| !v.trim().is_empty() && v != "*")
            .collect();
        out.insert(key.clone(), concrete);
    }
    Ok(out)
}

/// Filters stored as JSON text (the older object form and the legacy strings).
pub fn filters_from_text(text: &str, field: &'static str) -> Result<Filters, QueryError> {
    let text = without_json_format(text.trim());
    if text.is_empty() {
        return Ok(Filters::new());
    }
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| QueryError::new(field, format!("is not JSON ({e}): {text}")))?;
    filters_from_value(&value, field)
}

/// A filters field in either stored form: an object, or JSON text.
fn filters(obj: &Map<String, Value>, field: &'static str) -> Result<Filters, QueryError> {
    match obj.get(field) {
        Some(Value::String(text)) => filters_from_text(text, field),
        Some(v) => filters_from_value(v, field),
        None => Ok(Filters::new()),
    }
}

fn account(obj: &Map<String, Value>) -> Result<AccountScope, QueryError> {
    let raw = opt_str(obj, "accountId")?;
    if let Some(v) = raw.as_deref().filter(|v| v.starts_with('$')) {
        return Err(QueryError::unexpanded_variable("accountId", v));
    }
    AccountScope::parse(raw.as_deref()).map_err(|m| QueryError::new("accountId", m))
}

/// `{a,b}` (Grafana's multi-value form in a legacy string) or one value.
pub fn multi_value(text: &str) -> Vec<String> {
    let t = text.trim();
    match t.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
        Some(inner) => inner
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect(),
        None if t.is_empty() => Vec::new(),
        None => vec![t.to_string()],
    }
}

/// Parses a variable query model in any of its stored forms.
pub fn parse(obj: &Map<String, Value>) -> Result<VariableQuery, QueryError> {
    let query_type = match obj.get("queryType") {
        Some(Value::String(t)) => t.as_str(),
        _ => {
            let text = opt_str(obj, "query")?.unwrap_or_default();
            return legacy::parse(&text);
        }
    };
    let region = || region(opt_str(obj, "region")?.as_deref(), "region");
    let metric_name = || -> Result<Option<String>, QueryError> {
        let m = opt_str(obj, "metricName")?;
        match m {
            Some(m) if m.starts_with('$') => Err(QueryError::unexpanded_variable("metricName", &m)),
            m => Ok(m),
        }
    };
    Ok(match query_type {
        "regions" => VariableQuery::Regions,
        "namespaces" => VariableQuery::Namespaces,
        "statistics" => VariableQuery::Statistics,
        "metrics" => VariableQuery::Metrics {
            region: region()?,
            namespace: required(obj, "namespace", "a namespace such as AWS/EC2")?,
            account: account(obj)?,
        },
        "dimensionKeys" => VariableQuery::DimensionKeys {
            region: region()?,
            namespace: required(obj, "namespace", "a namespace such as AWS/EC2")?,
            metric_name: metric_name()?,
            filters: filters(obj, "dimensionFilters")?,
            account: account(obj)?,
        },
        "dimensionValues" => VariableQuery::DimensionValues {
            region: region()?,
            namespace: required(obj, "namespace", "a namespace such as AWS/EC2")?,
            metric_name: metric_name()?,
            key: required(
                obj,
                "dimensionKey",
                "the dimension key whose values to list",
            )?,
            filters: filters(obj, "dimensionFilters")?,
            account: account(obj)?,
        },
        "ebsVolumeIDs" => VariableQuery::EbsVolumeIds {
            region: region()?,
            instance_ids: multi_value(&required(
                obj,
                "instanceID",
                "an instance id such as i-0123456789abcdef0",
            )?),
        },
        "ec2InstanceAttributes" => VariableQuery::Ec2InstanceAttributes {
            region: region()?,
            attribute: attribute(
                &required(
                    obj,
                    "attributeName",
                    "an attribute such as InstanceId or Tags.Name",
                )?,
                "attributeName",
            )?,
            filters: filters(obj, "ec2Filters")?,
        },
        "resourceARNs" => VariableQuery::ResourceArns {
            region: region()?,
            resource_type: required(obj, "resourceType", "a resource type such as ec2:instance")?,
            tags: filters(obj, "tags")?,
        },
        "logGroups" => VariableQuery::LogGroups {
            region: region()?,
            prefix: opt_str(obj, "logGroupPrefix")?,
            account: account(obj)?,
        },
        "accounts" => VariableQuery::Accounts { region: region()? },
        other => {
            return Err(QueryError::new(
                "queryType",
                format!(
                    "{other:?} is not a variable query type; use one of {}",
                    crate::query::VARIABLE_QUERY_TYPES.join(", ")
                ),
            ))
        }
    })
}

/// An EC2 instance attribute Stratus reads.
pub fn attribute(name: &str, field: &'static str) -> Result<String, QueryError> {
    match crate::resources::ec2::attribute(name) {
        Some(_) => Ok(name.to_string()),
        None => Err(QueryError::new(
            field,
            format!(
                "{name:?} is not an EC2 instance attribute Stratus reads; use one of {}",
                crate::resources::ec2::attribute_names()
            ),
        )),
    }
}

/// The region argument of a legacy string.
pub fn legacy_region(text: &str) -> Result<RegionSpec, QueryError> {
    region(Some(text), "query")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn named(r: &str) -> RegionSpec {
        RegionSpec::Named(Region::parse(r).unwrap())
    }

    #[test]
    fn the_current_object_form() {
        let q = parse(&obj(json!({
            "refId": "CloudWatchVariableQueryEditor-VariableQuery",
            "queryType": "dimensionValues",
            "region": "eu-west-1",
            "namespace": "AWS/ApiGateway",
            "metricName": "Count",
            "dimensionKey": "Stage",
            "dimensionFilters": {"ApiName": "orders", "Other": "*", "Many": ["a", "b"]},
            "accountId": "all"
        })))
        .unwrap();
        assert_eq!(
            q,
            VariableQuery::DimensionValues {
                region: named("eu-west-1"),
                namespace: "AWS/ApiGateway".into(),
                metric_name: Some("Count".into()),
                key: "Stage".into(),
                filters: Filters::from([
                    ("ApiName".into(), vec!["orders".into()]),
                    ("Many".into(), vec!["a".into(), "b".into()]),
                    ("Other".into(), vec![]),
                ]),
                account: AccountScope::AllLinked,
            }
        );
        assert_eq!(
            parse(&obj(json!({"queryType": "regions"}))).unwrap(),
            VariableQuery::Regions
        );
        assert_eq!(
            parse(&obj(json!({"queryType": "ec2InstanceAttributes", "region": "default", "attributeName": "Tags.Name", "ec2Filters": {"tag:Team": ["a"]}}))).unwrap(),
            VariableQuery::Ec2InstanceAttributes {
                region: RegionSpec::Default,
                attribute: "Tags.Name".into(),
                filters: Filters::from([("tag:Team".into(), vec!["a".into()])]),
            }
        );
        assert_eq!(
            parse(&obj(
                json!({"queryType": "ebsVolumeIDs", "region": "", "instanceID": "{i-1,i-2}"})
            ))
            .unwrap(),
            VariableQuery::EbsVolumeIds {
                region: RegionSpec::Default,
                instance_ids: vec!["i-1".into(), "i-2".into()]
            }
        );
    }

    #[test]
    fn the_older_object_form_with_filters_as_json_text() {
        for (text, want) in [
            ("", Filters::new()),
            ("[]", Filters::new()),
            (
                r#"{"InstanceId":"i-1"}"#,
                Filters::from([("InstanceId".into(), vec!["i-1".into()])]),
            ),
            (r#"{"Stage":""}"#, Filters::from([("Stage".into(), vec![])])),
        ] {
            let q = parse(&obj(json!({
                "queryType": "dimensionValues", "region": "us-east-1", "namespace": "AWS/EC2",
                "metricName": "", "dimensionKey": "InstanceType", "dimensionFilters": text
            })))
            .unwrap();
            match q {
                VariableQuery::DimensionValues {
                    filters,
                    metric_name,
                    ..
                } => {
                    assert_eq!(filters, want, "{text}");
                    assert_eq!(metric_name, None);
                }
                other => panic!("{other:?}"),
            }
        }
        let q = parse(&obj(json!({"queryType": "resourceARNs", "region": "us-east-1", "resourceType": "ec2:instance", "tags": "{\"Env\":\"prod\"}"}))).unwrap();
        assert_eq!(
            q,
            VariableQuery::ResourceArns {
                region: named("us-east-1"),
                resource_type: "ec2:instance".into(),
                tags: Filters::from([("Env".into(), vec!["prod".into()])]),
            }
        );
    }

    #[test]
    fn errors_name_the_part_that_is_wrong() {
        let cases = [
            (
                json!({"queryType": "metrics", "region": "us-east-1"}),
                "namespace",
            ),
            (
                json!({"queryType": "metrics", "region": "$region", "namespace": "N"}),
                "region",
            ),
            (
                json!({"queryType": "metrics", "region": "moon-1", "namespace": "N"}),
                "region",
            ),
            (
                json!({"queryType": "dimensionValues", "namespace": "N"}),
                "dimensionKey",
            ),
            (
                json!({"queryType": "metrics", "namespace": "N", "accountId": "12"}),
                "accountId",
            ),
            (
                json!({"queryType": "dimensionKeys", "namespace": "N", "accountId": "$account"}),
                "accountId",
            ),
            (
                json!({"queryType": "dimensionValues", "namespace": "N", "dimensionKey": "K", "dimensionFilters": "{nope"}),
                "dimensionFilters",
            ),
            (
                json!({"queryType": "dimensionValues", "namespace": "N", "dimensionKey": "K", "dimensionFilters": 7}),
                "dimensionFilters",
            ),
            (
                json!({"queryType": "ec2InstanceAttributes", "ec2Filters": {}}),
                "attributeName",
            ),
            (
                json!({"queryType": "ec2InstanceAttributes", "attributeName": "Nope"}),
                "attributeName",
            ),
            (
                json!({"queryType": "resourceARNs", "tags": {}}),
                "resourceType",
            ),
            (json!({"queryType": "ebsVolumeIDs"}), "instanceID"),
        ];
        for (json, field) in cases {
            let err = parse(&obj(json.clone())).unwrap_err();
            assert_eq!(err.field, field, "{json}: {err}");
        }
    }

    #[test]
    fn json_format_variables_and_multi_values() {
        assert_eq!(
            without_json_format(r#"{"tag:Name": ${names:json}}"#),
            r#"{"tag:Name": "$names"}"#
        );
        assert_eq!(without_json_format("${a} ${b:json"), "${a} ${b:json");
        assert_eq!(multi_value("{i-1, i-2}"), vec!["i-1", "i-2"]);
        assert_eq!(multi_value(" i-1 "), vec!["i-1"]);
        assert_eq!(multi_value(""), Vec::<String>::new());
    }
}
