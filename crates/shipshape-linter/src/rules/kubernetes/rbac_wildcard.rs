use shipshape_yaml::Node;

use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `*` in the `verbs`, `resources` or `nonResourceURLs` of a rule
    /// of a Role or ClusterRole. ClusterRoles built by `aggregationRule`
    /// are skipped, since the control plane fills in their rules.
    ///
    /// ## Why is this bad?
    /// A wildcard grants more than anyone reviewed, including what does not
    /// exist yet: `resources: ["*"]` covers Secrets and every custom
    /// resource installed later, `verbs: ["*"]` covers `escalate`, `bind`
    /// and `impersonate`, which turn a narrow role into cluster admin.
    /// List the resources and verbs the subject needs.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["*"]
    ///     verbs: ["*"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [configmaps]
    ///     verbs: [get, list, watch]
    /// ```
    ///
    /// ## References
    /// - [RBAC good practices](https://kubernetes.io/docs/concepts/security/rbac-good-practices/)
    pub struct RbacWildcard {
        id: "rbac-wildcard",
        severity: Warning,
        domains: [Kubernetes],
        summary: "RBAC rule grants `*` verbs or resources",
    }
}

/// The rules of a Role or ClusterRole written by hand (an aggregated
/// ClusterRole's rules are filled in by the control plane); none for other
/// objects.
pub(crate) fn written_rbac_rules(object: &K8sObject) -> &[Node] {
    let is_role =
        matches!(object.kind.as_str(), "Role" | "ClusterRole") && object.group().starts_with("rbac.authorization");
    if !is_role || object.root.get("aggregationRule").is_some() {
        return &[];
    }
    object.root.get("rules").map(|r| r.items()).unwrap_or(&[])
}

/// The strings of a list field (`apiGroups`, `resources`, `verbs`).
pub(crate) fn strings(node: Option<&Node>) -> Vec<&str> {
    node.map(|n| n.items()).unwrap_or(&[]).iter().filter_map(|n| n.as_str()).collect()
}

impl Rule for RbacWildcard {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        for rule in written_rbac_rules(object) {
            let groups = strings(rule.get("apiGroups"));
            let all_groups = groups.contains(&"*");
            let core = groups.contains(&"");
            let rbac = groups.contains(&"rbac.authorization.k8s.io");
            let verbs = if all_groups || (core && rbac) {
                "every verb, including `escalate`, `bind` and `impersonate`"
            } else if rbac {
                "every verb, including `escalate` and `bind`"
            } else if core {
                "every verb, including `impersonate` of service accounts"
            } else {
                "every verb, including `delete` and `deletecollection`"
            };
            // Secrets are in the core group (`""`).
            let resources = if all_groups {
                "every resource of every API group, Secrets included"
            } else if core {
                "every resource of the core API group, Secrets included"
            } else {
                "every resource of its API groups, custom resources installed later included"
            };
            for (field, what) in
                [("verbs", verbs), ("resources", resources), ("nonResourceURLs", "every non-resource URL")]
            {
                let items = rule.get(field).map(|n| n.items()).unwrap_or(&[]);
                if let Some(star) = items.iter().find(|i| matches!(i.as_str(), Some("*" | "*/*"))) {
                    report.report(
                        star.span,
                        format!("{} grants {what} (`{field}: [\"*\"]`); list what is needed", object.display_name()),
                    );
                }
            }
        }
    }
}
