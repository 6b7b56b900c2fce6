use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a part of a file that shipshape did not check in full because
    /// it is larger than a fixed budget: a Dockerfile instruction with too
    /// many line continuations or heredocs, a shell script split into too many
    /// commands, a YAML document whose aliases expand to too many nodes, a
    /// GitHub expression that is too long, or a line with too many findings
    /// of one rule (the first ones are shown).
    ///
    /// ## Why is this bad?
    /// The budgets keep every check linear in the size of its input, so that a
    /// crafted or generated file (a "billion laughs" YAML, a megabyte-long
    /// `RUN`) cannot stall or exhaust the machine running the audit. What lies
    /// beyond a budget is not checked, and saying so keeps it from passing
    /// silently; such files are rarely written by hand.
    ///
    /// ## Example
    /// ```yaml
    /// a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
    /// b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    /// c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    /// # ... nine levels more
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # Write the values out, or generate the file with a tool.
    /// a: [lol, lol, lol, lol, lol, lol, lol, lol, lol]
    /// ```
    pub struct InputBudgetExceeded {
        id: "input-budget-exceeded",
        severity: Warning,
        domains: [General],
        summary: "Part of a file is too large to check in full",
    }
}

impl Rule for InputBudgetExceeded {}
