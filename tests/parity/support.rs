//! What the parity tests share: a query model planned as QueryData plans it, the GetMetricData
//! request Stratus sends for it, and answers assembled from GetMetricData outputs built with the
//! AWS SDK's own types, decoded back with arrow-rs.

use std::collections::HashMap;

use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
use aws_sdk_cloudwatch::types::{MessageData, MetricDataQuery, MetricDataResult, StatusCode};
use aws_smithy_types::DateTime;
use serde_json::Value;
use stratus::config::names::Region;
use stratus::metrics::execute::{request, to_page, to_sdk_query};
use stratus::metrics::plan::{plan, Batch, Plan, PlannedQuery, TimedQuery};
use stratus::metrics::query::{parse, MetricQuery};
use stratus::metrics::response::assemble;
use stratus::query::{classify, Answer, QueryError};

use crate::common::{decode, ds, json_data, keys, secure, Frame, MissingApis, Moto, Plugin};

/// "Now" for every parity test: 2026-12-07T12:00:00Z.
pub const NOW: i64 = 1_796_644_800_000;
pub const HOUR: i64 = 3_600_000;
pub const DAY: i64 = 24 * HOUR;

/// The data source's default region.
pub fn default_region() -> Region {
    Region::parse("us-east-2").unwrap()
}

/// A query model parsed as QueryData parses it.
pub fn parsed(ref_id: &str, model: &Value) -> Result<MetricQuery, QueryError> {
    let (_, obj) = classify(model.to_string().as_bytes())?;
    parse(ref_id, &obj)
}

/// `(refId, model)` queries over `from..to`, planned at [`NOW`].
pub fn planned(queries: &[(&str, Value)], from: i64, to: i64) -> Plan {
    let timed = queries
        .iter()
        .map(|(r, m)| TimedQuery {
            query: parsed(r, m).unwrap_or_else(|e| panic!("{m}: {e}")),
            from_ms: from,
            to_ms: to,
        })
        .collect();
    plan(timed, &default_region(), NOW)
}

/// The one batch of queries over the hour before [`NOW`].
pub fn batch(queries: &[(&str, Value)]) -> Batch {
    let mut p = planned(queries, NOW - 2 * HOUR, NOW - HOUR);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.batches.len(), 1, "{:?}", p.batches);
    p.batches.remove(0)
}

/// The one planned entry of a query model (refId A).
pub fn one(model: Value) -> PlannedQuery {
    one_as("A", model)
}

/// The one planned entry of a query model with this refId.
pub fn one_as(ref_id: &str, model: Value) -> PlannedQuery {
    let mut b = batch(&[(ref_id, model)]);
    assert_eq!(b.queries.len(), 1);
    b.queries.remove(0)
}

/// The GetMetricData query Stratus sends for a query model.
pub fn mdq(model: Value) -> MetricDataQuery {
    to_sdk_query(&one(model))
}

/// The GetMetricData request of a batch, as built.
pub fn input(b: &Batch) -> aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataInput {
    request(b).build().unwrap()
}

/// A result of a GetMetricData output, with one point a minute from the epoch.
pub fn result(id: &str, label: &str, status: StatusCode, values: &[f64]) -> MetricDataResult {
    result_from(id, label, status, 0, values)
}

/// A result whose points are a minute apart from minute `first` after the epoch.
pub fn result_from(
    id: &str,
    label: &str,
    status: StatusCode,
    first: usize,
    values: &[f64],
) -> MetricDataResult {
    MetricDataResult::builder()
        .id(id)
        .label(label)
        .status_code(status)
        .set_timestamps(Some(
            (first..first + values.len())
                .map(|i| DateTime::from_secs(60 * i as i64))
                .collect(),
        ))
        .set_values(Some(values.to_vec()))
        .build()
}

/// A message, as AWS attaches them to outputs and results.
pub fn message(code: &str, value: &str) -> MessageData {
    MessageData::builder().code(code).value(value).build()
}

/// A GetMetricData output.
pub fn output(messages: Vec<MessageData>, results: Vec<MetricDataResult>) -> GetMetricDataOutput {
    GetMetricDataOutput::builder()
        .set_messages(Some(messages))
        .set_metric_data_results(Some(results))
        .build()
}

/// Each query's answer to a batch's outputs.
pub fn answers(b: &Batch, outputs: &[GetMetricDataOutput]) -> HashMap<String, Answer> {
    let pages: Vec<_> = outputs.iter().cloned().map(to_page).collect();
    assemble(b, pages).into_iter().collect()
}

/// The frames of an answer, decoded with arrow-rs's reader.
pub fn frames(answer: &Answer) -> Vec<Frame> {
    answer
        .as_ref()
        .unwrap_or_else(|f| panic!("{}", f.message))
        .iter()
        .map(|bytes| decode(bytes))
        .collect()
}

/// The frames a single query answers with, given its results.
pub fn frames_of(model: Value, results: Vec<MetricDataResult>) -> Vec<Frame> {
    let b = batch(&[("A", model)]);
    frames(&answers(&b, &[output(vec![], results)])["A"])
}

/// The texts of a frame's notices.
pub fn notices(frame: &Frame) -> Vec<String> {
    frame.meta["notices"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| n["text"].as_str().unwrap().to_string())
        .collect()
}

/// The real plugin against moto (auth mode) with the fixture for what moto lacks in front of
/// it, seeded for the user `alice`.
pub struct Rig {
    pub plugin: Plugin,
    pub apis: MissingApis,
    pub seeded: Value,
    _moto: Moto,
}

impl Rig {
    /// moto seeded with `spec` (its `users` must hold `alice`); the account is no monitoring
    /// account until [`Rig::monitoring`] says so.
    pub fn start(spec: Value) -> Rig {
        let moto = Moto::start();
        let seeded = moto.seed(spec);
        let apis = MissingApis::start(&moto.endpoint);
        let rig = Rig {
            plugin: Plugin::start(&[]),
            apis,
            seeded,
            _moto: moto,
        };
        rig.monitoring(false);
        rig
    }

    /// Makes the account a monitoring account (an OAM sink), or not.
    pub fn monitoring(&self, yes: bool) {
        let alice = &self.seeded["users"]["alice"];
        let sinks = if yes {
            serde_json::json!([{"Arn": "arn:aws:oam:us-east-1:123456789012:sink/s1", "Id": "s1", "Name": "monitoring"}])
        } else {
            serde_json::json!([])
        };
        self.apis.oam(&serde_json::json!({
            "keys": {alice["access_key_id"].as_str().unwrap(): alice["secret_access_key"]},
            "sinks": sinks, "links": []
        }));
    }

    /// A data source `uid` with alice's keys, calling the fixture, with `settings` added to
    /// its jsonData.
    pub fn ctx(&self, uid: &str, settings: &Value) -> grafana_current::pluginv2::PluginContext {
        let mut jd = json_data("keys", &self.apis.endpoint);
        for (k, v) in settings.as_object().into_iter().flatten() {
            jd[k] = v.clone();
        }
        ds(uid, jd, &secure(&keys(&self.seeded["users"]["alice"])))
    }
}
