//! What the Dockerfile rules share: the shell commands a `RUN` executes,
//! how stages relate, `--mount` options, and variable expansion.

use std::collections::HashMap;
use std::sync::Arc;

use shipshape_dockerfile::shell::{self, Command};
use shipshape_dockerfile::{Args, Dockerfile, Heredoc, Instruction, MappedText, Stage, Word};

/// POSIX-like shells whose scripts the shell tokenizer understands.
const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"];

pub(crate) fn is_shell(name: &str) -> bool {
    SHELLS.contains(&name)
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// True for a `<<EOF`-style word (optionally `3<<-"EOF"`).
fn is_heredoc_word(word: &str) -> bool {
    word.trim_start_matches(|c: char| c.is_ascii_digit()).starts_with("<<")
}

/// The interpreter a `#!` line names, if the body starts with one.
fn shebang_interpreter(body: &str) -> Option<&str> {
    let line = body.lines().next()?.strip_prefix("#!")?;
    let mut parts = line.split_whitespace();
    let first = basename(parts.next()?);
    if first == "env" {
        return parts.find(|p| !p.starts_with('-')).map(basename);
    }
    Some(first)
}

/// For each heredoc name, whether the first command that names it runs
/// it as a shell script (`RUN <<EOF`, `RUN bash <<EOF`), not feeds it to
/// another program (`RUN python3 <<EOF`, `RUN cat <<EOF > file`).
fn heredocs_run_by_shell(text_commands: &[Command]) -> HashMap<&str, bool> {
    let mut out = HashMap::new();
    for command in text_commands {
        let shell = command.name().is_some_and(is_shell);
        let mut only_heredocs_before = true;
        for word in &command.words {
            let name = word.value.trim_start_matches(|c: char| c.is_ascii_digit()).trim_start_matches('<');
            let name = name.trim_start_matches('-').trim_matches(['"', '\'']);
            out.entry(name).or_insert(only_heredocs_before || shell);
            only_heredocs_before &= is_heredoc_word(&word.value);
        }
    }
    out
}

/// True when a heredoc of a `RUN` is run as a shell script: its `#!` line
/// names a shell, or else the command that names it runs a shell.
fn heredoc_is_shell(run_by_shell: &HashMap<&str, bool>, heredoc: &Heredoc) -> bool {
    if let Some(interpreter) = shebang_interpreter(&heredoc.body.value) {
        return is_shell(interpreter);
    }
    run_by_shell.get(heredoc.delimiter.as_str()).copied().unwrap_or(false)
}

/// Most commands read from one script of a `RUN`.
pub(crate) const MAX_SCRIPT_COMMANDS: usize = 10_000;
/// Most heredocs of one `RUN` read as scripts.
pub(crate) const MAX_HEREDOCS: usize = 1_000;

/// The shell scripts a `RUN` executes, each split into commands: the
/// shell-form text, heredocs run as scripts, and `["sh", "-c", "…"]`.
/// An exec-form `RUN` that is not a shell is one command. Scripts are cut
/// to the budgets above.
pub(crate) fn scripts(instruction: &Instruction) -> Vec<Vec<Command>> {
    scripts_within_budget(instruction).0
}

/// [`scripts`], and whether a budget cut them.
pub(crate) fn scripts_within_budget(instruction: &Instruction) -> (Vec<Vec<Command>>, bool) {
    let mut scripts = all_scripts(instruction);
    let mut cut = instruction.heredocs.len() > MAX_HEREDOCS;
    for script in &mut scripts {
        cut |= script.len() > MAX_SCRIPT_COMMANDS;
        script.truncate(MAX_SCRIPT_COMMANDS);
    }
    (scripts, cut)
}

fn all_scripts(instruction: &Instruction) -> Vec<Vec<Command>> {
    match &instruction.args {
        Args::Exec(words) => {
            let runs_shell = words.first().is_some_and(|w| is_shell(basename(&w.value)));
            let dash_c = words
                .iter()
                .skip(1)
                .position(|w| w.value.starts_with('-') && !w.value.starts_with("--") && w.value.contains('c'));
            if let (true, Some(position)) = (runs_shell, dash_c) {
                return words
                    .get(position + 2)
                    .map(|w| vec![shell::commands(&MappedText::contiguous(&w.value, w.span.start + 1))])
                    .unwrap_or_default();
            }
            vec![vec![Command { words: words.clone(), separator: None }]]
        }
        Args::Shell(text) => {
            let text_commands = shell::commands(text);
            let run_by_shell = heredocs_run_by_shell(&text_commands);
            let mut out = Vec::new();
            for heredoc in instruction.heredocs.iter().take(MAX_HEREDOCS) {
                if heredoc_is_shell(&run_by_shell, heredoc) {
                    out.push(shell::commands(&heredoc.body));
                }
            }
            let text_commands: Vec<Command> =
                text_commands.into_iter().filter(|c| c.program().is_some_and(|p| !is_heredoc_word(&p.value))).collect();
            out.insert(0, text_commands);
            out
        }
    }
}

/// Every command a `RUN` executes, scripts concatenated.
pub(crate) fn commands(instruction: &Instruction) -> Vec<Command> {
    scripts(instruction).into_iter().flatten().collect()
}

/// The raw text of every script of a `RUN` (for looking up a path or a
/// configuration key anywhere in it).
pub(crate) fn script_text(instruction: &Instruction) -> String {
    let mut out = String::new();
    match &instruction.args {
        Args::Exec(words) => {
            for w in words {
                out.push_str(&w.value);
                out.push(' ');
            }
        }
        Args::Shell(text) => out.push_str(&text.value),
    }
    for heredoc in &instruction.heredocs {
        out.push('\n');
        out.push_str(&heredoc.body.value);
    }
    out
}

/// `(instruction index, instruction)` of a stage, its `FROM` excluded.
pub(crate) fn body<'a>(dockerfile: &'a Dockerfile, stage: &Stage) -> impl Iterator<Item = (usize, &'a Instruction)> {
    let range = stage.instructions.clone();
    range.skip(1).filter_map(move |i| dockerfile.instructions.get(i).map(|instruction| (i, instruction)))
}

/// The stage named `name` (stage names are case-insensitive).
pub(crate) fn stage_named<'a>(dockerfile: &'a Dockerfile, name: &str) -> Option<&'a Stage> {
    dockerfile.stage_named(name)
}

/// The earlier stage a stage is built `FROM`, if any.
pub(crate) fn parent<'a>(dockerfile: &'a Dockerfile, stage: &Stage) -> Option<&'a Stage> {
    dockerfile.parent(stage)
}

/// The stage and the earlier stages it is built on, nearest first.
pub(crate) fn chain<'a>(dockerfile: &'a Dockerfile, stage: &'a Stage) -> Vec<&'a Stage> {
    chain_until(dockerfile, stage, |_| false)
}

/// The stage and the earlier stages it is built on, nearest first, up to
/// (not including) the first for which `stop` holds.
fn chain_until<'a>(dockerfile: &'a Dockerfile, stage: &'a Stage, stop: impl Fn(&Stage) -> bool) -> Vec<&'a Stage> {
    let mut out = Vec::new();
    let mut current = Some(stage);
    while let Some(s) = current.filter(|s| !stop(s)) {
        out.push(s);
        current = parent(dockerfile, s);
    }
    out
}

/// The instructions of a stage and of the stages it is built on, oldest
/// first, up to (not including) instruction `until`.
pub(crate) fn inherited<'a>(
    dockerfile: &'a Dockerfile,
    stage: &'a Stage,
    until: usize,
) -> Vec<(usize, &'a Instruction)> {
    let mut out = Vec::new();
    for s in chain(dockerfile, stage).into_iter().rev() {
        out.extend(body(dockerfile, s).filter(|(i, _)| *i < until));
    }
    out
}

/// The options of each `--mount` flag of an instruction (`type` defaults
/// to `bind`; `dst`/`destination` are read as `target`).
pub(crate) fn mounts(instruction: &Instruction) -> Vec<HashMap<String, String>> {
    let mut out = Vec::new();
    for flag in instruction.flags.iter().filter(|f| f.name.eq_ignore_ascii_case("mount")) {
        let mut options = HashMap::new();
        options.insert("type".to_string(), "bind".to_string());
        for part in flag.value.as_deref().unwrap_or("").split(',') {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            let key = match key.trim().to_ascii_lowercase().as_str() {
                "dst" | "destination" => "target".to_string(),
                other => other.to_string(),
            };
            options.insert(key, value.trim().trim_matches(['"', '\'']).to_string());
        }
        out.push(options);
    }
    out
}

/// True when a cache or tmpfs mount covers a path starting with one of `prefixes`.
pub(crate) fn has_cache_mount(instruction: &Instruction, prefixes: &[&str]) -> bool {
    mounts(instruction).iter().any(|m| {
        let kind = m.get("type").map_or("", String::as_str);
        let target = m.get("target").map_or("", |t| t.trim_end_matches('/'));
        matches!(kind, "cache" | "tmpfs")
            && !target.is_empty()
            && prefixes.iter().any(|p| target.starts_with(p.trim_end_matches('/')) || p.starts_with(target))
    })
}

/// Resolves a `--from`/`from=` value to a stage: a stage name or an index.
pub(crate) fn referenced_stage<'a>(dockerfile: &'a Dockerfile, reference: &str) -> Option<&'a Stage> {
    match reference.parse::<usize>() {
        Ok(index) => dockerfile.stages.get(index),
        Err(_) => stage_named(dockerfile, reference),
    }
}

/// For each stage, whether it ends up in an image that is shipped: the
/// last stage, every stage nothing else builds on or copies from (a
/// `--target`), and the stages those are built `FROM`. Stages that are only
/// copied from are build stages.
pub(crate) fn shipped_stages(dockerfile: &Dockerfile) -> Vec<bool> {
    let count = dockerfile.stages.len();
    let mut referenced = vec![false; count];
    for stage in &dockerfile.stages {
        if let Some(p) = parent(dockerfile, stage) {
            if let Some(r) = referenced.get_mut(p.index) {
                *r = true;
            }
        }
        for (_, instruction) in body(dockerfile, stage) {
            let mut names: Vec<String> = instruction.flag("from").and_then(|f| f.value.clone()).into_iter().collect();
            names.extend(mounts(instruction).into_iter().filter_map(|mut m| m.remove("from")));
            for name in names {
                if let Some(s) = referenced_stage(dockerfile, &name) {
                    if let Some(r) = referenced.get_mut(s.index) {
                        *r = true;
                    }
                }
            }
        }
    }
    let mut shipped = vec![false; count];
    for stage in &dockerfile.stages {
        if stage.index + 1 == count || !referenced.get(stage.index).copied().unwrap_or(false) {
            // A stage already marked has its whole chain marked.
            for s in chain_until(dockerfile, stage, |s| shipped.get(s.index).copied().unwrap_or(true)) {
                if let Some(flag) = shipped.get_mut(s.index) {
                    *flag = true;
                }
            }
        }
    }
    shipped
}

/// `path` made absolute against `base` (`/` when there is none), normalized.
pub(crate) fn join_path(base: Option<&str>, path: &str) -> String {
    shipshape_dockerfile::absolute_path(base, path)
}

/// The sources and destination of a `COPY`/`ADD` (heredoc sources left out).
pub(crate) fn copy_paths(instruction: &Instruction) -> Option<(Vec<Word>, Word)> {
    let mut words = instruction.words();
    let destination = words.pop()?;
    let sources: Vec<Word> = words.into_iter().filter(|w| !is_heredoc_word(&w.value)).collect();
    Some((sources, destination))
}

/// The user part of a `USER` value (`app:app` → `app`).
pub(crate) fn user_part(value: &str) -> &str {
    value.split(':').next().unwrap_or(value)
}

pub(crate) fn is_root_user(value: &str) -> bool {
    matches!(user_part(value), "root" | "0")
}

/// Longest value kept when expanding variables (chains of `ENV A=$A…`
/// would otherwise grow without bound).
const MAX_EXPANDED: usize = 4096;

/// What is in effect before an instruction: `ARG`/`ENV` values, the
/// `SHELL`, the `WORKDIR` and a few facts rules ask about. A stage starts
/// from the state its parent stage ended with (`ARG`s excepted). The maps
/// are persistent, so handing a state to many child stages costs nothing.
#[derive(Debug, Clone, Default)]
pub(crate) struct State {
    globals: imbl::HashMap<Arc<str>, Arc<str>>,
    pub env: imbl::HashMap<Arc<str>, Arc<str>>,
    pub args: imbl::HashMap<Arc<str>, Arc<str>>,
    /// `ARG` names declared in the current stage, with or without a value.
    pub declared_args: imbl::HashSet<Arc<str>>,
    pub shell: Option<Vec<String>>,
    pub workdir: Option<String>,
    /// The image the stage chain starts from, as written.
    pub root_image: String,
    /// An earlier `RUN` wrote `APT::Install-Recommends` to an apt config file.
    pub apt_no_recommends: bool,
    /// An earlier `RUN` wrote `APT::Get::Assume-Yes` to an apt config file.
    pub apt_assume_yes: bool,
    /// An earlier `COPY`/`ADD` copied an npm lockfile, or the whole build
    /// context (which holds it).
    pub npm_lockfile: bool,
}

impl State {
    fn lookup(&self, name: &str) -> Option<String> {
        self.env.get(name).or_else(|| self.args.get(name)).map(|v| v.to_string())
    }

    /// Expands `$NAME`/`${NAME}` with the values in effect; `None` when a
    /// variable has no known value.
    pub(crate) fn expand(&self, text: &str) -> Option<String> {
        if !text.contains('$') {
            return Some(text.to_string());
        }
        shipshape_dockerfile::expand(text, &|name| self.lookup(name))
    }

    /// True when `name` is set by `ENV` or `ARG` (with a value).
    pub(crate) fn is_set(&self, name: &str) -> bool {
        self.env.contains_key(name) || self.args.contains_key(name)
    }

    /// True when `RUN` runs a POSIX-like shell (not PowerShell or `cmd`).
    pub(crate) fn runs_posix_shell(&self, windows_file: bool) -> bool {
        match &self.shell {
            Some(words) => words.first().is_some_and(|w| is_shell(basename(w))),
            None => {
                let root = self.root_image.to_ascii_lowercase();
                !windows_file && !["windows/", "servercore", "nanoserver"].iter().any(|w| root.contains(w))
            }
        }
    }

    fn apply(&mut self, instruction: &Instruction) {
        match instruction.keyword.as_str() {
            "ARG" | "ENV" => {
                let is_arg = instruction.keyword == "ARG";
                for (key, value) in instruction.key_values() {
                    let name: Arc<str> = key.value.into();
                    if is_arg {
                        self.declared_args.insert(Arc::clone(&name));
                    }
                    let value: Arc<str> = match value {
                        Some(v) => self.expand(&v.value).filter(|e| e.len() <= MAX_EXPANDED).unwrap_or(v.value).into(),
                        None if is_arg => match self.globals.get(&name) {
                            Some(g) => Arc::clone(g),
                            None => continue,
                        },
                        None => continue,
                    };
                    if is_arg {
                        self.args.insert(name, value);
                    } else {
                        self.env.insert(name, value);
                    }
                }
            }
            "SHELL" => self.shell = Some(instruction.words().into_iter().map(|w| w.value).collect()),
            "WORKDIR" => {
                if let Some(word) = instruction.words().into_iter().next() {
                    let path = self.expand(&word.value).unwrap_or(word.value);
                    let joined = join_path(self.workdir.as_deref(), &path);
                    if joined.len() <= MAX_EXPANDED {
                        self.workdir = Some(joined);
                    }
                }
            }
            "RUN" => {
                let text = script_text(instruction);
                if text.contains("apt.conf") {
                    self.apt_no_recommends |= text.contains("Install-Recommends");
                    self.apt_assume_yes |= text.contains("Assume-Yes");
                }
            }
            "COPY" | "ADD" => {
                let from_context = instruction.flag("from").is_none();
                let copies_lockfile = copy_paths(instruction).is_some_and(|(sources, _)| {
                    sources.iter().any(|s| {
                        let name = s.value.rsplit('/').next().unwrap_or(&s.value);
                        name == "package-lock.json"
                            || name == "npm-shrinkwrap.json"
                            || (name.starts_with("package") && name.contains('*') && name.ends_with(".json"))
                            || (from_context && matches!(s.value.as_str(), "." | "./" | "*"))
                    })
                });
                self.npm_lockfile |= copies_lockfile;
            }
            _ => {}
        }
    }
}

/// Calls `visit` with every instruction of every stage (each `FROM`
/// excluded), in order, and the state in effect before it.
pub(crate) fn walk<'a>(dockerfile: &'a Dockerfile, mut visit: impl FnMut(&'a Stage, usize, &'a Instruction, &State)) {
    let mut globals = State::default();
    for instruction in dockerfile.global_args() {
        globals.apply(instruction);
    }
    let globals = globals.args;
    // How many later stages still start from each stage's end state.
    let mut children = vec![0usize; dockerfile.stages.len()];
    for p in dockerfile.stages.iter().filter_map(|s| s.parent) {
        if let Some(c) = children.get_mut(p) {
            *c += 1;
        }
    }
    let mut ended: Vec<Option<State>> = Vec::with_capacity(dockerfile.stages.len());
    for stage in &dockerfile.stages {
        let inherited = stage.parent.and_then(|p| {
            let remaining = children.get_mut(p)?;
            *remaining = remaining.saturating_sub(1);
            let slot = ended.get_mut(p)?;
            if *remaining == 0 {
                slot.take()
            } else {
                slot.clone()
            }
        });
        let mut state = match inherited {
            Some(mut start) => {
                start.args.clear();
                start.declared_args.clear();
                start
            }
            None => State { globals: globals.clone(), root_image: stage.image.value.clone(), ..State::default() },
        };
        for (index, instruction) in body(dockerfile, stage) {
            visit(stage, index, instruction, &state);
            state.apply(instruction);
        }
        let needed = children.get(stage.index).is_some_and(|c| *c > 0);
        ended.push(needed.then_some(state));
    }
}

/// The state in effect before instruction `until` of `stage`.
pub(crate) fn state_at(dockerfile: &Dockerfile, stage: &Stage, until: usize) -> State {
    let mut found = State::default();
    walk(dockerfile, |s, index, _, state| {
        if s.index == stage.index && index == until {
            found = state.clone();
        }
    });
    found
}

/// The `(stage, instruction index, instruction)` of every `RUN` run by a
/// POSIX-like shell.
pub(crate) fn runs(dockerfile: &Dockerfile) -> Vec<(&Stage, usize, &Instruction)> {
    let windows_file = dockerfile.escape == '`';
    let mut out = Vec::new();
    walk(dockerfile, |stage, index, instruction, state| {
        if instruction.keyword == "RUN" && state.runs_posix_shell(windows_file) {
            out.push((stage, index, instruction));
        }
    });
    out
}

/// Like [`runs`], calling `visit` with the state in effect before each `RUN`.
pub(crate) fn walk_runs<'a>(
    dockerfile: &'a Dockerfile,
    mut visit: impl FnMut(&'a Stage, usize, &'a Instruction, &State),
) {
    let windows_file = dockerfile.escape == '`';
    walk(dockerfile, |stage, index, instruction, state| {
        if instruction.keyword == "RUN" && state.runs_posix_shell(windows_file) {
            visit(stage, index, instruction, state);
        }
    });
}

/// Name of a command, also for `python -m pip`-style invocations:
/// `python3 -m pip install` gives `pip`.
pub(crate) fn tool_name(command: &Command) -> Option<&str> {
    let name = command.name()?;
    if name.starts_with("python") {
        let args = command.args();
        if let Some(position) = args.iter().position(|w| w.value == "-m") {
            return args.get(position + 1).map(|w| w.value.as_str());
        }
    }
    Some(name)
}

/// The arguments after the program, or after `-m module` for `python -m`.
pub(crate) fn tool_args(command: &Command) -> &[Word] {
    let args = command.args();
    if command.name().is_some_and(|n| n.starts_with("python")) {
        if let Some(position) = args.iter().position(|w| w.value == "-m") {
            return args.get(position + 2..).unwrap_or(&[]);
        }
    }
    args
}

/// The first argument that is not an option (or an option's value, for
/// the options listed in `takes_value`).
pub(crate) fn subcommand<'a>(args: &'a [Word], takes_value: &[&str]) -> Option<&'a Word> {
    let mut skip_next = false;
    for word in args {
        if skip_next {
            skip_next = false;
            continue;
        }
        if word.value.starts_with('-') {
            skip_next = takes_value.contains(&word.value.as_str());
            continue;
        }
        return Some(word);
    }
    None
}

/// True for `pip` and its versioned names (`pip3`, `pip3.12`).
pub(crate) fn is_pip(name: &str) -> bool {
    name == "pip" || name.strip_prefix("pip").is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Options of `apt-get`/`apt` that take a separate value.
pub(crate) const APT_VALUE_OPTIONS: &[&str] = &["-o", "-t", "-c", "--option", "--target-release", "--config-file"];

/// The subcommand of an `apt-get`/`apt` command (`install`, `update`, …).
pub(crate) fn apt_subcommand(command: &Command) -> Option<&Word> {
    match command.name()? {
        "apt-get" | "apt" => subcommand(command.args(), APT_VALUE_OPTIONS),
        _ => None,
    }
}

/// The packages named after the subcommand word `after`.
pub(crate) fn operands<'a>(args: &'a [Word], after: &Word, takes_value: &[&str]) -> Vec<&'a Word> {
    let mut out = Vec::new();
    let mut skip_next = false;
    let mut seen = false;
    for word in args {
        if !seen {
            seen = word.span == after.span;
            continue;
        }
        if skip_next {
            skip_next = false;
            continue;
        }
        if word.value.starts_with('-') {
            skip_next = takes_value.contains(&word.value.as_str());
            continue;
        }
        if matches!(word.value.as_str(), ">" | ">>" | "2>" | "2>&1" | "<" | "&>") {
            break;
        }
        out.push(word);
    }
    out
}

/// True when an `-o` option value of the command matches `predicate`.
pub(crate) fn has_option_value(command: &Command, predicate: impl Fn(&str) -> bool) -> bool {
    let args = command.args();
    args.iter().enumerate().any(|(i, w)| {
        let inline = w.value.strip_prefix("-o").filter(|v| !v.is_empty()).or_else(|| w.value.strip_prefix("--option="));
        let value = match inline {
            Some(v) => Some(v),
            None if w.value == "-o" || w.value == "--option" => args.get(i + 1).map(|n| n.value.as_str()),
            None => None,
        };
        value.is_some_and(&predicate)
    })
}

/// True when some `rm` or `find` in the commands touches a path starting
/// with one of `prefixes`.
pub(crate) fn removes_path(commands: &[Command], prefixes: &[&str]) -> bool {
    commands.iter().any(|c| {
        matches!(c.name(), Some("rm" | "find"))
            && c.args().iter().any(|w| prefixes.iter().any(|p| w.value.starts_with(p)))
    })
}

/// A `$NAME` or `${NAME…}` in a text.
pub(crate) struct VariableReference {
    pub name: String,
    /// Byte range of the reference in the text.
    pub start: usize,
    pub end: usize,
    /// `${NAME:-default}`, `${NAME-default}`, `${NAME:+x}` and the like.
    pub has_default: bool,
}

/// The variable references of a text, skipping single-quoted parts and
/// escaped dollars.
pub(crate) fn variable_references(text: &str) -> Vec<VariableReference> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut single_quoted = false;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\\' {
            i += 2;
            continue;
        }
        if b == b'\'' {
            single_quoted = !single_quoted;
        }
        if b != b'$' || single_quoted {
            i += 1;
            continue;
        }
        let start = i;
        let braced = bytes.get(i + 1) == Some(&b'{');
        let name_start = if braced { i + 2 } else { i + 1 };
        let mut j = name_start;
        while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
            j += 1;
        }
        let name = text.get(name_start..j).unwrap_or("");
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            i = j.max(i + 1);
            continue;
        }
        let (end, has_default) = if braced {
            let close = text.get(j..).and_then(|rest| rest.find('}')).map_or(bytes.len(), |p| j + p + 1);
            (close, bytes.get(j).is_some_and(|c| matches!(c, b':' | b'-' | b'+' | b'=' | b'?')))
        } else {
            (j, false)
        };
        out.push(VariableReference { name: name.to_string(), start, end, has_default });
        i = end.max(i + 1);
    }
    out
}

/// Docker Hub official images commonly copied from by bare name.
pub(crate) const OFFICIAL_IMAGES: &[&str] = &[
    "alpine",
    "bash",
    "busybox",
    "caddy",
    "composer",
    "debian",
    "docker",
    "eclipse-temurin",
    "golang",
    "gradle",
    "haproxy",
    "httpd",
    "maven",
    "memcached",
    "mongo",
    "mysql",
    "nginx",
    "node",
    "openjdk",
    "perl",
    "php",
    "postgres",
    "python",
    "redis",
    "registry",
    "ruby",
    "rust",
    "traefik",
    "ubuntu",
    "hello-world",
    "amazoncorretto",
    "buildpack-deps",
    "gcc",
    "erlang",
    "elixir",
    "mariadb",
    "nats",
    "vault",
    "consul",
    "telegraf",
    "influxdb",
    "tomcat",
    "jetty",
    "swift",
    "julia",
    "haskell",
    "dart",
    "clojure",
    "groovy",
    "kong",
    "rabbitmq",
    "eclipse-mosquitto",
    "neo4j",
    "elasticsearch",
    "kibana",
    "logstash",
    "fluentd",
    "ghost",
    "wordpress",
    "drupal",
    "nextcloud",
    "sonarqube",
    "jenkins",
    "bitnami",
    "tini",
    "fedora",
    "centos",
    "rockylinux",
    "almalinux",
    "oraclelinux",
    "archlinux",
    "amazonlinux",
    "photon",
    "clearlinux",
    "ibmjava",
    "sapmachine",
    "ibm-semeru-runtimes",
    "pypy",
    "bun",
];

/// Images (not stages) that `COPY --from=` and `RUN --mount=…,from=` read
/// files from: the span of the flag and the reference, global `ARG`
/// defaults expanded. Bare names count only when they are well-known
/// official images (others may be named build contexts).
pub(crate) fn copied_images(dockerfile: &Dockerfile) -> Vec<(shipshape_diagnostics::Span, String)> {
    let mut out = Vec::new();
    for instruction in &dockerfile.instructions {
        let mut found: Vec<(shipshape_diagnostics::Span, String)> = Vec::new();
        if instruction.keyword == "COPY" {
            if let Some(flag) = instruction.flag("from") {
                found.push((flag.span, flag.value.clone().unwrap_or_default()));
            }
        }
        if instruction.keyword == "RUN" {
            for (flag, options) in
                instruction.flags.iter().filter(|f| f.name.eq_ignore_ascii_case("mount")).zip(mounts(instruction))
            {
                if let Some(from) = options.get("from") {
                    found.push((flag.span, from.clone()));
                }
            }
        }
        for (span, written) in found {
            let Some(reference) = dockerfile.expand_global_args(&written) else { continue };
            if reference.is_empty() || reference.contains('$') || referenced_stage(dockerfile, &reference).is_some() {
                continue;
            }
            let image_like = reference.contains(['/', ':', '.', '@'])
                || OFFICIAL_IMAGES.contains(&reference.to_ascii_lowercase().as_str());
            if image_like {
                out.push((span, reference));
            }
        }
    }
    out
}

/// Every `CMD` and `ENTRYPOINT` written in shell form: its keyword and text.
pub(crate) fn shell_form_commands(dockerfile: &Dockerfile) -> impl Iterator<Item = (&str, &MappedText)> {
    dockerfile.instructions.iter().filter_map(|instruction| match &instruction.args {
        Args::Shell(text) if matches!(instruction.keyword.as_str(), "CMD" | "ENTRYPOINT") => {
            Some((instruction.keyword.as_str(), text))
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heredoc_scripts_are_shell_only_when_run_by_a_shell() {
        let file = shipshape_dockerfile::parse(
            "FROM a\nRUN <<EOF\napt-get update\nEOF\nRUN python3 <<EOF\nimport os\nEOF\nRUN cat <<EOF > /x\nrm y\nEOF\n",
        );
        let names = |i: usize| -> Vec<String> {
            commands(&file.instructions[i]).iter().filter_map(|c| c.name().map(str::to_string)).collect()
        };
        assert_eq!(names(1), ["apt-get"]);
        assert_eq!(names(2), ["python3"]);
        assert_eq!(names(3), ["cat"]);
    }

    #[test]
    fn stages_shipped() {
        let file = shipshape_dockerfile::parse(
            "FROM a AS base\nFROM base AS build\nRUN make\nFROM base AS dev\nFROM b AS prod\nCOPY --from=build /x /x\n",
        );
        assert_eq!(shipped_stages(&file), [true, false, true, true]);
    }

    #[test]
    fn variable_references_skip_single_quotes() {
        let refs = variable_references("a $A ${B:-x} '$C' \\$D ${E}");
        let names: Vec<&str> = refs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["A", "B", "E"]);
        assert!(refs[1].has_default);
    }

    #[test]
    fn variables_follow_docker_scoping() {
        let file = shipshape_dockerfile::parse(
            "ARG G=1\nARG H=2\nFROM a AS base\nARG G\nARG L=x\nENV E=$L-$G\nFROM base\nARG H\nRUN true\n",
        );
        let last = file.stages.last().unwrap();
        let state = state_at(&file, last, 8);
        assert_eq!(state.expand("$E/$H").as_deref(), Some("x-1/2"));
        assert!(!state.is_set("L") && !state.is_set("G"), "{state:?}");
    }

    #[test]
    fn paths_join() {
        assert_eq!(join_path(Some("/app"), "src/../lib"), "/app/lib");
        assert_eq!(join_path(None, "app"), "/app");
        assert_eq!(join_path(Some("/x"), "/y/"), "/y");
    }
}
