use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};
use crate::secret_values::{is_placeholder, is_secret_name, looks_like_secret_value};
use shipshape_diagnostics::Span;

declare_rule! {
    /// ## What it does
    /// Flags a `secretGenerator` entry of a kustomization whose `literals`
    /// give a secret's value in the file: a key named like a credential
    /// (`DB_PASSWORD=…`, `API_TOKEN=…`) or a value that looks like one.
    /// Placeholders (`changeme`, `${VAR}`, `<password>`) are left alone.
    /// The value is redacted in the output.
    ///
    /// ## Why is this bad?
    /// A literal is committed in clear text: everyone with read access to
    /// the repository, its forks and its CI logs has the credential, and
    /// rotating it means rewriting history. The Secret kustomize generates
    /// from it is only base64-encoded, not encrypted.
    ///
    /// ## Example
    /// ```yaml
    /// secretGenerator:
    ///   - name: db
    ///     literals:
    ///       - DB_PASSWORD=s3cr3t-in-git
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # read the value from a file kept out of git (or use Sealed Secrets,
    /// # SOPS or External Secrets)
    /// secretGenerator:
    ///   - name: db
    ///     envs:
    ///       - db.env   # listed in .gitignore
    /// ```
    ///
    /// ## References
    /// - [secretGenerator](https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/secretgenerator/)
    pub struct SecretGeneratorLiteral {
        id: "secret-generator-literal",
        severity: Warning,
        domains: [Kustomize],
        summary: "Kustomize `secretGenerator` literal commits a secret value",
    }
}

impl Rule for SecretGeneratorLiteral {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::Kustomization {
            return;
        }
        for document in cx.documents {
            for generator in document.root.get("secretGenerator").map(|g| g.items()).unwrap_or(&[]) {
                let name = generator.str_at(&["name"]).unwrap_or("<unnamed>");
                for literal in generator.get("literals").map(|l| l.items()).unwrap_or(&[]) {
                    let Some((key, value)) = literal.as_str().and_then(|l| l.split_once('=')) else { continue };
                    let value = value.trim();
                    if is_placeholder(value) || !(is_secret_name(key) || looks_like_secret_value(value)) {
                        continue;
                    }
                    // The value's own span when the source shows it as written.
                    let local = literal.span.start.saturating_sub(cx.base)..literal.span.end.saturating_sub(cx.base);
                    let secret = cx
                        .text
                        .get(local.clone())
                        .and_then(|source| source.find(value).filter(|_| !value.is_empty()))
                        .map_or(literal.span, |at| {
                            Span::new(cx.base + local.start + at, cx.base + local.start + at + value.len())
                        });
                    report.report_secret(
                        literal.span,
                        secret,
                        format!(
                            "secretGenerator `{name}` gives `{}` as a literal, so the secret is committed in clear \
                             text; read it from a file kept out of git, or use an encrypted secret",
                            key.trim()
                        ),
                    );
                }
            }
        }
    }
}
