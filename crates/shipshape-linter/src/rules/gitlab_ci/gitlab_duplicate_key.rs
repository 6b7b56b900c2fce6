use std::collections::HashMap;

use shipshape_yaml::Node;

use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support::Config;

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
    }
}

fn check(node: &Node, depth: usize, report: &mut Reporter<'_>) {
    if depth > 64 {
        return;
    }
    if let Some(entries) = node.as_mapping() {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for entry in entries {
            let Some(key) = entry.key.as_str() else { continue };
            if key == "<<" || entry.key.tag.is_some() {
                continue;
            }
            let count = seen.entry(key).or_insert(0);
            *count += 1;
            if *count > 1 {
                let what = if depth == 0 { "Job or keyword" } else { "Key" };
                report.report(
                    entry.key.span,
                    format!("{what} `{key}` is written again in the same mapping; GitLab keeps only this one and drops the earlier one"),
                );
            }
        }
        for entry in entries {
            check(&entry.value, depth + 1, report);
        }
    } else {
        for item in node.items() {
            check(item, depth + 1, report);
        }
    }
}

impl Rule for GitlabDuplicateKey {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::GitlabCi {
            return;
        }
        for doc in &Config::of_file(cx).docs {
            check(doc.root, 0, report);
        }
    }
}
