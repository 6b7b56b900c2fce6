//! `--format json`: a stable, versioned schema with its own structs.

use serde::Serialize;
use std::io::{self, Write};

use crate::Finding;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    path: &'a str,
    line: usize,
    end_line: usize,
    column: usize,
    end_column: usize,
    message: &'a str,
    fingerprint: &'a str,
}

pub fn render(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    let report = Report {
        version: 1,
        findings: findings
            .iter()
            .map(|f| JsonFinding {
                rule: f.rule,
                severity: f.severity.as_str(),
                path: &f.path,
                line: f.line,
                end_line: f.end_line,
                column: f.column,
                end_column: f.end_column,
                message: &f.message,
                fingerprint: &f.fingerprint,
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
