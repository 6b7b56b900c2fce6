//! Third-party actions and tool images the pipelines use, pinned in one
//! place. Action SHAs are real ones, taken from workflows of the shared
//! corpus (the file each came from is noted).

/// A GitHub Action pinned to a full commit SHA.
pub(crate) struct PinnedAction {
    pub name: &'static str,
    pub sha: &'static str,
    pub version: &'static str,
}

impl PinnedAction {
    /// `owner/repo@sha`; the version goes in a comment beside it.
    pub fn uses(&self) -> String {
        format!("{}@{}", self.name, self.sha)
    }
}

// astral-sh+ruff/.github/workflows/release.yml
pub(crate) const CHECKOUT: PinnedAction =
    PinnedAction { name: "actions/checkout", sha: "de0fac2e4500dabe0009e67214ff5f5447ce83dd", version: "v6.0.2" };
// hashicorp+terraform/.github/workflows/checks.yml
pub(crate) const CACHE: PinnedAction =
    PinnedAction { name: "actions/cache", sha: "55cc8345863c7cc4c66a329aec7e433d2d1c52a9", version: "v6.1.0" };
// argoproj+argo-cd/.github/workflows/image-reuse.yaml
pub(crate) const SETUP_BUILDX: PinnedAction = PinnedAction {
    name: "docker/setup-buildx-action",
    sha: "37fe631027851001ddb9b187196cc803df7f5f0e",
    version: "v4.3.0",
};
// prometheus-community+helm-charts/.github/workflows/release.yaml
pub(crate) const DOCKER_LOGIN: PinnedAction =
    PinnedAction { name: "docker/login-action", sha: "dbcb813823bdd20940b903addbd779551569679f", version: "v4.6.0" };
// nodejs+docker-node/.github/workflows/build-test.yml
pub(crate) const BUILD_PUSH: PinnedAction = PinnedAction {
    name: "docker/build-push-action",
    sha: "53b7df96c91f9c12dcc8a07bcb9ccacbed38856a",
    version: "v7.3.0",
};
// fluxcd+flagger/.github/workflows/push-ld.yml
pub(crate) const COSIGN_INSTALLER: PinnedAction = PinnedAction {
    name: "sigstore/cosign-installer",
    sha: "6f9f17788090df1f26f669e9d70d6ae9567deba6",
    version: "v4.1.2",
};
// nodejs+docker-node/.github/workflows/scorecard.yml
pub(crate) const UPLOAD_ARTIFACT: PinnedAction = PinnedAction {
    name: "actions/upload-artifact",
    sha: "043fb46d1a93c77aae656e7c1c64a875d1fc6a0a",
    version: "v7.0.1",
};

/// Every pinned action, for tests and the version comments.
pub(crate) const ALL: &[&PinnedAction] =
    &[&CHECKOUT, &CACHE, &SETUP_BUILDX, &DOCKER_LOGIN, &BUILD_PUSH, &COSIGN_INSTALLER, &UPLOAD_ARTIFACT];

/// Scanner images, pinned to release tags.
pub(crate) const TRIVY_IMAGE: &str = "aquasec/trivy:0.57.1";
pub(crate) const GITLEAKS_IMAGE: &str = "ghcr.io/gitleaks/gitleaks:v8.21.2";
pub(crate) const SEMGREP_IMAGE: &str = "semgrep/semgrep:1.95.0";
pub(crate) const SYFT_IMAGE: &str = "anchore/syft:v1.17.0";

/// The version comment written after `uses:`.
pub(crate) fn version_of(uses: &str) -> Option<&'static str> {
    ALL.iter().find(|a| uses == a.uses()).map(|a| a.version)
}

#[cfg(test)]
mod tests {
    use super::ALL;

    #[test]
    fn actions_are_pinned_to_full_shas() {
        for action in ALL {
            assert_eq!(action.sha.len(), 40, "{}", action.name);
            assert!(action.sha.chars().all(|c| c.is_ascii_hexdigit()), "{}", action.name);
            assert!(action.version.starts_with('v'), "{}", action.name);
        }
    }
}
