use std::collections::HashMap;

use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags permissions that let every user write: `chmod 777`, `666`,
    /// `o+w`, `a+w`, `a=rwx` (any mode whose "others" part has write) in a
    /// `RUN`, and `COPY`/`ADD --chmod=` with such a mode. A mode with the
    /// sticky bit (`chmod 1777 /tmp/cache`) is the standard for shared
    /// temporary directories and is not flagged, nor is a `chmod` of paths
    /// under `/tmp` or of a path the same `RUN` removes afterwards.
    ///
    /// ## Why is this bad?
    /// Any process in the container, whatever its user, can then replace
    /// the files: a compromised low-privilege process can plant code that a
    /// more privileged one (or the next start) executes. It is usually a
    /// shortcut for an ownership problem that `--chown` or a group solves.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN chmod -R 777 /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY --chown=app:app . /app
    /// ```
    pub struct WorldWritablePermissions {
        id: "world-writable-permissions",
        severity: Warning,
        domains: [Dockerfile],
        summary: "Files or directories made writable by every user",
    }
}

/// True when a `chmod` mode gives "others" write permission without the
/// sticky bit.
pub(crate) fn is_world_writable(mode: &str) -> bool {
    if !mode.is_empty() && mode.len() <= 4 && mode.chars().all(|c| c.is_digit(8)) {
        let digits: Vec<u32> = mode.chars().filter_map(|c| c.to_digit(8)).collect();
        let others = digits.last().copied().unwrap_or(0);
        let special = if digits.len() == 4 { digits.first().copied().unwrap_or(0) } else { 0 };
        return digits.len() >= 3 && others & 2 != 0 && special & 1 == 0;
    }
    let mut writable = false;
    for clause in mode.split(',') {
        let Some(op) = clause.find(['+', '=', '-']) else { return false };
        let (who, rest) = clause.split_at(op);
        if !who.chars().all(|c| matches!(c, 'u' | 'g' | 'o' | 'a'))
            || !rest.chars().skip(1).all(|c| "rwxXst".contains(c))
        {
            return false;
        }
        let others = who.contains(['o', 'a']);
        if others && rest.starts_with(['+', '=']) && rest.contains('w') {
            writable = true;
        }
        if rest.contains('t') && rest.starts_with(['+', '=']) {
            return false;
        }
    }
    writable
}

impl Rule for WorldWritablePermissions {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        for instruction in cx.dockerfile.instructions.iter().filter(|i| matches!(i.keyword.as_str(), "COPY" | "ADD")) {
            if let Some(flag) = instruction.flag("chmod") {
                let mode = flag.value.as_deref().unwrap_or("");
                if is_world_writable(mode) {
                    report.report(
                        flag.span,
                        format!(
                            "`{} --chmod={mode}` makes the files writable by every user; grant write to the owner only",
                            instruction.keyword
                        ),
                    );
                }
            }
        }
        for (_, _, instruction) in support::runs(cx.dockerfile) {
            let commands = support::commands(instruction);
            // The last `rm` of each path, so that each `chmod` looks it up.
            let mut last_removal: HashMap<&str, usize> = HashMap::new();
            for (position, command) in commands.iter().enumerate().filter(|(_, c)| c.name() == Some("rm")) {
                for word in command.args() {
                    last_removal.insert(word.value.as_str(), position);
                }
            }
            for (position, command) in commands.iter().enumerate() {
                if command.name() != Some("chmod") {
                    continue;
                }
                let args = command.args();
                let Some(mode_index) = args
                    .iter()
                    .position(|w| !w.value.starts_with("--") && !matches!(w.value.as_str(), "-R" | "-v" | "-f" | "-c"))
                else {
                    continue;
                };
                let Some(mode) = args.get(mode_index) else { continue };
                if !is_world_writable(&mode.value) {
                    continue;
                }
                let targets = args.get(mode_index + 1..).unwrap_or(&[]);
                let removed_later = |target: &str| last_removal.get(target).is_some_and(|p| *p > position);
                let temporary = !targets.is_empty()
                    && targets.iter().all(|t| {
                        let path = t.value.as_str();
                        path.starts_with("/tmp") || path.starts_with("/var/tmp") || removed_later(path)
                    });
                if !temporary {
                    report.report(
                        mode.span,
                        format!("`chmod {}` makes files writable by every user; fix ownership with `--chown` or a group instead", mode.value),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_world_writable;

    #[test]
    fn modes() {
        for mode in ["777", "0777", "666", "o+w", "a+rwx", "ugo+w", "a=rwx", "u+x,o+w", "0757"] {
            assert!(is_world_writable(mode), "{mode}");
        }
        for mode in ["755", "1777", "644", "u+w", "+x", "g+w", "o-w", "a+rx", "+t,o+w", "0775", "2775"] {
            assert!(!is_world_writable(mode), "{mode}");
        }
    }
}
