use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a ClusterRoleBinding or RoleBinding that grants the
    /// `cluster-admin` ClusterRole to a subject that stands for many
    /// identities: the `default` ServiceAccount of a namespace, the groups
    /// `system:authenticated`, `system:unauthenticated`,
    /// `system:serviceaccounts` or `system:serviceaccounts:<namespace>`, or
    /// the user `system:anonymous`.
    ///
    /// ## Why is this bad?
    /// Every pod that does not name a ServiceAccount runs as `default`, and
    /// every authenticated client (or anyone, for the unauthenticated
    /// groups) belongs to those groups: the binding makes all of them
    /// cluster administrators. One compromised pod or leaked low-privilege
    /// token then owns the cluster. Bind a dedicated ServiceAccount to a
    /// role with only the permissions it needs.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: cluster-admin
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: default
    ///     namespace: tools
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: deployer
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: deployer
    ///     namespace: tools
    /// ```
    pub struct ClusterAdminBoundToBroadSubject {
        id: "cluster-admin-bound-to-broad-subject",
        severity: Error,
        domains: [Kubernetes],
        summary: "`cluster-admin` is granted to a default account or a broad group",
    }
}

fn broad(kind: &str, name: &str) -> Option<&'static str> {
    match kind {
        "ServiceAccount" if name == "default" => {
            Some("the `default` ServiceAccount, which every pod without its own uses")
        }
        "Group" if name == "system:authenticated" => Some("every authenticated user and service account"),
        "Group" if name == "system:unauthenticated" => Some("anonymous clients"),
        "Group" if name == "system:serviceaccounts" => Some("every service account of the cluster"),
        "Group" if name.starts_with("system:serviceaccounts:") => Some("every service account of a namespace"),
        "User" if name == "system:anonymous" => Some("anonymous clients"),
        _ => None,
    }
}

impl Rule for ClusterAdminBoundToBroadSubject {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        if !matches!(object.kind.as_str(), "ClusterRoleBinding" | "RoleBinding") {
            return;
        }
        let role = object.root.get("roleRef");
        if role.and_then(|r| r.str_at(&["name"])) != Some("cluster-admin")
            || role.and_then(|r| r.str_at(&["kind"])).is_some_and(|k| k != "ClusterRole")
        {
            return;
        }
        for subject in object.root.get("subjects").map(|s| s.items()).unwrap_or(&[]) {
            let (Some(kind), Some(name)) = (subject.str_at(&["kind"]), subject.get("name")) else { continue };
            let Some(who) = name.as_str().and_then(|n| broad(kind, n)) else { continue };
            report.report(
                name.span,
                format!(
                    "{} grants `cluster-admin` to {who}; bind a dedicated ServiceAccount to a narrower role",
                    object.display_name()
                ),
            );
        }
    }
}
