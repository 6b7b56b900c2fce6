use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that installs or updates packages with `yum`, `dnf`,
    /// `microdnf` or `tdnf` and does not clean their cache (`yum clean all`,
    /// `dnf clean all`, `rm -rf /var/cache/yum` or `/var/cache/dnf`) in the
    /// same `RUN`, in a stage that ends up in a shipped image. A cache or
    /// tmpfs mount over `/var/cache/yum`, `/var/cache/dnf` or
    /// `/var/cache/libdnf5` is not flagged; build-only stages are skipped.
    ///
    /// ## Why is this bad?
    /// The repository metadata and downloaded packages stay in the layer:
    /// often a hundred megabytes or more that the running container never
    /// uses. Cleaning in a later `RUN` does not shrink the image, since the
    /// earlier layer still holds the files.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN dnf install -y nginx
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN dnf install -y nginx && dnf clean all
    /// ```
    pub struct YumDnfCacheNotCleaned {
        id: "yum-dnf-cache-not-cleaned",
        severity: Info,
        domains: [Dockerfile],
        summary: "yum/dnf package cache left in the image",
    }
}

const MANAGERS: &[&str] = &["yum", "dnf", "dnf5", "microdnf", "tdnf"];
const FILLING: &[&str] =
    &["install", "update", "upgrade", "groupinstall", "reinstall", "makecache", "distro-sync", "localinstall"];
const CACHE_DIRS: &[&str] = &["/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5", "/var/cache/tdnf"];

impl Rule for YumDnfCacheNotCleaned {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        let shipped = support::shipped_stages(df);
        for (stage, _, instruction) in support::runs(df) {
            if !shipped.get(stage.index).copied().unwrap_or(true) || support::has_cache_mount(instruction, CACHE_DIRS) {
                continue;
            }
            let commands = support::commands(instruction);
            let cleaned = support::removes_path(&commands, CACHE_DIRS)
                || commands.iter().any(|c| {
                    c.name().is_some_and(|n| MANAGERS.contains(&n))
                        && c.subcommand().is_some_and(|s| s.value == "clean")
                });
            if cleaned {
                continue;
            }
            let filling = commands.iter().find_map(|c| {
                let name = c.name().filter(|n| MANAGERS.contains(n))?;
                c.subcommand().filter(|s| FILLING.contains(&s.value.as_str())).map(|s| (name, s))
            });
            if let Some((name, sub)) = filling {
                report.report(
                    sub.span,
                    format!(
                        "`{name} {}` leaves its cache in this layer; end the same `RUN` with `{name} clean all`",
                        sub.value
                    ),
                );
            }
        }
    }
}
