use shipshape_diagnostics::Span;
use shipshape_yaml::Node;

use super::support;
use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a Helm chart deployed at a version that can change on its
    /// own: a Flux `HelmRelease` (`helm.toolkit.fluxcd.io` v2beta1, v2beta2,
    /// v2) or `HelmChart` from a Helm repository, or an Argo CD Application
    /// source with a `chart`, whose version is missing (the latest), `*`,
    /// a range (`>=1.0.0`, `^1.2`, `~1.2.0`, `1.x`) or partial (`1.2`). An
    /// exact version (`1.2.3`, `v1.2.3-rc.1`) is pinned. Charts read from
    /// Git or a bucket, `chartRef`s and templated versions are not judged.
    ///
    /// ## Why is this bad?
    /// A new chart release is deployed as soon as it is published, without
    /// a commit, a review or a diff: a breaking change in the chart's
    /// defaults reaches every cluster at once, and rolling back means
    /// finding which version was running. Pin the version, and let
    /// Renovate or Dependabot propose upgrades as reviewed changes.
    ///
    /// ## Example
    /// ```yaml
    /// kind: HelmRelease
    /// spec:
    ///   chart:
    ///     spec:
    ///       chart: podinfo
    ///       version: ">=6.0.0"
    ///       sourceRef: {kind: HelmRepository, name: podinfo}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: HelmRelease
    /// spec:
    ///   chart:
    ///     spec:
    ///       chart: podinfo
    ///       version: "6.7.1"
    ///       sourceRef: {kind: HelmRepository, name: podinfo}
    /// ```
    ///
    /// ## References
    /// - [Flux: HelmRelease chart template](https://fluxcd.io/flux/components/helm/helmreleases/#chart-template)
    /// - [Argo CD: Helm version ranges](https://argo-cd.readthedocs.io/en/stable/user-guide/tracking_strategies/#helm)
    pub struct HelmChartVersionUnpinned {
        id: "helm-chart-version-unpinned",
        severity: Warning,
        domains: [Gitops],
        summary: "Helm chart is deployed at a version range or the latest version",
    }
}

/// Reports `version` (at `name_span` when it is missing) if it floats.
fn judge(object: &K8sObject, chart: &str, version: Option<&Node>, name_span: Span, report: &mut Reporter<'_>) {
    let text = version.and_then(Node::as_str);
    if text.is_some_and(support::is_templated) || version.is_some_and(|v| !v.is_null() && text.is_none()) {
        return;
    }
    if !text.is_none_or(support::chart_version_floats) {
        return;
    }
    let what = match text {
        Some(t) if !t.trim().is_empty() => format!("at `{t}`, which matches newer releases"),
        _ => "with no version (the latest)".to_string(),
    };
    let span = version.filter(|v| !v.is_null()).map_or(name_span, |v| v.span);
    report.report(
        span,
        format!(
            "{} deploys chart `{chart}` {what}: a new chart release goes live without a commit; pin an exact \
             version",
            object.display_name()
        ),
    );
}

impl Rule for HelmChartVersionUnpinned {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let chart_spec = if support::is_flux_kind(object, "helm", "HelmRelease") {
            object.root.path(&["spec", "chart", "spec"])
        } else if support::is_flux_kind(object, "source", "HelmChart") {
            object.spec()
        } else {
            None
        };
        if let Some(chart_spec) = chart_spec {
            let from_repository = chart_spec.str_at(&["sourceRef", "kind"]).is_none_or(|k| k == "HelmRepository");
            let Some(name) = chart_spec.get("chart") else { return };
            let Some(chart) = name.as_str().filter(|c| !support::is_templated(c)) else { return };
            let version = chart_spec.get("version");
            // A patch that leaves the version out keeps the base's.
            if from_repository && (version.is_some() || !object.kustomize.patch) {
                judge(object, chart, version, name.span, report);
            }
            return;
        }
        let Some(spec) = support::application_spec(object) else { return };
        for source in support::application_sources(spec) {
            let Some(name) = source.get("chart") else { continue };
            let Some(chart) = name.as_str().filter(|c| !support::is_templated(c)) else { continue };
            // With a `path`, a `.git` URL or `HEAD`, the source is a Git one
            // and the revision a Git ref.
            let repo = source.str_at(&["repoURL"]).unwrap_or("");
            let head = source.str_at(&["targetRevision"]).is_some_and(|r| r.eq_ignore_ascii_case("HEAD"));
            if source.get("path").is_some() || repo.ends_with(".git") || head || support::is_templated(repo) {
                continue;
            }
            judge(object, chart, source.get("targetRevision"), name.span, report);
        }
    }
}
