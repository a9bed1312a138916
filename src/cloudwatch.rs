//! Running a [`Plan`] against CloudWatch: one GetMetricData call per batch (following
//! NextToken), a bounded number in flight per data source, and the results assembled into
//! per-query responses. The assembly is pure and tested against recorded outputs.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::pluginv2;
use aws_sdk_cloudwatch::types::{
    Dimension, Metric, MetricDataQuery, MetricStat, ScanBy, StatusCode,
};
use aws_smithy_types::DateTime;
use serde_json::{json, Value};

use crate::auth::AwsSession;
use crate::errors;
use crate::frames::SeriesFrame;
use crate::metrics::metered;
use crate::planner::{Batch, Plan, PlannedQuery, Spec, LABEL_SEPARATOR};
use crate::query::error_response;

/// One series from a GetMetricData page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SeriesResult {
    /// Query id.
    pub id: String,
    /// Series label.
    pub label: String,
    /// `Complete`, `PartialData`, `Forbidden`, `InternalError`.
    pub status: String,
    /// Per-result messages (code, text).
    pub messages: Vec<(String, String)>,
    /// Timestamps, ms since the epoch.
    pub timestamps_ms: Vec<i64>,
    /// Values.
    pub values: Vec<f64>,
}

/// One GetMetricData page, reduced to what frames need.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// Call-level messages (code, text).
    pub messages: Vec<(String, String)>,
    /// Series.
    pub results: Vec<SeriesResult>,
}

/// Plain words for AWS's response message codes.
fn notice_text(code: &str, value: &str) -> Option<String> {
    let text = match code {
        "" => return None,
        "MaxMetricsExceeded" => "AWS stopped at the most metrics one query may match; narrow the search (fewer dimension values or wildcards).",
        "MaxQueryTimeRangeExceeded" => "The time range is longer than AWS allows for this query; shorten it.",
        "MaxQueryResultsExceeded" => "AWS returned only part of the results because the query matched too many; narrow it.",
        "MaxMatchingResultsExceeded" => "AWS returned only part of the matching results; narrow the query.",
        "PartialData" => "AWS returned partial data (too many data points for one call); increase the period or shorten the time range.",
        other => return Some(if value.is_empty() { other.to_string() } else { format!("{other}: {value}") }),
    };
    Some(text.to_string())
}

/// Console host per partition.
fn console_host(region: &str) -> Option<&'static str> {
    if region.starts_with("cn-") {
        Some("console.amazonaws.cn")
    } else if region.starts_with("us-gov-") {
        Some("console.amazonaws-us-gov.com")
    } else if region.starts_with("us-iso") {
        None
    } else {
        Some("console.aws.amazon.com")
    }
}

fn iso(ms: i64) -> String {
    DateTime::from_millis(ms)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_default()
}

/// A "View in CloudWatch console" deep link for a query.
pub fn console_link(batch: &Batch, q: &PlannedQuery) -> Option<String> {
    let region = batch.region.as_str();
    let host = console_host(region)?;
    let metric = match &q.spec {
        Spec::MetricStat {
            namespace,
            metric_name,
            dimensions,
            stat,
        } => {
            let mut m = vec![json!(namespace), json!(metric_name)];
            for (k, v) in dimensions {
                m.push(json!(k));
                m.push(json!(v));
            }
            m.push(json!({"stat": stat, "period": q.period}));
            Value::Array(m)
        }
        Spec::Expression(expr) => json!([{ "expression": expr, "id": q.id, "period": q.period }]),
    };
    let graph = json!({
        "view": "timeSeries",
        "stacked": false,
        "region": region,
        "start": iso(batch.start_ms),
        "end": iso(batch.end_ms),
        "metrics": [metric],
    });
    let encoded = percent_encoding::utf8_percent_encode(
        &graph.to_string(),
        percent_encoding::NON_ALPHANUMERIC,
    )
    .to_string();
    Some(format!(
        "https://{region}.{host}/cloudwatch/deeplink.js?region={region}#metricsV2:graph={encoded}"
    ))
}

/// Builds every query's response from the pages of its batch.
pub fn assemble(batch: &Batch, pages: &[Page]) -> Vec<(String, pluginv2::DataResponse)> {
    // Merge pages per (id, label): NextToken continues the same series.
    let mut series: BTreeMap<(String, String), SeriesResult> = BTreeMap::new();
    let mut order: Vec<(String, String)> = Vec::new();
    let mut call_notices: Vec<String> = Vec::new();
    for page in pages {
        for (code, value) in &page.messages {
            if let Some(n) = notice_text(code, value) {
                if !call_notices.contains(&n) {
                    call_notices.push(n);
                }
            }
        }
        for r in &page.results {
            let key = (r.id.clone(), r.label.clone());
            let entry = series.entry(key.clone()).or_insert_with(|| {
                order.push(key);
                SeriesResult {
                    id: r.id.clone(),
                    label: r.label.clone(),
                    status: r.status.clone(),
                    ..Default::default()
                }
            });
            entry.timestamps_ms.extend(&r.timestamps_ms);
            entry.values.extend(&r.values);
            for m in &r.messages {
                if !entry.messages.contains(m) {
                    entry.messages.push(m.clone());
                }
            }
            // Any page that was partial or failed decides the series' status.
            if r.status != "Complete" && !r.status.is_empty() {
                entry.status = r.status.clone();
            }
        }
    }

    let mut out = Vec::new();
    for q in batch.queries.iter().filter(|q| q.return_data) {
        let mine: Vec<&SeriesResult> = order
            .iter()
            .filter(|k| k.0 == q.id)
            .map(|k| &series[k])
            .collect();
        let failure = mine.iter().find_map(|s| {
            let failed = s.status == "Forbidden"
                || s.status == "InternalError"
                || s.messages
                    .iter()
                    .any(|(c, _)| c == "ArithmeticError" || c == "Forbidden");
            failed.then(|| {
                let detail: Vec<String> = s
                    .messages
                    .iter()
                    .map(|(c, v)| {
                        if v.is_empty() {
                            c.clone()
                        } else {
                            format!("{c}: {v}")
                        }
                    })
                    .collect();
                let detail = if detail.is_empty() {
                    s.status.clone()
                } else {
                    detail.join("; ")
                };
                (
                    if s.status == "Forbidden" { 403 } else { 400 },
                    format!(
                        "CloudWatch could not compute query {} ({}): {detail}",
                        q.ref_id, q.id
                    ),
                )
            })
        });
        if let Some((status, message)) = failure {
            out.push((q.ref_id.clone(), error_response(&message, status)));
            continue;
        }
        let mut notices: Vec<String> = call_notices.clone();
        for s in &mine {
            if s.status == "PartialData" {
                notices.extend(notice_text("PartialData", ""));
            }
            for (c, v) in &s.messages {
                notices.extend(notice_text(c, v));
            }
        }
        notices.dedup();
        let mut meta = json!({
            "type": "timeseries-multi",
            "custom": { "period": q.period, "id": q.id },
        });
        if let Some(e) = &q.executed {
            meta["executedQueryString"] = json!(e);
        }
        if !notices.is_empty() {
            meta["notices"] = Value::Array(
                notices
                    .iter()
                    .map(|t| json!({"severity": "warning", "text": t}))
                    .collect(),
            );
        }
        let link = console_link(batch, q);
        let frames: Vec<SeriesFrame> = if mine.is_empty() {
            vec![SeriesFrame {
                name: q.ref_id.clone(),
                ref_id: q.ref_id.clone(),
                meta: Some(meta.clone()),
                ..Default::default()
            }]
        } else {
            mine.iter()
                .map(|s| series_frame(q, s, meta.clone(), link.as_deref()))
                .collect()
        };
        let encoded: Result<Vec<Vec<u8>>, _> = frames.iter().map(SeriesFrame::to_arrow).collect();
        match encoded {
            Ok(frames) => out.push((
                q.ref_id.clone(),
                pluginv2::DataResponse {
                    frames,
                    error: String::new(),
                    json_meta: Vec::new(),
                    status: 200,
                    ..Default::default()
                },
            )),
            Err(e) => out.push((
                q.ref_id.clone(),
                error_response(
                    &format!("Could not encode the result of query {}: {e}", q.ref_id),
                    500,
                ),
            )),
        }
    }
    out
}

fn series_frame(
    q: &PlannedQuery,
    s: &SeriesResult,
    meta: Value,
    link: Option<&str>,
) -> SeriesFrame {
    let mut parts = s.label.split(LABEL_SEPARATOR);
    let display = parts.next().unwrap_or_default().to_string();
    let mut labels: BTreeMap<String, String> = q.fixed_dimensions.clone();
    for (key, value) in q.label_dimensions.iter().zip(parts) {
        labels.insert(key.clone(), value.to_string());
    }
    labels.insert("label".to_string(), display.clone());
    let mut config = json!({ "displayNameFromDS": display });
    if let Some(url) = link {
        config["links"] =
            json!([{ "title": "View in CloudWatch console", "targetBlank": true, "url": url }]);
    }
    // Grafana wants ascending time, which ScanBy=TimestampAscending gives; a stable sort keeps
    // merged pages in order should a series arrive otherwise.
    // A malformed answer with more timestamps than values (or the reverse) keeps the pairs.
    let n = s.timestamps_ms.len().min(s.values.len());
    let (stamps, vals) = (&s.timestamps_ms[..n], &s.values[..n]);
    let (times_ns, values): (Vec<i64>, Vec<Option<f64>>) = if stamps.is_sorted() {
        (
            stamps.iter().map(|t| t.saturating_mul(1_000_000)).collect(),
            vals.iter().map(|v| Some(*v)).collect(),
        )
    } else {
        let mut points: Vec<(i64, f64)> =
            stamps.iter().copied().zip(vals.iter().copied()).collect();
        points.sort_by_key(|p| p.0);
        points
            .into_iter()
            .map(|(t, v)| (t.saturating_mul(1_000_000), Some(v)))
            .unzip()
    };
    SeriesFrame {
        name: display,
        ref_id: q.ref_id.clone(),
        meta: Some(meta),
        times_ns,
        values,
        labels,
        value_config: Some(config),
    }
}

fn to_sdk_query(q: &PlannedQuery) -> MetricDataQuery {
    let mut b = MetricDataQuery::builder()
        .id(&q.id)
        .return_data(q.return_data)
        .set_label(q.label.clone())
        .set_account_id(q.account_id.clone());
    match &q.spec {
        Spec::MetricStat {
            namespace,
            metric_name,
            dimensions,
            stat,
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
            b = b.metric_stat(
                MetricStat::builder()
                    .metric(metric)
                    .period(q.period)
                    .stat(stat)
                    .build(),
            );
        }
        Spec::Expression(e) => b = b.expression(e).period(q.period),
    }
    b.build()
}

/// Reduces one GetMetricData answer to a [`Page`].
pub fn to_page(out: &aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput) -> Page {
    let msg = |m: &aws_sdk_cloudwatch::types::MessageData| {
        (
            m.code().unwrap_or_default().to_string(),
            m.value().unwrap_or_default().to_string(),
        )
    };
    Page {
        messages: out.messages().iter().map(msg).collect(),
        results: out
            .metric_data_results()
            .iter()
            .map(|r| SeriesResult {
                id: r.id().unwrap_or_default().to_string(),
                label: r.label().unwrap_or_default().to_string(),
                status: r
                    .status_code()
                    .map(StatusCode::as_str)
                    .unwrap_or_default()
                    .to_string(),
                messages: r.messages().iter().map(msg).collect(),
                timestamps_ms: r
                    .timestamps()
                    .iter()
                    .map(|t| t.to_millis().unwrap_or(0))
                    .collect(),
                values: r.values().to_vec(),
            })
            .collect(),
    }
}

async fn fetch(session: &AwsSession, batch: &Batch) -> Result<Vec<Page>, errors::AwsFailure> {
    let _permit = session
        .calls
        .acquire()
        .await
        .map_err(|_| errors::AwsFailure {
            code: None,
            message: "the plugin is shutting down".into(),
            status: None,
        })?;
    let client = session.cloudwatch(&batch.region);
    let queries: Vec<MetricDataQuery> = batch.queries.iter().map(to_sdk_query).collect();
    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    loop {
        crate::metrics::global().get_metric_data_queries(queries.len());
        let call = client
            .get_metric_data()
            .start_time(DateTime::from_millis(batch.start_ms))
            .end_time(DateTime::from_millis(batch.end_ms))
            .scan_by(ScanBy::TimestampAscending)
            .set_metric_data_queries(Some(queries.clone()))
            .set_next_token(token.take())
            .send();
        let out = metered("monitoring", "GetMetricData", errors::code, async {
            call.await.map_err(|e| errors::describe(&e))
        })
        .await?;
        pages.push(to_page(&out));
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(pages)
}

fn failed_batch(
    batch: &Batch,
    message: &str,
    status: i32,
) -> Vec<(String, pluginv2::DataResponse)> {
    batch
        .queries
        .iter()
        .filter(|q| q.return_data)
        .map(|q| (q.ref_id.clone(), error_response(message, status)))
        .collect()
}

/// Runs every batch of the plan (bounded per data source) within the request deadline.
pub async fn execute(
    session: &AwsSession,
    plan: Plan,
    deadline: Option<Duration>,
) -> Vec<(String, pluginv2::DataResponse)> {
    let deadline = deadline.map(|d| tokio::time::Instant::now() + d);
    let runs = plan.batches.iter().map(|batch| async move {
        let fetched = match deadline {
            Some(at) => match tokio::time::timeout_at(at, fetch(session, batch)).await {
                Ok(r) => r,
                Err(_) => return failed_batch(batch, "GetMetricData did not finish before Grafana's query timeout; the AWS call was cancelled. Narrow the query or raise the data source's timeout.", 504),
            },
            None => fetch(session, batch).await,
        };
        match fetched {
            Ok(pages) => assemble(batch, &pages),
            Err(f) => {
                let code = f.code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default();
                let status = match f.status {
                    Some(s) if s == 403 || s == 401 => 403,
                    Some(429) => 429,
                    _ => 502,
                };
                let advice = f.code.as_deref().and_then(errors::advice).map(|a| format!(" {a}")).unwrap_or_default();
                failed_batch(batch, &format!("CloudWatch GetMetricData failed{code}: {}{advice}", f.message), status)
            }
        }
    });
    futures::future::join_all(runs)
        .await
        .into_iter()
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::planner::{plan, TimedQuery};
    use crate::query::parse;
    use crate::settings::Region;
    use arrow::array::{Array, Float64Array, TimestampNanosecondArray};
    use arrow::ipc::reader::FileReader;

    const NOW: i64 = 1_610_740_000_000;

    fn batch(queries: &[(&str, &str)]) -> Batch {
        let tqs = queries
            .iter()
            .map(|(r, j)| TimedQuery {
                query: parse(r, j.as_bytes()).unwrap(),
                from_ms: NOW - 3_600_000,
                to_ms: NOW,
            })
            .collect();
        let mut p = plan(tqs, &Region::parse("us-east-1").unwrap(), NOW);
        assert!(p.errors.is_empty());
        p.batches.remove(0)
    }

    fn series(id: &str, label: &str, status: &str, ts: &[i64], vs: &[f64]) -> SeriesResult {
        SeriesResult {
            id: id.into(),
            label: label.into(),
            status: status.into(),
            messages: vec![],
            timestamps_ms: ts.to_vec(),
            values: vs.to_vec(),
        }
    }

    struct Decoded {
        meta: Value,
        labels: BTreeMap<String, String>,
        config: Value,
        times: Vec<i64>,
        values: Vec<f64>,
    }

    fn decode(bytes: &[u8]) -> Decoded {
        let reader = FileReader::try_new(std::io::Cursor::new(bytes.to_vec()), None).unwrap();
        let schema = reader.schema();
        let meta = serde_json::from_str(&schema.metadata()["meta"]).unwrap();
        let f = schema.field(1);
        let labels = serde_json::from_str(&f.metadata()["labels"]).unwrap();
        let config = f
            .metadata()
            .get("config")
            .map(|c| serde_json::from_str(c).unwrap())
            .unwrap_or(Value::Null);
        let mut times = vec![];
        let mut values = vec![];
        for b in reader {
            let b = b.unwrap();
            let t = b
                .column(0)
                .as_any()
                .downcast_ref::<TimestampNanosecondArray>()
                .unwrap();
            let v = b.column(1).as_any().downcast_ref::<Float64Array>().unwrap();
            times.extend((0..t.len()).map(|i| t.value(i)));
            values.extend((0..v.len()).map(|i| v.value(i)));
        }
        Decoded {
            meta,
            labels,
            config,
            times,
            values,
        }
    }

    #[test]
    fn pages_merge_per_series_and_call_messages_become_notices() {
        let b = batch(&[(
            "A",
            r#"{"id":"a","namespace":"AWS/EC2","metricName":"CPUUtilization","dimensions":{"InstanceId":["i-1","i-2"]},"period":"900"}"#,
        )]);
        let pages = vec![
            Page {
                messages: vec![],
                results: vec![
                    series(
                        "a",
                        "label1|&|i-1",
                        "PartialData",
                        &[1000, 2000],
                        &[1.0, 2.0],
                    ),
                    series("a", "label2|&|i-2", "Complete", &[1000], &[5.0]),
                ],
            },
            Page {
                messages: vec![
                    ("".into(), "".into()),
                    ("MaxMetricsExceeded".into(), "".into()),
                ],
                results: vec![series("a", "label1|&|i-1", "Complete", &[3000], &[3.0])],
            },
        ];
        let out = assemble(&b, &pages);
        assert_eq!(out.len(), 1);
        let resp = &out[0].1;
        assert_eq!(resp.error, "");
        assert_eq!(resp.frames.len(), 2);
        let f1 = decode(&resp.frames[0]);
        assert_eq!(f1.times, vec![1_000_000_000, 2_000_000_000, 3_000_000_000]);
        assert_eq!(f1.values, vec![1.0, 2.0, 3.0]);
        assert_eq!(f1.labels["InstanceId"], "i-1");
        assert_eq!(f1.labels["label"], "label1");
        assert_eq!(f1.config["displayNameFromDS"], "label1");
        assert_eq!(f1.config["links"][0]["title"], "View in CloudWatch console");
        assert!(f1.config["links"][0]["url"].as_str().unwrap().starts_with("https://us-east-1.console.aws.amazon.com/cloudwatch/deeplink.js?region=us-east-1#metricsV2:graph="));
        assert_eq!(f1.meta["custom"], json!({"period": 900, "id": "a"}));
        assert!(f1.meta["executedQueryString"]
            .as_str()
            .unwrap()
            .starts_with("REMOVE_EMPTY(SEARCH("));
        let notices: Vec<&str> = f1.meta["notices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["text"].as_str().unwrap())
            .collect();
        assert!(
            notices.iter().any(|n| n.contains("most metrics")),
            "{notices:?}"
        );
        assert!(
            notices.iter().any(|n| n.contains("partial data")),
            "{notices:?}"
        );
        let f2 = decode(&resp.frames[1]);
        assert_eq!(f2.labels["InstanceId"], "i-2");
        assert_eq!(f2.values, vec![5.0]);
    }

    #[test]
    fn forbidden_and_arithmetic_errors_stay_with_their_query() {
        let b = batch(&[
            ("A", r#"{"id":"a","namespace":"N","metricName":"M"}"#),
            ("B", r#"{"id":"b","namespace":"N","metricName":"M"}"#),
            ("C", r#"{"id":"c","metricEditorMode":1,"expression":"a/b"}"#),
        ]);
        let mut forbidden = series("a", "", "Forbidden", &[], &[]);
        forbidden.messages = vec![("Forbidden".into(), "Access denied when getting data".into())];
        let mut arith = series("c", "c", "Complete", &[], &[]);
        arith.messages = vec![("ArithmeticError".into(), "division by zero".into())];
        let out: BTreeMap<String, pluginv2::DataResponse> = assemble(
            &b,
            &[Page {
                messages: vec![],
                results: vec![
                    forbidden,
                    series("b", "M", "Complete", &[60_000], &[1.0]),
                    arith,
                ],
            }],
        )
        .into_iter()
        .collect();
        assert_eq!(out["A"].status, 403);
        assert!(
            out["A"].error.contains("Access denied when getting data"),
            "{}",
            out["A"].error
        );
        assert_eq!(out["B"].error, "");
        assert_eq!(out["B"].frames.len(), 1);
        assert!(out["C"].error.contains("ArithmeticError: division by zero"));
    }

    #[test]
    fn no_data_is_an_empty_frame_and_hidden_queries_return_nothing() {
        let b = batch(&[
            ("A", r#"{"namespace":"N","metricName":"M"}"#),
            ("H", r#"{"namespace":"N","metricName":"M","hide":true}"#),
        ]);
        let out = assemble(&b, &[Page::default()]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].0, "A");
        let f = decode(&out[0].1.frames[0]);
        assert!(f.times.is_empty());
        assert_eq!(f.meta["custom"]["id"], "queryA");
    }

    #[test]
    fn console_hosts_follow_the_partition() {
        assert_eq!(console_host("cn-north-1"), Some("console.amazonaws.cn"));
        assert_eq!(
            console_host("us-gov-west-1"),
            Some("console.amazonaws-us-gov.com")
        );
        assert_eq!(console_host("eu-west-1"), Some("console.aws.amazon.com"));
        assert_eq!(console_host("us-isob-east-1"), None);
    }
}
