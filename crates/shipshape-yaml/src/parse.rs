use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser, ScalarStyle as SaphyrStyle, Span as SaphyrSpan};
use shipshape_diagnostics::Span;

use crate::node::{Entry, Node, NodeKind, Scalar, ScalarStyle, MERGE_KEY};

const MAX_DEPTH: usize = 256;
const ALIAS_BUDGET: usize = 200_000;

/// One YAML document of a stream.
#[derive(Debug, Clone)]
pub struct Document {
    pub root: Node,
    /// 0-based position of the document in its file.
    pub index: usize,
    /// Keys written twice in one mapping; `root` keeps the last of each.
    pub duplicate_keys: Vec<DuplicateKey>,
}

/// A mapping key written again after an earlier key with the same text.
///
/// The mapping keeps only the later entry (its value wins, as in PyYAML and
/// go-yaml maps), so rules see what those consumers see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    /// The later key, which is kept.
    pub span: Span,
    /// The earlier key, which is dropped.
    pub first: Span,
}

impl DuplicateKey {
    fn map_spans(&mut self, f: impl Fn(Span) -> Span) {
        self.span = f(self.span);
        self.first = f(self.first);
    }
}

/// The documents that parsed, and the error that stopped parsing, if any.
#[derive(Debug, Clone, Default)]
pub struct ParsedYaml {
    pub documents: Vec<Document>,
    pub error: Option<YamlError>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    pub message: String,
    /// Byte offset where parsing failed.
    pub offset: usize,
}

/// Converts the parser's character indices into byte offsets.
struct CharToByte {
    offsets: Option<Vec<usize>>,
    len: usize,
}

impl CharToByte {
    fn new(text: &str) -> Self {
        let offsets = (!text.is_ascii()).then(|| text.char_indices().map(|(b, _)| b).collect());
        Self { offsets, len: text.len() }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.offsets {
            None => char_index.min(self.len),
            Some(offsets) => offsets.get(char_index).copied().unwrap_or(self.len),
        }
    }

    fn span(&self, span: &SaphyrSpan) -> Span {
        Span::new(self.byte(span.start.index()), self.byte(span.end.index()))
    }
}

enum Frame {
    Sequence { items: Vec<Node>, start: usize, anchor: usize, tag: Option<String> },
    Mapping { entries: Vec<Entry>, key: Option<Node>, start: usize, anchor: usize, tag: Option<String> },
}

struct Builder {
    stack: Vec<Frame>,
    root: Option<Node>,
    anchors: HashMap<usize, (Node, usize)>,
    alias_budget: usize,
    duplicates: Vec<DuplicateKey>,
}

/// Drops every entry whose scalar key is written again later in the same
/// mapping, recording each pair. Merge keys (`<<`) may repeat.
/// The text of a scalar key other than `<<`.
fn key_of(entry: &Entry) -> Option<&str> {
    entry.key.scalar().map(|s| s.value.as_str()).filter(|k| *k != MERGE_KEY)
}

fn keep_last_of_duplicates(entries: &mut Vec<Entry>, out: &mut Vec<DuplicateKey>) {
    // Most mappings are small: compare pairwise there, without allocating.
    let small = entries.len() <= 16;
    if entries.len() < 2
        || small
            && !entries
                .iter()
                .enumerate()
                .any(|(i, e)| key_of(e).is_some_and(|k| entries.iter().take(i).any(|p| key_of(p) == Some(k))))
    {
        return;
    }
    // Walking backwards, `next` holds the nearest later entry of each key.
    let mut next: HashMap<&str, usize> = HashMap::new();
    let mut dropped = HashSet::new();
    let mut found = Vec::new();
    for (index, entry) in entries.iter().enumerate().rev() {
        let Some(key) = key_of(entry) else { continue };
        if let Some(later) = next.insert(key, index).and_then(|i| entries.get(i)) {
            dropped.insert(index);
            found.push(DuplicateKey { key: key.to_string(), span: later.key.span, first: entry.key.span });
        }
    }
    if dropped.is_empty() {
        return;
    }
    out.extend(found.into_iter().rev());
    let mut index = 0;
    entries.retain(|_| {
        let keep = !dropped.contains(&index);
        index += 1;
        keep
    });
}

fn node_size(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Scalar(_) => 1,
        NodeKind::Sequence(items) => 1 + items.iter().map(node_size).sum::<usize>(),
        NodeKind::Mapping(entries) => {
            1 + entries.iter().map(|e| node_size(&e.key) + node_size(&e.value)).sum::<usize>()
        }
    }
}

impl Builder {
    fn attach(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push(Entry { key: k, value: node }),
            },
        }
    }

    fn remember(&mut self, anchor: usize, node: &Node) {
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), node_size(node)));
        }
    }

    fn push(&mut self, frame: Frame, at: usize) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError { message: format!("nesting deeper than {MAX_DEPTH} levels"), offset: at });
        }
        self.stack.push(frame);
        Ok(())
    }

    fn close(&mut self, end: usize) -> Option<()> {
        let (kind, start, anchor, tag) = match self.stack.pop()? {
            Frame::Sequence { items, start, anchor, tag } => (NodeKind::Sequence(items), start, anchor, tag),
            Frame::Mapping { mut entries, key, start, anchor, tag } => {
                if let Some(key) = key {
                    let at = key.span.end;
                    entries.push(Entry { key, value: null_at(at) });
                }
                keep_last_of_duplicates(&mut entries, &mut self.duplicates);
                (NodeKind::Mapping(entries), start, anchor, tag)
            }
        };
        let last_child_end = match &kind {
            NodeKind::Sequence(items) => items.last().map(|n| n.span.end),
            NodeKind::Mapping(entries) => entries.last().map(|e| e.value.span.end.max(e.key.span.end)),
            NodeKind::Scalar(_) => None,
        };
        let end = last_child_end.unwrap_or(end).max(start);
        let node = Node { kind, span: Span::new(start, end), tag };
        self.remember(anchor, &node);
        self.attach(node);
        Some(())
    }
}

fn null_at(at: usize) -> Node {
    Node {
        kind: NodeKind::Scalar(Scalar { value: String::new(), style: ScalarStyle::Plain }),
        span: Span::empty(at),
        tag: None,
    }
}

fn style(style: SaphyrStyle) -> ScalarStyle {
    match style {
        SaphyrStyle::Plain => ScalarStyle::Plain,
        SaphyrStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        SaphyrStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        SaphyrStyle::Literal => ScalarStyle::Literal,
        SaphyrStyle::Folded => ScalarStyle::Folded,
    }
}

/// Parses every document of a YAML stream, stopping at the first error.
///
/// Like the YAML libraries Kubernetes and most tools use (libyaml, go-yaml),
/// this accepts continuation lines of multi-line quoted scalars and flow
/// collections that are indented only as far as their parent key, which
/// `saphyr-parser` rejects: such files are re-parsed with those lines indented
/// one more space, and every span is mapped back to the original text.
pub fn parse(text: &str) -> ParsedYaml {
    parse_at(text, 0)
}

/// Like [`parse`], with every node span shifted by `base` (errors keep
/// offsets into `text`).
pub fn parse_at(text: &str, base: usize) -> ParsedYaml {
    let mut parsed = parse_local(text);
    if base > 0 {
        for document in &mut parsed.documents {
            shift_node(&mut document.root, base);
            document.duplicate_keys.iter_mut().for_each(|d| d.map_spans(|s| s.shift(base)));
        }
    }
    parsed
}

fn shift_node(node: &mut Node, by: usize) {
    node.span = node.span.shift(by);
    match &mut node.kind {
        NodeKind::Scalar(_) => {}
        NodeKind::Sequence(items) => items.iter_mut().for_each(|n| shift_node(n, by)),
        NodeKind::Mapping(entries) => entries.iter_mut().for_each(|e| {
            shift_node(&mut e.key, by);
            shift_node(&mut e.value, by);
        }),
    }
}

fn parse_local(text: &str) -> ParsedYaml {
    let first = parse_exact(text);
    let Some(mut error) = first.error.clone() else { return first };
    let mut shadow = Shadow { original: text, insertions: Vec::new() };
    let mut same_error = 0;
    for _ in 0..MAX_LENIENT_RETRIES {
        if !is_indentation_error(&error) || !shadow.indent_more(&error) {
            break;
        }
        let text = shadow.text();
        let attempt = parse_exact(&text);
        match attempt.error {
            None => return shadow.map_back(attempt),
            Some(next) if next == error => {
                same_error += 1;
                if same_error >= MAX_EXTRA_INDENT {
                    break;
                }
            }
            Some(next) if next.offset > error.offset => {
                same_error = 0;
                error = next;
            }
            Some(_) => break,
        }
    }
    first
}

const MAX_LENIENT_RETRIES: usize = 256;
/// How many spaces a line may be short of what saphyr-parser wants.
const MAX_EXTRA_INDENT: usize = 8;

fn is_indentation_error(error: &YamlError) -> bool {
    error.message.starts_with("invalid indentation")
}

/// The original text with single spaces inserted at some line starts.
struct Shadow<'a> {
    original: &'a str,
    /// Byte offsets in the original text where a space is inserted, sorted.
    insertions: Vec<usize>,
}

impl Shadow<'_> {
    fn text(&self) -> String {
        let mut out = String::with_capacity(self.original.len() + self.insertions.len());
        let mut cursor = 0;
        for &at in &self.insertions {
            out.push_str(self.original.get(cursor..at).unwrap_or(""));
            out.push(' ');
            cursor = at;
        }
        out.push_str(self.original.get(cursor..).unwrap_or(""));
        out
    }

    fn to_original(&self, offset: usize) -> usize {
        let before = self.insertions.iter().enumerate().take_while(|(i, at)| **at + i < offset).count();
        offset.saturating_sub(before).min(self.original.len())
    }

    fn insert_at_line_start(&mut self, shadow_line_start: usize) {
        let at = self.to_original(shadow_line_start);
        let index = self.insertions.partition_point(|p| *p <= at);
        self.insertions.insert(index, at);
    }

    /// Indents the lines the error is about; false when there is nothing
    /// to indent. Continuation lines of a quoted scalar move right of the
    /// key that holds it; any other offending line moves one space.
    fn indent_more(&mut self, error: &YamlError) -> bool {
        let text = self.text();
        let Some(rest) = text.get(error.offset..) else { return false };
        let line_start = text.get(..error.offset).and_then(|t| t.rfind('\n')).map_or(0, |n| n + 1);
        let mut moves: Vec<(usize, usize)> = Vec::new();
        if error.message.contains("quoted scalar") {
            let line = text.get(line_start..error.offset).unwrap_or("");
            let key_column = line.len() - line.trim_start_matches([' ', '-']).len();
            for continuation in quoted_continuation_lines(rest) {
                let start = error.offset + continuation;
                let indent = text.get(start..).map_or(0, |t| t.len() - t.trim_start_matches(' ').len());
                if indent <= key_column {
                    moves.push((start, key_column + 1 - indent));
                }
            }
        } else {
            moves.push((line_start, 1));
        }
        for (start, spaces) in moves.iter().rev() {
            for _ in 0..*spaces {
                self.insert_at_line_start(*start);
            }
        }
        !moves.is_empty()
    }

    fn map_back(&self, mut parsed: ParsedYaml) -> ParsedYaml {
        for document in &mut parsed.documents {
            self.map_node(&mut document.root);
            document.duplicate_keys.iter_mut().for_each(|d| {
                d.map_spans(|s| Span::new(self.to_original(s.start), self.to_original(s.end)));
            });
        }
        parsed
    }

    fn map_node(&self, node: &mut Node) {
        node.span = Span::new(self.to_original(node.span.start), self.to_original(node.span.end));
        match &mut node.kind {
            NodeKind::Scalar(_) => {}
            NodeKind::Sequence(items) => items.iter_mut().for_each(|n| self.map_node(n)),
            NodeKind::Mapping(entries) => entries.iter_mut().for_each(|e| {
                self.map_node(&mut e.key);
                self.map_node(&mut e.value);
            }),
        }
    }
}

/// Offsets (in `scalar`, which starts at its opening quote) of the lines a
/// quoted scalar continues on.
fn quoted_continuation_lines(scalar: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut chars = scalar.char_indices().peekable();
    let Some((_, quote)) = chars.next().filter(|(_, c)| *c == '\'' || *c == '"') else { return out };
    let mut escaped = false;
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if quote == '"' && !escaped => {
                escaped = true;
                continue;
            }
            '\n' => out.push(i + 1),
            '\'' if quote == '\'' => {
                if chars.peek().is_some_and(|(_, next)| *next == '\'') {
                    chars.next();
                } else {
                    break;
                }
            }
            '"' if quote == '"' && !escaped => break,
            _ => {}
        }
        escaped = false;
    }
    out
}

fn parse_exact(text: &str) -> ParsedYaml {
    let map = CharToByte::new(text);
    let mut out = ParsedYaml::default();
    let mut builder = Builder {
        stack: Vec::new(),
        root: None,
        anchors: HashMap::new(),
        alias_budget: ALIAS_BUDGET,
        duplicates: Vec::new(),
    };
    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(pair) => pair,
            Err(error) => {
                out.error =
                    Some(YamlError { message: error.info().to_string(), offset: map.byte(error.marker().index()) });
                return out;
            }
        };
        let span = map.span(&span);
        let result = match event {
            Event::DocumentStart(_) => {
                builder.stack.clear();
                builder.root = None;
                builder.anchors.clear();
                builder.duplicates.clear();
                Ok(())
            }
            Event::DocumentEnd => {
                if let Some(root) = builder.root.take() {
                    let index = out.documents.len();
                    let duplicate_keys = std::mem::take(&mut builder.duplicates);
                    out.documents.push(Document { root, index, duplicate_keys });
                }
                Ok(())
            }
            Event::Scalar(value, scalar_style, anchor, tag) => {
                let node = Node {
                    kind: NodeKind::Scalar(Scalar { value: value.into_owned(), style: style(scalar_style) }),
                    span,
                    tag: tag.map(|t| format!("{}{}", t.handle, t.suffix)),
                };
                builder.remember(anchor, &node);
                builder.attach(node);
                Ok(())
            }
            Event::SequenceStart(anchor, tag) => builder.push(
                Frame::Sequence {
                    items: Vec::new(),
                    start: span.start,
                    anchor,
                    tag: tag.map(|t| format!("{}{}", t.handle, t.suffix)),
                },
                span.start,
            ),
            Event::MappingStart(anchor, tag) => builder.push(
                Frame::Mapping {
                    entries: Vec::new(),
                    key: None,
                    start: span.start,
                    anchor,
                    tag: tag.map(|t| format!("{}{}", t.handle, t.suffix)),
                },
                span.start,
            ),
            Event::SequenceEnd | Event::MappingEnd => {
                builder.close(span.end);
                Ok(())
            }
            Event::Alias(anchor) => match builder.anchors.get(&anchor) {
                Some((node, size)) if *size <= builder.alias_budget => {
                    builder.alias_budget -= size;
                    let mut copy = node.clone();
                    copy.span = span;
                    builder.attach(copy);
                    Ok(())
                }
                Some(_) => Err(YamlError { message: "aliases expand to too many nodes".into(), offset: span.start }),
                None => Err(YamlError { message: "alias to an unknown anchor".into(), offset: span.start }),
            },
            Event::StreamStart | Event::StreamEnd | Event::Nothing => Ok(()),
        };
        if let Err(error) = result {
            out.error = Some(error);
            return out;
        }
    }
    out
}
