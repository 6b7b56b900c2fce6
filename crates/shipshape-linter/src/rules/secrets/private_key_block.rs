use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use shipshape_diagnostics::Span;

use super::evidence::{report_found, Evidence};
use super::scanner::{decode_base64, line_bounds};
use crate::context::TextContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::secret_values::shannon_entropy;

declare_rule! {
    /// ## What it does
    /// Flags private keys in any text file: PEM blocks (`BEGIN RSA PRIVATE
    /// KEY`, `EC`, `DSA`, `OPENSSH`, `ENCRYPTED`, PKCS #8 `PRIVATE KEY`,
    /// `PGP PRIVATE KEY BLOCK`) whether written over several lines, indented
    /// in a YAML block scalar or escaped on one line (the `private_key` of a
    /// Google Cloud service-account JSON file); PEM blocks encoded in base64
    /// (the `tls.key` of a Kubernetes Secret); PuTTY private key files. The
    /// whole block, markers included, is redacted wherever it is shown.
    ///
    /// Only blocks with a real body are flagged: a header followed by `...`,
    /// a template expression or a placeholder is documentation, not a key.
    ///
    /// The message names the signal (a PEM block with a key body, its base64
    /// form, or a PuTTY key file). In tests, fixtures, documentation and
    /// examples a finding is a note that says where it sits ("in a fixture:
    /// the folder `_testdata/`").
    ///
    /// ## Why is this bad?
    /// A private key proves identity: whoever copies it can log in to every
    /// host that trusts it, impersonate the TLS server, sign releases or
    /// decrypt traffic and files meant for its owner. It stays in the
    /// repository's history after the file is deleted.
    ///
    /// ## Example
    /// ```yaml
    /// stringData:
    ///   tls.key: |
    ///     -----BEGIN EC PRIVATE KEY-----
    ///     MHcCAQEEI…
    ///     -----END EC PRIVATE KEY-----
    /// ```
    ///
    /// Use instead:
    /// ```bash
    /// # create the Secret from the file at deploy time, or use cert-manager
    /// kubectl create secret tls web-tls --cert=tls.crt --key=tls.key
    /// ```
    /// Replace the leaked key and its certificates first.
    ///
    /// ## References
    /// - [RFC 7468: Textual Encodings of PKIX, PKCS, and CMS Structures](https://www.rfc-editor.org/rfc/rfc7468)
    pub struct PrivateKeyBlock {
        id: "private-key-block",
        severity: Error,
        domains: [Secrets],
        summary: "Private key (PEM, OpenSSH, PGP, PuTTY) in a file",
    }
}

const PEM_HEADER: usize = 0;
const BASE64_PEM: usize = 1;
const PUTTY: usize = 2;

/// The end of the header, its base64 form, and PuTTY's first line.
static KEYWORDS: LazyLock<Option<AhoCorasick>> =
    LazyLock::new(|| AhoCorasick::new(["PRIVATE KEY", "LS0tLS1CRUdJTi", "PuTTY-User-Key-File-"]).ok());

/// How far after a header the end line may be.
const MAX_BLOCK: usize = 16 * 1024;

/// A key found in the text.
struct Found {
    /// Where to report: the header.
    span: Span,
    /// The body, redacted wherever shown.
    secret: Span,
    kind: String,
    /// The signal that found it, for the message.
    form: &'static str,
}

/// "RSA private key" from the label `RSA PRIVATE KEY`.
fn kind_of(label: &str) -> String {
    let label = label.trim();
    let algorithm = label.trim_end_matches("BLOCK").trim().trim_end_matches("PRIVATE KEY").trim();
    let named = match algorithm {
        "" => "Private key".to_string(),
        "OPENSSH" => "OpenSSH private key".to_string(),
        "ENCRYPTED" => "Encrypted private key".to_string(),
        "SSH2 ENCRYPTED" => "SSH2 encrypted private key".to_string(),
        other => format!("{other} private key"),
    };
    if label.ends_with("BLOCK") {
        format!("{named} block")
    } else {
        named
    }
}

/// True when the text between the markers is a key, not a placeholder.
fn is_key_body(body: &str) -> bool {
    if body.contains("...") || body.contains('…') || body.contains('<') || body.contains("{{") || body.contains("${")
    {
        return false;
    }
    let mut data = String::new();
    for line in body.replace("\\r", "\n").replace("\\n", "\n").lines() {
        let line = line.trim().trim_matches(['"', '\'', ',', '+']).trim();
        // PEM headers (`Proc-Type:`, `DEK-Info:`) and PGP armour headers.
        if line.contains(": ") {
            continue;
        }
        data.push_str(line);
    }
    let base64 = data.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')).count();
    base64 >= 64 && base64 * 10 >= data.chars().count() * 9 && shannon_entropy(&data) >= 4.0
}

fn pem_at(text: &str, hit_start: usize, hit_end: usize) -> Option<Found> {
    let bytes = text.as_bytes();
    let (line_start, _) = line_bounds(bytes, hit_start);
    let before = text.get(line_start..hit_start)?;
    let begin = line_start + before.rfind("-----BEGIN ")?;
    let label = text.get(begin + "-----BEGIN ".len()..hit_start)?;
    if label.len() > 40 || !label.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == ' ') {
        return None;
    }
    let mut header_end = hit_end;
    if text.get(header_end..)?.starts_with(" BLOCK") {
        header_end += " BLOCK".len();
    }
    if !text.get(header_end..)?.starts_with("-----") {
        return None;
    }
    header_end += "-----".len();
    let window = text.get(header_end..).map(|rest| &rest[..floor_char_boundary(rest, MAX_BLOCK)])?;
    let end = header_end + window.find("-----END ")?;
    let body = text.get(header_end..end)?;
    if !is_key_body(body) {
        return None;
    }
    // The secret is the whole block, markers included, so that no output
    // shows a key header next to its body.
    let footer = text.get(end + "-----END ".len()..)?;
    let footer_len = footer.get(..footer.len().min(60)).and_then(|f| f.find("-----")).map_or(0, |p| p + 5);
    let secret = Span::new(begin, end + "-----END ".len() + footer_len);
    let kind = format!("{}{}", label, text.get(hit_start..header_end - 5).unwrap_or("PRIVATE KEY"));
    Some(Found {
        span: Span::new(begin, header_end),
        secret,
        kind: kind_of(&kind),
        form: "a PEM private-key block with a key body",
    })
}

fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn base64_pem_at(text: &str, hit_start: usize) -> Option<Found> {
    let bytes = text.as_bytes();
    if hit_start > 0 && bytes.get(hit_start - 1).is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/'))
    {
        return None;
    }
    let len = text
        .get(hit_start..)?
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        .count();
    let token = text.get(hit_start..hit_start + len)?;
    let decoded = String::from_utf8(decode_base64(token)?).ok()?;
    let hit = decoded.find("PRIVATE KEY")?;
    let found = pem_at(&decoded, hit, hit + "PRIVATE KEY".len())?;
    let span = Span::new(hit_start, hit_start + len);
    Some(Found {
        span,
        secret: span,
        kind: format!("Base64-encoded {}", found.kind.to_lowercase()),
        form: "a base64-encoded PEM private-key block",
    })
}

fn putty_at(text: &str, hit_start: usize) -> Option<Found> {
    let (line_start, line_end) = line_bounds(text.as_bytes(), hit_start);
    let rest = text.get(line_end..)?;
    let window = &rest[..floor_char_boundary(rest, MAX_BLOCK)];
    let lines_at = window.find("Private-Lines:")?;
    let after = &window[lines_at..];
    let (count_line, body) = after.split_once('\n')?;
    let count: usize = count_line.trim_start_matches("Private-Lines:").trim().parse().ok()?;
    let body_len: usize = body.split_inclusive('\n').take(count).map(str::len).sum();
    let secret_start = line_end + lines_at + count_line.len() + 1;
    let body_text = text.get(secret_start..secret_start + body_len)?;
    if !is_key_body(body_text) {
        return None;
    }
    Some(Found {
        span: Span::new(line_start, line_end),
        secret: Span::new(secret_start, secret_start + body_text.trim_end().len()),
        kind: "PuTTY private key".to_string(),
        form: "a PuTTY key file's private lines",
    })
}

impl Rule for PrivateKeyBlock {
    fn check_text(&self, cx: &TextContext<'_>, report: &mut Reporter<'_>) {
        let Some(keywords) = KEYWORDS.as_ref() else { return };
        let service_account = cx.text.contains("\"service_account\"");
        let mut covered_until = 0;
        for hit in keywords.find_iter(cx.text) {
            if hit.start() < covered_until {
                continue;
            }
            let found = match hit.pattern().as_usize() {
                PEM_HEADER => pem_at(cx.text, hit.start(), hit.end()),
                BASE64_PEM => base64_pem_at(cx.text, hit.start()),
                PUTTY => putty_at(cx.text, hit.start()),
                _ => None,
            };
            let Some(found) = found else { continue };
            covered_until = found.secret.end.max(found.span.end);
            let kind = if service_account && found.kind == "Private key" {
                "Google Cloud service-account private key".to_string()
            } else {
                found.kind
            };
            let message = format!("{kind} in plain text: replace the key and load it from a secret store at run time");
            let context = cx.class.context.at(found.span.start);
            report_found(report, &context, found.span, found.secret, &message, &Evidence::private_key(found.form));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(kind_of("RSA PRIVATE KEY"), "RSA private key");
        assert_eq!(kind_of("PRIVATE KEY"), "Private key");
        assert_eq!(kind_of("OPENSSH PRIVATE KEY"), "OpenSSH private key");
        assert_eq!(kind_of("PGP PRIVATE KEY BLOCK"), "PGP private key block");
    }

    #[test]
    fn bodies() {
        assert!(!is_key_body("\n...\n"));
        assert!(!is_key_body("\n{{ .Values.tls.key }}\n"));
        assert!(!is_key_body(&format!("\n{}\n", "A".repeat(80))));
        let body: String =
            (0..96u32).map(|i| char::from(b"Kq8Zp3Lm9Xv2Rt7Wn4Ys6Bc1Df5Gh0Jk"[(i * 7 % 32) as usize])).collect();
        assert!(is_key_body(&format!("\n{body}\n")));
        assert!(is_key_body(&format!("\\n{body}\\n")));
    }
}
