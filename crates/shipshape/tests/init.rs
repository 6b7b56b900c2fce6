//! `shipshape init` on the example apps under `examples/`: snapshots of the
//! whole kit, the round trip (every written file passes `shipshape check`
//! with zero findings), and the conduct of a second run.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every example app (each folder of `examples/` but the broken one).
fn example_apps() -> Vec<PathBuf> {
    shipshape_testkit::example_apps(&repo_root().join("examples"))
}

fn shipshape(args: &[&str], dir: &Path) -> Output {
    shipshape_testkit::run_shipshape(env!("CARGO_BIN_EXE_shipshape"), args, dir)
}

fn copy_tree(from: &Path, to: &Path) {
    for file in shipshape_testkit::files_under(from) {
        let target = to.join(file.strip_prefix(from).unwrap_or(&file));
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&file, &target).expect("copy");
    }
}

fn relative_files(dir: &Path) -> BTreeSet<String> {
    shipshape_testkit::files_under(dir)
        .iter()
        .map(|p| p.strip_prefix(dir).unwrap_or(p).to_string_lossy().replace('\\', "/"))
        .collect()
}

/// Copies an example to a temporary folder and runs `init` there with `args`.
fn initialised(app: &Path, args: &[&str]) -> (tempfile::TempDir, BTreeSet<String>) {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(app, dir.path());
    let before = relative_files(dir.path());
    let mut all = vec!["init", "."];
    all.extend_from_slice(args);
    let output = shipshape(&all, dir.path());
    assert_eq!(output.status.code(), Some(0), "init failed: {}", String::from_utf8_lossy(&output.stderr));
    let written: BTreeSet<String> = relative_files(dir.path()).difference(&before).cloned().collect();
    (dir, written)
}

fn findings(dir: &Path) -> Vec<String> {
    let output = shipshape(&["check", ".", "--format", "json", "--no-ignore"], dir);
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    report["findings"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|f| format!("{}:{} {} {} {}", f["path"], f["line"], f["severity"], f["rule"], f["message"]))
                .collect()
        })
        .unwrap_or_default()
}

fn name_of(app: &Path) -> String {
    app.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

#[test]
fn kit_of_each_example_app_matches_its_snapshot() {
    for app in example_apps() {
        let name = name_of(&app);
        // A copy: the plan of a folder inside a git repository names its place there.
        let copy = tempfile::tempdir().expect("temp dir");
        copy_tree(&app, copy.path());
        let plan = shipshape(&["plan", "."], copy.path());
        assert_eq!(plan.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&plan.stderr));
        let (dir, written) = initialised(&app, &[]);
        let mut kit = String::new();
        for file in &written {
            let text = std::fs::read_to_string(dir.path().join(file)).expect("read");
            kit.push_str(&format!("==> {file} <==\n{text}\n"));
        }
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(format!("plan-{name}"), String::from_utf8_lossy(&plan.stdout));
            insta::assert_snapshot!(format!("kit-{name}"), kit);
        });
    }
}

#[test]
fn every_written_file_passes_check_with_zero_findings() {
    let variants: &[&[&str]] = &[
        &[],
        &["--strategy", "blue-green", "--gitops", "flux", "--ci", "github,gitlab"],
        &["--strategy", "rolling", "--ci", "gitlab"],
    ];
    for app in example_apps() {
        for args in variants {
            let (dir, written) = initialised(&app, args);
            assert!(written.iter().any(|f| f.ends_with("Dockerfile")), "{}: no Dockerfile written", name_of(&app));
            let found = findings(dir.path());
            assert!(found.is_empty(), "{} {args:?}: the kit has findings:\n  {}", name_of(&app), found.join("\n  "));
        }
    }
}

#[test]
fn a_second_init_changes_nothing_and_says_why() {
    let app = repo_root().join("examples/go-chi");
    let (dir, _) = initialised(&app, &[]);
    let before: Vec<(String, String)> = relative_files(dir.path())
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(dir.path().join(&f)).unwrap_or_default();
            (f, text)
        })
        .collect();
    let again = shipshape(&["init", "."], dir.path());
    assert_eq!(again.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("nothing to do"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\n").expect("write");
    let kept = shipshape(&["init", "."], dir.path());
    assert_eq!(kept.status.code(), Some(0));
    let message = String::from_utf8_lossy(&kept.stderr);
    assert!(message.contains("--force") && message.contains("Kept `Dockerfile`"), "{message}");
    assert_eq!(std::fs::read_to_string(dir.path().join("Dockerfile")).expect("read"), "FROM scratch\n");

    let dry = shipshape(&["init", ".", "--force", "--dry-run"], dir.path());
    assert_eq!(dry.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(dir.path().join("Dockerfile")).expect("read"), "FROM scratch\n");

    let forced = shipshape(&["init", ".", "--force"], dir.path());
    assert_eq!(forced.status.code(), Some(0));
    let after: Vec<(String, String)> = before
        .iter()
        .map(|(f, _)| (f.clone(), std::fs::read_to_string(dir.path().join(f)).unwrap_or_default()))
        .collect();
    assert_eq!(before, after, "--force writes the same kit again");
}

#[test]
fn a_corrected_value_in_shipshape_toml_beats_detection() {
    let app = repo_root().join("examples/node-express");
    let (dir, _) = initialised(&app, &[]);
    let config_path = dir.path().join("shipshape.toml");
    let config = std::fs::read_to_string(&config_path).expect("shipshape.toml written");
    assert!(config.contains("port = 8080"), "{config}");
    std::fs::write(&config_path, config.replace("port = 8080", "port = 9000")).expect("write");
    let plan = shipshape(&["plan", "."], dir.path());
    let plan: Value = serde_json::from_slice(&plan.stdout).expect("JSON");
    let port = &plan["services"][0]["port"];
    assert_eq!(port["value"], 9000);
    assert_eq!(port["origin"], "configured");
    let forced = shipshape(&["init", ".", "--force"], dir.path());
    assert_eq!(forced.status.code(), Some(0));
    let dockerfile = std::fs::read_to_string(dir.path().join("Dockerfile")).expect("read");
    assert!(dockerfile.contains("EXPOSE 9000"), "{dockerfile}");
    assert!(findings(dir.path()).is_empty());
}

#[test]
fn a_folder_without_an_app_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("notes.txt"), "hello").expect("write");
    let output = shipshape(&["init", "."], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no application found"));
}

#[test]
fn a_monorepo_gets_one_kit_per_service() {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&repo_root().join("examples/go-chi"), &dir.path().join("services/inventory"));
    copy_tree(&repo_root().join("examples/node-express"), &dir.path().join("services/catalog"));
    let output = shipshape(&["init", "."], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    for file in [
        "services/inventory/Dockerfile",
        "services/catalog/Dockerfile",
        "deploy/inventory/base/kustomization.yaml",
        "deploy/catalog/overlays/prod/kustomization.yaml",
        ".github/workflows/inventory.yml",
        ".github/workflows/catalog.yml",
    ] {
        assert!(dir.path().join(file).is_file(), "{file} missing");
    }
    let found = findings(dir.path());
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn next_public_variables_are_build_arguments_that_ci_passes() {
    let dir = tempfile::tempdir().expect("temp dir");
    shipshape_testkit::write_tree(
        dir.path(),
        &[
            (
                "package.json",
                r#"{"name":"site","scripts":{"build":"next build","start":"next start"},"dependencies":{"next":"14.2.5","react":"18.3.1","react-dom":"18.3.1"}}"#,
            ),
            ("package-lock.json", r#"{"name":"site","lockfileVersion":3,"requires":true,"packages":{}}"#),
            ("app/page.js", "export default function Page() { return process.env.NEXT_PUBLIC_APP_URL; }\n"),
            (".env.example", "NEXT_PUBLIC_APP_URL=http://localhost:3000\n"),
        ],
    );
    let output = shipshape(&["init", ".", "--ci", "github,gitlab"], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let read = |file: &str| std::fs::read_to_string(dir.path().join(file)).expect(file);
    let dockerfile = read("Dockerfile");
    assert!(dockerfile.contains("ARG NEXT_PUBLIC_APP_URL=http://localhost:3000\n"), "{dockerfile}");
    assert!(!dockerfile.contains("ENV NEXT_PUBLIC_APP_URL"), "{dockerfile}");
    let github: Value = serde_saphyr::from_str(&read(".github/workflows/site.yml")).expect("YAML");
    let expression = "${{ vars.NEXT_PUBLIC_APP_URL || 'http://localhost:3000' }}";
    let steps: Vec<&Value> = github["jobs"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(_, job)| job["steps"].as_array().into_iter().flatten())
        .collect();
    let scan = steps.iter().find(|s| s["name"] == "Build the image for scanning").expect("scan build step");
    assert_eq!(scan["env"]["NEXT_PUBLIC_APP_URL"], expression, "{scan}");
    assert!(scan["run"].as_str().unwrap_or_default().contains("--build-arg NEXT_PUBLIC_APP_URL "), "{scan}");
    let push = steps.iter().find(|s| s["id"] == "build").expect("build-push step");
    assert_eq!(push["with"]["build-args"], format!("NEXT_PUBLIC_APP_URL={expression}\n"), "{push}");
    let gitlab = read(".gitlab-ci.yml");
    assert!(
        gitlab.contains("docker buildx build --push") && gitlab.contains("--build-arg NEXT_PUBLIC_APP_URL ."),
        "{gitlab}"
    );
    let deployment = read("DEPLOYMENT.md");
    assert!(
        deployment.contains("`NEXT_PUBLIC_APP_URL` (default `http://localhost:3000`)")
            && deployment.contains("GitHub repository variables and GitLab CI/CD variables"),
        "{deployment}"
    );
    let found = findings(dir.path());
    assert!(found.is_empty(), "the kit has findings:\n  {}", found.join("\n  "));
}
