use super::workflow::Workflow;
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an `actions/checkout` step without `persist-credentials: false`
    /// when a later step of the same job uploads, with
    /// `actions/upload-artifact`, a path that holds the checkout's `.git`:
    /// the workspace (`.`, `${{ github.workspace }}`, `**`), a folder
    /// around the checkout's `path`, or `.git` itself. Since
    /// `upload-artifact` v4.4 hidden files are left out unless
    /// `include-hidden-files: true`, so a folder upload with a version
    /// known to be newer (`v4.4.0`, `v5`, a `# v4.6.1` comment after a SHA,
    /// or `include-hidden-files: false`) does not leak; the moving `v4`
    /// tag is not relied on. An explicit `.git` path always leaks, and an
    /// exclusion `!.git` prevents it. Uploads of build output (`dist/`)
    /// are not flagged (`checkout-persists-credentials` still advises).
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
        for (span, uploaded) in workflow.checkouts_in_artifacts() {
            report.report(
                span,
                format!(
                    "the checkout keeps the token in `.git/config` and a later step uploads `{uploaded}`, which holds \
                     that `.git`; set `persist-credentials: false`"
                ),
            );
        }
    }
}
