//! Nothing is silently unchecked: duplicate keys, stray NULs, large files,
//! unreadable paths, kustomize inputs outside the scan and a misplaced
//! configuration are all said, through the real binary.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn shipshape() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_shipshape"));
    command.env_remove("NO_COLOR");
    command
}

fn check(dir: &Path, extra: &[&str]) -> Output {
    let mut command = shipshape();
    command.arg("check").arg(dir).args(["--format", "json"]).args(extra);
    command.output().expect("shipshape runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// (rule, path, line) of every finding.
fn findings(output: &Output) -> Vec<(String, String, u64)> {
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    let text = |f: &Value, key: &str| f[key].as_str().unwrap_or_default().to_string();
    report["findings"]
        .as_array()
        .map(|all| all.iter().map(|f| (text(f, "rule"), text(f, "path"), f["line"].as_u64().unwrap_or(0))).collect())
        .unwrap_or_default()
}

fn has(found: &[(String, String, u64)], rule: &str, path: &str, line: u64) -> bool {
    found.iter().any(|(r, p, l)| r == rule && p == path && *l == line)
}

fn tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    shipshape_testkit::write_tree(dir.path(), files);
    dir
}

fn fake_aws_key() -> String {
    shipshape_testkit::expand_fake_secrets("AKIA⟦rand:16:upper⟧", 21)
}

const POD_DUPLICATE_PRIVILEGED: &str = "apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  containers:
    - name: agent
      image: nginx:1.27
      securityContext:
        privileged: false
        privileged: true
";

#[test]
fn duplicate_key_is_reported_and_cannot_hide_the_later_value() {
    let dir = tree(&[("pod.yaml", POD_DUPLICATE_PRIVILEGED.as_bytes())]);
    let output = check(dir.path(), &[]);
    let found = findings(&output);
    assert!(has(&found, "duplicate-manifest-key", "pod.yaml", 11), "{found:?}");
    assert!(has(&found, "privileged-container", "pod.yaml", 11), "{found:?}");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn duplicate_key_in_a_workflow_is_a_warning() {
    let workflow = "on: push\npermissions:\n  contents: read\n  contents: write\njobs: {}\n";
    let dir = tree(&[(".github/workflows/ci.yml", workflow.as_bytes())]);
    let found = findings(&check(dir.path(), &["--select", "duplicate-yaml-key"]));
    assert!(has(&found, "duplicate-yaml-key", ".github/workflows/ci.yml", 4), "{found:?}");
}

#[test]
fn nul_in_a_comment_does_not_hide_the_manifest_or_its_secrets() {
    let key = fake_aws_key();
    let manifest = format!(
        "# generated \0 by a tool\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n    \
         key: aws_access_key_id={key}\nspec:\n  hostNetwork: true\n  containers:\n    - name: web\n      image: \
         nginx:1.27\n"
    );
    let mut latin1 = b"name = caf\xe9\n".to_vec();
    latin1.extend_from_slice(format!("aws_access_key_id = {key}\n").as_bytes());
    let dir = tree(&[("pod.yaml", manifest.as_bytes()), ("notes.txt", &latin1)]);
    let output = check(dir.path(), &["--select", "host-namespace-shared,aws-access-key"]);
    let found = findings(&output);
    assert!(has(&found, "host-namespace-shared", "pod.yaml", 9), "{found:?}");
    assert!(has(&found, "aws-access-key", "pod.yaml", 7), "{found:?}");
    assert!(has(&found, "aws-access-key", "notes.txt", 2), "{found:?}");
    assert!(!String::from_utf8_lossy(&output.stdout).contains(&key), "secret printed whole");
}

#[test]
fn large_files_are_scanned_for_secrets_and_named() {
    let key = fake_aws_key();
    let filler = "2026-12-07T10:00:00Z INFO request served in 12ms\n".repeat(60_000);
    let log = format!("{filler}aws_access_key_id = {key}\n");
    let dir = tree(&[("big.log", log.as_bytes()), ("huge.json", "[0, 1]\n".repeat(500_000).as_bytes())]);
    let output = check(dir.path(), &["--max-file-size", "3000000"]);
    let found = findings(&output);
    assert!(has(&found, "aws-access-key", "big.log", 60_001), "{found:?}");
    let err = stderr(&output);
    assert!(err.contains("shipshape: 1 file larger than 2 MiB was scanned for secrets only: big.log"), "{err}");
    assert!(err.contains("shipshape: 1 file larger than 3000000 bytes was not scanned: huge.json"), "{err}");
}

#[test]
fn shipshape_toml_that_is_a_directory_is_an_error() {
    let dir = tree(&[("Dockerfile", b"FROM alpine:3.20\n")]);
    std::fs::create_dir(dir.path().join("shipshape.toml")).expect("mkdir");
    let output = check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("shipshape.toml: is a directory"), "{err}");
}

#[test]
fn kustomize_input_outside_the_scan_is_said() {
    let overlay = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base\n";
    let dir = tree(&[
        ("overlays/prod/kustomization.yaml", overlay.as_bytes()),
        ("base/kustomization.yaml", b"resources: [pod.yaml]\n"),
        ("base/pod.yaml", POD_DUPLICATE_PRIVILEGED.as_bytes()),
    ]);
    let found = findings(&check(&dir.path().join("overlays/prod"), &[]));
    assert!(has(&found, "kustomize-path-outside-scan", "kustomization.yaml", 4), "{found:?}");
}

#[test]
fn directories_nested_past_the_path_limit_are_an_io_error() {
    let dir = tree(&[("Dockerfile", b"FROM alpine:3.20\n")]);
    let name = "d".repeat(200);
    // Each `cd` is relative, so no single call sees the whole path.
    let script = format!("cd deep && for i in $(seq 1 25); do mkdir {name} && cd {name} || exit 1; done");
    std::fs::create_dir(dir.path().join("deep")).expect("mkdir");
    let made = Command::new("bash").arg("-c").arg(&script).current_dir(dir.path()).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: cannot build a tree deeper than the path limit here");
        return;
    }
    let output = check(dir.path(), &[]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("deep/ddd") && err.contains("path longer than the system allows"), "{err}");
    let output = check(dir.path(), &["--skip-unreadable"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("notice: skipped unreadable deep/ddd"));
    // remove_dir_all cannot reach that deep; rm walks relative to each folder.
    let _ = Command::new("rm").arg("-rf").arg(dir.path().join("deep")).status();
}

/// Runs `check` as an unprivileged user: root reads files whatever their mode.
fn check_unprivileged(dir: &Path, extra: &[&str]) -> Option<Output> {
    let is_root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if !is_root {
        return Some(check(&dir.join("app"), extra));
    }
    // The binary is copied where the unprivileged user can run it.
    let binary = dir.join("shipshape-copy");
    std::fs::copy(env!("CARGO_BIN_EXE_shipshape"), &binary).ok()?;
    let mut command = Command::new("setpriv");
    command.args(["--reuid", "65534", "--regid", "65534", "--clear-groups"]).arg(&binary);
    command.arg("check").arg(dir.join("app")).args(["--format", "json"]).args(extra);
    command.output().ok().filter(|o| !stderr(o).contains("setpriv:"))
}

#[test]
fn unreadable_files_and_directories_are_an_io_error_unless_skipped() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree(&[
        ("app/Dockerfile", b"FROM alpine:3.20\n"),
        ("app/secret.env", b"TOKEN=x\n"),
        ("app/private/deploy.yaml", b"kind: Pod\n"),
    ]);
    let mode = |path: &str, mode: u32| {
        std::fs::set_permissions(dir.path().join(path), std::fs::Permissions::from_mode(mode)).expect("chmod")
    };
    for open in ["", "app"] {
        mode(open, 0o755);
    }
    mode("app/secret.env", 0o000);
    mode("app/private", 0o000);
    let Some(output) = check_unprivileged(dir.path(), &[]) else {
        eprintln!("skipped: cannot run shipshape as an unprivileged user here");
        return;
    };
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("error: secret.env: cannot read: Permission denied"), "{err}");
    assert!(err.contains("error: private: Permission denied"), "{err}");
    let output = check_unprivileged(dir.path(), &["--skip-unreadable"]).expect("ran once already");
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(err.contains("notice: skipped unreadable secret.env"), "{err}");
    mode("app/private", 0o755);
}
