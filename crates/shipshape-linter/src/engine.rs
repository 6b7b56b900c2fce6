use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::GlobSet;
use rayon::prelude::*;
use shipshape_diagnostics::{sanitize, Finding, LineIndex, Severity, Span};
use shipshape_dockerfile::Dockerfile;
use shipshape_yaml::{Document, NodeKind};

use crate::baseline::assign_fingerprints;
use crate::classify::{self, FileClass, Kind};
use crate::config::CheckConfig;
use crate::context::{
    DockerfileContext, FileId, K8sObject, ObjectSet, RepositoryContext, ScannedFile, TextContext, YamlFileContext,
};
use crate::discovery::{self, DiscoveredFile, DiscoveryError, DiscoveryOptions, FileKind, WalkError};
use crate::file_context::{FileContext, FileContextInfo};
use crate::kustomize;
use crate::redaction;
use crate::registry;
use crate::roles::YamlRole;
use crate::rule::{redact, Domain, Reporter, Rule, RuleMeta, Violation};
use crate::rules::general::{InputBudgetExceeded, ParseError, SuppressionWithoutReason};
use crate::suppression::{self, SuppressedLines, Suppression};

/// Files up to this size are parsed; larger ones are scanned for secrets only.
pub const PARSE_LIMIT: u64 = 2 * 1024 * 1024;
/// Files larger than this are not scanned at all (`max-file-size`).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;
const SNIPPET_LINES: usize = 3;
/// Bytes of a large file read before deciding whether it is binary.
const BINARY_PROBE: usize = 64 * 1024;
/// A file is text when at most this share of its bytes is NUL, control or
/// not UTF-8.
const MAX_BINARY_SHARE: f64 = 0.15;
/// How much of a large file its secret scan holds at once.
const SCAN_CHUNK: usize = 1024 * 1024;
/// Lines (and bytes) of one chunk scanned again with the next, so a secret
/// across the cut is still found.
const OVERLAP_LINES: usize = 32;
const OVERLAP_BYTES: usize = 64 * 1024;
/// Longest snippet line shown; longer lines are cut.
const SNIPPET_BYTES: usize = 1024;
/// Findings of one rule shown per line; more become one `input-budget-exceeded`.
const FINDINGS_PER_LINE: usize = 20;

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
    pub kind: SkipKind,
}

/// How much of a skipped file was scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SkipKind {
    /// Not parsed (a template), scanned for secrets.
    Unparsed,
    /// Larger than [`PARSE_LIMIT`]: scanned for secrets only.
    Large,
    /// Larger than `max_file_size`: not scanned.
    TooLarge,
    /// Mostly not text: not scanned.
    Binary,
    /// A file or directory that could not be read: an I/O error.
    Unreadable,
    /// A problem of the walk that leaves no file unread (a bad ignore glob).
    Notice,
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
    /// Larger than [`PARSE_LIMIT`]: `text` holds only the lines with secrets.
    large: bool,
}

struct FileResult {
    relative: String,
    class: Arc<FileClass>,
    text: String,
    index: LineIndex,
    violations: Vec<Violation>,
    objects: Vec<K8sObject>,
    suppressions: Vec<Suppression>,
    suppressed_lines: SuppressedLines,
    dockerfile: Option<Dockerfile>,
    /// Documents kept for repository-wide rules and the kustomize render
    /// (not manifests: their objects are kept).
    documents: Vec<Document>,
    /// True when `documents` are the whole file.
    parsed_whole: bool,
}

/// Scans `settings.root`.
pub fn lint(settings: &LintSettings) -> Result<LintOutcome, DiscoveryError> {
    let options = DiscoveryOptions { respect_ignore_files: settings.respect_ignore_files, exclude: &settings.exclude };
    let found = discovery::discover(&settings.root, &options)?;
    let secret_rules = all_secret_rules();
    let loaded: Vec<Result<Source, SkippedFile>> =
        found.files.par_iter().map(|f| load(settings, f, &secret_rules)).collect();
    let mut skipped: Vec<SkippedFile> = found.errors.into_iter().map(walk_skip).collect();
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
            Source { relative, kind, text, large: false }
        })
        .collect();
    sources.sort_by(|a, b| a.relative.cmp(&b.relative));
    run(settings, sources, None)
}

/// Why a file is not parsed as Kubernetes YAML / Dockerfile, if so.
fn unparsed_reason(source: &Source, class: &FileClass) -> Option<&'static str> {
    let templated = class.templated.is_some_and(classify::Templating::breaks_syntax);
    match source.kind {
        _ if source.large => Some(LARGE_REASON),
        FileKind::Yaml if class.kind == Kind::HelmTemplate => {
            Some("Helm chart template: not parsed as Kubernetes YAML, scanned for secrets")
        }
        FileKind::Yaml if templated => {
            Some("templated YAML ({{ }}): not parsed as Kubernetes YAML, scanned for secrets")
        }
        FileKind::Dockerfile if templated => Some("templated Dockerfile ({{ }}): not parsed, scanned for secrets"),
        _ => None,
    }
}

/// Every secret rule, selected or not: their findings also mask snippets.
fn all_secret_rules() -> Vec<&'static dyn Rule> {
    registry::all().iter().copied().filter(|r| r.meta().domains.contains(&Domain::Secrets)).collect()
}

fn walk_skip(error: WalkError) -> SkippedFile {
    let kind = if error.io { SkipKind::Unreadable } else { SkipKind::Notice };
    SkippedFile { path: error.path, reason: error.message, kind }
}

const LARGE_REASON: &str = "larger than 2 MiB: scanned for secrets only";

fn load(
    settings: &LintSettings,
    file: &DiscoveredFile,
    secret_rules: &[&'static dyn Rule],
) -> Result<Source, SkippedFile> {
    let skip = |kind: SkipKind, reason: String| SkippedFile { path: file.relative.clone(), reason, kind };
    let unreadable = |e: std::io::Error| skip(SkipKind::Unreadable, format!("cannot read: {e}"));
    let size = std::fs::metadata(&file.path).map_err(unreadable)?.len();
    if size > settings.max_file_size {
        let reason = format!("larger than {} bytes ({size} bytes): not scanned", settings.max_file_size);
        return Err(skip(SkipKind::TooLarge, reason));
    }
    if size > PARSE_LIMIT {
        let text = secret_lines(&file.path, &file.relative, file.kind, secret_rules)
            .map_err(unreadable)?
            .ok_or_else(|| skip(SkipKind::Binary, "binary file".to_string()))?;
        return Ok(Source { relative: file.relative.clone(), kind: file.kind, text, large: true });
    }
    let bytes = std::fs::read(&file.path).map_err(unreadable)?;
    let text = text_of(bytes).ok_or_else(|| skip(SkipKind::Binary, "binary file".to_string()))?;
    Ok(Source { relative: file.relative.clone(), kind: file.kind, text, large: false })
}

/// Bytes that make a file look binary: NUL and control bytes.
fn is_binary_byte(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f
}

/// The bytes as text, or `None` when they are mostly not text.
fn text_of(bytes: Vec<u8>) -> Option<String> {
    let (text, odd) = repaired(bytes);
    (odd as f64 <= text.len() as f64 * MAX_BINARY_SHARE).then_some(text)
}

/// The bytes as text of the same length, and how many bytes are NUL,
/// control or not UTF-8: NULs become spaces and bytes that are not UTF-8
/// become `?`, so byte offsets stay those of the file.
fn repaired(mut bytes: Vec<u8>) -> (String, usize) {
    let mut odd = bytes.iter().filter(|b| is_binary_byte(**b)).count();
    bytes.iter_mut().filter(|b| **b == 0).for_each(|b| *b = b' ');
    let mut at = 0;
    while let Some(Err(error)) = bytes.get(at..).map(std::str::from_utf8) {
        let bad = at + error.valid_up_to();
        let len = error.error_len().unwrap_or(bytes.len() - bad);
        bytes.iter_mut().skip(bad).take(len).for_each(|b| *b = b'?');
        odd += len;
        at = bad + len;
    }
    let text = String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    (text, odd)
}

/// Scans a file too large to parse for secrets, a chunk of lines at a time,
/// and returns its text with every line that holds no secret blanked: line
/// numbers stay those of the file and memory stays bounded by the chunk and
/// what was found. `None` when the file is binary.
fn secret_lines(
    path: &Path,
    relative: &str,
    kind: FileKind,
    rules: &[&'static dyn Rule],
) -> std::io::Result<Option<String>> {
    let class = classify::large_file_class(relative, kind);
    let mut reader = std::io::BufReader::with_capacity(BINARY_PROBE, std::fs::File::open(path)?);
    if text_of(reader.fill_buf()?.to_vec()).is_none() {
        return Ok(None);
    }
    let mut out = String::new();
    // Lines not yet written out, each with its newline and whether it is kept.
    let mut window: Vec<(String, bool)> = Vec::new();
    let mut window_bytes = 0;
    let mut line = Vec::new();
    loop {
        line.clear();
        let end = reader.read_until(b'\n', &mut line)? == 0;
        if !end {
            let (text, _) = repaired(std::mem::take(&mut line));
            window_bytes += text.len();
            window.push((text, false));
        }
        if !end && window_bytes < SCAN_CHUNK {
            continue;
        }
        mark_secret_lines(&mut window, relative, &class, rules);
        let mut carry = 0;
        let mut carry_bytes = 0;
        if !end {
            while carry < OVERLAP_LINES.min(window.len().saturating_sub(1)) {
                let next = window.get(window.len() - carry - 1).map_or(0, |(l, _)| l.len());
                if carry_bytes + next > OVERLAP_BYTES {
                    break;
                }
                carry += 1;
                carry_bytes += next;
            }
        }
        for (text, kept) in window.drain(..window.len() - carry) {
            if kept {
                out.push_str(&text);
            } else if text.ends_with('\n') {
                out.push('\n');
            }
        }
        window_bytes = carry_bytes;
        if end {
            return Ok(Some(out));
        }
    }
}

/// Marks the lines of `window` that a secret rule reports on, and the line
/// above each (where a suppression comment may be).
fn mark_secret_lines(window: &mut [(String, bool)], relative: &str, class: &FileClass, rules: &[&'static dyn Rule]) {
    let text: String = window.iter().map(|(l, _)| l.as_str()).collect();
    let mut violations = Vec::new();
    let cx = TextContext { file: 0, path: relative, text: &text, class };
    for rule in rules {
        rule.check_text(&cx, &mut Reporter::new(rule.meta(), 0, &mut violations));
    }
    if violations.is_empty() {
        return;
    }
    let mut starts = Vec::with_capacity(window.len());
    let mut at = 0;
    for (line, _) in window.iter() {
        starts.push(at);
        at += line.len();
    }
    let line_of = |offset: usize| starts.partition_point(|s| *s <= offset).saturating_sub(1);
    for violation in &violations {
        for span in [Some(violation.span), violation.secret].into_iter().flatten() {
            let first = line_of(span.start).saturating_sub(1);
            let last = line_of(span.end.saturating_sub(1).max(span.start));
            window.iter_mut().take(last + 1).skip(first).for_each(|(_, kept)| *kept = true);
        }
    }
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
    // Every secret rule runs, enabled or not: what they find is redacted
    // from every finding's snippet and message; only enabled ones report.
    let secret_rules = all_secret_rules();
    let all_rules: Vec<&'static dyn Rule> = settings.rules.iter().map(|(r, _)| *r).collect();
    let report_parse_errors = settings.is_enabled(ParseError::META.id);
    let files_scanned = sources.len();
    let bases = file_bases(&sources);
    let inputs: Vec<classify::Input<'_>> = sources
        .iter()
        .zip(&bases)
        .map(|(s, base)| classify::Input {
            path: &s.relative,
            text: &s.text,
            format: s.kind,
            base: *base,
            large: s.large,
        })
        .collect();
    let classification = classify::classify(&inputs, root);
    drop(inputs);
    let classes: Vec<Arc<FileClass>> = classification.classes.into_iter().map(Arc::new).collect();
    let unparsed: Vec<Option<&'static str>> =
        sources.iter().zip(&classes).map(|(s, class)| unparsed_reason(s, class)).collect();
    let skipped: Vec<SkippedFile> = sources
        .iter()
        .zip(&unparsed)
        .filter_map(|(s, reason)| {
            let kind = if s.large { SkipKind::Large } else { SkipKind::Unparsed };
            reason.map(|r| SkippedFile { path: s.relative.clone(), reason: r.to_string(), kind })
        })
        .collect();
    let mut results: Vec<FileResult> = sources
        .into_par_iter()
        .zip(classification.parsed.into_par_iter())
        .enumerate()
        .map(|(id, (source, pre_parsed))| {
            let base = bases.get(id).copied().unwrap_or(0);
            let class = classes.get(id).cloned().unwrap_or_default();
            let role = class.role.or((source.kind == FileKind::Yaml).then_some(YamlRole::Manifest));
            let mut violations = Vec::new();
            let mut objects = Vec::new();
            let mut kept_dockerfile = None;
            let mut kept_documents = Vec::new();
            let mut parsed_whole = false;
            // Byte spans of multi-line Dockerfile instructions, for suppressions.
            let mut instruction_spans = Vec::new();
            let parse = |v: &mut Vec<Violation>, span: Span, message: String| {
                if report_parse_errors {
                    v.push(parse_error(&class.context, span.shift(base), base, message));
                }
            };
            let unparsed_reason = unparsed.get(id).copied().flatten();
            match (source.kind, unparsed_reason) {
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
                        class: &class,
                    };
                    for rule in &dockerfile_rules {
                        rule.check_dockerfile(&cx, &mut Reporter::new(rule.meta(), base, &mut violations));
                    }
                    kept_dockerfile = Some(dockerfile);
                }
                (FileKind::Yaml, None) => {
                    let role = role.unwrap_or(YamlRole::Manifest);
                    let parsed = pre_parsed.unwrap_or_else(|| shipshape_yaml::parse_at(&source.text, base));
                    if let Some(error) = &parsed.error {
                        parse(
                            &mut violations,
                            Span::empty(error.offset),
                            format!("{} does not parse: {}", role_noun(role), error.message),
                        );
                    }
                    parsed_whole = parsed.error.is_none();
                    let cx = YamlFileContext {
                        file: id,
                        path: &source.relative,
                        text: &source.text,
                        base,
                        role,
                        documents: &parsed.documents,
                        parse_failed: parsed.error.is_some(),
                        class: &class,
                    };
                    for rule in &all_rules {
                        rule.check_yaml(&cx, &mut Reporter::new(rule.meta(), 0, &mut violations));
                    }
                    if role != YamlRole::Manifest {
                        kept_documents = parsed.documents;
                    } else if class.kustomize.patch {
                        // A patch is audited through the render only: its
                        // documents are read there, never checked as objects.
                        kept_documents = parsed.documents;
                    } else {
                        // A consumed file without objects is read by the render as it is.
                        let keep = !class.uses.is_empty() && !parsed.documents.iter().any(declares_object);
                        if keep {
                            kept_documents = parsed.documents;
                        } else {
                            for document in parsed.documents {
                                collect_objects(id, &source.relative, document.root, &mut objects);
                            }
                        }
                    }
                    for object in &mut objects {
                        object.kustomize = class.kustomize;
                        object.class = class.clone();
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
            let cx = TextContext { file: id, path: &source.relative, text: &source.text, class: &class };
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
            let suppressed_lines = SuppressedLines::new(&suppressions);
            if let Some(progress) = &settings.progress {
                progress.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            FileResult {
                relative: source.relative,
                class,
                text: source.text,
                index,
                violations,
                objects,
                suppressions,
                suppressed_lines,
                dockerfile: kept_dockerfile,
                documents: kept_documents,
                parsed_whole,
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
            kind: r.class.format,
            role: r.class.role.or((r.class.format == FileKind::Yaml).then_some(YamlRole::Manifest)),
            dockerfile: r.dockerfile.as_ref(),
            documents: &r.documents,
            parsed_whole: r.parsed_whole,
            class: &r.class,
        })
        .collect();
    let mut rendering = kustomize::render(&files, root, set);
    for object in &mut rendering.objects {
        if let Some(result) = results.get(object.file) {
            object.class = result.class.clone();
        }
    }
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

/// True when a document is a Kubernetes object (or a `List` of them).
fn declares_object(document: &Document) -> bool {
    let root = &document.root;
    root.str_at(&["apiVersion"]).is_some_and(|v| !v.starts_with("kustomize.config.k8s.io/"))
        && root.str_at(&["kind"]).is_some()
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
    // A finding, and its first line's text for the fingerprint.
    let mut record = |file_id: usize, finding: Finding| {
        line_texts.insert((file_id, finding.line), finding.snippet.first().cloned().unwrap_or_default());
        findings.push((file_id, finding));
    };
    for (file_id, result) in results.iter().enumerate() {
        let secrets = Secrets::new(result.violations.iter().filter_map(|v| v.secret).collect());
        let file = ResolvedFile { result, secrets: &secrets };
        // Findings of one rule per line: past the budget, one finding says how many more.
        let mut per_line: HashMap<(&str, usize), usize> = HashMap::new();
        for violation in &result.violations {
            let Some(severity) = settings.severity_of(violation.rule.id) else {
                continue;
            };
            let severity = violation.severity_cap.map_or(severity, |cap| severity.min(cap));
            let count = per_line.entry((violation.rule.id, result.index.line_of(violation.span.start))).or_insert(0);
            *count += 1;
            if *count > FINDINGS_PER_LINE {
                continue;
            }
            let (severity, message) = lowered_in_context(violation, severity, &result.class.context);
            let finding = file.finding(violation.rule, severity, violation.span, &message);
            if result.suppressed_lines.covers(violation.rule.id, finding.line) {
                suppressed += 1;
                continue;
            }
            record(file_id, finding);
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
                let finding = file.finding(&InputBudgetExceeded::META, severity, span, &message);
                record(file_id, finding);
            }
        }
        if let Some(severity) = settings.severity_of(SuppressionWithoutReason::META.id) {
            for s in &result.suppressions {
                let unknown: Vec<&str> =
                    s.rules.iter().map(String::as_str).filter(|r| *r != "all" && registry::find(r).is_none()).collect();
                let message = if !unknown.is_empty() {
                    format!("Suppression names unknown rule `{}`", unknown.join("`, `"))
                } else if s.reason.is_empty() && s.peer.is_none() {
                    "Suppression without a reason: say why the finding does not apply".to_string()
                } else {
                    continue;
                };
                let finding = file.finding(&SuppressionWithoutReason::META, severity, s.span, &message);
                record(file_id, finding);
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

/// A parse error at a global span. In documentation and examples, where
/// fragments with `...` elisions are not meant to parse, it is info and
/// says why; elsewhere, the rule's severity.
fn parse_error(context: &FileContextInfo, span: Span, base: usize, message: String) -> Violation {
    let at = context.at(span.start.saturating_sub(base));
    let fragment = matches!(at.context, FileContext::Docs | FileContext::Example);
    let (message, severity_cap) = if fragment {
        let message =
            format!("{message} (info here: {} is often a fragment, by {})", at.context.described(), at.reason);
        (message, Some(Severity::Info))
    } else {
        (message, None)
    };
    Violation { rule: &ParseError::META, span, message, secret: None, severity_cap }
}

/// Findings in tests, fixtures, docs, examples and development-only files
/// are reported as info when their rule's kind says so, and say why.
fn lowered_in_context<'v>(
    violation: &'v Violation,
    severity: Severity,
    info: &FileContextInfo,
) -> (Severity, Cow<'v, str>) {
    let at = info.at(violation.span.start);
    if severity == Severity::Info || !violation.rule.kind.lowered_in(at.context) {
        return (severity, Cow::Borrowed(&violation.message));
    }
    let message = format!("{} {}", violation.message, at.lowered_note());
    (Severity::Info, Cow::Owned(message))
}

/// A scanned file with the secrets found in it, turning violations into
/// findings: the one place where findings get their text, so every message
/// and line goes through redaction and the control-character filter.
struct ResolvedFile<'a> {
    result: &'a FileResult,
    secrets: &'a Secrets,
}

impl ResolvedFile<'_> {
    fn finding(&self, rule: &'static RuleMeta, severity: Severity, span: Span, message: &str) -> Finding {
        let result = self.result;
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
        let snippet = (start.line..=shown_end).map(|line| self.line(line)).collect();
        // A message may quote a secret of the lines it is about.
        let from = result.index.line_start(start.line - 1);
        let to = result.index.line_start(end.line - 1) + result.index.line_text(&result.text, end.line).len();
        let known: Vec<&str> =
            self.secrets.overlapping(from, to).iter().filter_map(|s| result.text.get(s.start..s.end)).collect();
        let message = redaction::redact_message(message, &known);
        Finding {
            rule: rule.id,
            severity,
            path: sanitize(&result.relative).into_owned(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            message: sanitize(&message).into_owned(),
            snippet,
            fingerprint: String::new(),
        }
    }

    /// The text of 1-based `line`, redacted, clipped and filtered.
    fn line(&self, line: usize) -> String {
        let clipped = clipped(redacted_line(self.result, line, self.secrets));
        sanitize(&redaction::redact_text(&clipped)).into_owned()
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn fake_key() -> String {
        shipshape_testkit::expand_fake_secrets("AKIA⟦rand:16:upper⟧", 9)
    }

    #[test]
    fn parse_errors_in_documentation_fragments_are_info_naming_the_context() {
        let snippet = "spec:\n  containers:\n  ...\n    - name: web\n".to_string();
        let files =
            vec![("docs/snippets/deploy.yaml".to_string(), snippet.clone()), ("deploy/app.yaml".to_string(), snippet)];
        let mut settings = LintSettings::new("parse");
        settings.select(&["parse-error"]);
        let outcome = lint_sources(&settings, files);
        let found: Vec<(&str, Severity, &str)> =
            outcome.findings.iter().map(|f| (f.path.as_str(), f.severity, f.message.as_str())).collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!((found[0].0, found[0].1), ("deploy/app.yaml", Severity::Error), "{found:?}");
        assert_eq!((found[1].0, found[1].1), ("docs/snippets/deploy.yaml", Severity::Info), "{found:?}");
        assert!(found[1].2.contains("documentation is often a fragment, by the folder `docs/`"), "{found:?}");
        assert!(outcome.findings[1].line > 0);
    }

    #[test]
    fn stray_nul_and_invalid_bytes_keep_text_and_offsets() {
        let bytes = b"# note \0 here\nkey: \xff\xfe value\n".to_vec();
        let len = bytes.len();
        let text = text_of(bytes).unwrap();
        assert_eq!(text.len(), len);
        assert_eq!(text, "# note   here\nkey: ?? value\n");
    }

    #[test]
    fn mostly_binary_bytes_are_not_text() {
        let bytes: Vec<u8> = (0..4000u32).map(|i| (i % 7) as u8).collect();
        assert!(text_of(bytes).is_none());
    }

    #[test]
    fn large_file_keeps_only_secret_lines_at_their_line_numbers() {
        let key = fake_key();
        let filler = "a log line that holds nothing of interest\n".repeat(60_000);
        let text = format!("{filler}# comment above\naws_access_key_id = {key}\n{filler}");
        let path = std::env::temp_dir().join(format!("shipshape-large-{}.log", std::process::id()));
        std::fs::write(&path, &text).unwrap();
        let rules = all_secret_rules();
        let sparse = secret_lines(&path, "big.log", FileKind::Text, &rules).unwrap().unwrap();
        let _ = std::fs::remove_file(&path);
        assert_eq!(sparse.lines().count(), text.lines().count());
        assert!(sparse.len() < 200_000, "{}", sparse.len());
        let kept: Vec<(usize, &str)> = sparse.lines().enumerate().filter(|(_, l)| !l.is_empty()).collect();
        assert_eq!(kept, [(60_000, "# comment above"), (60_001, format!("aws_access_key_id = {key}").as_str())]);
    }

    #[test]
    fn binary_large_file_is_none() {
        let path = std::env::temp_dir().join(format!("shipshape-large-{}.bin", std::process::id()));
        std::fs::write(&path, vec![0u8; 100_000]).unwrap();
        let rules = all_secret_rules();
        let result = secret_lines(&path, "big.bin", FileKind::Text, &rules).unwrap();
        let _ = std::fs::remove_file(&path);
        assert!(result.is_none());
    }
}
