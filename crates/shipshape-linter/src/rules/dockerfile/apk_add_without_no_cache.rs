use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags an `apk add` without `--no-cache` in a stage that ends up in a
    /// shipped image, unless the same `RUN` removes `/var/cache/apk` (or
    /// runs `apk cache clean`) or mounts a cache over `/var/cache/apk` or
    /// `/etc/apk/cache`. Build-only stages are skipped.
    ///
    /// ## Why is this bad?
    /// `apk add` (after `apk update` or with `--update`) keeps the package
    /// index in `/var/cache/apk`: a few megabytes the container never uses,
    /// stale from the day of the build. `--no-cache` fetches the index,
    /// uses it and leaves nothing behind.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk update && apk add curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apk add --no-cache curl
    /// ```
    pub struct ApkAddWithoutNoCache {
        id: "apk-add-without-no-cache",
        severity: Info,
        domains: [Dockerfile],
        summary: "`apk add` without `--no-cache` leaves the package index in the image",
    }
}

impl Rule for ApkAddWithoutNoCache {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        let shipped = support::shipped_stages(df);
        for (stage, _, instruction) in support::runs(df) {
            if !shipped.get(stage.index).copied().unwrap_or(true)
                || support::has_cache_mount(instruction, &["/var/cache/apk", "/etc/apk/cache"])
            {
                continue;
            }
            let commands = support::commands(instruction);
            let cleaned = support::removes_path(&commands, &["/var/cache/apk", "/etc/apk/cache"])
                || commands.iter().any(|c| {
                    c.name() == Some("apk")
                        && c.subcommand().is_some_and(|s| s.value == "cache")
                        && c.args().iter().any(|w| matches!(w.value.as_str(), "clean" | "purge"))
                });
            if cleaned {
                continue;
            }
            for command in &commands {
                if command.name() != Some("apk") || command.has_flag(None, &["no-cache"]) {
                    continue;
                }
                let Some(sub) = command.subcommand().filter(|s| s.value == "add") else { continue };
                report.report(
                    sub.span,
                    "`apk add` without `--no-cache` keeps the package index in the image; add `--no-cache`",
                );
            }
        }
    }
}
