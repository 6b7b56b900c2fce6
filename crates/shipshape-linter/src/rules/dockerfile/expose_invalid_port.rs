use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::ssh_port_exposed::port_range;
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags an `EXPOSE` value that is not a valid port: outside 1–65535,
    /// not a number, a reversed range, a protocol other than `tcp`, `udp`
    /// or `sctp`, or a host mapping such as `8080:80` (which belongs in
    /// `docker run -p` or a Service, not in the image). Variables are
    /// expanded with `ARG`/`ENV` defaults; unknown ones are skipped.
    ///
    /// ## Why is this bad?
    /// The build fails on some of these, and on others Docker silently
    /// records something different from what was meant, so the
    /// documentation the image carries about its ports is wrong.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 80:8080 70000 53/dns
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// EXPOSE 8080 53/udp
    /// ```
    pub struct ExposeInvalidPort {
        id: "expose-invalid-port",
        severity: Warning,
        domains: [Dockerfile],
        summary: "`EXPOSE` of an invalid port",
        kind: Defect,
    }
}

fn problem(value: &str) -> Option<&'static str> {
    if value.contains(':') {
        return Some("maps a host port, which an image cannot do; publish it with `docker run -p` or a Service");
    }
    let (port, protocol) = value.split_once('/').unwrap_or((value, "tcp"));
    if !matches!(protocol.to_ascii_lowercase().as_str(), "tcp" | "udp" | "sctp") {
        return Some("has a protocol other than `tcp`, `udp` or `sctp`");
    }
    match port_range(port) {
        None => Some("is not a port number"),
        Some((low, high)) if low == 0 || high > 65535 => Some("is outside 1-65535"),
        Some((low, high)) if low > high => Some("is a range whose start is above its end"),
        Some(_) => None,
    }
}

impl Rule for ExposeInvalidPort {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        support::walk(df, |_, _, instruction, state| {
            if instruction.keyword != "EXPOSE" {
                return;
            }
            for word in instruction.words() {
                let Some(value) = state.expand(&word.value) else { continue };
                if value.is_empty() || value.contains('$') {
                    continue;
                }
                if let Some(problem) = problem(&value) {
                    report.report(word.span, format!("`EXPOSE {}` {problem}", word.value));
                }
            }
        });
    }
}
