//! One fixture per rule, with firing, non-firing and suppressed cases, and
//! one snapshot of what the rule reports on it.
//!
//! A rule's fixture is `fixtures/<domain>/<rule-id>.<ext>` or a folder
//! `fixtures/<domain>/<rule-id>/` (for rules that need several files), where
//! `<domain>` is the rule's first domain. Fake credentials are never stored:
//! write `⟦rand:N:CHARSET⟧` (CHARSET one of alnum, upper, lower, digits, hex,
//! HEX, base64, base64url) and the harness fills in N seeded random characters.

use std::path::{Path, PathBuf};

use shipshape_linter::{lint_sources, registry, Domain, LintSettings};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A small deterministic generator, so snapshots are stable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn charset(name: &str) -> &'static str {
    match name {
        "upper" => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
        "lower" => "abcdefghijklmnopqrstuvwxyz0123456789",
        "digits" => "0123456789",
        "hex" => "0123456789abcdef",
        "HEX" => "0123456789ABCDEF",
        "base64" => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        "base64url" => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        _ => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    }
}

/// Replaces every `⟦rand:N:CHARSET⟧` with N seeded random characters.
pub fn expand_fake_secrets(text: &str, seed: u64) -> String {
    let mut rng = Rng(seed | 1);
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('⟦') {
        out.push_str(&rest[..start]);
        let after = &rest[start + '⟦'.len_utf8()..];
        let Some(end) = after.find('⟧') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let marker = &after[..end];
        let mut parts = marker.split(':');
        match (parts.next(), parts.next().and_then(|n| n.parse::<usize>().ok()), parts.next()) {
            (Some("rand"), Some(len), set) => {
                let chars: Vec<char> = charset(set.unwrap_or("alnum")).chars().collect();
                for _ in 0..len {
                    let index = (rng.next() % chars.len() as u64) as usize;
                    out.push(chars[index]);
                }
            }
            _ => panic!("unknown fixture marker ⟦{marker}⟧"),
        }
        rest = &after[end + '⟧'.len_utf8()..];
    }
    out.push_str(rest);
    out
}

fn read_fixture(path: &Path, root: &Path, out: &mut Vec<(String, String)>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for entry in entries {
            read_fixture(&entry, root, out);
        }
        return;
    }
    let relative = path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let seed =
        relative.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    out.push((relative, expand_fake_secrets(&text, seed)));
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

fn check_domain(domain: Domain) {
    let mut failures = Vec::new();
    for rule in registry::all().iter().filter(|r| r.meta().domains.first() == Some(&domain)) {
        let id = rule.meta().id;
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
fn fake_secret_markers_expand_deterministically() {
    let a = expand_fake_secrets("x⟦rand:8:hex⟧y", 7);
    assert_eq!(a, expand_fake_secrets("x⟦rand:8:hex⟧y", 7));
    assert_eq!(a.len(), 10);
    assert!(a[1..9].chars().all(|c| c.is_ascii_hexdigit()));
}
