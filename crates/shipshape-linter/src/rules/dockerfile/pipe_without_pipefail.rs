use shipshape_dockerfile::shell::Separator;
use shipshape_dockerfile::Args;

use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;
use crate::shell_checks;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` with a pipe (`a | b`) whose shell does not have
    /// `pipefail` set: neither a `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`
    /// in effect nor a `set -o pipefail` earlier in the same script. A pipe
    /// whose left side cannot fail (`echo`, `printf`, `yes`, `true`) is not
    /// flagged, nor one whose last command fails on empty or truncated
    /// input anyway (`tar -x`, `gunzip`, `gpg --dearmor`, `apt-key add -`,
    /// `sha256sum -c`, `grep`): a failure on the left still fails the
    /// `RUN`. `curl … | sh` stays flagged: a shell reading nothing runs
    /// nothing and succeeds. One finding is reported per `RUN`, on its
    /// first such pipe.
    ///
    /// ## Why is this bad?
    /// A pipeline's exit status is that of its last command, so
    /// `RUN curl -fsSL https://example.com/install.sh | sh` succeeds when
    /// the download fails: the build goes on without what the script
    /// installs and breaks later, or ships a broken image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/install.sh | sh
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://example.com/install.sh | sh
    /// ```
    /// On Alpine (busybox `ash`), use `SHELL ["/bin/ash", "-eo", "pipefail", "-c"]`.
    pub struct PipeWithoutPipefail {
        id: "pipe-without-pipefail",
        severity: Warning,
        domains: [Dockerfile],
        summary: "Pipe in `RUN` without `pipefail` hides failures",
    }
}

const CANNOT_FAIL: &[&str] = &["echo", "printf", "yes", "true", ":"];

impl Rule for PipeWithoutPipefail {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        support::walk_runs(df, |_, _, instruction, state| {
            let shell_sets_it = state.shell.as_ref().is_some_and(|words| words.iter().any(|w| w.contains("pipefail")));
            let exec_sets_it =
                matches!(&instruction.args, Args::Exec(words) if words.iter().any(|w| w.value.contains("pipefail")));
            if shell_sets_it || exec_sets_it {
                return;
            }
            'scripts: for script in support::scripts(instruction) {
                let mut pipefail = false;
                for (at, command) in script.iter().enumerate() {
                    if command.name() == Some("set") && command.args().iter().any(|w| w.value == "pipefail") {
                        pipefail = !command.args().iter().any(|w| w.value.starts_with('+'));
                    }
                    if pipefail || command.separator != Some(Separator::Pipe) {
                        continue;
                    }
                    let Some(name) = command.name() else { continue };
                    if CANNOT_FAIL.contains(&name) {
                        continue;
                    }
                    // The pipeline fails anyway when its end rejects empty input.
                    if shell_checks::pipeline_end(&script, at).is_some_and(shell_checks::fails_on_empty_input) {
                        continue;
                    }
                    report.report(
                        command.span(),
                        format!("`{name}` failing here is hidden by the pipe; set `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` or `set -o pipefail`"),
                    );
                    break 'scripts;
                }
            }
        });
    }
}
