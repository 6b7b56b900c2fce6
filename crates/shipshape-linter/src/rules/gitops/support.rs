//! Helpers shared by the GitOps rules: which tool an object belongs to,
//! where an Argo CD Application keeps its sources, what says "production",
//! and Go-style durations.

use shipshape_diagnostics::Span;
use shipshape_yaml::Node;

use crate::context::K8sObject;

/// An Argo CD object of this kind (`Application`, `ApplicationSet`, `AppProject`).
pub(crate) fn is_argo(object: &K8sObject, kind: &str) -> bool {
    object.kind == kind && object.group() == "argoproj.io"
}

/// An object of the Flux toolkit (`*.toolkit.fluxcd.io`).
pub(crate) fn is_flux(object: &K8sObject) -> bool {
    object.group().ends_with(".toolkit.fluxcd.io")
}

/// A Flux object of this kind and API group prefix (`kustomize`, `source`, `helm`).
pub(crate) fn is_flux_kind(object: &K8sObject, group: &str, kind: &str) -> bool {
    object.kind == kind && object.group().strip_suffix(".toolkit.fluxcd.io") == Some(group)
}

/// A Flagger `Canary`.
pub(crate) fn is_flagger_canary(object: &K8sObject) -> bool {
    object.kind == "Canary" && object.group() == "flagger.app"
}

/// True when a value is filled in by a template (Helm, ApplicationSet,
/// envsubst, Kustomize vars).
pub(crate) fn is_templated(text: &str) -> bool {
    text.contains("{{") || text.contains("${") || text.contains("$(") || text.contains("<%")
}

/// The Application spec of an Argo CD `Application`, or of the template of
/// an `ApplicationSet`.
pub(crate) fn application_spec(object: &K8sObject) -> Option<&Node> {
    if is_argo(object, "Application") {
        object.spec()
    } else if is_argo(object, "ApplicationSet") {
        object.root.path(&["spec", "template", "spec"])
    } else {
        None
    }
}

/// The span of the `spec:` key of an Application spec (the template's for
/// an ApplicationSet), to report what the spec lacks.
pub(crate) fn application_spec_key(object: &K8sObject) -> Span {
    if object.kind == "ApplicationSet" {
        if let Some(template) = object.root.path(&["spec", "template"]) {
            return template.key_span("spec");
        }
    }
    object.root.key_span("spec")
}

/// The sources of an Application spec: `source` and the items of `sources`.
pub(crate) fn application_sources(spec: &Node) -> Vec<&Node> {
    let mut out: Vec<&Node> = spec.get("source").filter(|s| s.is_mapping()).into_iter().collect();
    out.extend(spec.get("sources").map(Node::items).unwrap_or(&[]).iter().filter(|s| s.is_mapping()));
    out
}

/// `syncPolicy.automated` of an Application spec when automated sync is on
/// (`automated: {}` turns it on; `enabled: false` or a null value do not).
pub(crate) fn automated_sync(spec: &Node) -> Option<&Node> {
    let automated = spec.path(&["syncPolicy", "automated"])?;
    if !automated.is_mapping() || automated.get("enabled").and_then(Node::as_bool) == Some(false) {
        return None;
    }
    Some(automated)
}

/// Words that say "production" in names, namespaces, labels and paths.
fn is_production_word(word: &str) -> bool {
    matches!(word, "prod" | "production" | "prd")
}

/// True when `text` names production as a word: `shop-prod`,
/// `overlays/production`, `env=prd`; not `product`, `non-prod`, `preprod`.
pub(crate) fn says_production(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.iter().enumerate().any(|(i, w)| {
        is_production_word(w) && !matches!(i.checked_sub(1).and_then(|p| words.get(p)), Some(&"non" | &"not" | &"pre"))
    })
}

/// The name and label values of a `metadata` mapping.
fn metadata_texts<'a>(metadata: Option<&'a Node>, texts: &mut Vec<&'a str>) {
    let Some(metadata) = metadata else { return };
    texts.extend(metadata.str_at(&["name"]));
    for entry in metadata.get("labels").map(Node::entries).unwrap_or_default() {
        texts.extend(entry.value.as_str());
    }
}

/// The scalar values (not keys) below a node, a bounded walk.
fn scalar_values<'a>(node: &'a Node, out: &mut Vec<&'a str>, depth: usize) {
    if depth > 12 || out.len() > 500 {
        return;
    }
    if let Some(text) = node.as_str() {
        out.push(text);
    }
    for item in node.items() {
        scalar_values(item, out, depth + 1);
    }
    for entry in node.entries() {
        scalar_values(&entry.value, out, depth + 1);
    }
}

/// True when an Argo CD Application (or ApplicationSet template) deploys to
/// production, going by its names, namespaces, labels, destination and
/// source paths, and for an ApplicationSet the values of its generators.
pub(crate) fn is_production_application(object: &K8sObject, spec: &Node) -> bool {
    let mut texts: Vec<&str> = Vec::new();
    metadata_texts(object.root.get("metadata"), &mut texts);
    texts.extend(object.namespace.as_deref());
    if object.kind == "ApplicationSet" {
        metadata_texts(object.root.path(&["spec", "template", "metadata"]), &mut texts);
        // The values the generators fill in (`env: prod` list elements,
        // cluster selectors).
        if let Some(generators) = object.root.path(&["spec", "generators"]) {
            scalar_values(generators, &mut texts, 0);
        }
    }
    texts.extend(spec.str_at(&["destination", "namespace"]));
    texts.extend(spec.str_at(&["destination", "name"]));
    texts.extend(spec.str_at(&["destination", "server"]));
    for source in application_sources(spec) {
        texts.extend(source.str_at(&["path"]));
    }
    texts.into_iter().any(says_production)
}

/// A Go duration (`30s`, `1m30s`, `1.5h`, `500ms`) in seconds.
pub(crate) fn parse_duration(text: &str) -> Option<f64> {
    let text = text.trim();
    if text == "0" {
        return Some(0.0);
    }
    let mut rest = text;
    let mut total = 0.0;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let number: f64 = rest.get(..digits)?.parse().ok()?;
        rest = rest.get(digits..)?;
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let factor = match rest.get(..unit_len)? {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += number * factor;
        rest = rest.get(unit_len..)?;
    }
    Some(total)
}

/// A duration for messages: `10s`, `5m`, `2h`.
pub(crate) fn show_seconds(seconds: f64) -> String {
    if seconds >= 3600.0 && (seconds % 3600.0) == 0.0 {
        format!("{}h", seconds / 3600.0)
    } else if seconds >= 60.0 && (seconds % 60.0) == 0.0 {
        format!("{}m", seconds / 60.0)
    } else {
        format!("{seconds}s")
    }
}

/// An integer field written as a number or a quoted number; `None` when
/// absent, templated or not a number.
pub(crate) fn int_field(node: &Node, key: &str) -> Option<i64> {
    let value = node.get(key)?;
    value.as_i64().or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
}

/// What a git `targetRevision` or `ref` names, when it moves: `HEAD`,
/// nothing (HEAD), or a branch. Tags, commits and anything with a digit
/// (`v1.2.0`, `release-2024-05`) are taken as pinned.
pub(crate) fn floating_git_revision(revision: Option<&str>) -> Option<&'static str> {
    let revision = revision.map(str::trim).unwrap_or("");
    if revision.is_empty() || revision.eq_ignore_ascii_case("HEAD") {
        return Some("HEAD");
    }
    if revision.starts_with("refs/heads/") {
        return Some("a branch");
    }
    let commit = revision.len() >= 7 && revision.chars().all(|c| c.is_ascii_hexdigit());
    if commit || revision.starts_with("refs/") || revision.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    Some("a branch")
}

/// True when a Helm chart version constraint can resolve to more than one
/// version: empty (latest), `*`, `x`, ranges, `^`/`~`, or a partial version
/// (`1.2` floats over patches). `1.2.3`, `v1.2.3`, `=1.2.3-rc.1` are pinned.
pub(crate) fn chart_version_floats(version: &str) -> bool {
    let version = version.trim();
    let version = version.strip_prefix('=').unwrap_or(version).trim();
    if version.is_empty() || version.contains(['*', '^', '~', '>', '<', '|', ',', ' ']) {
        return true;
    }
    let core = version.strip_prefix('v').unwrap_or(version);
    let core = core.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    !(parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())))
}

/// An Argo Rollouts `Rollout`.
pub(crate) fn is_rollout(object: &K8sObject) -> bool {
    is_argo(object, "Rollout")
}

/// An Argo Rollouts `AnalysisTemplate` or `ClusterAnalysisTemplate`.
pub(crate) fn is_analysis_template(object: &K8sObject) -> bool {
    is_argo(object, "AnalysisTemplate") || is_argo(object, "ClusterAnalysisTemplate")
}

/// Where a Rollout uses an analysis template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AnalysisUse {
    /// `canary.analysis`: runs beside the steps until the rollout ends.
    Background,
    /// A canary `analysis` step, or blue-green pre/post-promotion analysis:
    /// the rollout waits for it to finish.
    Blocking,
    /// An analysis of an `experiment` step.
    Experiment,
}

/// A reference from a Rollout to an analysis template.
pub(crate) struct TemplateRef<'a> {
    pub name: &'a Node,
    /// `clusterScope: true`: a ClusterAnalysisTemplate.
    pub cluster: bool,
    pub usage: AnalysisUse,
}

/// The templates of an `analysis` block.
fn push_templates<'a>(analysis: Option<&'a Node>, usage: AnalysisUse, out: &mut Vec<TemplateRef<'a>>) {
    let Some(analysis) = analysis else { return };
    for template in analysis.get("templates").map(Node::items).unwrap_or(&[]) {
        if let Some(name) = template.get("templateName") {
            let cluster = template.get("clusterScope").and_then(Node::as_bool) == Some(true);
            out.push(TemplateRef { name, cluster, usage });
        }
    }
    // The field of Argo Rollouts before v0.9.
    if let Some(name) = analysis.get("templateName") {
        out.push(TemplateRef { name, cluster: false, usage });
    }
}

/// Every analysis template a Rollout names.
pub(crate) fn template_refs(rollout: &K8sObject) -> Vec<TemplateRef<'_>> {
    let mut out = Vec::new();
    let Some(strategy) = rollout.root.path(&["spec", "strategy"]) else { return out };
    if let Some(canary) = strategy.get("canary") {
        push_templates(canary.get("analysis"), AnalysisUse::Background, &mut out);
        for step in canary.get("steps").map(Node::items).unwrap_or(&[]) {
            push_templates(step.get("analysis"), AnalysisUse::Blocking, &mut out);
        }
    }
    if let Some(blue_green) = strategy.get("blueGreen") {
        push_templates(blue_green.get("prePromotionAnalysis"), AnalysisUse::Blocking, &mut out);
        push_templates(blue_green.get("postPromotionAnalysis"), AnalysisUse::Blocking, &mut out);
    }
    for step in strategy.path(&["canary", "steps"]).map(Node::items).unwrap_or(&[]) {
        for analysis in step.path(&["experiment", "analyses"]).map(Node::items).unwrap_or(&[]) {
            if let Some(name) = analysis.get("templateName") {
                let cluster = analysis.get("clusterScope").and_then(Node::as_bool) == Some(true);
                out.push(TemplateRef { name, cluster, usage: AnalysisUse::Experiment });
            }
        }
    }
    out
}

/// The metrics of an analysis template.
pub(crate) fn metrics(template: &K8sObject) -> &[Node] {
    template.root.path(&["spec", "metrics"]).map(Node::items).unwrap_or(&[])
}

/// The name of a metric, for messages.
pub(crate) fn metric_name(metric: &Node) -> &str {
    metric.str_at(&["name"]).unwrap_or("<unnamed>")
}

/// The span to report a metric at: its `name` value, else its first key.
pub(crate) fn metric_span(metric: &Node) -> Span {
    metric.get("name").map_or(metric.head_span(), |n| n.span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Some(30.0));
        assert_eq!(parse_duration("1m30s"), Some(90.0));
        assert_eq!(parse_duration("1.5h"), Some(5400.0));
        assert_eq!(parse_duration("500ms"), Some(0.5));
        assert_eq!(parse_duration("0"), Some(0.0));
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("5"), None);
        assert_eq!(parse_duration("m"), None);
        assert_eq!(parse_duration("5d"), None);
        assert_eq!(show_seconds(7200.0), "2h");
        assert_eq!(show_seconds(90.0), "90s");
    }

    #[test]
    fn production_words() {
        assert!(says_production("shop-prod"));
        assert!(says_production("deploy/overlays/production"));
        assert!(says_production("PRD"));
        assert!(!says_production("product-catalog"));
        assert!(!says_production("non-prod"));
        assert!(!says_production("pre-prod"));
        assert!(!says_production("preprod"));
        assert!(!says_production("staging"));
    }

    #[test]
    fn revisions_and_versions() {
        assert_eq!(floating_git_revision(None), Some("HEAD"));
        assert_eq!(floating_git_revision(Some("main")), Some("a branch"));
        assert_eq!(floating_git_revision(Some("refs/heads/release-1")), Some("a branch"));
        assert_eq!(floating_git_revision(Some("v1.2.0")), None);
        assert_eq!(floating_git_revision(Some("0a1b2c3d")), None);
        assert!(chart_version_floats("*"));
        assert!(chart_version_floats(">=1.0.0"));
        assert!(chart_version_floats("1.x"));
        assert!(chart_version_floats("1.2"));
        assert!(chart_version_floats("^1.2.3"));
        assert!(chart_version_floats(""));
        assert!(!chart_version_floats("1.2.3"));
        assert!(!chart_version_floats("v1.2.3-rc.1"));
        assert!(!chart_version_floats("=1.2.3"));
    }
}
