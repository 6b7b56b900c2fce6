use std::collections::HashSet;
use std::sync::LazyLock;

use regex::{Captures, Regex};
use shipshape_diagnostics::{Severity, Span};

use super::evidence::{report_found, Evidence};
use super::provider_secrets;
use super::scanner::{case_variants, compile, decode_base64, Literals};
use crate::classify::{Kind, Templating};
use crate::context::TextContext;
use crate::declare_rule;
use crate::file_context::{ContextEvidence, FileContext};
use crate::rule::{Reporter, Rule};
use crate::secret_values::{
    is_credential_for_name, is_example_value, is_reference, is_secret_name, looks_generated, looks_like_password,
    looks_like_secret_value, spells_name,
};

declare_rule! {
    /// ## What it does
    /// Flags a literal credential assigned to a name that says it is one, in
    /// any text file:
    /// - assignments: `DB_PASSWORD=…`, `password: …`, `"apiKey": "…"`,
    ///   `client_secret = "…"`, `:token => "…"`, `Password=…;` in a
    ///   connection string, `<password>…</password>`;
    /// - name/value pairs: `- name: API_TOKEN` followed by `value: …`
    ///   (outside Kubernetes manifests, whose `env` has its own rule), and
    ///   `<add key="ClearTextPassword" value="…"/>`;
    /// - command lines and server options: `--password …`,
    ///   `docker login -p …`, `mysql -p…`, `sshpass -p …`,
    ///   `curl -u user:…`, `keytool -storepass …`, `openssl … pass:…`,
    ///   Redis `requirepass …`;
    /// - HTTP headers: `Authorization: Bearer …` / `Basic …`;
    /// - every key of the `data` and `stringData` of a templated Kubernetes
    ///   `Secret` (a Helm template, which `secret-data-in-manifest` does not
    ///   parse; plain manifests are left to that rule), except names of
    ///   public values such as `username`, `host` or `ca.crt`, `data` values
    ///   being judged base64-decoded.
    ///
    /// The name must be a credential's name (`password`, `DB_PASS`, `secret`,
    /// `token`, `api_key`, `private_key`, `credentials`…) and not where one is
    /// (`PASSWORD_FILE`, `TOKEN_URL`, `secretName`, `secretKeyRef`). The
    /// value must be a literal that looks like a credential: a password
    /// needs two kinds of characters (`hunter2hunter2`, and weak ones such
    /// as `P@ssw0rd` or `password123` too), a token or key must also be
    /// varied enough to be generated. In comments, which mostly hold
    /// examples, only values that look generated are flagged. Never flagged:
    /// references and
    /// templates (`${VAR}`, `$(cat …)`, `{{ .Values.x }}`, `#{x}`,
    /// `__X__`), placeholders (`changeme`, `<password>`, `xxxx`, `****`,
    /// `your-token-here`, `example`…), AWS's documented example keys,
    /// commit SHAs and digests, paths, URLs (see `password-in-url`),
    /// numbers, booleans, names of variables and resources, values that
    /// spell their own name (`"apiKey": apiKey`,
    /// `const tokenName = "tokenName"`), identifiers, types and enum values
    /// (`authorizedKeySecretName1`, `SecretStr`), regular expressions and
    /// validation rules (`required|min:6`), and references resolved
    /// elsewhere (`op://vault/item/field`, `ref+vault://…`, `vault:…`,
    /// `akv://…`, `ENC[AES256_GCM,…]`, secrets-manager ARNs), and the
    /// passcodes of meeting invitation links (`zoom.us/j/…?pwd=…`). In program
    /// source, only quoted strings count as literals (`password =
    /// os.environ["PW"]` is not flagged).
    ///
    /// Secrets that a provider rule recognises (`ghp_…`, `AKIA…`) are
    /// reported by that rule, and Dockerfile `ENV` / `ARG` by
    /// `secret-in-arg-or-env`, not twice.
    ///
    /// The message names the signal (the name, option or header, and the
    /// value's entropy in bits per character). In tests, fixtures,
    /// documentation and examples only values that look generated (16
    /// characters or more, varied, not words) are reported, as a note that
    /// says where they sit; chosen passwords there are examples. In CI
    /// workflows an example-like password set by name (`password1`,
    /// `Pass123$`, the throwaway credential of a test job or service
    /// container) is a note too; command options such as `docker login -p`
    /// stay errors.
    ///
    /// ## Why is this bad?
    /// A secret in a file is readable by everyone who can read the
    /// repository, its forks, clones, CI logs and built images, and stays in
    /// history after it is removed. It cannot be rotated without a commit
    /// and is usually the same in every environment.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     environment:
    ///       POSTGRES_PASSWORD: "Tr0ub4dor&3"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   db:
    ///     environment:
    ///       POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    ///     secrets: [db_password]
    /// ```
    ///
    /// ## References
    /// - [OWASP: Secrets Management Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html)
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    pub struct HardcodedSecretAssignment {
        id: "hardcoded-secret-assignment",
        severity: Error,
        domains: [Secrets],
        summary: "Literal credential assigned to a password, secret, token or key name",
    }
}

/// Words one of which occurs on every line this rule can flag.
/// Case variants (`PASS`, `Pass`) are added; camelCase forms are listed.
const KEYWORDS: &[&str] = &[
    "masterauth",
    "apiKey",
    "accessKey",
    "privateKey",
    "privKey",
    "authKey",
    "accountKey",
    "masterKey",
    "signingKey",
    "encryptionKey",
    "sharedKey",
    "connectionString",
    "pass",
    "pwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "accesskey",
    "access_key",
    "access-key",
    "privatekey",
    "private_key",
    "private-key",
    "privkey",
    "credential",
    "auth_key",
    "authkey",
    "auth-key",
    "authorization",
    "connectionstring",
    "connection_string",
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
    "curl",
    "login",
    "mysql",
];

static LITERALS: LazyLock<Literals> = LazyLock::new(|| {
    let variants: Vec<String> = KEYWORDS.iter().flat_map(|w| case_variants(w)).collect();
    Literals::new(&variants)
});

/// `key <op> value`, the key optionally quoted.
static ASSIGNMENT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r#"(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)(?P<kq>["']?)\]?[ \t]*(?P<op>:=|=>|==|!=|=|::|:)[ \t]*(?P<val>"(?:[^"\\]|\\.)*"|'[^']*'|`[^`]*`|[^\s"'`,;)}\]]+)"#,
    )
});

/// `--password value` (the `=` form is an assignment).
static FLAG: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r#"(?:^|\s)--(?P<key>[A-Za-z][A-Za-z0-9-]*)[ \t]+(?P<val>"[^"]*"|'[^']*'|[^\s"'|;&<>()\\\-][^\s"'|;&<>()\\]*)"#,
    )
});

/// Password options of well-known commands: `docker login -p x`,
/// `mysql -px`, `sshpass -p x`.
static COMMAND_PASSWORD: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r#"(?:\b(?:docker|podman|nerdctl|buildah|skopeo|helm|oras|crane)\b[^\n]*?\blogin\b[^\n]*?\s-p[ \t]+|\bmysql(?:dump|admin|import|sh)?\b[^\n]*?\s-p|\bsshpass[ \t]+-p[ \t]*)(?P<val>"[^"]+"|'[^']+'|[^\s"'\-|;&][^\s"'|;&]*)"#,
    )
});

/// `keytool -storepass x`, `openssl … -passout pass:x`, Redis'
/// `requirepass x` / `masterauth x`.
static OPTION_PASSWORD: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r#"(?:\s-(?:src|dest)?(?:store|key)pass[ \t]+|\s-pass(?:in|out)?[ \t]+pass:|^[ \t]*(?:requirepass|masterauth)[ \t]+)(?P<val>"[^"]+"|'[^']+'|[^\s"'|;&]+)"#,
    )
});

/// `curl -u user:password`.
static CURL_USER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(r#"\bcurl\b[^\n]*?\s(?:-u|--user)(?:[ \t]+|=)["']?(?P<user>[^\s:"']*):(?P<val>[^\s"']+)"#)
});

/// `Authorization: Bearer …` / `Basic …` / `Token …`.
static AUTHORIZATION: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r#"(?i)\b(?:proxy-)?authorization\b["']?[ \t]*[:=][ \t]*["']?(?P<scheme>bearer|basic|token)[ \t]+(?P<val>[A-Za-z0-9._~+/=\-]{8,})"#,
    )
});

/// `<password>value</password>`.
static XML_ELEMENT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(r#"<(?P<key>[A-Za-z_][A-Za-z0-9_.\-:]*)>(?P<val>[^<\s]{4,})</(?P<close>[A-Za-z_][A-Za-z0-9_.\-:]*)>"#)
});

/// `<add key="Password" value="…"/>`, `{"name": "TOKEN", "value": "…"}`.
static INLINE_PAIR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r#"(?i)\b(?:key|name)["']?[ \t]*[:=][ \t]*["'](?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)["'][ \t]*,?[ \t]*["']?value["']?[ \t]*[:=][ \t]*(?P<val>"[^"]*"|'[^']*')"#,
    )
});

/// `- name: API_TOKEN` alone on its line.
static NAME_LINE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r#"^[ \t]*(?:-[ \t]+)?["']?(?:name|Name|key)["']?[ \t]*:[ \t]*["']?(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)["']?,?[ \t]*$"#,
    )
});

/// `value: …` on the line after a name line.
static VALUE_LINE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(r#"^[ \t]*["']?(?:value|Value)["']?[ \t]*:[ \t]*(?P<val>"(?:[^"\\]|\\.)*"|'[^']*'|[^\s"'#,][^\s#,]*)"#)
});

/// Extensions of program source, where a bare word is an identifier.
const CODE_EXTENSIONS: &[&str] = &[
    "py",
    "js",
    "mjs",
    "cjs",
    "ts",
    "tsx",
    "jsx",
    "go",
    "java",
    "kt",
    "kts",
    "scala",
    "groovy",
    "gradle",
    "rb",
    "php",
    "cs",
    "fs",
    "vb",
    "rs",
    "c",
    "h",
    "cc",
    "cpp",
    "hpp",
    "swift",
    "m",
    "mm",
    "tf",
    "hcl",
    "json",
    "jsonnet",
    "libsonnet",
    "cue",
    "nix",
    "lua",
    "pl",
    "pm",
    "ps1",
    "psm1",
    "dart",
    "ex",
    "exs",
    "erl",
    "clj",
    "cljs",
    "r",
    "jl",
    "vue",
    "svelte",
    "sql",
    "bicep",
    "pkl",
    "star",
    "bzl",
];

struct FileKind {
    code: bool,
    dockerfile: bool,
    netrc: bool,
    /// A Kubernetes manifest the `kubernetes` rules parse.
    manifest: bool,
    /// Byte ranges of the `data` / `stringData` blocks of Secrets.
    secret_data: Vec<(usize, usize)>,
}

/// The `data` and `stringData` blocks of the `kind: Secret` documents of a
/// YAML file: every key there holds a secret, whatever its name.
fn secret_data_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    if !text.contains("Secret") {
        return ranges;
    }
    let mut documents = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("---") {
            documents.push((start, offset));
            start = offset + line.len();
        }
        offset += line.len();
    }
    documents.push((start, text.len()));
    for (start, end) in documents {
        let Some(document) = text.get(start..end) else { continue };
        let is_secret = document.lines().any(|l| {
            l.strip_prefix("kind:")
                .is_some_and(|k| k.split('#').next().unwrap_or("").trim().trim_matches(['"', '\'']) == "Secret")
        });
        if !is_secret {
            continue;
        }
        let mut position = start;
        let mut block: Option<usize> = None;
        for line in document.split_inclusive('\n') {
            let top_level = !line.starts_with([' ', '\t', '#', '\n', '\r', '-']) && !line.trim().is_empty();
            if top_level {
                if let Some(block_start) = block.take() {
                    ranges.push((block_start, position));
                }
                let key = line.split(':').next().unwrap_or("").trim();
                if matches!(key, "data" | "stringData") && line.trim_end().ends_with(':') {
                    block = Some(position + line.len());
                }
            }
            position += line.len();
        }
        if let Some(block_start) = block {
            ranges.push((block_start, end));
        }
    }
    ranges
}

fn file_kind(cx: &TextContext<'_>) -> FileKind {
    let name = cx.path.rsplit('/').next().unwrap_or(cx.path);
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let yaml = extension == "yaml" || extension == "yml";
    let class = cx.class;
    let manifest = yaml && class.declares_objects && !class.templated.is_some_and(Templating::breaks_syntax);
    FileKind {
        code: CODE_EXTENSIONS.contains(&extension.as_str()) || name == "Jenkinsfile",
        dockerfile: class.kind == Kind::Dockerfile,
        netrc: matches!(name, ".netrc" | "_netrc" | ".authinfo"),
        manifest,
        secret_data: if yaml { secret_data_ranges(cx.text) } else { Vec::new() },
    }
}

/// A value with its span in the file, quotes removed.
struct Value<'a> {
    text: &'a str,
    span: Span,
    quoted: bool,
}

fn value_of<'a>(caps: &Captures<'a>, name: &str, offset: usize) -> Option<Value<'a>> {
    let m = caps.name(name)?;
    let raw = m.as_str();
    let quoted = raw.len() >= 2 && raw.starts_with(['"', '\'', '`']) && raw.ends_with(['"', '\'', '`']);
    let (start, end) = if quoted { (m.start() + 1, m.end() - 1) } else { (m.start(), m.end()) };
    Some(Value {
        text: raw.get(usize::from(quoted)..raw.len() - usize::from(quoted))?,
        span: Span::new(offset + start, offset + end),
        quoted,
    })
}

/// The text a base64 value encodes, when it encodes printable text (the
/// `data` of a Kubernetes Secret, Helm values meant for it).
fn decoded_text(value: &str) -> Option<String> {
    let plausible = value.len() >= 8
        && value.len() & 3 == 0
        && value.trim_end_matches('=').bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    if !plausible {
        return None;
    }
    let text = String::from_utf8(decode_base64(value)?).ok()?;
    let text = text.trim_end_matches(['\n', '\r']);
    (!text.is_empty() && text.chars().all(|c| !c.is_control() || c == '\n' || c == '\t')).then(|| text.to_string())
}

/// True when `value` under `key` is a literal credential.
fn is_credential(key: &str, value: &str) -> bool {
    if value.contains("\\n") || value.contains("\\u") {
        return false;
    }
    // `"pkcs12keyPass": pkcs12keyPass`, `op://vault/item/field`: a name or a
    // reference resolved elsewhere.
    if spells_name(key, value) || is_reference(value) {
        return false;
    }
    // A long base64 blob that is not text: data encrypted for a Sealed
    // Secret or a KMS, a certificate, not a credential typed into a file.
    let base64 = value.trim_end_matches('=').bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    if value.len() >= 200 && base64 && decoded_text(value).is_none() {
        return false;
    }
    match decoded_text(value) {
        Some(decoded) => is_credential_for_name(key, &decoded),
        None => is_credential_for_name(key, value),
    }
}

/// Key names inside a Secret's `data` that hold public values.
fn is_public_key_name(key: &str) -> bool {
    const WORDS: &[&str] = &[
        "user",
        "username",
        "name",
        "host",
        "hostname",
        "url",
        "uri",
        "endpoint",
        "address",
        "port",
        "crt",
        "cert",
        "ca",
        "region",
        "database",
        "db",
        "email",
        "id",
        "type",
        "bucket",
        "project",
        "config",
        "server",
        "namespace",
        "path",
        "file",
        "dockerconfigjson",
        "dockercfg",
    ];
    let lower = key.to_ascii_lowercase();
    lower.split(['.', '-', '_']).any(|w| WORDS.contains(&w))
        || [
            "name",
            "user",
            "host",
            "url",
            "uri",
            "endpoint",
            "address",
            "port",
            "crt",
            "cert",
            "id",
            "type",
            "region",
            "email",
            "server",
            "namespace",
            "path",
            "file",
        ]
        .iter()
        .any(|s| lower.ends_with(s))
}

/// Video-meeting hosts whose invitation links carry the meeting's passcode
/// (`https://zoom.us/j/123?pwd=…`): published with the invitation, not a
/// credential.
const MEETING_HOSTS: &[&str] = &[
    "zoom.us",
    "zoom.com",
    "webex.com",
    "teams.microsoft.com",
    "meet.google.com",
    "gotomeeting.com",
    "whereby.com",
    "jit.si",
];

/// True when the URL that `before` ends inside points at a meeting host.
fn is_meeting_link(before: &str) -> bool {
    let Some(start) = before.rfind("://") else { return false };
    let rest = &before[start + 3..];
    let host = rest.split(['/', '?', ':', '#']).next().unwrap_or("").to_ascii_lowercase();
    MEETING_HOSTS.iter().any(|m| host == *m || host.ends_with(&format!(".{m}")))
}

/// A `user:password` pair (from `curl -u` or a Basic header) with a real
/// password.
fn is_basic_pair(pair: &str) -> bool {
    pair.split_once(':').is_some_and(|(user, password)| {
        !password.is_empty()
            && !password.eq_ignore_ascii_case(user)
            && !password.starts_with('$')
            && looks_like_password(password)
    })
}

struct Candidate {
    message: String,
    span: Span,
    /// What named it a credential: "the name `DB_PASSWORD`".
    signal: String,
}

fn named(name: &str) -> String {
    format!("the name `{name}`")
}

fn assigned(name: &str) -> String {
    format!("`{name}` is set to a literal secret: load it from a secret store or the environment at run time")
}

/// Longest value an assignment is searched for: every search on a line is
/// bounded by it, so a line of a million `password=` stays linear.
const MAX_VALUE_LEN: usize = 1024;

/// `line` up to byte `end` (or its end), on a character boundary.
fn window(line: &str, end: usize) -> &str {
    let mut end = end.min(line.len());
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    line.get(..end).unwrap_or(line)
}

/// True when the unquoted value after the key ending at `key_end` runs
/// past [`MAX_VALUE_LEN`]: the search would be cut (see [`cut_by`]), so it
/// is skipped without searching.
fn bare_value_too_long(line: &[u8], key_end: usize) -> bool {
    let rest = line.get(key_end..).unwrap_or(&[]);
    let value_start = rest
        .iter()
        .position(|c| !matches!(c, b'"' | b'\'' | b']' | b' ' | b'\t' | b':' | b'=' | b'>' | b'!'))
        .unwrap_or(rest.len());
    let value = rest.get(value_start..).unwrap_or(&[]);
    let quoted = rest.get(..value_start).is_some_and(|gap| gap.iter().any(|c| matches!(c, b'"' | b'\'')))
        && rest.get(value_start.saturating_sub(1)).is_some_and(|c| matches!(c, b'"' | b'\''));
    !quoted
        && value
            .iter()
            .take(MAX_VALUE_LEN + 1)
            .take_while(|c| {
                !c.is_ascii_whitespace() && !matches!(c, b'"' | b'\'' | b'`' | b',' | b';' | b')' | b'}' | b']')
            })
            .count()
            > MAX_VALUE_LEN
}

/// True when a match reaches the end of a `window` shorter than its
/// `line`: its value may go on, and one that long is a blob, not a credential.
fn cut_by(window: &str, line: &str, caps: &Captures<'_>) -> bool {
    window.len() < line.len() && caps.get(0).is_some_and(|m| m.end() == window.len())
}

struct LineScan<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    kind: &'a FileKind,
    out: Vec<Candidate>,
    /// Spans already in `out`.
    seen: HashSet<Span>,
    /// What provider rules find on the line, looked up once.
    provider_secrets: Option<Vec<Span>>,
}

impl<'a> LineScan<'a> {
    fn new(text: &'a str, start: usize, end: usize, kind: &'a FileKind) -> Self {
        Self { text, start, end, kind, out: Vec::new(), seen: HashSet::new(), provider_secrets: None }
    }

    fn line(&self) -> &str {
        self.text.get(self.start..self.end).unwrap_or("")
    }

    fn push(&mut self, message: String, span: Span, signal: String) {
        if is_comment(self.line()) {
            // Commented-out configuration is usually an example: only values
            // that look generated (a token, not a chosen password) count there.
            let value = self.text.get(span.start..span.end).unwrap_or("");
            let value = decoded_text(value).unwrap_or_else(|| value.to_string());
            if !looks_generated(&value) {
                return;
            }
        }
        let relative = Span::new(span.start - self.start, span.end - self.start);
        let line = self.text.get(self.start..self.end).unwrap_or("");
        let providers = self.provider_secrets.get_or_insert_with(|| provider_secrets(line));
        if providers.iter().any(|s| s.start < relative.end && relative.start < s.end) || !self.seen.insert(span) {
            return;
        }
        self.out.push(Candidate { message, span, signal });
    }

    /// Assignments whose key contains one of `anchors` (offsets in the
    /// line), or every assignment when `anchors` is `None`.
    fn assignments(&mut self, anchors: Option<&[usize]>) {
        let Some(regex) = ASSIGNMENT.as_ref() else { return };
        let line = self.text.get(self.start..self.end).unwrap_or("");
        let Some(anchors) = anchors else {
            let mut from = 0;
            // Each match resumes at its value: `url=jdbc:…?password=…` holds two.
            loop {
                let window = window(line, from + MAX_VALUE_LEN);
                let Some(caps) = regex.captures_at(window, from) else { break };
                let Some(value) = caps.name("val") else { break };
                from = if value.start() > from { value.start() } else { value.end().max(from + 1) };
                if !cut_by(window, line, &caps) {
                    self.assignment(line, &caps, true);
                }
            }
            return;
        };
        let bytes = line.as_bytes();
        let mut done = None;
        for &anchor in anchors {
            let word_start = bytes.get(..anchor).map_or(0, |b| {
                b.iter()
                    .rposition(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-')))
                    .map_or(0, |p| p + 1)
            });
            // Anchors come in order, so the words they fall in do too.
            if done == Some(word_start) {
                continue;
            }
            done = Some(word_start);
            // Cheap checks before the regex: a credential's name, then an operator.
            let word_end = bytes
                .get(anchor..)
                .and_then(|b| b.iter().position(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))))
                .map_or(bytes.len(), |p| anchor + p);
            let word = line.get(word_start..word_end).unwrap_or("");
            let operator = bytes
                .get(word_end..)
                .and_then(|b| b.iter().find(|c| !matches!(c, b'"' | b'\'' | b']' | b' ' | b'\t')))
                .is_some_and(|c| matches!(c, b'=' | b':'));
            if !operator
                || !is_secret_name(word.trim_start_matches(|c: char| !c.is_ascii_alphabetic() && c != '_'))
                || bare_value_too_long(bytes, word_end)
            {
                continue;
            }
            let window = window(line, word_end + MAX_VALUE_LEN);
            let Some(caps) = regex.captures_at(window, word_start) else { continue };
            if caps.name("key").is_some_and(|k| k.start() <= anchor && anchor < k.end()) && !cut_by(window, line, &caps)
            {
                self.assignment(line, &caps, false);
            }
        }
    }

    fn assignment(&mut self, line: &str, caps: &Captures<'_>, in_secret_data: bool) {
        let bytes = line.as_bytes();
        let (Some(key), Some(op), Some(raw_value)) = (caps.name("key"), caps.name("op"), caps.name("val")) else {
            return;
        };

        let op = op.as_str();
        let indent = line.len() - line.trim_start().len();
        let secret_key = is_secret_name(key.as_str())
            || (in_secret_data && key.start() == indent && !is_public_key_name(key.as_str()));
        if matches!(op, "==" | "!=" | "::") || !secret_key {
            return;
        }
        let before = key.start().checked_sub(1).and_then(|i| bytes.get(i)).copied();
        // `${PASSWORD:-default}` is a reference with a default.
        if before == Some(b'{') && key.start() >= 2 && bytes.get(key.start() - 2) == Some(&b'$') {
            return;
        }
        let Some(mut value) = value_of(caps, "val", self.start) else { return };
        if matches!(before, Some(b'?' | b'&')) && !value.quoted {
            if is_meeting_link(line.get(..key.start()).unwrap_or("")) {
                return;
            }
            // `?user=app&password=…&ssl=true`: the value ends at the next parameter.
            if let Some(cut) = value.text.find(['&', '#']) {
                value.text = &value.text[..cut];
                value.span.end = value.span.start + cut;
            }
        }
        let key_quoted = caps.name("kq").is_some_and(|q| !q.as_str().is_empty());
        if op == ":" && !key_quoted && !value.quoted {
            // YAML needs `key: value`; `a:b` is one scalar.
            if !bytes.get(raw_value.start().saturating_sub(1)).is_some_and(|b| *b == b' ' || *b == b'\t') {
                return;
            }
            // `password: correct horse battery`: a sentence, not a secret.
            let after = line.get(value.span.end - self.start..).unwrap_or("").trim_start();
            if !after.is_empty() && !after.starts_with('#') {
                return;
            }
        }
        if !value.quoted && value.text.contains(['(', '[', '{']) {
            return;
        }
        let in_string =
            matches!(before, Some(b';' | b'?' | b'&')) || (matches!(before, Some(b'"' | b'\'')) && !key_quoted);
        if !value.quoted && self.kind.code && !in_string {
            // In program source a bare word is an identifier, unless inside a string
            // (`"Server=db;Password=…;"`); `"apiKey": apiKey` is a quoted key.
            return;
        }
        // `checksum/secret: <sha256>`: the whole key says what the value is.
        let prefix_len = bytes.get(..key.start()).map_or(0, |b| {
            b.iter().rev().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-' | b'/')).count()
        });
        let full_key = line.get(key.start() - prefix_len..key.end()).unwrap_or(key.as_str());
        if is_credential(full_key, value.text) {
            self.push(assigned(key.as_str()), value.span, named(key.as_str()));
        }
    }

    fn flags(&mut self) {
        let Some(regex) = FLAG.as_ref() else { return };
        let line = self.text.get(self.start..self.end).unwrap_or("");
        for caps in regex.captures_iter(line) {
            let Some(key) = caps.name("key") else { continue };
            if !is_secret_name(key.as_str()) {
                continue;
            }
            let Some(value) = value_of(&caps, "val", self.start) else { continue };
            if is_credential(key.as_str(), value.text) {
                self.push(
                    format!(
                        "Literal secret passed to `--{}` on a command line: read it from a file or the environment",
                        key.as_str()
                    ),
                    value.span,
                    format!("the option `--{}`", key.as_str()),
                );
            }
        }
    }

    fn commands(&mut self) {
        let line = self.text.get(self.start..self.end).unwrap_or("");
        if let Some(regex) = COMMAND_PASSWORD.as_ref() {
            for caps in regex.captures_iter(line) {
                let Some(value) = value_of(&caps, "val", self.start) else { continue };
                if looks_like_password(value.text) {
                    let matched = caps.get(0).map_or("", |m| m.as_str());
                    let command = matched.split_whitespace().next().unwrap_or("");
                    let message = if command.starts_with("mysql") {
                        format!("Literal password passed to `{command} -p`: use an option file or a secret at run time")
                    } else if command == "sshpass" {
                        "Literal password passed to `sshpass -p`: use an SSH key or `sshpass -f`".to_string()
                    } else {
                        format!("Literal password passed to `{command} login -p`: use `--password-stdin` with a secret")
                    };
                    self.push(message, value.span, format!("the password option of `{command}`"));
                }
            }
        }
        if let Some(regex) = OPTION_PASSWORD.as_ref() {
            for caps in regex.captures_iter(line) {
                let Some(value) = value_of(&caps, "val", self.start) else { continue };
                if looks_like_password(value.text) {
                    self.push(
                        "Literal password in a command or server option: read it from a file or the environment"
                            .to_string(),
                        value.span,
                        "a password option".to_string(),
                    );
                }
            }
        }
        if let Some(regex) = CURL_USER.as_ref() {
            for caps in regex.captures_iter(line) {
                let (Some(user), Some(password)) = (caps.name("user"), caps.name("val")) else { continue };
                let pair = format!("{}:{}", user.as_str(), password.as_str());
                if is_basic_pair(&pair) {
                    let span = Span::new(self.start + password.start(), self.start + password.end());
                    self.push(
                        "Literal password in `curl -u user:password`: read it from a netrc file or the environment"
                            .to_string(),
                        span,
                        "`curl -u user:password`".to_string(),
                    );
                }
            }
        }
        if let Some(regex) = AUTHORIZATION.as_ref() {
            for caps in regex.captures_iter(line) {
                let (Some(scheme), Some(value)) = (caps.name("scheme"), value_of(&caps, "val", self.start)) else {
                    continue;
                };
                let real = if scheme.as_str().eq_ignore_ascii_case("basic") {
                    decode_base64(value.text)
                        .and_then(|bytes| String::from_utf8(bytes).ok())
                        .is_some_and(|pair| is_basic_pair(&pair))
                } else {
                    looks_like_secret_value(value.text)
                };
                if real {
                    self.push(
                        "Literal credential in an `Authorization` header: read it from the environment at run time"
                            .to_string(),
                        value.span,
                        format!("an `Authorization: {}` header", scheme.as_str()),
                    );
                }
            }
        }
        if self.kind.netrc {
            let mut words = line.split_whitespace();
            while let Some(word) = words.next() {
                if word == "password" || word == "passwd" {
                    if let Some(password) = words.next() {
                        let offset = password.as_ptr() as usize - line.as_ptr() as usize;
                        if looks_like_password(password) {
                            let span = Span::new(self.start + offset, self.start + offset + password.len());
                            self.push(
                                format!("Literal password in `{word}` of a netrc file: use a credential helper"),
                                span,
                                format!("a netrc `{word}` entry"),
                            );
                        }
                    }
                }
            }
        }
    }

    fn markup(&mut self) {
        let line = self.text.get(self.start..self.end).unwrap_or("");
        if let Some(regex) = XML_ELEMENT.as_ref() {
            for caps in regex.captures_iter(line) {
                let (Some(key), Some(close)) = (caps.name("key"), caps.name("close")) else { continue };
                if key.as_str() != close.as_str() || !is_secret_name(key.as_str()) {
                    continue;
                }
                let Some(value) = value_of(&caps, "val", self.start) else { continue };
                if is_credential(key.as_str(), value.text) {
                    self.push(assigned(key.as_str()), value.span, named(key.as_str()));
                }
            }
        }
        if self.kind.manifest {
            return;
        }
        if let Some(regex) = INLINE_PAIR.as_ref() {
            for caps in regex.captures_iter(line) {
                let Some(key) = caps.name("key") else { continue };
                let Some(value) = value_of(&caps, "val", self.start) else { continue };
                if is_secret_name(key.as_str()) && is_credential(key.as_str(), value.text) {
                    self.push(assigned(key.as_str()), value.span, named(key.as_str()));
                }
            }
        }
    }

    /// `- name: TOKEN` followed by `value: …` on the next line.
    fn name_value_pair(&mut self) {
        if self.kind.manifest {
            return;
        }
        let (Some(name_line), Some(value_line)) = (NAME_LINE.as_ref(), VALUE_LINE.as_ref()) else { return };
        let line = self.text.get(self.start..self.end).unwrap_or("");
        let Some(key) = name_line.captures(line).and_then(|c| c.name("key")) else { return };
        if !is_secret_name(key.as_str()) {
            return;
        }
        let bytes = self.text.as_bytes();
        let Some(next_start) =
            bytes.get(self.end..).and_then(|r| r.iter().position(|b| *b == b'\n')).map(|p| self.end + p + 1)
        else {
            return;
        };
        let Some(rest) = self.text.get(next_start..) else { return };
        let next = rest.lines().next().unwrap_or("");
        let Some(caps) = value_line.captures(next) else { return };
        let Some(value) = value_of(&caps, "val", next_start) else { return };
        if is_credential(key.as_str(), value.text) && !value.text.contains("://") {
            self.out.push(Candidate { message: assigned(key.as_str()), span: value.span, signal: named(key.as_str()) });
        }
    }
}

/// A line that is a comment in YAML, shell, INI, Dockerfiles and C-like code.
pub(crate) fn is_comment(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with('#') || line.starts_with("//") || line.starts_with(';') || line.starts_with("<!--")
}

fn is_env_or_arg(line: &str) -> bool {
    let word = line.split_whitespace().next().unwrap_or("");
    word.eq_ignore_ascii_case("ENV") || word.eq_ignore_ascii_case("ARG")
}

impl LineScan<'_> {
    /// Every detector whose trigger occurs on the line.
    fn run(&mut self, anchors: Option<&[usize]>) {
        let line = self.line();
        let lower = line.to_ascii_lowercase();
        let (dashes, command, markup, pair) = (
            line.contains("--"),
            self.kind.netrc
                || ["login", "mysql", "sshpass", "curl", "authorization", "pass ", "pass:", "masterauth"]
                    .iter()
                    .any(|w| lower.contains(w)),
            line.contains("</") || lower.contains("value"),
            !self.kind.manifest && (lower.contains("name") || line.contains("key")),
        );
        self.assignments(anchors);
        if dashes {
            self.flags();
        }
        if command {
            self.commands();
        }
        if markup {
            self.markup();
        }
        if pair {
            self.name_value_pair();
        }
    }
}

impl Rule for HardcodedSecretAssignment {
    fn check_text(&self, cx: &TextContext<'_>, report: &mut Reporter<'_>) {
        let kind = file_kind(cx);
        let text = cx.text;
        let bytes = text.as_bytes();
        // The blocks are in file order and do not overlap.
        let in_secret_data = |at: usize| {
            let after = kind.secret_data.partition_point(|(s, _)| *s <= at);
            after.checked_sub(1).and_then(|i| kind.secret_data.get(i)).is_some_and(|(s, e)| (*s..*e).contains(&at))
        };
        let env_continued = if kind.dockerfile { env_continuations(text) } else { HashSet::new() };
        let mut candidates = Vec::new();
        let mut positions = Vec::new();
        LITERALS.find(text, |at, _| positions.push(at));
        positions.sort_unstable();
        let mut hits = positions.into_iter().peekable();
        while let Some(hit) = hits.next() {
            let (start, end) = super::scanner::line_bounds(bytes, hit);
            let mut anchors = vec![hit - start];
            while let Some(next) = hits.next_if(|h| *h < end) {
                anchors.push(next - start);
            }
            let line = text.get(start..end).unwrap_or("");
            if in_secret_data(start) || (kind.dockerfile && (is_env_or_arg(line) || env_continued.contains(&start))) {
                continue;
            }
            let mut scan = LineScan::new(text, start, end, &kind);
            scan.run(Some(&anchors));
            candidates.append(&mut scan.out);
        }
        // Inside a Secret's `data`, every key holds a secret. A manifest the
        // `kubernetes` rules parse is left to `secret-data-in-manifest`:
        // one finding per value.
        let blocks: &[(usize, usize)] = if kind.manifest { &[] } else { &kind.secret_data };
        for &(block_start, block_end) in blocks {
            let mut start = block_start;
            while start < block_end {
                let (_, end) = super::scanner::line_bounds(bytes, start);
                let mut scan = LineScan::new(text, start, end, &kind);
                scan.run(None);
                candidates.append(&mut scan.out);
                start = bytes
                    .get(end..)
                    .and_then(|rest| rest.iter().position(|b| *b == b'\n'))
                    .map_or(block_end, |p| end + p + 1);
            }
        }
        candidates.sort_by_key(|c| c.span.start);
        for candidate in candidates {
            let value = text.get(candidate.span.start..candidate.span.end).unwrap_or("");
            let value = decoded_text(value).unwrap_or_else(|| value.to_string());
            let evidence = Evidence::keyword(&candidate.signal, &value);
            let context = cx.class.context.at(candidate.span.start);
            if ci_example_value(cx, &context, &candidate, &value) {
                let message = format!("{} (found by {}; a note: {CI_EXAMPLE})", candidate.message, evidence.signal);
                report.report_secret_capped(candidate.span, candidate.span, message, Severity::Info);
                continue;
            }
            report_found(report, &context, candidate.span, candidate.span, &candidate.message, &evidence);
        }
    }
}

const CI_EXAMPLE: &str = "an example-like password set in a CI workflow, as test jobs do";

/// True for an example-like value (`password1`, `Pass123$`, `P@ssw0rd`)
/// assigned by name in a CI workflow: the throwaway credential of a test
/// run or service container, reported as a note. Command options
/// (`docker login -p …`) log in somewhere and stay errors.
fn ci_example_value(cx: &TextContext<'_>, context: &ContextEvidence, candidate: &Candidate, value: &str) -> bool {
    matches!(cx.class.kind, Kind::GithubWorkflow | Kind::GitlabCi)
        && context.context == FileContext::Source
        && candidate.signal.starts_with("the name ")
        && is_example_value(value)
}

/// Starts of the lines that continue an `ENV`/`ARG` instruction, in one
/// pass: a line continues one when the line before ends with `\` and is
/// the instruction or continues it.
fn env_continuations(text: &str) -> HashSet<usize> {
    let mut out = HashSet::new();
    let (mut start, mut previous_counts) = (0, false);
    for line in text.split_inclusive('\n') {
        if previous_counts {
            out.insert(start);
        }
        let body = line.trim_end_matches(['\n', '\r']);
        previous_counts = body.trim_end().ends_with('\\') && (is_env_or_arg(body) || out.contains(&start));
        start += line.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_compile() {
        for regex in [
            &ASSIGNMENT,
            &FLAG,
            &COMMAND_PASSWORD,
            &CURL_USER,
            &AUTHORIZATION,
            &XML_ELEMENT,
            &INLINE_PAIR,
            &NAME_LINE,
            &VALUE_LINE,
        ] {
            assert!(regex.is_some());
        }
        assert!(!LITERALS.chunks_is_empty());
    }

    #[test]
    fn meeting_links() {
        assert!(is_meeting_link("Join: https://us02web.zoom.us/j/85512345678?"));
        assert!(is_meeting_link("https://acme.webex.com/meet/j.php?MTID=m1&"));
        assert!(!is_meeting_link("jdbc:postgresql://db:5432/app?"));
    }

    #[test]
    fn basic_pairs() {
        assert!(is_basic_pair(&format!("deploy:{}", "Wq7vLx92k")));
        assert!(!is_basic_pair("user:$TOKEN"));
        assert!(!is_basic_pair("admin:admin"));
        assert!(!is_basic_pair("user:"));
    }
}
