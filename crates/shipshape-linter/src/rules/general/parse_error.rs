use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a Dockerfile or YAML file that cannot be parsed, at the line
    /// where parsing failed.
    ///
    /// ## Why is this bad?
    /// A file that does not parse cannot be built or applied, and none of the
    /// other rules can check it. Reporting it (rather than skipping it
    /// silently) keeps broken delivery files from hiding.
    ///
    /// Helm chart templates and other Go-templated YAML are not parsed as
    /// YAML, so they never produce this finding. In documentation and
    /// examples (`docs/`, `examples/`…), where snippets elide parts with
    /// `...`, a parse error is reported as info and says so.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: [nginx
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: nginx:1.27
    /// ```
    pub struct ParseError {
        id: "parse-error",
        severity: Error,
        domains: [General],
        summary: "File cannot be parsed",
    }
}

impl Rule for ParseError {}
