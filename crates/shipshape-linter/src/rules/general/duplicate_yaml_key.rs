use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};
use crate::rules::kubernetes::is_object_document;

declare_rule! {
    /// ## What it does
    /// Flags a key written twice in one mapping of a YAML file that is not
    /// a Kubernetes object (workflows, kustomizations, Helm values, Argo CD
    /// and other configuration), at the later key. The other rules check
    /// the later value, the one most YAML libraries keep.
    ///
    /// Kubernetes objects have `duplicate-manifest-key`, GitLab CI files
    /// `gitlab-duplicate-key` and GitHub workflow jobs
    /// `duplicate-workflow-job` instead.
    ///
    /// ## Why is this bad?
    /// YAML forbids duplicate keys, but consumers disagree about them:
    /// PyYAML and go-yaml maps keep the last value silently, go-yaml v3
    /// structs and GitHub Actions reject the file. The earlier value reads
    /// as if it applied and does not, and a setting can hide below a
    /// harmless one.
    ///
    /// ## Example
    /// ```yaml
    /// permissions:
    ///   contents: read
    ///   contents: write
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// permissions:
    ///   contents: read
    /// ```
    pub struct DuplicateYamlKey {
        id: "duplicate-yaml-key",
        severity: Warning,
        domains: [General],
        summary: "Key written twice in one mapping of a YAML file",
        kind: Defect,
    }
}

impl Rule for DuplicateYamlKey {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role == YamlRole::GitlabCi {
            return;
        }
        for document in cx.documents.iter().filter(|d| !is_object_document(cx.role, d)) {
            let jobs = match cx.role {
                YamlRole::GithubWorkflow => document.root.get("jobs").and_then(|j| j.as_mapping()).unwrap_or(&[]),
                _ => &[],
            };
            for duplicate in &document.duplicate_keys {
                if jobs.iter().any(|e| e.key.span == duplicate.span) {
                    continue;
                }
                report.report(
                    duplicate.span,
                    format!(
                        "Key `{}` is written twice in this mapping; most tools keep only this later value, some \
                         reject the file",
                        duplicate.key
                    ),
                );
            }
        }
    }
}
