//! A span-aware view of a GitHub Actions workflow or composite action:
//! triggers, jobs, steps, `uses`, `run`, `with`, `env`, and the trust of
//! the contexts its expressions read.

use shipshape_diagnostics::Span;
use shipshape_yaml::{Entry, Node, ScalarStyle};

use super::expr::{self, Trust};
use crate::context::YamlFileContext;
use crate::roles::YamlRole;

/// A workflow file (`jobs`) or an action metadata file (`runs.steps`).
pub(crate) struct Workflow<'a> {
    pub text: &'a str,
    pub base: usize,
    pub role: YamlRole,
    pub root: &'a Node,
    pub triggers: Vec<Trigger<'a>>,
    pub jobs: Vec<Job<'a>>,
    /// The steps of a composite action.
    pub action_steps: Vec<Step<'a>>,
}

/// One event of `on:`.
pub(crate) struct Trigger<'a> {
    /// Lower-cased event name.
    pub name: String,
    /// The node naming the event (a key or a sequence item).
    pub node: &'a Node,
    /// Its configuration, when `on:` is a mapping.
    pub config: Option<&'a Node>,
}

pub(crate) struct Job<'a> {
    pub id: &'a str,
    pub key: &'a Node,
    pub node: &'a Node,
    pub steps: Vec<Step<'a>>,
}

pub(crate) struct Step<'a> {
    pub node: &'a Node,
}

/// What a `uses:` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UsesKind<'a> {
    /// `./path` in the same repository.
    Local,
    /// `docker://image`.
    Docker { image: &'a str },
    /// `owner/repo[/path]@ref` (an action or a reusable workflow).
    Repository { owner: &'a str, repo: &'a str, path: &'a str, git_ref: Option<&'a str> },
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Uses<'a> {
    pub node: &'a Node,
    pub value: &'a str,
    pub kind: UsesKind<'a>,
}

impl<'a> Uses<'a> {
    pub fn parse(node: &'a Node) -> Option<Self> {
        let value = node.as_str()?.trim();
        if value.is_empty() || value.contains("${{") {
            return None;
        }
        let kind = if value.starts_with("./") || value.starts_with(".\\") || value == "." {
            UsesKind::Local
        } else if let Some(image) = value.strip_prefix("docker://") {
            UsesKind::Docker { image }
        } else {
            let (name, git_ref) = match value.split_once('@') {
                Some((name, r)) => (name, Some(r)),
                None => (value, None),
            };
            let mut parts = name.splitn(3, '/');
            let owner = parts.next().unwrap_or("");
            let repo = parts.next().unwrap_or("");
            let path = parts.next().unwrap_or("");
            UsesKind::Repository { owner, repo, path, git_ref }
        };
        Some(Self { node, value, kind })
    }

    /// True when this names `action` (`owner/repo` or `owner/repo/path`),
    /// whatever the ref, ignoring case.
    pub fn is(&self, action: &str) -> bool {
        match self.kind {
            UsesKind::Repository { .. } => {
                let name = self.value.split('@').next().unwrap_or("");
                name.eq_ignore_ascii_case(action)
            }
            _ => false,
        }
    }

    /// The ref after `@`.
    pub fn git_ref(&self) -> Option<&'a str> {
        match self.kind {
            UsesKind::Repository { git_ref, .. } => git_ref,
            _ => None,
        }
    }

    /// The major version of the ref (`v4`, `v4.1.0`), or of a `# v4.1.0`
    /// comment after a SHA.
    pub fn major_version(&self, text: &str, base: usize) -> Option<u32> {
        self.version(text, base).and_then(|v| v.first().copied())
    }

    /// The numbers of the version the ref (`v4`, `v4.1.0`) or a `# v4.1.0`
    /// comment after a SHA names: `[4]`, `[4, 1, 0]`.
    pub fn version(&self, text: &str, base: usize) -> Option<Vec<u32>> {
        let from = |s: &str| -> Option<Vec<u32>> {
            let s = s.trim().trim_start_matches(['v', 'V']);
            let numbers: Vec<u32> = s
                .split(|c: char| !c.is_ascii_digit() && c != '.')
                .next()
                .unwrap_or("")
                .split('.')
                .map_while(|part| part.parse().ok())
                .collect();
            (!numbers.is_empty()).then_some(numbers)
        };
        if let Some(version) = self.git_ref().and_then(from) {
            if !is_full_sha(self.git_ref().unwrap_or("")) {
                return Some(version);
            }
        }
        let end = self.node.span.end.saturating_sub(base);
        let line_end = text.get(end..).and_then(|t| t.find('\n')).map_or(text.len(), |n| end + n);
        let rest = text.get(end..line_end)?;
        let comment = rest.split_once('#')?.1.trim();
        let comment = comment.strip_prefix("tag=").unwrap_or(comment);
        from(comment)
    }
}

/// A full 40-character commit SHA (or a 64-character SHA-256 one).
pub(crate) fn is_full_sha(git_ref: &str) -> bool {
    (git_ref.len() == 40 || git_ref.len() == 64) && git_ref.bytes().all(|b| b.is_ascii_hexdigit())
}

impl<'a> Step<'a> {
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key)
    }

    pub fn uses(&self) -> Option<Uses<'a>> {
        self.get("uses").and_then(Uses::parse)
    }

    pub fn run(&self) -> Option<&'a Node> {
        self.get("run")
    }

    /// An input under `with:`.
    pub fn with(&self, input: &str) -> Option<&'a Node> {
        self.get("with").and_then(|w| w.get(input))
    }

    /// The `with:` input as text (booleans and numbers included).
    pub fn with_str(&self, input: &str) -> Option<&'a str> {
        self.with(input).and_then(Node::as_str)
    }
}

impl<'a> Job<'a> {
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key)
    }

    /// Names of the jobs in `needs:`, with their nodes.
    pub fn needs(&self) -> Vec<(&'a str, &'a Node)> {
        let Some(needs) = self.get("needs") else { return Vec::new() };
        let items: Vec<&'a Node> = match needs.as_sequence() {
            Some(items) => items.iter().collect(),
            None => vec![needs],
        };
        items.into_iter().filter_map(|n| n.as_str().map(|s| (s, n))).collect()
    }
}

/// Truthy as GitHub reads a YAML value used as a boolean flag.
pub(crate) fn is_true(node: &Node) -> bool {
    node.as_bool() == Some(true) || node.as_str().is_some_and(|s| s.trim().eq_ignore_ascii_case("true"))
}

/// False as GitHub reads it (`false`, `"false"`).
pub(crate) fn is_false(node: &Node) -> bool {
    node.as_bool() == Some(false) || node.as_str().is_some_and(|s| s.trim().eq_ignore_ascii_case("false"))
}

fn trigger<'a>(node: &'a Node, config: Option<&'a Node>) -> Option<Trigger<'a>> {
    node.as_str().map(|name| Trigger { name: name.trim().to_ascii_lowercase(), node, config })
}

fn triggers_of(root: &Node) -> Vec<Trigger<'_>> {
    let Some(on) = root.get("on").or_else(|| root.get("true")) else { return Vec::new() };
    if let Some(items) = on.as_sequence() {
        return items.iter().filter_map(|n| trigger(n, None)).collect();
    }
    if on.is_mapping() {
        return on.entries().into_iter().filter_map(|e| trigger(&e.key, Some(&e.value))).collect();
    }
    trigger(on, None).into_iter().collect()
}

fn steps_of(node: Option<&Node>) -> Vec<Step<'_>> {
    let mut out = Vec::new();
    for item in node.map(|n| n.items()).unwrap_or(&[]).iter().filter(|n| n.is_mapping()) {
        // `- parallel: [steps]` groups steps that run side by side.
        match item.get("parallel").filter(|p| p.as_sequence().is_some()) {
            Some(group) => out.extend(group.items().iter().filter(|n| n.is_mapping()).map(|node| Step { node })),
            None => out.push(Step { node: item }),
        }
    }
    out
}

impl<'a> Workflow<'a> {
    /// The workflow or action of a file with one of those roles.
    pub fn of(cx: &YamlFileContext<'a>) -> Option<Self> {
        if !matches!(cx.role, YamlRole::GithubWorkflow | YamlRole::GithubAction) {
            return None;
        }
        let root: &'a Node = &cx.documents.first()?.root;
        if !root.is_mapping() {
            return None;
        }
        let mut workflow = Workflow {
            text: cx.text,
            base: cx.base,
            role: cx.role,
            root,
            triggers: Vec::new(),
            jobs: Vec::new(),
            action_steps: Vec::new(),
        };
        if cx.role == YamlRole::GithubWorkflow {
            workflow.triggers = triggers_of(root);
            if let Some(jobs) = root.get("jobs") {
                for entry in jobs.entries() {
                    let Some(id) = entry.key.as_str() else { continue };
                    if !entry.value.is_mapping() {
                        continue;
                    }
                    let steps = steps_of(entry.value.get("steps"));
                    workflow.jobs.push(Job { id, key: &entry.key, node: &entry.value, steps });
                }
            }
        } else {
            workflow.action_steps = steps_of(root.path(&["runs", "steps"]));
        }
        Some(workflow)
    }

    pub fn is_action(&self) -> bool {
        self.role == YamlRole::GithubAction
    }

    /// Triggers that run with the base repository's token and secrets on
    /// events anyone can cause.
    pub fn privileged_triggers(&self) -> impl Iterator<Item = &Trigger<'a>> {
        self.triggers.iter().filter(|t| t.name == "pull_request_target" || t.name == "workflow_run")
    }

    /// Every step with its job (`None` for a composite action's steps).
    pub fn steps(&self) -> impl Iterator<Item = (Option<&Job<'a>>, &Step<'a>)> {
        self.jobs
            .iter()
            .flat_map(|job| job.steps.iter().map(move |s| (Some(job), s)))
            .chain(self.action_steps.iter().map(|s| (None, s)))
    }

    pub fn job(&self, id: &str) -> Option<&Job<'a>> {
        self.jobs.iter().find(|j| j.id == id)
    }

    /// The expressions of a scalar, positioned in the source.
    pub fn expressions(&self, node: &Node) -> Vec<expr::Expression> {
        expr::expressions_in(node, self.text, self.base)
    }

    /// The source of a script scalar, for line-by-line scans.
    pub fn script(&self, node: &'a Node) -> Script<'a> {
        Script::of(node, self.text, self.base)
    }

    /// The definition of `env.NAME` seen by a step: the step's, the job's,
    /// then the workflow's `env:`.
    pub fn env_definition(&self, job: Option<&Job<'a>>, step: Option<&Step<'a>>, name: &str) -> Option<&'a Node> {
        let find = |env: Option<&'a Node>| -> Option<&'a Node> {
            env?.entries()
                .into_iter()
                .find(|e| e.key.as_str().is_some_and(|k| k.eq_ignore_ascii_case(name)))
                .map(|e: &'a Entry| &e.value)
        };
        step.and_then(|s| find(s.get("env")))
            .or_else(|| job.and_then(|j| find(j.get("env"))))
            .or_else(|| find(self.root.get("env")))
    }

    /// The declared type of a workflow input (`workflow_dispatch` or
    /// `workflow_call`), lower-cased.
    fn input_type(&self, name: &str) -> Option<String> {
        let mut types = Vec::new();
        for trigger in &self.triggers {
            let Some(inputs) = trigger.config.and_then(|c| c.get("inputs")) else { continue };
            for entry in inputs.entries() {
                if entry.key.as_str().is_some_and(|k| k.eq_ignore_ascii_case(name)) {
                    types.push(entry.value.str_at(&["type"]).unwrap_or("string").to_ascii_lowercase());
                }
            }
        }
        if types.is_empty() {
            return None;
        }
        if types.iter().all(|t| matches!(t.as_str(), "boolean" | "number" | "choice" | "environment")) {
            types.into_iter().next()
        } else {
            Some("string".to_string())
        }
    }

    /// The trust of a context read by an expression of `step` in `job`.
    pub fn trust(&self, job: Option<&Job<'a>>, step: Option<&Step<'a>>, path: &str) -> Trust {
        self.trust_at(job, step, path, 0)
    }

    fn trust_at(&self, job: Option<&Job<'a>>, step: Option<&Step<'a>>, path: &str, depth: usize) -> Trust {
        let lower = path.to_ascii_lowercase();
        let segments: Vec<&str> = lower.split('.').collect();
        match segments.as_slice() {
            ["inputs", name, ..] | ["github", "event", "inputs", name, ..] if !self.is_action() => {
                match self.input_type(name).as_deref() {
                    Some("boolean" | "number" | "choice" | "environment") => Trust::Fixed,
                    _ => Trust::Indirect,
                }
            }
            ["env", name, ..] => match self.env_definition(job, step, name) {
                Some(value) if depth < 4 => self.value_trust(job, step, value, depth + 1).unwrap_or(Trust::Fixed),
                Some(_) => Trust::Indirect,
                None => Trust::Indirect,
            },
            ["matrix", name, ..] => match job {
                Some(job) => self.matrix_trust(job, name, depth),
                None => Trust::Indirect,
            },
            _ => expr::context_trust(path),
        }
    }

    /// The highest trust of the contexts an expression in `value` can
    /// expand to; `None` when it holds no expression.
    pub fn value_trust(
        &self,
        job: Option<&Job<'a>>,
        step: Option<&Step<'a>>,
        value: &Node,
        depth: usize,
    ) -> Option<Trust> {
        let text = match value.as_str() {
            Some(text) => text.to_string(),
            None => return (!value.is_null()).then_some(Trust::Fixed),
        };
        let found = expr::scan(&text);
        if found.is_empty() {
            return None;
        }
        let mut trust = Trust::Fixed;
        for (s, e) in found {
            let inner = text.get(s + 3..e - 2).unwrap_or("");
            match expr::parse(inner) {
                Some(parsed) => {
                    for context in expr::dataflow_contexts(&parsed) {
                        trust = trust.max(self.trust_at(job, step, &context, depth));
                    }
                }
                None => trust = trust.max(Trust::Indirect),
            }
        }
        Some(trust)
    }

    fn matrix_trust(&self, job: &Job<'a>, name: &str, depth: usize) -> Trust {
        let Some(matrix) = job.node.path(&["strategy", "matrix"]) else { return Trust::Indirect };
        if !matrix.is_mapping() {
            return self
                .value_trust(Some(job), None, matrix, depth + 1)
                .map_or(Trust::Fixed, |t| t.max(Trust::Indirect));
        }
        let mut trust = Trust::Fixed;
        let mut found = false;
        for entry in matrix.entries() {
            let Some(key) = entry.key.as_str() else { continue };
            if key.eq_ignore_ascii_case(name) {
                found = true;
                trust = trust.max(self.node_values_trust(job, &entry.value, depth));
            } else if key == "include" {
                if entry.value.as_str().is_some() {
                    trust = trust.max(Trust::Indirect);
                    found = true;
                }
                for item in entry.value.items() {
                    if let Some(value) = item
                        .entries()
                        .into_iter()
                        .find(|e| e.key.as_str().is_some_and(|k| k.eq_ignore_ascii_case(name)))
                    {
                        found = true;
                        trust = trust.max(self.node_values_trust(job, &value.value, depth));
                    }
                }
            }
        }
        if found {
            trust
        } else {
            Trust::Indirect
        }
    }

    fn node_values_trust(&self, job: &Job<'a>, node: &Node, depth: usize) -> Trust {
        match node.as_sequence() {
            Some(items) => items.iter().map(|i| self.node_values_trust(job, i, depth)).max().unwrap_or(Trust::Fixed),
            // A value computed by an expression is known only at run time.
            None if node.as_str().is_some() => {
                self.value_trust(Some(job), None, node, depth + 1).map_or(Trust::Fixed, |t| t.max(Trust::Indirect))
            }
            None => Trust::Fixed,
        }
    }
}

/// The text of a script (`run:` or a script input) as written in the
/// source, so that offsets found in it are exact.
pub(crate) struct Script<'a> {
    pub text: &'a str,
    /// Global offset of `text`; `None` when the text is the parsed value
    /// (an alias), whose findings go to `fallback`.
    origin: Option<usize>,
    fallback: Span,
}

impl<'a> Script<'a> {
    fn of(node: &'a Node, file: &'a str, base: usize) -> Self {
        let value = node.as_str().unwrap_or("");
        let start = node.span.start.saturating_sub(base);
        let end = node.span.end.saturating_sub(base);
        let source = file.get(start..end).unwrap_or("");
        let plain_alias = source.starts_with('*');
        let first_line = value.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
        let escaped = node.scalar().is_some_and(|s| s.style == ScalarStyle::DoubleQuoted) && source.contains('\\');
        if !plain_alias && !escaped && (first_line.is_empty() || source.contains(first_line)) {
            Script { text: source, origin: Some(base + start), fallback: node.span }
        } else {
            Script { text: value, origin: None, fallback: node.span }
        }
    }

    /// The global span of `start..end` of `text`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        match self.origin {
            Some(origin) => Span::new(origin + start, origin + end),
            None => self.fallback,
        }
    }

    /// Lines with their offsets in `text`.
    pub fn lines(&self) -> impl Iterator<Item = (usize, &'a str)> {
        let text = self.text;
        let mut offset = 0;
        text.split('\n').map(move |line| {
            let at = offset;
            offset += line.len() + 1;
            (at, line.strip_suffix('\r').unwrap_or(line))
        })
    }
}

/// Actions inputs that are code: a script an action evaluates.
pub(crate) const SCRIPT_INPUTS: &[(&str, &str)] = &[
    ("actions/github-script", "script"),
    ("azure/cli", "inlinescript"),
    ("azure/powershell", "inlinescript"),
    ("amadevus/pwsh-script", "script"),
    ("jannekem/run-python-script-action", "script"),
    ("mikefarah/yq", "cmd"),
    ("cardinalby/js-eval-action", "expression"),
    ("appleboy/ssh-action", "script"),
    ("nick-fields/retry", "command"),
    ("nick-invision/retry", "command"),
    ("wandalen/wretry.action", "command"),
    ("tibdex/backport", "title_template"),
    ("tibdex/backport", "body_template"),
];

impl<'a> Step<'a> {
    /// The code this step runs: its `run:`, or the script input of an
    /// action that evaluates one.
    pub fn scripts(&self) -> Vec<&'a Node> {
        if let Some(run) = self.run() {
            return vec![run];
        }
        let Some(uses) = self.uses() else { return Vec::new() };
        let Some(with) = self.get("with") else { return Vec::new() };
        SCRIPT_INPUTS
            .iter()
            .filter(|(action, _)| uses.is(action))
            .flat_map(|(_, input)| {
                with.entries()
                    .into_iter()
                    .filter(move |e| e.key.as_str().is_some_and(|k| k.eq_ignore_ascii_case(input)))
                    .map(|e| &e.value)
            })
            .collect()
    }
}

/// An expression found in a script, with the contexts that reach its value.
pub(crate) struct ScriptExpression {
    pub span: Span,
    /// Contexts and their trust; an expression that does not parse is one
    /// `Indirect` entry holding its text.
    pub contexts: Vec<(String, Trust)>,
    /// What the script is, for messages.
    pub sink: String,
}

impl<'a> Workflow<'a> {
    /// Every expression of every script of the file.
    pub fn script_expressions(&self) -> Vec<ScriptExpression> {
        let mut out = Vec::new();
        for (job, step) in self.steps() {
            for script in step.scripts() {
                let sink = match step.uses() {
                    Some(uses) if step.run().is_none() => {
                        format!("script of `{}`", uses.value.split('@').next().unwrap_or(""))
                    }
                    _ => "`run:` script".to_string(),
                };
                for found in self.expressions(script) {
                    let contexts = match expr::parse(&found.inner) {
                        Some(parsed) => expr::dataflow_contexts(&parsed)
                            .into_iter()
                            .map(|c| {
                                let trust = self.trust(job, Some(step), &c);
                                (c, trust)
                            })
                            .collect(),
                        None => vec![(found.inner.clone(), Trust::Indirect)],
                    };
                    // An alias and its anchor report once, at the anchor.
                    if out.iter().any(|o: &ScriptExpression| o.span == found.span) {
                        continue;
                    }
                    out.push(ScriptExpression { span: found.span, contexts, sink: sink.clone() });
                }
            }
        }
        out
    }
}

impl<'a> Workflow<'a> {
    /// Every `uses:` of the file (steps' actions and jobs' reusable
    /// workflows), with the span to report: the `uses:` value, or the
    /// alias of a step written as `- *anchor`.
    pub fn all_uses(&self) -> Vec<(&'a Node, Span)> {
        let mut out: Vec<(&'a Node, Span)> =
            self.jobs.iter().filter_map(|j| j.get("uses")).map(|n| (n, n.span)).collect();
        out.extend(self.steps().filter_map(|(_, s)| s.get("uses").map(|n| (n, self.step_span(s, n)))));
        out
    }

    /// True when `node` was written as an alias (`*name`).
    pub fn is_alias(&self, node: &Node) -> bool {
        let start = node.span.start.saturating_sub(self.base);
        self.text.get(start..).is_some_and(|t| t.starts_with('*'))
    }

    /// Where to report `child` of `step`: the child itself, or the step's
    /// alias when the step is `- *anchor` (the child is written at the anchor).
    pub fn step_span(&self, step: &Step<'_>, child: &Node) -> Span {
        if self.is_alias(step.node) {
            step.node.span
        } else {
            child.span
        }
    }
}

/// Owners whose actions GitHub maintains.
pub(crate) fn is_first_party(owner: &str) -> bool {
    owner.eq_ignore_ascii_case("actions") || owner.eq_ignore_ascii_case("github")
}

impl<'a> Job<'a> {
    /// The values `${{ matrix.NAME }}` takes (the matrix row values and the
    /// `include` entries), with their nodes; `None` when the matrix is
    /// computed.
    pub fn matrix_values(&self, name: &str) -> Option<Vec<&'a Node>> {
        let matrix = self.node.path(&["strategy", "matrix"])?;
        if !matrix.is_mapping() {
            return None;
        }
        let mut out = Vec::new();
        for entry in matrix.entries() {
            let Some(key) = entry.key.as_str() else { continue };
            if key == name {
                match entry.value.as_sequence() {
                    Some(items) => out.extend(items.iter()),
                    None => return None,
                }
            } else if key == "include" {
                if entry.value.as_str().is_some() {
                    return None;
                }
                for item in entry.value.items() {
                    out.extend(item.get(name));
                }
            }
        }
        Some(out)
    }

    /// Resolves `node` through the matrix when it is exactly
    /// `${{ matrix.NAME }}`: the literal values it can take. Other
    /// expressions resolve to nothing; literals to themselves.
    pub fn resolve(&self, node: &'a Node) -> Vec<&'a Node> {
        let Some(text) = node.as_str() else { return Vec::new() };
        if !text.contains("${{") {
            return vec![node];
        }
        let trimmed = text.trim();
        let Some(inner) = trimmed.strip_prefix("${{").and_then(|t| t.strip_suffix("}}")) else { return Vec::new() };
        let Some(path) = inner.trim().strip_prefix("matrix.") else { return Vec::new() };
        if !path.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')) {
            return Vec::new();
        }
        let mut parts = path.split('.');
        let name = parts.next().unwrap_or("");
        let rest: Vec<&str> = parts.collect();
        self.matrix_values(name)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|n| n.path(&rest))
            .filter(|n| n.as_sequence().is_some() || n.as_str().is_some_and(|s| !s.contains("${{")))
            .collect()
    }

    /// The images of the job's `container:` and `services:`, resolved
    /// through the matrix, each with the node that names it in the job
    /// (for a matrix value, the `${{ matrix.* }}` that uses it).
    pub fn images(&self) -> Vec<(&'a Node, &'a str)> {
        let mut written: Vec<&'a Node> = Vec::new();
        if let Some(container) = self.get("container") {
            written.extend(if container.is_mapping() { container.get("image") } else { Some(container) });
        }
        if let Some(services) = self.get("services") {
            for service in services.entries() {
                written.extend(if service.value.is_mapping() {
                    service.value.get("image")
                } else {
                    Some(&service.value)
                });
            }
        }
        let mut out = Vec::new();
        for node in written {
            for value in self.resolve(node) {
                if let Some(image) = value.as_str().map(str::trim).filter(|s| !s.is_empty()) {
                    out.push((node, image));
                }
            }
        }
        out
    }
}

impl<'a> Workflow<'a> {
    /// `actions/checkout` steps that leave the token in `.git/config`
    /// (`persist-credentials` not set to false), as the spans to report.
    pub fn persisting_checkouts(&self) -> Vec<Span> {
        self.persisting_checkout_steps().into_iter().map(|(_, span)| span).collect()
    }

    /// The checkouts that keep the token, by step index in their job (or
    /// in the composite action), with where to report them.
    fn persisting_checkout_steps(&self) -> Vec<(StepAt, Span)> {
        let mut out = Vec::new();
        for (at, step) in self.indexed_steps() {
            let Some(uses) = step.uses() else { continue };
            if !uses.is("actions/checkout") {
                continue;
            }
            if step.get("with").is_some_and(|w| w.as_str().is_some()) {
                continue;
            }
            // Only a literal `false` is known to turn persistence off.
            match step.with("persist-credentials") {
                Some(value) if is_false(value) => {}
                _ => out.push((at, self.step_span(step, uses.node))),
            }
        }
        out
    }

    fn indexed_steps(&self) -> Vec<(StepAt, &Step<'a>)> {
        let jobs = self.jobs.iter().enumerate().flat_map(|(j, job)| {
            job.steps.iter().enumerate().map(move |(i, s)| (StepAt { job: Some(j), index: i }, s))
        });
        let action = self.action_steps.iter().enumerate().map(|(i, s)| (StepAt { job: None, index: i }, s));
        jobs.chain(action).collect()
    }

    /// Checkouts that keep the token and a later step of the same job
    /// uploads their `.git` as an artifact: the checkout's span, and the
    /// uploaded path that holds `.git`.
    pub fn checkouts_in_artifacts(&self) -> Vec<(Span, &'a str)> {
        let steps = self.indexed_steps();
        let mut out = Vec::new();
        for (at, span) in self.persisting_checkout_steps() {
            let Some(checkout) = steps.iter().find(|(a, _)| *a == at).map(|(_, s)| *s) else { continue };
            let checkout_dir = normalize_upload_path(checkout.with_str("path").unwrap_or(""));
            let leak = steps
                .iter()
                .filter(|(a, _)| a.job == at.job && a.index > at.index)
                .find_map(|(_, step)| self.uploaded_git(step, checkout_dir.as_deref()));
            if let Some(path) = leak {
                out.push((span, path));
            }
        }
        out
    }

    /// The line of the `path:` of an `actions/upload-artifact` step that uploads the
    /// `.git` folder of a checkout at `checkout_dir` (relative to the
    /// workspace; `None` when it cannot be read).
    fn uploaded_git(&self, step: &Step<'a>, checkout_dir: Option<&str>) -> Option<&'a str> {
        let uses = step.uses()?;
        if !uses.is("actions/upload-artifact") {
            return None;
        }
        let path = step.with("path")?;
        let lines: Vec<&str> =
            path.as_str()?.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
        let excluded = lines.iter().filter_map(|l| l.strip_prefix('!')).any(|l| l.split('/').any(|c| c == ".git"));
        if excluded {
            return None;
        }
        // Since v4.4, hidden files (`.git` among them) are left out unless
        // `include-hidden-files: true`; a moving `v4` tag is not relied on.
        let hidden = match step.with("include-hidden-files") {
            Some(value) => is_true(value),
            None => uses.version(self.text, self.base).is_none_or(|v| match v.as_slice() {
                [major, ..] if *major > 4 => false,
                [4, minor, ..] => *minor < 4,
                _ => true,
            }),
        };
        lines.into_iter().filter(|l| !l.starts_with('!')).find(|line| {
            let Some(normalized) = normalize_upload_path(line) else { return false };
            if normalized.split('/').any(|c| matches!(c, ".git" | ".git*" | ".*")) {
                return true;
            }
            let Some(checkout_dir) = checkout_dir else { return false };
            let holds_checkout = normalized.is_empty()
                || checkout_dir == normalized
                || checkout_dir.starts_with(&format!("{normalized}/"));
            hidden && holds_checkout
        })
    }
}

/// A step's place: its job's index (`None` in a composite action) and its
/// index among the job's steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct StepAt {
    job: Option<usize>,
    index: usize,
}

/// An upload path relative to the workspace, without `./`, a trailing `/`
/// or a trailing `**` / `*` glob; `""` for the workspace itself. `None` for
/// a path outside the workspace or computed by an expression.
fn normalize_upload_path(path: &str) -> Option<String> {
    let mut p = path.trim();
    for root in ["${{ github.workspace }}", "${{github.workspace}}", "$GITHUB_WORKSPACE", "${GITHUB_WORKSPACE}"] {
        if let Some(rest) = p.strip_prefix(root) {
            p = rest.trim_start_matches('/');
        }
    }
    if p.contains("${{") || p.starts_with('/') || p.starts_with('~') || p.starts_with("..") {
        return None;
    }
    loop {
        let before = p;
        p = p.strip_prefix("./").unwrap_or(p);
        p = p.strip_suffix("/**").or_else(|| p.strip_suffix("/*")).unwrap_or(p);
        p = p.trim_end_matches('/');
        if p == "." || p == "**" || p == "*" {
            p = "";
        }
        if p == before {
            break;
        }
    }
    Some(p.to_string())
}

impl<'a> Job<'a> {
    /// The runner labels of `runs-on:` (a label, a list, or
    /// `{group, labels}`), each resolved through the matrix, with the node
    /// that names it under `runs-on`. One set per matrix alternative;
    /// `None` when a label is computed by an expression that cannot be
    /// resolved.
    pub fn runner_labels(&self) -> Option<Vec<Vec<(&'a Node, &'a str)>>> {
        let runs_on = self.get("runs-on")?;
        let written: Vec<&'a Node> = if runs_on.is_mapping() {
            runs_on.get("labels").map(|l| l.as_sequence().map_or_else(|| vec![l], |items| items.iter().collect()))?
        } else if let Some(items) = runs_on.as_sequence() {
            items.iter().collect()
        } else {
            vec![runs_on]
        };
        // Each written label is one alternative set when it comes from a
        // matrix; literal labels all apply together.
        let mut literal = Vec::new();
        let mut alternatives = Vec::new();
        for node in written {
            let text = node.as_str()?;
            if !text.contains("${{") {
                literal.push((node, text.trim()));
                continue;
            }
            let values = self.resolve(node);
            if values.is_empty() {
                return None;
            }
            for value in values {
                match value.as_sequence() {
                    Some(items) => {
                        alternatives.push(items.iter().filter_map(|i| i.as_str().map(|s| (node, s.trim()))).collect())
                    }
                    None => alternatives.extend(value.as_str().map(|s| vec![(node, s.trim())])),
                }
            }
        }
        if alternatives.is_empty() {
            return Some(vec![literal]);
        }
        Some(
            alternatives
                .into_iter()
                .map(|mut set: Vec<(&'a Node, &'a str)>| {
                    set.extend(literal.iter().copied());
                    set
                })
                .collect(),
        )
    }
}

/// ` (from the matrix)` when `node` names its value through `${{ matrix.* }}`.
pub(crate) fn from_matrix(node: &Node) -> &'static str {
    if node.as_str().is_some_and(|s| s.contains("${{")) {
        " (from the matrix)"
    } else {
        ""
    }
}
