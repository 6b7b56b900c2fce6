//! Shared input formats of the fuzz targets.
//!
//! A file tree is written as text: each file starts with a line
//! `#%% relative/path` (the first file may omit it and gets `default`).
//! Seeds are built from real trees in that form by `seed.sh`.

use arbitrary::Unstructured;
use shipshape_linter::{lint_sources, registry, LintOutcome, LintSettings};

/// Starts a file in a tree input.
pub const FILE_MARKER: &str = "#%% ";

/// Kept small so one input stays fast.
const MAX_FILES: usize = 12;

/// Splits a tree input into (path, text) files.
pub fn split_tree(input: &str, default: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    let mut path = default.to_string();
    let mut text = String::new();
    for line in input.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(FILE_MARKER) {
            if !text.is_empty() || files.is_empty() {
                files.push((std::mem::take(&mut path), std::mem::take(&mut text)));
            }
            path = clean_path(rest.trim_end());
        } else {
            text.push_str(line);
        }
    }
    files.push((path, text));
    files.retain(|(path, _)| !path.is_empty());
    files.truncate(MAX_FILES);
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    files
}

/// A relative path of plain characters (no leading `/`, no empty parts).
fn clean_path(raw: &str) -> String {
    raw.split('/')
        .filter(|part| !part.is_empty())
        .map(|part| part.chars().filter(|c| c.is_ascii_alphanumeric() || "._-".contains(*c)).collect::<String>())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// File names a delivery repository has, as `shipshape check` meets them.
pub const NAMES: &[&str] = &[
    "Dockerfile",
    "Containerfile",
    "api.Dockerfile",
    ".github/workflows/ci.yml",
    ".github/workflows/release.yaml",
    ".github/actions/setup/action.yml",
    ".github/dependabot.yml",
    ".gitlab-ci.yml",
    "ci/build.gitlab-ci.yml",
    "kustomization.yaml",
    "deployment.yaml",
    "service.yaml",
    "rollout.yaml",
    "application.yaml",
    "helmrelease.yaml",
    "values.yaml",
    ".env",
    "config.json",
];

/// Folders the names are put in.
pub const DIRS: &[&str] = &["", "", "app/", "deploy/base/", "deploy/overlays/prod/", "k8s/", "components/tls/"];

/// A generated tree for the `check` target: a header chosen with
/// `arbitrary` (how many files, and each one's folder and name), then the
/// texts, separated by [`FILE_MARKER`] lines.
pub fn arbitrary_tree(data: &[u8]) -> Vec<(String, String)> {
    let mut u = Unstructured::new(data);
    let count = u.int_in_range(1..=MAX_FILES).unwrap_or(1);
    let mut paths = Vec::with_capacity(count);
    for _ in 0..count {
        let name = u.choose(NAMES).copied().unwrap_or("Dockerfile");
        let dir = u.choose(DIRS).copied().unwrap_or("");
        // A workflow or GitLab file only counts at the repository root.
        let dir = if name.starts_with('.') && name != ".env" { "" } else { dir };
        paths.push(format!("{dir}{name}"));
    }
    let body = String::from_utf8_lossy(u.take_rest());
    let mut files: Vec<(String, String)> =
        paths.into_iter().zip(body.split(FILE_MARKER)).map(|(path, text)| (path, text.to_string())).collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    files
}

/// Lints in-memory files with every rule, including those off by default.
pub fn check_all_rules(files: Vec<(String, String)>) -> LintOutcome {
    let mut settings = LintSettings::new("fuzz");
    settings.rules = registry::all().iter().map(|rule| (*rule, rule.meta().severity)).collect();
    lint_sources(&settings, files)
}
