//! Shared judgement of names and values that look like credentials, used by
//! the secrets rules and by rules that look at `ENV`, `ARG` and `env:`.

use sha2::{Digest, Sha256};

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
    "accountkey",
    "account_key",
    "masterkey",
    "master_key",
    "signingkey",
    "signing_key",
    "encryptionkey",
    "encryption_key",
    "sharedkey",
    "shared_key",
    "privkey",
];

/// Name words that say the value is a password (a human-chosen string),
/// as opposed to a generated token or key.
const PASSWORD_NAME_WORDS: &[&str] = &["password", "passwd", "passphrase", "pwd"];

/// Name endings that say the value is not the secret itself but where to
/// find it, or a setting about it.
const NOT_SECRET_SUFFIXES: &[&str] = &[
    "_file",
    "_files",
    "_path",
    "_dir",
    "_url",
    "_uri",
    "_endpoint",
    "_host",
    "_name",
    "_names",
    "_ref",
    "_id",
    "_ids",
    "_env",
    "_var",
    "_header",
    "_type",
    "_length",
    "_len",
    "_ttl",
    "_expiry",
    "_expires",
    "_expiration",
    "_timeout",
    "_policy",
    "_mode",
    "_enabled",
    "_enable",
    "_disabled",
    "_required",
    "_key_name",
    "_secret_name",
    "_secretname",
    "_location",
    "_field",
    "_version",
    "_format",
    "_prefix",
    "_suffix",
    "_count",
    "_size",
    "_limit",
    "_min",
    "_max",
    "_kind",
    "_class",
    "_provider",
    "_store",
    "_source",
    "_selector",
    "_namespace",
    "_label",
    "_labels",
    "_annotation",
    "_description",
    "_regex",
    "_pattern",
    "_algorithm",
    "_hash",
    "_digest",
    "_checksum",
    "_salt_rounds",
    "_rounds",
    "_strength",
    "_complexity",
    "_rotation",
    "_interval",
    "_period",
    "_lifetime",
    "_duration",
    "_arn",
    "_key_ref",
    "_keyref",
    "_from",
    "_template",
    "_mount",
    "_volume",
    "_mount_path",
    "_command",
    "_cmd",
    "_script",
    "_user",
    "_username",
    "_login",
    "_email",
    "_usage",
    "_mtime",
    "_time",
    "_at",
    "_date",
    "_timestamp",
    "_stdin",
    "_key_id",
    "_keyid",
];

/// Name beginnings that make the value a setting about credentials
/// (`max_tokens`, `use_password`), not a credential.
const NOT_SECRET_PREFIXES: &[&str] = &[
    "max_",
    "min_",
    "num_",
    "is_",
    "has_",
    "use_",
    "enable_",
    "disable_",
    "require_",
    "no_",
    "allow_",
    "show_",
    "generate_",
    "create_",
    "rotate_",
    "validate_",
    "verify_",
];

/// Words that, anywhere in a value, mark it as a stand-in.
const PLACEHOLDER_MARKERS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "changethis",
    "example",
    "sample",
    "dummy",
    "placeholder",
    "redacted",
    "your",
    "todo",
    "fixme",
    "tbd",
    "replace",
    "insert",
    "fake",
    "notasecret",
    "not-a-secret",
    "not_a_secret",
    "notreal",
    "not-real",
    "xxx",
    "***",
    "...",
    "…",
    "???",
    "${",
    "{{",
    "$(",
    "%(",
    "<%",
    "#{",
    "{%",
    "@@",
    "<",
];

/// Values that, as a whole, are generic words rather than credentials.
const PLACEHOLDER_VALUES: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "secrets",
    "token",
    "key",
    "apikey",
    "none",
    "null",
    "nil",
    "undefined",
    "empty",
    "default",
    "test",
    "testing",
    "mock",
    "demo",
    "foo",
    "foobar",
    "bar",
    "baz",
    "value",
    "string",
    "required",
    "optional",
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
];

fn is_generic(word: &str) -> bool {
    PLACEHOLDER_VALUES.contains(&word)
        || ["my", "some", "the", "your"]
            .iter()
            .any(|p| word.strip_prefix(p).is_some_and(|w| PLACEHOLDER_VALUES.contains(&w)))
}

/// `password`, `Password!`, `mysecret`, `your_token`: a generic word, not
/// a chosen value.
fn is_generic_word(lower: &str) -> bool {
    let letters: String = lower.chars().filter(char::is_ascii_alphanumeric).collect();
    is_generic(&letters)
}

/// True for the values of documentation and commented-out examples:
/// generic words in leetspeak, with digits behind, or two of them joined
/// (`P@ssw0rd1`, `password2`, `secretpass`, `test123`). Such values in live
/// configuration are weak but real passwords; in comments they are examples.
pub fn is_example_value(value: &str) -> bool {
    let lower = value.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    if is_placeholder(&lower) {
        return true;
    }
    let plain: String = lower
        .chars()
        .filter_map(|c| match c {
            '@' | '4' => Some('a'),
            '3' => Some('e'),
            '0' => Some('o'),
            '$' | '5' => Some('s'),
            '1' | '!' => Some('i'),
            c if c.is_ascii_alphanumeric() => Some(c),
            _ => None,
        })
        .collect();
    let without_digits = plain.trim_end_matches(|c: char| c.is_ascii_digit() || c == 'i');
    let letters: String = lower.chars().filter(char::is_ascii_alphanumeric).collect();
    let letters = letters.trim_end_matches(|c: char| c.is_ascii_digit());
    [plain.as_str(), without_digits, letters]
        .iter()
        .any(|word| is_generic(word) || PLACEHOLDER_VALUES.iter().any(|a| word.strip_prefix(a).is_some_and(is_generic)))
}

fn normalized_name(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            out.push('_');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(match c {
            '-' | '.' | ' ' => '_',
            other => other.to_ascii_lowercase(),
        });
    }
    out.trim_matches('_').to_string()
}

/// True when a variable or key name says it holds a credential
/// (`DB_PASSWORD`, `apiKey`, `GITHUB_TOKEN`), but not when it names where a
/// credential is (`PASSWORD_FILE`, `TOKEN_URL`) or a setting about one
/// (`max_tokens`, `PASSWORD_MIN_LENGTH`).
pub fn is_secret_name(name: &str) -> bool {
    let name = normalized_name(name);
    // Vault AppRole's `secret_id` is a secret despite its ending.
    if name.ends_with("secret_id") || name.ends_with("secretid") {
        return true;
    }
    if NOT_SECRET_SUFFIXES.iter().any(|s| name.ends_with(s)) || NOT_SECRET_PREFIXES.iter().any(|p| name.starts_with(p))
    {
        return false;
    }
    let compact = name.replace('_', "");
    SECRET_NAME_WORDS.iter().any(|w| name.contains(w) || compact.contains(&w.replace('_', "")))
        || has_short_password_word(&name)
}

/// `DB_PASS`, `ssh_pass`, `ADMIN_PW`, `mysqlpass`, `requirepass` (but not
/// `bypass`, `compass`, `passthrough`).
fn has_short_password_word(name: &str) -> bool {
    if name.contains("pass_through") || name.contains("pass_thru") {
        return false;
    }
    name.split('_').any(|word| {
        matches!(word, "pass" | "pw")
            || (word.ends_with("pass")
                && !["bypass", "compass", "encompass", "overpass", "underpass"].iter().any(|w| word.ends_with(w)))
    })
}

/// True when a credential name says the value is a password rather than a
/// generated token or key (`DB_PASSWORD`, `passphrase`, `MYSQL_PWD`).
pub fn is_password_name(name: &str) -> bool {
    let normal = normalized_name(name);
    let compact = normal.replace('_', "");
    is_secret_name(name)
        && (PASSWORD_NAME_WORDS.iter().any(|w| compact.contains(w)) || has_short_password_word(&normal))
}

/// SHA-256 (hex) of credentials that providers publish as examples, so the
/// repository holds no credential-shaped string: AWS's `AKIA…EXAMPLE`
/// family, GitHub's token-format examples (`ghp_16C7e42F…` and its `gho_`,
/// `ghu_`, `ghs_`, `ghr_` forms), Stripe's test keys from its API reference,
/// jwt.io's example token (whole, its payload and its signature, which
/// tutorials reuse with other payloads), and kubeadm's example bootstrap
/// token. Slack's and Twilio's documented
/// examples are masked (`XXXX…`, `T00000000`) and caught as made up.
const DOCUMENTED_EXAMPLES: &[&str] = &[
    "1a5d44a2dca19669d72edf4c4f1c27c4c1ca4b4408fbb17f6ce4ad452d78ddb3",
    "78314b11be2e581549ac1c4f616563fad3fdf0c3b71678f6e2299182080e0598",
    "c6ea27c534f993d31f0aef882e3d200e7b87470c379ae79c8f9b19d3bd363dc9",
    "e21b597ba6b9cafa59d9ebc4d65c0385f5eb3fa56abab2607fa76589ad849a33",
    "3543c50b0cb9cea8e55eb1f529b79f043cb250d485fde7b66cabbb5183add7da",
    "bc3ae723f57c6b9e3fd80b699fcc420f6074b0b1718039669d22631d508ac0a7",
    "82e74299544e00738f9c0acb69b1eb348b3e20ffcfabcb34779bd37590fead6c",
    "797c0ce414586cc8eb6929afe947c720e3e4d351dd070a6fe39f630beaab3054",
    "0cecafe4ec4766065c64799e2d0fc466059f86526e0a45b883de0fb856435236",
    "2cafc0970149a84f3b9e62eaf169f36f59907a3b3e31f7b82e68c69cd27f7326",
    "b1471f544ceeea31333bde7e1ecbaad6eac0d4a749412ad29bd66ef895b81c6b",
    "f2d6ca16515033e5dce14eba840b979d27b5cbae24bb3e5bf484339667f86397",
    "5895b89c8fb33402a5bfc23aad5aaf863fbb438a51e1a0bb02b0ce618c8fdf9d",
    "7f75367e7881255134e1375e723d1dea8ad5f6a4fdb79d938df1f1754a830606",
    "051d093c4bdedbf23f905ad01d9c6111414d54e2170e1d7f76657c4e76e3e65b",
    "3373cfa8cfd3d25622125d01af103fd4727b8d44648999185b68346ab5f4d59d",
    "a4b8b245ab28bc4f72dcaa0d9ba9f73d6488fa758a2a5cb55ecb11511f002f80",
];

fn sha256_hex(value: &str) -> String {
    Sha256::digest(value.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// True for a credential published in a provider's documentation (see
/// [`DOCUMENTED_EXAMPLES`]), whole or, for dotted tokens such as JWTs, by
/// one of its parts.
pub fn is_documented_example(value: &str) -> bool {
    let known = |v: &str| DOCUMENTED_EXAMPLES.contains(&sha256_hex(v).as_str());
    known(value) || (value.contains('.') && value.split('.').filter(|part| part.len() >= 20).any(known))
}

/// True for values that stand in for a secret: empty, variables and
/// templates, references resolved elsewhere (`op://…`, `ref+vault://…`),
/// `changeme`, `<password>`, `xxxx`, documented example keys.
pub fn is_placeholder(value: &str) -> bool {
    let trimmed = value.trim().trim_matches(['"', '\'']).trim();
    if trimmed.chars().count() < 4 {
        return true;
    }
    let lower = trimmed.to_ascii_lowercase();
    if PLACEHOLDER_MARKERS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    if lower.starts_with(['$', '%', '{', '[', '@', '&', '*', '!']) || lower.ends_with("example") {
        return true;
    }
    let first = lower.chars().next().unwrap_or(' ');
    if lower.chars().all(|c| c == first || !c.is_ascii_alphanumeric()) {
        return true;
    }
    if is_generic_word(&lower) {
        return true;
    }
    // `__DB_PASSWORD__`, `#{Password}#`: tokens replaced at deploy time.
    if trimmed.starts_with("__") && trimmed.ends_with("__") {
        return true;
    }
    is_reference(trimmed) || (trimmed.len() >= 20 && is_documented_example(trimmed))
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

fn char_classes(value: &str) -> usize {
    [
        value.chars().any(|c| c.is_ascii_lowercase()),
        value.chars().any(|c| c.is_ascii_uppercase()),
        value.chars().any(|c| c.is_ascii_digit()),
        value.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count()
}

/// True for values that are something other than a credential: paths,
/// URLs, e-mail addresses, numbers, versions, durations, names of
/// environment variables, Kubernetes resource and type names.
pub fn is_not_a_credential(value: &str) -> bool {
    if value.contains(char::is_whitespace) || value.contains("://") {
        return true;
    }
    if value.starts_with(['/', '~', '.']) || value.get(1..3) == Some(":\\") || value.starts_with("\\\\") {
        return true;
    }
    let lower = value.to_ascii_lowercase();
    const FILE_ENDINGS: &[&str] =
        &[".pem", ".key", ".crt", ".cert", ".json", ".txt", ".yaml", ".yml", ".p12", ".pfx", ".jks", ".env", ".asc"];
    if FILE_ENDINGS.iter().any(|e| lower.ends_with(e)) {
        return true;
    }
    // user@example.com
    if let Some((local, domain)) = value.split_once('@') {
        if !local.is_empty()
            && domain.contains('.')
            && domain.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        {
            return true;
        }
    }
    // 1.2.3, 30s, 0x1F, 1e6
    if value.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '_' | ':' | '+')) {
        return true;
    }
    // DB_PASSWORD: the name of an environment variable or constant.
    if value.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') && value.contains('_') {
        return true;
    }
    // kubernetes.io/dockerconfigjson, secrets/prod/db: types and paths.
    if value.contains('/')
        && value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '/' | '_'))
    {
        return true;
    }
    // projects/PROJECT_ID/instances/NAME: a resource path of words and placeholders.
    let wordish = |segment: &str| {
        !segment.is_empty()
            && (segment.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
                || segment.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
    };
    if value.matches('/').count() >= 2 && value.trim_matches('/').split('/').all(wordish) {
        return true;
    }
    // arn:aws:secretsmanager:…, vault:secret/data/x, env:REGISTRY_SECRET, secret:ns/name#key
    if let Some((scheme, rest)) = lower.split_once(':') {
        let is_scheme = !scheme.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_lowercase())
            && scheme.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '+' | '.' | '-'));
        if is_scheme && !rest.is_empty() && value.starts_with(|c: char| c.is_ascii_lowercase()) {
            return true;
        }
    }
    if lower.starts_with("ref+") || value.starts_with("ENC[") || value.starts_with("AgA") && value.len() > 300 {
        return true;
    }
    if is_regex_like(value) || is_rule_list(value) || is_version(value) {
        return true;
    }
    // 2006-01-02T15:04:05Z
    let bytes = value.as_bytes();
    if bytes.len() >= 10 && bytes[..4].iter().all(u8::is_ascii_digit) && bytes[4] == b'-' && bytes[7] == b'-' {
        return true;
    }
    false
}

/// `([a-zA-Z0-9-_.]{115})`, `^\\d{6}$`: a pattern a test matches a
/// credential against, not one.
fn is_regex_like(value: &str) -> bool {
    const MARKERS: &[&str] = &["a-z", "A-Z", "0-9", "]{", "]+", "]*", "(?:", "(?i", "\\d", "\\w", "\\s", ".*", ".+"];
    MARKERS.iter().any(|m| value.contains(m))
}

/// `v1.0.0-rc.1+build.123`, `2.4.1`: a (semantic) version.
fn is_version(value: &str) -> bool {
    let core_end = value.find(['-', '+']).unwrap_or(value.len());
    let (core, rest) = value.split_at(core_end);
    let core = core.strip_prefix(['v', 'V']).unwrap_or(core);
    let numbers: Vec<&str> = core.split('.').collect();
    numbers.len() >= 2
        && numbers.iter().all(|n| !n.is_empty() && n.len() <= 6 && n.bytes().all(|b| b.is_ascii_digit()))
        && rest.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'))
}

/// `required|string|min:6|confirmed`: validation rules or flags joined by
/// `|`, each a word with optional `:parameters`.
fn is_rule_list(value: &str) -> bool {
    let rule = |part: &str| {
        let (word, parameters) = part.split_once(':').unwrap_or((part, ""));
        word.len() >= 2
            && word.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            && parameters.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, ',' | '.' | '_' | '-'))
    };
    value.contains('|') && value.split('|').all(rule)
}

/// `db-credentials`, `app_secret_key`: names of resources or keys.
fn is_identifier(value: &str) -> bool {
    let lowercase_words = value
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
        && value.contains(['-', '_', '.'])
        && value.starts_with(|c: char| c.is_ascii_lowercase())
        && value.split(['-', '_', '.']).all(|w| !w.is_empty() && w.chars().filter(char::is_ascii_digit).count() <= 2);
    // ConvertTo-SecureString, PowerShellNuGetOrgPush, WebHooks-Demo-Web
    // (a random mix of cases, `NwMHeoJBYjKavU`, is not a word).
    let wordish = |w: &str| {
        let upper = w.chars().filter(char::is_ascii_uppercase).count();
        w.len() >= 2 && (upper == 0 || (upper == w.len() && w.len() <= 8) || upper * 3 <= w.len() + 1)
    };
    // ConnectionStrings__Shipping: .NET's `Section__Key` environment names.
    let words = value.chars().all(|c| c.is_ascii_alphabetic() || matches!(c, '-' | '_' | '.'))
        && value.split(['-', '_', '.']).filter(|w| !w.is_empty()).all(wordish);
    // Object.entries, config.db.password
    let dotted = value.contains('.')
        && value.split('.').all(|w| {
            w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    lowercase_words || words || dotted || is_camel_identifier(value)
}

/// `authorizedKeySecretName1`, `SecretStr`, `pkcs12KeyPass`: a camelCase
/// or PascalCase sequence of word-like parts (two letters or more, a vowel
/// in the long ones, digits only at a part's end), as opposed to the case mix of a
/// generated value (`NwMHeoJBYjKavU`).
fn is_camel_identifier(value: &str) -> bool {
    if !value.starts_with(|c: char| c.is_ascii_alphabetic()) || !value.chars().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let body = value.trim_end_matches(|c: char| c.is_ascii_digit());
    if value.len() - body.len() > 3 {
        return false;
    }
    let mut parts: Vec<String> = Vec::new();
    let mut previous: Option<char> = None;
    for c in body.chars() {
        let boundary = c.is_ascii_uppercase() && previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
        match parts.last_mut() {
            Some(part) if !boundary => part.push(c),
            _ => parts.push(c.to_string()),
        }
        previous = Some(c);
    }
    let wordlike = |part: &String| {
        let letters = part.trim_end_matches(|c: char| c.is_ascii_digit());
        let tail_upper = letters.chars().skip(1).any(|c| c.is_ascii_uppercase());
        letters.len() >= 2
            && !tail_upper
            && letters.chars().all(|c| c.is_ascii_alphabetic())
            && (letters.len() < 5 || letters.to_ascii_lowercase().contains(['a', 'e', 'i', 'o', 'u', 'y']))
    };
    parts.len() >= 2 && parts.iter().all(wordlike) && parts.iter().any(|p| p.len() >= 4)
}

/// True when `value` spells `name` (`"pkcs12keyPass": pkcs12keyPass`,
/// `API_KEY = "api-key"`), ignoring case and separators: a key, a
/// constant or an enum value, not a credential.
pub fn spells_name(name: &str, value: &str) -> bool {
    let compact =
        |s: &str| -> String { s.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase() };
    let (name, value) = (compact(name), compact(value));
    !value.is_empty() && (name == value || (value.len() >= 6 && name.ends_with(&value)))
}

/// True for references resolved elsewhere at deploy or run time: 1Password
/// (`op://vault/item/field`), vals (`ref+vault://…`, `ref+awssm://…`),
/// Bank-Vaults (`vault:secret/data/x#key`), Azure Key Vault (`akv://`),
/// SOPS (`ENC[AES256_GCM,…]`), Ansible Vault, AWS Secrets Manager and
/// SSM Parameter Store ARNs and paths, and templates (`${{ secrets.X }}`,
/// Helm and Jinja `{{ … }}`, `${VAR}`).
pub fn is_reference(value: &str) -> bool {
    let value = value.trim().trim_matches(['"', '\'']).trim();
    let lower = value.to_ascii_lowercase();
    const PREFIXES: &[&str] = &[
        "op://",
        "ref+",
        "vault:",
        "vault://",
        "akv://",
        "azkv://",
        "keyvault://",
        "gcpsm://",
        "awssm://",
        "awsssm://",
        "secretsmanager:",
        "ssm:",
        "arn:aws:secretsmanager:",
        "arn:aws:ssm:",
        "enc[",
        "$ansible_vault;",
        "sm://",
        "bws://",
        "doppler://",
        "infisical://",
    ];
    PREFIXES.iter().any(|p| lower.starts_with(p)) || ["${{", "{{", "{%", "${", "$("].iter().any(|t| value.contains(t))
}

/// True for values that look machine-generated (an API token, a key):
/// long, varied and not words, unlike a password a person chose. Only
/// such values are reported by name alone in tests, docs and examples.
pub fn looks_generated(value: &str) -> bool {
    let value = value.trim().trim_matches(['"', '\'']);
    value.len() >= 16
        && looks_like_secret_value(value)
        && !is_example_value(value)
        && shannon_entropy(value) >= 3.5
        && (char_classes(value) >= 3 || value.len() >= 24)
}

/// True when a literal value assigned to a credential-named variable looks
/// like a real credential: not a placeholder, a hash, a path or a reference,
/// at least 8 characters and varied enough.
pub fn looks_like_secret_value(value: &str) -> bool {
    let value = value.trim().trim_matches(['"', '\'']);
    if value.len() < 8 || is_placeholder(value) || is_hash_like(value) || is_not_a_credential(value) {
        return false;
    }
    if is_identifier(value) {
        return false;
    }
    char_classes(value) >= 2 && shannon_entropy(value) >= 3.0
}

/// True when `value`, assigned to the credential name `name` (see
/// [`is_secret_name`]), is a literal credential: a password by
/// [`looks_like_password`] for password names, otherwise a generated token
/// or key. Unlike [`looks_like_secret_value`], hex strings count (many API
/// keys are hex) unless they are prefixed digests or the name says digest.
pub fn is_credential_for_name(name: &str, value: &str) -> bool {
    if is_password_name(name) {
        return looks_like_password(value);
    }
    let value = value.trim().trim_matches(['"', '\'']);
    let lower_name = normalized_name(name);
    let digest_name = ["sha", "digest", "hash", "checksum", "commit", "revision", "fingerprint"]
        .iter()
        .any(|w| lower_name.contains(w));
    let hex = value.len() >= 16 && value.chars().all(|c| c.is_ascii_hexdigit());
    if hex && !digest_name {
        return !is_placeholder(value)
            && shannon_entropy(value) >= 3.0
            && value.chars().any(|c| c.is_ascii_digit())
            && value.chars().any(|c| c.is_ascii_alphabetic());
    }
    looks_like_secret_value(value)
}

/// True when a literal value assigned to a password-named variable
/// (see [`is_password_name`]) looks like a real password. Passwords are
/// chosen by people, so the bar is lower than for tokens: `hunter2hunter2`
/// and `correct-horse-battery-staple-42` count, single dictionary words
/// (`postgres`, `rootpassword`) and placeholders do not.
pub fn looks_like_password(value: &str) -> bool {
    let value = value.trim().trim_matches(['"', '\'']);
    if value.len() < 6 || is_placeholder(value) || is_hash_like(value) || is_not_a_credential(value) {
        return false;
    }
    let classes = char_classes(value);
    if classes < 2 {
        return false;
    }
    let distinct = {
        let mut seen: Vec<char> = value.chars().collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    };
    if distinct < 5 {
        return false;
    }
    // `my-db-password`, `app_user`: names rather than passwords, unless
    // long enough to be a passphrase.
    if is_identifier(value) && !(value.len() >= 16 && value.chars().any(|c| c.is_ascii_digit())) {
        return false;
    }
    shannon_entropy(value) >= 2.5
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
        for name in [
            "PASSWORD_FILE",
            "TOKEN_URL",
            "SECRET_NAME",
            "PATH",
            "HOME",
            "SECRET_KEY_REF",
            "tokenizer_dir",
            "max_tokens",
            "PASSWORD_MIN_LENGTH",
            "secretName",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
        assert!(is_password_name("MYSQL_ROOT_PASSWORD"));
        for name in ["DB_PASS", "ansible_ssh_pass", "ADMIN_PW", "requirepass", "smtpPass"] {
            assert!(is_password_name(name), "{name}");
        }
        for name in ["bypass", "BYPASS_PROXY", "compass", "passthrough", "pass_through_headers"] {
            assert!(!is_secret_name(name), "{name}");
        }
        assert!(is_password_name("passphrase"));
        assert!(!is_password_name("API_TOKEN"));
    }

    #[test]
    fn values() {
        for value in [
            "changeme",
            "${DB_PASSWORD}",
            "<password>",
            "xxxxxxxx",
            "$(cat /run/secrets/x)",
            "{{ .Values.pw }}",
            "your-api-key-here",
            "__DB_PASSWORD__",
            "DB_PASSWORD",
            "db-credentials",
            "kubernetes.io/service-account-token",
            "projects/PROJECT_ID/instances/SPANNER_INSTANCE",
            "/run/secrets/db",
            "secretKeyRef",
            "ConnectionStrings__Shipping",
            "1.2.3",
        ] {
            assert!(!looks_like_secret_value(value), "{value}");
            assert!(!looks_like_password(value), "{value}");
        }
        let sha = "4f1a5b1051b469108d1bdf0ebec6c814427e3834";
        assert!(!looks_like_secret_value(sha));
        let made_up = format!("{}{}", "Zq8#vT2m", "Lp4wXr9s");
        assert!(looks_like_secret_value(&made_up));
        assert!(looks_like_password(&made_up));
    }

    #[test]
    fn passwords() {
        for value in
            ["hunter2hunter2", "SuperSecret123!", "correct-horse-battery-staple-42", "admin123", "NwMHeoJBYjKavU"]
        {
            assert!(looks_like_password(value), "{value}");
        }
        for value in ["postgres", "rootpassword", "password", "my-db-password", "app_user", "secret", "123456789"] {
            assert!(!looks_like_password(value), "{value}");
        }
        // Weak but real: flagged in configuration, taken for examples in comments.
        for value in ["P@ssw0rd", "password123", "S3cretPass!"] {
            assert!(looks_like_password(value), "{value}");
            assert!(is_example_value(value), "{value}");
        }
        assert!(!is_example_value("hunter2hunter2"));
    }

    #[test]
    fn documented_examples_by_hash() {
        // Assembled at run time: the repository holds only hashes.
        let aws = ["AKIAIOSFODNN7", "EXAMPLE"].concat();
        let github = ["ghp_16C7e42F292c6912E", "7710c838347Ae178B4a"].concat();
        let stripe = ["sk_test_4eC39HqLy", "jWDarjtT1zdp7dc"].concat();
        let jwt_signature = ["SflKxwRJSMeKKF2QT4fwpMeJf36P", "Ok6yJV_adQssw5c"].concat();
        let kubeadm = ["abcdef.", "0123456789abcdef"].concat();
        for value in [aws.as_str(), &github, &stripe, &kubeadm] {
            assert!(is_documented_example(value), "{value}");
        }
        let header = "eyJhbGciOiJIUzI1NiJ9";
        let payload = "eyJzdWIiOiJzdmMtZGVwbG95IiwiaWF0IjoxNzE0NTYzMjg3fQ";
        assert!(is_documented_example(&format!("{header}.{payload}.{jwt_signature}")));
        assert!(!is_documented_example(&["ghp_16C7e42F292c6912E", "7710c838347Ae178B4b"].concat()));
        assert!(!is_documented_example(&format!("{header}.{payload}")));
    }

    #[test]
    fn hashes_are_sha256_hex() {
        for hash in DOCUMENTED_EXAMPLES {
            assert_eq!(hash.len(), 64);
            assert!(hash.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        }
    }

    #[test]
    fn identifiers_and_names() {
        for value in
            ["authorizedKeySecretName1", "SecretStr", "pkcs12KeyPass", "clientSecretValue", "AccessTokenProvider"]
        {
            assert!(is_camel_identifier(value), "{value}");
            assert!(!looks_like_secret_value(value), "{value}");
        }
        for value in ["NwMHeoJBYjKavU", "hunter2hunter2", "Xk9pQw2Lm7Rt", "aB3dE5fG7hJ9"] {
            assert!(!is_camel_identifier(value), "{value}");
        }
        assert!(spells_name("pkcs12keyPass", "pkcs12keyPass"));
        assert!(spells_name("API_KEY", "api-key"));
        assert!(spells_name("authorizedKeySecretName1", "authorizedKeySecretName1"));
        assert!(!spells_name("DB_PASSWORD", "hunter2hunter2"));
    }

    #[test]
    fn patterns_and_rule_lists() {
        for value in
            ["([a-zA-Z0-9-_.]{115})", "^[A-Za-z0-9]{40}$", "required|string|min:6|confirmed", "sometimes|min:6"]
        {
            assert!(is_not_a_credential(value), "{value}");
            assert!(!looks_like_password(value), "{value}");
        }
        assert!(!is_not_a_credential("Wq7v|Lx92-k"));
        for value in ["v1.0.0-rc.1+build.123", "2.4.1", "V10.2-beta"] {
            assert!(is_version(value), "{value}");
        }
        assert!(!is_version("Wq7v.Lx92"));
    }

    #[test]
    fn references() {
        for value in [
            "op://prod/db/password",
            "ref+vault://secret/db#/password",
            "ref+awssm://prod/db",
            "vault:secret/data/db#password",
            "akv://kv-prod/db-password",
            "ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db",
            "${{ secrets.DB_PASSWORD }}",
            "{{ .Values.db.password }}",
        ] {
            assert!(is_reference(value), "{value}");
        }
        assert!(!is_reference("hunter2hunter2"));
    }

    #[test]
    fn generated_values() {
        let token = ["q8Zr2LkPwX9mVt4Y", "b7NcJ1dHs6Ga5Fe0"].concat();
        assert!(looks_generated(&token));
        for value in ["P@ssw0rd", "hunter2hunter2", "SuperSecret123!", "changeme-please-now"] {
            assert!(!looks_generated(value), "{value}");
        }
    }

    #[test]
    fn placeholders() {
        for value in ["changeme", "password", "Password!", "TODO", "<token>", "xxx-xxx", "abc", "*****", "%s", "{0}"] {
            assert!(is_placeholder(value), "{value}");
        }
        for value in ["SuperSecret123!", "hunter2hunter2", "sk_live_abc123XYZ"] {
            assert!(!is_placeholder(value), "{value}");
        }
    }
}
