//! The CloudWatch Logs calls of a Logs Insights query: StartQuery, GetQueryResults until the
//! query ends, and StopQuery whenever Stratus gives up on a query that still runs (its
//! time ran out, or Grafana cancelled the request), so no query keeps using the account's
//! concurrent-query quota for nothing.

use std::time::{Duration, Instant};

use aws_sdk_cloudwatchlogs::operation::get_query_results::GetQueryResultsOutput;
use aws_sdk_cloudwatchlogs::types::{QueryLanguage, QueryStatus};
use aws_sdk_cloudwatchlogs::Client;

use crate::aws::failure::{describe, AwsFailure};
use crate::observability::meters::metered;

use super::frames::{Row, Statistics};
use super::poll::{self, Status, Stopped};
use super::query::{Language, LogsQuery, Range, Targets};

/// The service name in Stratus's call metrics.
const SERVICE: &str = "logs";

/// What GetQueryResults last said of a query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Results {
    /// The rows so far.
    pub rows: Vec<Row>,
    /// The query's status as AWS names it (`Complete`, `Running`, ...).
    pub status: String,
    /// Bytes and records scanned, records matched.
    pub statistics: Option<Statistics>,
}

/// How a query ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    /// AWS says it ended: complete, or failed in one of its ways.
    Ended(Status),
    /// Stratus stopped it, and why.
    Stopped(Stopped),
}

/// A call of a query that failed.
#[derive(Debug, Clone, PartialEq)]
pub struct CallFailure {
    /// The operation, for the message (`CloudWatch Logs StartQuery`).
    pub operation: &'static str,
    /// How it failed.
    pub failure: AwsFailure,
}

fn failed(operation: &'static str) -> impl FnOnce(AwsFailure) -> CallFailure {
    move |failure| CallFailure { operation, failure }
}

fn status(s: Option<&QueryStatus>) -> Status {
    match s {
        Some(QueryStatus::Scheduled | QueryStatus::Running) => Status::Running,
        Some(QueryStatus::Complete) => Status::Complete,
        Some(QueryStatus::Failed) => Status::Failed,
        Some(QueryStatus::Cancelled) => Status::Cancelled,
        Some(QueryStatus::Timeout) => Status::Timeout,
        _ => Status::Unknown,
    }
}

/// The rows and statistics of one GetQueryResults answer, its strings moved, not copied.
pub fn results(out: GetQueryResultsOutput) -> Results {
    let statistics = out.statistics().map(|s| Statistics {
        bytes_scanned: s.bytes_scanned(),
        records_scanned: s.records_scanned(),
        records_matched: s.records_matched(),
    });
    let status = out
        .status()
        .map(|s| s.as_str().to_string())
        .unwrap_or_default();
    let rows = out
        .results
        .unwrap_or_default()
        .into_iter()
        .map(|fields| {
            fields
                .into_iter()
                .filter_map(|f| Some((f.field?, f.value?)))
                .collect()
        })
        .collect();
    Results {
        rows,
        status,
        statistics,
    }
}

/// A query that may still be running: dropped before it is settled (Grafana cancelled the
/// request), it stops the query in the background.
struct Running {
    client: Client,
    id: String,
    settled: bool,
}

impl Running {
    async fn stop(client: &Client, id: &str) {
        let call = client.stop_query().query_id(id).send();
        let stopped = metered(SERVICE, "StopQuery", |f| f.call_outcome(), async {
            call.await.map_err(|e| describe(&e))
        })
        .await;
        // A query that ended meanwhile cannot be stopped; nothing more to do either way.
        if let Err(e) = stopped {
            tracing::debug!(query_id = id, error = %e.message, "StopQuery failed");
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            let (client, id) = (self.client.clone(), std::mem::take(&mut self.id));
            tracing::info!(query_id = %id, "request cancelled; stopping its Logs Insights query");
            rt.spawn(async move { Running::stop(&client, &id).await });
        }
    }
}

/// Starts `q` over `range`, reading `targets`, and waits for it within `budget`; a query still
/// running when the budget is spent is stopped and answered with what it found.
pub async fn run(
    client: &Client,
    q: &LogsQuery,
    targets: Targets,
    range: Range,
    budget: Duration,
    stop_reason: Stopped,
) -> Result<(Results, Ending), CallFailure> {
    let started = Instant::now();
    let (names, identifiers) = match targets {
        Targets::Names(n) => (Some(n), None),
        Targets::Identifiers(a) => (None, Some(a)),
        Targets::InQuery => (None, None),
    };
    let language = match q.language {
        Language::Cwli => QueryLanguage::Cwli,
        Language::Sql => QueryLanguage::Sql,
        Language::Ppl => QueryLanguage::Ppl,
    };
    let call = client
        .start_query()
        .set_log_group_names(names)
        .set_log_group_identifiers(identifiers)
        .start_time(range.start_s)
        .end_time(range.end_s)
        .query_string(q.query_string())
        .query_language(language)
        .set_limit(q.limit)
        .send();
    let out = metered(SERVICE, "StartQuery", |f| f.call_outcome(), async {
        call.await.map_err(|e| describe(&e))
    })
    .await
    .map_err(failed("CloudWatch Logs StartQuery"))?;
    let mut running = Running {
        client: client.clone(),
        id: out.query_id().unwrap_or_default().to_string(),
        settled: false,
    };
    // Until GetQueryResults says otherwise, the query is running.
    let mut last = Results {
        status: QueryStatus::Running.as_str().to_string(),
        ..Results::default()
    };
    let mut attempt = 0;
    loop {
        let pause = poll::delay(attempt);
        if started.elapsed() + pause > budget {
            Running::stop(client, &running.id).await;
            running.settled = true;
            return Ok((last, Ending::Stopped(stop_reason)));
        }
        tokio::time::sleep(pause).await;
        let call = client.get_query_results().query_id(&running.id).send();
        let out = metered(SERVICE, "GetQueryResults", |f| f.call_outcome(), async {
            call.await.map_err(|e| describe(&e))
        })
        .await
        .map_err(failed("CloudWatch Logs GetQueryResults"))?;
        let now = status(out.status());
        last = results(out);
        if !now.is_running() {
            running.settled = true;
            return Ok((last, Ending::Ended(now)));
        }
        attempt = attempt.saturating_add(1);
    }
}
