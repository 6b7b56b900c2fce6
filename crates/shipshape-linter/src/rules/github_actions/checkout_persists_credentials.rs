use super::workflow::Workflow;
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an `actions/checkout` step without `persist-credentials: false`
    /// unless a later step uploads its `.git` as an artifact
    /// (`checkout-credentials-in-artifact` reports that one instead).
    ///
    /// ## Why is this bad?
    /// The token stays in `.git/config` for the rest of the job, where every
    /// later step (a build script, a test, a third-party action) can read
    /// it. Most jobs never push; those that do can pass the token to that
    /// one step. This is advice.
    ///
    /// ## Example
    /// ```yaml
    /// - uses: actions/checkout@v4
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// - uses: actions/checkout@v4
    ///   with:
    ///     persist-credentials: false
    /// ```
    ///
    /// ## References
    /// - [zizmor: artipacked](https://docs.zizmor.sh/audits/#artipacked)
    pub struct CheckoutPersistsCredentials {
        id: "checkout-persists-credentials",
        severity: Info,
        domains: [GithubActions],
        summary: "Checkout keeps the token in `.git/config` for later steps",
    }
}

impl Rule for CheckoutPersistsCredentials {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        let uploaded: Vec<_> = workflow.checkouts_in_artifacts().into_iter().map(|(span, _)| span).collect();
        for span in workflow.persisting_checkouts().into_iter().filter(|span| !uploaded.contains(span)) {
            report.report(
                span,
                "the checkout keeps the token in `.git/config` for every later step; set `persist-credentials: false`",
            );
        }
    }
}
