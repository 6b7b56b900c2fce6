use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::secret_values;

declare_rule! {
    /// ## What it does
    /// Flags credentials passed through `ARG` and `ENV`:
    /// - an `ARG` whose name says it holds a credential (`NPM_TOKEN`,
    ///   `DB_PASSWORD`, `AWS_SECRET_ACCESS_KEY`), with or without a default;
    /// - an `ENV` with such a name and a value, including a value copied
    ///   from a build argument (`ENV TOKEN=$TOKEN`);
    /// - an `ARG` or `ENV` of any name whose value has the shape of a known
    ///   credential (AWS access key ids, GitHub, GitLab, Slack, Stripe,
    ///   npm, PyPI, Hugging Face and Google API tokens).
    ///
    /// Names that say where a credential is rather than holding it
    /// (`PASSWORD_FILE`, `TOKEN_URL`, `SECRET_NAME`) are not flagged, nor is
    /// an `ENV` with an empty value. Credential values are redacted in the
    /// output.
    ///
    /// ## Why is this bad?
    /// Build arguments are recorded in the image history (`docker history`
    /// shows them for every `RUN` that used them) and in the build cache,
    /// and `ENV` values are stored in the image configuration: anyone who
    /// can pull the image can read them. BuildKit secret mounts expose a
    /// secret to a single `RUN` without storing it anywhere.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG NPM_TOKEN
    /// RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
    /// ENV DB_PASSWORD=s3cr3t-pa55
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// # and pass DB_PASSWORD at run time (Kubernetes Secret, --env-file)
    /// ```
    ///
    /// ## References
    /// - [Docker: build secrets](https://docs.docker.com/build/building/secrets/)
    /// - [Docker build checks: SecretsUsedInArgOrEnv](https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/)
    pub struct SecretInArgOrEnv {
        id: "secret-in-arg-or-env",
        severity: Error,
        domains: [Dockerfile],
        summary: "Credential passed through `ARG` or `ENV`",
    }
}

/// Prefixes of well-known credential formats, with the least number of
/// characters that follow them.
const KNOWN_PREFIXES: &[(&str, usize)] = &[
    ("AKIA", 16),
    ("ASIA", 16),
    ("ghp_", 30),
    ("gho_", 30),
    ("ghu_", 30),
    ("ghs_", 30),
    ("ghr_", 30),
    ("github_pat_", 40),
    ("glpat-", 20),
    ("xoxb-", 20),
    ("xoxp-", 20),
    ("xoxa-", 20),
    ("xoxs-", 20),
    ("xapp-", 20),
    ("sk_live_", 20),
    ("rk_live_", 20),
    ("npm_", 36),
    ("pypi-", 50),
    ("hf_", 30),
    ("AIza", 35),
    ("dop_v1_", 60),
    ("sk-proj-", 40),
    ("SG.", 60),
];

/// True when `value` has the shape of a well-known credential.
pub(crate) fn is_known_credential(value: &str) -> bool {
    let value = value.trim().trim_matches(['"', '\'']);
    KNOWN_PREFIXES.iter().any(|(prefix, min)| {
        value.strip_prefix(prefix).is_some_and(|rest| {
            rest.len() >= *min
                && rest.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
                && !secret_values::is_placeholder(rest)
        })
    })
}

/// Values that are settings, not credentials (`TOKENIZERS_PARALLELISM=false`).
fn is_setting_value(value: &str) -> bool {
    let lower = value.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    matches!(lower.as_str(), "true" | "false" | "yes" | "no" | "on" | "off" | "enabled" | "disabled")
        || (lower.len() < 6 && lower.chars().all(|c| c.is_ascii_digit()))
}

/// Secret-looking names that are about something else.
fn is_unrelated_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["tokenizer", "max_tokens", "_tokens", "secret_key_ref", "password_policy"].iter().any(|w| lower.contains(w))
}

impl Rule for SecretInArgOrEnv {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        for instruction in &cx.dockerfile.instructions {
            let keyword = instruction.keyword.as_str();
            if !matches!(keyword, "ARG" | "ENV") {
                continue;
            }
            for (key, value) in instruction.key_values() {
                let literal = value.as_ref().filter(|v| {
                    let trimmed = v.value.trim();
                    !trimmed.is_empty() && !trimmed.starts_with('$')
                });
                if let Some(v) = value.as_ref().filter(|v| is_known_credential(&v.value)) {
                    report.report_secret(
                        v.span,
                        v.span,
                        format!("`{keyword} {}` holds a credential in plain text; remove it and rotate it", key.value),
                    );
                    continue;
                }
                if !secret_values::is_secret_name(&key.value) || is_unrelated_name(&key.value) {
                    continue;
                }
                match keyword {
                    "ARG" => {
                        let message = format!(
                            "Build argument `{}` is a credential and is recorded in the image history; use `RUN --mount=type=secret` instead",
                            key.value
                        );
                        match literal.filter(|v| secret_values::looks_like_secret_value(&v.value)) {
                            Some(v) => report.report_secret(key.span.cover(v.span), v.span, message),
                            None => report.report(key.span, message),
                        }
                    }
                    _ => {
                        let Some(v) = value.as_ref().filter(|v| !v.value.trim().is_empty()) else { continue };
                        // `op://vault/item/field`, `ref+vault://…`: resolved at run time.
                        if is_setting_value(&v.value) || secret_values::is_reference(&v.value) {
                            continue;
                        }
                        let message = format!(
                            "`ENV {}` bakes a credential into the image configuration; pass it at run time or mount it as a secret",
                            key.value
                        );
                        if literal.is_some() {
                            report.report_secret(key.span.cover(v.span), v.span, message);
                        } else {
                            report.report(key.span.cover(v.span), message);
                        }
                    }
                }
            }
        }
    }
}
