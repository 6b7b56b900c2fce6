use shipshape_yaml::Node;

use super::secret_literal_in_env::is_placeholder_value;
use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::secrets::evidence::{report_found, Evidence};
use crate::rules::secrets::provider_secrets;
use crate::secret_values;

declare_rule! {
    /// ## What it does
    /// Flags a value in the `data` or `stringData` of a `v1` Secret manifest
    /// that holds a credential: its key names one (`password`, `token`,
    /// `api-key`, `tls.key`, `.dockerconfigjson`, …), or its value (base64
    /// decoded for `data`) holds a private key. Keys such as `username`,
    /// `url` or `ca.crt` are not flagged.
    /// Empty values, placeholders (`changeme`, `${DB_PASSWORD}`, `<token>`,
    /// also when base64 encoded), SOPS-encrypted files (`ENC[…]` values or
    /// a `sops:` block) and service-account-token Secrets are not flagged.
    /// References resolved at deploy or run time are not flagged either:
    /// 1Password (`op://vault/item/field`), vals (`ref+vault://…`,
    /// `ref+awssm://…`), Bank-Vaults (`vault:secret/…`), Azure Key Vault
    /// (`akv://…`), AWS Secrets Manager and SSM ARNs, `${{ secrets.X }}` and
    /// Helm or Jinja templates. The value is redacted in the output.
    ///
    /// The message names the signal (the key's name and the value's entropy,
    /// a private key, a provider's token). In tests, fixtures, documentation
    /// and examples only private keys, provider tokens and values that look
    /// generated are reported, as a note that says where they sit.
    ///
    /// ## Why is this bad?
    /// Base64 is an encoding, not encryption: a Secret manifest in a
    /// repository is the credential in plain text, for everyone who can
    /// read the repository and its history. Commit an encrypted form
    /// (Sealed Secrets, SOPS) or a reference (External Secrets Operator, a
    /// CSI secrets driver) instead, and rotate the credential that was
    /// committed.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata:
    ///   name: db
    /// stringData:
    ///   password: hunter2-but-longer
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: external-secrets.io/v1beta1
    /// kind: ExternalSecret
    /// metadata:
    ///   name: db
    /// spec:
    ///   secretStoreRef: {kind: ClusterSecretStore, name: vault}
    ///   target: {name: db}
    ///   data:
    ///     - secretKey: password
    ///       remoteRef: {key: shop/db, property: password}
    /// ```
    pub struct SecretDataInManifest {
        id: "secret-data-in-manifest",
        severity: Error,
        domains: [Kubernetes],
        summary: "Secret manifest holds a credential in plain text",
    }
}

/// Key endings that name credential material in Secrets.
const CREDENTIAL_KEY_ENDINGS: &[&str] =
    &[".key", ".pem", "key", ".dockerconfigjson", ".dockercfg", "token", ".p12", ".pfx", ".jks", "htpasswd"];

/// Decodes standard or URL-safe base64; `None` when it is not base64.
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut out = Vec::new();
    let mut padding = false;
    for byte in text.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => {
                padding = true;
                continue;
            }
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        if padding {
            return None;
        }
        bits = (bits << 6) | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push(((bits >> count) & 0xff) as u8);
        }
    }
    Some(out)
}

fn is_credential(key: &str, value: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    if value.contains("PRIVATE KEY") {
        return true;
    }
    if lower.ends_with(".crt") || lower.ends_with(".cert") || lower.ends_with("ca.pem") || lower.contains("cert") {
        return false;
    }
    secret_values::is_secret_name(key) || CREDENTIAL_KEY_ENDINGS.iter().any(|e| lower.ends_with(e))
}

/// What made the value of `key` a credential: a private key, a provider's
/// token, or the key's name (live only for a value that looks generated).
fn evidence_of(key: &str, value: Option<&str>) -> Evidence {
    let Some(value) = value else {
        return Evidence { signal: format!("the key `{key}` holding binary data"), live: false };
    };
    if value.contains("PRIVATE KEY") {
        return Evidence::private_key("a private-key block in the value");
    }
    if !provider_secrets(value).is_empty() {
        return Evidence::provider(value);
    }
    Evidence::keyword(&format!("the key `{key}`"), value)
}

impl Rule for SecretDataInManifest {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        if object.kind != "Secret" || object.api_version != "v1" || object.root.get("sops").is_some() {
            return;
        }
        if object.root.str_at(&["type"]) == Some("kubernetes.io/service-account-token") {
            return;
        }
        let context = &object.class.context.file;
        for (section, encoded) in [("data", true), ("stringData", false)] {
            for entry in object.root.get(section).map(Node::entries).unwrap_or_default() {
                let (Some(key), Some(raw)) = (entry.key.as_str(), entry.value.as_str()) else { continue };
                let raw = raw.trim();
                if raw.is_empty() || secret_values::is_reference(raw) || (is_placeholder_value(raw) && !encoded) {
                    continue;
                }
                // Binary data (a keystore, a raw key) is judged by its key alone.
                let decoded = if encoded { decode_base64(raw) } else { None };
                let value = match &decoded {
                    Some(bytes) => match std::str::from_utf8(bytes) {
                        Ok(text) => Some(text.trim()),
                        Err(_) => None,
                    },
                    None => Some(raw),
                };
                let credential = match value {
                    Some(text) => {
                        !text.is_empty()
                            && !is_placeholder_value(text)
                            && (text.contains("PRIVATE KEY") || !secret_values::is_placeholder(text))
                            && !secret_values::is_reference(text)
                            && is_credential(key, text)
                    }
                    None => is_credential(key, ""),
                };
                if !credential {
                    continue;
                }
                let how = if decoded.is_some() { "base64 is not encryption" } else { "in plain text" };
                // A multi-line value is reported at its key, the line a reader looks at.
                let multi_line = entry.value.scalar().is_some_and(|s| {
                    matches!(s.style, shipshape_yaml::ScalarStyle::Literal | shipshape_yaml::ScalarStyle::Folded)
                });
                let message = format!(
                    "{} commits the credential `{key}` ({how}); commit a SealedSecret, SOPS file or \
                     ExternalSecret instead and rotate it",
                    object.display_name()
                );
                let evidence = evidence_of(key, value);
                report_found(
                    report,
                    context,
                    if multi_line { entry.key.span } else { entry.value.span },
                    entry.value.span,
                    &message,
                    &evidence,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::decode_base64;

    #[test]
    fn base64() {
        assert_eq!(decode_base64("aGVsbG8="), Some(b"hello".to_vec()));
        assert_eq!(decode_base64("aGVsbG8"), Some(b"hello".to_vec()));
        assert_eq!(decode_base64("not base64!"), None);
    }
}
