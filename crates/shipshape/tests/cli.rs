//! Runs the real `shipshape` binary.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn shipshape() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_shipshape"));
    command.env_remove("NO_COLOR");
    command
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(args: &[&str], dir: &Path) -> Output {
    shipshape().args(args).current_dir(dir).output().expect("shipshape runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    shipshape_testkit::write_tree(dir.path(), files);
    dir
}

fn json_findings(output: &Output) -> Vec<Value> {
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(report["version"], 1);
    report["findings"].as_array().cloned().unwrap_or_default()
}

fn rules_of(findings: &[Value]) -> Vec<String> {
    findings.iter().map(|f| f["rule"].as_str().unwrap_or_default().to_string()).collect()
}

const LATEST_DOCKERFILE: &str = "FROM node:latest\nCMD [\"node\", \"server.js\"]\n";

#[test]
fn bundled_example_has_findings_and_exits_1() {
    let output = run(&["check", "examples/broken", "--color", "never"], &repo_root());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("Dockerfile:2:6: warning[latest-image-tag]"), "{text}");
    assert!(text.contains("k8s/broken.yaml"), "a parse error is reported: {text}");
    assert!(text.contains("= help: https://"), "{text}");
}

#[test]
fn json_is_versioned_with_relative_paths_and_one_based_lines() {
    let dir = tree(&[("svc/Dockerfile", LATEST_DOCKERFILE)]);
    let output = run(&["check", ".", "--format", "json", "--select", "latest-image-tag"], dir.path());
    assert_eq!(output.status.code(), Some(0), "warnings do not fail by default: {}", stderr(&output));
    let findings = json_findings(&output);
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    for key in ["rule", "severity", "path", "line", "end_line", "column", "message"] {
        assert!(f.get(key).is_some(), "missing `{key}` in {f}");
    }
    assert_eq!(f["rule"], "latest-image-tag");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["path"], "svc/Dockerfile");
    assert_eq!(f["line"], 1);
    assert_eq!(f["column"], 6);
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let schema_path = repo_root().join("../shared/schemas/sarif-schema-2.1.0.json");
    if !schema_path.is_file() {
        eprintln!("skipped: {} is absent (the shared material is not beside the repository)", schema_path.display());
        return;
    }
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(&schema_path).expect("schema")).expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let output = run(&["check", "examples/broken", "--format", "sarif"], &repo_root());
    let log: Value = serde_json::from_slice(&output.stdout).expect("SARIF is JSON");
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| format!("{} at {}", e, e.instance_path)).collect();
    assert!(errors.is_empty(), "SARIF does not validate:\n{}", errors.join("\n"));
    let run = &log["runs"][0];
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    for result in results {
        let id = result["ruleId"].as_str().expect("ruleId");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], id);
        assert!(rules[index]["helpUri"].as_str().is_some_and(|u| u.ends_with(&format!("{id}.md"))));
        assert!(result["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64() >= Some(1));
    }
}

#[test]
fn github_annotations() {
    let dir = tree(&[("Dockerfile", LATEST_DOCKERFILE)]);
    let output = run(&["check", ".", "--format", "github", "--select", "latest-image-tag"], dir.path());
    let text = stdout(&output);
    assert!(text.starts_with("::warning file=Dockerfile,line=1,"), "{text}");
    assert!(text.contains("title=shipshape/latest-image-tag::"), "{text}");
}

#[test]
fn parse_errors_are_findings_and_the_run_goes_on() {
    let dir = tree(&[("a.yaml", "kind: Pod\nspec: [1, 2\n"), ("b/Dockerfile", LATEST_DOCKERFILE)]);
    let output = run(&["check", ".", "--format", "json"], dir.path());
    assert_eq!(output.status.code(), Some(1));
    let findings = json_findings(&output);
    let parse = findings.iter().find(|f| f["rule"] == "parse-error").expect("parse-error finding");
    assert_eq!(parse["path"], "a.yaml");
    assert!(parse["line"].as_u64() >= Some(2));
    assert!(rules_of(&findings).contains(&"latest-image-tag".to_string()));
}

#[test]
fn inline_suppressions_need_a_reason() {
    let dir = tree(&[
        (
            "with-reason/Dockerfile",
            "# shipshape: ignore[latest-image-tag] rebuilt nightly on purpose\nFROM node:latest\n",
        ),
        ("without-reason/Dockerfile", "FROM node:latest # shipshape: ignore[latest-image-tag]\n"),
        ("unknown/Dockerfile", "# shipshape: ignore[latest-tag] typo\nFROM node:latest\n"),
    ]);
    let output = run(&["check", ".", "--format", "json"], dir.path());
    let findings = json_findings(&output);
    let summary: Vec<(String, String)> = findings
        .iter()
        .map(|f| (f["path"].as_str().unwrap_or("").to_string(), f["rule"].as_str().unwrap_or("").to_string()))
        .collect();
    let has = |path: &str, rule: &str| summary.contains(&(path.to_string(), rule.to_string()));
    assert!(!has("with-reason/Dockerfile", "latest-image-tag"), "{summary:?}");
    assert!(!has("without-reason/Dockerfile", "latest-image-tag"), "{summary:?}");
    assert!(has("without-reason/Dockerfile", "suppression-without-reason"), "{summary:?}");
    assert!(has("unknown/Dockerfile", "latest-image-tag"), "{summary:?}");
    assert!(has("unknown/Dockerfile", "suppression-without-reason"), "{summary:?}");
}

#[test]
fn configuration_disables_rules_changes_severity_and_threshold() {
    let dir = tree(&[
        ("Dockerfile", LATEST_DOCKERFILE),
        ("vendor/Dockerfile", LATEST_DOCKERFILE),
        ("shipshape.toml", "[check]\nexclude = [\"vendor/\"]\nfail-on = \"warning\"\n"),
    ]);
    let output = run(&["check", ".", "--format", "json", "--select", "latest-image-tag"], dir.path());
    assert_eq!(output.status.code(), Some(1), "fail-on = warning: {}", stderr(&output));
    let findings = json_findings(&output);
    assert_eq!(findings.len(), 1, "vendor/ is excluded: {findings:?}");

    std::fs::write(dir.path().join("shipshape.toml"), "[check]\n[check.severity]\nlatest-image-tag = \"error\"\n")
        .expect("write");
    let output = run(&["check", ".", "--format", "json", "--select", "latest-image-tag"], dir.path());
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(json_findings(&output)[0]["severity"], "error");

    std::fs::write(dir.path().join("shipshape.toml"), "[check]\ndisable = [\"latest-image-tag\"]\n").expect("write");
    let output = run(&["check", ".", "--format", "json"], dir.path());
    assert!(!rules_of(&json_findings(&output)).contains(&"latest-image-tag".to_string()));

    std::fs::write(dir.path().join("shipshape.toml"), "[check]\ndisable = [\"no-such-rule\"]\n").expect("write");
    let output = run(&["check", "."], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("shipshape.toml") && stderr(&output).contains("no-such-rule"),
        "{}",
        stderr(&output)
    );

    std::fs::write(dir.path().join("shipshape.toml"), "[check]\nfail-on = warning\n").expect("write");
    let output = run(&["check", "."], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("line 2"), "{}", stderr(&output));
}

#[test]
fn baseline_hides_known_findings_even_when_lines_move() {
    let dir = tree(&[("Dockerfile", LATEST_DOCKERFILE)]);
    let args = ["check", ".", "--format", "json", "--select", "latest-image-tag", "--fail-on", "warning"];
    let output = run(&["check", ".", "--write-baseline", "baseline.json", "--select", "latest-image-tag"], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    std::fs::write(dir.path().join("Dockerfile"), format!("# moved down\n\n{LATEST_DOCKERFILE}FROM python:latest\n"))
        .expect("write");
    let mut with_baseline = args.to_vec();
    with_baseline.extend(["--baseline", "baseline.json"]);
    let output = run(&with_baseline, dir.path());
    let findings = json_findings(&output);
    assert_eq!(findings.len(), 1, "only the new finding: {findings:?}");
    assert!(findings[0]["message"].as_str().is_some_and(|m| m.contains("python")));
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn gitignore_is_honoured_unless_no_ignore() {
    let dir = tree(&[(".gitignore", "build/\n"), ("build/Dockerfile", LATEST_DOCKERFILE)]);
    let output = run(&["check", ".", "--format", "json"], dir.path());
    assert!(json_findings(&output).is_empty());
    let output = run(&["check", ".", "--format", "json", "--no-ignore"], dir.path());
    assert!(!json_findings(&output).is_empty());
}

#[test]
fn helm_templates_binaries_and_large_files_are_skipped_with_verbose_reasons() {
    let dir = tree(&[
        ("chart/Chart.yaml", "apiVersion: v2\nname: x\nversion: 0.1.0\n"),
        (
            "chart/templates/deploy.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
        ),
        ("k8s/odd.yaml", "image: {{ .Values.image }}\n  : [\n"),
    ]);
    std::fs::write(dir.path().join("logo.png"), [0x89, b'P', b'N', b'G', 0, 0, 1, 2]).expect("write");
    std::fs::write(dir.path().join("big.yaml"), "a: 1\n".repeat(600_000)).expect("write");
    let output = run(&["check", ".", "-v", "--format", "json"], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(json_findings(&output).is_empty(), "no parse-error noise on templates: {}", stdout(&output));
    let log = stderr(&output);
    for expected in ["chart/templates/deploy.yaml", "k8s/odd.yaml", "logo.png: binary", "big.yaml: larger than"] {
        assert!(log.contains(expected), "`{expected}` not in:\n{log}");
    }
}

#[test]
fn usage_and_io_errors_exit_2() {
    let output = run(&["check", "no/such/dir"], &repo_root());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no/such/dir"));
    let output = run(&["check", "--format", "yaml"], &repo_root());
    assert_eq!(output.status.code(), Some(2));
    let output = run(&["check", ".", "--select", "nope"], &repo_root());
    assert_eq!(output.status.code(), Some(2));
    let output = run(&["explain", "latest-tag"], &repo_root());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("latest-image-tag"), "suggests the near id: {}", stderr(&output));
}

#[test]
fn rules_and_explain() {
    let output = run(&["rules"], &repo_root());
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("latest-image-tag"));
    let output = run(&["rules", "--format", "json"], &repo_root());
    let rules: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert!(rules.as_array().is_some_and(|r| r.iter().all(|r| r["help_uri"].as_str().is_some())));
    let output = run(&["explain", "latest-image-tag"], &repo_root());
    let text = stdout(&output);
    assert!(text.contains("## What it does") && text.contains("Use instead:"), "{text}");
}

#[test]
fn colour_follows_the_terminal_and_no_color() {
    let dir = tree(&[("Dockerfile", LATEST_DOCKERFILE)]);
    let output = run(&["check", "."], dir.path());
    assert!(!stdout(&output).contains('\u{1b}'), "no colour when stdout is not a terminal");
    let output = run(&["check", ".", "--color", "always"], dir.path());
    assert!(stdout(&output).contains('\u{1b}'));
    let output = shipshape().args(["check", "."]).env("NO_COLOR", "1").current_dir(dir.path()).output().expect("runs");
    assert!(!stdout(&output).contains('\u{1b}'));
}

#[test]
fn output_is_deterministic_and_check_writes_nothing() {
    let dir = tree(&[("b/Dockerfile", LATEST_DOCKERFILE), ("a/Dockerfile", LATEST_DOCKERFILE), ("a/x.yaml", "a: [\n")]);
    let before = listing(dir.path());
    let first = stdout(&run(&["check", ".", "--format", "json"], dir.path()));
    let second = stdout(&run(&["check", ".", "--format", "json"], dir.path()));
    assert_eq!(first, second);
    let paths: Vec<Value> = serde_json::from_str::<Value>(&first).expect("JSON")["findings"]
        .as_array()
        .map(|f| f.iter().map(|f| f["path"].clone()).collect())
        .unwrap_or_default();
    let mut sorted = paths.clone();
    sorted.sort_by_key(|p| p.as_str().unwrap_or("").to_string());
    assert_eq!(paths, sorted);
    assert_eq!(before, listing(dir.path()), "check must not write into the scanned tree");
}

fn listing(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> =
        walk(dir).into_iter().map(|p| p.strip_prefix(dir).unwrap_or(&p).display().to_string()).collect();
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        }
        out.push(path);
    }
    out
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let mut child = shipshape()
        .args(["check", "examples/broken", "--format", "json"])
        .current_dir(repo_root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let mut err = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.read_to_string(&mut err);
    }
    let status = child.wait().expect("wait");
    assert!(!err.contains("panicked") && !err.contains("error"), "{err}");
    assert_ne!(status.code(), Some(101), "no panic");
}

#[test]
fn output_file_receives_the_report() {
    let dir = tree(&[("src/Dockerfile", LATEST_DOCKERFILE)]);
    let out = tempfile::tempdir().expect("temp dir");
    let report = out.path().join("report.sarif");
    let output = shipshape()
        .args(["check", "src", "--format", "sarif", "-o"])
        .arg(&report)
        .current_dir(dir.path())
        .output()
        .expect("runs");
    assert!(output.stdout.is_empty());
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&report).expect("report written")).expect("JSON");
    assert_eq!(log["version"], "2.1.0");
}

#[test]
fn bundled_example_report_matches_its_snapshot() {
    let output = run(&["check", "examples/broken", "--color", "never"], &repo_root());
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("check-examples-broken", stdout(&output));
    });
}
