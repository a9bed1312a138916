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
use crate::query::{Answer, Query};

/// Answers a request's metrics queries (their models already parsed): every one gets an
/// answer, frames or a failure that concerns it alone.
pub async fn run(
    session: &AwsSession,
    queries: Vec<(Query, Map<String, Value>)>,
    now_ms: i64,
    deadline: Option<Duration>,
) -> Vec<(String, Answer)> {
    let mut answers = Vec::new();
    let mut timed = Vec::new();
    for (q, model) in queries {
        match query::parse(&q.ref_id, &model) {
            Ok(parsed) => timed.push(plan::TimedQuery {
                query: parsed,
                from_ms: q.from_ms,
                to_ms: q.to_ms,
            }),
            Err(e) => answers.push((q.ref_id, Err(e.into()))),
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
