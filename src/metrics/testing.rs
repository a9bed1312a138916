//! What the metrics tests share: queries parsed as the plugin parses them, one planned batch,
//! and answers decoded back into frames.

use crate::config::names::Region;
use crate::frames::SeriesFrame;
use crate::query::Answer;

use super::plan::{plan, Batch, TimedQuery};
use super::query::parse;

/// A query model as QueryData would parse it, over `from_ms..to_ms`.
pub fn timed(ref_id: &str, json: &str, from_ms: i64, to_ms: i64) -> TimedQuery {
    let (_, model) = crate::query::classify(json.as_bytes()).unwrap();
    TimedQuery {
        query: parse(ref_id, &model).unwrap_or_else(|e| panic!("{json}: {e}")),
        from_ms,
        to_ms,
    }
}

/// The one GetMetricData batch of `(refId, model)` queries over `from_ms..to_ms`, in us-east-1.
pub fn batch(queries: &[(&str, &str)], from_ms: i64, to_ms: i64) -> Batch {
    let timed = queries
        .iter()
        .map(|(r, j)| timed(r, j, from_ms, to_ms))
        .collect();
    let mut p = plan(timed, &Region::parse("us-east-1").unwrap(), to_ms);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.batches.len(), 1);
    p.batches.remove(0)
}

/// The frames of an answer that has some.
pub fn frames(answer: &Answer) -> Vec<SeriesFrame> {
    answer
        .as_ref()
        .unwrap_or_else(|f| panic!("{}", f.message))
        .iter()
        .map(|f| SeriesFrame::from_arrow(f).unwrap())
        .collect()
}
