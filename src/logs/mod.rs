//! CloudWatch Logs: `queryMode: "Logs"` queries (Logs Insights) for dashboards, Explore and
//! alert rules: `query` (parse, and which log groups StartQuery reads) → `stats` (the groups
//! that split the answer) → `execute` (StartQuery, GetQueryResults, StopQuery; `poll` paces
//! it) → `frames` (`links`).

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
use crate::config::names::Region;
use crate::query::{Answer, Failure, Query};
use crate::resources::Lookups;

use execute::{CallFailure, Ending};
use frames::Audience;
use poll::Stopped;

/// Who a logs query answers, as Grafana's CloudWatch tells: a query its editor marks as a
/// log action (`type: "logAction"`) answers a panel, unless the request comes from an alert
/// rule or a server-side expression; everything else (alert rules, expressions, public
/// dashboards, the API) gets the shape Grafana's synchronous path gives.
pub fn audience(model: &Map<String, Value>, server_side: bool) -> Audience {
    let marked = model.get("type").and_then(Value::as_str) == Some("logAction");
    if marked && !server_side {
        Audience::Panel
    } else {
        Audience::Server
    }
}

/// Whether the account is a monitoring account in `region` (it has an OAM sink), which sends
/// log groups by ARN. When OAM cannot say, it is taken as not one, as Grafana takes it.
async fn is_monitoring_account(lookups: &Lookups, session: &AwsSession, region: &Region) -> bool {
    match lookups.accounts(session, region).await {
        Ok(accounts) => !accounts.is_empty(),
        Err(e) => {
            tracing::debug!(region = %region.as_str(), code = ?e.code, "OAM could not say whether this is a monitoring account; sending log group names");
            false
        }
    }
}

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
    lookups: &Lookups,
    session: &AwsSession,
    q: &Query,
    model: &Map<String, Value>,
    server_side: bool,
    deadline: Option<Duration>,
) -> Answer {
    let started = Instant::now();
    let lq = query::parse(model)?;
    let range = query::range(q.from_ms, q.to_ms)?;
    let region = lq.region.resolve(&session.default_region);
    let monitoring =
        lq.depends_on_account() && is_monitoring_account(lookups, session, &region).await;
    let targets = lq.targets(monitoring)?;
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
    let (results, ending) = execute::run(&client, &lq, targets, range, left, stop_reason)
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
        executed: lq.query_string(),
        status: results.status,
        warning,
        statistics: results.statistics,
        console_link: links::console_link(region.as_str(), &lq, q.from_ms, q.to_ms),
    };
    let audience = audience(model, server_side);
    frames::frames(&q.ref_id, &stats::groups(&lq), audience, results.rows, &ctx)
        .iter()
        .map(|f| f.to_arrow())
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::plugin(format!("Could not encode the logs of {}: {e}", q.ref_id)))
}

/// Answers a request's Logs Insights queries (their models already parsed), each on its own
/// and all at once, within the data source's concurrency bound; `server_side` when the
/// request comes from an alert rule or a server-side expression.
pub async fn run(
    lookups: &Lookups,
    session: &AwsSession,
    queries: Vec<(Query, Map<String, Value>)>,
    server_side: bool,
    deadline: Option<Duration>,
) -> Vec<(String, Answer)> {
    let answers = queries.into_iter().map(|(q, model)| {
        // Boxed: the SDK calls' futures are large.
        Box::pin(async move {
            let a = answer(lookups, session, &q, &model, server_side, deadline).await;
            // A query without a refId is answered as A, as Grafana's CloudWatch answers it.
            let ref_id = if q.ref_id.is_empty() {
                "A".to_string()
            } else {
                q.ref_id
            };
            (ref_id, a)
        })
    });
    futures::future::join_all(answers).await
}
