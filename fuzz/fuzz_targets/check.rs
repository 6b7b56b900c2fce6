#![no_main]

use libfuzzer_sys::fuzz_target;
use shipshape_fuzz::arbitrary_tree;
use shipshape_linter::fuzzing::check_all_rules;

fuzz_target!(|data: &[u8]| {
    let _ = check_all_rules(arbitrary_tree(data));
});
