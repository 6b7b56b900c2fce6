use super::rbac_wildcard::{strings, written_rbac_rules};
use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags the verbs `bind` and `escalate` on Roles or ClusterRoles, and
    /// `impersonate` on users, groups or service accounts, in a rule of a
    /// Role or ClusterRole. A `*` verb is reported by `rbac-wildcard`;
    /// ClusterRoles built by `aggregationRule` are skipped.
    ///
    /// ## Why is this bad?
    /// Kubernetes refuses to let a subject grant permissions it does not
    /// hold, and these verbs are the ways around that check: `escalate`
    /// lets it edit a role to hold anything, `bind` lets it bind any role
    /// (such as `cluster-admin`) to itself, and `impersonate` lets it act
    /// as another user or service account. Each is cluster admin with
    /// extra steps. Grant them only to the controllers that manage RBAC,
    /// limited with `resourceNames` where possible.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: [rbac.authorization.k8s.io]
    ///     resources: [clusterroles]
    ///     verbs: [get, list, bind, escalate]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// rules:
    ///   - apiGroups: [rbac.authorization.k8s.io]
    ///     resources: [clusterroles]
    ///     verbs: [get, list]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: privilege escalation prevention and bootstrapping](https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping)
    /// - [RBAC good practices](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb)
    /// - Checkov CKV_K8S_155, CKV_K8S_156, CKV_K8S_157
    pub struct RbacEscalationVerb {
        id: "rbac-escalation-verb",
        severity: Warning,
        domains: [Kubernetes],
        summary: "RBAC rule grants `bind`, `escalate` or `impersonate`",
    }
}

/// The verb, the API groups and resources it acts on, and what it allows.
const VERBS: &[(&str, &[&str], &[&str], &str)] = &[
    (
        "escalate",
        &["rbac.authorization.k8s.io"],
        &["roles", "clusterroles"],
        "edit roles to hold permissions they do not have",
    ),
    (
        "bind",
        &["rbac.authorization.k8s.io"],
        &["roles", "clusterroles"],
        "bind any role, `cluster-admin` included, to any subject",
    ),
    (
        "impersonate",
        &["", "authentication.k8s.io"],
        &["users", "groups", "serviceaccounts", "userextras", "uids"],
        "act as other users, groups or service accounts",
    ),
];

impl Rule for RbacEscalationVerb {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        for rule in written_rbac_rules(object) {
            let groups = strings(rule.get("apiGroups"));
            let resources = strings(rule.get("resources"));
            for verb in rule.get("verbs").map(|v| v.items()).unwrap_or(&[]) {
                let Some(name) = verb.as_str() else { continue };
                let Some((_, on_groups, on_resources, allows)) =
                    VERBS.iter().find(|(v, ..)| v.eq_ignore_ascii_case(name.trim()))
                else {
                    continue;
                };
                let group_matches = groups.iter().any(|g| *g == "*" || on_groups.contains(g));
                let resource_matches = resources.iter().any(|r| *r == "*" || on_resources.contains(r));
                if !group_matches || !resource_matches {
                    continue;
                }
                let limited = if rule.get("resourceNames").is_some_and(|n| !n.items().is_empty()) {
                    " (limited by `resourceNames`)"
                } else {
                    ""
                };
                report.report(
                    verb.span,
                    format!(
                        "{} grants `{name}`{limited}, which lets its subjects {allows}; grant it only to the \
                         controller that manages RBAC",
                        object.display_name()
                    ),
                );
            }
        }
    }
}
