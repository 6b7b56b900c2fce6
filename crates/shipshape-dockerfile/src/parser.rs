use shipshape_diagnostics::Span;

use crate::shell;
use crate::text::MappedText;

const KNOWN_INSTRUCTIONS: &[&str] = &[
    "FROM",
    "RUN",
    "CMD",
    "LABEL",
    "MAINTAINER",
    "EXPOSE",
    "ENV",
    "ADD",
    "COPY",
    "ENTRYPOINT",
    "VOLUME",
    "USER",
    "WORKDIR",
    "ARG",
    "ONBUILD",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "SHELL",
];
const TAKES_FLAGS: &[&str] = &["FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"];
const TAKES_HEREDOCS: &[&str] = &["RUN", "COPY", "ADD"];

/// A parser directive such as `# syntax=docker/dockerfile:1` or `# escape=``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub name: String,
    pub value: String,
    pub span: Span,
}

/// A `--name=value` flag of an instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
    pub span: Span,
}

/// A word with its source span (quotes removed from `value`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Args {
    /// JSON (exec) form: `["executable", "param"]`.
    Exec(Vec<Word>),
    /// Shell form: the text after the keyword and flags, continuations joined.
    Shell(MappedText),
}

/// A BuildKit heredoc (`RUN <<EOF ... EOF`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    pub delimiter: String,
    pub body: MappedText,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// The escape character in effect (`\\`, or `` ` `` after `# escape=``).
    pub escape: char,
    /// Upper-cased keyword.
    pub keyword: String,
    pub keyword_span: Span,
    /// The whole instruction: continuation lines and heredoc bodies included.
    pub span: Span,
    pub flags: Vec<Flag>,
    pub args: Args,
    pub heredocs: Vec<Heredoc>,
}

/// A build stage: a `FROM` and the instructions up to the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    /// Index of the `FROM` in [`Dockerfile::instructions`].
    pub from: usize,
    pub image: Word,
    pub name: Option<Word>,
    pub platform: Option<String>,
    /// Indices of this stage's instructions, the `FROM` included.
    pub instructions: std::ops::Range<usize>,
    /// Index of the nearest earlier stage named as this stage's image: the
    /// stage it is built `FROM`.
    pub parent: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    pub escape: char,
    pub directives: Vec<Directive>,
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
    pub errors: Vec<ParseError>,
    /// Global `ARG` defaults by name (the last declaration wins), computed
    /// once so that expanding every `FROM` stays linear.
    pub global_arg_defaults: std::collections::HashMap<String, Option<String>>,
    /// Stage index by lower-cased stage name (the first stage of a name).
    pub stage_names: std::collections::HashMap<String, usize>,
}

struct Line<'a> {
    start: usize,
    text: &'a str,
}

fn lines(source: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in source.split_inclusive('\n') {
        let mut text = piece.trim_end_matches('\n').trim_end_matches('\r');
        let mut line_start = start;
        if start == 0 {
            if let Some(rest) = text.strip_prefix('\u{feff}') {
                text = rest;
                line_start = '\u{feff}'.len_utf8();
            }
        }
        out.push(Line { start: line_start, text });
        start += piece.len();
    }
    out
}

fn parse_directive(text: &str) -> Option<(String, String)> {
    let body = text.trim_start().strip_prefix('#')?.trim();
    let (name, value) = body.split_once('=')?;
    let name = name.trim().to_ascii_lowercase();
    if !matches!(name.as_str(), "syntax" | "escape" | "check") {
        return None;
    }
    Some((name, value.trim().to_string()))
}

fn leading_ws(text: &str) -> usize {
    text.len() - text.trim_start().len()
}

/// Removes a trailing escape character (continuation) from a line piece.
fn strip_continuation(piece: &str, escape: char) -> Option<&str> {
    piece.trim_end().strip_suffix(escape)
}

impl Dockerfile {
    pub fn stage_of(&self, instruction: usize) -> Option<&Stage> {
        let after = self.stages.partition_point(|s| s.instructions.start <= instruction);
        self.stages.get(after.checked_sub(1)?).filter(|s| s.instructions.contains(&instruction))
    }

    /// The first stage named `name` (case-insensitive).
    pub fn stage_named(&self, name: &str) -> Option<&Stage> {
        self.stages.get(*self.stage_names.get(&name.to_ascii_lowercase())?)
    }

    /// The earlier stage `stage` is built `FROM`, if any.
    pub fn parent(&self, stage: &Stage) -> Option<&Stage> {
        self.stages.get(stage.parent?)
    }

    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// `ARG` instructions before the first `FROM`.
    pub fn global_args(&self) -> impl Iterator<Item = &Instruction> {
        let first_from = self.stages.first().map_or(self.instructions.len(), |s| s.from);
        self.instructions[..first_from].iter().filter(|i| i.keyword == "ARG")
    }

    /// Expands `$NAME`, `${NAME}` and `${NAME:-default}` with global `ARG` defaults.
    /// Returns `None` when a variable has no known value.
    pub fn expand_global_args(&self, text: &str) -> Option<String> {
        expand(text, &|name| self.global_arg_defaults.get(name).cloned().flatten())
    }
}

/// Expands shell-style variables in `text` using `lookup`.
/// Returns `None` when a variable has no known value.
pub fn expand(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(braced) = after.strip_prefix('{') {
            let close = braced.find('}')?;
            let inner = &braced[..close];
            let (name, default) = match inner.find(":-").or_else(|| inner.find('-')) {
                Some(i) => {
                    let skip = if inner[i..].starts_with(":-") { 2 } else { 1 };
                    (&inner[..i], Some(&inner[i + skip..]))
                }
                None => (inner, None),
            };
            let value = lookup(name).filter(|v| !v.is_empty()).or_else(|| default.map(str::to_string))?;
            out.push_str(&value);
            rest = &braced[close + 1..];
        } else {
            let len = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
            if len == 0 {
                out.push('$');
                rest = after;
                continue;
            }
            out.push_str(&lookup(&after[..len])?);
            rest = &after[len..];
        }
    }
    out.push_str(rest);
    Some(out)
}

impl Instruction {
    /// The shell-form text, if this instruction is in shell form.
    pub fn shell_text(&self) -> Option<&MappedText> {
        match &self.args {
            Args::Shell(text) => Some(text),
            Args::Exec(_) => None,
        }
    }

    /// Whitespace-separated words of the arguments (quotes removed).
    pub fn words(&self) -> Vec<Word> {
        match &self.args {
            Args::Exec(words) => words.clone(),
            Args::Shell(text) => shell::words_with_escape(text, self.escape),
        }
    }

    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The shell scripts this `RUN` executes: its shell-form text (unless it
    /// only names heredocs) and its heredoc bodies.
    pub fn scripts(&self) -> Vec<MappedText> {
        let mut out = Vec::new();
        if let Args::Shell(text) = &self.args {
            out.push(text.clone());
        }
        out.extend(self.heredocs.iter().map(|h| h.body.clone()));
        out
    }

    /// `KEY=value` pairs of `ENV`, `ARG` and `LABEL` (and the legacy
    /// `ENV KEY value` form).
    pub fn key_values(&self) -> Vec<(Word, Option<Word>)> {
        let words = self.words();
        let legacy = self.keyword == "ENV" && words.first().is_some_and(|w| !w.value.contains('='));
        if legacy {
            let Some(key) = words.first() else {
                return Vec::new();
            };
            let value = words.get(1..).filter(|rest| !rest.is_empty()).map(|rest| Word {
                value: rest.iter().map(|w| w.value.as_str()).collect::<Vec<_>>().join(" "),
                span: rest[0].span.cover(rest[rest.len() - 1].span),
            });
            return vec![(key.clone(), value)];
        }
        words
            .into_iter()
            .map(|w| match w.value.split_once('=') {
                Some((k, v)) => {
                    let key_end = w.span.start + k.len();
                    (
                        Word { value: k.to_string(), span: Span::new(w.span.start, key_end.min(w.span.end)) },
                        Some(Word { value: v.to_string(), span: Span::new((key_end + 1).min(w.span.end), w.span.end) }),
                    )
                }
                None => (w, None),
            })
            .collect()
    }
}

/// Finds the JSON string literals of an exec-form array, with their spans.
fn exec_words(text: &MappedText) -> Option<Vec<Word>> {
    let trimmed = text.value.trim_end();
    let values: Vec<String> = serde_json::from_str(trimmed).ok()?;
    let bytes = trimmed.as_bytes();
    let mut words = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'"' {
            let start = i;
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            let value = values.get(words.len())?.clone();
            words.push(Word { value, span: text.source_span(start, (i + 1).min(bytes.len())) });
        }
        i += 1;
    }
    (words.len() == values.len()).then_some(words)
}

struct HeredocMarker {
    delimiter: String,
    strip_tabs: bool,
}

/// True when `<<` at `i` starts a shell word (BuildKit only reads
/// `^\d*<<` words as heredocs, so `$((1<<2))` and `a<<b` are not).
fn starts_word(bytes: &[u8], i: usize) -> bool {
    let mut k = i;
    while k > 0 && bytes[k - 1].is_ascii_digit() {
        k -= 1;
    }
    k == 0 || bytes[k - 1].is_ascii_whitespace()
}

fn heredoc_markers(text: &str) -> Vec<HeredocMarker> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i + 1 < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'\'' || b == b'"' => quote = Some(b),
            None if b == b'<' && bytes[i + 1] == b'<' && bytes.get(i + 2) != Some(&b'<') && starts_word(bytes, i) => {
                let mut j = i + 2;
                let strip_tabs = bytes.get(j) == Some(&b'-');
                if strip_tabs {
                    j += 1;
                }
                let quoted = matches!(bytes.get(j), Some(b'"') | Some(b'\''));
                if quoted {
                    j += 1;
                }
                let start = j;
                while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                    j += 1;
                }
                if j > start {
                    out.push(HeredocMarker { delimiter: text[start..j].to_string(), strip_tabs });
                }
                i = j;
                continue;
            }
            None => {}
        }
        i += 1;
    }
    out
}

fn parse_flags(text: &MappedText) -> (Vec<Flag>, usize) {
    let mut flags = Vec::new();
    let value = &text.value;
    let mut pos = leading_ws(value);
    while value[pos..].starts_with("--") {
        let end = value[pos..].find(char::is_whitespace).map_or(value.len(), |e| pos + e);
        let token = &value[pos + 2..end];
        let (name, flag_value) = match token.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.trim_matches('"').to_string())),
            None => (token.to_string(), None),
        };
        flags.push(Flag { name, value: flag_value, span: text.source_span(pos, end) });
        pos = end + leading_ws(&value[end..]);
    }
    (flags, pos)
}

/// Parses a Dockerfile. Never fails: problems are collected in `errors`.
pub fn parse(source: &str) -> Dockerfile {
    let lines = lines(source);
    let mut file = Dockerfile {
        escape: '\\',
        directives: Vec::new(),
        instructions: Vec::new(),
        stages: Vec::new(),
        errors: Vec::new(),
        global_arg_defaults: std::collections::HashMap::new(),
        stage_names: std::collections::HashMap::new(),
    };
    let mut directives_allowed = true;
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        let trimmed = line.text.trim_start();
        if trimmed.is_empty() {
            directives_allowed = false;
            i += 1;
            continue;
        }
        if trimmed.starts_with('#') {
            match parse_directive(line.text).filter(|_| directives_allowed) {
                Some((name, value)) => {
                    if name == "escape" {
                        file.escape = if value == "`" { '`' } else { '\\' };
                    }
                    file.directives.push(Directive {
                        name,
                        value,
                        span: Span::new(line.start, line.start + line.text.len()),
                    });
                }
                None => directives_allowed = false,
            }
            i += 1;
            continue;
        }
        directives_allowed = false;
        i = parse_instruction(&lines, i, &mut file);
    }
    build_stages(&mut file);
    file.global_arg_defaults =
        file.global_args().flat_map(|i| i.key_values()).map(|(k, v)| (k.value, v.map(|w| w.value))).collect();
    file
}

/// Parses the instruction starting at line `first`; returns the next line index.
fn parse_instruction(lines: &[Line<'_>], first: usize, file: &mut Dockerfile) -> usize {
    let escape = file.escape;
    let line = &lines[first];
    let indent = leading_ws(line.text);
    let mut text = MappedText::new();
    let mut last = first;
    let mut piece = &line.text[indent..];
    let mut piece_start = line.start + indent;
    loop {
        match strip_continuation(piece, escape) {
            Some(stripped) => {
                text.push(stripped, piece_start);
                let mut next = last + 1;
                while next < lines.len() && {
                    let t = lines[next].text.trim_start();
                    t.starts_with('#') || t.is_empty()
                } {
                    next += 1;
                }
                if next >= lines.len() {
                    break;
                }
                last = next;
                piece = lines[next].text;
                piece_start = lines[next].start;
            }
            None => {
                text.push(piece, piece_start);
                break;
            }
        }
    }
    let keyword_len = text.value.find(char::is_whitespace).unwrap_or(text.value.len());
    let keyword = text.value[..keyword_len].to_ascii_uppercase();
    let keyword_span = text.source_span(0, keyword_len);
    let rest = text.slice(keyword_len, text.value.len());
    let (flags, args_start) = if TAKES_FLAGS.contains(&keyword.as_str()) {
        parse_flags(&rest)
    } else {
        (Vec::new(), leading_ws(&rest.value))
    };
    let args_text = rest.slice(args_start, rest.value.len());
    let args = match args_text.value.trim_start().starts_with('[').then(|| exec_words(&args_text)).flatten() {
        Some(words) => Args::Exec(words),
        None => {
            let trimmed_len = args_text.value.trim_end().len();
            Args::Shell(args_text.slice(0, trimmed_len))
        }
    };
    let mut end = lines[last].start + lines[last].text.len();
    let mut heredocs = Vec::new();
    if TAKES_HEREDOCS.contains(&keyword.as_str()) {
        for marker in heredoc_markers(&args_text.value) {
            let body_first = last + 1;
            let mut body = MappedText::new();
            let mut terminated = false;
            let mut j = body_first;
            while j < lines.len() {
                let candidate = if marker.strip_tabs { lines[j].text.trim_start_matches('\t') } else { lines[j].text };
                if candidate == marker.delimiter {
                    terminated = true;
                    break;
                }
                body.push(&format!("{}\n", lines[j].text), lines[j].start);
                j += 1;
            }
            let body_start = lines.get(body_first).map_or(end, |l| l.start);
            if !terminated {
                file.errors.push(ParseError {
                    message: format!("heredoc `{}` is never terminated", marker.delimiter),
                    span: Span::new(keyword_span.start, end),
                });
            }
            last = j.min(lines.len().saturating_sub(1));
            end = lines.get(last).map_or(end, |l| l.start + l.text.len());
            heredocs.push(Heredoc { delimiter: marker.delimiter, body, span: Span::new(body_start, end) });
        }
    }
    if !KNOWN_INSTRUCTIONS.contains(&keyword.as_str()) {
        file.errors.push(ParseError {
            message: format!("unknown instruction `{}`", &text.value[..keyword_len]),
            span: keyword_span,
        });
    }
    file.instructions.push(Instruction {
        escape,
        keyword,
        keyword_span,
        span: Span::new(keyword_span.start, end.max(keyword_span.end)),
        flags,
        args,
        heredocs,
    });
    last + 1
}

fn build_stages(file: &mut Dockerfile) {
    let froms: Vec<usize> =
        file.instructions.iter().enumerate().filter(|(_, i)| i.keyword == "FROM").map(|(n, _)| n).collect();
    if froms.is_empty() {
        if let Some(first) = file.instructions.first() {
            file.errors.push(ParseError { message: "no `FROM` instruction".into(), span: first.keyword_span });
        }
        return;
    }
    if let Some(stray) = file.instructions[..froms[0]].iter().find(|i| i.keyword != "ARG") {
        file.errors.push(ParseError {
            message: format!("`{}` before the first `FROM`", stray.keyword),
            span: stray.keyword_span,
        });
    }
    let mut nearest_named: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (index, &from) in froms.iter().enumerate() {
        let end = froms.get(index + 1).copied().unwrap_or(file.instructions.len());
        let instruction = &file.instructions[from];
        let words = instruction.words();
        let Some(image) = words.first().cloned() else {
            file.errors.push(ParseError { message: "`FROM` without an image".into(), span: instruction.keyword_span });
            continue;
        };
        let name = match words.get(1) {
            Some(w) if w.value.eq_ignore_ascii_case("as") => words.get(2).cloned(),
            _ => None,
        };
        let platform = instruction.flag("platform").and_then(|f| f.value.clone());
        let parent = nearest_named.get(&image.value.to_ascii_lowercase()).copied();
        let index = file.stages.len();
        if let Some(name) = &name {
            let key = name.value.to_ascii_lowercase();
            file.stage_names.entry(key.clone()).or_insert(index);
            nearest_named.insert(key, index);
        }
        file.stages.push(Stage { index, from, image, name, platform, instructions: from..end, parent });
    }
}
