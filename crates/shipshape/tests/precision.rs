//! Precision on repositories nobody tuned for: a labeled random sample of
//! the warning and error findings on `../shared/corpus`
//! (`tests/precision/labels.tsv`, drawn and labeled as its README says:
//! `true`, `false` or `noise`, each with a one-line reason, and whether it
//! is reported at warning or above today). Fails when a finding labeled
//! false or noise comes back at warning or above, or a true one disappears
//! — and also when one is fixed or lost without the table saying so, so
//! every change of verdict is a reviewed edit of the `reported` column.
//! Prints the precision per domain (`--nocapture`).

// The table is this test's report.
#![allow(clippy::print_stdout)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

struct Label {
    rule: String,
    path: String,
    line: u64,
    drawn: String,
    label: String,
    reported: bool,
    reason: String,
}

fn labels() -> Vec<Label> {
    let text = include_str!("precision/labels.tsv");
    text.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            assert_eq!(cells.len(), 7, "labels.tsv: seven cells per row: {line}");
            assert!(matches!(cells[5], "yes" | "no"), "labels.tsv: `reported` is yes or no: {line}");
            Label {
                rule: cells[0].to_string(),
                path: cells[1].to_string(),
                line: cells[2].parse().expect("line number"),
                drawn: cells[3].to_string(),
                label: cells[4].to_string(),
                reported: cells[5] == "yes",
                reason: cells[6].to_string(),
            }
        })
        .collect()
}

fn run_json(args: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_shipshape")).args(args).output().expect("shipshape runs");
    assert!(matches!(output.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON")
}

#[test]
fn labeled_corpus_findings_keep_their_verdicts() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if !corpus.is_dir() {
        assert!(std::env::var_os("CI").is_none(), "{} is absent and CI is set", corpus.display());
        eprintln!("skipped: {} is absent (the shared material is not beside the repository)", corpus.display());
        return;
    }
    let corpus_arg = corpus.to_string_lossy().into_owned();
    let report = run_json(&["check", "--format", "json", &corpus_arg]);
    let mut reported: HashSet<(String, String, u64)> = HashSet::new();
    for finding in report["findings"].as_array().expect("findings") {
        if matches!(finding["severity"].as_str(), Some("warning" | "error")) {
            reported.insert((
                finding["rule"].as_str().unwrap_or_default().to_string(),
                finding["path"].as_str().unwrap_or_default().to_string(),
                finding["line"].as_u64().unwrap_or_default(),
            ));
        }
    }
    let rules = run_json(&["rules", "--format", "json"]);
    let domain_of: HashMap<String, String> = rules
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|rule| Some((rule["id"].as_str()?.to_string(), rule["domains"][0].as_str()?.to_string())))
        .collect();

    let labels = labels();
    assert!(labels.len() >= 200, "at least 200 labeled findings");
    // domain -> (true, all) as drawn, and (true, all) reported now.
    let mut table: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    let mut regressions = Vec::new();
    for label in &labels {
        assert!(matches!(label.label.as_str(), "true" | "false" | "noise"), "label `{}`", label.label);
        assert!(!label.reason.trim().is_empty(), "a reason for {}:{}", label.path, label.line);
        let domain = domain_of.get(&label.rule).cloned().unwrap_or_else(|| format!("(removed rule {})", label.rule));
        let still = reported.contains(&(label.rule.clone(), label.path.clone(), label.line));
        let is_true = label.label == "true";
        let row = table.entry(domain).or_default();
        row[0] += usize::from(is_true);
        row[1] += 1;
        if still {
            row[2] += usize::from(is_true);
            row[3] += 1;
        }
        if still != label.reported {
            let change = match (is_true, still) {
                (false, true) => "came back at warning or above",
                (true, false) => "disappeared",
                (false, false) => "is fixed: set `reported` to no",
                (true, true) => "is reported again: set `reported` to yes",
            };
            regressions.push(format!(
                "{} {}:{} labeled {} ({}, drawn {}) {change}",
                label.rule, label.path, label.line, label.label, label.reason, label.drawn,
            ));
        }
    }
    println!("| domain | labeled | true | precision as drawn | reported now | precision now |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let percent = |part: usize, whole: usize| {
        (part * 100).checked_div(whole).map_or_else(|| "–".to_string(), |p| format!("{p}%"))
    };
    for (domain, [true_then, all_then, true_now, all_now]) in &table {
        println!(
            "| {domain} | {all_then} | {true_then} | {} | {all_now} | {} |",
            percent(*true_then, *all_then),
            percent(*true_now, *all_now)
        );
    }
    let total =
        table.values().fold([0; 4], |sum, row| [sum[0] + row[0], sum[1] + row[1], sum[2] + row[2], sum[3] + row[3]]);
    println!(
        "| **all** | {} | {} | {} | {} | {} |",
        total[1],
        total[0],
        percent(total[0], total[1]),
        total[3],
        percent(total[2], total[3])
    );
    assert!(
        regressions.is_empty(),
        "{} labeled findings changed verdict:\n{}",
        regressions.len(),
        regressions.join("\n")
    );
}
