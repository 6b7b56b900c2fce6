#![no_main]

use libfuzzer_sys::fuzz_target;
use shipshape_dockerfile::{parse, shell};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let dockerfile = parse(text);
    for (index, instruction) in dockerfile.instructions.iter().enumerate() {
        let _ = dockerfile.stage_of(index);
        let _ = instruction.words();
        let _ = instruction.key_values();
        for script in instruction.scripts() {
            let _ = shell::commands(&script);
            let _ = shell::words_with_escape(&script, dockerfile.escape);
        }
    }
    let _ = dockerfile.final_stage();
    let _ = dockerfile.global_args().count();
    let _ = dockerfile.expand_global_args(text);
});
