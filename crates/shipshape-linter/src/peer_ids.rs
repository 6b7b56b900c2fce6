//! The checks of the tools shipshape replaces, and the rules that cover
//! them: one table per tool, used to honour their suppression comments
//! and to compare findings with theirs.

/// zizmor audit → the rules that cover it.
pub const ZIZMOR: &[(&str, &[&str])] = &[
    ("template-injection", &["template-injection", "expression-in-run"]),
    ("unpinned-uses", &["action-not-pinned-to-sha", "first-party-action-not-pinned"]),
    ("cache-poisoning", &["cache-in-release-workflow", "default-cache-in-release-workflow"]),
    (
        "unpinned-images",
        &["docker-uses-not-pinned-by-digest", "workflow-image-latest-tag", "workflow-image-not-pinned-by-digest"],
    ),
    (
        "excessive-permissions",
        &[
            "write-all-permissions",
            "read-all-permissions",
            "default-token-permissions",
            "unneeded-write-permission",
            "workflow-level-write-permission",
        ],
    ),
    ("artipacked", &["checkout-credentials-in-artifact", "checkout-persists-credentials"]),
    ("insecure-commands", &["unsecure-commands-enabled"]),
    ("github-env", &["untrusted-github-env-write"]),
    ("self-hosted-runner", &["self-hosted-runner-on-public-trigger", "self-hosted-runner"]),
    ("dangerous-triggers", &["privileged-trigger", "untrusted-head-checkout"]),
    ("secrets-inherit", &["secrets-inherit"]),
    ("overprovisioned-secrets", &["secrets-context-exposed"]),
    ("unsound-condition", &["always-true-condition"]),
    ("dependabot-cooldown", &["dependabot-cooldown-missing"]),
    ("dependabot-execution", &["dependabot-external-code-execution"]),
    ("bot-conditions", &["spoofable-actor-condition"]),
    ("github-app", &["github-app-token-unscoped"]),
];

/// hadolint check → the rules that cover it (hadolint's ShellCheck `SC`
/// codes have no counterpart).
pub const HADOLINT: &[(&str, &[&str])] = &[
    ("DL3000", &["relative-workdir"]),
    ("DL3002", &["final-stage-runs-as-root"]),
    ("DL3003", &["cd-in-run"]),
    ("DL3004", &["sudo-in-run"]),
    ("DL3005", &["apt-get-upgrade"]),
    ("DL3006", &["latest-image-tag"]),
    ("DL3007", &["latest-image-tag"]),
    ("DL3008", &["package-version-not-pinned"]),
    ("DL3009", &["apt-lists-not-cleaned"]),
    ("DL3011", &["expose-invalid-port"]),
    ("DL3013", &["package-version-not-pinned"]),
    ("DL3014", &["apt-install-without-yes"]),
    ("DL3015", &["apt-install-without-no-install-recommends"]),
    ("DL3016", &["package-version-not-pinned"]),
    ("DL3018", &["package-version-not-pinned"]),
    ("DL3019", &["apk-add-without-no-cache"]),
    ("DL3020", &["add-instead-of-copy"]),
    ("DL3022", &["copy-from-unknown-stage"]),
    ("DL3024", &["duplicate-stage-name"]),
    ("DL3025", &["shell-form-cmd", "exec-form-not-json"]),
    ("DL3027", &["apt-instead-of-apt-get"]),
    ("DL3028", &["package-version-not-pinned"]),
    ("DL3029", &["from-platform-hardcoded"]),
    ("DL3032", &["yum-dnf-cache-not-cleaned"]),
    ("DL3033", &["package-version-not-pinned"]),
    ("DL3040", &["yum-dnf-cache-not-cleaned"]),
    ("DL3042", &["pip-install-without-no-cache-dir"]),
    ("DL3045", &["copy-to-relative-path-without-workdir"]),
    ("DL3046", &["useradd-high-uid-without-no-log-init"]),
    ("DL3057", &["missing-healthcheck"]),
    ("DL4000", &["maintainer-instruction"]),
    ("DL4003", &["multiple-cmd-or-entrypoint"]),
    ("DL4004", &["multiple-cmd-or-entrypoint"]),
    ("DL4006", &["pipe-without-pipefail"]),
];

/// The rules that cover `check` of a tool's table.
pub fn rules_for(table: &[(&str, &'static [&'static str])], check: &str) -> &'static [&'static str] {
    table.iter().find(|(id, _)| id.eq_ignore_ascii_case(check)).map_or(&[], |(_, rules)| rules)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry;

    #[test]
    fn every_mapped_rule_exists() {
        for (tool, table) in [("zizmor", ZIZMOR), ("hadolint", HADOLINT)] {
            for (check, rules) in table {
                for rule in *rules {
                    assert!(registry::find(rule).is_some(), "{tool} {check} maps to unknown rule {rule}");
                }
            }
        }
    }
}
