use std::collections::HashSet;

use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a job id written twice under `jobs:` (and a step `id` used
    /// twice in one job).
    ///
    /// ## Why is this bad?
    /// YAML parsers disagree about duplicate keys: most keep the last one
    /// silently, GitHub rejects the file. Either way one of the two jobs is
    /// not what runs, usually after a copy-and-paste. Two steps with the
    /// same `id` make `steps.<id>.outputs` ambiguous and GitHub rejects
    /// them too.
    ///
    /// ## Example
    /// ```yaml
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    ///     steps: [{ run: make test }]
    ///   test:
    ///     runs-on: windows-latest
    ///     steps: [{ run: make test }]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// jobs:
    ///   test-linux:
    ///     runs-on: ubuntu-latest
    ///     steps: [{ run: make test }]
    ///   test-windows:
    ///     runs-on: windows-latest
    ///     steps: [{ run: make test }]
    /// ```
    pub struct DuplicateWorkflowJob {
        id: "duplicate-workflow-job",
        severity: Error,
        domains: [GithubActions],
        summary: "Job id or step id is defined twice",
        kind: Defect,
    }
}

impl Rule for DuplicateWorkflowJob {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::GithubWorkflow {
            return;
        }
        let Some(document) = cx.documents.first() else { return };
        let Some(jobs) = document.root.get("jobs") else { return };
        let entries = jobs.as_mapping().unwrap_or(&[]);
        // The parser keeps the last of two equal keys and records the pair.
        let job_keys: HashSet<_> = entries.iter().map(|e| e.key.span).collect();
        for duplicate in &document.duplicate_keys {
            if job_keys.contains(&duplicate.span) {
                let id = &duplicate.key;
                report.report(duplicate.span, format!("job `{id}` is defined twice; GitHub rejects the workflow"));
            }
        }
        for entry in entries {
            let Some(id) = entry.key.as_str() else { continue };
            let steps = entry.value.get("steps").map(|s| s.items()).unwrap_or(&[]);
            let mut step_ids = HashSet::new();
            for step in steps {
                let Some(step_id) = step.get("id") else { continue };
                let Some(text) = step_id.as_str() else { continue };
                if !step_ids.insert(text) && !text.contains("${{") {
                    report.report(step_id.span, format!("step id `{text}` is used twice in job `{id}`"));
                }
            }
        }
    }
}
