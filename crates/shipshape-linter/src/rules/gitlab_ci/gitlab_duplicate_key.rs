use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a key written twice in the same mapping of a GitLab CI file:
    /// two jobs with the same name, two `script:` keys in one job, a
    /// variable defined twice in one `variables:` block. The finding is on
    /// the later key, which is the one GitLab keeps.
    ///
    /// ## Why is this bad?
    /// GitLab's YAML parser keeps the last value without a warning, so the
    /// earlier job or setting silently disappears: a job that was copied
    /// and not renamed replaces the original, a second `variables:` block
    /// drops the first. The file reads as if both were there.
    ///
    /// ## Example
    /// ```yaml
    /// test:
    ///   script: [make unit]
    ///
    /// test:
    ///   script: [make integration]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// test-unit:
    ///   script: [make unit]
    ///
    /// test-integration:
    ///   script: [make integration]
    /// ```
    pub struct GitlabDuplicateKey {
        id: "gitlab-duplicate-key",
        severity: Warning,
        domains: [GitlabCi],
        summary: "Key written twice in one mapping of a GitLab CI file",
        kind: Defect,
    }
}

impl Rule for GitlabDuplicateKey {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::GitlabCi {
            return;
        }
        for doc in cx.documents {
            let top = doc.root.as_mapping().unwrap_or(&[]);
            for duplicate in &doc.duplicate_keys {
                let what = if top.iter().any(|e| e.key.span == duplicate.span) { "Job or keyword" } else { "Key" };
                report.report(
                    duplicate.span,
                    format!(
                        "{what} `{}` is written again in the same mapping; GitLab keeps only this one and drops the earlier one",
                        duplicate.key
                    ),
                );
            }
        }
    }
}
