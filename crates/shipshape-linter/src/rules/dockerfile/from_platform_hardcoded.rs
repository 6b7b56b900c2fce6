use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `FROM --platform=` with a fixed value such as `linux/amd64`.
    /// Values built from the predefined build arguments
    /// (`--platform=$BUILDPLATFORM`, `$TARGETPLATFORM`) are not flagged.
    ///
    /// ## Why is this bad?
    /// A fixed platform makes every build use that architecture whatever
    /// the target: on an arm64 laptop or a Graviton/Ampere build node the
    /// image is built under emulation (slow), and `docker buildx build
    /// --platform linux/arm64` silently produces amd64 binaries.
    /// `$BUILDPLATFORM` runs build tools natively and cross-compiles for
    /// `$TARGETPLATFORM`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 golang:1.23 AS build
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM golang:1.23 AS build
    /// ARG TARGETOS TARGETARCH
    /// RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .
    /// ```
    ///
    /// ## References
    /// - [Docker build checks: FromPlatformFlagConstDisallowed](https://docs.docker.com/reference/build-checks/from-platform-flag-const-disallowed/)
    pub struct FromPlatformHardcoded {
        id: "from-platform-hardcoded",
        severity: Info,
        domains: [Dockerfile],
        summary: "`FROM --platform` with a fixed platform",
    }
}

impl Rule for FromPlatformHardcoded {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        for stage in &cx.dockerfile.stages {
            let Some(from) = cx.dockerfile.instructions.get(stage.from) else { continue };
            let Some(flag) = from.flag("platform") else { continue };
            let value = flag.value.as_deref().unwrap_or("");
            if !value.is_empty() && !value.contains('$') {
                report.report(
                    flag.span,
                    format!("`--platform={value}` forces one platform for every build; use `$BUILDPLATFORM` or `$TARGETPLATFORM`, or drop it"),
                );
            }
        }
    }
}
