use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags `curl`, `wget` and `git clone` fetching an `http://` URL in a
    /// `RUN`, unless the same `RUN` verifies what it downloaded
    /// (`sha256sum -c`, `sha512sum -c`, `gpg --verify`). Local addresses
    /// (`localhost`, `127.0.0.1`, `[::1]`) are not flagged. `ADD http://…`
    /// is reported by `add-of-remote-url`.
    ///
    /// ## Why is this bad?
    /// Plain HTTP has no integrity and no authentication: anyone on the
    /// path (a proxy, a hostile network, a compromised router) can replace
    /// the file, and the build installs or runs it, usually as root.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSLo /usr/local/bin/jq http://example.com/jq-linux64
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN curl -fsSLo /usr/local/bin/jq https://example.com/jq-linux64 \
    ///  && echo "5942c9b0934e510ee61eb3e30273f1b3fe2590df93933a93d7c58b81d19c8ff5  /usr/local/bin/jq" | sha256sum -c -
    /// ```
    pub struct DownloadOverPlainHttp {
        id: "download-over-plain-http",
        severity: Warning,
        domains: [Dockerfile],
        summary: "File downloaded over plain HTTP without verification",
    }
}

const VERIFIERS: &[&str] =
    &["sha256sum", "sha512sum", "sha384sum", "sha1sum", "shasum", "gpg", "gpgv", "cosign", "minisign"];

fn is_plain_http(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("http://") else { return false };
    let host = rest.split(['/', ':']).next().unwrap_or("");
    !matches!(host, "localhost" | "127.0.0.1" | "0.0.0.0") && !rest.starts_with("[::1]")
}

impl Rule for DownloadOverPlainHttp {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        for (_, _, instruction) in support::runs(cx.dockerfile) {
            let commands = support::commands(instruction);
            if commands.iter().any(|c| c.name().is_some_and(|n| VERIFIERS.contains(&n))) {
                continue;
            }
            for command in &commands {
                let Some(name) = command.name() else { continue };
                let fetches = match name {
                    "curl" | "wget" => true,
                    "git" => {
                        command.subcommand().is_some_and(|s| matches!(s.value.as_str(), "clone" | "fetch" | "pull"))
                    }
                    _ => false,
                };
                if !fetches {
                    continue;
                }
                if let Some(url) = command.args().iter().find(|w| is_plain_http(&w.value)) {
                    report.report(
                        url.span,
                        format!("`{name}` fetches `{}` over plain HTTP without verifying it; use HTTPS and check a checksum", url.value),
                    );
                }
            }
        }
    }
}
