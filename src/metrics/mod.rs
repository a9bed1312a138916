//! CloudWatch metric queries: builder, code (metric math, SEARCH) and Metrics Insights.
//!
//! [`query`] parses the model, [`plan`] (with [`search`] and [`labels`]) decides the
//! GetMetricData calls, [`execute`] makes them, [`response`] (with [`links`]) turns the
//! answers into frames. Only `execute` does I/O.

pub mod execute;
pub mod labels;
pub mod links;
pub mod plan;
pub mod query;
pub mod response;
pub mod search;
#[cfg(test)]
mod testing;

use std::time::Duration;

use serde_json::{Map, Value};

use crate::aws::failure::scrub;
use crate::aws::session::AwsSession;
use crate::config::policy::Policy;
use crate::query::{Answer, Failure, Query};
use crate::resources::request::{AccountScope, Collect, Lookup};
use crate::resources::Lookups;

use query::{Account, MetricQuery, Mode};

/// Answers a request's metrics queries (their models already parsed): every one gets an
/// answer, frames or a failure that concerns it alone.
pub async fn run(
    lookups: &Lookups,
    session: &AwsSession,
    policy: &Policy,
    queries: Vec<(Query, Map<String, Value>)>,
    now_ms: i64,
    deadline: Option<Duration>,
) -> Vec<(String, Answer)> {
    let mut answers = Vec::new();
    let mut timed = Vec::new();
    for (q, model) in queries {
        let parsed = match query::parse(&q.ref_id, &model) {
            Ok(parsed) => parsed,
            Err(e) => {
                answers.push((q.ref_id, Err(e.into())));
                continue;
            }
        };
        match with_group_by_values(lookups, session, policy, parsed).await {
            Ok(parsed) => timed.push(plan::TimedQuery {
                query: parsed,
                from_ms: q.from_ms,
                to_ms: q.to_ms,
            }),
            Err(f) => answers.push((q.ref_id, Err(f))),
        }
    }
    let plan = plan::plan(timed, &session.default_region, now_ms);
    answers.extend(
        plan.errors
            .iter()
            .map(|(r, e)| (r.clone(), Err(e.clone().into()))),
    );
    for (ref_id, answer) in execute::execute(session, &plan, deadline).await {
        // AWS messages can echo request content; nothing of the data source's secrets leaves.
        let answer = answer.map_err(|mut f| {
            f.message = scrub(&f.message, &session.settings);
            f
        });
        answers.push((ref_id, answer));
    }
    answers
}

/// A Metrics Insights builder query with GROUP BY keys and a stored namespace and metric gets
/// the keys' values (ListMetrics, cached with the editor's lookups), so its series are
/// labelled with the value each carries, as Grafana labels them.
async fn with_group_by_values(
    lookups: &Lookups,
    session: &AwsSession,
    policy: &Policy,
    mut q: MetricQuery,
) -> Result<MetricQuery, Failure> {
    let Mode::Insights {
        dimensions,
        group_by_source: Some((namespace, metric_name)),
        ..
    } = &mut q.mode
    else {
        return Ok(q);
    };
    let account = match &q.account {
        None => AccountScope::Own,
        Some(Account::All) => AccountScope::AllLinked,
        Some(Account::One(id)) => AccountScope::One(id.clone()),
    };
    let region = q.region.resolve(&session.default_region);
    for (key, values) in dimensions.iter_mut() {
        if values.as_slice() != ["*"] {
            continue;
        }
        let lookup = Lookup {
            region: Some(region.clone()),
            namespace: namespace.clone(),
            metric_name: Some(metric_name.clone()),
            filters: Vec::new(),
            collect: Collect::DimensionValues(key.clone()),
            account: account.clone(),
        };
        *values = lookups
            .metrics(session, policy, lookup)
            .await
            .map_err(|f| {
                f.report(
                    "CloudWatch ListMetrics (the GROUP BY keys' values)",
                    &session.settings,
                )
            })?;
    }
    Ok(q)
}
