use std::io::{self, Write};

use anyhow::Result;
use serde::Serialize;
use shipshape_linter::registry;

use crate::cli::{ListFormat, RulesArgs};
use crate::ExitStatus;

#[derive(Serialize)]
struct RuleEntry<'a> {
    id: &'a str,
    severity: &'a str,
    domains: Vec<&'a str>,
    enabled_by_default: bool,
    summary: &'a str,
    help_uri: String,
}

pub fn run(args: &RulesArgs) -> Result<ExitStatus> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    let entries: Vec<RuleEntry<'_>> = registry::all()
        .iter()
        .map(|r| {
            let meta = r.meta();
            RuleEntry {
                id: meta.id,
                severity: meta.severity.as_str(),
                domains: meta.domains.iter().map(|d| d.as_str()).collect(),
                enabled_by_default: meta.enabled_by_default,
                summary: meta.summary,
                help_uri: shipshape_linter::help_uri(meta.id),
            }
        })
        .collect();
    match args.format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &entries)?;
            writeln!(out)?;
        }
        ListFormat::Text => {
            let width = entries.iter().map(|e| e.id.len()).max().unwrap_or(0);
            for e in &entries {
                let off = if e.enabled_by_default { "" } else { " (off by default)" };
                writeln!(out, "{:width$}  {:7}  {:10}  {}{}", e.id, e.severity, e.domains.join(","), e.summary, off)?;
            }
            writeln!(out, "\n{} rules. `shipshape explain RULE` prints a rule's documentation.", entries.len())?;
        }
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}
