use super::support;
use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

/// Below this, polling hammers Git servers and registries (and their rate limits).
const SHORTEST: f64 = 30.0;
/// Above this, drift and failed applies wait more than a day to be retried.
const LONGEST: f64 = 24.0 * 3600.0;

/// Kinds whose `interval` the API requires, as `(group, kind)`.
const REQUIRED: &[(&str, &str)] = &[
    ("source", "GitRepository"),
    ("source", "OCIRepository"),
    ("source", "Bucket"),
    ("kustomize", "Kustomization"),
    ("helm", "HelmRelease"),
];

declare_rule! {
    /// ## What it does
    /// Flags the `interval` of a Flux object (`GitRepository`,
    /// `OCIRepository`, `HelmRepository`, `Bucket`, `HelmChart`,
    /// `Kustomization`, `HelmRelease`, image automation) that is shorter
    /// than 30 seconds or longer than 24 hours, is not a duration, or is
    /// missing where the API requires it. A `GitRepository` pinned to a
    /// commit is not judged, nor are OCI Helm repositories, which Flux does
    /// not poll.
    ///
    /// ## Why is this bad?
    /// Sources poll a remote at that interval: every few seconds, from
    /// every cluster, runs into the Git host's and the registry's rate
    /// limits (and the errors then delay every source). Kustomizations and
    /// HelmReleases re-apply at that interval to undo drift: more than a
    /// day leaves hand-made changes and failed applies in place that long.
    /// Use a receiver (webhook) for fast reaction to pushes, and keep the
    /// interval in minutes.
    ///
    /// ## Example
    /// ```yaml
    /// kind: GitRepository
    /// spec:
    ///   interval: 5s
    ///   url: https://github.com/acme/fleet
    ///   ref: {branch: main}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: GitRepository
    /// spec:
    ///   interval: 1m
    ///   url: https://github.com/acme/fleet
    ///   ref: {branch: main}
    /// ```
    ///
    /// ## References
    /// - [Flux: GitRepository interval](https://fluxcd.io/flux/components/source/gitrepositories/#interval)
    pub struct FluxIntervalOutOfRange {
        id: "flux-interval-out-of-range",
        severity: Warning,
        domains: [Gitops],
        summary: "Flux interval is under 30 seconds, over 24 hours, invalid or missing",
    }
}

impl Rule for FluxIntervalOutOfRange {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        if !support::is_flux(object) || object.kustomize.patch {
            return;
        }
        let Some(spec) = object.spec().filter(|s| s.is_mapping()) else { return };
        let group = object.group().strip_suffix(".toolkit.fluxcd.io").unwrap_or("");
        if object.kind == "HelmRepository" && spec.str_at(&["type"]) == Some("oci") {
            return;
        }
        if object.kind == "GitRepository" && spec.path(&["ref", "commit"]).is_some() {
            return;
        }
        let name = object.display_name();
        let Some(interval) = spec.get("interval") else {
            // A fragment without its source is a patch; the base has the interval.
            let complete = ["sourceRef", "url", "chart", "chartRef"].iter().any(|k| spec.get(k).is_some());
            if complete && REQUIRED.contains(&(group, object.kind.as_str())) {
                report.report(
                    object.root.key_span("spec"),
                    format!("{name} has no `interval`, which the API requires; set one in minutes, e.g. `5m`"),
                );
            }
            return;
        };
        let Some(text) = interval.as_str().filter(|t| !support::is_templated(t)) else { return };
        let Some(seconds) = support::parse_duration(text) else {
            report.report(interval.span, format!("{name} has `interval: {text}`, which is not a duration like `5m`"));
            return;
        };
        let source = group == "source" || group == "image";
        if seconds < SHORTEST {
            let why = if source {
                "polls the remote so often that it runs into rate limits; use at least `1m` (and a receiver for \
                 fast updates)"
            } else {
                "re-applies everything that often; use at least `1m`"
            };
            report.report(interval.span, format!("{name} has `interval: {text}`: it {why}"));
        } else if seconds > LONGEST {
            let shown = support::show_seconds(seconds);
            let shown = if shown == text { String::new() } else { format!(" ({shown})") };
            let why = if source { "picks up new revisions" } else { "undoes drift and retries failures" };
            report.report(
                interval.span,
                format!("{name} has `interval: {text}`{shown}: it only {why} once in that time; keep it under 24h"),
            );
        }
    }
}
