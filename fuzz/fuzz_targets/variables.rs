//! Template variable queries in every stored form: the JSON model, and the legacy string alone.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stratus::variables::{frame, legacy, query, Choice};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = legacy::parse(text);
    }
    let Ok((_, model)) = stratus::query::classify(data) else { return };
    if query::parse(&model).is_ok() {
        // What a lookup found becomes the frame Grafana reads.
        let text = String::from_utf8_lossy(data).into_owned();
        let choices = text.split(',').map(|v| Choice { text: v.to_string(), value: v.to_string() }).collect();
        frame("V", choices).to_arrow().expect("a variable frame encodes");
    }
});
