//! `init` on a subfolder of a git repository: CI goes to the repository's
//! top (GitHub only runs workflows from there), filtered to the subfolder,
//! and every path CI and GitOps name is relative to the repository's top.

use std::path::Path;
use std::process::Command;

#[test]
fn a_subfolder_gets_ci_at_the_repository_top_and_gitops_paths_from_it() {
    let repo = tempfile::tempdir().expect("temp dir");
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/python-fastapi");
    shipshape_testkit::materialize(&app, &repo.path().join("backend")).expect("copy the app");
    std::fs::create_dir_all(repo.path().join(".git")).expect("mkdir .git");
    std::fs::write(repo.path().join(".git/config"), "[remote \"origin\"]\n\turl = git@github.com:acme/shop.git\n")
        .expect("write git config");
    std::fs::write(repo.path().join(".git/HEAD"), "ref: refs/heads/main\n").expect("write HEAD");
    for gitops in ["argocd", "flux"] {
        let output = Command::new(env!("CARGO_BIN_EXE_shipshape"))
            .args(["init", "backend", "--force", "--gitops", gitops, "--ci", "github,gitlab"])
            .current_dir(repo.path())
            .output()
            .expect("runs");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert!(!repo.path().join("backend/.github").exists(), "CI written under the subfolder");
        assert!(!repo.path().join("backend/.gitlab-ci.yml").exists(), "CI written under the subfolder");
        let workflows: Vec<_> = std::fs::read_dir(repo.path().join(".github/workflows")).expect("workflows").collect();
        assert_eq!(workflows.len(), 1);
        let workflow = std::fs::read_to_string(workflows[0].as_ref().expect("entry").path()).expect("read");
        assert!(workflow.contains("- backend/**"), "no paths filter for the subfolder:\n{workflow}");
        assert!(workflow.contains("cd backend/deploy/overlays/prod"), "{workflow}");
        assert!(workflow.contains("-w \"/work/backend\""), "{workflow}");
        let gitlab = std::fs::read_to_string(repo.path().join(".gitlab-ci.yml")).expect("gitlab");
        assert!(gitlab.contains("backend/deploy/overlays/staging/kustomization.yaml"), "{gitlab}");
        let gitops_files = shipshape_testkit::files_under(&repo.path().join("backend/deploy/gitops"));
        assert!(!gitops_files.is_empty());
        for file in gitops_files {
            let text = std::fs::read_to_string(&file).expect("read");
            for line in text.lines().map(str::trim).filter(|l| l.starts_with("path:")) {
                assert!(line.contains("backend/deploy/"), "{}: {line}", file.display());
            }
        }
        assert!(repo.path().join("backend/shipshape.toml").is_file());
        assert!(repo.path().join("backend/DEPLOYMENT.md").is_file());
    }
}
