//! Entry points shared by the fuzz targets under `fuzz/` and the tests that
//! replay their regressions: not a stable API.
//!
//! A file tree is written as text: each file starts with a line
//! `#%% relative/path` (the first file may omit it and gets a default path).

use shipshape_yaml::{Node, NodeKind};

use crate::rules::github_actions::expr;
use crate::{lint_sources, registry, LintOutcome, LintSettings};

/// Starts a file in a tree written as text.
pub const FILE_MARKER: &str = "#%% ";

/// Kept small so one input stays fast.
pub const MAX_FILES: usize = 12;

/// Splits a tree written as text into (path, text) files, sorted by path,
/// one per path.
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
        .map(|part| part.chars().filter(|c| c.is_ascii_alphanumeric() || "._-".contains(*c)).collect::<String>())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// Lints in-memory files with every rule, including those off by default.
pub fn check_all_rules(files: Vec<(String, String)>) -> LintOutcome {
    let mut settings = LintSettings::new("fuzz");
    settings.rules = registry::all().iter().map(|rule| (*rule, rule.meta().severity)).collect();
    lint_sources(&settings, files)
}

/// Renders and lints a tree written as text whose first file is the root
/// `kustomization.yaml`.
pub fn kustomize(input: &str) {
    let files = split_tree(input, "kustomization.yaml");
    let _ = crate::kustomize::render_files(&files, None, "");
    let _ = check_all_rules(files);
}

/// Runs the GitHub expression layer over `text`: parses it whole as the
/// inside of `${{ }}`, then scans it for `${{ }}` and parses each one, and
/// follows every parsed expression to its contexts and their trust.
/// Returns the number of contexts reached.
pub fn github_expressions(text: &str) -> usize {
    let mut reached = contexts_of(text);
    for (start, end) in expr::scan(text) {
        if let Some(inner) = text.get(start + 3..end.saturating_sub(2)) {
            reached += contexts_of(inner);
        }
    }
    reached
}

/// Like a workflow rule: parses `text` as YAML and runs the expression
/// layer over every scalar, positioned in the source.
pub fn github_expressions_in_yaml(text: &str) -> usize {
    let parsed = shipshape_yaml::parse(text);
    let mut reached = 0;
    let mut pending: Vec<&Node> = parsed.documents.iter().map(|d| &d.root).collect();
    while let Some(node) = pending.pop() {
        match &node.kind {
            NodeKind::Scalar(_) => {
                for found in expr::expressions_in(node, text, 0) {
                    reached += contexts_of(&found.inner);
                }
            }
            NodeKind::Sequence(items) => pending.extend(items),
            NodeKind::Mapping(entries) => pending.extend(entries.iter().flat_map(|e| [&e.key, &e.value])),
        }
    }
    reached
}

fn contexts_of(inner: &str) -> usize {
    let Some(parsed) = expr::parse(inner) else { return 0 };
    let contexts = expr::dataflow_contexts(&parsed);
    contexts.iter().filter(|c| expr::context_trust(c) == expr::Trust::Attacker).count() + contexts.len()
}
