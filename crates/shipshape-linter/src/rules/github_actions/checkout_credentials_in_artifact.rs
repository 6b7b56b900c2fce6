use super::workflow::Workflow;
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an `actions/checkout` step without `persist-credentials: false`
    /// in a workflow that uploads an artifact.
    ///
    /// ## Why is this bad?
    /// By default `actions/checkout` writes the job's token into
    /// `.git/config` so that later steps can push. A step that then uploads
    /// the working directory (or a folder that contains the checkout) as an
    /// artifact publishes that token to anyone who can download the
    /// artifact, which on a public repository is everyone ("ArtiPACKED").
    /// Turn persistence off, and give the token explicitly to the one step
    /// that pushes, if any.
    ///
    /// ## Example
    /// ```yaml
    /// - uses: actions/checkout@v4
    /// - run: make dist
    /// - uses: actions/upload-artifact@v4
    ///   with:
    ///     path: .
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// - uses: actions/checkout@v4
    ///   with:
    ///     persist-credentials: false
    /// - run: make dist
    /// - uses: actions/upload-artifact@v4
    ///   with:
    ///     path: dist/
    /// ```
    ///
    /// ## References
    /// - [ArtiPACKED: hacking giants through a race condition in GitHub Actions artifacts](https://unit42.paloaltonetworks.com/github-repo-artifacts-leak-tokens/)
    /// - [zizmor: artipacked](https://docs.zizmor.sh/audits/#artipacked)
    pub struct CheckoutCredentialsInArtifact {
        id: "checkout-credentials-in-artifact",
        severity: Warning,
        domains: [GithubActions],
        summary: "Checkout keeps the token on disk in a workflow that uploads artifacts",
    }
}

impl Rule for CheckoutCredentialsInArtifact {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        if workflow.artifact_upload().is_none() {
            return;
        }
        for span in workflow.persisting_checkouts() {
            report.report(
                span,
                "the checkout keeps the token in `.git/config` and this workflow uploads artifacts; set `persist-credentials: false`",
            );
        }
    }
}
