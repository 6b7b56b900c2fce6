#![no_main]

use libfuzzer_sys::fuzz_target;
use shipshape_dockerfile::{shell, MappedText};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let script = MappedText::contiguous(text, 7);
    for command in shell::commands(&script) {
        let _ = command.name();
        let _ = command.subcommand();
        let _ = command.has_flag(Some('f'), &["force", "yes"]);
        let _ = command.span();
    }
    let _ = shell::words(&script);
    let _ = shell::words_with_escape(&script, '`');
});
