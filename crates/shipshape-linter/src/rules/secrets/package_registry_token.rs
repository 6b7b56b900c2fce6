use std::sync::LazyLock;

use super::scanner::{decode_base64, Pattern, Scanner};
use crate::context::TextContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::secret_values::is_placeholder;

declare_rule! {
    /// ## What it does
    /// Flags credentials of package and image registries in any text file:
    /// npm access tokens (`npm_…`) and literal `_authToken=` / `_auth=` /
    /// `_password=` values in `.npmrc`; PyPI and TestPyPI upload tokens
    /// (`pypi-AgEI…`); RubyGems (`rubygems_…`), NuGet (`oy2…`), Clojars and
    /// crates.io tokens; Docker Hub personal and organisation access tokens
    /// (`dckr_pat_…`, `dckr_oat_…`) and `auth` entries of a Docker
    /// `config.json`; JFrog Artifactory API keys and reference tokens.
    ///
    /// `.npmrc` lines that read the token from the environment
    /// (`_authToken=${NPM_TOKEN}`) are not flagged.
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
    /// A publish token lets anyone push a new version of your package or image,
    /// which every consumer then installs: the classic supply-chain attack.
    ///
    /// ## Example
    /// ```ini
    /// # .npmrc
    /// //registry.npmjs.org/:_authToken=npm_f3K…   # a real token
    /// ```
    ///
    /// Use instead:
    /// ```ini
    /// //registry.npmjs.org/:_authToken=${NPM_TOKEN}
    /// ```
    /// Or, better, publish with short-lived OIDC credentials (npm and PyPI
    /// trusted publishing).
    ///
    /// ## References
    /// - [npm: Using private packages in a CI/CD workflow](https://docs.npmjs.com/using-private-packages-in-a-ci-cd-workflow)
    /// - [PyPI: Trusted publishers](https://docs.pypi.org/trusted-publishers/)
    pub struct PackageRegistryToken {
        id: "package-registry-token",
        severity: Error,
        domains: [Secrets],
        summary: "Package or image registry token (npm, PyPI, Docker Hub…) in a file",
    }
}

/// A Docker `config.json` `auth` value: base64 of `user:password`.
fn is_basic_credential(value: &str) -> bool {
    let Some(decoded) = decode_base64(value) else { return false };
    let Ok(text) = String::from_utf8(decoded) else { return false };
    let Some((user, password)) = text.split_once(':') else { return false };
    !user.is_empty() && !password.is_empty() && text.chars().all(|c| !c.is_control()) && !is_placeholder(password)
}

fn is_literal_token(value: &str) -> bool {
    !is_placeholder(value)
}

static PATTERNS: &[Pattern] = &[
    Pattern::prefixed("npm access token", &["npm_"], r"npm_[A-Za-z0-9]{36}"),
    Pattern::prefixed(
        "npm auth token in .npmrc",
        &["_authToken"],
        r#"_authToken\s*=\s*["']?(?P<s>[A-Za-z0-9._~+/=-]{20,})"#,
    )
    .check(is_literal_token),
    Pattern::prefixed(
        "npm basic auth in .npmrc",
        &["_auth", "_password"],
        r#"(?:^|:)(?:_auth|_password)\s*=\s*["']?(?P<s>[A-Za-z0-9+/]{12,}={0,2})"#,
    )
    .check(is_literal_token),
    Pattern::prefixed(
        "PyPI upload token",
        &["pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"],
        r"pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[0-9A-Za-z_-]{50,}",
    ),
    Pattern::prefixed("RubyGems API key", &["rubygems_"], r"rubygems_[a-f0-9]{48}"),
    Pattern::prefixed("NuGet API key", &["oy2"], r"oy2[a-z0-9]{43}").entropy(3.5),
    Pattern::prefixed("Clojars deploy token", &["CLOJARS_"], r"CLOJARS_[a-z0-9]{60}"),
    Pattern::near(
        "crates.io API token",
        &["cargo", "crates"],
        r"(?i:cargo|crates)[\t -~]{0,40}?\b(?P<s>cio[A-Za-z0-9]{32})\b",
    )
    .entropy(4.0),
    Pattern::prefixed(
        "Docker Hub access token",
        &["dckr_pat_", "dckr_oat_"],
        r"dckr_pat_[A-Za-z0-9_-]{27}|dckr_oat_[A-Za-z0-9_-]{32}",
    ),
    Pattern::prefixed(
        "Docker registry credential in config.json",
        &["\"auth\""],
        r#""auth"\s*:\s*"(?P<s>[A-Za-z0-9+/]{8,}={0,2})""#,
    )
    .entropy(2.5)
    .check(is_basic_credential),
    Pattern::prefixed("JFrog Artifactory API key", &["AKCp"], r"AKCp[A-Za-z0-9]{69}").entropy(4.5),
    Pattern::prefixed("JFrog Artifactory reference token", &["cmVmd"], r"cmVmd[A-Za-z0-9]{59}").entropy(4.5),
];

pub(crate) static SCANNER: LazyLock<Scanner> = LazyLock::new(|| Scanner::new(PATTERNS));

impl Rule for PackageRegistryToken {
    fn check_text(&self, cx: &TextContext<'_>, report: &mut Reporter<'_>) {
        SCANNER.report_all(cx, report);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_compile() {
        super::super::scanner::tests::assert_compiles(PATTERNS);
    }

    #[test]
    fn docker_auth() {
        // base64 of "ci-bot:" + "Tq7…" assembled from pieces.
        let credential = format!("{}:{}", "ci-bot", "Tq7vLm2Xz9Rk");
        let encoded = encode(credential.as_bytes());
        assert!(is_basic_credential(&encoded));
        assert!(!is_basic_credential(&encode(b"user:${PASSWORD}")));
        assert!(!is_basic_credential(&encode(b"no colon here")));
    }

    fn encode(bytes: &[u8]) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..=chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            }
        }
        while out.len() & 3 != 0 {
            out.push('=');
        }
        out
    }
}
