use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags an `apt-get install` (or `apt install`) without
    /// `--no-install-recommends` in a stage that ends up in a shipped image
    /// (build-only stages that are just copied from are skipped). Setting
    /// `-o APT::Install-Recommends=false`, or writing `APT::Install-Recommends`
    /// to an apt configuration file in an earlier `RUN`, counts as opting out.
    ///
    /// ## Why is this bad?
    /// By default apt also installs every package the requested ones
    /// "recommend": documentation, extra tools and libraries the image
    /// never uses. They make the image larger and add packages whose
    /// vulnerabilities must then be tracked and patched.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    pub struct AptInstallWithoutNoInstallRecommends {
        id: "apt-install-without-no-install-recommends",
        severity: Info,
        domains: [Dockerfile],
        summary: "`apt-get install` without `--no-install-recommends`",
    }
}

impl Rule for AptInstallWithoutNoInstallRecommends {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        let shipped = support::shipped_stages(df);
        support::walk_runs(df, |stage, _, instruction, state| {
            if !shipped.get(stage.index).copied().unwrap_or(true) {
                return;
            }
            let text = support::script_text(instruction);
            let configured =
                state.apt_no_recommends || text.contains("Install-Recommends") && text.contains("apt.conf");
            if configured {
                return;
            }
            for command in support::commands(instruction) {
                let Some(sub) = support::apt_subcommand(&command) else { continue };
                if sub.value != "install"
                    || support::operands(command.args(), sub, support::APT_VALUE_OPTIONS).is_empty()
                {
                    continue;
                }
                let opted_out = command.has_flag(None, &["no-install-recommends"])
                    || support::has_option_value(&command, |v| v.contains("Install-Recommends"));
                if !opted_out {
                    let tool = command.name().unwrap_or("apt-get");
                    report.report(
                        sub.span,
                        format!("`{tool} install` without `--no-install-recommends` also installs recommended packages; add the flag"),
                    );
                }
            }
        });
    }
}
