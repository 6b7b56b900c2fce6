use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that downloads the apt package lists (`apt-get update`,
    /// `apt update`) and does not remove them (`rm -rf /var/lib/apt/lists/*`)
    /// in the same `RUN` (or run `apt-get distclean`, apt 2.7+), in a stage
    /// that ends up in a shipped image.
    /// A cache or tmpfs mount over `/var/lib/apt` (BuildKit
    /// `--mount=type=cache,target=/var/lib/apt`) keeps them out of the
    /// image and is not flagged; build-only stages are skipped.
    ///
    /// ## Why is this bad?
    /// The lists are tens of megabytes that the running container never
    /// needs, and they are stale as soon as the image is built. Removing
    /// them in a later `RUN` does not help: the layer that added them is
    /// still part of the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    pub struct AptListsNotCleaned {
        id: "apt-lists-not-cleaned",
        severity: Info,
        domains: [Dockerfile],
        summary: "apt package lists left in the image",
    }
}

impl Rule for AptListsNotCleaned {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        let shipped = support::shipped_stages(df);
        for (stage, _, instruction) in support::runs(df) {
            if !shipped.get(stage.index).copied().unwrap_or(true)
                || support::has_cache_mount(instruction, &["/var/lib/apt"])
            {
                continue;
            }
            let commands = support::commands(instruction);
            let Some((command, sub)) = commands
                .iter()
                .find_map(|c| support::apt_subcommand(c).filter(|s| s.value == "update").map(|s| (c, s)))
            else {
                continue;
            };
            let dist_clean = commands.iter().any(|c| {
                support::apt_subcommand(c).is_some_and(|s| matches!(s.value.as_str(), "distclean" | "dist-clean"))
            });
            if dist_clean
                || support::removes_path(&commands, &["/var/lib/apt/lists", "/var/lib/apt/*", "/var/lib/apt/"])
                || commands.iter().any(|c| c.name() == Some("rm") && c.args().iter().any(|w| w.value == "/var/lib/apt"))
            {
                continue;
            }
            let tool = command.name().unwrap_or("apt-get");
            report.report(
                sub.span,
                format!("`{tool} update` leaves the package lists in this layer; end the same `RUN` with `rm -rf /var/lib/apt/lists/*`"),
            );
        }
    }
}
