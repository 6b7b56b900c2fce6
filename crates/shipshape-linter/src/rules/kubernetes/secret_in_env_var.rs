use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a container that reads a Secret into environment variables:
    /// an `env[].valueFrom.secretKeyRef`, or an `envFrom[].secretRef`.
    ///
    /// ## Why is this bad?
    /// Environment variables leak more easily than files: they are copied
    /// to every child process, printed by crash reporters, debug endpoints
    /// and `env` in a shell, kept in `/proc/<pid>/environ`, and never
    /// updated when the Secret rotates. A Secret mounted as a volume is a
    /// file only the process reads, with permissions you choose, and is
    /// refreshed in place. This is advice, hence a note, and off by default
    /// (list it under `enable` in the `[check]` table of `shipshape.toml`).
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: DB_PASSWORD
    ///     valueFrom:
    ///       secretKeyRef: {name: db, key: password}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// volumeMounts:
    ///   - name: db
    ///     mountPath: /var/run/secrets/db
    ///     readOnly: true
    /// # and in the pod:
    /// volumes:
    ///   - name: db
    ///     secret: {secretName: db, defaultMode: 0400}
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: good practices for Secrets](https://kubernetes.io/docs/concepts/security/secrets-good-practices/)
    /// - Checkov CKV_K8S_35
    pub struct SecretInEnvVar {
        id: "secret-in-env-var",
        severity: Info,
        domains: [Kubernetes],
        summary: "Container reads a Secret into environment variables instead of a file",
        enabled_by_default: false,
    }
}

impl Rule for SecretInEnvVar {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object) else { return };
        for container in template.containers() {
            for var in container.node.get("env").map(|e| e.items()).unwrap_or(&[]) {
                let Some(reference) = var.path(&["valueFrom", "secretKeyRef"]) else { continue };
                let name = var.str_at(&["name"]).unwrap_or("a variable");
                let secret = reference.str_at(&["name"]).unwrap_or("a Secret");
                report.report(
                    var.key_span("valueFrom"),
                    format!(
                        "{} reads Secret `{secret}` into the environment variable `{name}`; mount it as a file",
                        container.describe(object)
                    ),
                );
            }
            for source in container.node.get("envFrom").map(|e| e.items()).unwrap_or(&[]) {
                let Some(reference) = source.get("secretRef") else { continue };
                let secret = reference.str_at(&["name"]).unwrap_or("a Secret");
                report.report(
                    source.key_span("secretRef"),
                    format!(
                        "{} loads every key of Secret `{secret}` into environment variables; mount it as a file",
                        container.describe(object)
                    ),
                );
            }
        }
    }
}
