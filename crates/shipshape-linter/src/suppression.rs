//! Inline suppressions: `# shipshape: ignore[rule-id, other-id] reason`,
//! and those of the tools shipshape replaces, so a repository that moves
//! over keeps its decisions: zizmor's `# zizmor: ignore[audit]`, hadolint's
//! `# hadolint ignore=DL3008,DL3009` and gitleaks' `gitleaks:allow` (every
//! secrets rule, on its own line), each mapped through [`crate::peer_ids`].
//!
//! A suppression applies to its own line when it trails code, and to the
//! next line that is not a comment when it stands alone on its line.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;
use shipshape_diagnostics::{LineIndex, Span};

use crate::rule::Domain;
use crate::{peer_ids, registry};

static SUPPRESSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"#\s*(?:(?P<tool>shipshape|zizmor):\s*ignore\[(?P<ids>[^\]]*)\](?P<reason>[^\n]*)|hadolint\s+ignore=(?P<dl>[A-Za-z0-9, ]+)|(?P<gitleaks>gitleaks:allow))",
    )
    .unwrap_or_else(|_| unreachable!("valid regex"))
});

/// Words that mark a suppression comment, for a quick look before the regex.
const MARKERS: &[&str] = &["shipshape:", "zizmor:", "hadolint", "gitleaks:allow"];

#[derive(Debug, Clone)]
pub struct Suppression {
    pub rules: Vec<String>,
    pub reason: String,
    /// Span of the comment.
    pub span: Span,
    /// 1-based line this suppression covers.
    pub target_line: usize,
    /// Last line covered: the end of a multi-line Dockerfile instruction
    /// that starts on `target_line` (else `target_line`).
    pub last_line: usize,
    /// The tool whose comment this is, when not shipshape's own: it needs
    /// no reason, and its ids are already mapped to rules.
    pub peer: Option<&'static str>,
}

impl Suppression {
    pub fn covers(&self, rule: &str, line: usize) -> bool {
        (self.target_line..=self.last_line.max(self.target_line)).contains(&line)
            && self.rules.iter().any(|r| r == rule || r == "all")
    }

    /// Extends suppressions that target the first line of a multi-line
    /// construct (`lines` holds 1-based first and last lines) to all of it.
    pub fn widen(suppressions: &mut [Suppression], lines: &[(usize, usize)]) {
        let last_by_first: HashMap<usize, usize> = lines.iter().copied().collect();
        for s in suppressions.iter_mut() {
            if let Some(last) = last_by_first.get(&s.target_line) {
                s.last_line = s.last_line.max(*last);
            }
        }
    }
}

/// The rules suppressed on each line of a file. Suppressions that cover
/// the same lines are merged first, so building and asking stay linear in
/// the file however many suppressions it holds.
#[derive(Debug, Default)]
pub struct SuppressedLines {
    ranges: Vec<SuppressedRange>,
    by_line: HashMap<usize, Vec<usize>>,
}

#[derive(Debug, Default)]
struct SuppressedRange {
    all: bool,
    rules: HashSet<String>,
}

impl SuppressedLines {
    pub fn new(suppressions: &[Suppression]) -> Self {
        let mut index: HashMap<(usize, usize), usize> = HashMap::new();
        let mut out = SuppressedLines::default();
        for s in suppressions {
            let range = (s.target_line, s.last_line.max(s.target_line));
            let id = *index.entry(range).or_insert_with(|| {
                out.ranges.push(SuppressedRange::default());
                for line in range.0..=range.1 {
                    out.by_line.entry(line).or_default().push(out.ranges.len() - 1);
                }
                out.ranges.len() - 1
            });
            if let Some(merged) = out.ranges.get_mut(id) {
                merged.all |= s.rules.iter().any(|r| r == "all");
                merged.rules.extend(s.rules.iter().cloned());
            }
        }
        out
    }

    pub fn covers(&self, rule: &str, line: usize) -> bool {
        self.by_line.get(&line).is_some_and(|ids| {
            ids.iter().filter_map(|id| self.ranges.get(*id)).any(|r| r.all || r.rules.contains(rule))
        })
    }
}

fn is_comment_only(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// Finds the suppressions of one file.
pub fn find(text: &str, index: &LineIndex) -> Vec<Suppression> {
    if !MARKERS.iter().any(|m| text.contains(m)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    // The line after the last run of comment lines scanned: a later comment
    // inside that run targets the same line, so no run is scanned twice.
    let mut scanned_to = 0;
    for caps in SUPPRESSION.captures_iter(text) {
        let Some(all) = caps.get(0) else { continue };
        let Some((rules, reason, peer)) = rules_of(&caps) else { continue };
        let line = index.line_of(all.start()) + 1;
        let own_line = index.line_text(text, line);
        let target_line = if is_comment_only(own_line) && peer != Some("gitleaks") {
            let mut next = (line + 1).max(scanned_to);
            while next <= index.line_count() && is_comment_only(index.line_text(text, next)) {
                next += 1;
            }
            scanned_to = next;
            next
        } else {
            line
        };
        out.push(Suppression {
            rules,
            reason,
            span: Span::new(all.start(), all.end()),
            target_line,
            last_line: target_line,
            peer,
        });
    }
    out
}

/// The rules a suppression comment names, its reason and its tool.
fn rules_of(caps: &regex::Captures<'_>) -> Option<(Vec<String>, String, Option<&'static str>)> {
    let split = |ids: &str| ids.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect();
    let mapped = |table, ids: &str| -> Vec<String> {
        let checks: Vec<String> = split(ids);
        checks.iter().flat_map(|check| peer_ids::rules_for(table, check)).map(|r| r.to_string()).collect()
    };
    if caps.name("gitleaks").is_some() {
        let secrets = registry::all().iter().map(|r| r.meta()).filter(|m| m.domains.contains(&Domain::Secrets));
        return Some((secrets.map(|m| m.id.to_string()).collect(), String::new(), Some("gitleaks")));
    }
    if let Some(dl) = caps.name("dl") {
        let rules = mapped(peer_ids::HADOLINT, dl.as_str());
        return (!rules.is_empty()).then_some((rules, String::new(), Some("hadolint")));
    }
    let ids = caps.name("ids")?.as_str();
    let reason = caps.name("reason").map_or("", |r| r.as_str()).trim().trim_start_matches(['-', ':', '—']).trim();
    if caps.name("tool").is_some_and(|t| t.as_str() == "zizmor") {
        let rules = mapped(peer_ids::ZIZMOR, ids);
        return (!rules.is_empty()).then_some((rules, reason.to_string(), Some("zizmor")));
    }
    Some((split(ids), reason.to_string(), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_and_standalone_comments() {
        let text = "a: 1 # shipshape: ignore[x] because\n# shipshape: ignore[y, z]\n# other comment\nb: 2\n";
        let index = LineIndex::new(text);
        let found = find(text, &index);
        assert_eq!(found.len(), 2);
        assert!(found[0].covers("x", 1));
        assert_eq!(found[0].reason, "because");
        assert!(found[1].covers("z", 4));
        assert!(found[1].reason.is_empty());
        let mut found = found;
        Suppression::widen(&mut found, &[(4, 6)]);
        assert!(found[1].covers("y", 6) && !found[1].covers("y", 7) && !found[0].covers("x", 2));
        let lines = SuppressedLines::new(&found);
        assert!(lines.covers("x", 1) && lines.covers("y", 5) && lines.covers("z", 6));
        assert!(!lines.covers("x", 4) && !lines.covers("y", 7) && !lines.covers("y", 1));
    }

    #[test]
    fn comment_runs_share_their_target() {
        let text = "# shipshape: ignore[a] r\n# shipshape: ignore[b] r\n\n# plain\n# shipshape: ignore[all] r\nx: 1\n";
        let index = LineIndex::new(text);
        let found = find(text, &index);
        let targets: Vec<usize> = found.iter().map(|s| s.target_line).collect();
        assert_eq!(targets, [3, 3, 6]);
        let lines = SuppressedLines::new(&found);
        assert!(lines.covers("a", 3) && lines.covers("b", 3) && lines.covers("anything", 6));
    }

    #[test]
    fn the_comments_of_the_tools_shipshape_replaces() {
        let text = "jobs: # zizmor: ignore[secrets-inherit]\n# hadolint ignore=DL4006,SC2086\nRUN curl x | sh\nkey = 1 # gitleaks:allow\n# zizmor: ignore[no-such-audit]\nx\n";
        let index = LineIndex::new(text);
        let found = find(text, &index);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!((found[0].peer, found[0].target_line), (Some("zizmor"), 1));
        assert!(found[0].covers("secrets-inherit", 1));
        assert_eq!((found[1].peer, found[1].target_line), (Some("hadolint"), 3));
        assert!(found[1].covers("pipe-without-pipefail", 3));
        assert_eq!((found[2].peer, found[2].target_line), (Some("gitleaks"), 4));
        assert!(found[2].covers("github-token", 4) && !found[2].covers("latest-image-tag", 4));
    }
}
