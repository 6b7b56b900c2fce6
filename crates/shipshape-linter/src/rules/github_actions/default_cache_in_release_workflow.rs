use super::cache_in_release_workflow::release_caches;
use super::workflow::Workflow;
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an action that caches by default (`actions/setup-go`,
    /// `astral-sh/setup-uv`, `actions/setup-node` v5 and later,
    /// `docker/setup-buildx-action`, `gradle/actions/setup-gradle`,
    /// `ramsey/composer-install`) used without turning its cache off, in a
    /// job that builds a release (as `cache-in-release-workflow` defines
    /// it).
    ///
    /// ## Why is this bad?
    /// The cache is restored even though the workflow never asks for it, so
    /// a cache entry poisoned by another workflow can end up in the
    /// release. This is advice: turn the cache off in release builds
    /// (`cache: false`, `enable-cache: false`, `package-manager-cache: false`,
    /// `cache-binary: false`, `cache-disabled: true`).
    ///
    /// ## Example
    /// ```yaml
    /// on:
    ///   push:
    ///     tags: ["v*"]
    /// jobs:
    ///   release:
    ///     steps:
    ///       - uses: actions/setup-go@v5
    ///       - uses: goreleaser/goreleaser-action@v6
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// on:
    ///   push:
    ///     tags: ["v*"]
    /// jobs:
    ///   release:
    ///     steps:
    ///       - uses: actions/setup-go@v5
    ///         with:
    ///           cache: false
    ///       - uses: goreleaser/goreleaser-action@v6
    /// ```
    ///
    /// ## References
    /// - [zizmor: cache-poisoning](https://docs.zizmor.sh/audits/#cache-poisoning)
    pub struct DefaultCacheInReleaseWorkflow {
        id: "default-cache-in-release-workflow",
        severity: Info,
        domains: [GithubActions],
        summary: "Release build uses an action that caches by default",
    }
}

impl Rule for DefaultCacheInReleaseWorkflow {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        for (span, message, explicit) in release_caches(&workflow) {
            if !explicit {
                report.report(span, message);
            }
        }
    }
}
