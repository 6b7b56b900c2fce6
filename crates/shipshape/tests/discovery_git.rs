//! Git-aware discovery: git never ignores what it tracks.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:latest\n";
const DOCKERFILE: &str = "FROM node:latest\nCMD [\"node\", \"server.js\"]\n";

/// True when `git` runs; panics under `CI` when it does not.
fn git_available() -> bool {
    let works = Command::new("git").arg("--version").output().is_ok_and(|o| o.status.success());
    if !works {
        assert!(std::env::var_os("CI").is_none(), "git is required under CI");
        eprintln!("skipped: git is not on PATH");
    }
    works
}

fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

/// The files with findings and stderr, from `shipshape check . --format json`.
fn check(dir: &Path) -> (BTreeSet<String>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(["check", ".", "--format", "json"])
        .current_dir(dir)
        .output()
        .expect("shipshape runs");
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let paths = findings.iter().filter_map(|f| f["path"].as_str().map(str::to_string)).collect();
    (paths, String::from_utf8_lossy(&output.stderr).into_owned())
}

const TRACKED: &str = "kustomize/base/deployment.yaml";
const IGNORED: &str = "kustomize/Dockerfile";
const UNTRACKED: &str = "app/Dockerfile";
const GONE: &str = "kustomize/gone.yaml";
const SUBMODULE: &str = "vendor/lib";

fn files() -> Vec<(&'static str, &'static str)> {
    vec![
        (".gitignore", "kustomize\n"),
        (TRACKED, DEPLOYMENT),
        (IGNORED, DOCKERFILE),
        (UNTRACKED, DOCKERFILE),
        (GONE, DEPLOYMENT),
        ("vendor/lib/Dockerfile", DOCKERFILE),
    ]
}

#[test]
fn tracked_files_are_scanned_even_when_gitignore_names_them() {
    if !git_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    shipshape_testkit::write_tree(dir.path(), &files());
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", ".gitignore"]);
    git(dir.path(), &["add", "-f", TRACKED, GONE]);
    // A submodule (a gitlink in the index) is not descended.
    git(dir.path(), &["update-index", "--add", "--cacheinfo", &format!("160000,{},{SUBMODULE}", "1".repeat(40))]);
    git(dir.path(), &["commit", "-q", "-m", "init"]);
    // Tracked but deleted from disk: skipped without a word.
    std::fs::remove_file(dir.path().join(GONE)).expect("remove");
    let (found, stderr) = check(dir.path());
    assert!(stderr.is_empty(), "no notice: {stderr}");
    assert!(found.contains(TRACKED), "the tracked manifest is scanned: {found:?}");
    assert!(!found.contains(IGNORED), "an untracked ignored file is not scanned: {found:?}");
    assert!(found.contains(UNTRACKED), "an untracked file that is not ignored is scanned: {found:?}");
    assert!(!found.iter().any(|p| p.starts_with(SUBMODULE)), "a submodule is not descended: {found:?}");

    // From a subfolder of the work tree too.
    let (found, _) = check(&dir.path().join("kustomize"));
    assert!(found.contains("base/deployment.yaml"), "{found:?}");
}

#[test]
fn outside_git_gitignore_applies_as_before() {
    let dir = tempfile::tempdir().expect("temp dir");
    shipshape_testkit::write_tree(dir.path(), &files());
    let (found, _) = check(dir.path());
    assert!(!found.contains(TRACKED) && !found.contains(IGNORED), "{found:?}");
    assert!(found.contains(UNTRACKED), "{found:?}");
    assert!(found.contains("vendor/lib/Dockerfile"), "outside git every folder is walked: {found:?}");
}
