//! Data source settings and server policy: parsing, policy checks, cache keys, endpoints.
#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use stratus::policy::{parse_duration, Policy};
use stratus::settings::{parse, RawSettings};

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
    let raw = RawSettings { uid: "fuzz", name: "fuzz", database: if flags & 8 != 0 { "legacy" } else { "" }, last_updated_ms: 1, json_data: json, secure: &secure };
    if let Ok(settings) = parse(raw) {
        let policy = Policy::default();
        let _ = policy.check(&settings);
        let _ = stratus::auth::fingerprint(&settings, &policy);
        let _ = stratus::auth::plan_endpoints(settings.endpoint.as_ref(), settings.sts_endpoint.as_ref());
        let _ = stratus::auth::session_name(&settings.uid);
    }
    if let Ok(text) = std::str::from_utf8(json) {
        let _ = parse_duration(text);
        let _ = Policy::from_lookup(|_| Some(text.to_string()));
    }
});
