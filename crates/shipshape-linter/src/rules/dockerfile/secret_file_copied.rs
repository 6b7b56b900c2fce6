use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` or `ADD` whose source names a file that holds
    /// credentials: private SSH keys (`id_rsa`, `id_ed25519`, …), `.env`
    /// files (not `.env.example`, `.env.sample`, `.env.template`), `.netrc`,
    /// `.git-credentials`, `.pypirc`, `.pgpass`, `kubeconfig`, Docker and
    /// cloud credential files, `.ssh`/`.aws`/`.kube`/`.gnupg` directories,
    /// PKCS#12 bundles (`.p12`, `.pfx`) and private-key files (`*.key` and
    /// `*.pem` whose name says private key or TLS key). Public keys,
    /// certificates and trust stores are not flagged.
    ///
    /// ## Why is this bad?
    /// Every file copied into a layer stays in the image, even if a later
    /// step deletes it, and anyone who can pull the image can extract it.
    /// Credentials belong in build secrets (`RUN --mount=type=secret`,
    /// `--mount=type=ssh`) at build time and in mounted secrets at run time.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY id_rsa /root/.ssh/id_rsa
    /// RUN git clone git@github.com:acme/private.git
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN --mount=type=ssh git clone git@github.com:acme/private.git
    /// ```
    ///
    /// ## References
    /// - [Docker: build secrets and SSH mounts](https://docs.docker.com/build/building/secrets/)
    pub struct SecretFileCopied {
        id: "secret-file-copied",
        severity: Error,
        domains: [Dockerfile],
        summary: "File holding credentials copied into the image",
    }
}

const SECRET_FILE_NAMES: &[&str] = &[
    "id_rsa",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
    "id_ecdsa_sk",
    "id_ed25519_sk",
    ".netrc",
    "_netrc",
    ".git-credentials",
    ".pypirc",
    ".pgpass",
    ".dockercfg",
    "kubeconfig",
    ".s3cfg",
    ".boto",
    "credentials.json",
    "client_secret.json",
    "service-account.json",
    "service_account.json",
    "terraform.tfstate",
];
const SECRET_DIRECTORIES: &[&str] = &[".ssh", ".aws", ".kube", ".gnupg", ".docker", ".azure", ".gcloud"];
const NOT_SECRET_ENV_SUFFIXES: &[&str] =
    &["example", "sample", "template", "dist", "default", "defaults", "tpl", "in", "schema", "test", "ci"];

/// Why a source path holds credentials, if it does.
fn secret_kind(source: &str) -> Option<&'static str> {
    let path = source.trim_end_matches('/');
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    if lower.contains(['*', '?', '$']) {
        return None;
    }
    if SECRET_FILE_NAMES.contains(&lower.as_str()) {
        return Some("a credentials file");
    }
    if let Some(rest) = lower.strip_prefix(".env") {
        let suffix = rest.trim_start_matches('.');
        if rest.is_empty() || (rest.starts_with('.') && !NOT_SECRET_ENV_SUFFIXES.contains(&suffix)) {
            return Some("an environment file that usually holds secrets");
        }
    }
    let components: Vec<&str> = path.split('/').collect();
    if components.iter().any(|c| SECRET_DIRECTORIES.contains(c)) && !lower.ends_with(".pub") && lower != "known_hosts" {
        let in_docker_dir = components.contains(&".docker");
        if !in_docker_dir || lower == "config.json" || lower == ".docker" {
            return Some("a credentials directory");
        }
    }
    if lower.ends_with(".p12") || lower.ends_with(".pfx") {
        return Some("a PKCS#12 bundle with a private key");
    }
    let private_hint = ["priv", "private", "tls", "ssl", "server", "client"].iter().any(|h| lower.contains(h));
    if (lower.ends_with(".key") && private_hint)
        || (lower.ends_with(".pem") && (lower.contains("key") || lower.contains("priv")))
    {
        return Some("a private key");
    }
    None
}

impl Rule for SecretFileCopied {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        for instruction in cx.dockerfile.instructions.iter().filter(|i| matches!(i.keyword.as_str(), "COPY" | "ADD")) {
            let Some((sources, _)) = support::copy_paths(instruction) else { continue };
            for source in &sources {
                if let Some(kind) = secret_kind(&source.value) {
                    report.report(
                        source.span,
                        format!(
                            "`{}` copies `{}`, {kind}, into the image; use a build secret or mount it at run time",
                            instruction.keyword, source.value
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::secret_kind;

    #[test]
    fn names() {
        for path in [
            "id_rsa",
            ".env",
            "./.env.production",
            "~/.ssh",
            "/root/.aws/credentials",
            "certs/server.key",
            "tls.p12",
            "privkey.pem",
            ".docker/config.json",
        ] {
            assert!(secret_kind(path).is_some(), "{path}");
        }
        for path in [
            ".env.example",
            "nginx_signing.key",
            "cert.pem",
            "ca.pem",
            "id_rsa.pub",
            ".ssh/known_hosts",
            "environment.ts",
            ".envrc",
            "*.pem",
            "docker/",
            ".dockerignore",
        ] {
            assert!(secret_kind(path).is_none(), "{path}");
        }
    }
}
