//! Resource requests and provisioning variable expansion.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = stratus::resources::request::parse("GET", text, text);
    let _ = stratus::cli::provisioning::expand(text, &|k| (k.len() < 8).then(|| k.to_string()), &|_| Err(std::io::Error::other("no files while fuzzing")));
});
