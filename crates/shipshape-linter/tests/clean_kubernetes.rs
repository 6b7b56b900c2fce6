//! A clean, well-hardened set of Kubernetes manifests (a kustomize base and
//! an overlay patch) must give no warning or error finding with every rule
//! that is on by default. Info findings are advice and are allowed.

use std::path::{Path, PathBuf};

use shipshape_linter::{lint_sources, LintSettings, Severity};

fn collect(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, root, out);
        } else {
            let relative = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            out.push((relative, text));
        }
    }
}

#[test]
fn clean_manifests_have_no_warnings_or_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kubernetes-clean");
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    assert!(files.len() >= 5, "the clean set is missing");
    let outcome = lint_sources(&LintSettings::new("clean"), files);
    let serious: Vec<String> = outcome
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| format!("{}:{}: {} [{}] {}", f.path, f.line, f.severity, f.rule, f.message))
        .collect();
    assert!(serious.is_empty(), "clean manifests got findings:\n{}", serious.join("\n"));
}
