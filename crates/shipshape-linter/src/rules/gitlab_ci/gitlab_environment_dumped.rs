use shipshape_dockerfile::shell::{Command, Separator};

use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support::Config;

declare_rule! {
    /// ## What it does
    /// Flags a script line that prints every environment variable to the
    /// job log: `env`, `printenv`, `export`, `declare` or `set` with no
    /// arguments (or `export -p`, `declare -p`/`-x`), alone or piped into `sort`, `cat`, `tee` or
    /// `less`. A dump filtered by `grep` (or sed, awk, cut, head) or
    /// redirected to a file is not flagged.
    ///
    /// ## Why is this bad?
    /// A job's environment holds every CI/CD variable it can see: deploy
    /// keys, registry passwords, cloud credentials, the job token. GitLab
    /// masks only the variables defined as masked, and only when printed
    /// exactly; the others land in a log kept for months and readable by
    /// everyone who can see the pipeline. Print the few variables you need.
    ///
    /// ## Example
    /// ```yaml
    /// build:
    ///   script:
    ///     - env | sort
    ///     - make
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// build:
    ///   script:
    ///     - echo "ref=$CI_COMMIT_REF_NAME sha=$CI_COMMIT_SHORT_SHA"
    ///     - make
    /// ```
    pub struct GitlabEnvironmentDumped {
        id: "gitlab-environment-dumped",
        severity: Warning,
        domains: [GitlabCi],
        summary: "GitLab CI script prints all environment variables to the job log",
    }
}

/// The dumping command, if this is one.
fn dump(command: &Command) -> Option<&'static str> {
    let program = command.program()?;
    let name = program.value.rsplit('/').next().unwrap_or(&program.value);
    let rest: Vec<&str> =
        command.words.iter().skip_while(|w| w.span != program.span).skip(1).map(|w| w.value.as_str()).collect();
    match (name, rest.as_slice()) {
        ("env" | "printenv", []) => Some(if name == "env" { "env" } else { "printenv" }),
        ("env" | "printenv", ["-0"]) => Some("env"),
        ("export", [] | ["-p"]) => Some("export"),
        ("declare" | "typeset", [] | ["-p" | "-x" | "-px" | "-xp"]) => Some("declare"),
        ("set", []) => Some("set"),
        _ => None,
    }
}

const FULL_DUMP_SINKS: &[&str] = &["sort", "cat", "tee", "less", "more", "column", "uniq"];

fn check(commands: &[Command], report: &mut Reporter<'_>) {
    for (i, command) in commands.iter().enumerate() {
        let Some(what) = dump(command) else { continue };
        if command.words.iter().any(|w| w.value.starts_with('>')) {
            continue;
        }
        // Follow the pipe: only sinks that pass every line through keep it a dump.
        let mut to_log = true;
        let mut current = command;
        let mut index = i;
        while current.separator == Some(Separator::Pipe) {
            index += 1;
            let Some(next) = commands.get(index) else { break };
            let sink = next.program().map(|p| p.value.rsplit('/').next().unwrap_or(&p.value).to_string());
            let passes = sink.as_deref().is_some_and(|s| FULL_DUMP_SINKS.contains(&s))
                && !next.words.iter().any(|w| w.value.starts_with('>'))
                && !(sink.as_deref() == Some("tee") && next.words.len() > 1);
            if !passes {
                to_log = sink.as_deref() == Some("tee");
                break;
            }
            current = next;
        }
        if to_log {
            report.report(
                command.span(),
                format!("`{what}` prints every variable of the job, secrets included, to the job log; print only what you need"),
            );
        }
    }
}

impl Rule for GitlabEnvironmentDumped {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::GitlabCi {
            return;
        }
        for doc in &Config::of_file(cx).docs {
            for line in doc.scripts() {
                check(&doc.commands(line), report);
            }
        }
    }
}
