use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that executes a script straight from the network:
    /// `curl … | sh`, `wget -qO- … | bash`, `… | python3`, `sh -c "$(curl …)"`,
    /// `bash <(curl …)` and `eval "$(wget -O- …)"`.
    ///
    /// ## Why is this bad?
    /// The script runs as whatever it is at build time, unreviewed and
    /// unverified: a compromised server, DNS or proxy, or a changed script
    /// runs arbitrary code in the build, usually as root, and the image
    /// cannot be rebuilt the same way twice. A download cut off half-way
    /// can even run a truncated script.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://get.example.com/install.sh | sh
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG INSTALL_SHA256=0f3c…
    /// RUN curl -fsSLo /tmp/install.sh https://get.example.com/v1.4.2/install.sh \
    ///  && echo "${INSTALL_SHA256}  /tmp/install.sh" | sha256sum -c - \
    ///  && sh /tmp/install.sh && rm /tmp/install.sh
    /// ```
    /// or install a pinned package or release binary instead of running an
    /// install script.
    pub struct CurlPipedToShell {
        id: "curl-piped-to-shell",
        severity: Warning,
        domains: [Dockerfile],
        summary: "Script downloaded and run in one step without verification",
    }
}

impl Rule for CurlPipedToShell {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        for (_, _, instruction) in support::runs(cx.dockerfile) {
            for script in support::scripts(instruction) {
                crate::shell_checks::report_unverified_downloads(&script, report);
            }
        }
    }
}
