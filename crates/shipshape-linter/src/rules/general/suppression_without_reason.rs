use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a `# shipshape: ignore[...]` comment that gives no reason, or
    /// that names a rule that does not exist.
    ///
    /// ## Why is this bad?
    /// A suppression hides a finding from everyone who reads the report later.
    /// Without a reason, nobody can tell whether it was a deliberate, reviewed
    /// exception or a shortcut; a misspelt rule id suppresses nothing.
    ///
    /// ## Example
    /// ```dockerfile
    /// # shipshape: ignore[final-stage-runs-as-root]
    /// FROM nginx:1.27
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # shipshape: ignore[final-stage-runs-as-root] nginx drops privileges in its workers
    /// FROM nginx:1.27
    /// ```
    pub struct SuppressionWithoutReason {
        id: "suppression-without-reason",
        severity: Warning,
        domains: [General],
        summary: "Suppression comment without a reason or with an unknown rule id",
    }
}

impl Rule for SuppressionWithoutReason {}
