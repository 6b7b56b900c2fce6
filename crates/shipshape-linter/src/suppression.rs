//! Inline suppressions: `# shipshape: ignore[rule-id, other-id] reason`.
//!
//! A suppression applies to its own line when it trails code, and to the
//! next line that is not a comment when it stands alone on its line.

use std::sync::LazyLock;

use regex::Regex;
use shipshape_diagnostics::{LineIndex, Span};

static SUPPRESSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"#\s*shipshape:\s*ignore\[([^\]]*)\]([^\n]*)").unwrap_or_else(|_| unreachable!("valid regex"))
});

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
}

impl Suppression {
    pub fn covers(&self, rule: &str, line: usize) -> bool {
        (self.target_line..=self.last_line.max(self.target_line)).contains(&line)
            && self.rules.iter().any(|r| r == rule || r == "all")
    }

    /// Extends suppressions that target the first line of a multi-line
    /// construct (`lines` holds 1-based first and last lines) to all of it.
    pub fn widen(suppressions: &mut [Suppression], lines: &[(usize, usize)]) {
        for s in suppressions.iter_mut() {
            if let Some((_, last)) = lines.iter().find(|(first, _)| *first == s.target_line) {
                s.last_line = s.last_line.max(*last);
            }
        }
    }
}

fn is_comment_only(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// Finds the suppressions of one file.
pub fn find(text: &str, index: &LineIndex) -> Vec<Suppression> {
    if !text.contains("shipshape:") {
        return Vec::new();
    }
    let mut out = Vec::new();
    for caps in SUPPRESSION.captures_iter(text) {
        let (Some(all), Some(ids), Some(reason)) = (caps.get(0), caps.get(1), caps.get(2)) else {
            continue;
        };
        let line = index.line_of(all.start()) + 1;
        let own_line = index.line_text(text, line);
        let target_line = if is_comment_only(own_line) {
            let mut next = line + 1;
            while next <= index.line_count() && is_comment_only(index.line_text(text, next)) {
                next += 1;
            }
            next
        } else {
            line
        };
        out.push(Suppression {
            rules: ids.as_str().split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
            reason: reason.as_str().trim().trim_start_matches(['-', ':', '—']).trim().to_string(),
            span: Span::new(all.start(), all.end()),
            target_line,
            last_line: target_line,
        });
    }
    out
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
    }
}
