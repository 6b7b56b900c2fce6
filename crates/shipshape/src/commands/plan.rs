use std::io::{self, Write};

use anyhow::Result;

use crate::cli::PlanArgs;
use crate::ExitStatus;

pub fn run(args: &PlanArgs) -> Result<ExitStatus> {
    let plan = shipshape_init::make_plan(&args.choices.path, &args.choices.options())?;
    for warning in &plan.warnings {
        eprintln!("warning: {warning}");
    }
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &plan)?;
    writeln!(out)?;
    Ok(ExitStatus::Success)
}
