use super::scanner::{provider_family, Pattern};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags GitHub tokens in any text file: personal access tokens
    /// (`ghp_…`, fine-grained `github_pat_…`), OAuth tokens (`gho_…`),
    /// GitHub App user and installation tokens (`ghu_…`, `ghs_…`) and
    /// refresh tokens (`ghr_…`). Tokens that are visibly made up
    /// (`ghp_xxxx…`, counting runs, too little variety) are not flagged.
    ///
    /// The message names the signal (the provider's pattern and the value's
    /// entropy in bits per character). In tests, fixtures, documentation and
    /// examples a finding is a note that says where it sits ("in a fixture:
    /// the folder `testdata/`"). Credentials that providers publish as
    /// examples (AWS's `AKIA…EXAMPLE` keys, GitHub's token-format
    /// examples, Stripe's documented test keys, jwt.io's token) are never
    /// flagged: they are recognised by their SHA-256.
    ///
    /// ## Why is this bad?
    /// A token in a repository is readable by everyone who can read the
    /// repository, its forks, clones and CI logs, forever: deleting it in a
    /// later commit does not remove it from history. A personal access token
    /// acts as its owner on every repository the owner can reach.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   GH_TOKEN: ghp_R2d9…   # a real token
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// env:
    ///   GH_TOKEN: ${{ secrets.GH_TOKEN }}
    /// ```
    /// Revoke the leaked token first (Settings → Developer settings), then
    /// load the new one from a secret store.
    ///
    /// ## References
    /// - [About authentication to GitHub: token formats](https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/about-authentication-to-github#githubs-token-formats)
    pub struct GithubToken {
        id: "github-token",
        severity: Error,
        domains: [Secrets],
        summary: "GitHub access token in a file",
    }
}

static PATTERNS: &[Pattern] = &[
    Pattern::prefixed("GitHub personal access token", &["ghp_"], r"ghp_[0-9A-Za-z]{36}"),
    Pattern::prefixed("GitHub fine-grained personal access token", &["github_pat_"], r"github_pat_[0-9A-Za-z_]{82}"),
    Pattern::prefixed("GitHub OAuth access token", &["gho_"], r"gho_[0-9A-Za-z]{36}"),
    Pattern::prefixed("GitHub App user access token", &["ghu_"], r"ghu_[0-9A-Za-z]{36}"),
    Pattern::prefixed("GitHub App installation token", &["ghs_"], r"ghs_[0-9A-Za-z]{36}"),
    Pattern::prefixed("GitHub refresh token", &["ghr_"], r"ghr_[0-9A-Za-z]{36,76}"),
];

provider_family!(GithubToken, PATTERNS);
