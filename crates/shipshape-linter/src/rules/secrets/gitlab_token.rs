use super::scanner::{provider_family, Pattern};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags GitLab tokens in any text file: personal, project and group
    /// access tokens (`glpat-…`, including the routable format), deploy
    /// tokens (`gldt-…`), runner authentication tokens (`glrt-…`), legacy
    /// runner registration tokens (`GR1348941…`), pipeline trigger tokens
    /// (`glptt-…`), CI/CD job tokens (`glcbt-…`), feed, incoming-mail,
    /// Kubernetes-agent, OAuth-application, SCIM and feature-flag tokens.
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
    /// Anyone who reads the file can use the token: an access token reads and
    /// pushes code with its owner's rights, a runner token lets a machine pose
    /// as a runner and receive CI jobs (with their variables and secrets), a
    /// trigger token starts pipelines.
    ///
    /// ## Example
    /// ```yaml
    /// variables:
    ///   GITLAB_TOKEN: glpat-Xk3…   # a real token
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # a masked, protected CI/CD variable set in Settings → CI/CD → Variables
    /// script:
    ///   - curl --header "PRIVATE-TOKEN: $GITLAB_TOKEN" "$CI_API_V4_URL/projects"
    /// ```
    ///
    /// ## References
    /// - [GitLab token overview: token prefixes](https://docs.gitlab.com/security/tokens/#token-prefixes)
    pub struct GitlabToken {
        id: "gitlab-token",
        severity: Error,
        domains: [Secrets],
        summary: "GitLab access, deploy, runner or trigger token in a file",
    }
}

static PATTERNS: &[Pattern] = &[
    Pattern::prefixed("GitLab access token", &["glpat-"], r"glpat-[0-9A-Za-z_-]{20,300}(?:\.[0-9a-z]{2}[0-9a-z]{7})?"),
    Pattern::prefixed("GitLab deploy token", &["gldt-"], r"gldt-[0-9A-Za-z_-]{20,}"),
    Pattern::prefixed(
        "GitLab runner authentication token",
        &["glrt-"],
        r"glrt-[0-9A-Za-z_-]{20,300}(?:\.[0-9a-z]{2}[0-9a-z]{7})?",
    ),
    Pattern::prefixed("GitLab runner registration token", &["GR1348941"], r"GR1348941[0-9A-Za-z_-]{20,}"),
    Pattern::prefixed("GitLab pipeline trigger token", &["glptt-"], r"glptt-[0-9a-f]{40}"),
    Pattern::prefixed("GitLab CI/CD job token", &["glcbt-"], r"glcbt-[0-9A-Za-z]{1,5}_[0-9A-Za-z_-]{20,}"),
    Pattern::prefixed("GitLab feed token", &["glft-"], r"glft-[0-9A-Za-z_-]{20,}"),
    Pattern::prefixed("GitLab incoming mail token", &["glimt-"], r"glimt-[0-9A-Za-z_-]{25,}"),
    Pattern::prefixed("GitLab Kubernetes agent token", &["glagent-"], r"glagent-[0-9A-Za-z_-]{50,}"),
    Pattern::prefixed("GitLab OAuth application secret", &["gloas-"], r"gloas-[0-9A-Za-z_-]{64,}"),
    Pattern::prefixed("GitLab SCIM token", &["glsoat-"], r"glsoat-[0-9A-Za-z_-]{20,}"),
    Pattern::prefixed("GitLab feature flag client token", &["glffct-"], r"glffct-[0-9A-Za-z_-]{20,}"),
    Pattern::prefixed("GitLab session cookie", &["_gitlab_session="], r"_gitlab_session=(?P<s>[0-9a-z]{32})"),
];

provider_family!(GitlabToken, PATTERNS);
