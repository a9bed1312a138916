//! CloudWatch Logs: `queryMode: "Logs"` queries (Logs Insights) for dashboards, Explore and
//! alert rules: `query` (parse) → `stats` (the answer's shape) → `execute` (StartQuery,
//! GetQueryResults, StopQuery; `poll` paces it) → `frames` (`links`).

pub mod execute;
pub mod frames;
pub mod links;
pub mod poll;
pub mod query;
pub mod stats;

use std::time::{Duration, Instant};

use http::StatusCode;
use serde_json::{Map, Value};

use crate::aws::session::AwsSession;
use crate::query::{Answer, Failure, Query};

use execute::{CallFailure, Ending};
use poll::Stopped;

/// What the user sees of a failed call: quota problems get advice of their own, as Logs
/// Insights has its own quotas.
fn report(f: CallFailure, session: &AwsSession) -> Failure {
    match f.failure.code.as_deref() {
        Some("LimitExceededException") => Failure::downstream(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "{} failed (LimitExceededException): CloudWatch Logs is already running as many Logs Insights queries as this AWS account allows. Wait for other queries (other dashboards, alert rules, other tools) to finish, lower this data source's logsConcurrentQueries (now {}), or ask AWS for a higher quota.",
                f.operation, session.settings.logs.max_queries
            ),
        ),
        Some("ThrottlingException") => Failure::downstream(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "{} failed (ThrottlingException): CloudWatch Logs accepts only a few Logs Insights calls per second per account, even after retries. Load fewer logs panels at once, or refresh less often.",
                f.operation
            ),
        ),
        _ => f.failure.report(f.operation, &session.settings),
    }
}

/// Answers one Logs Insights query.
async fn answer(
    session: &AwsSession,
    q: &Query,
    model: &Map<String, Value>,
    deadline: Option<Duration>,
) -> Answer {
    let started = Instant::now();
    let lq = query::parse(model)?;
    let range = query::range(q.from_ms, q.to_ms)?;
    let region = lq.region.resolve(&session.default_region);
    let timeout = session.settings.logs.timeout;
    let budget = poll::budget(timeout, deadline);
    let stop_reason = if budget < timeout {
        Stopped::Deadline
    } else {
        Stopped::LogsTimeout(timeout)
    };
    // AWS limits concurrent queries per account: beyond this data source's share, wait.
    let _slot = tokio::time::timeout(budget, session.logs_queries.acquire())
        .await
        .map_err(|_| {
            Failure::downstream(
                StatusCode::GATEWAY_TIMEOUT,
                format!(
                    "The query waited {}s for one of this data source's {} Logs Insights slots (logsConcurrentQueries) and its time ran out; load fewer logs panels at once or raise logsConcurrentQueries.",
                    budget.as_secs(),
                    session.settings.logs.max_queries
                ),
            )
        })?
        .map_err(|_| Failure::plugin("the Logs Insights slots were closed"))?;
    let client = session.logs(&region);
    let left = budget.saturating_sub(started.elapsed());
    let (results, ending) = execute::run(&client, &lq, range, left, stop_reason)
        .await
        .map_err(|f| report(f, session))?;
    let warning = match ending {
        Ending::Ended(status) => {
            if let Some((code, message)) = status.failure() {
                return Err(Failure::downstream(code, message));
            }
            None
        }
        Ending::Stopped(why) => Some(why.notice()),
    };
    let ctx = frames::Context {
        executed: lq.expression.clone(),
        warning,
        statistics: results.statistics,
        console_link: links::console_link(region.as_str(), &lq, q.from_ms, q.to_ms),
    };
    frames::frames(&q.ref_id, &stats::shape(&lq), results.rows, &ctx)
        .iter()
        .map(|f| f.to_arrow())
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::plugin(format!("Could not encode the logs of {}: {e}", q.ref_id)))
}

/// Answers a request's Logs Insights queries (their models already parsed), each on its own
/// and all at once, within the data source's concurrency bound.
pub async fn run(
    session: &AwsSession,
    queries: Vec<(Query, Map<String, Value>)>,
    deadline: Option<Duration>,
) -> Vec<(String, Answer)> {
    let answers = queries.into_iter().map(|(q, model)| {
        // Boxed: the SDK calls' futures are large.
        Box::pin(async move {
            let a = answer(session, &q, &model, deadline).await;
            (q.ref_id, a)
        })
    });
    futures::future::join_all(answers).await
}
