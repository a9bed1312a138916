//! Template variables: Grafana's variable queries in every stored form, answered through
//! QueryData with one frame of `text` and `value` per query (distinct values, in Grafana's
//! order: lookups sorted, fixed lists as Grafana lists them), from the same lookups, cache,
//! session and policy as the editors.

pub mod legacy;
pub mod query;

use http::StatusCode;
use serde_json::{Map, Value};

use crate::aws::session::AwsSession;
use crate::config::policy::Policy;
use crate::frames::table::{Column, TableFrame, Values};
use crate::query::{Answer, Failure, Query};
use crate::resources::ec2;
use crate::resources::request::{Collect, Lookup, NameMatch, Search};
use crate::resources::Lookups;

use query::VariableQuery;

/// CloudWatch's standard statistics, as Grafana's `statistics()` lists them.
const STATISTICS: [&str; 6] = ["Average", "Maximum", "Minimum", "Sum", "SampleCount", "IQM"];
/// The most log groups a `logGroups` variable lists.
const LOG_GROUP_CHOICES: usize = 1000;

/// One option of a variable: what is shown and what is used.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Choice {
    /// Shown in the variable's drop-down.
    pub text: String,
    /// Put into queries.
    pub value: String,
}

impl Choice {
    fn same(v: String) -> Choice {
        Choice {
            text: v.clone(),
            value: v,
        }
    }
}

/// The frame Grafana turns into variable options: the choices in their order, each value once.
pub fn frame(ref_id: &str, choices: Vec<Choice>) -> TableFrame {
    let mut seen = std::collections::HashSet::new();
    let choices: Vec<Choice> = choices
        .into_iter()
        .filter(|c| seen.insert(c.value.clone()))
        .collect();
    let (text, value): (Vec<Option<String>>, Vec<Option<String>>) = choices
        .into_iter()
        .map(|c| (Some(c.text), Some(c.value)))
        .unzip();
    TableFrame {
        name: String::new(),
        ref_id: ref_id.to_string(),
        meta: None,
        columns: vec![
            Column::new("text", Values::Text(text)),
            Column::new("value", Values::Text(value)),
        ],
    }
}

/// A ListMetrics-style lookup's filters: one value, or any.
fn metric_filters(filters: &query::Filters) -> Vec<(String, Option<String>)> {
    filters
        .iter()
        .map(|(k, v)| match v.as_slice() {
            [one] => (k.clone(), Some(one.clone())),
            _ => (k.clone(), None),
        })
        .collect()
}

/// The choices of one variable query.
async fn choices(
    lookups: &Lookups,
    session: &AwsSession,
    policy: &Policy,
    vq: VariableQuery,
) -> Result<Vec<Choice>, Failure> {
    let aws = |operation: &'static str| {
        move |f: crate::aws::failure::AwsFailure| f.report(operation, &session.settings)
    };
    let same = |values: Vec<String>| values.into_iter().map(Choice::same).collect();
    let sorted = |mut values: Vec<String>| {
        values.sort();
        same(values)
    };
    Ok(match vq {
        // `default` first, as Grafana's regions variable lists it: dashboards store it.
        VariableQuery::Regions => same(
            std::iter::once("default".to_string())
                .chain(lookups.regions(session).await)
                .collect(),
        ),
        VariableQuery::Namespaces => same(Lookups::namespaces(session)),
        VariableQuery::Statistics => same(STATISTICS.iter().map(|s| s.to_string()).collect()),
        VariableQuery::Metrics {
            region,
            namespace,
            account,
        } => {
            let lookup = Lookup {
                region: Some(region.resolve(&session.default_region)),
                namespace,
                metric_name: None,
                filters: Vec::new(),
                collect: Collect::MetricNames,
                account,
            };
            sorted(
                lookups
                    .metrics(session, policy, lookup)
                    .await
                    .map_err(aws("CloudWatch ListMetrics"))?,
            )
        }
        VariableQuery::DimensionKeys {
            region,
            namespace,
            metric_name,
            filters,
            account,
        } => {
            let lookup = Lookup {
                region: Some(region.resolve(&session.default_region)),
                namespace,
                metric_name,
                filters: metric_filters(&filters),
                collect: Collect::DimensionKeys,
                account,
            };
            sorted(
                lookups
                    .metrics(session, policy, lookup)
                    .await
                    .map_err(aws("CloudWatch ListMetrics"))?,
            )
        }
        VariableQuery::DimensionValues {
            region,
            namespace,
            metric_name,
            key,
            filters,
            account,
        } => {
            let lookup = Lookup {
                region: Some(region.resolve(&session.default_region)),
                namespace,
                metric_name,
                filters: metric_filters(&filters),
                collect: Collect::DimensionValues(key),
                account,
            };
            sorted(
                lookups
                    .metrics(session, policy, lookup)
                    .await
                    .map_err(aws("CloudWatch ListMetrics"))?,
            )
        }
        VariableQuery::EbsVolumeIds {
            region,
            instance_ids,
        } => sorted(
            lookups
                .volumes(
                    session,
                    &region.resolve(&session.default_region),
                    &instance_ids,
                )
                .await
                .map_err(aws("EC2 DescribeInstances"))?,
        ),
        VariableQuery::Ec2InstanceAttributes {
            region,
            attribute,
            filters,
        } => {
            let reader = ec2::attribute(&attribute).ok_or_else(|| {
                Failure::downstream(
                    StatusCode::BAD_REQUEST,
                    format!("{attribute:?} is not an EC2 instance attribute"),
                )
            })?;
            sorted(
                lookups
                    .instance_attribute(
                        session,
                        &region.resolve(&session.default_region),
                        &attribute,
                        reader,
                        &filters,
                    )
                    .await
                    .map_err(aws("EC2 DescribeInstances"))?,
            )
        }
        VariableQuery::ResourceArns {
            region,
            resource_type,
            tags,
        } => sorted(
            lookups
                .resource_arns(
                    session,
                    &region.resolve(&session.default_region),
                    &resource_type,
                    &tags,
                )
                .await
                .map_err(aws("Tagging GetResources"))?,
        ),
        VariableQuery::LogGroups {
            region,
            prefix,
            account,
        } => {
            let search = Search {
                name: prefix.map_or(NameMatch::Any, NameMatch::Prefix),
                account,
                limit: LOG_GROUP_CHOICES,
            };
            lookups
                .log_groups(session, &region.resolve(&session.default_region), &search)
                .await
                .map_err(aws("CloudWatch Logs DescribeLogGroups"))?
                .into_iter()
                .map(|g| Choice {
                    text: g.name,
                    value: g.arn,
                })
                .collect()
        }
        VariableQuery::Accounts { region } => {
            let accounts = lookups
                .accounts(session, &region.resolve(&session.default_region))
                .await
                .map_err(aws("OAM ListSinks/ListAttachedLinks"))?;
            // Grafana's All option (`all`, every account) leads the list when there is one.
            let all = (!accounts.is_empty()).then(|| Choice {
                text: "All".into(),
                value: "all".into(),
            });
            all.into_iter()
                .chain(accounts.into_iter().map(|a| Choice {
                    text: a.label,
                    value: a.id,
                }))
                .collect()
        }
    })
}

/// Answers a request's variable queries (their models already parsed), each on its own.
pub async fn run(
    lookups: &Lookups,
    session: &AwsSession,
    policy: &Policy,
    queries: Vec<(Query, Map<String, Value>)>,
) -> Vec<(String, Answer)> {
    // Boxed: a lookup's future holds whole SDK calls, too big for a worker's stack when a
    // dashboard's variables run together.
    let answers = queries.into_iter().map(|(q, model)| {
        Box::pin(async move {
            let answer = match query::parse(&model) {
                Ok(vq) => choices(lookups, session, policy, vq).await.and_then(|c| {
                    frame(&q.ref_id, c)
                        .to_arrow()
                        .map(|bytes| vec![bytes])
                        .map_err(|e| {
                            Failure::plugin(format!(
                                "Could not encode the values of {}: {e}",
                                q.ref_id
                            ))
                        })
                }),
                Err(e) => Err(e.into()),
            };
            (q.ref_id, answer)
        })
    });
    futures::future::join_all(answers).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_are_distinct_in_their_order() {
        let f = frame(
            "V",
            vec![
                Choice::same("b".into()),
                Choice::same("a".into()),
                Choice::same("b".into()),
            ],
        );
        assert_eq!(
            f.columns,
            vec![
                Column::new(
                    "text",
                    Values::Text(vec![Some("b".into()), Some("a".into())])
                ),
                Column::new(
                    "value",
                    Values::Text(vec![Some("b".into()), Some("a".into())])
                ),
            ]
        );
    }
}
