use shipshape_dockerfile::shell::Separator;
use shipshape_dockerfile::Args;

use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` with a pipe (`a | b`) whose shell does not have
    /// `pipefail` set: neither a `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`
    /// in effect nor a `set -o pipefail` earlier in the same script. A pipe
    /// whose left side cannot fail (`echo`, `printf`, `yes`, `true`) is not
    /// flagged; one finding is reported per `RUN`, on its first such pipe.
    ///
    /// ## Why is this bad?
    /// A pipeline's exit status is that of its last command, so
    /// `RUN curl -fsSL https://example.com/key | gpg --dearmor -o key.gpg`
    /// succeeds when the download fails: the build goes on with an empty
    /// or partial file and breaks later, or ships a broken image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
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
                for command in &script {
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
