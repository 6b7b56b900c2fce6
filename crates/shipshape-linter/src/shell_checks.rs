//! Checks on shell scripts that Dockerfile `RUN`s and CI scripts share.

use shipshape_diagnostics::Span;
use shipshape_dockerfile::shell::{Command, Separator};
use shipshape_dockerfile::Word;

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

/// True when `command`, the last of a pipeline, exits non-zero on empty
/// input, so that a failure on the left of the pipe (which sends nothing,
/// or a truncated stream) still fails the pipeline without `pipefail`:
/// archive extraction and listing, decompression, `gpg --dearmor` and
/// key imports, checksum verification, and `grep` (nothing selected).
/// Interpreters (`sh`, `python`) and filters (`sed`, `tee`, `jq`) succeed
/// on empty input.
pub(crate) fn fails_on_empty_input(command: &Command) -> bool {
    let Some(name) = command.name() else { return false };
    match name {
        "tar" | "bsdtar" => {
            command.has_flag(Some('x'), &["extract", "get", "list"])
                || command.has_flag(Some('t'), &[])
                || command.args().first().is_some_and(|w| {
                    let v = w.value.as_str();
                    !v.starts_with('-') && v.chars().all(|c| c.is_ascii_alphabetic()) && v.contains(['x', 't'])
                })
        }
        "gunzip" | "zcat" | "unxz" | "xzcat" | "bunzip2" | "bzcat" | "unzstd" | "zstdcat" | "lzcat" | "unlzma" => true,
        "gzip" | "xz" | "bzip2" | "zstd" | "lzma" => command.has_flag(Some('d'), &["decompress", "uncompress"]),
        "gpg" | "gpg2" => command.has_flag(None, &["dearmor", "dearmour", "import", "verify"]),
        "apt-key" => command.subcommand().is_some_and(|w| w.value == "add"),
        "sha1sum" | "sha224sum" | "sha256sum" | "sha384sum" | "sha512sum" | "md5sum" | "b2sum" | "shasum" | "cksum" => {
            command.has_flag(Some('c'), &["check"])
        }
        "grep" | "egrep" | "fgrep" => true,
        _ => false,
    }
}

/// The last command of the pipeline that `commands[at]` is part of.
pub(crate) fn pipeline_end(commands: &[Command], at: usize) -> Option<&Command> {
    commands.iter().skip(at).find(|c| c.separator != Some(Separator::Pipe))
}

/// Reports downloads piped into an interpreter (`curl … | sh`) and
/// interpreters run on a fetched script (`sh -c "$(curl …)"`).
pub(crate) fn report_unverified_downloads(commands: &[Command], report: &mut Reporter<'_>) {
    // `runner_after[i]`: the first interpreter after command `i` in its pipeline.
    let mut runner_after = vec![None; commands.len()];
    let mut next_runner = None;
    for (i, command) in commands.iter().enumerate().rev() {
        if let Some(slot) = runner_after.get_mut(i) {
            *slot = next_runner;
        }
        next_runner = if is_interpreter(command) {
            Some(command)
        } else if command.separator == Some(Separator::Pipe) {
            next_runner
        } else {
            None
        };
    }
    for (command, runner_after) in commands.iter().zip(runner_after) {
        let Some(name) = command.name() else { continue };
        if DOWNLOADERS.contains(&name) && command.separator == Some(Separator::Pipe) {
            if let Some(next) = runner_after {
                let end = next.name_word().map_or(next.span(), |w| w.span);
                let runner = next.name().unwrap_or("a shell");
                report.report(
                    command.span().cover(end),
                    format!("`{name}` output is piped into `{runner}` unverified; download to a file, check its checksum, then run it"),
                );
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

/// Environment settings that turn off TLS verification, with the values
/// that do.
pub(crate) fn insecure_tls_setting(name: &str, value: &str) -> bool {
    let value = value.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    match name {
        "NODE_TLS_REJECT_UNAUTHORIZED" | "PYTHONHTTPSVERIFY" => value == "0",
        "GIT_SSL_NO_VERIFY" => !value.is_empty() && value != "0" && value != "false",
        "NPM_CONFIG_STRICT_SSL" | "YARN_STRICT_SSL" | "npm_config_strict_ssl" => value == "false",
        "PIP_TRUSTED_HOST" => !value.is_empty(),
        _ => false,
    }
}

/// A `NAME=value` prefix of a command (`GIT_SSL_NO_VERIFY=1 git clone …`)
/// that `is_insecure` judges to turn off TLS verification.
pub(crate) fn insecure_tls_prefix(
    command: &Command,
    is_insecure: impl Fn(&str, &str) -> bool,
) -> Option<(&Word, String)> {
    command.words.iter().find_map(|word| {
        let (name, value) = word.value.split_once('=')?;
        let is_prefix = command.program().is_some_and(|p| p.span.start > word.span.start);
        (is_prefix && is_insecure(name, value)).then(|| (word, format!("`{name}={value}` turns off TLS verification")))
    })
}

/// True when the argument after the one at `at` is `false` (`--flag false`).
pub(crate) fn next_arg_is_false(args: &[Word], at: Span) -> bool {
    args.iter().skip_while(|w| w.span != at).nth(1).is_some_and(|n| n.value == "false")
}
