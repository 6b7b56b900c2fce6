//! Agreement with zizmor on its own labelled fixtures.
//!
//! `../shared/corpus-labeled/zizmorcore+zizmor/` holds zizmor's integration
//! test inputs and, in `_derived/inline-snapshots.jsonl`, the findings its
//! offline tests expect (fixture, audit, line). For the audits shipshape
//! shares, this replays every fixture through our engine (each file placed
//! where its role needs it: `.github/workflows/`, `action.yml`,
//! `.github/dependabot.yml`) with the mapped rules on, and prints per audit
//! how many of zizmor's expected findings we also report:
//!
//! - `same line`: a finding of a mapped rule on the same file and line;
//! - `in construct`: the same, or zizmor points at the first line of the
//!   YAML block (step, job, `env:`, `on:`) that holds our finding, since
//!   zizmor reports some findings at the enclosing step or key and we
//!   report them at the offending value inside it.
//!
//! - one cause, once: zizmor repeats a workflow's missing `permissions:`
//!   (`excessive-permissions`) at each of its jobs; we report that cause
//!   once, at the workflow's first line, naming the jobs. A job-level
//!   expectation counts as met when we report that workflow-level finding.
//!
//! It then lists every miss with its zizmor persona. Run with
//! `cargo test -p shipshape-linter --test zizmor_agreement -- --nocapture`.
//! Skips (with a message) when `../shared` is absent.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use regex::Regex;
use shipshape_linter::{lint_sources, peer_ids, LintSettings};

/// zizmor audit → the shipshape rules that cover it.
const SHARED_AUDITS: &[(&str, &[&str])] = peer_ids::ZIZMOR;

/// Floors for the recall over all shared audits.
const MIN_IN_CONSTRUCT: f64 = 0.85;
const MIN_SAME_LINE: f64 = 0.80;

fn corpus_dir() -> Option<PathBuf> {
    let from_env = std::env::var_os("SHIPSHAPE_SHARED_DIR").map(PathBuf::from);
    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    let dir = from_env.unwrap_or(default).join("corpus-labeled/zizmorcore+zizmor");
    dir.join("_derived/inline-snapshots.jsonl").is_file().then_some(dir)
}

/// One finding zizmor expects.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    audit: String,
    /// Relative to `test-data/`.
    file: String,
    line: usize,
}

fn persona(args: &[String]) -> &'static str {
    if args.iter().any(|a| a.contains("auditor")) {
        "auditor"
    } else if args.iter().any(|a| a.contains("pedantic")) {
        "pedantic"
    } else {
        "default"
    }
}

/// The expected findings of zizmor's offline tests on files of test-data,
/// with the most lenient persona that expects each.
fn expected_findings(dir: &Path) -> BTreeMap<Expected, &'static str> {
    let finding = Regex::new(r"(?m)^(\w+)\[([\w-]+)\]: [^\n]*\n\s*--> (\S+):(\d+):\d+")
        .unwrap_or_else(|e| panic!("finding pattern: {e}"));
    let shared: BTreeSet<&str> = SHARED_AUDITS.iter().map(|(a, _)| *a).collect();
    let jsonl = std::fs::read_to_string(dir.join("_derived/inline-snapshots.jsonl"))
        .unwrap_or_else(|e| panic!("inline-snapshots.jsonl: {e}"));
    let test_data = dir.join("crates/zizmor/tests/integration/test-data");
    let mut out: BTreeMap<Expected, &'static str> = BTreeMap::new();
    for line in jsonl.lines().filter(|l| !l.trim().is_empty()) {
        let record: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("jsonl: {e}"));
        let inputs: Vec<String> = record["inputs"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        let calls = record["builder_calls"].as_array().cloned().unwrap_or_default();
        let online = calls
            .iter()
            .any(|c| c["method"] == "offline" && c["raw"].as_str().is_some_and(|r| r.contains("AssertOnline")));
        if record["uses_generated_workspace"].as_bool() == Some(true) || online {
            continue;
        }
        let Some(input) = inputs.last() else { continue };
        let args: Vec<String> = record["args"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        if args.iter().any(|a| a.starts_with("--format")) {
            continue;
        }
        let text = match record["expected_kind"].as_str() {
            Some("inline") => record["expected"].as_str().unwrap_or("").to_string(),
            // File snapshots of offline tests on local inputs (text output).
            _ => {
                let hint = record["expected_snapshot_hint"].as_str().unwrap_or("");
                let stem = hint.trim_end_matches("*.snap");
                let snapshots = dir.join("crates/zizmor/tests/integration");
                let mut text = String::new();
                for candidate in [format!("{stem}.snap"), format!("{stem}-2.snap")] {
                    let Ok(content) = std::fs::read_to_string(snapshots.join(&candidate)) else { continue };
                    // The snapshot of this test: same input, same arguments.
                    let expression = content.lines().find(|l| l.starts_with("expression:")).unwrap_or("");
                    let same_args = if args.is_empty() {
                        !expression.contains(".args(")
                    } else {
                        args.iter().all(|a| expression.contains(a.as_str()))
                    };
                    if expression.contains(input.as_str()) && same_args {
                        text.push_str(&content);
                    }
                }
                text
            }
        };
        for caps in finding.captures_iter(&text) {
            let audit = caps.get(2).map_or("", |m| m.as_str());
            if !shared.contains(audit) {
                continue;
            }
            let path = caps.get(3).map_or("", |m| m.as_str());
            let mut file = path.replace("@@INPUT@@", input).replace("//", "/");
            if test_data.join(&file).is_dir() {
                file = format!("{}/action.yml", file.trim_end_matches('/'));
            }
            let line: usize = caps.get(4).and_then(|m| m.as_str().parse().ok()).unwrap_or(0);
            let key = Expected { audit: audit.to_string(), file, line };
            let p = persona(&args);
            let entry = out.entry(key).or_insert(p);
            if p == "default" || (p == "pedantic" && *entry == "auditor") {
                *entry = p;
            }
        }
    }
    out
}

/// Where a fixture goes so that its role is right.
fn placed_path(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    let lower = name.to_ascii_lowercase();
    if lower == "action.yml" || lower == "action.yaml" {
        format!("action/{name}")
    } else if lower.starts_with("dependabot.") {
        format!(".github/{name}")
    } else {
        format!(".github/workflows/{name}")
    }
}

/// True when line `expected` starts a block that holds line `ours`: every
/// line after it, up to `ours`, is blank or indented deeper.
fn in_construct(lines: &[&str], expected: usize, ours: usize) -> bool {
    if ours == expected {
        return true;
    }
    if ours < expected {
        return false;
    }
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let Some(head) = lines.get(expected.wrapping_sub(1)) else { return false };
    let base = indent(head);
    (expected + 1..=ours).all(|n| lines.get(n - 1).is_some_and(|l| l.trim().is_empty() || indent(l) > base))
}

#[test]
fn zizmor_fixture_agreement() {
    let Some(dir) = corpus_dir() else {
        eprintln!("skipped: ../shared/corpus-labeled/zizmorcore+zizmor not found (set SHIPSHAPE_SHARED_DIR)");
        return;
    };
    let test_data = dir.join("crates/zizmor/tests/integration/test-data");
    let mut expected = expected_findings(&dir);
    assert!(!expected.is_empty(), "no expected findings parsed from {}", dir.display());
    // Inputs the corpus does not carry (a git-ignored fixture).
    let absent: Vec<Expected> = expected.keys().filter(|e| !test_data.join(&e.file).is_file()).cloned().collect();
    for e in &absent {
        expected.remove(e);
    }

    let rules: Vec<&str> = SHARED_AUDITS.iter().flat_map(|(_, r)| r.iter().copied()).collect();
    let mut settings = LintSettings::new("zizmor");
    settings.select(&rules);

    // Our findings per fixture: (rule, line).
    let files: BTreeSet<&str> = expected.keys().map(|e| e.file.as_str()).collect();
    let mut ours: BTreeMap<&str, Vec<(String, usize)>> = BTreeMap::new();
    let mut sources: BTreeMap<&str, String> = BTreeMap::new();
    for file in &files {
        let text = std::fs::read_to_string(test_data.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let outcome = lint_sources(&settings, vec![(placed_path(file), text.clone())]);
        ours.insert(file, outcome.findings.iter().map(|f| (f.rule.to_string(), f.line)).collect());
        sources.insert(file, text);
    }

    let mut table: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let mut misses = Vec::new();
    for (e, persona) in &expected {
        let mapped = SHARED_AUDITS.iter().find(|(a, _)| *a == e.audit).map_or(&[][..], |(_, r)| *r);
        let lines: Vec<usize> = ours
            .get(e.file.as_str())
            .map(|f| f.iter().filter(|(r, _)| mapped.contains(&r.as_str())).map(|(_, l)| *l).collect())
            .unwrap_or_default();
        let text = sources.get(e.file.as_str()).map_or("", String::as_str);
        let source_lines: Vec<&str> = text.lines().collect();
        let workflow_head = source_lines.iter().position(|l| !l.trim().is_empty() && !l.trim().starts_with('#'));
        let once_per_workflow = e.audit == "excessive-permissions"
            && ours.get(e.file.as_str()).is_some_and(|f| {
                f.iter().any(|(rule, line)| rule == "default-token-permissions" && workflow_head == Some(line - 1))
            });
        let same = lines.contains(&e.line) || once_per_workflow;
        let near = same || lines.iter().any(|l| in_construct(&source_lines, e.line, *l));
        let row = table.entry(e.audit.as_str()).or_default();
        row.0 += 1;
        row.1 += usize::from(same);
        row.2 += usize::from(near);
        if !near {
            let at = source_lines.get(e.line.wrapping_sub(1)).map_or("", |l| l.trim());
            misses.push((e.audit.as_str(), e.file.as_str(), e.line, *persona, lines, at.to_string()));
        }
    }

    let mut report = String::from("\nzizmor fixture agreement (offline tests, shared audits)\n\n");
    report.push_str("| zizmor audit | shipshape rules | expected | same line | in construct | recall |\n");
    report.push_str("| --- | --- | ---: | ---: | ---: | ---: |\n");
    let (mut total, mut same, mut near) = (0, 0, 0);
    for (audit, rules) in SHARED_AUDITS {
        let Some((t, s, n)) = table.get(audit) else { continue };
        report.push_str(&format!(
            "| {audit} | {} | {t} | {s} | {n} | {:.0}% |\n",
            rules.join(", "),
            100.0 * *n as f64 / *t as f64
        ));
        total += t;
        same += s;
        near += n;
    }
    let same_recall = same as f64 / total.max(1) as f64;
    let near_recall = near as f64 / total.max(1) as f64;
    report.push_str(&format!(
        "| **all** | | {total} | {same} ({:.1}%) | {near} ({:.1}%) | |\n\nMisses:\n\n| audit | fixture | line | persona | our lines | zizmor's line |\n| --- | --- | ---: | --- | --- | --- |\n",
        100.0 * same_recall,
        100.0 * near_recall
    ));
    for (audit, file, line, persona, lines, at) in &misses {
        report.push_str(&format!("| {audit} | {file} | {line} | {persona} | {lines:?} | `{at}` |\n"));
    }
    for e in &absent {
        report.push_str(&format!("\nNot replayed (input not in the corpus): {} {}:{}\n", e.audit, e.file, e.line));
    }
    eprintln!("{report}");

    assert!(near_recall >= MIN_IN_CONSTRUCT, "recall (in construct) {near_recall:.3} < {MIN_IN_CONSTRUCT}");
    assert!(same_recall >= MIN_SAME_LINE, "recall (same line) {same_recall:.3} < {MIN_SAME_LINE}");
}
