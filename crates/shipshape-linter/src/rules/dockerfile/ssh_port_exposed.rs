use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags `EXPOSE 22` (also `22/tcp` and port ranges that include 22,
    /// and a variable whose `ARG`/`ENV` default is 22).
    ///
    /// ## Why is this bad?
    /// Exposing SSH means running an SSH server in the container: another
    /// long-lived process, keys or passwords baked into or mounted in the
    /// image, and a door that bypasses the orchestrator's access control
    /// and audit log. `docker exec` and `kubectl exec` give shell access
    /// without any of that.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 22 8080
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// EXPOSE 8080
    /// ```
    pub struct SshPortExposed {
        id: "ssh-port-exposed",
        severity: Warning,
        domains: [Dockerfile],
        summary: "SSH port 22 exposed",
    }
}

/// The port range of an `EXPOSE` value (`8080`, `8080/tcp`, `8000-8010`).
pub(crate) fn port_range(value: &str) -> Option<(u32, u32)> {
    let port = value.split('/').next().unwrap_or(value);
    match port.split_once('-') {
        Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
        None => port.parse().ok().map(|p| (p, p)),
    }
}

impl Rule for SshPortExposed {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        support::walk(df, |_, _, instruction, state| {
            if instruction.keyword != "EXPOSE" {
                return;
            }
            for word in instruction.words() {
                let value = state.expand(&word.value).unwrap_or_else(|| word.value.clone());
                if port_range(&value).is_some_and(|(low, high)| low <= 22 && 22 <= high) {
                    report.report(
                        word.span,
                        format!(
                            "`EXPOSE {}` publishes SSH; use `docker exec`/`kubectl exec` instead of an SSH server",
                            word.value
                        ),
                    );
                }
            }
        });
    }
}
