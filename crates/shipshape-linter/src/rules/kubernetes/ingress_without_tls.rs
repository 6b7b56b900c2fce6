use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an Ingress with routing rules or a default backend but no
    /// `spec.tls`. Not flagged when an annotation shows that TLS terminates
    /// at the load balancer: a certificate annotation (AWS ALB
    /// `certificate-arn`, GKE `managed-certificates` or `pre-shared-cert`,
    /// `ssl-cert` annotations), Traefik's `router.tls: "true"` or a
    /// `websecure` entry point, or `kubernetes.io/ingress.allow-http:
    /// "false"`.
    ///
    /// ## Why is this bad?
    /// The application is served over plain HTTP: cookies, tokens and
    /// form data cross the network readable and modifiable by anyone on the
    /// path. With cert-manager a certificate costs one annotation and a
    /// `tls` block.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Ingress
    /// spec:
    ///   rules:
    ///     - host: shop.example.com
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: Ingress
    /// metadata:
    ///   annotations:
    ///     cert-manager.io/cluster-issuer: letsencrypt
    /// spec:
    ///   tls:
    ///     - hosts: [shop.example.com]
    ///       secretName: shop-tls
    ///   rules:
    ///     - host: shop.example.com
    /// ```
    pub struct IngressWithoutTls {
        id: "ingress-without-tls",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Ingress serves plain HTTP (no `tls`)",
    }
}

fn tls_elsewhere(object: &K8sObject) -> bool {
    let annotations = object.root.path(&["metadata", "annotations"]).map(|a| a.entries()).unwrap_or_default();
    annotations.iter().any(|entry| {
        let key = entry.key.as_str().unwrap_or("").to_ascii_lowercase();
        let value = entry.value.as_str().unwrap_or("").to_ascii_lowercase();
        key.contains("certificate")
            || key.contains("ssl-cert")
            || key.contains("pre-shared-cert")
            || (key.ends_with("router.tls") && value == "true")
            || (key.ends_with("router.entrypoints") && value.contains("websecure"))
            || (key == "kubernetes.io/ingress.allow-http" && value == "false")
            || (key.ends_with("listen-ports") && value.contains("https"))
    })
}

impl Rule for IngressWithoutTls {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        if object.kind != "Ingress" {
            return;
        }
        let Some(spec) = object.spec() else { return };
        let routes = ["rules", "defaultBackend", "backend"].iter().any(|k| spec.get(k).is_some_and(|n| !n.is_null()));
        if !routes || spec.get("tls").is_some_and(|t| !t.items().is_empty() || t.is_mapping()) || tls_elsewhere(object)
        {
            return;
        }
        report.report(
            spec.entry("tls").map_or(object.root.key_span("spec"), |e| e.key.span),
            format!(
                "{} has no `tls` section, so it serves plain HTTP; add `spec.tls` with a certificate secret",
                object.display_name()
            ),
        );
    }
}
