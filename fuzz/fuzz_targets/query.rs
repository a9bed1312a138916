//! Query JSON, planning and frame building.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stratus::config::names::Region;
use stratus::metrics::plan::{plan, TimedQuery};
use stratus::metrics::response::{assemble, Page};

fuzz_target!(|data: &[u8]| {
    // The first 16 bytes are the time range; the rest is the query JSON.
    if data.len() < 16 {
        return;
    }
    let from = i64::from_le_bytes(data[..8].try_into().unwrap());
    let to = i64::from_le_bytes(data[8..16].try_into().unwrap());
    let json = &data[16..];
    let Ok((_, model)) = stratus::query::classify(json) else { return };
    if let Ok(query) = stratus::metrics::query::parse("A", &model) {
        let second = query.clone();
        let planned = plan(
            vec![TimedQuery { query, from_ms: from, to_ms: to }, TimedQuery { query: second, from_ms: from, to_ms: to }],
            &Region::parse("us-east-1").unwrap(),
            1_700_000_000_000,
        );
        for batch in &planned.batches {
            let _ = assemble(batch, vec![Page::default()]);
        }
    }
});
