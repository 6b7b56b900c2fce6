use super::scanner::{provider_family, Pattern};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags credentials that unlock a secret manager, in any text file:
    /// HashiCorp Vault service and batch tokens (`hvs.…`, `hvb.…`, and legacy
    /// `s.…` tokens next to the word `vault`), Doppler tokens (`dp.pt.…`,
    /// `dp.st.…`, `dp.sa.…`), 1Password service-account tokens (`ops_eyJ…`)
    /// and account secret keys (`A3-…`), and age secret keys
    /// (`AGE-SECRET-KEY-1…`, which decrypt SOPS files).
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
    /// These are the keys to every other secret: a Vault or Doppler token
    /// reads whatever its policy allows, an age key decrypts every file
    /// encrypted to it. Committing one defeats the secret manager.
    ///
    /// ## Example
    /// ```bash
    /// export VAULT_TOKEN=hvs.CAESI…   # a real token
    /// ```
    ///
    /// Use instead:
    /// ```bash
    /// # authenticate the workload instead of storing a token
    /// vault login -method=kubernetes role=deploy
    /// ```
    ///
    /// ## References
    /// - [Vault: Tokens](https://developer.hashicorp.com/vault/docs/concepts/tokens)
    pub struct SecretManagerToken {
        id: "secret-manager-token",
        severity: Error,
        domains: [Secrets],
        summary: "Vault, Doppler, 1Password or age secret key in a file",
    }
}

static PATTERNS: &[Pattern] = &[
    Pattern::prefixed("HashiCorp Vault service token", &["hvs."], r"hvs\.[A-Za-z0-9_-]{90,120}").entropy(3.5),
    Pattern::prefixed("HashiCorp Vault batch token", &["hvb."], r"hvb\.[A-Za-z0-9_-]{138,300}").entropy(4.0),
    Pattern::near(
        "HashiCorp Vault token",
        &["vault"],
        r"(?i:vault)[\t -~]{0,40}?\b(?P<s>s\.[A-Za-z0-9]{24})(?:(?u:[^A-Za-z0-9])|$)",
    )
    .entropy(3.5),
    Pattern::prefixed(
        "Doppler token",
        &["dp.pt.", "dp.st.", "dp.ct.", "dp.sa.", "dp.scim.", "dp.audit."],
        r"dp\.(?:pt|st|ct|sa|scim|audit)\.[A-Za-z0-9]{40,44}",
    ),
    Pattern::prefixed("1Password service account token", &["ops_eyJ"], r"ops_eyJ[A-Za-z0-9+/]{250,}={0,3}")
        .entropy(4.0),
    Pattern::prefixed(
        "1Password account secret key",
        &["A3-"],
        r"A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}",
    )
    .entropy(3.8),
    Pattern::prefixed("age secret key", &["AGE-SECRET-KEY-1"], r"AGE-SECRET-KEY-1[0-9A-Z]{58}"),
];

provider_family!(SecretManagerToken, PATTERNS);
