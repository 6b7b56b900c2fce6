#![no_main]

use libfuzzer_sys::fuzz_target;
use shipshape_linter::fuzzing;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = fuzzing::github_expressions(text);
        let _ = fuzzing::github_expressions_in_yaml(text);
    }
});
