use crate::context::K8sObject;
use crate::declare_rule;
use crate::images::{self, ImageRef};
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an `imagePullPolicy` that does not fit the image reference:
    /// `IfNotPresent` or `Never` on an image whose tag moves (no tag,
    /// `latest`, or a branch-like tag such as `main`, `master`, `dev`,
    /// `edge`, `nightly`, `stable`) and that is not pinned by digest; and
    /// a policy that is not one of `Always`, `IfNotPresent`, `Never`
    /// (the API rejects it).
    ///
    /// ## Why is this bad?
    /// With a moving tag and `IfNotPresent`, each node runs whichever image
    /// it pulled first under that tag: nodes drift apart, a fix pushed under
    /// the same tag never reaches nodes that already have the old one, and
    /// rollbacks are meaningless. `Never` is worse: a node that lacks the
    /// image cannot start the pod at all.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: ghcr.io/acme/api:main
    ///     imagePullPolicy: IfNotPresent
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: ghcr.io/acme/api:1.4.2
    ///     imagePullPolicy: IfNotPresent
    /// ```
    pub struct ImagePullPolicyMismatch {
        id: "image-pull-policy-mismatch",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Image pull policy does not fit the image tag",
    }
}

/// Tags that name a branch or channel rather than a release.
const MOVING_TAGS: &[&str] =
    &["latest", "main", "master", "dev", "develop", "edge", "nightly", "stable", "snapshot", "head", "trunk"];

impl Rule for ImagePullPolicyMismatch {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object) else { return };
        for container in template.containers() {
            let Some(policy) = container.node.get("imagePullPolicy") else { continue };
            let Some(policy_text) = policy.as_str() else { continue };
            if policy_text.contains(['$', '{']) {
                continue;
            }
            if !["Always", "IfNotPresent", "Never"].contains(&policy_text) {
                report.report(
                    policy.span,
                    format!(
                        "{} has `imagePullPolicy: {policy_text}`, which the API rejects; use `Always`, \
                         `IfNotPresent` or `Never`",
                        container.describe(object)
                    ),
                );
                continue;
            }
            if policy_text == "Always" {
                continue;
            }
            let Some(reference) = container.image().and_then(|n| n.as_str()).filter(|r| !images::is_placeholder(r))
            else {
                continue;
            };
            let image = ImageRef::parse(reference);
            if image.digest.is_some() {
                continue;
            }
            let tag = image.tag.unwrap_or("latest");
            if MOVING_TAGS.contains(&tag.to_ascii_lowercase().as_str()) {
                let shown =
                    if image.tag.is_none() { "no tag, so `latest`".to_string() } else { format!("tag `{tag}`") };
                let message = if policy_text == "Never" {
                    format!(
                        "{} never pulls `{reference}` ({shown}), so each node runs whatever it has under that tag, \
                         or cannot start the pod; pin a version tag or digest and let it be pulled",
                        container.describe(object)
                    )
                } else {
                    format!(
                        "{} pulls `{reference}` ({shown}) only when the node lacks it (`IfNotPresent`), so nodes may \
                         run a stale image; pin a version tag or digest, or use `Always`",
                        container.describe(object)
                    )
                };
                report.report(policy.span, message);
            }
        }
    }
}
