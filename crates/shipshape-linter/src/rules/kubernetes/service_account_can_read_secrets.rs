use super::rbac_wildcard::{strings, written_rbac_rules};
use crate::context::{K8sObject, ObjectSet};
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a RoleBinding or ClusterRoleBinding that gives a ServiceAccount
    /// a role (found among the scanned objects) that can read Secrets:
    /// `get`, `list` or `watch` (or `*`) on `secrets` (or `*`) of the core
    /// API group, not limited by `resourceNames`.
    ///
    /// ## Why is this bad?
    /// A ServiceAccount's token is mounted into every pod that runs as it,
    /// so whoever gets code execution in one of those pods reads every
    /// Secret in reach: database passwords, TLS keys, other service
    /// accounts' tokens. `list` and `watch` return the values too, not just
    /// names. Controllers that manage Secrets need this; most workloads do
    /// not, and when they do, `resourceNames` limits it to the Secrets they
    /// use. This is a note to review, since operators often need it.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// metadata: {name: app}
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [secrets]
    ///     verbs: [get, list, watch]
    /// ---
    /// kind: ClusterRoleBinding
    /// roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: app}
    /// subjects:
    ///   - {kind: ServiceAccount, name: app, namespace: shop}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: Role
    /// metadata: {name: app, namespace: shop}
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [secrets]
    ///     resourceNames: [app-db]
    ///     verbs: [get]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: RBAC good practices, Secrets](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets)
    /// - Checkov CKV2_K8S_5
    pub struct ServiceAccountCanReadSecrets {
        id: "service-account-can-read-secrets",
        severity: Info,
        domains: [Kubernetes],
        summary: "ServiceAccount is bound to a role that can read Secrets",
    }
}

/// The verbs of the first rule of `role` that reads any Secret.
fn reads_secrets(role: &K8sObject) -> Option<Vec<&str>> {
    written_rbac_rules(role).iter().find_map(|rule| {
        let groups = strings(rule.get("apiGroups"));
        let resources = strings(rule.get("resources"));
        let verbs = strings(rule.get("verbs"));
        let core = groups.iter().any(|g| g.is_empty() || *g == "*");
        let secrets = resources.iter().any(|r| *r == "secrets" || *r == "*");
        let reading: Vec<&str> = verbs.into_iter().filter(|v| matches!(*v, "get" | "list" | "watch" | "*")).collect();
        let limited = rule.get("resourceNames").is_some_and(|n| !n.items().is_empty());
        (core && secrets && !reading.is_empty() && !limited).then_some(reading)
    })
}

impl Rule for ServiceAccountCanReadSecrets {
    fn check_objects(&self, set: &ObjectSet, report: &mut Reporter<'_>) {
        for binding in set.of_kinds(&["RoleBinding", "ClusterRoleBinding"]) {
            if !binding.group().starts_with("rbac.authorization") {
                continue;
            }
            let Some(role_ref) = binding.root.get("roleRef") else { continue };
            let (Some(kind), Some(name)) = (role_ref.str_at(&["kind"]), role_ref.str_at(&["name"])) else {
                continue;
            };
            let accounts: Vec<&str> = binding
                .root
                .get("subjects")
                .map(|s| s.items())
                .unwrap_or(&[])
                .iter()
                .filter(|s| s.str_at(&["kind"]) == Some("ServiceAccount"))
                .filter_map(|s| s.str_at(&["name"]))
                .collect();
            if accounts.is_empty() {
                continue;
            }
            let Some((role, verbs)) = set.named(binding, kind, name).find_map(|r| reads_secrets(r).map(|v| (r, v)))
            else {
                continue;
            };
            let scope = if binding.kind == "ClusterRoleBinding" { "in every namespace" } else { "in its namespace" };
            report.report(
                role_ref.key_span("name"),
                format!(
                    "{} lets ServiceAccount `{}` {} Secrets {scope} through {}; limit it with `resourceNames` or \
                     to the controller that needs it",
                    binding.display_name(),
                    accounts.join("`, `"),
                    verbs.join("/"),
                    role.display_name()
                ),
            );
        }
    }
}
