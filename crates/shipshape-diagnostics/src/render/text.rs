//! `--format text`: one block per finding with the source line marked.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::{Finding, Severity};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";

pub struct TextOptions {
    pub color: bool,
    /// Link printed under each finding; `{id}` is replaced by the rule id.
    pub help_uri: fn(&str) -> String,
}

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

fn severity_color(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => RED,
        Severity::Warning => YELLOW,
        Severity::Info => CYAN,
    }
}

pub fn render(out: &mut dyn Write, findings: &[Finding], options: &TextOptions) -> io::Result<()> {
    let paint = Paint(options.color);
    for f in findings {
        let level = paint.wrap(severity_color(f.severity), f.severity.as_str());
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            paint.wrap(BOLD, &f.path),
            f.line,
            f.column,
            level,
            paint.wrap(BOLD, f.rule),
            f.message
        )?;
        write_snippet(out, f, &paint)?;
        writeln!(out, "   {} {}", paint.wrap(DIM, "= help:"), (options.help_uri)(f.rule))?;
        writeln!(out)?;
    }
    write_summary(out, findings)
}

fn write_snippet(out: &mut dyn Write, f: &Finding, paint: &Paint) -> io::Result<()> {
    if f.snippet.is_empty() {
        return Ok(());
    }
    let last_line = f.line + f.snippet.len() - 1;
    let width = last_line.to_string().len();
    let bar = paint.wrap(DIM, "|");
    writeln!(out, "{:width$} {bar}", "")?;
    for (i, text) in f.snippet.iter().enumerate() {
        let number = f.line + i;
        writeln!(out, "{} {bar} {}", paint.wrap(DIM, &format!("{number:>width$}")), text)?;
        if i == 0 {
            let text_width = text.chars().count();
            let start = f.column.saturating_sub(1).min(text_width);
            let end = if f.end_line == f.line { f.end_column.saturating_sub(1) } else { text_width };
            let marks = end.saturating_sub(start).max(1);
            let marker = paint.wrap(severity_color(f.severity), &"^".repeat(marks));
            writeln!(out, "{:width$} {bar} {}{}", "", " ".repeat(start), marker)?;
        }
    }
    Ok(())
}

fn write_summary(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    if findings.is_empty() {
        return writeln!(out, "No findings.");
    }
    let mut by_severity: BTreeMap<Severity, usize> = BTreeMap::new();
    for f in findings {
        *by_severity.entry(f.severity).or_default() += 1;
    }
    let files = findings.iter().map(|f| &f.path).collect::<std::collections::BTreeSet<_>>().len();
    let parts: Vec<String> = by_severity.iter().rev().map(|(severity, count)| format!("{count} {severity}")).collect();
    writeln!(
        out,
        "Found {} finding{} in {} file{} ({}).",
        findings.len(),
        if findings.len() == 1 { "" } else { "s" },
        files,
        if files == 1 { "" } else { "s" },
        parts.join(", ")
    )
}
