use shipshape_dockerfile::shell::{Command, Separator};

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

const DOWNLOADERS: &[&str] = &["curl", "wget"];
const INTERPRETERS: &[&str] =
    &["sh", "bash", "ash", "dash", "zsh", "ksh", "python", "python2", "python3", "perl", "ruby", "node", "php"];
const FETCHING: &[&str] = &["$(curl", "$(wget", "`curl", "`wget", "<(curl", "<(wget"];

fn is_interpreter(command: &Command) -> bool {
    command.name().is_some_and(|n| {
        INTERPRETERS.contains(&n)
            || n.strip_prefix("python").is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
    })
}

fn check_script(commands: &[Command], report: &mut Reporter<'_>) {
    for (i, command) in commands.iter().enumerate() {
        let Some(name) = command.name() else { continue };
        if DOWNLOADERS.contains(&name) && command.separator == Some(Separator::Pipe) {
            for next in commands.iter().skip(i + 1) {
                if is_interpreter(next) {
                    let end = next.name_word().map_or(next.span(), |w| w.span);
                    let runner = next.name().unwrap_or("a shell");
                    report.report(
                        command.span().cover(end),
                        format!("`{name}` output is piped into `{runner}` unverified; download to a file, check its checksum, then run it"),
                    );
                    break;
                }
                if next.separator != Some(Separator::Pipe) {
                    break;
                }
            }
        }
        if is_interpreter(command) || matches!(name, "eval" | "source" | ".") {
            let fetched = command.args().iter().find(|w| FETCHING.iter().any(|f| w.value.contains(f)));
            if let Some(word) = fetched {
                report.report(
                    word.span,
                    format!("`{name}` runs a script fetched from the network unverified; download to a file, check its checksum, then run it"),
                );
            }
        }
    }
}

impl Rule for CurlPipedToShell {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        for (_, _, instruction) in support::runs(cx.dockerfile) {
            for script in support::scripts(instruction) {
                check_script(&script, report);
            }
        }
    }
}
