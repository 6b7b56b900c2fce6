use crate::context::K8sObject;
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};
use crate::secret_values;

declare_rule! {
    /// ## What it does
    /// Flags a container `env` entry whose name says it holds a credential
    /// (`DB_PASSWORD`, `API_KEY`, `GITHUB_TOKEN`, `clientSecret`, …) and
    /// whose `value` is a literal: not empty, not a placeholder
    /// (`changeme`, `${DB_PASSWORD}`, `<password>`, `xxxx`, `password` as
    /// the whole value, a constant name such as `API_KEY_VALUE`), not a
    /// boolean, number, duration, path or URL (credentials in URLs are left
    /// to the secrets rules). Weak literals such as `mysql` or
    /// `SuperSecret123!` are flagged: a committed password is a finding
    /// whatever its strength. Names that say where a credential is
    /// rather than what it is (`PASSWORD_FILE`, `TOKEN_URL`,
    /// `SECRET_NAME`) are not flagged. The value is redacted in the output.
    ///
    /// ## Why is this bad?
    /// A credential written into a manifest is in the repository's history
    /// for good, readable by everyone who can read the repository, the CI
    /// logs and `kubectl get -o yaml` on the cluster. Keep it in a Secret
    /// (managed by External Secrets, Sealed Secrets, SOPS or a CSI driver)
    /// and reference it with `valueFrom.secretKeyRef`; then rotate the
    /// credential that was committed.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: DB_PASSWORD
    ///     value: hunter2-but-longer
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// env:
    ///   - name: DB_PASSWORD
    ///     valueFrom:
    ///       secretKeyRef:
    ///         name: db
    ///         key: password
    /// ```
    pub struct SecretLiteralInEnv {
        id: "secret-literal-in-env",
        severity: Error,
        domains: [Kubernetes],
        summary: "Container env var holds a literal credential",
    }
}

/// True for values that stand in for a credential: too short, templated
/// or referenced (`${X}`, `{{ .x }}`, `$(cat f)`, `<password>`), a stock
/// word as the whole value (`password`, `secret`, `changeme`), a marker
/// only placeholders carry (`example`, `replace`, `your-`, `xxxx`), one
/// repeated character, a sentence, or only stock words (`test-token`,
/// `my-secret-key`). Unlike a blanket word list, `SuperSecret123!` is
/// not a placeholder: a real password may contain the word `secret`.
pub(crate) fn is_placeholder_value(value: &str) -> bool {
    let value = value.trim().trim_matches(['"', '\'']);
    if value.chars().count() < 4 {
        return true;
    }
    let lower = value.to_ascii_lowercase();
    if lower.starts_with(['$', '%']) || ["${", "{{", "$(", "%(", "<", ">"].iter().any(|m| lower.contains(m)) {
        return true;
    }
    const WHOLE: &[&str] = &[
        "password",
        "passw0rd",
        "secret",
        "changeme",
        "changeit",
        "example",
        "sample",
        "dummy",
        "placeholder",
        "redacted",
        "none",
        "null",
        "undefined",
        "test",
        "testing",
        "fake",
        "notasecret",
        "todo",
        "fixme",
        "token",
        "apikey",
        "mypassword",
        "yourpassword",
        "secretkey",
        "mysecret",
        "yoursecret",
    ];
    let compact: String = lower.chars().filter(char::is_ascii_alphanumeric).collect();
    if WHOLE.contains(&compact.as_str()) {
        return true;
    }
    const MARKERS: &[&str] = &[
        "changeme",
        "change_me",
        "change-me",
        "changeit",
        "placeholder",
        "example",
        "redacted",
        "replace",
        "your_",
        "your-",
        "yourpassword",
        "dummy",
        "notasecret",
        "not-a-secret",
        "xxxx",
        "****",
        "...",
    ];
    if MARKERS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    // A sentence describes the value rather than being it.
    if !lower.contains('\n') && lower.split_whitespace().count() >= 3 {
        return true;
    }
    // Made only of stock words: `test-token`, `my-secret-key`, `your_api_key_here`.
    const STOCK: &[&str] = &[
        "my",
        "your",
        "test",
        "dummy",
        "fake",
        "sample",
        "example",
        "secret",
        "password",
        "token",
        "key",
        "api",
        "value",
        "here",
        "changeme",
        "placeholder",
        "the",
        "a",
        "some",
        "foo",
        "bar",
        "baz",
        "username",
        "user",
    ];
    if lower.split(['-', '_', '.', ' ']).filter(|w| !w.is_empty()).all(|w| STOCK.contains(&w)) {
        return true;
    }
    let first = lower.chars().next().unwrap_or(' ');
    lower.chars().all(|c| c == first || !c.is_ascii_alphanumeric())
}

/// True for values that cannot be a credential whatever the name says.
fn is_plain_setting(value: &str) -> bool {
    let lower = value.trim().to_ascii_lowercase();
    let is_duration = lower.len() > 1
        && lower.trim_end_matches(|c: char| c.is_ascii_alphabetic()).chars().all(|c| c.is_ascii_digit() || c == '.')
        && lower.chars().next().is_some_and(|c| c.is_ascii_digit())
        && lower.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.').len() <= 3;
    let constant_name = value.contains('_')
        && value.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && value.starts_with(|c: char| c.is_ascii_uppercase());
    constant_name
        || matches!(lower.as_str(), "true" | "false" | "yes" | "no" | "on" | "off" | "enabled" | "disabled")
        || lower.parse::<f64>().is_ok()
        || is_duration
        || lower.starts_with('/')
        || lower.starts_with("./")
        || lower.starts_with("~/")
        || lower.contains("://")
}

impl Rule for SecretLiteralInEnv {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(template) = k8s::pod_template(object) else { return };
        for container in template.containers() {
            for item in container.node.get("env").map(|e| e.items()).unwrap_or(&[]) {
                let (Some(name), Some(value)) = (item.str_at(&["name"]), item.get("value")) else { continue };
                let Some(text) = value.as_str() else { continue };
                if !secret_values::is_secret_name(name)
                    || is_placeholder_value(text)
                    || is_plain_setting(text)
                    || secret_values::is_hash_like(text)
                    || secret_values::is_not_a_credential(text)
                {
                    continue;
                }
                report.report_secret(
                    value.span,
                    value.span,
                    format!(
                        "Env var `{name}` of {} holds a literal credential; store it in a Secret and use \
                         `valueFrom.secretKeyRef`",
                        container.describe(object).replacen("Container", "container", 1)
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{is_placeholder_value, is_plain_setting};

    #[test]
    fn plain_settings() {
        for value in ["true", "30s", "1h", "15m", "42", "0.5", "/run/secrets/db", "https://vault:8200"] {
            assert!(is_plain_setting(value), "{value}");
        }
        assert!(is_plain_setting("GOOGLE_API_KEY_VAL"));
        for value in [
            "changeme",
            "${PW}",
            "<password>",
            "xxxxxxxx",
            "my-password",
            "replace-with-yours",
            "Secret",
            "test-token",
            "shhhh! it's a github secret",
        ] {
            assert!(is_placeholder_value(value), "{value}");
        }
        for value in ["SuperSecret123!", "minio123", "mysql", "c-krit"] {
            assert!(!is_placeholder_value(value), "{value}");
        }
        for value in ["s3cr3tValue", "abc123def", "30seconds-of-fun", "AKIA1234"] {
            assert!(!is_plain_setting(value), "{value}");
        }
    }
}
