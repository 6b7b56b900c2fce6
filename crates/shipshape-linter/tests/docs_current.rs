//! `docs/rules/` is generated from the rules' doc comments; this fails when
//! it is stale. Regenerate with `cargo run -p shipshape-dev -- docs`.

use std::path::Path;

#[test]
fn rule_docs_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let files = shipshape_linter::docs::generated_files();
    let mut stale = Vec::new();
    for (relative, contents) in &files {
        let current = std::fs::read_to_string(root.join(relative)).unwrap_or_default();
        if current != *contents {
            stale.push(relative.clone());
        }
    }
    let expected: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    for entry in std::fs::read_dir(root.join("docs/rules")).into_iter().flatten().flatten() {
        let name = format!("docs/rules/{}", entry.file_name().to_string_lossy());
        if !expected.contains(&name.as_str()) {
            stale.push(format!("{name} (no such rule)"));
        }
    }
    assert!(stale.is_empty(), "stale rule docs; run `cargo run -p shipshape-dev -- docs`:\n  {}", stale.join("\n  "));
}
