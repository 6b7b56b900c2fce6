//! Checks on shell scripts that Dockerfile `RUN`s and CI scripts share.

use shipshape_dockerfile::shell::{Command, Separator};

use crate::rule::Reporter;

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

/// Reports downloads piped into an interpreter (`curl … | sh`) and
/// interpreters run on a fetched script (`sh -c "$(curl …)"`).
pub(crate) fn report_unverified_downloads(commands: &[Command], report: &mut Reporter<'_>) {
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
