use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags an `ADD` that downloads a file from an `http://` or `https://`
    /// URL without `--checksum`. Git sources (`ADD https://…/repo.git#ref`,
    /// `ADD git@…`) are not flagged.
    ///
    /// ## Why is this bad?
    /// `ADD <url>` fetches whatever the server returns at build time and
    /// trusts it: nothing checks that the file is the one that was
    /// reviewed, a compromised or changed download goes straight into the
    /// image, and the downloaded file is kept in its own layer even when a
    /// later step deletes it.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD https://example.com/tool.tar.gz /tmp/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.tar.gz /tmp/
    /// ```
    /// or download, verify and unpack in one `RUN`:
    /// ```dockerfile
    /// RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tar.gz \
    ///  && echo "24454f83…  /tmp/tool.tgz" | sha256sum -c - \
    ///  && tar -xzf /tmp/tool.tgz -C /usr/local && rm /tmp/tool.tgz
    /// ```
    ///
    /// ## References
    /// - [Docker: ADD --checksum](https://docs.docker.com/reference/dockerfile/#add---checksum)
    pub struct AddOfRemoteUrl {
        id: "add-of-remote-url",
        severity: Warning,
        domains: [Dockerfile],
        summary: "`ADD` downloads a remote URL without a checksum",
    }
}

pub(crate) fn is_url(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

pub(crate) fn is_git_source(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    let path = lower.split('#').next().unwrap_or(&lower);
    lower.starts_with("git@") || lower.starts_with("git://") || lower.starts_with("ssh://") || path.ends_with(".git")
}

impl Rule for AddOfRemoteUrl {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        for instruction in cx.dockerfile.instructions.iter().filter(|i| i.keyword == "ADD") {
            if instruction.flag("checksum").is_some() {
                continue;
            }
            let Some((sources, _)) = support::copy_paths(instruction) else { continue };
            for source in sources.iter().filter(|s| is_url(&s.value) && !is_git_source(&s.value)) {
                report.report(
                    source.span,
                    format!(
                        "`ADD` downloads `{}` without verifying it; add `--checksum=sha256:…` or download and verify in a `RUN`",
                        source.value
                    ),
                );
            }
        }
    }
}
