//! Resource URL parameters and provisioning variable expansion.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let params = stratus::resources::query_params(text);
    let _ = stratus::resources::dimension_filters(&params);
    let _ = stratus::provisioning::expand(text, &|k| (k.len() < 8).then(|| k.to_string()), &|_| Err(std::io::Error::other("no files while fuzzing")));
});
