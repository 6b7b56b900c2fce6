//! Shared judgement of names and values that look like credentials, used by
//! the secrets rules and by rules that look at `ENV`, `ARG` and `env:`.

/// Words that make a variable name a credential's name.
const SECRET_NAME_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "accesskey",
    "access_key",
    "privatekey",
    "private_key",
    "credential",
    "credentials",
    "auth_key",
    "client_secret",
    "connection_string",
    "connectionstring",
];

/// Name endings that say the value is not the secret itself but where to
/// find it, or a setting about it.
const NOT_SECRET_SUFFIXES: &[&str] = &[
    "_file",
    "_path",
    "_dir",
    "_url",
    "_uri",
    "_endpoint",
    "_name",
    "_ref",
    "_id",
    "_env",
    "_header",
    "_type",
    "_length",
    "_len",
    "_ttl",
    "_expiry",
    "_expires",
    "_timeout",
    "_policy",
    "_mode",
    "_enabled",
    "_key_name",
    "_secret_name",
    "_secretname",
    "_location",
    "_field",
    "_version",
    "_format",
    "_prefix",
];

/// Values that stand in for a secret rather than being one.
const PLACEHOLDER_WORDS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "password",
    "passw0rd",
    "secret",
    "example",
    "sample",
    "dummy",
    "placeholder",
    "redacted",
    "your",
    "todo",
    "fixme",
    "replace",
    "insert",
    "none",
    "null",
    "undefined",
    "test",
    "fake",
    "notasecret",
    "not-a-secret",
    "xxx",
    "***",
    "...",
    "<",
    "${",
    "{{",
    "$(",
    "%(",
];

fn normalized_name(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            out.push('_');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(match c {
            '-' | '.' => '_',
            other => other.to_ascii_lowercase(),
        });
    }
    out
}

/// True when a variable or key name says it holds a credential
/// (`DB_PASSWORD`, `apiKey`, `GITHUB_TOKEN`), but not when it names where a
/// credential is (`PASSWORD_FILE`, `TOKEN_URL`).
pub fn is_secret_name(name: &str) -> bool {
    let name = normalized_name(name);
    if NOT_SECRET_SUFFIXES.iter().any(|s| name.ends_with(s)) {
        return false;
    }
    let compact = name.replace('_', "");
    SECRET_NAME_WORDS.iter().any(|w| name.contains(w) || compact.contains(&w.replace('_', "")))
}

/// True for values that stand in for a secret: empty, variables and
/// templates, `changeme`, `<password>`, `xxxx`, documented example keys.
pub fn is_placeholder(value: &str) -> bool {
    let trimmed = value.trim().trim_matches(['"', '\'']);
    if trimmed.len() < 4 {
        return true;
    }
    let lower = trimmed.to_ascii_lowercase();
    if PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    if lower.starts_with('$') || lower.starts_with('%') || lower.ends_with("example") {
        return true;
    }
    let first = lower.chars().next().unwrap_or(' ');
    if lower.chars().all(|c| c == first || !c.is_ascii_alphanumeric()) {
        return true;
    }
    false
}

/// True for hex strings of the lengths of commit SHAs and digests, and for
/// `sha256:`-style digests: identifiers, not credentials.
pub fn is_hash_like(value: &str) -> bool {
    let value = value.split_once(':').map_or(value, |(algo, rest)| if algo.starts_with("sha") { rest } else { value });
    matches!(value.len(), 7..=12 | 32 | 40 | 56 | 64 | 96 | 128) && value.chars().all(|c| c.is_ascii_hexdigit())
}

/// Shannon entropy in bits per character.
pub fn shannon_entropy(value: &str) -> f64 {
    let mut counts = [0usize; 256];
    let mut total = 0usize;
    for byte in value.bytes() {
        counts[usize::from(byte)] += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    let total = total as f64;
    counts.iter().filter(|c| **c > 0).map(|c| *c as f64 / total).map(|p| -p * p.log2()).sum()
}

/// True when a literal value assigned to a credential-named variable looks
/// like a real credential: not a placeholder, a hash, a path or a reference,
/// at least 8 characters and varied enough.
pub fn looks_like_secret_value(value: &str) -> bool {
    let value = value.trim().trim_matches(['"', '\'']);
    if value.len() < 8 || is_placeholder(value) || is_hash_like(value) {
        return false;
    }
    if value.starts_with('/') || value.starts_with("./") || value.starts_with("~/") || value.contains("://") {
        return false;
    }
    if value.contains(char::is_whitespace) {
        return false;
    }
    let classes = [
        value.chars().any(|c| c.is_ascii_lowercase()),
        value.chars().any(|c| c.is_ascii_uppercase()),
        value.chars().any(|c| c.is_ascii_digit()),
        value.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    classes >= 2 && shannon_entropy(value) >= 3.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for name in
            ["DB_PASSWORD", "apiKey", "GITHUB_TOKEN", "client-secret", "AWS_SECRET_ACCESS_KEY", "NPM_AUTH_TOKEN"]
        {
            assert!(is_secret_name(name), "{name}");
        }
        for name in ["PASSWORD_FILE", "TOKEN_URL", "SECRET_NAME", "PATH", "HOME", "SECRET_KEY_REF", "tokenizer_dir"] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn values() {
        for value in
            ["changeme", "${DB_PASSWORD}", "<password>", "xxxxxxxx", "$(cat /run/secrets/x)", "{{ .Values.pw }}"]
        {
            assert!(!looks_like_secret_value(value), "{value}");
        }
        let sha = "4f1a5b1051b469108d1bdf0ebec6c814427e3834";
        assert!(!looks_like_secret_value(sha));
        let made_up = format!("{}{}", "Zq8#vT2m", "Lp4wXr9s");
        assert!(looks_like_secret_value(&made_up));
    }
}
