//! Planted defects: `planted/bad` holds delivery files with known defects,
//! listed in `planted/expected.tsv` (path, line, rule, what); `planted/clean`
//! holds well-hardened counterparts. Recall is the share of listed defects
//! reported by the listed rule on the listed line; the clean set must give
//! no warning or error finding.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const MIN_RECALL: f64 = 0.85;

fn planted() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/planted")
}

/// Copies a planted tree to a temporary folder, filling in fake secrets.
fn materialized(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    shipshape_testkit::materialize(&planted().join(name), dir.path()).expect("materialize");
    dir
}

fn findings(dir: &Path) -> Vec<Value> {
    let output = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(["check", ".", "--format", "json", "--no-ignore"])
        .current_dir(dir)
        .output()
        .expect("shipshape runs");
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    report["findings"].as_array().cloned().unwrap_or_default()
}

struct Expected {
    path: String,
    line: u64,
    rule: String,
    what: String,
}

fn expected() -> Vec<Expected> {
    let text = std::fs::read_to_string(planted().join("expected.tsv")).expect("expected.tsv");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|line| {
            let mut cols = line.split('\t');
            let mut next = || cols.next().unwrap_or("").trim().to_string();
            let (path, line, rule, what) = (next(), next(), next(), next());
            Expected { path, line: line.parse().unwrap_or_else(|_| panic!("bad line number in `{line}`")), rule, what }
        })
        .collect()
}

fn domain_of(path: &str) -> &'static str {
    if path.contains("Dockerfile") {
        "dockerfile"
    } else if path.starts_with("k8s/") {
        "kubernetes"
    } else if path.contains(".github/") {
        "github_actions"
    } else if path.contains(".gitlab-ci") {
        "gitlab_ci"
    } else {
        "secrets"
    }
}

#[test]
fn planted_defects_are_found_on_their_lines() {
    let dir = materialized("bad");
    let found: BTreeSet<(String, u64, String)> = findings(dir.path())
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["rule"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let mut per_domain: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut misses = Vec::new();
    for e in expected() {
        let entry = per_domain.entry(domain_of(&e.path)).or_default();
        entry.1 += 1;
        if found.contains(&(e.path.clone(), e.line, e.rule.clone())) {
            entry.0 += 1;
        } else {
            misses.push(format!("{}:{} {} ({})", e.path, e.line, e.rule, e.what));
        }
    }
    eprintln!("| domain | found | planted | recall |\n| --- | ---: | ---: | ---: |");
    for (domain, (hit, total)) in &per_domain {
        eprintln!("| {domain} | {hit} | {total} | {:.0}% |", 100.0 * *hit as f64 / *total as f64);
    }
    if !misses.is_empty() {
        eprintln!("missed:\n  {}", misses.join("\n  "));
    }
    for (domain, (hit, total)) in &per_domain {
        let recall = *hit as f64 / *total as f64;
        assert!(
            recall >= MIN_RECALL,
            "{domain}: recall {recall:.2} < {MIN_RECALL}; missed:\n  {}",
            misses.join("\n  ")
        );
    }
}

#[test]
fn clean_counterparts_have_no_warning_or_error() {
    let dir = materialized("clean");
    let loud: Vec<String> = findings(dir.path())
        .iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| format!("{}:{} {} {}", f["path"], f["line"], f["rule"], f["message"]))
        .collect();
    assert!(loud.is_empty(), "warnings/errors on the clean set:\n  {}", loud.join("\n  "));
}
