//! GitHub Actions expressions (`${{ … }}`): finding them in YAML scalars
//! with exact positions, parsing them, and the contexts whose value can
//! reach the expression's result.

use shipshape_diagnostics::Span;
use shipshape_yaml::Node;

/// One `${{ … }}` found in a scalar.
#[derive(Debug, Clone)]
pub(crate) struct Expression {
    /// Global span of the whole `${{ … }}`.
    pub span: Span,
    /// The text between `${{` and `}}`.
    pub inner: String,
}

/// Byte ranges (start of `${{`, end after `}}`) of the expressions in `text`.
/// String literals inside an expression may contain `}}`.
pub(crate) fn scan(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(found) = text.get(i..).and_then(|t| t.find("${{")) {
        let start = i + found;
        let mut j = start + 3;
        let mut in_string = false;
        let mut end = None;
        while j < bytes.len() {
            match bytes[j] {
                b'\'' if in_string && bytes.get(j + 1) == Some(&b'\'') => j += 1,
                b'\'' => in_string = !in_string,
                b'}' if !in_string && bytes.get(j + 1) == Some(&b'}') => {
                    end = Some(j + 2);
                    break;
                }
                _ => {}
            }
            j += 1;
        }
        match end {
            Some(end) => {
                out.push((start, end));
                i = end;
            }
            None => break,
        }
    }
    out
}

/// The expressions of a scalar node, positioned in the source text
/// (`text` is the file, `base` its global offset). Falls back to the node's
/// span when the source does not hold the value (an alias).
pub(crate) fn expressions_in(node: &Node, text: &str, base: usize) -> Vec<Expression> {
    let Some(value) = node.as_str() else { return Vec::new() };
    if !value.contains("${{") {
        return Vec::new();
    }
    let local_start = node.span.start.saturating_sub(base);
    let local_end = node.span.end.saturating_sub(base);
    let source = text.get(local_start..local_end).unwrap_or("");
    let found = scan(source);
    if !found.is_empty() {
        return found
            .into_iter()
            .map(|(s, e)| Expression {
                span: Span::new(base + local_start + s, base + local_start + e),
                inner: inner_of(source.get(s..e).unwrap_or("")),
            })
            .collect();
    }
    // An alias: look for the expressions after its anchor.
    let anchor = anchor_of(source, text);
    scan(value)
        .into_iter()
        .map(|(s, e)| {
            let written = value.get(s..e).unwrap_or("");
            let span = anchor
                .and_then(|at| {
                    let window = text.get(at..(at + value.len() * 2 + 256).min(text.len()))?;
                    window.find(written).map(|found| Span::new(base + at + found, base + at + found + written.len()))
                })
                .unwrap_or(node.span);
            Expression { span, inner: inner_of(written) }
        })
        .collect()
}

/// For an alias (`*name`), the offset just after its anchor (`&name`).
fn anchor_of(source: &str, text: &str) -> Option<usize> {
    let name = source.strip_prefix('*')?;
    let name = name.split(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}')).next()?;
    if name.is_empty() {
        return None;
    }
    let needle = format!("&{name}");
    let mut from = 0;
    while let Some(found) = text.get(from..).and_then(|t| t.find(&needle)) {
        let end = from + found + needle.len();
        if text.get(end..).and_then(|t| t.chars().next()).is_none_or(char::is_whitespace) {
            return Some(end);
        }
        from = end;
    }
    None
}

/// The text of `${{ x }}` without its delimiters, with block-scalar line
/// breaks and indentation folded to single spaces.
fn inner_of(whole: &str) -> String {
    let inner = whole.strip_prefix("${{").and_then(|t| t.strip_suffix("}}")).unwrap_or(whole);
    if inner.contains('\n') {
        inner.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        inner.trim().to_string()
    }
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Literal,
    /// A context path as written, computed indices as `*`
    /// (`github.event.commits.*.message`).
    Context(String),
    /// A member or index of a computed value (`fromJSON(x).y`).
    Member(Box<Expr>),
    Call(String, Vec<Expr>),
    Not(Box<Expr>),
    /// Comparisons: always a boolean.
    Compare(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Number,
    Dot,
    Star,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Comma,
    Not,
    And,
    Or,
    Cmp,
}

fn tokenize(text: &str) -> Option<Vec<Token>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'\'' => {
                i += 1;
                let start = i;
                loop {
                    match bytes.get(i) {
                        None => return None,
                        Some(b'\'') if bytes.get(i + 1) == Some(&b'\'') => i += 2,
                        Some(b'\'') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                let literal = text.get(start..i.saturating_sub(1)).unwrap_or("").replace("''", "'");
                out.push(Token::Str(literal));
            }
            b'.' if !bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                out.push(Token::Dot);
                i += 1;
            }
            b'*' => {
                out.push(Token::Star);
                i += 1;
            }
            b'[' => {
                out.push(Token::LBracket);
                i += 1;
            }
            b']' => {
                out.push(Token::RBracket);
                i += 1;
            }
            b'(' => {
                out.push(Token::LParen);
                i += 1;
            }
            b')' => {
                out.push(Token::RParen);
                i += 1;
            }
            b',' => {
                out.push(Token::Comma);
                i += 1;
            }
            b'!' if bytes.get(i + 1) == Some(&b'=') => {
                out.push(Token::Cmp);
                i += 2;
            }
            b'!' => {
                out.push(Token::Not);
                i += 1;
            }
            b'=' if bytes.get(i + 1) == Some(&b'=') => {
                out.push(Token::Cmp);
                i += 2;
            }
            b'<' | b'>' => {
                out.push(Token::Cmp);
                i += if bytes.get(i + 1) == Some(&b'=') { 2 } else { 1 };
            }
            b'&' if bytes.get(i + 1) == Some(&b'&') => {
                out.push(Token::And);
                i += 2;
            }
            b'|' if bytes.get(i + 1) == Some(&b'|') => {
                out.push(Token::Or);
                i += 2;
            }
            b'0'..=b'9' | b'-' | b'.' => {
                i += 1;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'.' | b'+' | b'-')) {
                    i += 1;
                }
                out.push(Token::Number);
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'-')) {
                    i += 1;
                }
                out.push(Token::Ident(text.get(start..i).unwrap_or("").to_string()));
            }
            _ => return None,
        }
    }
    Some(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
}

const MAX_DEPTH: usize = 64;
pub(crate) const MAX_TOKENS: usize = 2048;

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn eat(&mut self, token: &Token) -> bool {
        if self.peek() == Some(token) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Option<Expr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let mut left = self.and()?;
        while self.eat(&Token::Or) {
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        self.depth -= 1;
        Some(left)
    }

    fn and(&mut self) -> Option<Expr> {
        let mut left = self.compare()?;
        while self.eat(&Token::And) {
            let right = self.compare()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Some(left)
    }

    fn compare(&mut self) -> Option<Expr> {
        let mut left = self.unary()?;
        while self.eat(&Token::Cmp) {
            let right = self.unary()?;
            left = Expr::Compare(Box::new(left), Box::new(right));
        }
        Some(left)
    }

    fn unary(&mut self) -> Option<Expr> {
        if self.eat(&Token::Not) {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return None;
            }
            let inner = self.unary()?;
            self.depth -= 1;
            return Some(Expr::Not(Box::new(inner)));
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Option<Expr> {
        let mut expr = self.primary()?;
        loop {
            if self.eat(&Token::Dot) {
                let part = match self.tokens.get(self.at)? {
                    Token::Ident(name) => name.clone(),
                    Token::Star => "*".to_string(),
                    _ => return None,
                };
                self.at += 1;
                expr = extend(expr, &part);
            } else if self.eat(&Token::LBracket) {
                // A literal key names a member; anything else (a context
                // used as an index selects, it does not flow) is `*`.
                let part = match self.tokens.get(self.at) {
                    Some(Token::Str(key)) if self.tokens.get(self.at + 1) == Some(&Token::RBracket) => {
                        self.at += 1;
                        key.clone()
                    }
                    _ => {
                        self.or()?;
                        "*".to_string()
                    }
                };
                if !self.eat(&Token::RBracket) {
                    return None;
                }
                expr = extend(expr, &part);
            } else {
                return Some(expr);
            }
        }
    }

    fn primary(&mut self) -> Option<Expr> {
        match self.tokens.get(self.at)?.clone() {
            Token::Str(_) | Token::Number => {
                self.at += 1;
                Some(Expr::Literal)
            }
            Token::LParen => {
                self.at += 1;
                let inner = self.or()?;
                self.eat(&Token::RParen).then_some(inner)
            }
            Token::Ident(name) => {
                self.at += 1;
                if self.eat(&Token::LParen) {
                    let mut args = Vec::new();
                    if !self.eat(&Token::RParen) {
                        loop {
                            args.push(self.or()?);
                            if self.eat(&Token::RParen) {
                                break;
                            }
                            if !self.eat(&Token::Comma) {
                                return None;
                            }
                        }
                    }
                    Some(Expr::Call(name.to_ascii_lowercase(), args))
                } else if matches!(name.to_ascii_lowercase().as_str(), "true" | "false" | "null" | "nan" | "infinity") {
                    Some(Expr::Literal)
                } else {
                    Some(Expr::Context(name))
                }
            }
            _ => None,
        }
    }
}

/// `expr.part`: a longer context path, or a member of a computed value.
fn extend(expr: Expr, part: &str) -> Expr {
    match expr {
        Expr::Context(path) => Expr::Context(format!("{path}.{part}")),
        Expr::Or(a, b) => Expr::Or(Box::new(extend(*a, part)), Box::new(extend(*b, part))),
        Expr::And(a, b) => Expr::And(a, Box::new(extend(*b, part))),
        Expr::Member(inner) => Expr::Member(inner),
        other => Expr::Member(Box::new(other)),
    }
}

/// True when the inside of `${{ }}` has more tokens than [`parse`] reads.
pub(crate) fn exceeds_budget(inner: &str) -> bool {
    tokenize(inner).is_some_and(|tokens| tokens.len() > MAX_TOKENS)
}

/// Parses the inside of `${{ }}`; `None` when it is not an expression.
pub(crate) fn parse(inner: &str) -> Option<Expr> {
    let tokens = tokenize(inner)?;
    // Trees are walked recursively: bound their size.
    if tokens.len() > MAX_TOKENS {
        return None;
    }
    let mut parser = Parser { tokens, at: 0, depth: 0 };
    let expr = parser.or()?;
    (parser.at == parser.tokens.len()).then_some(expr)
}

/// Functions whose result carries no text of their arguments.
const OPAQUE_FUNCTIONS: &[&str] =
    &["contains", "startswith", "endswith", "success", "failure", "always", "cancelled", "hashfiles"];

/// The context paths whose value can reach the result of `expr` (as text).
pub(crate) fn dataflow_contexts(expr: &Expr) -> Vec<String> {
    let mut out = Vec::new();
    flow(expr, &mut out);
    out
}

fn flow(expr: &Expr, out: &mut Vec<String>) {
    match expr {
        Expr::Literal | Expr::Not(_) | Expr::Compare(..) => {}
        Expr::Context(path) => out.push(path.clone()),
        Expr::Member(inner) => flow(inner, out),
        Expr::Call(name, args) => {
            if !OPAQUE_FUNCTIONS.contains(&name.as_str()) {
                args.iter().for_each(|a| flow(a, out));
            }
        }
        // `a && b` is `b` or a falsy `a` (false, '', 0, null).
        Expr::And(_, right) => flow(right, out),
        Expr::Or(left, right) => {
            flow(left, out);
            flow(right, out);
        }
    }
}

/// How far the value of a context can be chosen by someone outside the
/// repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Trust {
    /// A value GitHub computes (SHAs, ids, numbers, the repository name).
    Fixed,
    /// Set by someone with some access, or computed at run time (inputs,
    /// step outputs, branch names, dynamic matrices).
    Indirect,
    /// Free text anyone can write: titles, bodies, comments, commit
    /// messages, fork branch names.
    Attacker,
}

/// Objects of `github.event` that carry attacker-written text somewhere below.
const ATTACKER_OBJECTS: &[&str] = &[
    "event",
    "pull_request",
    "issue",
    "comment",
    "review",
    "review_comment",
    "head_commit",
    "commits",
    "discussion",
    "answer",
    "head",
    "author",
    "committer",
    "pages",
    "workflow_run",
];

/// Objects written only by people with triage or write access (labels,
/// milestones, releases, the repository's own settings): their text is not
/// attacker-controlled, unless reached through a fork's `head`.
const MAINTAINER_OBJECTS: &[&str] = &["label", "labels", "milestone", "release", "repository", "organization"];

/// Fields of `github.event` objects that are free text anyone can write.
const ATTACKER_FIELDS: &[&str] =
    &["title", "body", "message", "head_ref", "head_branch", "display_title", "page_name", "email", "description"];

/// Fields a fork's owner writes on the fork (`pull_request.head.repo.*`).
const FORK_FIELDS: &[&str] = &["default_branch", "description", "homepage"];

/// The trust of a `github.event.…` path (segments after `github.event`).
fn event_trust(segments: &[&str]) -> Trust {
    let Some(last) = segments.last() else { return Trust::Attacker };
    let previous = segments.len().checked_sub(2).and_then(|i| segments.get(i)).copied().unwrap_or("");
    if segments.first() == Some(&"inputs") || segments.first() == Some(&"client_payload") {
        return Trust::Indirect;
    }
    let through_fork = segments.iter().any(|s| matches!(*s, "head" | "head_repository"));
    if (matches!(*last, "ref" | "label") && previous == "head") || (FORK_FIELDS.contains(last) && through_fork) {
        return Trust::Attacker;
    }
    // `changes.<field>.from`: the text before an edit.
    let field = if *last == "from" { previous } else { last };
    let free_text = ATTACKER_FIELDS.contains(&field)
        || (*last == "name" && matches!(previous, "author" | "committer" | "pusher"))
        || (*last == "*" && matches!(previous, "commits" | "pages"))
        || ATTACKER_OBJECTS.contains(last);
    if free_text {
        let maintainer_written = !through_fork && segments.iter().any(|s| MAINTAINER_OBJECTS.contains(s));
        return if maintainer_written { Trust::Indirect } else { Trust::Attacker };
    }
    // Label, milestone and release names are text, written by triage/write users.
    let named_by_maintainers = *last == "name" && segments.iter().any(|s| matches!(*s, "label" | "labels" | "release"));
    if named_by_maintainers || matches!(*last, "label" | "labels" | "milestone" | "release") {
        return Trust::Indirect;
    }
    // Branch and tag names other than a fork's head are chosen by people
    // who can push.
    if matches!(*last, "ref" | "base_ref") {
        return Trust::Indirect;
    }
    let fixed = matches!(
        *last,
        "number"
            | "id"
            | "sha"
            | "before"
            | "after"
            | "state"
            | "draft"
            | "merged"
            | "locked"
            | "type"
            | "action"
            | "node_id"
            | "url"
            | "html_url"
            | "additions"
            | "deletions"
            | "changed_files"
            | "author_association"
            | "site_admin"
            | "private"
            | "fork"
            | "visibility"
            | "forced"
            | "created"
            | "deleted"
            | "login"
            | "full_name"
            | "conclusion"
            | "status"
            | "run_number"
            | "run_attempt"
            | "event"
            | "merge_commit_sha"
            | "repository"
            | "name"
    ) || last.ends_with("_id")
        || last.ends_with("_sha")
        || last.ends_with("_at")
        || last.ends_with("_count")
        || last.ends_with("_url");
    if fixed {
        Trust::Fixed
    } else {
        Trust::Indirect
    }
}

/// The trust of a context path, before looking at the workflow (inputs,
/// env and matrix values are refined by the caller).
pub(crate) fn context_trust(path: &str) -> Trust {
    let path = path.to_ascii_lowercase();
    let segments: Vec<&str> = path.split('.').collect();
    match segments.as_slice() {
        ["github", "event", rest @ ..] => event_trust(rest),
        ["github", "head_ref"] => Trust::Attacker,
        ["github", "ref" | "ref_name" | "base_ref"] => Trust::Indirect,
        ["github", ..] => Trust::Fixed,
        ["secrets", ..] | ["vars", ..] | ["runner", ..] | ["job", ..] | ["strategy", ..] => Trust::Fixed,
        ["steps", _, "outcome" | "conclusion"] | ["needs", _, "result"] => Trust::Fixed,
        ["steps" | "needs" | "jobs", ..] => Trust::Indirect,
        _ => Trust::Indirect,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flows(inner: &str) -> Vec<String> {
        dataflow_contexts(&parse(inner).unwrap_or(Expr::Literal))
    }

    #[test]
    fn scans_expressions_with_braces_in_strings() {
        let text = "echo ${{ format('{0}}}', github.sha) }} and ${{ x }} ${{ unterminated";
        let found = scan(text);
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[1].0..found[1].1], "${{ x }}");
    }

    #[test]
    fn dataflow() {
        assert_eq!(flows("github.event.issue.title"), ["github.event.issue.title"]);
        assert_eq!(flows("github.event.commits[0].message"), ["github.event.commits.*.message"]);
        assert_eq!(flows("github.event['pull_request'].title"), ["github.event.pull_request.title"]);
        assert_eq!(flows("needs['test-matrix']['result']"), ["needs.test-matrix.result"]);
        assert_eq!(flows("secrets[format('{0}', inputs.name)]"), ["secrets.*"]);
        assert!(flows("github.event.issue.title == 'x'").is_empty());
        assert!(flows("contains(github.event.issue.title, 'x')").is_empty());
        assert_eq!(flows("a.b && c.d || e.f"), ["c.d", "e.f"]);
        assert_eq!(flows("toJSON(github.event)"), ["github.event"]);
        assert_eq!(flows("fromJson(steps.x.outputs.data).runs[0].id"), ["steps.x.outputs.data"]);
        assert_eq!(
            flows("(github.event.pull_request || github.event.issue).number"),
            ["github.event.pull_request.number", "github.event.issue.number"]
        );
        assert!(parse("a ==").is_none());
        assert!(parse(&"(".repeat(10_000)).is_none());
        assert!(parse(&vec!["a"; 100_000].join(" || ")).is_none());
    }

    #[test]
    fn trust() {
        assert_eq!(context_trust("github.event.issue.title"), Trust::Attacker);
        assert_eq!(context_trust("github.event.pull_request.head.ref"), Trust::Attacker);
        assert_eq!(context_trust("github.head_ref"), Trust::Attacker);
        assert_eq!(context_trust("github.event.head_commit.author.name"), Trust::Attacker);
        assert_eq!(context_trust("github.event.pull_request.head.label"), Trust::Attacker);
        assert_eq!(context_trust("github.event.pull_request.head.repo.description"), Trust::Attacker);
        assert_eq!(context_trust("github.event.changes.body.from"), Trust::Attacker);
        // Labels, milestones and releases are written by triage/write users.
        assert_eq!(context_trust("github.event.label.name"), Trust::Indirect);
        assert_eq!(context_trust("github.event.pull_request.labels.*.name"), Trust::Indirect);
        assert_eq!(context_trust("github.event.issue.milestone.title"), Trust::Indirect);
        assert_eq!(context_trust("github.event.release.body"), Trust::Indirect);
        assert_eq!(context_trust("github.event.repository.description"), Trust::Indirect);
        assert_eq!(context_trust("github.event.repository.name"), Trust::Fixed);
        assert_eq!(context_trust("github.event.repository.html_url"), Trust::Fixed);
        assert_eq!(context_trust("github.event.pull_request.number"), Trust::Fixed);
        assert_eq!(context_trust("github.event.pull_request.head.sha"), Trust::Fixed);
        assert_eq!(context_trust("github.event.pull_request.base.ref"), Trust::Indirect);
        assert_eq!(context_trust("github.sha"), Trust::Fixed);
        assert_eq!(context_trust("inputs.name"), Trust::Indirect);
        assert_eq!(context_trust("steps.x.outputs.y"), Trust::Indirect);
        assert_eq!(context_trust("steps.x.outcome"), Trust::Fixed);
    }
}
