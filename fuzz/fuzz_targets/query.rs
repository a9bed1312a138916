//! Query JSON, planning and frame building.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stratus::cloudwatch::{assemble, Page};
use stratus::planner::{plan, TimedQuery};
use stratus::settings::Region;

fuzz_target!(|data: &[u8]| {
    // The first 16 bytes are the time range; the rest is the query JSON.
    if data.len() < 16 {
        return;
    }
    let from = i64::from_le_bytes(data[..8].try_into().unwrap());
    let to = i64::from_le_bytes(data[8..16].try_into().unwrap());
    let json = &data[16..];
    if let Ok(query) = stratus::query::parse("A", json) {
        let second = query.clone();
        let planned = plan(
            vec![TimedQuery { query, from_ms: from, to_ms: to }, TimedQuery { query: second, from_ms: from, to_ms: to }],
            &Region::parse("us-east-1").unwrap(),
            1_700_000_000_000,
        );
        for batch in &planned.batches {
            let _ = assemble(batch, &[Page::default()]);
        }
    }
});
