use anyhow::Result;

use crate::cli::InitArgs;
use crate::ExitStatus;

pub fn run(args: &InitArgs) -> Result<ExitStatus> {
    let _plan = shipshape_init::make_plan(&args.choices.path, &args.choices.options())?;
    anyhow::bail!("init: writers are not implemented yet")
}
