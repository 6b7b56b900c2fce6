//! A small, quote-aware shell tokenizer for `RUN` scripts: enough to find
//! commands, their words and how they are chained, with source spans.

use shipshape_diagnostics::Span;

use crate::parser::Word;
use crate::text::MappedText;

/// How a command is joined to the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    And,
    Or,
    Semicolon,
    Pipe,
    Background,
    Newline,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub words: Vec<Word>,
    /// The separator after this command, `None` for the last one.
    pub separator: Option<Separator>,
}

const SHELL_KEYWORDS: &[&str] =
    &["if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "case", "esac", "!", "{", "}", "time"];
const WRAPPERS: &[&str] = &["sudo", "env", "nohup", "exec", "command", "nice", "doas"];

fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

impl Command {
    /// Index of the program word, after assignments and shell keywords.
    fn program_index(&self) -> Option<usize> {
        self.words.iter().position(|w| !is_assignment(&w.value) && !SHELL_KEYWORDS.contains(&w.value.as_str()))
    }

    /// The first word that is run, as written (`sudo` included).
    pub fn program(&self) -> Option<&Word> {
        self.words.get(self.program_index()?)
    }

    /// Index of the program that does the work, past `sudo`, `env` and the like.
    fn effective_index(&self) -> Option<usize> {
        let mut index = self.program_index()?;
        while let Some(word) = self.words.get(index) {
            if !WRAPPERS.contains(&basename(&word.value)) {
                return Some(index);
            }
            index += 1;
            while let Some(next) = self.words.get(index) {
                let skip = next.value.starts_with('-') || is_assignment(&next.value);
                if !skip {
                    break;
                }
                index += 1;
            }
        }
        None
    }

    /// Base name of the program doing the work (`/usr/bin/apt-get` → `apt-get`).
    pub fn name(&self) -> Option<&str> {
        self.words.get(self.effective_index()?).map(|w| basename(&w.value))
    }

    pub fn name_word(&self) -> Option<&Word> {
        self.words.get(self.effective_index()?)
    }

    /// The words after the effective program.
    pub fn args(&self) -> &[Word] {
        match self.effective_index() {
            Some(i) => &self.words[i + 1..],
            None => &[],
        }
    }

    /// The first argument that is not an option.
    pub fn subcommand(&self) -> Option<&Word> {
        self.args().iter().find(|w| !w.value.starts_with('-'))
    }

    pub fn has_arg(&self, value: &str) -> bool {
        self.args().iter().any(|w| w.value == value)
    }

    /// True when a short flag (also inside a group like `-qy`) or a long
    /// flag (also as `--long=value`) is present.
    pub fn has_flag(&self, short: Option<char>, long: &[&str]) -> bool {
        self.args().iter().any(|w| {
            let v = w.value.as_str();
            if let Some(name) = v.strip_prefix("--") {
                let name = name.split('=').next().unwrap_or(name);
                return long.contains(&name);
            }
            match (short, v.strip_prefix('-')) {
                (Some(c), Some(group)) => {
                    !group.is_empty() && group.chars().all(|g| g.is_ascii_alphanumeric()) && group.contains(c)
                }
                _ => false,
            }
        })
    }

    pub fn span(&self) -> Span {
        match (self.words.first(), self.words.last()) {
            (Some(a), Some(b)) => a.span.cover(b.span),
            _ => Span::default(),
        }
    }
}

/// Where the tokenizer is inside `case … in … esac`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CaseState {
    /// Reading a pattern list (`amd64 | arm64)`), where `|` is not a pipe.
    Pattern,
    /// Reading the commands of a branch, up to `;;`.
    Body,
}

struct Tokenizer<'a> {
    text: &'a MappedText,
    chars: Vec<(usize, char)>,
    pos: usize,
    commands: Vec<Command>,
    words: Vec<Word>,
    word: String,
    word_start: Option<usize>,
    cases: Vec<CaseState>,
}

impl Tokenizer<'_> {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).map(|(_, c)| *c)
    }

    fn offset(&self) -> usize {
        self.chars.get(self.pos).map_or(self.text.value.len(), |(o, _)| *o)
    }

    fn begin_word(&mut self) {
        if self.word_start.is_none() {
            self.word_start = Some(self.offset());
        }
    }

    fn end_word(&mut self) {
        if let Some(start) = self.word_start.take() {
            let end = self.offset();
            self.words.push(Word { value: std::mem::take(&mut self.word), span: self.text.source_span(start, end) });
            self.track_case();
        }
    }

    /// Follows `case WORD in` and `esac` so that pattern alternatives are
    /// not read as pipes.
    fn track_case(&mut self) {
        let n = self.words.len();
        let last = self.words.last().map(|w| w.value.as_str());
        if last == Some("esac") && n == 1 && !self.cases.is_empty() {
            self.cases.pop();
            self.words.clear();
            return;
        }
        let opens_case = last == Some("in")
            && n >= 3
            && self.words.get(n - 3).is_some_and(|w| w.value == "case")
            && self.words.get(..n - 3).unwrap_or(&[]).iter().all(|w| SHELL_KEYWORDS.contains(&w.value.as_str()));
        if opens_case {
            self.commands
                .push(Command { words: std::mem::take(&mut self.words), separator: Some(Separator::Semicolon) });
            self.cases.push(CaseState::Pattern);
        }
    }

    /// Handles a character in a `case` pattern list; returns false when
    /// the normal rules apply.
    fn case_pattern_char(&mut self, c: char) -> bool {
        match c {
            '|' | ' ' | '\t' | '\r' | '\n' => {
                self.end_word();
                self.pos += 1;
                true
            }
            '(' if self.word_start.is_none() && self.words.is_empty() => {
                self.pos += 1;
                true
            }
            ')' => {
                self.word_start = None;
                self.word.clear();
                self.words.clear();
                if let Some(state) = self.cases.last_mut() {
                    *state = CaseState::Body;
                }
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    fn end_command(&mut self, separator: Separator) {
        self.end_word();
        if !self.words.is_empty() {
            self.commands.push(Command { words: std::mem::take(&mut self.words), separator: Some(separator) });
        }
    }

    /// Copies raw text up to the matching `close`, nesting on `open`.
    fn raw_until(&mut self, open: char, close: char) {
        let mut depth = 0usize;
        while let Some(c) = self.peek(0) {
            self.word.push(c);
            self.pos += 1;
            if c == open && open != close {
                depth += 1;
            } else if c == close {
                if depth <= 1 {
                    return;
                }
                depth -= 1;
            }
        }
    }

    fn run(mut self) -> Vec<Command> {
        while let Some(c) = self.peek(0) {
            if self.cases.last() == Some(&CaseState::Pattern) && self.case_pattern_char(c) {
                continue;
            }
            if c == ';' && self.peek(1) == Some(';') && self.cases.last() == Some(&CaseState::Body) {
                self.end_command(Separator::Semicolon);
                self.pos += if self.peek(2) == Some('&') { 3 } else { 2 };
                if let Some(state) = self.cases.last_mut() {
                    *state = CaseState::Pattern;
                }
                continue;
            }
            match c {
                ' ' | '\t' | '\r' => {
                    self.end_word();
                    self.pos += 1;
                }
                '\n' => {
                    self.end_command(Separator::Newline);
                    self.pos += 1;
                }
                '#' if self.word_start.is_none() => {
                    while self.peek(0).is_some_and(|c| c != '\n') {
                        self.pos += 1;
                    }
                }
                '\'' => {
                    self.begin_word();
                    self.pos += 1;
                    while let Some(c) = self.peek(0) {
                        self.pos += 1;
                        if c == '\'' {
                            break;
                        }
                        self.word.push(c);
                    }
                }
                '"' => {
                    self.begin_word();
                    self.pos += 1;
                    while let Some(c) = self.peek(0) {
                        self.pos += 1;
                        match c {
                            '"' => break,
                            '\\' => {
                                if let Some(next) = self.peek(0) {
                                    if !matches!(next, '"' | '\\' | '$' | '`') {
                                        self.word.push('\\');
                                    }
                                    if next != '\n' {
                                        self.word.push(next);
                                    }
                                    self.pos += 1;
                                }
                            }
                            _ => self.word.push(c),
                        }
                    }
                }
                '\\' => {
                    self.pos += 1;
                    match self.peek(0) {
                        Some('\n') => self.pos += 1,
                        Some(next) => {
                            self.begin_word();
                            self.word.push(next);
                            self.pos += 1;
                        }
                        None => {}
                    }
                }
                '$' if self.peek(1) == Some('(') => {
                    self.begin_word();
                    self.raw_until('(', ')');
                }
                '$' if self.peek(1) == Some('{') => {
                    self.begin_word();
                    self.raw_until('{', '}');
                }
                '`' => {
                    self.begin_word();
                    self.word.push('`');
                    self.pos += 1;
                    self.raw_until('`', '`');
                }
                '&' if self.peek(1) == Some('&') => {
                    self.end_command(Separator::And);
                    self.pos += 2;
                }
                '|' if self.peek(1) == Some('|') => {
                    self.end_command(Separator::Or);
                    self.pos += 2;
                }
                '|' => {
                    self.end_command(Separator::Pipe);
                    self.pos += 1;
                }
                ';' => {
                    self.end_command(Separator::Semicolon);
                    self.pos += 1;
                }
                '&' if !self.word.ends_with('>') && self.peek(1) != Some('>') => {
                    self.end_command(Separator::Background);
                    self.pos += 1;
                }
                '(' | ')' if self.word_start.is_none() => {
                    self.end_command(Separator::Semicolon);
                    self.pos += 1;
                }
                _ => {
                    self.begin_word();
                    self.word.push(c);
                    self.pos += 1;
                }
            }
        }
        self.end_word();
        if !self.words.is_empty() {
            self.commands.push(Command { words: std::mem::take(&mut self.words), separator: None });
        }
        if let Some(last) = self.commands.last_mut() {
            if last.separator == Some(Separator::Newline) {
                last.separator = None;
            }
        }
        self.commands
    }
}

/// Splits a script into commands.
pub fn commands(text: &MappedText) -> Vec<Command> {
    Tokenizer {
        text,
        chars: text.value.char_indices().collect(),
        pos: 0,
        commands: Vec::new(),
        words: Vec::new(),
        word: String::new(),
        word_start: None,
        cases: Vec::new(),
    }
    .run()
}

/// Splits text into words (quotes removed), ignoring command separators.
pub fn words(text: &MappedText) -> Vec<Word> {
    words_with_escape(text, '\\')
}

/// Like [`words`], with the escape character of the Dockerfile (`\` or
/// the `` ` `` of `# escape=``).
pub fn words_with_escape(text: &MappedText, escape: char) -> Vec<Word> {
    let escape = if escape.is_ascii() { escape as u8 } else { b'\\' };
    let mut out = Vec::new();
    let bytes = text.value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        let start = i;
        let mut value = String::new();
        let mut quote: Option<u8> = None;
        while i < bytes.len() {
            let b = bytes[i];
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => value.push(b as char),
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b.is_ascii_whitespace() => break,
                None if b == escape && i + 1 < bytes.len() => {
                    i += 1;
                    value.push(bytes[i] as char);
                }
                None => value.push(b as char),
            }
            i += 1;
        }
        // Re-read the word from the source to keep non-ASCII characters intact.
        let raw = text.value.get(start..i).unwrap_or("");
        if !raw.is_ascii() {
            value = raw.replace(['"', '\''], "");
        }
        out.push(Word { value, span: text.source_span(start, i) });
    }
    out
}
