//! Logs Insights queries and their results: the query parser, which log groups StartQuery
//! reads, the groups that split the answer (read from the query text) and the frames built
//! from result rows, for a panel and for an alert rule.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stratus::logs::frames::{frames, Audience, Context, Row};
use stratus::logs::{query, stats};

fuzz_target!(|data: &[u8]| {
    let Ok((_, model)) = stratus::query::classify(data) else { return };
    let Ok(q) = query::parse(&model) else { return };
    let _ = (q.targets(true), q.targets(false), q.query_string());
    let groups = stats::groups(&q);
    // Result rows made from the query's own text: fields named by its words, values that are
    // times, numbers or text, missing in some rows.
    let words: Vec<&str> = q.expression.split_whitespace().collect();
    let rows: Vec<Row> = words
        .chunks(3)
        .map(|chunk| {
            chunk
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let value = match i {
                        0 => "2024-05-01 12:00:00.000".to_string(),
                        1 => w.len().to_string(),
                        _ => w.to_string(),
                    };
                    (w.to_string(), value)
                })
                .collect()
        })
        .collect();
    let ctx = Context { executed: q.expression.clone(), ..Context::default() };
    for audience in [Audience::Panel, Audience::Server] {
        for frame in frames("A", &groups, audience, rows.clone(), &ctx) {
            frame.to_arrow().expect("a logs frame encodes");
        }
    }
});
