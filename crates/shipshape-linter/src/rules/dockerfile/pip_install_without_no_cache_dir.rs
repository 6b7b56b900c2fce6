use shipshape_dockerfile::shell::Command;

use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags a `pip install` (also `pip3`, `python -m pip`) without
    /// `--no-cache-dir` in a stage that ends up in a shipped image.
    /// Not flagged: when `PIP_NO_CACHE_DIR` is set by `ENV`/`ARG` in the
    /// stage or on the command; when the same `RUN` mounts a cache over
    /// `/root/.cache` or removes the pip cache (`rm -rf /root/.cache`,
    /// `pip cache purge`); when it only upgrades the packaging tools
    /// (`pip install --upgrade pip setuptools wheel`, whose cache is a few
    /// megabytes at most); and in build-only stages.
    ///
    /// ## Why is this bad?
    /// pip keeps every downloaded wheel in `~/.cache/pip`. In an image
    /// that cache is never used again and often doubles the size of the
    /// installed packages (hundreds of megabytes for data-science stacks).
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install -r requirements.txt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// ```
    /// or, with BuildKit, keep the cache outside the image:
    /// ```dockerfile
    /// RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    /// ```
    pub struct PipInstallWithoutNoCacheDir {
        id: "pip-install-without-no-cache-dir",
        severity: Info,
        domains: [Dockerfile],
        summary: "`pip install` without `--no-cache-dir` keeps the download cache in the image",
    }
}

const PIP_VALUE_OPTIONS: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--trusted-host",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--progress-bar",
    "--log",
    "--proxy",
    "--retries",
    "--timeout",
    "--cache-dir",
    "--src",
    "--upgrade-strategy",
    "-e",
    "--editable",
];
const PACKAGING_TOOLS: &[&str] = &["pip", "setuptools", "wheel"];

fn only_packaging_tools(command: &Command, sub: &shipshape_dockerfile::Word) -> bool {
    let args = support::tool_args(command);
    if args.iter().any(|w| matches!(w.value.as_str(), "-r" | "--requirement" | "-e" | "--editable")) {
        return false;
    }
    let operands = support::operands(args, sub, PIP_VALUE_OPTIONS);
    !operands.is_empty()
        && operands.iter().all(|w| {
            let name = w.value.split(['=', '<', '>', '!', '~', '[']).next().unwrap_or(&w.value);
            PACKAGING_TOOLS.contains(&name.to_ascii_lowercase().as_str())
        })
}

impl Rule for PipInstallWithoutNoCacheDir {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        let shipped = support::shipped_stages(df);
        support::walk_runs(df, |stage, _, instruction, state| {
            if !shipped.get(stage.index).copied().unwrap_or(true)
                || state.is_set("PIP_NO_CACHE_DIR")
                || support::has_cache_mount(instruction, &["/root/.cache/pip", "/root/.cache", "~/.cache/pip"])
            {
                return;
            }
            let commands = support::commands(instruction);
            let purged =
                support::removes_path(&commands, &["/root/.cache", "~/.cache", "$HOME/.cache", "${HOME}/.cache"])
                    || commands.iter().any(|c| {
                        support::tool_name(c).is_some_and(support::is_pip)
                            && support::tool_args(c).first().is_some_and(|w| w.value == "cache")
                    });
            if purged {
                return;
            }
            for command in &commands {
                if !support::tool_name(command).is_some_and(support::is_pip) {
                    continue;
                }
                let args = support::tool_args(command);
                let Some(sub) = support::subcommand(args, PIP_VALUE_OPTIONS).filter(|s| s.value == "install") else {
                    continue;
                };
                let disabled = args.iter().any(|w| w.value.starts_with("--no-cache"))
                    || command.words.iter().any(|w| w.value.starts_with("PIP_NO_CACHE_DIR="));
                if disabled || only_packaging_tools(command, sub) {
                    continue;
                }
                report.report(
                    sub.span,
                    "`pip install` without `--no-cache-dir` keeps downloaded wheels in the image; add `--no-cache-dir`",
                );
            }
        });
    }
}
