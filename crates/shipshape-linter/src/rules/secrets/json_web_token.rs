use std::sync::LazyLock;

use super::scanner::{decode_base64, looks_fake, Pattern, Scanner};
use crate::context::TextContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags signed JSON web tokens (`eyJ….eyJ….…`) in any text file: a
    /// header and a payload that decode to JSON objects, the header naming
    /// its `alg`, and a signature.
    ///
    /// Not flagged: unsigned tokens, tokens whose payload says they are for
    /// anonymous use (`"role": "anon"`, like Supabase's public anon key),
    /// and the well-known documentation token of jwt.io.
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
    /// A JWT is a bearer credential: whoever holds it is whoever it names,
    /// until it expires. Tokens committed to a repository often never expire
    /// (Kubernetes service-account tokens of the legacy kind, API keys of
    /// hosted services issued as JWTs).
    ///
    /// ## Example
    /// ```yaml
    /// headers:
    ///   Authorization: Bearer eyJhbGciOi….eyJzdWIiOi….SflKxw…
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// headers:
    ///   Authorization: Bearer ${API_TOKEN}
    /// ```
    /// and issue short-lived tokens at run time.
    ///
    /// ## References
    /// - [RFC 7519: JSON Web Token](https://www.rfc-editor.org/rfc/rfc7519)
    pub struct JsonWebToken {
        id: "json-web-token",
        severity: Warning,
        domains: [Secrets],
        summary: "Signed JSON web token (JWT) in a file",
    }
}

fn decoded(part: &str) -> Option<String> {
    decode_base64(part).and_then(|bytes| String::from_utf8(bytes).ok())
}

/// A real, signed, non-public JWT.
fn is_signed_jwt(token: &str) -> bool {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let (Some(header), Some(payload)) = (decoded(header), decoded(payload)) else { return false };
    let compact: String = payload.chars().filter(|c| !c.is_whitespace()).collect();
    header.trim_start().starts_with('{')
        && header.contains("\"alg\"")
        && !header.contains("\"none\"")
        && compact.starts_with('{')
        && !compact.contains("\"role\":\"anon\"")
        && !compact.contains("JohnDoe")
        && !looks_fake(&compact)
        && signature.len() >= 16
}

static PATTERNS: &[Pattern] = &[Pattern::prefixed(
    "JSON web token",
    &["eyJ"],
    r"eyJ[A-Za-z0-9_-]{10,}={0,2}\.eyJ[A-Za-z0-9_-]{10,}={0,2}\.[A-Za-z0-9_-]{16,}={0,2}",
)
.check(is_signed_jwt)];

pub(crate) static SCANNER: LazyLock<Scanner> = LazyLock::new(|| Scanner::new(PATTERNS));

impl Rule for JsonWebToken {
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
    fn signed_tokens_only() {
        let header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"; // {"alg":"HS256","typ":"JWT"}
        let payload = "eyJzdWIiOiJzdmMtZGVwbG95IiwiaWF0IjoxNzE0NTYzMjg3fQ"; // {"sub":"svc-deploy","iat":1714563287}
        let signature = "q3Zr8Lk2PwX9mVt4Yb7NcJ1dHs6Ga5Fe0Ru";
        assert!(is_signed_jwt(&format!("{header}.{payload}.{signature}")));
        let anon = "eyJyb2xlIjoiYW5vbiIsImlzcyI6InN1cGFiYXNlIn0"; // {"role":"anon","iss":"supabase"}
        assert!(!is_signed_jwt(&format!("{header}.{anon}.{signature}")));
        let none = "eyJhbGciOiJub25lIn0"; // {"alg":"none"}
        assert!(!is_signed_jwt(&format!("{none}.{payload}.{signature}")));
    }
}
