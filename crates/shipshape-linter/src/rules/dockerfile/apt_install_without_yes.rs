use shipshape_dockerfile::shell::Separator;

use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags `apt-get` / `apt` `install`, `upgrade`, `dist-upgrade`,
    /// `full-upgrade`, `remove`, `purge` and `autoremove` run without
    /// `-y` (`--yes`, `--assume-yes`, or `-qq`, which implies it); a dry run
    /// (`-s`, `--simulate`) or a download-only run does not prompt. Input
    /// piped from `yes`, `-o APT::Get::Assume-Yes=true` and an earlier `RUN`
    /// that writes `APT::Get::Assume-Yes` to the apt configuration count as
    /// answering.
    ///
    /// ## Why is this bad?
    /// When apt needs to install more than what was asked for, it asks
    /// "Do you want to continue? [Y/n]". A build has no terminal, so apt
    /// reads end of input and aborts: the build fails, or, worse, works
    /// until a dependency changes.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    pub struct AptInstallWithoutYes {
        id: "apt-install-without-yes",
        severity: Warning,
        domains: [Dockerfile],
        summary: "`apt-get install` without `-y` stops the build at a prompt",
        kind: Defect,
    }
}

const PROMPTING: &[&str] = &["install", "upgrade", "dist-upgrade", "full-upgrade", "remove", "purge", "autoremove"];

impl Rule for AptInstallWithoutYes {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        support::walk_runs(df, |_, _, instruction, state| {
            let text = support::script_text(instruction);
            let configured = state.apt_assume_yes || text.contains("Assume-Yes") && text.contains("apt.conf");
            if configured {
                return;
            }
            for script in support::scripts(instruction) {
                for (position, command) in script.iter().enumerate() {
                    let Some(sub) = support::apt_subcommand(command) else { continue };
                    if !PROMPTING.contains(&sub.value.as_str()) {
                        continue;
                    }
                    let piped_yes = position
                        .checked_sub(1)
                        .and_then(|p| script.get(p))
                        .is_some_and(|prev| prev.separator == Some(Separator::Pipe) && prev.name() == Some("yes"));
                    let quiet_two = command.args().iter().any(|w| {
                        w.value == "-q=2"
                            || w.value == "--quiet=2"
                            || w.value
                                .strip_prefix('-')
                                .is_some_and(|g| !g.starts_with('-') && g.matches('q').count() >= 2)
                    });
                    let simulated = command.has_flag(
                        Some('s'),
                        &["simulate", "dry-run", "just-print", "no-act", "recon", "print-uris", "download-only"],
                    ) || command.has_flag(Some('d'), &[]);
                    let answered = simulated
                        || command.has_flag(Some('y'), &["yes", "assume-yes"])
                        || quiet_two
                        || piped_yes
                        || support::has_option_value(command, |v| v.contains("Assume-Yes"));
                    if !answered {
                        let tool = command.name().unwrap_or("apt-get");
                        report.report(
                            sub.span,
                            format!("`{tool} {}` without `-y` aborts at the confirmation prompt; add `-y`", sub.value),
                        );
                    }
                }
            }
        });
    }
}
