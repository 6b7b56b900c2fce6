use super::workflow::Workflow;
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a script line that downloads a script and pipes it straight
    /// into a shell: `curl … | sh`, `wget -O- … | bash`, `curl … | sudo bash`.
    ///
    /// ## Why is this bad?
    /// Whatever the server returns runs on the runner, with the job's token
    /// and secrets, and nothing records what it was. A compromised download
    /// host, a redirect or a truncated transfer runs arbitrary or partial
    /// code. Download the file, check its checksum or signature, then run
    /// it; or use a pinned action or package instead.
    ///
    /// ## Example
    /// ```yaml
    /// - run: curl -sSfL https://example.com/install.sh | sh
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// - run: |
    ///     curl -sSfLo install.sh https://example.com/v1.4.2/install.sh
    ///     echo "3f1c0e7d…  install.sh" | sha256sum -c -
    ///     sh install.sh
    /// ```
    pub struct RunPipesDownloadToShell {
        id: "run-pipes-download-to-shell",
        severity: Warning,
        domains: [GithubActions],
        summary: "Script pipes a downloaded script into a shell",
    }
}

const SHELLS: &[&str] = &["sh", "bash", "zsh", "dash", "ksh", "python", "python3", "node", "pwsh", "iex"];

/// True when a command line downloads and pipes into a shell.
fn pipes_download_to_shell(line: &str) -> bool {
    let mut stages = line.split('|').map(str::trim);
    let Some(first) = stages.next() else { return false };
    // The command of the first stage (after `sudo`, `env`) downloads.
    let downloads = |s: &str| {
        let command = s.split_whitespace().find(|w| !matches!(*w, "sudo" | "-E" | "env" | "$(" | "("));
        command.is_some_and(|w| {
            let w = w.trim_start_matches(['(', '$']);
            matches!(w, "curl" | "wget" | "iwr" | "Invoke-WebRequest" | "irm" | "Invoke-RestMethod")
        })
    };
    if !downloads(first) {
        return false;
    }
    stages.any(|stage| {
        let mut words = stage.split_whitespace().filter(|w| !matches!(*w, "sudo" | "-E" | "env"));
        words.next().is_some_and(|w| SHELLS.contains(&w.rsplit('/').next().unwrap_or(w)))
    })
}

impl Rule for RunPipesDownloadToShell {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        for (_, step) in workflow.steps() {
            let Some(run) = step.run() else { continue };
            let script = workflow.script(run);
            for (at, line) in script.lines() {
                let trimmed = line.trim_start();
                if trimmed.starts_with('#') || !trimmed.contains('|') || !pipes_download_to_shell(trimmed) {
                    continue;
                }
                let start = at + (line.len() - trimmed.len());
                report.report(
                    script.span(start, at + line.trim_end().len()),
                    "a downloaded script is piped into a shell unchecked; download it, verify its checksum, then run it",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pipes_download_to_shell;

    #[test]
    fn pipes() {
        assert!(pipes_download_to_shell("curl -sSfL https://x.io/i.sh | sh"));
        assert!(pipes_download_to_shell("wget -qO- https://x.io/i.sh | sudo -E bash -s -- -y"));
        assert!(pipes_download_to_shell("curl https://x | /bin/bash"));
        assert!(!pipes_download_to_shell("curl -sSf https://x.io/data.json | jq .version"));
        assert!(!pipes_download_to_shell("echo curl | sh"));
    }
}
