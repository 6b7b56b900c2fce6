use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an Ingress annotation of ingress-nginx that injects raw NGINX
    /// configuration: `nginx.ingress.kubernetes.io/configuration-snippet`,
    /// `server-snippet`, `auth-snippet`, `stream-snippet` and any other
    /// `*-snippet`.
    ///
    /// ## Why is this bad?
    /// A snippet is pasted into the configuration of the controller that
    /// serves every Ingress of the cluster, and runs with its service
    /// account, which can read every Secret. Whoever can create an Ingress
    /// can read other tenants' TLS keys and tokens through a snippet
    /// (CVE-2021-25742), and the snippet parsing has been the way in for
    /// remote code execution on the controller (CVE-2025-1974,
    /// "IngressNightmare"). Recent ingress-nginx versions turn snippets off
    /// by default; use the dedicated annotations instead.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Ingress
    /// metadata:
    ///   annotations:
    ///     nginx.ingress.kubernetes.io/configuration-snippet: |
    ///       more_set_headers "X-Frame-Options: DENY";
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: Ingress
    /// metadata:
    ///   annotations:
    ///     nginx.ingress.kubernetes.io/custom-headers: shop/security-headers
    /// ```
    ///
    /// ## References
    /// - [ingress-nginx: annotations, configuration snippet](https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#configuration-snippet)
    /// - [CVE-2021-25742](https://github.com/kubernetes/ingress-nginx/issues/7837)
    /// - [Checkov CKV_K8S_153](https://www.checkov.io/5.Policy%20Index/kubernetes.html)
    pub struct IngressNginxSnippetAnnotation {
        id: "ingress-nginx-snippet-annotation",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Ingress injects raw NGINX configuration through a `*-snippet` annotation",
    }
}

impl Rule for IngressNginxSnippetAnnotation {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        if object.kind != "Ingress" {
            return;
        }
        let Some(annotations) = object.root.path(&["metadata", "annotations"]) else { return };
        for entry in annotations.entries() {
            let Some(key) = entry.key.as_str() else { continue };
            let Some(name) = key.strip_prefix("nginx.ingress.kubernetes.io/") else { continue };
            if !name.ends_with("-snippet") {
                continue;
            }
            if entry.value.as_str().is_some_and(|v| v.trim().is_empty()) {
                continue;
            }
            report.report(
                entry.key.span,
                format!(
                    "{} injects raw NGINX configuration through `{key}`, which runs in the controller that serves \
                     every Ingress and can read every Secret; use the dedicated annotations",
                    object.display_name()
                ),
            );
        }
    }
}
