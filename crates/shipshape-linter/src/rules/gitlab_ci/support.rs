//! A span-aware view of GitLab CI configuration: the documents of a file,
//! its jobs and hidden templates, `extends` chains, scripts split into
//! shell commands, variables, images, includes, and pipelines made of a
//! root file and the files it includes locally.

use std::collections::{BTreeSet, HashMap};

use shipshape_diagnostics::Span;
use shipshape_dockerfile::shell::{self, Command};
use shipshape_dockerfile::MappedText;
use shipshape_yaml::{Document, Node, ScalarStyle};

use crate::context::{FileId, RepositoryContext, YamlFileContext};
use crate::roles::{self, YamlRole};

/// Top-level keys that are not jobs.
pub(crate) const GLOBAL_KEYWORDS: &[&str] = &[
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "types",
    "spec",
    "$schema",
];

/// The keys a job may have (GitLab's CI schema).
pub(crate) const JOB_KEYWORDS: &[&str] = &[
    "after_script",
    "allow_failure",
    "artifacts",
    "before_script",
    "cache",
    "coverage",
    "dast_configuration",
    "dependencies",
    "environment",
    "except",
    "extends",
    "hooks",
    "id_tokens",
    "identity",
    "image",
    "inherit",
    "inputs",
    "interruptible",
    "manual_confirmation",
    "needs",
    "only",
    "pages",
    "parallel",
    "publish",
    "release",
    "resource_group",
    "retry",
    "rules",
    "run",
    "script",
    "secrets",
    "services",
    "stage",
    "start_in",
    "tags",
    "timeout",
    "trigger",
    "type",
    "variables",
    "when",
];

/// The stages of a pipeline that declares none.
pub(crate) const DEFAULT_STAGES: &[&str] = &[".pre", "build", "test", "deploy", ".post"];

/// GitLab stops following `extends` after this many levels.
const MAX_EXTENDS_DEPTH: usize = 11;

/// One document of a GitLab CI file (a `spec:` header document excluded).
#[derive(Clone, Copy)]
pub(crate) struct CiDoc<'a> {
    pub file: FileId,
    pub text: &'a str,
    pub base: usize,
    pub root: &'a Node,
}

/// The pipeline documents of a file: mappings, without the `spec:` header
/// of a component or template.
fn ci_docs<'a>(file: FileId, text: &'a str, base: usize, documents: &'a [Document]) -> Vec<CiDoc<'a>> {
    documents
        .iter()
        .map(|d| &d.root)
        .filter(|root| root.is_mapping())
        .filter(|root| !(root.get("spec").is_some() && root.as_mapping().is_some_and(|e| e.len() == 1)))
        .map(|root| CiDoc { file, text, base, root })
        .collect()
}

/// A job or a hidden template (`.name`): a top-level key whose value is a mapping.
#[derive(Clone, Copy)]
pub(crate) struct Job<'a> {
    pub name: &'a str,
    pub key: &'a Node,
    pub node: &'a Node,
    pub doc: CiDoc<'a>,
}

impl<'a> Job<'a> {
    pub fn hidden(&self) -> bool {
        self.name.starts_with('.')
    }

    /// The job's own value for `key` (merge keys honoured).
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key)
    }

    /// The names this job extends, in order.
    pub fn extends(&self) -> Vec<(&'a str, &'a Node)> {
        let Some(node) = self.get("extends") else { return Vec::new() };
        match node.as_sequence() {
            Some(items) => items.iter().filter_map(|i| i.as_str().map(|s| (s, i))).collect(),
            None => node.as_str().map(|s| vec![(s, node)]).unwrap_or_default(),
        }
    }
}

impl<'a> CiDoc<'a> {
    /// Every job and hidden template of the document, in order.
    pub fn definitions(&self) -> Vec<Job<'a>> {
        let Some(entries) = self.root.as_mapping() else { return Vec::new() };
        entries
            .iter()
            .filter_map(|e| {
                let name = e.key.as_str()?;
                (!GLOBAL_KEYWORDS.contains(&name) && name != "<<" && e.value.is_mapping()).then_some(Job {
                    name,
                    key: &e.key,
                    node: &e.value,
                    doc: *self,
                })
            })
            .collect()
    }

    /// The jobs of the document (hidden templates excluded).
    pub fn jobs(&self) -> Vec<Job<'a>> {
        self.definitions().into_iter().filter(|j| !j.hidden()).collect()
    }

    /// Every shell script line of the document: jobs' and templates'
    /// `script`, `before_script`, `after_script`, hooks, and the defaults.
    pub fn scripts(&self) -> Vec<&'a Node> {
        let mut out = Vec::new();
        for key in ["before_script", "after_script"] {
            flatten_script(self.root.get(key), &mut out, 0);
            flatten_script(self.root.path(&["default", key]), &mut out, 0);
        }
        flatten_script(self.root.path(&["default", "hooks", "pre_get_sources_script"]), &mut out, 0);
        for job in self.definitions() {
            for key in ["before_script", "script", "after_script"] {
                flatten_script(job.get(key), &mut out, 0);
            }
            flatten_script(job.node.path(&["hooks", "pre_get_sources_script"]), &mut out, 0);
        }
        out
    }

    /// The shell commands of one script line, with global spans.
    pub fn commands(&self, line: &Node) -> Vec<Command> {
        scalar_text(self.text, self.base, line).map(|t| shell::commands(&t)).unwrap_or_default()
    }

    /// The source text of a span of this document's file.
    pub fn source(&self, span: Span) -> &'a str {
        let start = span.start.saturating_sub(self.base);
        let end = span.end.saturating_sub(self.base);
        self.text.get(start..end).unwrap_or("")
    }

    /// Every `variables:` entry of the document: global, jobs', templates'
    /// and their `rules:`.
    pub fn variables(&self) -> Vec<Variable<'a>> {
        let mut out = variables(self.root.get("variables"));
        for job in self.definitions() {
            out.extend(variables(job.get("variables")));
            for rule in job.get("rules").map(Node::items).unwrap_or(&[]) {
                out.extend(variables(rule.get("variables")));
            }
        }
        for rule in self.root.path(&["workflow", "rules"]).map(Node::items).unwrap_or(&[]) {
            out.extend(variables(rule.get("variables")));
        }
        out
    }

    /// Every image reference: global and default `image`/`services`, and
    /// those of jobs and templates.
    pub fn images(&self) -> Vec<ImageUse<'a>> {
        let mut out = Vec::new();
        let mut add = |holder: &'a Node, job: Option<&'a str>| {
            if let Some(entry) = holder.get("image").filter(|e| !is_reference(e)) {
                if let Some(node) = image_name(entry) {
                    out.push(ImageUse { node, entry, service: false, job });
                }
            }
            let services = holder.get("services").filter(|s| !is_reference(s));
            for entry in services.map(Node::items).unwrap_or(&[]).iter().filter(|e| !is_reference(e)) {
                if let Some(node) = image_name(entry) {
                    out.push(ImageUse { node, entry, service: true, job });
                }
            }
        };
        add(self.root, None);
        if let Some(default) = self.root.get("default") {
            add(default, None);
        }
        for job in self.definitions() {
            add(job.node, Some(job.name));
        }
        out
    }

    /// The `include:` entries of the document.
    pub fn includes(&self) -> Vec<Include<'a>> {
        includes(self.root)
    }
}

/// True for a `!reference [.job, key]` node, whose content is elsewhere.
pub(crate) fn is_reference(node: &Node) -> bool {
    node.tag.as_deref().is_some_and(|t| t.contains("reference"))
}

fn flatten_script<'a>(node: Option<&'a Node>, out: &mut Vec<&'a Node>, depth: usize) {
    let Some(node) = node else { return };
    if depth > 4 || is_reference(node) {
        return;
    }
    if let Some(items) = node.as_sequence() {
        for item in items {
            flatten_script(Some(item), out, depth + 1);
        }
    } else if node.as_str().is_some() {
        out.push(node);
    }
}

/// The node naming an image: a string, or the `name` of an `image:`/service mapping.
fn image_name(node: &Node) -> Option<&Node> {
    if node.as_str().is_some() {
        Some(node)
    } else {
        node.get("name").filter(|n| n.as_str().is_some())
    }
}

/// An image reference of a pipeline.
pub(crate) struct ImageUse<'a> {
    /// The scalar naming the image.
    pub node: &'a Node,
    /// The `image:` value or `services:` item (a string or a mapping).
    pub entry: &'a Node,
    pub service: bool,
    pub job: Option<&'a str>,
}

/// A `variables:` entry; `value` is the scalar (also inside `{value: …}`).
pub(crate) struct Variable<'a> {
    pub name: &'a str,
    pub key: &'a Node,
    pub value: &'a Node,
}

impl Variable<'_> {
    pub fn text(&self) -> &str {
        self.value.as_str().unwrap_or("")
    }
}

/// The entries of a `variables:` mapping.
pub(crate) fn variables(node: Option<&Node>) -> Vec<Variable<'_>> {
    let Some(node) = node.filter(|n| !is_reference(n)) else { return Vec::new() };
    node.entries()
        .into_iter()
        .filter_map(|e| {
            let name = e.key.as_str()?;
            let value = if e.value.is_mapping() { e.value.get("value")? } else { &e.value };
            value.scalar().is_some().then_some(Variable { name, key: &e.key, value })
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IncludeKind {
    Local,
    Remote,
    Project,
    Template,
    Component,
    Unknown,
}

/// One `include:` entry.
pub(crate) struct Include<'a> {
    pub kind: IncludeKind,
    /// The entry (a string or a mapping).
    pub node: &'a Node,
    /// The scalar naming what is included (path, URL, project, component).
    pub target: &'a Node,
}

impl Include<'_> {
    pub fn target_str(&self) -> &str {
        self.target.as_str().unwrap_or("")
    }
}

pub(crate) fn includes(root: &Node) -> Vec<Include<'_>> {
    let Some(include) = root.get("include") else { return Vec::new() };
    let items: Vec<&Node> = match include.as_sequence() {
        Some(items) => items.iter().collect(),
        None => vec![include],
    };
    items
        .into_iter()
        .filter_map(|node| {
            if let Some(text) = node.as_str() {
                let kind = if text.contains("://") { IncludeKind::Remote } else { IncludeKind::Local };
                return Some(Include { kind, node, target: node });
            }
            let kinds = [
                ("local", IncludeKind::Local),
                ("remote", IncludeKind::Remote),
                ("project", IncludeKind::Project),
                ("template", IncludeKind::Template),
                ("component", IncludeKind::Component),
            ];
            for (key, kind) in kinds {
                if let Some(target) = node.get(key) {
                    return Some(Include { kind, node, target });
                }
            }
            node.is_mapping().then_some(Include { kind: IncludeKind::Unknown, node, target: node })
        })
        .collect()
}

/// A file's configuration on its own, or a pipeline: a root file and what
/// it includes locally, root first.
pub(crate) struct Config<'a> {
    pub docs: Vec<CiDoc<'a>>,
    /// Every definition by name, in document order (root first).
    definitions: HashMap<&'a str, Vec<Job<'a>>>,
    /// True when every include was found in the scan: the config shows
    /// all jobs, templates and stages of the pipeline.
    pub closed: bool,
    /// True when the root is a pipeline's entry point (`.gitlab-ci.yml`, a
    /// child pipeline, or a file declaring `stages` that nothing
    /// includes), not a fragment.
    pub entry: bool,
}

impl<'a> Config<'a> {
    fn new(docs: Vec<CiDoc<'a>>, closed: bool, entry: bool) -> Self {
        let mut definitions: HashMap<&'a str, Vec<Job<'a>>> = HashMap::new();
        for doc in &docs {
            for job in doc.definitions() {
                definitions.entry(job.name).or_default().push(job);
            }
        }
        Self { docs, definitions, closed, entry }
    }

    /// One file on its own; closed when it includes nothing.
    pub fn of_file(cx: &YamlFileContext<'a>) -> Self {
        let docs = ci_docs(cx.file, cx.text, cx.base, cx.documents);
        let closed = docs.iter().all(|d| d.root.get("include").is_none());
        let entry = is_entry_name(cx.path) || docs.iter().any(|d| d.root.get("stages").is_some());
        Self::new(docs, closed, entry)
    }

    /// The jobs of every document (hidden templates excluded).
    pub fn jobs(&self) -> Vec<Job<'a>> {
        self.docs.iter().flat_map(|d| d.jobs()).collect()
    }

    pub fn is_defined(&self, name: &str) -> bool {
        self.definitions.contains_key(name)
    }

    /// The value of a global key, from the first document that sets it.
    pub fn global(&self, key: &str) -> Option<&'a Node> {
        self.docs.iter().find_map(|d| d.root.get(key))
    }

    /// The job's definitions (all of its name: GitLab merges them, root
    /// first wins), then what they extend, nearest first.
    pub fn chain(&self, job: &Job<'a>) -> Vec<Job<'a>> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        self.collect_chain(job.name, Some(*job), 0, &mut seen, &mut out);
        out
    }

    fn collect_chain(
        &self,
        name: &'a str,
        first: Option<Job<'a>>,
        depth: usize,
        seen: &mut BTreeSet<&'a str>,
        out: &mut Vec<Job<'a>>,
    ) {
        if depth > MAX_EXTENDS_DEPTH || !seen.insert(name) {
            return;
        }
        let mut defs: Vec<Job<'a>> = first.into_iter().collect();
        for def in self.definitions.get(name).map(Vec::as_slice).unwrap_or(&[]) {
            if !defs.iter().any(|d| d.node.span == def.node.span) {
                defs.push(*def);
            }
        }
        let parents: Vec<&'a str> = defs.iter().flat_map(|d| d.extends()).map(|(n, _)| n).collect();
        out.extend(defs);
        for parent in parents.into_iter().rev() {
            self.collect_chain(parent, None, depth + 1, seen, out);
        }
    }

    /// The value of `key` for a job, following `extends`.
    pub fn lookup(&self, job: &Job<'a>, key: &str) -> Option<&'a Node> {
        self.chain(job).iter().find_map(|j| j.get(key))
    }

    /// Like [`Config::lookup`], falling back to `default:` (and the
    /// deprecated top-level keyword) unless the job opts out with `inherit`.
    pub fn lookup_with_default(&self, job: &Job<'a>, key: &str) -> Option<&'a Node> {
        if let Some(node) = self.lookup(job, key) {
            return Some(node);
        }
        let inherits = match self.lookup(job, "inherit").and_then(|i| i.get("default")) {
            None => true,
            Some(flag) if flag.as_bool().is_some() => flag.as_bool() == Some(true),
            Some(list) => list.items().iter().any(|i| i.as_str() == Some(key)),
        };
        if !inherits {
            return None;
        }
        self.docs.iter().find_map(|d| d.root.path(&["default", key]).or_else(|| d.root.get(key)))
    }

    /// True when the job may only override part of a job the pipeline
    /// includes from elsewhere: some include is out of sight and nothing
    /// in the job's chain says what it runs.
    pub fn may_be_override(&self, job: &Job<'a>) -> bool {
        !self.closed
            && !self
                .chain(job)
                .iter()
                .any(|j| j.get("script").is_some() || j.get("trigger").is_some() || j.get("run").is_some())
    }

    /// Every `extends` target of the job's chain can be seen.
    pub fn chain_is_known(&self, job: &Job<'a>) -> bool {
        self.chain(job).iter().all(|j| j.extends().iter().all(|(n, _)| self.is_defined(n)))
    }

    /// The declared stages (`stages:` of every document, or the
    /// deprecated `types:`), or `None` when none declares any.
    pub fn declared_stages(&self) -> Option<Vec<&'a str>> {
        let mut out = Vec::new();
        let mut any = false;
        for doc in &self.docs {
            if let Some(stages) = doc.root.get("stages").or_else(|| doc.root.get("types")) {
                any = true;
                collect_strings(stages, &mut out, 0);
            }
        }
        any.then_some(out)
    }
}

fn collect_strings<'a>(node: &'a Node, out: &mut Vec<&'a str>, depth: usize) {
    if depth > 4 {
        return;
    }
    match node.as_sequence() {
        Some(items) => items.iter().for_each(|i| collect_strings(i, out, depth + 1)),
        None => out.extend(node.as_str()),
    }
}

/// The file name of a pipeline's entry point.
fn is_entry_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name == ".gitlab-ci.yml" || name == ".gitlab-ci.yaml"
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// The pipelines of a scan, each with the files it reports on: every
/// GitLab CI file is reported on by exactly one pipeline (the first root
/// that includes it, `.gitlab-ci.yml` files first).
pub(crate) fn pipelines<'a>(repo: &'a RepositoryContext<'a>) -> Vec<(Config<'a>, BTreeSet<FileId>)> {
    let ci: Vec<_> = repo.files.iter().filter(|f| f.role == Some(YamlRole::GitlabCi)).collect();
    if ci.is_empty() {
        return Vec::new();
    }
    let paths: Vec<&str> = ci.iter().map(|f| f.path).collect();
    let docs: HashMap<&str, Vec<CiDoc<'a>>> =
        ci.iter().map(|f| (f.path, ci_docs(f.file, f.text, f.base, f.documents))).collect();
    // Child pipelines (`trigger: include:`) are pipelines of their own.
    let children: BTreeSet<&str> = ci
        .iter()
        .flat_map(|f| {
            let paths = &paths;
            f.documents.iter().flat_map(move |d| {
                roles::gitlab_child_pipelines(&d.root)
                    .into_iter()
                    .flat_map(move |child| roles::resolve_local_include(&child, dir_of(f.path), paths))
            })
        })
        .collect();
    let mut roots: Vec<&str> = paths.clone();
    roots.sort_by_key(|p| (!is_entry_name(p) && !children.contains(p), *p));
    let mut owned: BTreeSet<&str> = BTreeSet::new();
    let mut out = Vec::new();
    for root in roots {
        if owned.contains(root) {
            continue;
        }
        let project_dir = dir_of(root);
        let mut members: Vec<&str> = vec![root];
        let mut closed = true;
        let mut index = 0;
        while let Some(path) = members.get(index).copied() {
            index += 1;
            for doc in docs.get(path).map(Vec::as_slice).unwrap_or(&[]) {
                for include in doc.includes() {
                    if include.kind != IncludeKind::Local {
                        closed = false;
                        continue;
                    }
                    let found = roles::resolve_local_include(include.target_str(), project_dir, &paths);
                    if found.is_empty() {
                        closed = false;
                    }
                    for target in found {
                        if !members.contains(&target) {
                            members.push(target);
                        }
                    }
                }
            }
        }
        let mut reported = BTreeSet::new();
        for member in &members {
            if owned.insert(member) {
                if let Some(file) = ci.iter().find(|f| f.path == *member) {
                    reported.insert(file.file);
                }
            }
        }
        let all_docs: Vec<CiDoc<'a>> = members.iter().flat_map(|m| docs.get(m).cloned().unwrap_or_default()).collect();
        let entry = is_entry_name(root)
            || children.contains(root)
            || docs.get(root).is_some_and(|d| d.iter().any(|doc| doc.root.get("stages").is_some()));
        out.push((Config::new(all_docs, closed, entry), reported));
    }
    out
}

/// The global span of `start..end` of a scalar's value, exact when the
/// value is written as it reads (plain or quoted without escapes), else
/// the scalar's whole span.
pub(crate) fn value_span(doc: &CiDoc<'_>, node: &Node, start: usize, end: usize) -> Span {
    let source = doc.source(node.span);
    let value = node.as_str().unwrap_or("");
    match source.find(value) {
        Some(at) if !value.is_empty() => Span::new(node.span.start + at + start, node.span.start + at + end),
        _ => node.span,
    }
}

/// Every job a pipeline reports on, with its pipeline.
pub(crate) fn reported_jobs<'p, 'a>(
    pipelines: &'p [(Config<'a>, BTreeSet<FileId>)],
) -> impl Iterator<Item = (&'p Config<'a>, Job<'a>)> + 'p {
    pipelines.iter().flat_map(|(config, reported)| {
        config.jobs().into_iter().filter(|j| reported.contains(&j.doc.file)).map(move |j| (config, j))
    })
}

/// The `when:` of a rule or job (`on_success` when unset).
pub(crate) fn when_of(node: &Node) -> &str {
    node.str_at(&["when"]).unwrap_or("on_success")
}

/// Maps a scalar's value back to its source text, so that shell words
/// found in it get exact global spans, whatever the scalar's style.
pub(crate) fn scalar_text(text: &str, base: usize, node: &Node) -> Option<MappedText> {
    let scalar = node.scalar()?;
    let value = scalar.value.as_str();
    let start = node.span.start.checked_sub(base)?;
    let end = node.span.end.checked_sub(base)?.min(text.len());
    let source = text.get(start..end).unwrap_or("");
    let quoted = matches!(scalar.style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
    let mut cursor = match scalar.style {
        ScalarStyle::Literal | ScalarStyle::Folded if source.starts_with(['|', '>']) => {
            source.find('\n').map_or(source.len(), |i| i + 1)
        }
        ScalarStyle::Literal | ScalarStyle::Folded => 0,
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => 1.min(source.len()),
        ScalarStyle::Plain => 0,
    };
    let mut out = MappedText::new();
    // (value offset, source offset) where the current contiguous run began,
    // and the source offset the run expects next.
    let mut run: Option<(usize, usize, usize)> = None;
    for (at, c) in value.char_indices() {
        let mapped = locate(source, &mut cursor, c, quoted);
        match run {
            Some((_, _, expected)) if expected == mapped => {}
            Some((value_start, source_start, _)) => {
                out.push(value.get(value_start..at).unwrap_or(""), base + start + source_start);
                run = Some((at, mapped, mapped));
            }
            None => run = Some((at, mapped, mapped)),
        }
        if let Some(r) = run.as_mut() {
            r.2 = mapped + c.len_utf8();
        }
    }
    if let Some((value_start, source_start, _)) = run {
        out.push(value.get(value_start..).unwrap_or(""), base + start + source_start);
    }
    Some(out)
}

/// The source offset of the next value character `c`, advancing `cursor`.
fn locate(source: &str, cursor: &mut usize, c: char, quoted: bool) -> usize {
    let rest = source.get(*cursor..).unwrap_or("");
    let mut chars = rest.char_indices();
    let Some((_, first)) = chars.clone().next() else { return *cursor };
    if c.is_whitespace() {
        let at = *cursor;
        if first.is_whitespace() {
            *cursor += first.len_utf8();
        }
        return at;
    }
    for (offset, s) in chars.by_ref().take(64) {
        if s == c {
            let at = *cursor + offset;
            *cursor = at + s.len_utf8();
            return at;
        }
        let skippable = s.is_whitespace() || (quoted && matches!(s, '\\' | '"' | '\''));
        if !skippable && offset > 8 {
            break;
        }
    }
    *cursor
}

/// Edit distance counting a swap of two neighbours as one edit (optimal
/// string alignment): enough to recognise a typo.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    for i in 0..=a.len() {
        d[at(i, 0)] = i;
    }
    for j in 0..=b.len() {
        d[at(0, j)] = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[at(i - 1, j)] + 1).min(d[at(i, j - 1)] + 1).min(d[at(i - 1, j - 1)] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[at(i - 2, j - 2)] + 1);
            }
            d[at(i, j)] = best;
        }
    }
    d[at(a.len(), b.len())]
}

/// The name of `names` that `name` is a typo of: one edit apart, not a
/// different number (`test-py38`, `test-py39`), and not too short.
pub(crate) fn near_miss<'n>(name: &str, names: impl Iterator<Item = &'n str>) -> Option<&'n str> {
    if name.chars().count() < 4 {
        return None;
    }
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    names.filter(|n| *n != name && distance(name, n) == 1 && digits(n) == digits(name)).min()
}

/// Name endings of credentials that the shared judgement of names does
/// not know (`DB_PASS`, `DEPLOY_KEY`, `KUBECONFIG`).
const MORE_SECRET_ENDINGS: &[&str] = &[
    "_PASS",
    "_PW",
    "_CREDS",
    "_JWT",
    "SSH_KEY",
    "DEPLOY_KEY",
    "SIGNING_KEY",
    "ENCRYPTION_KEY",
    "GPG_KEY",
    "PGP_KEY",
    "MASTER_KEY",
    "LICENSE_KEY",
    "KUBECONFIG",
    "KUBE_CONFIG",
    "DOCKER_AUTH_CONFIG",
];

/// True when a variable name says it holds a credential.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    crate::secret_values::is_secret_name(name) || MORE_SECRET_ENDINGS.iter().any(|e| upper.ends_with(e))
}

/// Lower-case words of a name (`deploy:prod-eu` → `deploy`, `prod`, `eu`).
pub(crate) fn words(name: &str) -> Vec<String> {
    name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_ascii_lowercase).collect()
}

/// True when a job, stage or environment name says production
/// (`production`, `prod`, `deploy-prod-eu`), but not `pre-prod`, `non-prod`,
/// `preprod`.
pub(crate) fn names_production(name: &str) -> bool {
    let words = words(name);
    words.iter().enumerate().any(|(i, w)| {
        matches!(w.as_str(), "prod" | "production" | "prd")
            && !(i > 0 && words.get(i - 1).is_some_and(|p| matches!(p.as_str(), "pre" | "non" | "not" | "no")))
    })
}

/// The environment a job deploys to: its name and the node to report,
/// unless the job only stops, prepares or verifies the environment.
pub(crate) fn deployed_environment(environment: &Node) -> Option<(&str, &Node)> {
    if let Some(name) = environment.as_str() {
        return Some((name, environment));
    }
    let action = environment.str_at(&["action"]).unwrap_or("start");
    if action != "start" {
        return None;
    }
    let node = environment.get("name")?;
    Some((node.as_str()?, node))
}

/// The variable names a shell word expands (`$A`, `${B}`, `${C:-x}`), as
/// written in the source: not inside single quotes, not `${#A}` (a length).
pub(crate) fn expanded_variables(word: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = word.as_bytes();
    let mut i = 0;
    let mut single = false;
    let mut double = false;
    while i < bytes.len() {
        if bytes[i] == b'\\' && !single {
            i += 2;
            continue;
        }
        if bytes[i] == b'\'' && !double {
            single = !single;
            i += 1;
            continue;
        }
        if bytes[i] == b'"' && !single {
            double = !double;
            i += 1;
            continue;
        }
        if bytes[i] == b'$' && !single {
            let braced = bytes.get(i + 1) == Some(&b'{');
            let start = i + 1 + usize::from(braced);
            if braced && bytes.get(start) == Some(&b'#') {
                i = start;
                continue;
            }
            let mut end = start;
            while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
                end += 1;
            }
            if end > start {
                out.extend(word.get(start..end));
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands_of(yaml: &str) -> Vec<Vec<(String, String)>> {
        let parsed = shipshape_yaml::parse_at(yaml, 100);
        let doc = CiDoc { file: 0, text: yaml, base: 100, root: &parsed.documents[0].root };
        doc.scripts()
            .into_iter()
            .map(|line| {
                doc.commands(line)
                    .iter()
                    .flat_map(|c| c.words.iter())
                    .map(|w| (w.value.clone(), yaml[w.span.start - 100..w.span.end - 100].to_string()))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn script_words_map_back_to_the_source() {
        let yaml = "job:\n  script:\n    - echo \"a b\" 'c'\n    - |\n      docker login -p $X\n        reg\n    - >\n      curl -k\n      https://x\n    - \"printf \\\"%s\\\" $T\"\n";
        let lines = commands_of(yaml);
        assert_eq!(lines.len(), 4);
        for line in &lines {
            for (value, source) in line {
                assert_eq!(value.replace(['"', '\''], ""), source.replace(['"', '\'', '\\'], ""), "{line:?}");
            }
        }
        assert_eq!(
            lines[1].iter().map(|(v, _)| v.as_str()).collect::<Vec<_>>(),
            ["docker", "login", "-p", "$X", "reg"]
        );
        assert_eq!(lines[2].iter().map(|(v, _)| v.as_str()).collect::<Vec<_>>(), ["curl", "-k", "https://x"]);
    }

    #[test]
    fn production_names() {
        for name in ["production", "deploy:prod", "prod-eu", "deploy_prd"] {
            assert!(names_production(name), "{name}");
        }
        for name in ["pre-prod", "preprod", "non-prod", "staging", "review/$CI_COMMIT_REF_SLUG", "product"] {
            assert!(!names_production(name), "{name}");
        }
    }

    #[test]
    fn typos() {
        let jobs = ["unit-test", "build-amd64", "test-py38", "deploy-eu"];
        assert_eq!(near_miss("unit-tests", jobs.iter().copied()), Some("unit-test"));
        assert_eq!(near_miss("unit-tset", jobs.iter().copied()), Some("unit-test"));
        for name in ["build-arm64", "test-py39", "deploy-us", "lint"] {
            assert_eq!(near_miss(name, jobs.iter().copied()), None, "{name}");
        }
    }

    #[test]
    fn variables_in_words() {
        assert_eq!(expanded_variables("a${B}c$D_1${#E}${F:-x}"), ["B", "D_1", "F"]);
        assert_eq!(expanded_variables("'$A'\"$B\"\\$C"), ["B"]);
    }

    #[test]
    fn extends_chains_and_defaults() {
        let yaml = "default:\n  image: ruby:3\n.a:\n  stage: build\n.b:\n  extends: .a\n  image: alpine:3\njob:\n  extends: [.b]\nother:\n  inherit:\n    default: false\n  script: [x]\n";
        let parsed = shipshape_yaml::parse(yaml);
        let doc = CiDoc { file: 0, text: yaml, base: 0, root: &parsed.documents[0].root };
        let config = Config::new(vec![doc], true, true);
        let jobs = config.jobs();
        assert_eq!(jobs.len(), 2);
        let job = &jobs[0];
        assert_eq!(config.lookup(job, "stage").and_then(Node::as_str), Some("build"));
        assert_eq!(config.lookup_with_default(job, "image").and_then(Node::as_str), Some("alpine:3"));
        assert!(config.lookup_with_default(&jobs[1], "image").is_none());
        assert!(config.chain_is_known(job));
    }
}
