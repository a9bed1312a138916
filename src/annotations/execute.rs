//! The CloudWatch calls of alarm annotations: the alarms (DescribeAlarmsForMetric, or
//! DescribeAlarms by prefix) and their history (DescribeAlarmHistory) over the panel's range.

use std::collections::BTreeSet;

use aws_sdk_cloudwatch::operation::describe_alarm_history::DescribeAlarmHistoryOutput;
use aws_sdk_cloudwatch::types::{Dimension, MetricAlarm};
use aws_smithy_types::DateTime;
use futures::{StreamExt, TryStreamExt};

use crate::aws::failure::{describe_cloudwatch, AwsFailure};
use crate::aws::session::AwsSession;
use crate::config::names::Region;
use crate::metrics::query::Statistic;
use crate::observability::meters::metered;

use super::alarms::Alarm;
use super::history::HistoryItem;

/// The most records DescribeAlarms and DescribeAlarmHistory return per call.
const MAX_RECORDS: i32 = 100;
/// Pages of DescribeAlarms read for prefix matching (1,000 alarms).
const MAX_ALARM_PAGES: usize = 10;
/// Pages of one alarm's history read (500 items, five times what Grafana shows).
const MAX_HISTORY_PAGES: usize = 5;
/// Alarms whose history is fetched at once.
const HISTORY_CONCURRENCY: usize = 4;

/// What Stratus reads of an alarm.
pub fn to_alarm(a: &MetricAlarm) -> Alarm {
    Alarm {
        name: a.alarm_name().unwrap_or_default().to_string(),
        namespace: a.namespace().map(str::to_string),
        metric_name: a.metric_name().map(str::to_string),
        dimension_names: a
            .dimensions()
            .iter()
            .filter_map(|d| d.name().map(str::to_string))
            .collect(),
        statistic: a
            .statistic()
            .map(|s| s.as_str().to_string())
            .or_else(|| a.extended_statistic().map(str::to_string)),
        period: a.period(),
    }
}

/// The names of the alarms on a metric with exactly these dimensions, one call per statistic.
pub async fn alarms_for_metric(
    session: &AwsSession,
    region: &Region,
    namespace: &str,
    metric_name: &str,
    dimensions: &[(String, String)],
    statistics: &[Statistic],
    period: Option<i32>,
) -> Result<BTreeSet<String>, AwsFailure> {
    let client = session.cloudwatch(region);
    let dimensions: Vec<Dimension> = dimensions
        .iter()
        .map(|(k, v)| Dimension::builder().name(k).value(v).build())
        .collect();
    let mut names = BTreeSet::new();
    for stat in statistics {
        let request = client
            .describe_alarms_for_metric()
            .namespace(namespace)
            .metric_name(metric_name)
            // No member at all without dimensions, as Grafana sends it (CBOR, unlike awsQuery,
            // writes an empty list).
            .set_dimensions((!dimensions.is_empty()).then(|| dimensions.clone()))
            .set_period(period);
        let request = if stat.is_standard() {
            request.statistic(stat.as_str().into())
        } else {
            request.extended_statistic(stat.as_str())
        };
        let call = request.send();
        let out = metered(
            "monitoring",
            "DescribeAlarmsForMetric",
            |f| f.call_outcome(),
            async { call.await.map_err(|e| describe_cloudwatch(&e)) },
        )
        .await?;
        names.extend(
            out.metric_alarms()
                .iter()
                .filter_map(|a| a.alarm_name().map(str::to_string)),
        );
    }
    Ok(names)
}

/// The metric alarms whose names and actions start with the prefixes (all pages, bounded).
pub async fn alarms_by_prefix(
    session: &AwsSession,
    region: &Region,
    action_prefix: Option<&str>,
    alarm_name_prefix: Option<&str>,
) -> Result<Vec<Alarm>, AwsFailure> {
    let client = session.cloudwatch(region);
    let mut alarms = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_ALARM_PAGES {
        let call = client
            .describe_alarms()
            .set_action_prefix(action_prefix.map(str::to_string))
            .set_alarm_name_prefix(alarm_name_prefix.map(str::to_string))
            .max_records(MAX_RECORDS)
            .set_next_token(token.take())
            .send();
        let out = metered(
            "monitoring",
            "DescribeAlarms",
            |f| f.call_outcome(),
            async { call.await.map_err(|e| describe_cloudwatch(&e)) },
        )
        .await?;
        alarms.extend(out.metric_alarms().iter().map(to_alarm));
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(alarms)
}

/// The items of one DescribeAlarmHistory answer.
pub fn to_items(out: &DescribeAlarmHistoryOutput) -> Vec<HistoryItem> {
    out.alarm_history_items()
        .iter()
        .map(|i| HistoryItem {
            time_ms: i.timestamp().and_then(|t| t.to_millis().ok()).unwrap_or(0),
            alarm: i.alarm_name().unwrap_or_default().to_string(),
            kind: i
                .history_item_type()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
            summary: i.history_summary().unwrap_or_default().to_string(),
        })
        .collect()
}

/// Up to `pages` pages of history over `from_ms..to_ms`: one alarm's, or with `alarm` unset,
/// every metric alarm's in the region (newest first). Says whether more pages were left.
async fn history_pages(
    session: &AwsSession,
    region: &Region,
    alarm: Option<&str>,
    from_ms: i64,
    to_ms: i64,
    pages: usize,
) -> Result<(Vec<HistoryItem>, bool), AwsFailure> {
    let client = session.cloudwatch(region);
    let mut items = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..pages {
        let call = client
            .describe_alarm_history()
            .set_alarm_name(alarm.map(str::to_string))
            .start_date(DateTime::from_millis(from_ms))
            .end_date(DateTime::from_millis(to_ms))
            .max_records(MAX_RECORDS)
            .set_next_token(token.take())
            .send();
        let out = metered(
            "monitoring",
            "DescribeAlarmHistory",
            |f| f.call_outcome(),
            async { call.await.map_err(|e| describe_cloudwatch(&e)) },
        )
        .await?;
        items.extend(to_items(&out));
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok((items, false)),
        }
    }
    Ok((items, true))
}

/// The history of `alarms` over the range. Grafana asks once per alarm; for several alarms
/// Stratus first asks once for the whole region's history, which answers in one call when the
/// range is quiet (the common case), and only when that answer runs over one page does it ask
/// per alarm: at most one call more than Grafana, usually one in all.
pub async fn history(
    session: &AwsSession,
    region: &Region,
    alarms: &BTreeSet<String>,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<HistoryItem>, AwsFailure> {
    if alarms.len() > 1 {
        let (items, more) = history_pages(session, region, None, from_ms, to_ms, 1).await?;
        if !more {
            return Ok(items);
        }
    }
    let per_alarm = futures::stream::iter(alarms.iter().cloned())
        .map(|name| async move {
            history_pages(
                session,
                region,
                Some(&name),
                from_ms,
                to_ms,
                MAX_HISTORY_PAGES,
            )
            .await
            .map(|(items, _)| items)
        })
        .buffer_unordered(HISTORY_CONCURRENCY)
        .try_collect::<Vec<_>>()
        .await?;
    Ok(per_alarm.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::recorded;

    #[tokio::test]
    async fn recorded_history_and_alarms_read_as_aws_documents_them() {
        let client = recorded::cloudwatch(recorded::cbor_of(include_str!(
            "testdata/describe_alarm_history.json"
        )));
        let out = client.describe_alarm_history().send().await.unwrap();
        assert_eq!(
            to_items(&out),
            vec![
                HistoryItem {
                    time_ms: 1_700_000_600_000,
                    alarm: "web-cpu-high".into(),
                    kind: "StateUpdate".into(),
                    summary: "Alarm updated from ALARM to OK".into(),
                },
                HistoryItem {
                    time_ms: 1_700_000_000_000,
                    alarm: "web-cpu-high".into(),
                    kind: "StateUpdate".into(),
                    summary: "Alarm updated from OK to ALARM".into(),
                },
                HistoryItem {
                    time_ms: 1_699_999_000_000,
                    alarm: "web-cpu-high".into(),
                    kind: "ConfigurationUpdate".into(),
                    summary: "Alarm \"web-cpu-high\" updated".into(),
                },
            ]
        );
        assert_eq!(out.next_token(), Some("page-2"));
        let client = recorded::cloudwatch(recorded::cbor_of(include_str!(
            "testdata/describe_alarms.json"
        )));
        let out = client.describe_alarms().send().await.unwrap();
        let alarms: Vec<Alarm> = out.metric_alarms().iter().map(to_alarm).collect();
        assert_eq!(
            alarms,
            vec![
                Alarm {
                    name: "web-cpu-high".into(),
                    namespace: Some("AWS/EC2".into()),
                    metric_name: Some("CPUUtilization".into()),
                    dimension_names: vec!["InstanceId".into()],
                    statistic: Some("Average".into()),
                    period: Some(300),
                },
                Alarm {
                    name: "web-latency-p99".into(),
                    namespace: Some("AWS/ApplicationELB".into()),
                    metric_name: Some("TargetResponseTime".into()),
                    dimension_names: vec!["LoadBalancer".into()],
                    statistic: Some("p99".into()),
                    period: Some(60),
                },
            ]
        );
    }
}
