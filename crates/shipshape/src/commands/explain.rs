use std::io::{self, Write};

use anyhow::{bail, Result};
use shipshape_linter::{docs, registry};

use crate::cli::ExplainArgs;
use crate::ExitStatus;

pub fn run(args: &ExplainArgs) -> Result<ExitStatus> {
    let id = args.rule.trim().trim_start_matches("shipshape/");
    let Some(rule) = registry::find(id) else {
        let near: Vec<&str> = registry::all()
            .iter()
            .map(|r| r.meta().id)
            .filter(|candidate| {
                candidate.contains(id) || id.split('-').filter(|w| w.len() > 2).any(|w| candidate.contains(w))
            })
            .take(5)
            .collect();
        if near.is_empty() {
            bail!("no rule `{id}` (see `shipshape rules`)");
        }
        bail!("no rule `{id}`; did you mean: {}?", near.join(", "));
    };
    let mut out = io::stdout().lock();
    write!(out, "{}", docs::rule_page(rule.meta()))?;
    out.flush()?;
    Ok(ExitStatus::Success)
}
