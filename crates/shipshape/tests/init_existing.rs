//! `init` on a repository that already has delivery files: it keeps them
//! (unless `--force`), writes the rest of the kit, and says, in the plan,
//! on stderr and in DEPLOYMENT.md, what the kit assumes of each kept file
//! and whether the file meets it.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use shipshape_testkit::{read_tree, write_tree};

fn shipshape(args: &[&str], dir: &Path) -> Output {
    shipshape_testkit::run_shipshape(env!("CARGO_BIN_EXE_shipshape"), args, dir)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn plan(dir: &Path) -> Value {
    let output = shipshape(&["plan", "."], dir);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).expect("JSON")
}

fn kept<'a>(plan: &'a Value, file: &str) -> &'a Value {
    plan["existing_files"]
        .as_array()
        .and_then(|files| files.iter().find(|f| f["file"] == file))
        .unwrap_or_else(|| panic!("{file} is not in existing_files: {}", plan["existing_files"]))
}

/// The verdict of the first assumption of `file` whose text holds `needle`.
fn verdict(plan: &Value, file: &str, needle: &str) -> String {
    let file = kept(plan, file);
    file["assumptions"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["assumes"].as_str().is_some_and(|t| t.contains(needle))))
        .and_then(|a| a["verdict"].as_str())
        .unwrap_or_else(|| panic!("no assumption about {needle:?}: {file}"))
        .to_string()
}

const PACKAGE_JSON: &str =
    r#"{"name":"shop","scripts":{"start":"node server.js"},"dependencies":{"express":"4.19.2"}}"#;
const SERVER: &str = "const express = require('express');\nconst app = express();\napp.get('/healthz', (req, res) => res.send('ok'));\napp.listen(process.env.PORT || 3000);\n";

/// An Express app that ships its own Dockerfile (port 80, root), CI that
/// deploys with kubectl, a Deployment of the same name and a compose file.
fn shop() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    write_tree(
        dir.path(),
        &[
            ("package.json", PACKAGE_JSON),
            ("server.js", SERVER),
            (
                "Dockerfile",
                "FROM node:20-bookworm-slim\nWORKDIR /srv\nCOPY . .\nRUN npm ci --omit=dev\nENV PORT=80\nEXPOSE ${PORT}\nCMD [\"node\", \"server.js\"]\n",
            ),
            (
                ".github/workflows/ci.yml",
                "on: push\npermissions: {}\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: kubectl apply -f k8s/\n",
            ),
            (
                "k8s/app.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  selector:\n    matchLabels: {app: shop}\n  template:\n    metadata:\n      labels: {app: shop}\n    spec:\n      containers:\n        - name: shop\n          image: acme/shop:1\n          ports:\n            - containerPort: 80\n",
            ),
            (
                "docker-compose.yml",
                "services:\n  web:\n    build: .\n    ports: [\"8080:80\"]\n    environment:\n      PORT: \"80\"\n      SHOP_CURRENCY: EUR\n",
            ),
        ],
    );
    dir
}

#[test]
fn kept_files_are_reported_with_what_the_kit_assumes_of_them() {
    let dir = shop();
    let before = read_tree(dir.path());
    let plan = plan(dir.path());
    assert_eq!(verdict(&plan, "Dockerfile", "listens on port 3000"), "not-met");
    assert_eq!(verdict(&plan, "Dockerfile", "non-root UID"), "not-met");
    assert_eq!(verdict(&plan, "Dockerfile", "answers GET /healthz"), "met");
    assert_eq!(verdict(&plan, ".github/workflows/ci.yml", "only GitOps"), "unchecked");
    assert_eq!(verdict(&plan, "k8s/app.yaml", "nothing else runs `shop`"), "unchecked");
    assert_eq!(verdict(&plan, "k8s/app.yaml", "listens on port 3000"), "not-met");
    assert_eq!(verdict(&plan, "docker-compose.yml", "listens on port 3000"), "not-met");
    assert_eq!(verdict(&plan, "docker-compose.yml", "ConfigMap and ExternalSecret"), "not-met");
    for file in plan["existing_files"].as_array().expect("a list") {
        assert!(!file["reason"].as_str().unwrap_or_default().is_empty(), "{file}");
    }

    let output = shipshape(&["init", "."], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("Kept `Dockerfile`") && message.contains("NOT MET: EXPOSE 80"), "{message}");
    let after = read_tree(dir.path());
    for (path, text) in &before {
        let now = after.iter().find(|(p, _)| p == path).map(|(_, t)| t);
        assert_eq!(now, Some(text), "{path} changed");
    }
    assert!(dir.path().join("deploy/base/rollout.yaml").is_file(), "the rest of the kit is written");
    let deployment = std::fs::read_to_string(dir.path().join("DEPLOYMENT.md")).expect("DEPLOYMENT.md");
    assert!(deployment.contains("- [ ] Kept `Dockerfile` (Dockerfile)"), "{deployment}");
    assert!(deployment.contains("- [ ] Kept `k8s/app.yaml` (Kubernetes manifests)"), "{deployment}");
}

#[test]
fn force_replaces_the_kept_dockerfile_and_reports_only_the_rest() {
    let dir = shop();
    let output = shipshape(&["init", ".", "--force"], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(!message.contains("Kept `Dockerfile`") && message.contains("Kept `k8s/app.yaml`"), "{message}");
    let dockerfile = std::fs::read_to_string(dir.path().join("Dockerfile")).expect("read");
    assert!(dockerfile.contains("Written by `shipshape init`"), "{dockerfile}");
    // The kit written now, checked on its own files: zero findings.
    for removed in ["k8s", "docker-compose.yml", ".github/workflows/ci.yml"] {
        let path = dir.path().join(removed);
        if path.is_dir() {
            std::fs::remove_dir_all(path).expect("remove");
        } else {
            std::fs::remove_file(path).expect("remove");
        }
    }
    let check = shipshape(&["check", ".", "--format", "json"], dir.path());
    let report: Value = serde_json::from_slice(&check.stdout).expect("JSON");
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(0), "{}", report["findings"]);
}

#[test]
fn a_repository_without_delivery_files_lists_none() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_tree(dir.path(), &[("package.json", PACKAGE_JSON), ("server.js", SERVER)]);
    assert!(plan(dir.path()).get("existing_files").is_none());
    assert_eq!(shipshape(&["init", "."], dir.path()).status.code(), Some(0));
    assert!(plan(dir.path()).get("existing_files").is_none(), "the kit's own files are not reported as kept");
}

fn bytes_under(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    shipshape_testkit::files_under(dir)
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).expect("read");
            (p, bytes)
        })
        .collect()
}

/// Real apps that ship their own files, planned at a folder of each: every
/// kept file stays byte for byte, and each is listed with a reason.
#[test]
fn real_apps_keep_their_own_files() {
    let Some(apps) = shipshape_testkit::shared_apps() else { return };
    let cases = [
        ("dockersamples+example-voting-app", "."),
        ("dockersamples+example-voting-app", "result"),
        ("Azure-Samples+aks-store-demo", "src/order-service"),
        ("spring-projects+spring-petclinic", "."),
        ("launchbadge+realworld-axum-sqlx", "."),
    ];
    for (app, folder) in cases {
        let base = tempfile::tempdir().expect("temp dir");
        let source = apps.join(app).join(folder);
        for file in shipshape_testkit::files_under(&source) {
            let target = base.path().join(file.strip_prefix(&source).unwrap_or(&file));
            std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            std::fs::copy(&file, &target).expect("copy");
        }
        let before = bytes_under(base.path());
        let plan = plan(base.path());
        let files = plan["existing_files"].as_array().cloned().unwrap_or_default();
        assert!(!files.is_empty(), "{app}/{folder}: no kept file listed");
        let output = shipshape(&["init", "."], base.path());
        assert_eq!(output.status.code(), Some(0), "{app}/{folder}: {}", stderr(&output));
        let after = bytes_under(base.path());
        for (path, bytes) in &before {
            assert!(after.get(path) == Some(bytes), "{app}/{folder}: {} changed", path.display());
        }
        eprintln!("{app}/{folder}:");
        for file in &files {
            let verdicts: Vec<String> = file["assumptions"]
                .as_array()
                .map(|a| a.iter().map(|a| a["verdict"].as_str().unwrap_or_default().to_string()).collect())
                .unwrap_or_default();
            eprintln!("  {} ({}): [{}]", file["file"], file["kind"], verdicts.join(", "));
            assert!(!file["reason"].as_str().unwrap_or_default().is_empty(), "{file}");
        }
        if let Some(dockerfile) = files.iter().find(|f| f["file"] == "Dockerfile") {
            assert!(verdict(&plan, "Dockerfile", "listens on port").len() > 2, "{dockerfile}");
        }
    }
}

#[test]
fn a_kept_gitlab_pipeline_is_held_to_what_the_kit_deploys() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_tree(
        dir.path(),
        &[
            ("package.json", PACKAGE_JSON),
            ("server.js", SERVER),
            (
                ".gitlab-ci.yml",
                "build:\n  image: docker:27\n  script:\n    - docker build -t \"$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA\" .\n    - docker push \"$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA\"\n",
            ),
        ],
    );
    let plan = plan(dir.path());
    assert_eq!(plan["delivery"]["ci"], serde_json::json!(["gitlab"]));
    assert_eq!(verdict(&plan, ".gitlab-ci.yml", "tagged with the commit SHA"), "not-met");
    assert_eq!(verdict(&plan, ".gitlab-ci.yml", "pins the staging and prod overlays"), "not-met");
    let output = shipshape(&["init", "."], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(std::fs::read_to_string(dir.path().join(".gitlab-ci.yml")).expect("read").starts_with("build:"));
}
