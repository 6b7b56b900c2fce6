use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags `apt-get upgrade`, `dist-upgrade` and `full-upgrade` (also with
    /// `apt`) in a `RUN`.
    ///
    /// ## Why is this bad?
    /// Upgrading every package at build time makes the image depend on the
    /// day it was built: two builds of the same commit differ, and a broken
    /// upgrade shows up as an unrelated failure. It also duplicates the
    /// upgraded files in a new layer. Security fixes are better taken by
    /// rebuilding on a fresh, patched base image (pinned by digest and
    /// bumped by a bot), and by upgrading only the packages that need it.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get -y dist-upgrade
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:bookworm-20250203-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends openssl=3.0.15-1~deb12u1 \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    pub struct AptGetUpgrade {
        id: "apt-get-upgrade",
        severity: Info,
        domains: [Dockerfile],
        summary: "`apt-get upgrade` upgrades every package at build time",
    }
}

impl Rule for AptGetUpgrade {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        for (_, _, instruction) in support::runs(cx.dockerfile) {
            for command in support::commands(instruction) {
                let Some(sub) = support::apt_subcommand(&command) else { continue };
                if matches!(sub.value.as_str(), "upgrade" | "dist-upgrade" | "full-upgrade") {
                    let tool = command.name().unwrap_or("apt-get");
                    report.report(
                        sub.span,
                        format!("`{tool} {}` makes the image depend on the build date; rebuild on a newer base image instead", sub.value),
                    );
                }
            }
        }
    }
}
