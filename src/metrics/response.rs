//! Turning GetMetricData answers into each query's answer (pure): pages merged per series,
//! per-result failures kept with their query, AWS's messages as plain-worded notices, and one
//! frame per series with its dimensions as labels and a console link.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_cloudwatch::types::StatusCode as ResultStatus;
use serde_json::{json, Value};

use crate::frames::SeriesFrame;
use crate::query::{Answer, Failure};

use super::labels;
use super::links::console_link;
use super::plan::{Batch, PlannedQuery, SeriesLabels};

/// A message AWS attached to a call or to one result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    /// AWS's code (`MaxMetricsExceeded`, `ArithmeticError`, ...).
    pub code: String,
    /// AWS's text, often empty.
    pub text: String,
}

/// One series of a GetMetricData page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SeriesResult {
    /// The query id it answers.
    pub id: String,
    /// The series label (with dimension values after the separator, for a search).
    pub label: String,
    /// AWS's status for this result; `None` when AWS sent none.
    pub status: Option<ResultStatus>,
    /// Messages about this result.
    pub messages: Vec<Message>,
    /// Timestamps, ms since the epoch.
    pub timestamps_ms: Vec<i64>,
    /// Values, one per timestamp.
    pub values: Vec<f64>,
}

/// One GetMetricData page, reduced to what frames need.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// Messages about the whole call.
    pub messages: Vec<Message>,
    /// The series, in AWS's order.
    pub results: Vec<SeriesResult>,
}

/// Plain words for AWS's response message codes.
fn notice_text(m: &Message) -> Option<String> {
    let text = match m.code.as_str() {
        "" => return None,
        "MaxMetricsExceeded" => "AWS stopped at the most metrics one query may match; narrow the search (fewer dimension values or wildcards).",
        "MaxQueryTimeRangeExceeded" => "The time range is longer than AWS allows for this query; shorten it.",
        "MaxQueryResultsExceeded" => "AWS returned only part of the results because the query matched too many; narrow it.",
        "MaxMatchingResultsExceeded" => "AWS returned only part of the matching results; narrow the query.",
        "PartialData" => PARTIAL_DATA,
        other if m.text.is_empty() => return Some(other.to_string()),
        other => return Some(format!("{other}: {}", m.text)),
    };
    Some(text.to_string())
}

const PARTIAL_DATA: &str = "AWS returned partial data (too many data points for one call); increase the period or shorten the time range.";

/// The series of all pages merged per (id, label), in first-seen order (NextToken continues
/// the same series), and the notices of the call itself. A series' first part is moved, not
/// copied: most series come whole on one page.
fn merge(pages: Vec<Page>) -> (Vec<SeriesResult>, Vec<String>) {
    let mut merged: Vec<SeriesResult> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    let mut call_notices: Vec<String> = Vec::new();
    for page in pages {
        for n in page.messages.iter().filter_map(notice_text) {
            if !call_notices.contains(&n) {
                call_notices.push(n);
            }
        }
        for r in page.results {
            let key = (r.id.clone(), r.label.clone());
            let Some(&slot) = index.get(&key) else {
                index.insert(key, merged.len());
                merged.push(r);
                continue;
            };
            let entry = &mut merged[slot];
            entry.timestamps_ms.extend(r.timestamps_ms);
            entry.values.extend(r.values);
            for m in r.messages {
                if !entry.messages.contains(&m) {
                    entry.messages.push(m);
                }
            }
            // A series continued on a later page (PartialData, then NextToken) ends with the
            // status of its last part, as Grafana reads it.
            if r.status.is_some() {
                entry.status = r.status;
            }
        }
    }
    (merged, call_notices)
}

/// What AWS said went wrong with part of a query's result (a Forbidden or ArithmeticError
/// message, a result it could not compute), in words; the query keeps its other series.
fn result_problem(s: &SeriesResult) -> Option<String> {
    let problems: Vec<String> = s
        .messages
        .iter()
        .filter(|m| matches!(m.code.as_str(), "Forbidden" | "ArithmeticError"))
        .map(|m| {
            let what = if m.code == "Forbidden" {
                "AWS denied part of the data"
            } else {
                "AWS dropped data points it could not compute"
            };
            if m.text.is_empty() {
                format!("{what} ({})", m.code)
            } else {
                format!("{what} ({}: {})", m.code, m.text)
            }
        })
        .collect();
    if !problems.is_empty() {
        return Some(problems.join("; "));
    }
    match &s.status {
        Some(ResultStatus::Forbidden) => Some("AWS denied part of the data (Forbidden)".into()),
        Some(ResultStatus::InternalError) => {
            Some("AWS could not compute part of the data (InternalError); try again".into())
        }
        _ => None,
    }
}

/// Frame meta shared by a query's frames: Grafana's type hint, the period and id, the
/// executed expression and the notices.
fn frame_meta(q: &PlannedQuery, call_notices: &[String], mine: &[SeriesResult]) -> Value {
    let mut notices: Vec<String> = call_notices.to_vec();
    for s in mine {
        if s.status == Some(ResultStatus::PartialData) {
            notices.push(PARTIAL_DATA.to_string());
        }
        notices.extend(result_problem(s));
        notices.extend(
            s.messages
                .iter()
                .filter(|m| !matches!(m.code.as_str(), "Forbidden" | "ArithmeticError"))
                .filter_map(notice_text),
        );
    }
    let mut seen = Vec::new();
    notices.retain(|n| {
        let new = !seen.contains(n);
        seen.push(n.clone());
        new
    });
    let mut meta = json!({
        "type": "timeseries-multi",
        "custom": { "period": q.period, "id": q.id },
    });
    if let Some(e) = q.spec.expression() {
        meta["executedQueryString"] = json!(e);
    }
    if !notices.is_empty() {
        meta["notices"] = notices
            .iter()
            .map(|t| json!({"severity": "warning", "text": t}))
            .collect();
    }
    meta
}

/// A series' name and labels, as Grafana's CloudWatch reads them for the query's kind, so alert
/// rules keep their instances and `$labels`.
fn series_labels(q: &PlannedQuery, label: &str) -> (String, BTreeMap<String, String>) {
    let mut out = BTreeMap::new();
    match &q.series_labels {
        SeriesLabels::Raw => {
            let (name, _) = labels::split(label);
            out.insert("Series".to_string(), name.to_string());
            (name.to_string(), out)
        }
        SeriesLabels::Builder(dimensions) => {
            let (name, mut parts) = labels::split(label);
            out.insert("Series".to_string(), name.to_string());
            for (key, values) in dimensions {
                let value = match values.as_slice() {
                    [one] if one != "*" => Some(one.as_str()),
                    _ => parts.next(),
                };
                if let Some(v) = value {
                    out.insert(key.clone(), v.to_string());
                }
            }
            (name.to_string(), out)
        }
        SeriesLabels::Insights(dimensions) => {
            out.insert("Series".to_string(), label.to_string());
            for (key, values) in dimensions {
                let value = match values.as_slice() {
                    [one] if one != "*" => Some(one.as_str()),
                    // No value of a GROUP BY key for this series: CloudWatch says Other.
                    [] => Some("Other"),
                    // The last value that matches, as Grafana's loop keeps it.
                    many => many.iter().rev().find_map(|v| {
                        if v == "*" || v == label {
                            Some(label)
                        } else {
                            label.contains(v.as_str()).then_some(v.as_str())
                        }
                    }),
                };
                if let Some(v) = value {
                    out.insert(key.clone(), v.to_string());
                }
            }
            (label.to_string(), out)
        }
    }
}

/// The frame config of a query's series: its display name and console link.
fn value_config(display: &str, link: Option<&str>) -> Value {
    let mut config = json!({ "displayNameFromDS": display });
    if let Some(url) = link {
        config["links"] =
            json!([{ "title": "View in CloudWatch console", "targetBlank": true, "url": url }]);
    }
    config
}

/// One series as a frame: its labels, its display name (a static user label as written), the
/// console link. The series' vectors become the frame's, converted in place.
fn series_frame(q: &PlannedQuery, s: SeriesResult, meta: Value, link: Option<&str>) -> SeriesFrame {
    let (name, frame_labels) = series_labels(q, &s.label);
    let display = q.display.clone().unwrap_or(name);
    let (mut times, mut values) = (s.timestamps_ms, s.values);
    // A malformed answer with more timestamps than values (or the reverse) keeps the pairs.
    let n = times.len().min(values.len());
    times.truncate(n);
    values.truncate(n);
    // Grafana wants ascending time, which ScanBy=TimestampAscending gives; sorting only when
    // needed keeps merged pages in order should a series arrive otherwise.
    if !times.is_sorted() {
        let mut points: Vec<(i64, f64)> = times.into_iter().zip(values).collect();
        points.sort_by_key(|p| p.0);
        (times, values) = points.into_iter().unzip();
    }
    for t in &mut times {
        *t = t.saturating_mul(1_000_000);
    }
    SeriesFrame {
        name: display.clone(),
        ref_id: q.ref_id.clone(),
        meta: Some(meta),
        times_ns: times,
        values,
        labels: frame_labels,
        value_config: Some(value_config(&display, link)),
    }
}

/// The dimension whose values a builder query lists, when it lists several and leaves none
/// open (`*`): the one with the most values, the first in key order among equals.
fn multi_valued(q: &PlannedQuery) -> Option<(&String, &Vec<String>)> {
    let SeriesLabels::Builder(dimensions) = &q.series_labels else {
        return None;
    };
    if dimensions.values().any(|v| v.iter().any(|x| x == "*")) {
        return None;
    }
    dimensions.iter().filter(|(_, v)| v.len() > 1).fold(
        None,
        |best: Option<(&String, &Vec<String>)>, kv| match best {
            Some(b) if b.1.len() >= kv.1.len() => Some(b),
            _ => Some(kv),
        },
    )
}

/// A series without data of a query over several values of a dimension: one empty frame per
/// value, labelled with it, as Grafana answers, so an alert rule sees NoData per instance.
fn empty_per_value(
    q: &PlannedQuery,
    s: &SeriesResult,
    meta: &Value,
    link: Option<&str>,
) -> Option<Vec<SeriesFrame>> {
    if !s.values.is_empty() {
        return None;
    }
    let (key, values) = multi_valued(q)?;
    let SeriesLabels::Builder(dimensions) = &q.series_labels else {
        return None;
    };
    let (name, _) = labels::split(&s.label);
    Some(
        values
            .iter()
            .map(|value| {
                let mut frame_labels: BTreeMap<String, String> = dimensions
                    .iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.first()?.clone())))
                    .collect();
                frame_labels.insert(key.clone(), value.clone());
                SeriesFrame {
                    name: name.to_string(),
                    ref_id: q.ref_id.clone(),
                    meta: Some(meta.clone()),
                    labels: frame_labels,
                    value_config: Some(value_config(name, link)),
                    ..Default::default()
                }
            })
            .collect(),
    )
}

/// A query whose every result AWS refused or could not compute, with no data at all: its
/// error, as Grafana answers it (with data, the problem is a notice on the frames instead).
fn failure(q: &PlannedQuery, mine: &[SeriesResult]) -> Option<Failure> {
    if mine.iter().any(|s| !s.values.is_empty()) {
        return None;
    }
    let problems: Vec<String> = mine.iter().filter_map(result_problem).collect();
    if problems.is_empty() {
        return None;
    }
    let forbidden = mine.iter().any(|s| {
        s.status == Some(ResultStatus::Forbidden)
            || s.messages.iter().any(|m| m.code == "Forbidden")
    });
    let status = if forbidden {
        http::StatusCode::FORBIDDEN
    } else {
        http::StatusCode::BAD_REQUEST
    };
    Some(Failure::downstream(
        status,
        format!(
            "CloudWatch could not answer query {} ({}): {}",
            q.ref_id,
            q.id,
            problems.join("; ")
        ),
    ))
}

/// One query's answer from its series.
fn answer(
    batch: &Batch,
    q: &PlannedQuery,
    mine: Vec<SeriesResult>,
    call_notices: &[String],
) -> Answer {
    if let Some(f) = failure(q, &mine) {
        return Err(f);
    }
    let meta = frame_meta(q, call_notices, &mine);
    let frames: Vec<SeriesFrame> = if mine.is_empty() {
        // No data is an empty frame, so the panel says "No data" rather than an error.
        vec![SeriesFrame {
            name: q.ref_id.clone(),
            ref_id: q.ref_id.clone(),
            meta: Some(meta),
            ..Default::default()
        }]
    } else {
        let link = console_link(batch, q);
        mine.into_iter()
            .flat_map(|s| {
                empty_per_value(q, &s, &meta, link.as_deref())
                    .unwrap_or_else(|| vec![series_frame(q, s, meta.clone(), link.as_deref())])
            })
            .collect()
    };
    frames
        .into_iter()
        .map(SeriesFrame::into_arrow)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            Failure::plugin(format!(
                "Could not encode the result of query {}: {e}",
                q.ref_id
            ))
        })
}

/// Builds the answer of every query of a batch that returns data, from the batch's pages.
/// Each query takes its series (ids are unique within a GetMetricData request).
pub fn assemble(batch: &Batch, pages: Vec<Page>) -> Vec<(String, Answer)> {
    let (series, call_notices) = merge(pages);
    let mut by_id: HashMap<String, Vec<SeriesResult>> = HashMap::new();
    for s in series {
        by_id.entry(s.id.clone()).or_default().push(s);
    }
    by_ref_id(batch.queries.iter().filter(|q| q.return_data).map(|q| {
        let mine = by_id.remove(&q.id).unwrap_or_default();
        (q.ref_id.clone(), answer(batch, q, mine, &call_notices))
    }))
}

/// One answer per refId, in order: a legacy query with several statistics is planned as one
/// query per statistic, and answers with all their frames, or with the first failure.
pub fn by_ref_id(answers: impl IntoIterator<Item = (String, Answer)>) -> Vec<(String, Answer)> {
    let mut out: Vec<(String, Answer)> = Vec::new();
    for (ref_id, a) in answers {
        let Some(i) = out.iter().position(|(r, _)| *r == ref_id) else {
            out.push((ref_id, a));
            continue;
        };
        match (&mut out[i].1, a) {
            (Ok(frames), Ok(more)) => frames.extend(more),
            (Ok(_), Err(f)) => out[i].1 = Err(f),
            (Err(_), _) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testing::{self, frames};

    const NOW: i64 = 1_610_740_000_000;

    fn batch(queries: &[(&str, &str)]) -> Batch {
        testing::batch(queries, NOW - 3_600_000, NOW)
    }

    fn series(id: &str, label: &str, status: ResultStatus, ts: &[i64], vs: &[f64]) -> SeriesResult {
        SeriesResult {
            id: id.into(),
            label: label.into(),
            status: Some(status),
            messages: vec![],
            timestamps_ms: ts.to_vec(),
            values: vs.to_vec(),
        }
    }

    fn message(code: &str, text: &str) -> Message {
        Message {
            code: code.into(),
            text: text.into(),
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
                        ResultStatus::PartialData,
                        &[1000, 2000],
                        &[1.0, 2.0],
                    ),
                    series("a", "label2|&|i-2", ResultStatus::Complete, &[1000], &[5.0]),
                ],
            },
            Page {
                messages: vec![message("", ""), message("MaxMetricsExceeded", "")],
                results: vec![series(
                    "a",
                    "label1|&|i-1",
                    ResultStatus::Complete,
                    &[3000],
                    &[3.0],
                )],
            },
        ];
        let out = assemble(&b, pages);
        assert_eq!(out.len(), 1);
        let f = frames(&out[0].1);
        assert_eq!(f.len(), 2);
        assert_eq!(
            f[0].times_ns,
            vec![1_000_000_000, 2_000_000_000, 3_000_000_000]
        );
        assert_eq!(f[0].values, vec![1.0, 2.0, 3.0]);
        assert_eq!(f[0].labels["InstanceId"], "i-1");
        assert_eq!(f[0].labels["Series"], "label1");
        let config = f[0].value_config.as_ref().unwrap();
        assert_eq!(config["displayNameFromDS"], "label1");
        assert_eq!(config["links"][0]["title"], "View in CloudWatch console");
        assert!(config["links"][0]["url"].as_str().unwrap().starts_with("https://us-east-1.console.aws.amazon.com/cloudwatch/deeplink.js?region=us-east-1#metricsV2:graph="));
        let meta = f[0].meta.as_ref().unwrap();
        assert_eq!(meta["custom"], json!({"period": 900, "id": "a"}));
        assert!(meta["executedQueryString"]
            .as_str()
            .unwrap()
            .starts_with("REMOVE_EMPTY(SEARCH("));
        let notices: Vec<&str> = meta["notices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["text"].as_str().unwrap())
            .collect();
        assert!(
            notices.iter().any(|n| n.contains("most metrics")),
            "{notices:?}"
        );
        // label1 was partial on page 1 and completed on page 2: no partial-data notice.
        assert!(
            !notices.iter().any(|n| n.contains("partial data")),
            "{notices:?}"
        );
        assert_eq!(f[1].labels["InstanceId"], "i-2");
        assert_eq!(f[1].values, vec![5.0]);
    }

    #[test]
    fn forbidden_and_arithmetic_errors_keep_the_data_with_a_notice_or_fail_without_any() {
        let b = batch(&[
            ("A", r#"{"id":"a","namespace":"N","metricName":"M"}"#),
            ("B", r#"{"id":"b","namespace":"N","metricName":"M"}"#),
            ("C", r#"{"id":"c","metricEditorMode":1,"expression":"a/b"}"#),
        ]);
        let mut forbidden = series("a", "M", ResultStatus::Forbidden, &[], &[]);
        forbidden.messages = vec![message("Forbidden", "Access denied when getting data")];
        let mut arith = series("c", "c", ResultStatus::Complete, &[60_000], &[2.0]);
        arith.messages = vec![message("ArithmeticError", "division by zero")];
        let out: BTreeMap<String, Answer> = assemble(
            &b,
            vec![Page {
                messages: vec![],
                results: vec![
                    forbidden,
                    series("b", "M", ResultStatus::Complete, &[60_000], &[1.0]),
                    arith,
                ],
            }],
        )
        .into_iter()
        .collect();
        let a = out["A"].as_ref().unwrap_err();
        assert_eq!(a.status, http::StatusCode::FORBIDDEN);
        assert!(
            a.message
                .contains("Forbidden: Access denied when getting data"),
            "{}",
            a.message
        );
        let notices = |r: &str| -> Vec<String> {
            frames(&out[r])[0].meta.as_ref().unwrap()["notices"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|n| n["text"].as_str().unwrap().to_string())
                .collect()
        };
        assert!(notices("B").is_empty());
        let c = frames(&out["C"]);
        assert_eq!(c[0].values, vec![2.0]);
        assert_eq!(
            notices("C"),
            vec![
                "AWS dropped data points it could not compute (ArithmeticError: division by zero)"
            ]
        );
    }

    #[test]
    fn no_data_is_an_empty_frame_and_hidden_queries_return_nothing() {
        let b = batch(&[
            ("A", r#"{"namespace":"N","metricName":"M"}"#),
            (
                "H",
                r#"{"namespace":"N","metricName":"M","hide":true,"type":"timeSeriesQuery"}"#,
            ),
        ]);
        let out = assemble(&b, vec![Page::default()]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].0, "A");
        let f = frames(&out[0].1);
        assert!(f[0].times_ns.is_empty());
        assert_eq!(f[0].meta.as_ref().unwrap()["custom"]["id"], "queryA");
    }

    #[test]
    fn labels_are_grafanas_series_and_dimensions() {
        let b = batch(&[
            (
                "A",
                r#"{"id":"a","namespace":"AWS/EC2","metricName":"CPUUtilization","dimensions":{"InstanceId":"i-1"}}"#,
            ),
            (
                "B",
                r#"{"id":"b","namespace":"AWS/EC2","metricName":"CPUUtilization","dimensions":{"InstanceId":"*","AutoScalingGroupName":"web"}}"#,
            ),
            (
                "C",
                r#"{"id":"c","metricEditorMode":1,"expression":"SEARCH('{AWS/EC2,InstanceId} CPUUtilization', 'Average', 300)","dimensions":{"InstanceId":"i-9"}}"#,
            ),
            (
                "D",
                r#"{"id":"d","metricQueryType":1,"sqlExpression":"SELECT AVG(CPUUtilization) FROM SCHEMA(\"AWS/EC2\", InstanceId) GROUP BY InstanceId"}"#,
            ),
            (
                "E",
                r#"{"id":"e","namespace":"AWS/EC2","metricName":"CPUUtilization","dimensions":{"InstanceId":["i-1","i-2"]},"label":"web cpu"}"#,
            ),
        ]);
        let series =
            |id: &str, label: &str| series(id, label, ResultStatus::Complete, &[60_000], &[1.0]);
        let out: BTreeMap<String, Answer> = assemble(
            &b,
            vec![Page {
                messages: vec![],
                results: vec![
                    series("a", "CPUUtilization"),
                    series("b", "CPUUtilization|&|i-7"),
                    series("c", "CPUUtilization i-3"),
                    series("d", "i-4"),
                    series("e", "web cpu|&|i-2"),
                ],
            }],
        )
        .into_iter()
        .collect();
        let labels = |r: &str| frames(&out[r])[0].labels.clone();
        let map = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(
            labels("A"),
            map(&[("Series", "CPUUtilization"), ("InstanceId", "i-1")])
        );
        assert_eq!(
            labels("B"),
            map(&[
                ("Series", "CPUUtilization"),
                ("AutoScalingGroupName", "web"),
                ("InstanceId", "i-7")
            ])
        );
        // Code mode and Metrics Insights: the series name only.
        assert_eq!(labels("C"), map(&[("Series", "CPUUtilization i-3")]));
        assert_eq!(labels("D"), map(&[("Series", "i-4")]));
        // A static label is the display name; the label keys stay Grafana's.
        let e = &frames(&out["E"])[0];
        assert_eq!(e.name, "web cpu");
        assert_eq!(
            e.labels,
            map(&[("Series", "web cpu"), ("InstanceId", "i-2")])
        );
    }

    #[test]
    fn a_legacy_query_with_several_statistics_answers_each() {
        let b = batch(&[(
            "A",
            r#"{"type":"timeSeriesQuery","namespace":"AWS/EC2","metricName":"CPUUtilization","dimensions":{"InstanceId":"i-1"},"statistics":["Average","Maximum"]}"#,
        )]);
        let ids: Vec<&str> = b.queries.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, vec!["queryA", "queryA_s2"]);
        let stats: Vec<String> = b
            .queries
            .iter()
            .map(|q| match &q.spec {
                crate::metrics::plan::Spec::MetricStat { stat, .. } => stat.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(stats, vec!["Average", "Maximum"]);
        let out = assemble(
            &b,
            vec![Page {
                messages: vec![],
                results: vec![
                    series(
                        "queryA",
                        "CPUUtilization Average",
                        ResultStatus::Complete,
                        &[60_000],
                        &[1.0],
                    ),
                    series(
                        "queryA_s2",
                        "CPUUtilization Maximum",
                        ResultStatus::Complete,
                        &[60_000],
                        &[2.0],
                    ),
                ],
            }],
        );
        assert_eq!(out.len(), 1, "one answer for the query");
        let f = frames(&out[0].1);
        assert_eq!(
            f.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
            ["CPUUtilization Average", "CPUUtilization Maximum"]
        );
        assert_eq!(
            (f[0].values.clone(), f[1].values.clone()),
            (vec![1.0], vec![2.0])
        );
    }

    #[test]
    fn unsorted_and_ragged_series_keep_their_pairs_in_time_order() {
        let b = batch(&[("A", r#"{"id":"a","namespace":"N","metricName":"M"}"#)]);
        let s = series(
            "a",
            "M",
            ResultStatus::Complete,
            &[3000, 1000, 2000, 4000],
            &[3.0, 1.0, 2.0],
        );
        let f = frames(
            &assemble(
                &b,
                vec![Page {
                    messages: vec![],
                    results: vec![s],
                }],
            )[0]
            .1,
        );
        assert_eq!(
            f[0].times_ns,
            vec![1_000_000_000, 2_000_000_000, 3_000_000_000]
        );
        assert_eq!(f[0].values, vec![1.0, 2.0, 3.0]);
    }
}
