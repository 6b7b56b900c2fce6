use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags every `CMD` of a stage but the last, and every `ENTRYPOINT` of
    /// a stage but the last.
    ///
    /// ## Why is this bad?
    /// Only the last `CMD` and the last `ENTRYPOINT` of a stage take effect;
    /// the earlier ones are silently ignored. They usually come from a
    /// merge or a copy-paste, and a reader cannot tell which one was meant
    /// to run.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["npm", "run", "migrate"]
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// CMD ["node", "server.js"]
    /// ```
    pub struct MultipleCmdOrEntrypoint {
        id: "multiple-cmd-or-entrypoint",
        severity: Warning,
        domains: [Dockerfile],
        summary: "More than one `CMD` or `ENTRYPOINT` in a stage",
        kind: Defect,
    }
}

impl Rule for MultipleCmdOrEntrypoint {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        for stage in &df.stages {
            for keyword in ["CMD", "ENTRYPOINT"] {
                let found: Vec<_> = support::body(df, stage).filter(|(_, i)| i.keyword == keyword).collect();
                for (_, instruction) in found.iter().take(found.len().saturating_sub(1)) {
                    report.report(
                        instruction.keyword_span,
                        format!(
                            "This `{keyword}` is ignored: only the last `{keyword}` of a stage takes effect; remove it"
                        ),
                    );
                }
            }
        }
    }
}
