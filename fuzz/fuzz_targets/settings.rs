//! Data source settings and server policy: parsing, policy checks, cache keys, endpoints.
#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use stratus::config::policy::Policy;
use stratus::config::settings::{parse, DataSourceInstance};
use stratus::config::values::parse_duration;

fuzz_target!(|data: &[u8]| {
    // The first byte decides which secrets are present; the rest is jsonData.
    let (flags, json) = data.split_first().unwrap_or((&0, &[]));
    let mut secure = HashMap::new();
    if flags & 1 != 0 {
        secure.insert("accessKey".to_string(), "AKIAFUZZ".to_string());
    }
    if flags & 2 != 0 {
        secure.insert("secretKey".to_string(), "fuzz-secret-key".to_string());
    }
    if flags & 4 != 0 {
        secure.insert("sessionToken".to_string(), String::from_utf8_lossy(json).into_owned());
    }
    let ds = DataSourceInstance {
        uid: "fuzz".into(),
        name: "fuzz".into(),
        database: if flags & 8 != 0 { "legacy".into() } else { String::new() },
        last_updated_ms: 1,
        json_data: json.to_vec(),
        secure_json_data: secure,
    };
    if let Ok(settings) = parse(&ds) {
        let policy = Policy::default();
        let _ = policy.check(&settings);
        let _ = stratus::aws::session::fingerprint(&settings, &policy);
        let _ = stratus::aws::endpoints::plan(settings.endpoint.as_ref(), settings.sts_endpoint.as_ref());
        let _ = stratus::aws::credentials::session_name(&settings.uid);
    }
    if let Ok(text) = std::str::from_utf8(json) {
        let _ = parse_duration(text);
        let _ = Policy::from_lookup(|_| Some(text.to_string()));
    }
});
