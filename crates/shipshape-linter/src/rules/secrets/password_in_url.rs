use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use shipshape_diagnostics::Span;

use super::evidence::{report_found, Evidence};
use super::hardcoded_secret_assignment::is_comment;
use super::provider_covers;
use super::scanner::line_bounds;
use crate::context::TextContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::secret_values::{is_placeholder, looks_generated};

declare_rule! {
    /// ## What it does
    /// Flags URLs that carry a password in their user-info part,
    /// `scheme://user:password@host` — database URLs
    /// (`postgres://app:…@db:5432/app`), broker URLs (`amqp://`,
    /// `redis://:…@cache`), registry and Git remote URLs — in any text file.
    ///
    /// Not flagged, since they are not real credentials:
    /// - passwords that are placeholders or references: `${DB_PASSWORD}`,
    ///   `$(cat …)`, `{{ .Values.password }}`, `<password>`, `****`, `xxx`,
    ///   `changeme`, `password`, `pass`, `secret`, `%s` (and, in comments,
    ///   example values such as `mypass` or `P@ssw0rd1`);
    /// - a password equal to the user name (`guest:guest@`,
    ///   `postgres:postgres@`), the well-known defaults of local
    ///   development images;
    /// - documentation hosts: `example.com` / `.org` / `.net` and names
    ///   under the reserved `.example`, `.test` and `.invalid` domains,
    ///   and the literal host names `host`, `hostname` and `server`.
    ///
    /// Tokens that a provider rule recognises (a GitHub token in a Git
    /// remote URL) are reported by that rule instead.
    ///
    /// The message names the signal (the name, option or header, and the
    /// value's entropy in bits per character). In tests, fixtures,
    /// documentation and examples only values that look generated (16
    /// characters or more, varied, not words) are reported, as a note that
    /// says where they sit; chosen passwords there are examples.
    ///
    /// ## Why is this bad?
    /// The password is readable by everyone who can read the file and its
    /// history, and URLs travel further than other settings: they are logged
    /// by clients and proxies, shown in error messages and copied into
    /// dashboards.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: DATABASE_URL
    ///     value: postgres://app:Wq7…@db:5432/app
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// env:
    ///   - name: DB_PASSWORD
    ///     valueFrom:
    ///       secretKeyRef: { name: db, key: password }
    ///   - name: DATABASE_URL
    ///     value: postgres://app:$(DB_PASSWORD)@db:5432/app
    /// ```
    ///
    /// ## References
    /// - [RFC 3986 §3.2.1: "Use of the format user:password in the userinfo field is deprecated"](https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1)
    pub struct PasswordInUrl {
        id: "password-in-url",
        severity: Error,
        domains: [Secrets],
        summary: "URL with a password in it (`scheme://user:password@host`)",
    }
}

fn ends_authority(c: u8) -> bool {
    c.is_ascii_whitespace() || matches!(c, b'/' | b'?' | b'#' | b'"' | b'\'' | b'`' | b'<' | b'>' | b'\\' | b',' | b';')
}

static SEPARATOR: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| AhoCorasick::new(["://"]).ok());

fn is_user(user: &str) -> bool {
    user.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '~' | '%' | '+' | '-' | '$' | '{' | '}'))
}

/// Host names reserved for documentation (RFC 2606) and stand-ins.
fn is_documentation_host(host: &str) -> bool {
    let name = host
        .rsplit_once(':')
        .map_or(host, |(name, port)| if port.chars().all(|c| c.is_ascii_digit()) { name } else { host });
    let name = name.to_ascii_lowercase();
    let name = name.trim_end_matches('.');
    ["example.com", "example.org", "example.net"].iter().any(|d| name == *d || name.ends_with(&format!(".{d}")))
        || [".example", ".test", ".invalid"].iter().any(|tld| name.ends_with(tld))
        || matches!(name, "example" | "host" | "hostname" | "server" | "domain")
        || name.contains("your")
}

/// `DB_PASSWORD` as a password is the name of something to substitute.
fn is_variable_name(password: &str) -> bool {
    password.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') && password.contains('_')
}

struct Credential<'a> {
    scheme: &'a str,
    user: &'a str,
    password: Span,
}

/// The credential of the URL whose `://` is at `at`, if it has one.
fn credential_at(text: &str, at: usize) -> Option<Credential<'_>> {
    let before = text.get(..at)?;
    let scheme_len =
        before.bytes().rev().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-')).count();
    let scheme = before.get(at - scheme_len..)?;
    if !scheme.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let start = at + 3;
    let rest = text.get(start..)?;
    let authority_len = rest.bytes().position(ends_authority).unwrap_or(rest.len());
    let authority = rest.get(..authority_len)?;
    let at_sign = authority.rfind('@')?;
    let userinfo = &authority[..at_sign];
    let host = &authority[at_sign + 1..];
    let (user, password) = userinfo.split_once(':')?;
    if password.is_empty() || host.is_empty() || !is_user(user) {
        return None;
    }
    if !host.starts_with(|c: char| c.is_ascii_alphanumeric() || matches!(c, '[' | '$' | '{')) {
        return None;
    }
    // `redis://:redis@redis`: a local service's default, named after it.
    let host_name = host.split([':', '.']).next().unwrap_or(host);
    if is_placeholder(password)
        || password.eq_ignore_ascii_case(user)
        || password.eq_ignore_ascii_case(host_name)
        || password.eq_ignore_ascii_case(scheme)
        || is_variable_name(password)
        || is_documentation_host(host)
    {
        return None;
    }
    let password_start = start + user.len() + 1;
    Some(Credential { scheme, user, password: Span::new(password_start, password_start + password.len()) })
}

impl Rule for PasswordInUrl {
    fn check_text(&self, cx: &TextContext<'_>, report: &mut Reporter<'_>) {
        let text = cx.text;
        let Some(separator) = SEPARATOR.as_ref() else { return };
        for found in separator.find_iter(text) {
            let at = found.start();
            let Some(credential) = credential_at(text, at) else { continue };
            let (line_start, line_end) = line_bounds(text.as_bytes(), at);
            let line = text.get(line_start..line_end).unwrap_or("");
            let relative = Span::new(credential.password.start - line_start, credential.password.end - line_start);
            if provider_covers(line, relative) {
                continue;
            }
            let password = text.get(credential.password.start..credential.password.end).unwrap_or("");
            // Commented-out configuration is usually an example.
            if is_comment(line) && !looks_generated(password) {
                continue;
            }
            let whom = if credential.user.is_empty() { String::new() } else { format!(" for `{}`", credential.user) };
            let message = format!(
                "Password{whom} in a `{}://` URL: take it out of the URL and load it from a secret at run time",
                credential.scheme
            );
            let evidence = Evidence::keyword("the user-info of a URL", password);
            let context = cx.class.context.at(credential.password.start);
            report_found(report, &context, credential.password, credential.password, &message, &evidence);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn password(url: &str) -> Option<String> {
        let at = url.find("://")?;
        credential_at(url, at).and_then(|c| url.get(c.password.start..c.password.end).map(str::to_string))
    }

    #[test]
    fn urls() {
        let secret = format!("{}{}", "Wq7v", "Lx92");
        assert_eq!(password(&format!("postgres://app:{secret}@db:5432/app")).as_deref(), Some(secret.as_str()));
        assert_eq!(password(&format!("redis://:{secret}@cache:6379/0")).as_deref(), Some(secret.as_str()));
        for url in [
            "postgres://app:${DB_PASSWORD}@db/app",
            "postgres://postgres:postgres@localhost/app",
            "mysql://user:pass@db/app",
            "https://user:Wq7vLx92@example.com/x",
            "https://user:Wq7vLx92@db.example/x",
            "amqp://guest:guest@rabbit:5672",
            "tcp://:redis@redis:6379",
            "postgres://app:postgres@db/app",
            "https://github.com/org/repo",
            "ssh://git@github.com/org/repo",
            "postgres://app:DB_PASSWORD@db/app",
            "\"^(https?)://([^:]+):([^@]+)@\"",
        ] {
            assert_eq!(password(url), None, "{url}");
        }
    }
}
