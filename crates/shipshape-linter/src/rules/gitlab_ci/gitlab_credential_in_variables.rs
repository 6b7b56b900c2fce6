use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support::{self, Config};
use crate::secret_values;

declare_rule! {
    /// ## What it does
    /// Flags a GitLab CI `variables:` entry (global, of a job or template,
    /// or set by a rule) whose name says it holds a credential
    /// (`DB_PASSWORD`, `API_TOKEN`, `AWS_SECRET_ACCESS_KEY`, …) and whose
    /// value is a literal: not a reference (`$CI_JOB_TOKEN`,
    /// `${VAULT_TOKEN}`), not a placeholder (`changeme`, `<password>`,
    /// `xxxx`, `your-token-here`), not a boolean, number, duration, path,
    /// URL or commit SHA, and not the stock password of a throwaway service
    /// container (`POSTGRES_PASSWORD: postgres`, `MYSQL_ROOT_PASSWORD:
    /// root`). Weak literals such as `supersecret123` are flagged: a
    /// committed password is a finding whatever its strength. Names that
    /// say where a credential is (`TOKEN_FILE`, `SECRET_NAME`) are not
    /// flagged. Any variable holding a URL with a literal password
    /// (`postgres://app:s3cr3t@db/app`) is flagged too. The value is
    /// redacted in the output.
    ///
    /// ## Why is this bad?
    /// `.gitlab-ci.yml` is in the repository: everyone who can read the
    /// project (and every fork and clone) has the credential, forever, in
    /// its history. Variables written in the file are not masked in job
    /// logs either. Define the value as a masked (and protected) CI/CD
    /// variable in the project or group settings, or fetch it from a secret
    /// manager with `secrets:` and `id_tokens:`; then rotate the credential
    /// that was committed.
    ///
    /// ## Example
    /// ```yaml
    /// variables:
    ///   DEPLOY_TOKEN: "glpat-…"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # DEPLOY_TOKEN is a masked, protected variable in Settings > CI/CD > Variables
    /// deploy:
    ///   script:
    ///     - ./deploy.sh
    /// ```
    pub struct GitlabCredentialInVariables {
        id: "gitlab-credential-in-variables",
        severity: Error,
        domains: [GitlabCi],
        summary: "Literal credential in GitLab CI `variables:`",
    }
}

/// Whole values that stand in for a credential, or are the stock password
/// of a throwaway service container.
const STAND_INS: &[&str] = &[
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
    "nil",
    "undefined",
    "test",
    "testing",
    "fake",
    "todo",
    "fixme",
    "token",
    "apikey",
    "mypassword",
    "yourpassword",
    "secretkey",
    "mysecret",
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "root",
    "admin",
    "guest",
    "user",
    "runner",
    "gitlab",
    "docker",
    "redis",
    "mongo",
    "rabbitmq",
    "minio",
    "minioadmin",
    "minio123",
    "default",
    "pass",
    "pwd",
    "letmein",
    "qwerty",
    "masked",
    "hidden",
    "empty",
    "true",
    "false",
];
/// Parts of values that only placeholders carry.
const MARKERS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "placeholder",
    "redacted",
    "replace",
    "your_",
    "your-",
    "yourtoken",
    "xxxx",
    "****",
    "...",
    "dummy",
    "not-a-secret",
    "notasecret",
    "<",
    ">",
    "{{",
    "$",
];

/// Name endings of settings about a credential rather than the credential.
const SETTING_SUFFIXES: &[&str] = &[
    "_NAMESPACE",
    "_AUDIENCE",
    "_SCOPE",
    "_SCOPES",
    "_ROLE",
    "_USER",
    "_USERNAME",
    "_STORE",
    "_PROVIDER",
    "_ENGINE",
    "_MOUNT",
    "_REGION",
    "_PATHS",
    "_KIND",
    "_NAMES",
    "_KEYS",
    "_DIRS",
    "_IMAGE",
    "_VERSION",
    "_SUFFIX",
];

fn is_credential_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    support::is_secret_name(name)
        && !upper.starts_with("SECRET_DETECTION_")
        && !SETTING_SUFFIXES.iter().any(|s| upper.ends_with(s))
}

/// The byte range of a literal password in `scheme://user:password@host`.
fn url_password(value: &str) -> Option<(usize, usize)> {
    let after_scheme = value.find("://")? + 3;
    let rest = value.get(after_scheme..)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let at = authority.rfind('@')?;
    let userinfo = authority.get(..at)?;
    let colon = userinfo.find(':')?;
    let password = userinfo.get(colon + 1..)?;
    let stand_in = password.is_empty()
        || password.contains(['$', '<', '{', '*'])
        || STAND_INS.contains(&password.to_ascii_lowercase().as_str())
        || password.chars().all(|c| c == 'x' || c == 'X');
    (!stand_in).then(|| (after_scheme + colon + 1, after_scheme + colon + 1 + password.len()))
}

/// True when a literal assigned to a credential-named variable is a credential.
fn is_literal_credential(value: &str) -> bool {
    let value = value.trim();
    if value.chars().count() < 6 || value.contains(char::is_whitespace) {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    let compact: String = lower.chars().filter(char::is_ascii_alphanumeric).collect();
    if STAND_INS.contains(&compact.as_str()) || MARKERS.iter().any(|m| lower.contains(m)) {
        return false;
    }
    // A name and a counter (`example-token-1`) or only stock words describe a value.
    let stock = [
        "my", "your", "test", "dummy", "fake", "sample", "example", "secret", "password", "token", "key", "api",
        "value", "here",
    ];
    let words: Vec<&str> = lower.split(['-', '_', '.']).filter(|w| !w.is_empty()).collect();
    if words.iter().all(|w| stock.contains(w) || w.chars().all(|c| c.is_ascii_digit())) {
        return false;
    }
    let first = lower.chars().next().unwrap_or(' ');
    let repeated = lower.chars().all(|c| c == first || !c.is_ascii_alphanumeric());
    let setting = lower.parse::<f64>().is_ok()
        || lower.starts_with(['/', '~', '.'])
        || lower.contains("://")
        || (value.contains('_') && value.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'));
    let duration = lower.trim_end_matches(|c: char| c.is_ascii_alphabetic()).chars().all(|c| c.is_ascii_digit())
        && lower.chars().next().is_some_and(|c| c.is_ascii_digit())
        && lower.trim_start_matches(|c: char| c.is_ascii_digit()).len() <= 3;
    !repeated && !setting && !duration && !secret_values::is_hash_like(value)
}

impl Rule for GitlabCredentialInVariables {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::GitlabCi {
            return;
        }
        for doc in &Config::of_file(cx).docs {
            for variable in doc.variables() {
                let value = variable.text();
                if let Some((start, end)) = url_password(value) {
                    let span = support::value_span(doc, variable.value, start, end);
                    report.report_secret(
                        span,
                        span,
                        format!(
                            "Variable `{}` holds a URL with a literal password; keep the password in a masked \
                             CI/CD variable and build the URL from it",
                            variable.name
                        ),
                    );
                    continue;
                }
                if !is_credential_name(variable.name) || !is_literal_credential(value) {
                    continue;
                }
                report.report_secret(
                    variable.value.span,
                    variable.value.span,
                    format!(
                        "Variable `{}` holds a literal credential in the pipeline file; make it a masked, \
                         protected CI/CD variable in the project settings and rotate it",
                        variable.name
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{is_literal_credential, url_password};

    #[test]
    fn literals() {
        for value in ["supersecret123", "hunter22", "Zq8#vT2mLp4wXr9s", "rootpassword123", "P@ssw0rd!2024"] {
            assert!(is_literal_credential(value), "{value}");
        }
        for value in [
            "postgres",
            "root",
            "$CI_JOB_TOKEN",
            "${VAULT_TOKEN}",
            "<password>",
            "changeme",
            "xxxxxxxx",
            "your-token-here",
            "my-secret-token",
            "/run/secrets/db",
            "https://vault:8200",
            "30s",
            "12345678",
            "4f1a5b1051b469108d1bdf0ebec6c814427e3834",
            "GOOGLE_API_KEY_VAL",
            "a sentence about it",
            "true",
        ] {
            assert!(!is_literal_credential(value), "{value}");
        }
        let dsn = "postgres://app:pw4app@db:5432/app";
        assert_eq!(url_password(dsn).map(|(a, b)| &dsn[a..b]), Some("pw4app"));
        for value in [
            "postgres://app:$DB_PASSWORD@db/app",
            "https://user@host/x",
            "postgres://app@db/app",
            "https://a/b?x=1:2@c",
        ] {
            assert!(url_password(value).is_none(), "{value}");
        }
    }
}
