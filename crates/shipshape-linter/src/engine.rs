use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use globset::GlobSet;
use rayon::prelude::*;
use shipshape_diagnostics::{Finding, LineIndex, Severity, Span};
use shipshape_dockerfile::Dockerfile;
use shipshape_yaml::{Document, NodeKind};

use crate::baseline::assign_fingerprints;
use crate::config::CheckConfig;
use crate::context::{
    DockerfileContext, FileId, K8sObject, ObjectSet, RepositoryContext, ScannedFile, TextContext, YamlFileContext,
};
use crate::discovery::{self, DiscoveredFile, DiscoveryError, DiscoveryOptions, FileKind};
use crate::kustomize;
use crate::registry;
use crate::roles::YamlRole;
use crate::rule::{redact, Domain, Reporter, Rule, RuleMeta, Violation};
use crate::rules::general::{InputBudgetExceeded, ParseError, SuppressionWithoutReason};
use crate::suppression::{self, Suppression};

pub const DEFAULT_MAX_FILE_SIZE: u64 = 2 * 1024 * 1024;
const SNIPPET_LINES: usize = 3;
/// Longest snippet line shown; longer lines are cut.
const SNIPPET_BYTES: usize = 1024;
/// Findings of one rule shown per line; more become one `input-budget-exceeded`.
const FINDINGS_PER_LINE: usize = 20;
const BINARY_PROBE: usize = 8000;

/// Kinds kept out of the cross-object set: large and never related.
const NOT_RELATED: &[&str] = &["CustomResourceDefinition"];

/// What to scan and with which rules.
pub struct LintSettings {
    pub root: PathBuf,
    pub respect_ignore_files: bool,
    pub exclude: GlobSet,
    pub max_file_size: u64,
    /// Enabled rules, each with its effective severity.
    pub rules: Vec<(&'static dyn Rule, Severity)>,
    /// Counts the files scanned so far, for a progress display.
    pub progress: Option<std::sync::Arc<std::sync::atomic::AtomicUsize>>,
}

impl LintSettings {
    /// Every rule that is on by default, at its default severity.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            respect_ignore_files: true,
            exclude: GlobSet::empty(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            progress: None,
            rules: registry::all()
                .iter()
                .filter(|r| r.meta().enabled_by_default)
                .map(|r| (*r, r.meta().severity))
                .collect(),
        }
    }

    /// Applies the `[check]` table (rule ids were validated when loading).
    pub fn apply_config(&mut self, config: &CheckConfig) -> Result<(), String> {
        self.exclude = crate::config::exclude_set(&config.exclude)?;
        if let Some(size) = config.max_file_size {
            self.max_file_size = size;
        }
        for id in &config.enable {
            if let Some(rule) = registry::find(id) {
                if !self.is_enabled(id) {
                    self.rules.push((rule, rule.meta().severity));
                }
            }
        }
        self.rules.retain(|(r, _)| !config.disable.iter().any(|d| d == r.meta().id));
        self.apply_severities(config);
        Ok(())
    }

    /// Applies the per-rule severities of the `[check]` table.
    pub fn apply_severities(&mut self, config: &CheckConfig) {
        for (id, severity) in &config.severity {
            for (rule, current) in &mut self.rules {
                if rule.meta().id == id {
                    *current = (*severity).into();
                }
            }
        }
    }

    /// The enabled rules, each with its effective severity.
    pub fn enabled_rules(&self) -> impl Iterator<Item = (&'static dyn Rule, Severity)> + '_ {
        self.rules.iter().copied()
    }

    /// Keeps only the rules whose ids are listed.
    pub fn select(&mut self, ids: &[&str]) {
        self.rules =
            registry::all().iter().filter(|r| ids.contains(&r.meta().id)).map(|r| (*r, r.meta().severity)).collect();
    }

    fn is_enabled(&self, id: &str) -> bool {
        self.rules.iter().any(|(r, _)| r.meta().id == id)
    }

    fn severity_of(&self, id: &str) -> Option<Severity> {
        self.rules.iter().find(|(r, _)| r.meta().id == id).map(|(_, s)| *s)
    }

    fn rules_for(&self, domain: Domain) -> Vec<&'static dyn Rule> {
        self.rules.iter().filter(|(r, _)| r.meta().domains.contains(&domain)).map(|(r, _)| *r).collect()
    }
}

/// A file that was not scanned, or not scanned fully, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedFile {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct LintOutcome {
    /// Sorted by path, line, column and rule.
    pub findings: Vec<Finding>,
    pub skipped: Vec<SkippedFile>,
    pub files_scanned: usize,
    pub suppressed: usize,
}

struct Source {
    relative: String,
    kind: FileKind,
    text: String,
    /// Why the file is not parsed as Kubernetes YAML / Dockerfile, if so.
    unparsed_reason: Option<&'static str>,
}

struct FileResult {
    relative: String,
    kind: FileKind,
    role: Option<YamlRole>,
    text: String,
    index: LineIndex,
    violations: Vec<Violation>,
    objects: Vec<K8sObject>,
    suppressions: Vec<Suppression>,
    dockerfile: Option<Dockerfile>,
    /// Documents kept for repository-wide rules (not manifests: their objects are kept).
    documents: Vec<Document>,
}

/// Scans `settings.root`.
pub fn lint(settings: &LintSettings) -> Result<LintOutcome, DiscoveryError> {
    let options = DiscoveryOptions { respect_ignore_files: settings.respect_ignore_files, exclude: &settings.exclude };
    let files = discovery::discover(&settings.root, &options)?;
    let loaded: Vec<Result<Source, SkippedFile>> = files.par_iter().map(|f| load(settings, f)).collect();
    let mut skipped = Vec::new();
    let mut sources = Vec::new();
    for item in loaded {
        match item {
            Ok(source) => sources.push(source),
            Err(skip) => skipped.push(skip),
        }
    }
    let mut outcome = run(settings, sources, Some(base_dir(&settings.root)));
    skipped.append(&mut outcome.skipped);
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    outcome.skipped = skipped;
    Ok(outcome)
}

/// Scans in-memory files given as (relative path, text); for tests.
pub fn lint_sources(settings: &LintSettings, files: Vec<(String, String)>) -> LintOutcome {
    let mut sources: Vec<Source> = files
        .into_iter()
        .map(|(relative, text)| {
            let name = relative.rsplit('/').next().unwrap_or(&relative);
            let kind = if discovery::is_dockerfile_name(name) {
                FileKind::Dockerfile
            } else if crate::roles::is_yaml_name(name) {
                FileKind::Yaml
            } else {
                FileKind::Text
            };
            let unparsed_reason = unparsed_reason(kind, &text, false);
            Source { relative, kind, text, unparsed_reason }
        })
        .collect();
    sources.sort_by(|a, b| a.relative.cmp(&b.relative));
    run(settings, sources, None)
}

fn unparsed_reason(kind: FileKind, text: &str, helm_template: bool) -> Option<&'static str> {
    match kind {
        FileKind::Yaml if helm_template => {
            Some("Helm chart template: not parsed as Kubernetes YAML, scanned for secrets")
        }
        FileKind::Yaml if shipshape_yaml::is_templated(text) => {
            Some("templated YAML ({{ }}): not parsed as Kubernetes YAML, scanned for secrets")
        }
        FileKind::Dockerfile
            if text.lines().any(|l| l.trim_start().starts_with("{{") || l.trim_start().starts_with("{%")) =>
        {
            Some("templated Dockerfile ({{ }}): not parsed, scanned for secrets")
        }
        _ => None,
    }
}

fn load(settings: &LintSettings, file: &DiscoveredFile) -> Result<Source, SkippedFile> {
    let skip = |reason: String| SkippedFile { path: file.relative.clone(), reason };
    let size = std::fs::metadata(&file.path).map_err(|e| skip(format!("cannot read: {e}")))?.len();
    if size > settings.max_file_size {
        return Err(skip(format!("larger than {} bytes ({size} bytes)", settings.max_file_size)));
    }
    let bytes = std::fs::read(&file.path).map_err(|e| skip(format!("cannot read: {e}")))?;
    if bytes[..bytes.len().min(BINARY_PROBE)].contains(&0) {
        return Err(skip("binary file".to_string()));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    let helm = file.kind == FileKind::Yaml && discovery::is_helm_template(base_dir(&settings.root), &file.relative);
    let unparsed_reason = unparsed_reason(file.kind, &text, helm);
    Ok(Source { relative: file.relative.clone(), kind: file.kind, text, unparsed_reason })
}

fn base_dir(root: &Path) -> &Path {
    if root.is_file() {
        root.parent().unwrap_or(root)
    } else {
        root
    }
}

fn run(settings: &LintSettings, sources: Vec<Source>, root: Option<&Path>) -> LintOutcome {
    let dockerfile_rules = settings.rules_for(Domain::Dockerfile);
    let secret_rules = settings.rules_for(Domain::Secrets);
    let all_rules: Vec<&'static dyn Rule> = settings.rules.iter().map(|(r, _)| *r).collect();
    let report_parse_errors = settings.is_enabled(ParseError::META.id);
    let skipped: Vec<SkippedFile> = sources
        .iter()
        .filter_map(|s| s.unparsed_reason.map(|r| SkippedFile { path: s.relative.clone(), reason: r.to_string() }))
        .collect();
    let files_scanned = sources.len();
    let kustomize_roles = crate::k8s::kustomize_roles(sources.iter().map(|s| (s.relative.as_str(), s.text.as_str())));
    let roles = crate::roles::classify(
        sources.iter().filter(|s| s.kind == FileKind::Yaml).map(|s| (s.relative.as_str(), s.text.as_str())),
    );
    let bases = file_bases(&sources);
    let mut results: Vec<FileResult> = sources
        .into_par_iter()
        .enumerate()
        .map(|(id, source)| {
            let base = bases.get(id).copied().unwrap_or(0);
            let role = (source.kind == FileKind::Yaml)
                .then(|| roles.get(&source.relative).copied().unwrap_or(YamlRole::Manifest));
            let mut violations = Vec::new();
            let mut objects = Vec::new();
            let mut kept_dockerfile = None;
            let mut kept_documents = Vec::new();
            // Byte spans of multi-line Dockerfile instructions, for suppressions.
            let mut instruction_spans = Vec::new();
            let parse = |v: &mut Vec<Violation>, span: Span, message: String| {
                if report_parse_errors {
                    Reporter::new(&ParseError::META, base, v).report(span, message);
                }
            };
            match (source.kind, source.unparsed_reason) {
                (FileKind::Dockerfile, None) => {
                    let dockerfile = shipshape_dockerfile::parse(&source.text);
                    instruction_spans.extend(dockerfile.instructions.iter().map(|i| i.span));
                    if let Some(error) = dockerfile.errors.first() {
                        parse(&mut violations, error.span, format!("Dockerfile does not parse: {}", error.message));
                    }
                    let cx = DockerfileContext {
                        file: id,
                        path: &source.relative,
                        source: &source.text,
                        dockerfile: &dockerfile,
                    };
                    for rule in &dockerfile_rules {
                        rule.check_dockerfile(&cx, &mut Reporter::new(rule.meta(), base, &mut violations));
                    }
                    kept_dockerfile = Some(dockerfile);
                }
                (FileKind::Yaml, None) => {
                    let role = role.unwrap_or(YamlRole::Manifest);
                    let parsed = shipshape_yaml::parse_at(&source.text, base);
                    if let Some(error) = &parsed.error {
                        parse(
                            &mut violations,
                            Span::empty(error.offset),
                            format!("{} does not parse: {}", role_noun(role), error.message),
                        );
                    }
                    let cx = YamlFileContext {
                        file: id,
                        path: &source.relative,
                        text: &source.text,
                        base,
                        role,
                        documents: &parsed.documents,
                        parse_failed: parsed.error.is_some(),
                    };
                    for rule in &all_rules {
                        rule.check_yaml(&cx, &mut Reporter::new(rule.meta(), 0, &mut violations));
                    }
                    if role == YamlRole::Manifest {
                        for document in parsed.documents {
                            collect_objects(id, &source.relative, document.root, &mut objects);
                        }
                    } else {
                        kept_documents = parsed.documents;
                    }
                    if let Some(role) = kustomize_roles.get(&source.relative) {
                        objects.iter_mut().for_each(|o| o.kustomize = *role);
                    }
                    // Objects a kustomization consumes are checked once rendered.
                    for object in objects.iter().filter(|o| !o.kustomize.consumed) {
                        for rule in &all_rules {
                            rule.check_object(object, &mut Reporter::new(rule.meta(), 0, &mut violations));
                        }
                    }
                    // Kept for the kustomize render when a kustomization consumes them.
                    objects.retain(|o| o.kustomize.consumed || !NOT_RELATED.contains(&o.kind.as_str()));
                }
                _ => {}
            }
            let cx = TextContext { file: id, path: &source.relative, text: &source.text };
            for rule in &secret_rules {
                rule.check_text(&cx, &mut Reporter::new(rule.meta(), base, &mut violations));
            }
            let index = LineIndex::new(&source.text);
            let mut suppressions = suppression::find(&source.text, &index);
            if !suppressions.is_empty() && !instruction_spans.is_empty() {
                let lines: Vec<(usize, usize)> = instruction_spans
                    .iter()
                    .map(|span| {
                        (index.line_of(span.start) + 1, index.line_of(span.end.saturating_sub(1).max(span.start)) + 1)
                    })
                    .filter(|(first, last)| last > first)
                    .collect();
                Suppression::widen(&mut suppressions, &lines);
            }
            if let Some(progress) = &settings.progress {
                progress.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            FileResult {
                relative: source.relative,
                kind: source.kind,
                role,
                text: source.text,
                index,
                violations,
                objects,
                suppressions,
                dockerfile: kept_dockerfile,
                documents: kept_documents,
            }
        })
        .collect();

    let mut all: Vec<Violation> = results.iter_mut().flat_map(|r| std::mem::take(&mut r.violations)).collect();
    let mut set = ObjectSet::new(results.iter_mut().flat_map(|r| std::mem::take(&mut r.objects)).collect());
    repository_pass(&results, &bases, root, &all_rules, &mut set, &mut all);
    drop(set);
    for mut violation in all {
        let file = file_of(&bases, violation.span.start);
        let base = bases.get(file).copied().unwrap_or(0);
        violation.span = Span::new(violation.span.start - base, violation.span.end.saturating_sub(base));
        violation.secret =
            violation.secret.map(|s| Span::new(s.start.saturating_sub(base), s.end.saturating_sub(base)));
        if let Some(result) = results.get_mut(file) {
            result.violations.push(violation);
        }
    }
    for result in &mut results {
        result.dockerfile = None;
        result.documents = Vec::new();
    }
    resolve(settings, results, skipped, files_scanned)
}

/// What a parse error calls the file.
fn role_noun(role: YamlRole) -> &'static str {
    match role {
        YamlRole::Manifest => "YAML",
        other => other.as_str(),
    }
}

/// The rules that see several files at once: rendered kustomizations, the
/// relations between objects, and the whole repository.
fn repository_pass(
    results: &[FileResult],
    bases: &[usize],
    root: Option<&Path>,
    rules: &[&'static dyn Rule],
    set: &mut ObjectSet,
    out: &mut Vec<Violation>,
) {
    let files: Vec<ScannedFile<'_>> = results
        .iter()
        .enumerate()
        .map(|(id, r)| ScannedFile {
            file: id,
            path: &r.relative,
            text: &r.text,
            base: bases.get(id).copied().unwrap_or(0),
            kind: r.kind,
            role: r.role,
            dockerfile: r.dockerfile.as_ref(),
            documents: &r.documents,
        })
        .collect();
    let rendering = kustomize::render(&RepositoryContext { root, files: &files, objects: set, kustomize: None });
    let per_rule = |check: &(dyn Fn(&'static dyn Rule, &mut Vec<Violation>) + Sync)| -> Vec<Violation> {
        rules
            .par_iter()
            .map(|rule| {
                let mut found = Vec::new();
                check(*rule, &mut found);
                found
            })
            .flatten()
            .collect()
    };
    // A base rendered by several overlays reports each finding once.
    let per_object: Vec<(Vec<Violation>, _)> = rendering
        .objects
        .par_iter()
        .map(|object| {
            let mut found = Vec::new();
            for rule in rules {
                rule.check_object(object, &mut Reporter::new(rule.meta(), 0, &mut found));
            }
            (found, object.kustomize.build)
        })
        .collect();
    let (mut found, mut builds) = (Vec::new(), Vec::new());
    for (violations, build) in per_object {
        builds.extend(std::iter::repeat_n(build, violations.len()));
        found.extend(violations);
    }
    kustomize::merge_findings(&rendering, found, &builds, |offset| file_of(bases, offset), out);
    set.retain(|o| !o.kustomize.consumed);
    set.extend(rendering.objects.into_iter().filter(|o| !NOT_RELATED.contains(&o.kind.as_str())).collect());
    if !set.objects.is_empty() {
        let set = &*set;
        let found = per_rule(&|rule, found| rule.check_objects(set, &mut Reporter::new(rule.meta(), 0, found)));
        let mut seen = HashSet::new();
        out.extend(found.into_iter().filter(|v| seen.insert((v.rule.id, v.span))));
    }
    let repo = RepositoryContext { root, files: &files, objects: set, kustomize: Some(&rendering.notes) };
    out.extend(per_rule(&|rule, found| rule.check_repository(&repo, &mut Reporter::new(rule.meta(), 0, found))));
}

/// Each file's base offset in the scan's global span space: files follow
/// one another, one byte apart.
fn file_bases(sources: &[Source]) -> Vec<usize> {
    let mut next = 0;
    sources
        .iter()
        .map(|s| {
            let base = next;
            next += s.text.len() + 1;
            base
        })
        .collect()
}

/// The file a global offset falls in.
fn file_of(bases: &[usize], offset: usize) -> usize {
    bases.partition_point(|b| *b <= offset).saturating_sub(1)
}

fn collect_objects(file: FileId, path: &str, root: shipshape_yaml::Node, out: &mut Vec<K8sObject>) {
    let is_list = root.str_at(&["kind"]).is_some_and(|k| k == "List" || k.ends_with("List"))
        && root.get("items").is_some_and(|i| matches!(i.kind, NodeKind::Sequence(_)));
    if is_list {
        if let Some(NodeKind::Sequence(items)) = root.get("items").map(|i| i.kind.clone()) {
            for item in items {
                collect_objects(file, path, item, out);
            }
        }
        return;
    }
    let is_kustomize = root.str_at(&["apiVersion"]).is_some_and(|v| v.starts_with("kustomize.config.k8s.io/"));
    if is_kustomize {
        return;
    }
    if let Some(object) = K8sObject::from_node(file, path, root) {
        out.push(object);
    }
}

fn resolve(
    settings: &LintSettings,
    results: Vec<FileResult>,
    skipped: Vec<SkippedFile>,
    files_scanned: usize,
) -> LintOutcome {
    let mut findings = Vec::new();
    let mut suppressed = 0;
    let mut line_texts: HashMap<(usize, usize), String> = HashMap::new();
    let budget_severity = settings.severity_of(InputBudgetExceeded::META.id);
    for (file_id, result) in results.iter().enumerate() {
        let secrets = Secrets::new(result.violations.iter().filter_map(|v| v.secret).collect());
        // Findings of one rule per line: past the budget, one finding says how many more.
        let mut per_line: HashMap<(&str, usize), usize> = HashMap::new();
        for violation in &result.violations {
            let Some(severity) = settings.severity_of(violation.rule.id) else {
                continue;
            };
            let count = per_line.entry((violation.rule.id, result.index.line_of(violation.span.start))).or_insert(0);
            *count += 1;
            if *count > FINDINGS_PER_LINE {
                continue;
            }
            let finding = to_finding(result, violation.rule, severity, violation.span, &violation.message, &secrets);
            if result.suppressions.iter().any(|s| s.covers(violation.rule.id, finding.line)) {
                suppressed += 1;
                continue;
            }
            line_texts.insert((file_id, finding.line), redacted_line(result, finding.line, &secrets));
            findings.push((file_id, finding));
        }
        if let Some(severity) = budget_severity {
            let mut over: Vec<((&str, usize), usize)> =
                per_line.into_iter().filter(|(_, count)| *count > FINDINGS_PER_LINE).collect();
            over.sort_unstable();
            for ((rule, line), count) in over {
                let start = result.index.line_start(line);
                let message = format!(
                    "{} more `{rule}` findings on this line are not shown (at most {FINDINGS_PER_LINE} per line)",
                    count - FINDINGS_PER_LINE
                );
                let span = Span::new(start, start);
                let finding = to_finding(result, &InputBudgetExceeded::META, severity, span, &message, &secrets);
                line_texts.insert((file_id, finding.line), redacted_line(result, finding.line, &secrets));
                findings.push((file_id, finding));
            }
        }
        if let Some(severity) = settings.severity_of(SuppressionWithoutReason::META.id) {
            for s in &result.suppressions {
                let unknown: Vec<&str> =
                    s.rules.iter().map(String::as_str).filter(|r| *r != "all" && registry::find(r).is_none()).collect();
                let message = if !unknown.is_empty() {
                    format!("Suppression names unknown rule `{}`", unknown.join("`, `"))
                } else if s.reason.is_empty() {
                    "Suppression without a reason: say why the finding does not apply".to_string()
                } else {
                    continue;
                };
                let finding = to_finding(
                    result,
                    &SuppressionWithoutReason::META,
                    severity,
                    s.span,
                    &message,
                    &Secrets::default(),
                );
                line_texts.insert((file_id, finding.line), redacted_line(result, finding.line, &Secrets::default()));
                findings.push((file_id, finding));
            }
        }
    }
    findings.sort_by(|a, b| a.1.sort_key().cmp(&b.1.sort_key()));
    findings.dedup_by(|a, b| a.1.sort_key() == b.1.sort_key() && a.1.end_line == b.1.end_line);
    let lines: Vec<&str> =
        findings.iter().map(|(id, f)| line_texts.get(&(*id, f.line)).map_or("", String::as_str)).collect();
    let mut findings: Vec<Finding> = findings.into_iter().map(|(_, f)| f).collect();
    assign_fingerprints(&mut findings, &lines);
    LintOutcome { findings, skipped, files_scanned, suppressed }
}

fn to_finding(
    result: &FileResult,
    rule: &'static RuleMeta,
    severity: Severity,
    span: Span,
    message: &str,
    secrets: &Secrets,
) -> Finding {
    let start = result.index.line_col(&result.text, span.start);
    let mut end = result.index.line_col(&result.text, span.end);
    if end.line > start.line && end.column == 1 {
        let previous = end.line - 1;
        end = shipshape_diagnostics::LineCol {
            line: previous,
            column: result.index.line_text(&result.text, previous).chars().count() + 1,
        };
    }
    if end < start {
        end = start;
    }
    let shown_end = end.line.min(start.line + SNIPPET_LINES - 1);
    let snippet = (start.line..=shown_end).map(|line| clipped(redacted_line(result, line, secrets))).collect();
    Finding {
        rule: rule.id,
        severity,
        path: result.relative.clone(),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        message: message.to_string(),
        snippet,
        fingerprint: String::new(),
    }
}

/// A snippet line cut to [`SNIPPET_BYTES`], marked with `…` when cut.
fn clipped(mut line: String) -> String {
    if line.len() > SNIPPET_BYTES {
        let mut end = SNIPPET_BYTES;
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        line.truncate(end);
        line.push('…');
    }
    line
}

/// The secret spans of a file, sorted, for finding those on a line
/// without looking at every one.
#[derive(Default)]
struct Secrets {
    spans: Vec<Span>,
    /// `max_end[i]`: the largest end among `spans[..=i]`.
    max_end: Vec<usize>,
}

impl Secrets {
    fn new(mut spans: Vec<Span>) -> Self {
        spans.sort();
        let max_end = spans
            .iter()
            .scan(0, |max, s| {
                *max = s.end.max(*max);
                Some(*max)
            })
            .collect();
        Self { spans, max_end }
    }

    fn overlapping(&self, start: usize, end: usize) -> Vec<Span> {
        let before_end = self.spans.partition_point(|s| s.start < end);
        let mut found: Vec<Span> = (0..before_end)
            .rev()
            .take_while(|i| self.max_end.get(*i).is_some_and(|m| *m > start))
            .filter_map(|i| self.spans.get(i).copied())
            .filter(|s| s.end > start)
            .collect();
        found.reverse();
        found
    }
}

/// The text of 1-based `line` with every secret in it redacted.
fn redacted_line(result: &FileResult, line: usize, secrets: &Secrets) -> String {
    let start = result.index.line_start(line - 1);
    let text = result.index.line_text(&result.text, line);
    let end = start + text.len();
    let mut overlapping = secrets.overlapping(start, end);
    if overlapping.is_empty() {
        return text.to_string();
    }
    overlapping.sort();
    let mut out = String::new();
    let mut cursor = start;
    for secret in overlapping {
        let from = secret.start.max(cursor).max(start);
        if from < cursor {
            continue;
        }
        out.push_str(result.text.get(cursor..from).unwrap_or(""));
        let to = secret.end.min(end);
        // Redact the whole secret, even the part on other lines.
        let whole = result.text.get(secret.start..secret.end).unwrap_or("");
        if from == secret.start {
            out.push_str(&redact(whole));
        }
        cursor = to.max(from);
    }
    out.push_str(result.text.get(cursor..end).unwrap_or(""));
    out
}
