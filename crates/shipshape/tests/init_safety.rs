//! `shipshape init` writes nothing outside its target: workspace members
//! outside the repository are skipped with a warning, symbolic links are
//! never written through, `--force` keeps a backup, and a second run on its
//! own output changes nothing.

use std::path::{Path, PathBuf};
use std::process::Output;

use shipshape_testkit::{example_apps, materialize, read_tree};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example(name: &str) -> PathBuf {
    repo_root().join("examples").join(name)
}

fn shipshape(args: &[&str], dir: &Path) -> Output {
    shipshape_testkit::run_shipshape(env!("CARGO_BIN_EXE_shipshape"), args, dir)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A temporary folder holding `repo/` (the target) and `outside/api/`, a
/// copy of the example app `app` that init must never touch.
fn repo_beside(app: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let base = tempfile::tempdir().expect("temp dir");
    let repo = base.path().join("repo");
    let outside = base.path().join("outside");
    std::fs::create_dir_all(&repo).expect("mkdir");
    materialize(&example(app), &outside.join("api")).expect("copy the example");
    (base, repo, outside)
}

#[test]
fn workspace_members_outside_the_repository_are_skipped_with_a_warning() {
    let cases: &[(&str, &str, &str)] = &[
        ("node-express", "package.json", r#"{"name": "mono", "private": true, "workspaces": ["../*"]}"#),
        ("node-express", "package.json", r#"{"name": "mono", "private": true, "workspaces": ["OUTSIDE/api"]}"#),
        (
            "node-express",
            "package.json",
            r#"{"name": "mono", "private": true, "workspaces": {"packages": ["OUTSIDE/*"]}}"#,
        ),
        ("node-express", "pnpm-workspace.yaml", "packages:\n  - '../*'\n  - \"OUTSIDE/*\"\n"),
        ("rust-axum", "Cargo.toml", "[workspace]\nmembers = [\"../api\", \"OUTSIDE/api\"]\n"),
        ("go-chi", "go.work", "go 1.22\n\nuse (\n\t../outside/api\n\tOUTSIDE/api\n)\n"),
        ("go-chi", "go.work", "go 1.22\nuse ../outside/api\n"),
    ];
    for (app, manifest, text) in cases {
        let (_base, repo, outside) = repo_beside(app);
        let before = read_tree(&outside);
        let text = text.replace("OUTSIDE", &outside.to_string_lossy());
        std::fs::write(repo.join(manifest), &text).expect("write the manifest");
        let output = shipshape(&["init", "."], &repo);
        let message = stderr(&output);
        assert!(message.contains("outside the repository"), "{manifest} {text}: no warning:\n{message}");
        assert!(read_tree(&outside) == before, "{manifest} {text}: init changed files outside its target");
    }
}

#[cfg(unix)]
#[test]
fn a_workspace_member_linked_to_outside_the_repository_is_skipped() {
    let (_base, repo, outside) = repo_beside("node-express");
    let before = read_tree(&outside);
    std::os::unix::fs::symlink(&outside, repo.join("packages")).expect("link");
    std::fs::write(repo.join("package.json"), r#"{"name": "mono", "workspaces": ["packages/*", "packages/api"]}"#)
        .expect("write");
    let output = shipshape(&["init", "."], &repo);
    assert!(stderr(&output).contains("symbolic link to outside the repository"), "{}", stderr(&output));
    assert!(read_tree(&outside) == before, "init changed files outside its target");
}

/// A copy of go-chi in `repo/` with an empty `outside/` beside it.
#[cfg(unix)]
fn go_chi_beside_outside() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let base = tempfile::tempdir().expect("temp dir");
    let repo = base.path().join("repo");
    let outside = base.path().join("outside");
    materialize(&example("go-chi"), &repo).expect("copy the example");
    std::fs::create_dir_all(&outside).expect("mkdir");
    (base, repo, outside)
}

#[cfg(unix)]
#[test]
fn a_symlinked_deploy_folder_is_refused() {
    let (_base, repo, outside) = go_chi_beside_outside();
    std::os::unix::fs::symlink(&outside, repo.join("deploy")).expect("link");
    for args in [&["init", "."][..], &["init", ".", "--force"]] {
        let output = shipshape(args, &repo);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {}", stderr(&output));
        assert!(stderr(&output).contains("deploy") && stderr(&output).contains("symbolic link"), "{}", stderr(&output));
        assert!(read_tree(&outside).is_empty(), "{args:?}: init wrote through the deploy/ link");
        assert!(!repo.join("Dockerfile").exists(), "{args:?}: a refused run wrote part of the kit");
    }
}

#[cfg(unix)]
#[test]
fn a_dangling_runbook_link_is_refused() {
    let (_base, repo, outside) = go_chi_beside_outside();
    std::os::unix::fs::symlink(outside.join("RUNBOOK.md"), repo.join("RUNBOOK.md")).expect("link");
    let output = shipshape(&["init", ".", "--force"], &repo);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("RUNBOOK.md"), "{}", stderr(&output));
    assert!(!outside.join("RUNBOOK.md").exists(), "init created the file the dangling link points to");
}

#[cfg(unix)]
#[test]
fn force_never_overwrites_the_target_of_a_dockerfile_link() {
    let (_base, repo, outside) = go_chi_beside_outside();
    std::fs::write(outside.join("Dockerfile"), "FROM scratch\n").expect("write");
    std::os::unix::fs::symlink(outside.join("Dockerfile"), repo.join("Dockerfile")).expect("link");
    let output = shipshape(&["init", ".", "--force"], &repo);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("Dockerfile"), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(outside.join("Dockerfile")).expect("read"), "FROM scratch\n");
    assert!(std::fs::symlink_metadata(repo.join("Dockerfile")).expect("stat").file_type().is_symlink());
}

#[test]
fn force_keeps_a_backup_of_each_file_it_replaces() {
    let dir = tempfile::tempdir().expect("temp dir");
    materialize(&example("go-chi"), dir.path()).expect("copy the example");
    assert_eq!(shipshape(&["init", "."], dir.path()).status.code(), Some(0));
    let written = std::fs::read_to_string(dir.path().join("Dockerfile")).expect("read");
    let edited = "FROM golang:latest\n";
    std::fs::write(dir.path().join("Dockerfile"), edited).expect("write");

    let forced = shipshape(&["init", ".", "--force"], dir.path());
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert!(stderr(&forced).contains(".shipshape/backup/"), "{}", stderr(&forced));
    assert_eq!(std::fs::read_to_string(dir.path().join("Dockerfile")).expect("read"), written);
    let backups: Vec<(String, String)> =
        read_tree(&dir.path().join(".shipshape/backup")).into_iter().filter(|(path, _)| path != ".gitignore").collect();
    assert_eq!(backups.len(), 1, "only the edited file is backed up: {backups:?}");
    assert!(backups[0].0.ends_with("/Dockerfile~") && backups[0].1 == edited, "{backups:?}");

    for args in [&["check", ".", "--format", "json"][..], &["check", ".", "--format", "json", "--no-ignore"]] {
        let report = String::from_utf8_lossy(&shipshape(args, dir.path()).stdout).into_owned();
        assert!(!report.contains(".shipshape/backup"), "{args:?} audits the backups: {report}");
    }
}

#[test]
fn a_second_init_on_its_own_output_changes_no_byte() {
    for app in example_apps(&repo_root().join("examples")) {
        let dir = tempfile::tempdir().expect("temp dir");
        materialize(&app, dir.path()).expect("copy the example");
        let first = shipshape(&["init", "."], dir.path());
        assert_eq!(first.status.code(), Some(0), "{}: {}", app.display(), stderr(&first));
        let before = read_tree(dir.path());
        let second = shipshape(&["init", "."], dir.path());
        assert_eq!(second.status.code(), Some(0), "{}: {}", app.display(), stderr(&second));
        assert!(read_tree(dir.path()) == before, "{}: the second run changed files", app.display());
    }
}
