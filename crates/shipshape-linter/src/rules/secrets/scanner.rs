//! Pattern tables of the provider rules and the scanner they share.
//!
//! Every pattern names literal keywords (prefixes such as `ghp_`, or words
//! such as `datadog` that must be near the secret). A family's keywords are
//! found in one SIMD-accelerated pass of `aho-corasick`; a pattern's regex,
//! compiled on first use, then runs only on the lines where one of its
//! keywords occurs.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{Regex, RegexBuilder};
use shipshape_diagnostics::Span;

use super::evidence::{report_found, Evidence};
use crate::context::TextContext;
use crate::rule::Reporter;
use crate::secret_values::{is_documented_example, shannon_entropy};

/// The scanner of a family of provider patterns, the rule hook that runs
/// it over every text file, and a test that its patterns compile.
macro_rules! provider_family {
    ($rule:ident, $patterns:ident) => {
        pub(crate) static SCANNER: std::sync::LazyLock<$crate::rules::secrets::scanner::Scanner> =
            std::sync::LazyLock::new(|| $crate::rules::secrets::scanner::Scanner::new($patterns));

        impl $crate::rule::Rule for $rule {
            fn check_text(&self, cx: &$crate::context::TextContext<'_>, report: &mut $crate::rule::Reporter<'_>) {
                SCANNER.report_all(cx, report);
            }
        }

        #[cfg(test)]
        mod tests {
            #[test]
            fn patterns_compile() {
                $crate::rules::secrets::scanner::tests::assert_compiles(super::$patterns);
            }
        }
    };
}
pub(crate) use provider_family;

/// `name … = value` with the name matched case-insensitively.
macro_rules! named {
    ($name:literal, $value:literal) => {
        concat!(r#"(?i:"#, $name, r#")["']?\s*(?::=|=>|=|:)\s*["']?(?P<s>"#, $value, r#")(?:(?u:[^A-Za-z0-9_-])|$)"#)
    };
}
pub(crate) use named;

/// One kind of credential with a recognisable shape.
pub(crate) struct Pattern {
    /// What the finding calls it, e.g. "GitHub personal access token".
    pub name: &'static str,
    /// Literals of which at least one occurs in every match.
    pub keywords: &'static [&'static str],
    /// Keywords are words that may be written in any case (`datadog`,
    /// `DATADOG`, `Datadog`) rather than exact prefixes.
    pub any_case: bool,
    /// The regex; the group named `s`, when present, is the secret,
    /// otherwise the whole match is.
    pub regex: &'static str,
    /// Minimum Shannon entropy of the secret, in bits per character.
    pub entropy: f64,
    /// Further judgement of the secret (a checksum, a decoded header).
    pub check: Option<fn(&str) -> bool>,
    /// A keyword may occur inside a word (`T3BlbkFJ` in the middle of an
    /// OpenAI key); otherwise a keyword right after a letter or digit is
    /// part of something else and skipped without running the regex.
    pub infix: bool,
}

impl Pattern {
    /// A token recognised by its prefix.
    pub const fn prefixed(name: &'static str, keywords: &'static [&'static str], regex: &'static str) -> Self {
        Self { name, keywords, any_case: false, regex, entropy: 3.0, check: None, infix: false }
    }

    /// A secret recognised only next to a word naming the provider.
    pub const fn near(name: &'static str, words: &'static [&'static str], regex: &'static str) -> Self {
        Self { name, keywords: words, any_case: true, regex, entropy: 3.0, check: None, infix: true }
    }

    pub const fn infix(mut self) -> Self {
        self.infix = true;
        self
    }

    pub const fn entropy(mut self, bits: f64) -> Self {
        self.entropy = bits;
        self
    }

    pub const fn check(mut self, check: fn(&str) -> bool) -> Self {
        self.check = Some(check);
        self
    }
}

/// A secret found by a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    /// Index of the pattern in its table.
    pub pattern: usize,
    pub secret: Span,
}

/// The compiled form of one family's table.
pub(crate) struct Scanner {
    pub patterns: &'static [Pattern],
    literals: Literals,
    /// Literal index -> indexes in `patterns`.
    owners: Vec<Vec<usize>>,
    /// Compiled on the first keyword hit: most patterns never meet theirs.
    regexes: Vec<OnceLock<Option<Regex>>>,
}

/// Literals found with the SIMD prefilter of `aho-corasick`, which only
/// applies to automata of at most 64 exact literals: larger sets are split.
pub(crate) struct Literals {
    /// Each automaton with the literal index of each of its patterns.
    chunks: Vec<(AhoCorasick, Vec<usize>)>,
}

impl Literals {
    const CHUNK: usize = 60;

    pub fn new(literals: &[String]) -> Self {
        let indexed: Vec<(usize, &String)> = literals.iter().enumerate().collect();
        let chunks = indexed
            .chunks(Self::CHUNK)
            .filter_map(|chunk| {
                let automaton = AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(chunk.iter().map(|(_, l)| l.as_str()))
                    .ok()?;
                Some((automaton, chunk.iter().map(|(i, _)| *i).collect()))
            })
            .collect();
        Self { chunks }
    }

    #[cfg(test)]
    pub fn chunks_is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    /// Calls `found(start, literal index)` for every occurrence, automaton by
    /// automaton (so not in text order across automata).
    pub fn find(&self, text: &str, mut found: impl FnMut(usize, usize)) {
        for (automaton, indexes) in &self.chunks {
            for m in automaton.find_iter(text) {
                if let Some(&index) = indexes.get(m.pattern().as_usize()) {
                    found(m.start(), index);
                }
            }
        }
    }
}

/// A word as written, in lower case, upper case and capitalised.
pub(crate) fn case_variants(word: &str) -> Vec<String> {
    let mut capital = word.to_ascii_lowercase();
    if let Some(first) = capital.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    let mut out = vec![word.to_string(), word.to_ascii_lowercase(), word.to_ascii_uppercase(), capital];
    out.sort();
    out.dedup();
    out
}

impl Scanner {
    pub fn new(patterns: &'static [Pattern]) -> Self {
        let mut literals: Vec<String> = Vec::new();
        for pattern in patterns {
            for keyword in pattern.keywords {
                let variants = if pattern.any_case { case_variants(keyword) } else { vec![(*keyword).to_string()] };
                for variant in variants {
                    if !literals.contains(&variant) {
                        literals.push(variant);
                    }
                }
            }
        }
        // A non-overlapping search reports the longest literal at a place, so
        // a hit also stands for every pattern whose keyword is a prefix of it.
        let owners = literals
            .iter()
            .map(|literal| {
                let lower = literal.to_ascii_lowercase();
                (0..patterns.len())
                    .filter(|&index| {
                        patterns.get(index).is_some_and(|p| {
                            p.keywords.iter().any(|k| {
                                if p.any_case {
                                    lower.starts_with(&k.to_ascii_lowercase())
                                } else {
                                    literal.starts_with(k)
                                }
                            })
                        })
                    })
                    .collect()
            })
            .collect();
        let regexes = patterns.iter().map(|_| OnceLock::new()).collect();
        Self { patterns, literals: Literals::new(&literals), owners, regexes }
    }

    /// Every secret in `text`, in order, one per span (the first pattern of
    /// the table wins when two patterns find the same secret).
    pub fn scan(&self, text: &str) -> Vec<Hit> {
        let bytes = text.as_bytes();
        let mut done_line: Vec<Option<usize>> = vec![None; self.patterns.len()];
        let mut hits: Vec<Hit> = Vec::new();
        let mut line: (usize, usize) = (usize::MAX, 0);
        self.literals.find(text, |at, literal| {
            let Some(owners) = self.owners.get(literal) else { return };
            let after_word = at > 0 && bytes.get(at - 1).is_some_and(u8::is_ascii_alphanumeric);
            for &index in owners {
                if after_word && !self.patterns.get(index).is_some_and(|p| p.infix) {
                    continue;
                }
                if !(line.0..=line.1).contains(&at) {
                    line = line_bounds(bytes, at);
                }
                let (start, end) = line;
                if done_line.get(index).copied().flatten() == Some(start) {
                    continue;
                }
                if let Some(slot) = done_line.get_mut(index) {
                    *slot = Some(start);
                }
                let Some(line) = text.get(start..end) else { continue };
                self.scan_line(index, line, start, &mut hits);
            }
        });
        resolve_overlaps(hits)
    }

    fn scan_line(&self, index: usize, line: &str, offset: usize, out: &mut Vec<Hit>) {
        let (Some(pattern), Some(cell)) = (self.patterns.get(index), self.regexes.get(index)) else { return };
        let Some(regex) = cell.get_or_init(|| compile(pattern.regex)) else { return };
        for caps in regex.captures_iter(line) {
            let Some(whole) = caps.get(0) else { continue };
            let secret = caps.name("s").unwrap_or(whole);
            if !bounded(line.as_bytes(), whole.start(), whole.end()) {
                continue;
            }
            let value = secret.as_str();
            if shannon_entropy(value) < pattern.entropy || looks_fake(value) {
                continue;
            }
            if pattern.check.is_some_and(|check| !check(value)) {
                continue;
            }
            out.push(Hit { pattern: index, secret: Span::new(offset + secret.start(), offset + secret.end()) });
        }
    }

    /// Reports every secret of the file.
    pub fn report_all(&self, cx: &TextContext<'_>, report: &mut Reporter<'_>) {
        for hit in self.scan(cx.text) {
            let Some(pattern) = self.patterns.get(hit.pattern) else { continue };
            let value = cx.text.get(hit.secret.start..hit.secret.end).unwrap_or("");
            let evidence = Evidence::provider(value);
            let context = cx.class.context.at(hit.secret.start);
            report_found(report, &context, hit.secret, hit.secret, &found_message(pattern.name), &evidence);
        }
    }
}

/// Compiles a pattern with ASCII classes (`\w`, `\s`, `\b`), which build
/// much faster than Unicode ones, unless it needs Unicode to be valid on
/// `str`. `None` (the pattern is skipped) if it is invalid, which the unit
/// tests rule out.
pub(crate) fn compile(pattern: &str) -> Option<Regex> {
    RegexBuilder::new(pattern).unicode(false).build().or_else(|_| Regex::new(pattern)).ok()
}

/// The message of a provider finding; it never contains the secret.
pub(crate) fn found_message(name: &str) -> String {
    format!("{name} in plain text: revoke it and load it from a secret store at run time")
}

fn resolve_overlaps(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by_key(|h| (h.pattern, h.secret.start));
    // Kept hits never overlap, so among those starting before a hit ends,
    // the last one is the only one that can reach into it.
    let mut kept: BTreeMap<(usize, usize), Hit> = BTreeMap::new();
    for hit in hits {
        let overlaps = kept
            .range(..(hit.secret.end, 0))
            .next_back()
            .is_some_and(|(_, k)| k.secret.start < hit.secret.end && hit.secret.start < k.secret.end);
        if !overlaps {
            kept.insert((hit.secret.start, hit.pattern), hit);
        }
    }
    kept.into_values().collect()
}

/// The byte range of the line holding `at`, without its line break.
pub(crate) fn line_bounds(bytes: &[u8], at: usize) -> (usize, usize) {
    let at = at.min(bytes.len());
    let start = bytes.get(..at).and_then(|b| b.iter().rposition(|c| *c == b'\n')).map_or(0, |p| p + 1);
    let end = bytes.get(at..).and_then(|b| b.iter().position(|c| *c == b'\n')).map_or(bytes.len(), |p| at + p);
    let end = if end > start && bytes.get(end - 1) == Some(&b'\r') { end - 1 } else { end };
    (start, end)
}

/// A match that begins or ends in the middle of a longer word is part of
/// something else (a hash, an identifier).
fn bounded(line: &[u8], start: usize, end: usize) -> bool {
    let word = |b: Option<&u8>| b.is_some_and(|c| c.is_ascii_alphanumeric());
    let begins_word = word(line.get(start));
    let ends_word = word(line.get(end.wrapping_sub(1)));
    let glued_before = begins_word && start > 0 && word(line.get(start - 1));
    let glued_after = ends_word && word(line.get(end));
    !glued_before && !glued_after
}

/// Markers of documentation tokens: masks, placeholders, counting runs.
const FAKE_MARKERS: &[&str] = &[
    "XXXX",
    "xxxx",
    "****",
    "....",
    "…",
    "EXAMPLE",
    "example",
    "Example",
    "YOUR",
    "your",
    "Your",
    "REPLACE",
    "replace",
    "0123456789",
    "123456789",
    "abcdefghij",
    "ABCDEFGHIJ",
    "1234567890",
    "zzzzz",
    "00000000",
];

/// True for tokens that are visibly made up (`ghp_xxxx…`, `AKIA…EXAMPLE`,
/// `sk_live_1234567890abcdef…`) or published as a provider's example.
pub(crate) fn looks_fake(secret: &str) -> bool {
    FAKE_MARKERS.iter().any(|m| secret.contains(m)) || is_documented_example(secret)
}

/// Standard base64 or base64url decoding (padding optional); `None` when
/// `text` is not base64.
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for byte in text.trim_end_matches('=').bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Asserts every pattern of a table compiles.
    pub(crate) fn assert_compiles(patterns: &[Pattern]) {
        for pattern in patterns {
            // ASCII mode: Unicode classes (`[^\n]{0,40}`) build slowly and use much memory.
            let ascii = RegexBuilder::new(pattern.regex).unicode(false).build();
            assert!(ascii.is_ok(), "{}: regex does not compile in ASCII mode: {ascii:?}", pattern.name);
            assert!(!pattern.keywords.is_empty(), "{}: no keyword", pattern.name);
        }
    }

    #[test]
    fn line_bounds_and_word_bounds() {
        let text = b"a\r\nbc token\nd";
        assert_eq!(line_bounds(text, 5), (3, 11));
        assert_eq!(line_bounds(text, 0), (0, 1));
        assert_eq!(line_bounds(text, 13), (12, 13));
        assert!(bounded(b"x ghp_1 y", 2, 7));
        assert!(!bounded(b"xghp_1 y", 1, 6));
        assert!(!bounded(b"x ghp_1y", 2, 7));
    }

    #[test]
    fn base64() {
        assert_eq!(decode_base64("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(decode_base64("aGVsbG8").as_deref(), Some(&b"hello"[..]));
        assert!(decode_base64("not base64!").is_none());
    }
}
