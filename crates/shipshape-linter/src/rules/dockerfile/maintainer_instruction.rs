use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags the `MAINTAINER` instruction.
    ///
    /// ## Why is this bad?
    /// `MAINTAINER` has been deprecated since Docker 1.13: it sets a field
    /// that tools no longer read. The OCI label
    /// `org.opencontainers.image.authors` carries the same information
    /// where registries, scanners and `docker inspect` show it.
    ///
    /// ## Example
    /// ```dockerfile
    /// MAINTAINER Jane Doe <jane@example.com>
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    /// ```
    ///
    /// ## References
    /// - [Docker: MAINTAINER (deprecated)](https://docs.docker.com/reference/dockerfile/#maintainer-deprecated)
    pub struct MaintainerInstruction {
        id: "maintainer-instruction",
        severity: Info,
        domains: [Dockerfile],
        summary: "Deprecated `MAINTAINER` instruction",
    }
}

impl Rule for MaintainerInstruction {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        for instruction in cx.dockerfile.instructions.iter().filter(|i| i.keyword == "MAINTAINER") {
            report.report(
                instruction.keyword_span,
                "`MAINTAINER` is deprecated; use `LABEL org.opencontainers.image.authors=\"…\"`",
            );
        }
    }
}
