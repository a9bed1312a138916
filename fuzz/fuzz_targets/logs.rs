//! Logs Insights queries and their results: the query parser, the shape of the answer (stats
//! and their groups, read from the query text) and the frames built from result rows.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stratus::logs::frames::{frames, Context, Row};
use stratus::logs::{query, stats};

fuzz_target!(|data: &[u8]| {
    let Ok((_, model)) = stratus::query::classify(data) else { return };
    let Ok(q) = query::parse(&model) else { return };
    let shape = stats::shape(&q);
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
    for frame in frames("A", &shape, rows, &ctx) {
        frame.to_arrow().expect("a logs frame encodes");
    }
});
