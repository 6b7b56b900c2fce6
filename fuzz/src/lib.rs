//! The generated tree of the `check` target. The other targets call the
//! `fuzzing` modules of the library crates, which the tests replaying
//! `fuzz/regressions/` call too.

use arbitrary::Unstructured;
use shipshape_linter::fuzzing::{FILE_MARKER, MAX_FILES};

/// File names a delivery repository has, as `shipshape check` meets them.
pub const NAMES: &[&str] = &[
    "Dockerfile",
    "Containerfile",
    "api.Dockerfile",
    ".github/workflows/ci.yml",
    ".github/workflows/release.yaml",
    ".github/actions/setup/action.yml",
    ".github/dependabot.yml",
    ".gitlab-ci.yml",
    "ci/build.gitlab-ci.yml",
    "kustomization.yaml",
    "deployment.yaml",
    "service.yaml",
    "rollout.yaml",
    "application.yaml",
    "helmrelease.yaml",
    "values.yaml",
    ".env",
    "config.json",
];

/// Folders the names are put in.
pub const DIRS: &[&str] = &["", "", "app/", "deploy/base/", "deploy/overlays/prod/", "k8s/", "components/tls/"];

/// A header chosen with `arbitrary` (how many files, then each one's name
/// and folder, one byte each), then the texts separated by [`FILE_MARKER`].
pub fn arbitrary_tree(data: &[u8]) -> Vec<(String, String)> {
    let mut u = Unstructured::new(data);
    let count = u.int_in_range(1..=MAX_FILES).unwrap_or(1);
    let mut paths = Vec::with_capacity(count);
    for _ in 0..count {
        let name = u.choose(NAMES).copied().unwrap_or("Dockerfile");
        let dir = u.choose(DIRS).copied().unwrap_or("");
        // Workflows and the GitLab file only count at the repository root.
        let dir = if name.starts_with('.') && name != ".env" { "" } else { dir };
        paths.push(format!("{dir}{name}"));
    }
    let body = String::from_utf8_lossy(u.take_rest());
    let mut files: Vec<(String, String)> =
        paths.into_iter().zip(body.split(FILE_MARKER)).map(|(path, text)| (path, text.to_string())).collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    files
}
