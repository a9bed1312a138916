//! Alarm annotation queries, the prefix-matching narrowing and the annotation frame.
#![no_main]

use std::collections::BTreeSet;

use libfuzzer_sys::fuzz_target;
use stratus::annotations::alarms::{matching, Alarm, Narrowing};
use stratus::annotations::history::{frame, HistoryItem};
use stratus::annotations::query::parse;

fuzz_target!(|data: &[u8]| {
    let Ok((_, model)) = stratus::query::classify(data) else { return };
    let Ok(q) = parse(&model) else { return };
    // Alarms and history made from the input's bytes, so every path of both is reached.
    let names: Vec<String> = data.chunks(7).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
    let alarms: Vec<Alarm> = names
        .iter()
        .enumerate()
        .map(|(i, n)| Alarm {
            name: n.clone(),
            namespace: Some("AWS/EC2".into()),
            metric_name: Some(n.clone()),
            dimension_names: q.dimensions.keys().take(i % 3).cloned().collect(),
            statistic: q.statistics.get(i % 2).map(|s| s.as_str().to_string()),
            period: Some(60 * (i as i32 % 6)),
        })
        .collect();
    let narrowing = Narrowing {
        namespace: None,
        metric_name: None,
        dimensions: &q.dimensions,
        statistics: &q.statistics,
        period: q.period,
    };
    let shown: BTreeSet<String> = matching(&alarms, &narrowing).into_iter().collect();
    let items = data
        .iter()
        .zip(names.iter().cycle())
        .map(|(b, n)| HistoryItem {
            time_ms: i64::from(*b) * 1000,
            alarm: n.clone(),
            kind: if b % 2 == 0 { "StateUpdate".into() } else { "Action".into() },
            summary: n.clone(),
        })
        .collect();
    frame("A", items, &shown).to_arrow().expect("an annotation frame encodes");
});
