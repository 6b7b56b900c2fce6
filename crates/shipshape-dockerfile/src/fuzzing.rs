//! Entry points shared by the fuzz targets under `fuzz/` and the tests that
//! replay their regressions: not a stable API.

use crate::{parse, shell, MappedText};

/// Parses a Dockerfile and walks everything the rules read from it.
pub fn dockerfile(text: &str) {
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
}

/// Tokenizes a shell script and reads each command as the rules do.
pub fn shell_script(text: &str) {
    let script = MappedText::contiguous(text, 7);
    for command in shell::commands(&script) {
        let _ = command.name();
        let _ = command.subcommand();
        let _ = command.has_flag(Some('f'), &["force", "yes"]);
        let _ = command.span();
    }
    let _ = shell::words(&script);
    let _ = shell::words_with_escape(&script, '`');
}
