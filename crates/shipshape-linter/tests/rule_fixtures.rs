//! One fixture per rule, with firing, non-firing and suppressed cases, and
//! one snapshot of what the rule reports on it.
//!
//! A rule's fixture is `fixtures/<domain>/<rule-id>.<ext>` or a folder
//! `fixtures/<domain>/<rule-id>/` (for rules that need several files), where
//! `<domain>` is the rule's first domain. Fake credentials are never stored:
//! write `⟦rand:N:CHARSET⟧` (see `shipshape-testkit`) and the harness fills
//! in N seeded random characters.

use std::path::{Path, PathBuf};

use shipshape_linter::{lint_sources, registry, Domain, LintSettings};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The files of a fixture (a file or a folder), fake secrets filled in.
fn read_fixture(path: &Path, root: &Path, out: &mut Vec<(String, String)>) {
    for file in shipshape_testkit::files_under(path) {
        let relative = file.strip_prefix(root).unwrap_or(&file).to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let seed = shipshape_testkit::seed_of(&relative);
        out.push((relative, shipshape_testkit::expand_fake_secrets(&text, seed)));
    }
}

fn fixture_files(domain: &str, id: &str) -> Vec<(String, String)> {
    let dir = fixtures_dir().join(domain);
    let mut out = Vec::new();
    let candidates: Vec<PathBuf> =
        std::fs::read_dir(&dir).map(|entries| entries.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    for path in candidates {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let stem = if path.is_dir() { name.as_str() } else { name.split('.').next().unwrap_or("") };
        if stem == id {
            let root = if path.is_dir() { path.clone() } else { dir.clone() };
            read_fixture(&path, &root, &mut out);
        }
    }
    out
}

/// Lints the fixture of one rule with only that rule on; renders the result.
fn run_fixture(domain: &str, id: &str) -> String {
    let files = fixture_files(domain, id);
    assert!(!files.is_empty(), "rule `{id}` has no fixture under tests/fixtures/{domain}/ (`{id}.<ext>` or `{id}/`)");
    let mut settings = LintSettings::new("fixture");
    settings.select(&[id]);
    let outcome = lint_sources(&settings, files);
    let fired = outcome.findings.iter().filter(|f| f.rule == id).count();
    assert!(fired > 0, "rule `{id}`: the fixture has no firing case");
    assert!(
        outcome.suppressed > 0,
        "rule `{id}`: the fixture has no suppressed case (`# shipshape: ignore[{id}] reason`)"
    );
    let mut out = String::new();
    for f in &outcome.findings {
        out.push_str(&format!("{}:{}:{}: {} {}\n", f.path, f.line, f.column, f.severity, f.message));
        for line in &f.snippet {
            out.push_str(&format!("    | {line}\n"));
        }
    }
    out.push_str(&format!("-- {fired} finding(s), {} suppressed\n", outcome.suppressed));
    out
}

/// Findings the engine reports itself, tested where it reports them.
const ENGINE_RULES: &[&str] = &["parse-error", "suppression-without-reason"];

fn check_domain(domain: Domain) {
    let mut failures = Vec::new();
    for rule in registry::all().iter().filter(|r| r.meta().domains.first() == Some(&domain)) {
        let id = rule.meta().id;
        if ENGINE_RULES.contains(&id) {
            continue;
        }
        let result = std::panic::catch_unwind(|| {
            let rendered = run_fixture(domain.as_str(), id);
            insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
                insta::assert_snapshot!(id, rendered);
            });
        });
        if result.is_err() {
            failures.push(id);
        }
    }
    assert!(failures.is_empty(), "rules whose fixture failed: {failures:?}");
}

#[test]
fn general_rule_fixtures() {
    check_domain(Domain::General);
}

#[test]
fn dockerfile_rule_fixtures() {
    check_domain(Domain::Dockerfile);
}

#[test]
fn kubernetes_rule_fixtures() {
    check_domain(Domain::Kubernetes);
}

#[test]
fn secrets_rule_fixtures() {
    check_domain(Domain::Secrets);
}

#[test]
fn cross_file_rule_fixtures() {
    check_domain(Domain::CrossFile);
}

#[test]
fn gitops_rule_fixtures() {
    check_domain(Domain::Gitops);
}

#[test]
fn github_actions_rule_fixtures() {
    check_domain(Domain::GithubActions);
}

#[test]
fn gitlab_ci_rule_fixtures() {
    check_domain(Domain::GitlabCi);
}

#[test]
fn kustomize_rule_fixtures() {
    check_domain(Domain::Kustomize);
}
