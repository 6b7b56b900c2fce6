use shipshape_yaml::Node;

use super::support;
use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an Argo CD `AppProject` that allows everything somewhere:
    /// `*` in `sourceRepos` or `sourceNamespaces`, a `destinations` entry
    /// whose `server`, `name` or `namespace` is `*`, or a
    /// `clusterResourceWhitelist` entry with group `*` and kind `*`.
    ///
    /// ## Why is this bad?
    /// A project is the security boundary of the Applications in it. A
    /// wildcard source lets them deploy from any repository, a wildcard
    /// destination to any cluster or namespace (`kube-system` included),
    /// and a wildcard cluster resource lets them create ClusterRoles,
    /// webhooks and CRDs: anyone who can write one Application of the
    /// project, or its repository, owns the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// kind: AppProject
    /// spec:
    ///   sourceRepos: ['*']
    ///   destinations:
    ///     - {server: '*', namespace: '*'}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: AppProject
    /// spec:
    ///   sourceRepos: ['https://github.com/acme/shop-deploy.git']
    ///   destinations:
    ///     - {server: https://kubernetes.default.svc, namespace: shop}
    /// ```
    ///
    /// ## References
    /// - [Argo CD: projects](https://argo-cd.readthedocs.io/en/stable/user-guide/projects/)
    pub struct AppProjectWildcard {
        id: "app-project-wildcard",
        severity: Warning,
        domains: [Gitops],
        summary: "AppProject allows any source, destination or cluster resource (`*`)",
    }
}

fn is_star(node: &Node) -> bool {
    node.as_str().is_some_and(|s| s.trim() == "*")
}

impl Rule for AppProjectWildcard {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        if !support::is_argo(object, "AppProject") {
            return;
        }
        let Some(spec) = object.spec() else { return };
        let name = object.display_name();
        for (key, what) in [("sourceRepos", "any repository"), ("sourceNamespaces", "Applications of any namespace")] {
            for item in spec.get(key).map(Node::items).unwrap_or(&[]) {
                if is_star(item) {
                    report.report(item.span, format!("{name} allows {what} (`{key}: *`); list them"));
                }
            }
        }
        for destination in spec.get("destinations").map(Node::items).unwrap_or(&[]) {
            for (key, what) in [("server", "any cluster"), ("name", "any cluster"), ("namespace", "any namespace")] {
                if let Some(value) = destination.get(key).filter(|v| is_star(v)) {
                    report.report(
                        value.span,
                        format!("{name} lets its Applications deploy to {what} (`{key}: *`); list the destinations"),
                    );
                }
            }
        }
        for item in spec.get("clusterResourceWhitelist").map(Node::items).unwrap_or(&[]) {
            if item.get("group").is_some_and(is_star) && item.get("kind").is_some_and(is_star) {
                let span = item.get("kind").map_or(item.span, |k| k.span);
                report.report(
                    span,
                    format!(
                        "{name} lets its Applications create any cluster-scoped resource (ClusterRoles, webhooks, \
                         CRDs); list the kinds they need"
                    ),
                );
            }
        }
    }
}
