use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags `CMD` and `ENTRYPOINT` written in shell form
    /// (`CMD node server.js`) instead of exec form
    /// (`CMD ["node", "server.js"]`). A shell-form command that starts with
    /// `exec` (the shell replaces itself with the program) is not flagged.
    /// A value in brackets that does not parse as JSON is reported by
    /// `exec-form-not-json` instead.
    ///
    /// ## Why is this bad?
    /// Shell form runs `/bin/sh -c "…"`, so the shell is PID 1 and the
    /// program its child. `docker stop` and Kubernetes send `SIGTERM` to
    /// PID 1; `sh` does not forward it, the program never shuts down
    /// gracefully, and it is killed after the grace period (dropped
    /// requests, unflushed data, slow rollouts). A shell-form `ENTRYPOINT`
    /// also ignores `CMD` and `docker run` arguments.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD gunicorn --bind 0.0.0.0:8000 app:wsgi
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:wsgi"]
    /// ```
    ///
    /// ## References
    /// - [Docker: shell and exec form](https://docs.docker.com/reference/dockerfile/#shell-and-exec-form)
    pub struct ShellFormCmd {
        id: "shell-form-cmd",
        severity: Warning,
        domains: [Dockerfile],
        summary: "`CMD` or `ENTRYPOINT` in shell form",
    }
}

impl Rule for ShellFormCmd {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        for (keyword, text) in support::shell_form_commands(cx.dockerfile) {
            let value = text.value.trim();
            if value.is_empty() || value.starts_with("exec ") {
                continue;
            }
            if value.starts_with('[') {
                continue;
            }
            report.report(
                text.full_span(),
                format!("`{keyword}` in shell form runs under `/bin/sh -c`, which does not pass SIGTERM on; use exec form `[\"…\", \"…\"]`"),
            );
        }
    }
}
