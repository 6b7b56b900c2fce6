use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `ENV DEBIAN_FRONTEND=…` (any value).
    ///
    /// ## Why is this bad?
    /// `DEBIAN_FRONTEND=noninteractive` is meant for the build, but `ENV`
    /// keeps it in every container started from the image: someone who
    /// runs `apt-get install` in a debugging session gets silently
    /// accepted defaults, and tools that check for a terminal behave
    /// differently than on any other machine. A build argument has the
    /// same effect during the build and is not kept.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV DEBIAN_FRONTEND=noninteractive
    /// RUN apt-get update && apt-get install -y --no-install-recommends tzdata
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG DEBIAN_FRONTEND=noninteractive
    /// RUN apt-get update && apt-get install -y --no-install-recommends tzdata
    /// ```
    ///
    /// ## References
    /// - [Docker: ENV](https://docs.docker.com/reference/dockerfile/#env)
    pub struct DebianFrontendSetInEnv {
        id: "debian-frontend-set-in-env",
        severity: Info,
        domains: [Dockerfile],
        summary: "`DEBIAN_FRONTEND` set with `ENV` and kept in the image",
    }
}

impl Rule for DebianFrontendSetInEnv {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        for instruction in cx.dockerfile.instructions.iter().filter(|i| i.keyword == "ENV") {
            for (key, value) in instruction.key_values() {
                if key.value == "DEBIAN_FRONTEND" {
                    let span = value.as_ref().map_or(key.span, |v| key.span.cover(v.span));
                    report.report(
                        span,
                        "`ENV DEBIAN_FRONTEND` stays set in every container; use `ARG DEBIAN_FRONTEND=noninteractive` for the build",
                    );
                }
            }
        }
    }
}
