//! Running a [`Plan`] against CloudWatch: one GetMetricData call per batch (following
//! NextToken), a bounded number in flight per data source, all within Grafana's deadline.

use std::time::Duration;

use aws_sdk_cloudwatch::operation::get_metric_data::builders::GetMetricDataInputBuilder;
use aws_sdk_cloudwatch::operation::get_metric_data::{GetMetricDataInput, GetMetricDataOutput};
use aws_sdk_cloudwatch::types::{
    Dimension, LabelOptions, MessageData, Metric, MetricDataQuery, MetricStat, ScanBy,
};
use aws_smithy_types::DateTime;
use http::StatusCode;

use crate::aws::failure::describe_cloudwatch;
use crate::aws::session::AwsSession;
use crate::memory;
use crate::observability::meters::{self, metered};
use crate::query::{Answer, Failure};

use super::plan::{Batch, Plan, PlannedQuery, Spec};
use super::response::{assemble, by_ref_id, Message, Page, SeriesResult};

/// A plan expecting this many points or more (about a megabyte of frames, and as much CBOR) takes its
/// turn among the requests with large answers.
const LARGE_ANSWER_POINTS: u64 = 50_000;

/// One query as GetMetricData takes it, field for field as Grafana sends it: the period with
/// a MetricStat, math and SQL (a built SEARCH carries its own), the account with a MetricStat
/// only (a SEARCH names it inside).
pub fn to_sdk_query(q: &PlannedQuery) -> MetricDataQuery {
    let b = MetricDataQuery::builder()
        .id(&q.id)
        .return_data(q.return_data)
        .set_label(q.label.clone());
    match &q.spec {
        Spec::MetricStat {
            namespace,
            metric_name,
            dimensions,
            stat,
            account_id,
        } => {
            let metric = Metric::builder()
                .namespace(namespace)
                .metric_name(metric_name)
                .set_dimensions(Some(
                    dimensions
                        .iter()
                        .map(|(k, v)| Dimension::builder().name(k).value(v).build())
                        .collect(),
                ))
                .build();
            b.metric_stat(
                MetricStat::builder()
                    .metric(metric)
                    .period(q.period)
                    .stat(stat)
                    .build(),
            )
            .set_account_id(account_id.clone())
        }
        Spec::Search(e) => b.expression(e),
        Spec::Math(e) | Spec::Sql(e) => b.expression(e).period(q.period),
    }
    .build()
}

/// The GetMetricData request of a batch, without its NextToken.
pub fn request(batch: &Batch) -> GetMetricDataInputBuilder {
    GetMetricDataInput::builder()
        .start_time(DateTime::from_millis(batch.start_ms))
        .end_time(DateTime::from_millis(batch.end_ms))
        .scan_by(ScanBy::TimestampAscending)
        .set_label_options(
            batch
                .timezone()
                .map(|tz| LabelOptions::builder().timezone(tz).build()),
        )
        .set_metric_data_queries(Some(batch.queries.iter().map(to_sdk_query).collect()))
}

fn message(m: &MessageData) -> Message {
    Message {
        code: m.code().unwrap_or_default().to_string(),
        text: m.value().unwrap_or_default().to_string(),
    }
}

/// Reduces one GetMetricData answer to a [`Page`], taking the SDK's vectors rather than copying
/// them: a dashboard's answer is megabytes, and every copy of it costs page faults.
pub fn to_page(out: GetMetricDataOutput) -> Page {
    Page {
        messages: out.messages().iter().map(message).collect(),
        results: out
            .metric_data_results
            .unwrap_or_default()
            .into_iter()
            .map(|r| SeriesResult {
                timestamps_ms: r
                    .timestamps()
                    .iter()
                    .map(|t| t.to_millis().unwrap_or(0))
                    .collect(),
                messages: r.messages().iter().map(message).collect(),
                status: r.status_code,
                id: r.id.unwrap_or_default(),
                label: r.label.unwrap_or_default(),
                values: r.values.unwrap_or_default(),
            })
            .collect(),
    }
}

async fn fetch(session: &AwsSession, batch: &Batch) -> Result<Vec<Page>, Failure> {
    // The semaphore is never closed while the plugin runs.
    let _permit = session
        .calls
        .acquire()
        .await
        .map_err(|_| Failure::plugin("Stratus is shutting down; the query was not run."))?;
    let client = session.cloudwatch(&batch.region);
    let input = request(batch);
    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    loop {
        meters::global().get_metric_data_queries(batch.queries.len());
        let call = input
            .clone()
            .set_next_token(token.take())
            .send_with(&client);
        let mut out = metered("monitoring", "GetMetricData", |f| f.call_outcome(), async {
            call.await.map_err(|e| describe_cloudwatch(&e))
        })
        .await
        .map_err(|f| f.report("CloudWatch GetMetricData", &session.settings))?;
        token = out.next_token.take().filter(|t| !t.is_empty());
        pages.push(to_page(out));
        if token.is_none() {
            break;
        }
    }
    Ok(pages)
}

/// The same failure for every query of a batch that returns data.
fn failed_batch(batch: &Batch, failure: Failure) -> Vec<(String, Answer)> {
    batch
        .queries
        .iter()
        .filter(|q| q.return_data)
        .map(|q| (q.ref_id.clone(), Err(failure.clone())))
        .collect()
}

/// Runs every batch of the plan (bounded per data source) within the request deadline.
pub async fn execute(
    session: &AwsSession,
    plan: &Plan,
    deadline: Option<Duration>,
) -> Vec<(String, Answer)> {
    let deadline = deadline.map(|d| tokio::time::Instant::now() + d);
    if plan.expected_points() >= LARGE_ANSWER_POINTS {
        memory::large_answer_turn().await;
    }
    let runs = plan.batches.iter().map(|batch| async move {
        let fetched = match deadline {
            Some(at) => tokio::time::timeout_at(at, fetch(session, batch))
                .await
                .unwrap_or_else(|_| Err(Failure::downstream(StatusCode::GATEWAY_TIMEOUT, "GetMetricData did not finish before Grafana's query timeout; the AWS call was cancelled. Narrow the query or raise the data source's timeout."))),
            None => fetch(session, batch).await,
        };
        match fetched {
            Ok(pages) => assemble(batch, pages),
            Err(f) => failed_batch(batch, f),
        }
    });
    // A query planned as several (one per statistic) may span batches: one answer each.
    by_ref_id(futures::future::join_all(runs).await.into_iter().flatten())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::recorded;
    use crate::metrics::testing::{batch, frames};
    use std::collections::HashMap;

    /// A recorded answer, deserialized by the SDK as a live one would be, as a page.
    async fn page_of(recording: &'static [u8]) -> Page {
        let out = recorded::cloudwatch(recording)
            .get_metric_data()
            .send()
            .await
            .expect("the recording deserializes");
        to_page(out)
    }

    const FROM: i64 = 1_610_737_200_000; // 2021-01-15T19:00:00Z

    #[test]
    fn a_day_of_100_minutely_series_is_a_large_answer_and_an_alert_query_is_not() {
        const CPU: &str = r#"{"namespace":"AWS/EC2","metricName":"CPUUtilization","period":"60"}"#;
        let day = |n: usize| {
            let ref_ids: Vec<String> = (0..n).map(|i| format!("Q{i}")).collect();
            let queries: Vec<(&str, &str)> = ref_ids.iter().map(|r| (r.as_str(), CPU)).collect();
            Plan {
                batches: vec![batch(&queries, FROM, FROM + 86_400_000)],
                errors: vec![],
            }
        };
        // EndTime is a minute past the range's end, as Grafana sends it.
        assert_eq!(day(100).expected_points(), 144_100);
        assert!(day(100).expected_points() >= LARGE_ANSWER_POINTS);
        assert_eq!(day(1).expected_points(), 1_441);
        assert!(day(34).expected_points() < LARGE_ANSWER_POINTS);
    }

    #[tokio::test]
    async fn a_recorded_moto_answer_becomes_one_frame_per_query() {
        let page = page_of(recorded::cbor_of(include_str!(
            "testdata/get_metric_data_moto.json"
        )))
        .await;
        let b = batch(
            &[
                (
                    "A",
                    r#"{"id":"a","namespace":"AWS/EC2","metricName":"CPUUtilization","dimensions":{"InstanceId":"i-0a1"},"period":"60"}"#,
                ),
                (
                    "B",
                    r#"{"id":"b","namespace":"AWS/EC2","metricName":"CPUUtilization","dimensions":{"InstanceId":"i-0b2"},"period":"60"}"#,
                ),
            ],
            FROM,
            FROM + 300_000,
        );
        let answers: HashMap<String, Answer> = assemble(&b, vec![page]).into_iter().collect();
        for (ref_id, instance, values) in [
            ("A", "i-0a1", [10.0, 12.5, 11.0]),
            ("B", "i-0b2", [40.0, 41.5, 39.0]),
        ] {
            let f = frames(&answers[ref_id]);
            assert_eq!(f.len(), 1);
            assert_eq!(f[0].name, "CPUUtilization Average");
            assert_eq!(f[0].labels["InstanceId"], instance);
            assert_eq!(f[0].values, values.to_vec());
            assert_eq!(
                f[0].times_ns,
                vec![
                    FROM * 1_000_000,
                    (FROM + 60_000) * 1_000_000,
                    (FROM + 120_000) * 1_000_000
                ]
            );
        }
    }

    #[tokio::test]
    async fn recorded_pages_with_messages_partial_data_and_failures() {
        let pages = vec![
            page_of(recorded::cbor_of(include_str!(
                "testdata/get_metric_data_search_page1.json"
            )))
            .await,
            page_of(recorded::cbor_of(include_str!(
                "testdata/get_metric_data_search_page2.json"
            )))
            .await,
        ];
        assert_eq!(
            pages[0].results[0].status,
            Some(aws_sdk_cloudwatch::types::StatusCode::PartialData)
        );
        let b = batch(
            &[
                (
                    "A",
                    r#"{"id":"a","namespace":"AWS/EC2","metricName":"CPUUtilization","dimensions":{"InstanceId":["i-0a1","i-0b2"]},"period":"60","label":"cpu"}"#,
                ),
                (
                    "E",
                    r#"{"id":"e","metricEditorMode":1,"expression":"a/0","period":"60"}"#,
                ),
                (
                    "F",
                    r#"{"id":"f","namespace":"AWS/EC2","metricName":"CPUUtilization","accountId":"210987654321","period":"60"}"#,
                ),
            ],
            FROM,
            FROM + 300_000,
        );
        let answers: HashMap<String, Answer> = assemble(&b, pages).into_iter().collect();
        let a = frames(&answers["A"]);
        assert_eq!(a.len(), 2, "one frame per series across both pages");
        assert_eq!(a[0].labels["InstanceId"], "i-0a1");
        assert_eq!(a[0].name, "cpu");
        assert_eq!(a[0].values, vec![10.0, 12.5, 11.0]);
        assert_eq!(a[1].labels["InstanceId"], "i-0b2");
        // Page 1 was partial and page 2 completed the series: only the call's message remains.
        let notices = a[0].meta.as_ref().unwrap()["notices"].to_string();
        assert!(
            notices.contains("most metrics") && !notices.contains("partial data"),
            "{notices}"
        );
        // Results AWS could not compute, with no data at all, are the query's error.
        let e = answers["E"].as_ref().unwrap_err();
        assert_eq!(e.status, http::StatusCode::BAD_REQUEST);
        assert!(e.message.contains("ArithmeticError"), "{}", e.message);
        let f = answers["F"].as_ref().unwrap_err();
        assert_eq!(f.status, http::StatusCode::FORBIDDEN);
        assert!(f.message.contains("account 210987654321"), "{}", f.message);
    }
}
