use shipshape_diagnostics::Span;
use shipshape_yaml::Node;

use super::workflow::{is_false, is_true, Job, Step, Workflow};
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a step that restores a cache the workflow turns on
    /// (`actions/cache`, `setup-*` actions with `cache:`,
    /// `Swatinem/rust-cache`, sccache, `cache-from: type=gha`…) in a job
    /// that builds a release: a job that publishes (a package upload, a
    /// GitHub release, an image push), any job of a workflow that runs only
    /// for releases (`release` events, tag pushes, pushes to release
    /// branches), or a job named like a release job (or with an
    /// `environment:`) in a workflow that also runs for releases. Caches that actions turn on by default
    /// (`actions/setup-go`, `astral-sh/setup-uv`…) are reported by
    /// `default-cache-in-release-workflow`.
    ///
    /// ## Why is this bad?
    /// Caches are shared by every workflow of the repository, including
    /// ones that run code from pull requests or from less trusted branches.
    /// Whoever can write a cache entry that a release job restores can put
    /// their code into the released artifact ("cache poisoning"). Release
    /// builds should start from a clean state.
    ///
    /// ## Example
    /// ```yaml
    /// on:
    ///   push:
    ///     tags: ["v*"]
    /// jobs:
    ///   publish:
    ///     steps:
    ///       - uses: actions/setup-node@v4
    ///         with:
    ///           cache: npm
    ///       - run: npm publish
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// on:
    ///   push:
    ///     tags: ["v*"]
    /// jobs:
    ///   publish:
    ///     steps:
    ///       - uses: actions/setup-node@v4
    ///       - run: npm ci && npm publish
    /// ```
    ///
    /// ## References
    /// - [The Monsters in Your Build Cache: GitHub Actions cache poisoning](https://adnanthekhan.com/2024/05/06/the-monsters-in-your-build-cache-github-actions-cache-poisoning/)
    /// - [zizmor: cache-poisoning](https://docs.zizmor.sh/audits/#cache-poisoning)
    pub struct CacheInReleaseWorkflow {
        id: "cache-in-release-workflow",
        severity: Warning,
        domains: [GithubActions],
        summary: "Release or publishing job restores a cache",
    }
}

/// How the triggers of a workflow relate to releases.
struct ReleaseTriggers {
    /// Why the workflow runs for releases, if it does.
    reason: Option<String>,
    /// True when every trigger is a release (or a manual or reusable run).
    only: bool,
}

fn is_release_branch(branch: &str) -> bool {
    let b = branch.to_ascii_lowercase();
    b.starts_with("release")
        || b.strip_prefix('v').is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit() || c == '*'))
}

fn release_triggers(workflow: &Workflow<'_>) -> ReleaseTriggers {
    let mut reason = None;
    let mut only = true;
    for trigger in &workflow.triggers {
        match trigger.name.as_str() {
            "release" => {
                reason.get_or_insert_with(|| "runs on `release` events".to_string());
            }
            "push" => {
                let config = trigger.config;
                let tags = config.is_some_and(|c| c.get("tags").is_some());
                let branches: Vec<&str> = config
                    .and_then(|c| c.get("branches"))
                    .map(|b| b.items())
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(Node::as_str)
                    .collect();
                let release_branch = branches.iter().find(|b| is_release_branch(b));
                if tags {
                    reason.get_or_insert_with(|| "runs on tag pushes".to_string());
                } else if let Some(branch) = release_branch {
                    reason.get_or_insert_with(|| format!("runs on pushes to `{branch}`"));
                }
                let only_tags = tags && branches.is_empty();
                let only_release_branches = !branches.is_empty() && branches.iter().all(|b| is_release_branch(b));
                if !only_tags && !only_release_branches {
                    only = false;
                }
            }
            "workflow_dispatch" | "workflow_call" => {}
            _ => only = false,
        }
    }
    ReleaseTriggers { only: only && reason.is_some(), reason }
}

/// True when a job's id, name or environment says it releases.
fn looks_like_release_job(job: &Job<'_>) -> bool {
    let named = |text: &str| {
        let t = text.to_ascii_lowercase();
        ["publish", "release"].iter().any(|w| t.contains(w))
    };
    job.get("environment").is_some() || named(job.id) || job.get("name").and_then(Node::as_str).is_some_and(named)
}

const PUBLISH_COMMANDS: &[&str] = &[
    "npm publish",
    "yarn publish",
    "yarn npm publish",
    "pnpm publish",
    "cargo publish",
    "twine upload",
    "uv publish",
    "poetry publish",
    "gem push",
    "docker push",
    "gh release create",
    "gh release upload",
    "mvn deploy",
    "dotnet nuget push",
    "goreleaser release",
    "./gradlew publish",
    "gradle publish",
];

const PUBLISH_ACTIONS: &[&str] = &[
    "pypa/gh-action-pypi-publish",
    "softprops/action-gh-release",
    "ncipollo/release-action",
    "goreleaser/goreleaser-action",
    "actions/create-release",
    "js-devtools/npm-publish",
    "svenstaro/upload-release-action",
];

/// The step of `job` that publishes something, if any.
fn publishing_step<'a>(job: &Job<'a>) -> Option<String> {
    for step in &job.steps {
        if let Some(uses) = step.uses() {
            if let Some(action) = PUBLISH_ACTIONS.iter().find(|a| uses.is(a)) {
                return Some(format!("publishes with `{action}`"));
            }
            if uses.is("docker/build-push-action") && step.with("push").is_some_and(|p| !is_false(p)) {
                return Some("pushes an image".to_string());
            }
        }
        if let Some(run) = step.run().and_then(Node::as_str) {
            let publishes = |c: &&&str| run.lines().any(|l| l.contains(**c) && !l.contains("--dry-run"));
            if let Some(command) = PUBLISH_COMMANDS.iter().find(publishes) {
                return Some(format!("runs `{command}`"));
            }
        }
    }
    None
}

/// How a step restores a cache.
pub(crate) struct CacheUse {
    pub reason: &'static str,
    /// Turned on in the file (not an action's default).
    pub explicit: bool,
}

fn cache(reason: &'static str, explicit: bool) -> Option<CacheUse> {
    Some(CacheUse { reason, explicit })
}

/// How `step` restores a cache, if it does.
fn cache_of(step: &Step<'_>, text: &str, base: usize) -> Option<CacheUse> {
    let uses = step.uses()?;
    let on = |input: &str| {
        step.with(input).is_some_and(|v| !is_false(v) && v.as_str().is_some_and(|s| !s.trim().is_empty()))
    };
    let set_true = |input: &str| step.with(input).is_some_and(is_true);
    let not_off = |input: &str| step.with(input).is_none_or(|v| !is_false(v));
    if uses.is("actions/cache") || uses.is("actions/cache/restore") {
        return cache("`actions/cache` restores a cache", true);
    }
    if uses.is("swatinem/rust-cache") || uses.is("mozilla-actions/sccache-action") {
        return cache("this action restores a cache", true);
    }
    if uses.is("actions/setup-go") {
        if set_true("cache") {
            return cache("`cache: true` turns caching on", true);
        }
        return not_off("cache")
            .then_some(CacheUse { reason: "`actions/setup-go` caches by default", explicit: false });
    }
    if uses.is("actions/setup-node") {
        if on("cache") {
            return cache("`cache:` turns caching on", true);
        }
        let v5 = uses.major_version(text, base).is_some_and(|v| v >= 5);
        if v5 && not_off("package-manager-cache") {
            return cache("`actions/setup-node` v5+ caches by default", false);
        }
        return None;
    }
    if ["actions/setup-python", "actions/setup-java", "actions/setup-dotnet"].iter().any(|a| uses.is(a)) {
        return on("cache").then_some(CacheUse { reason: "`cache:` turns caching on", explicit: true });
    }
    if uses.is("astral-sh/setup-uv") {
        if set_true("enable-cache") {
            return cache("`enable-cache: true` turns caching on", true);
        }
        return not_off("enable-cache")
            .then_some(CacheUse { reason: "`astral-sh/setup-uv` caches by default", explicit: false });
    }
    if uses.is("pyo3/maturin-action") && on("sccache") {
        return cache("`sccache:` turns caching on", true);
    }
    if uses.is("ruby/setup-ruby") && set_true("bundler-cache") {
        return cache("`bundler-cache: true` turns caching on", true);
    }
    if uses.is("docker/setup-buildx-action") && not_off("cache-binary") {
        return cache("`docker/setup-buildx-action` caches its binary by default", set_true("cache-binary"));
    }
    if uses.is("docker/build-push-action") && step.with_str("cache-from").is_some_and(|c| c.contains("type=gha")) {
        return cache("`cache-from: type=gha` restores a cache", true);
    }
    if uses.is("ramsey/composer-install") {
        let ignored = step
            .with("ignore-cache")
            .is_some_and(|v| is_true(v) || v.as_str().is_some_and(|s| matches!(s.trim(), "yes" | "1")));
        return (!ignored)
            .then_some(CacheUse { reason: "`ramsey/composer-install` caches by default", explicit: false });
    }
    if uses.is("gradle/actions/setup-gradle") && step.with("cache-disabled").is_none_or(|v| !is_true(v)) {
        return cache("`gradle/actions/setup-gradle` restores a cache by default", false);
    }
    None
}

/// Every cache restored by a job that builds a release: the `uses:` span,
/// the message, and whether the file turns the cache on itself.
pub(crate) fn release_caches(workflow: &Workflow<'_>) -> Vec<(Span, String, bool)> {
    let triggers = release_triggers(workflow);
    let mut out = Vec::new();
    for job in &workflow.jobs {
        let why = match (publishing_step(job), &triggers.reason) {
            (Some(publishes), _) => format!("job `{}` {publishes}", job.id),
            (None, Some(reason)) if triggers.only || looks_like_release_job(job) => format!("the workflow {reason}"),
            _ => continue,
        };
        for step in &job.steps {
            if let Some(found) = cache_of(step, workflow.text, workflow.base) {
                let span = step.get("uses").map_or(step.node.span, |n| workflow.step_span(step, n));
                let message = format!(
                    "{} in a release build ({why}); a poisoned cache entry would end up in the release",
                    found.reason
                );
                out.push((span, message, found.explicit));
            }
        }
    }
    out
}

impl Rule for CacheInReleaseWorkflow {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        for (span, message, explicit) in release_caches(&workflow) {
            if explicit {
                report.report(span, message);
            }
        }
    }
}
