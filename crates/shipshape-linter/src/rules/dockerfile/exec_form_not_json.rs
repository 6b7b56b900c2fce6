use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags a `CMD` or `ENTRYPOINT` written to be exec form, in brackets,
    /// that is not valid JSON: single quotes (`['python', 'main.py']`), a
    /// missing comma, a stray bracket (`["dotnet", "run"]]`). Docker then
    /// takes the whole text as shell form.
    ///
    /// This is a defect, not a style choice (see `shell-form-cmd` for
    /// shell form written on purpose): it is reported at its severity in
    /// docs and examples too.
    ///
    /// ## Why is this bad?
    /// The command does not run as written: `/bin/sh -c` receives the
    /// brackets, quotes and commas as words, so the container usually fails
    /// at start (`/bin/sh: [python,: not found`), or runs something else.
    /// Where it happens to start, the shell is PID 1 and does not pass
    /// `SIGTERM` on.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ['python', 'main.py']
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// CMD ["python", "main.py"]
    /// ```
    ///
    /// ## References
    /// - [Docker: shell and exec form](https://docs.docker.com/reference/dockerfile/#shell-and-exec-form)
    /// - [Docker build checks: JSONArgsRecommended](https://docs.docker.com/reference/build-checks/json-args-recommended/)
    pub struct ExecFormNotJson {
        id: "exec-form-not-json",
        severity: Warning,
        domains: [Dockerfile],
        summary: "`CMD` or `ENTRYPOINT` in brackets that is not valid JSON, so it runs as shell form",
        kind: Defect,
    }
}

impl Rule for ExecFormNotJson {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        for (keyword, text) in support::shell_form_commands(cx.dockerfile) {
            if text.value.trim().starts_with('[') {
                report.report(
                    text.full_span(),
                    format!("`{keyword}` looks like exec form but is not valid JSON (use double quotes and commas), so `/bin/sh -c` runs the brackets and quotes as words"),
                );
            }
        }
    }
}
