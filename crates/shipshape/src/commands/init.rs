use std::path::Path;

use anyhow::{Context, Result};
use shipshape_init::settings::{self, InitConfig};
use shipshape_init::write::{self, GeneratedFile};

use crate::cli::InitArgs;
use crate::ExitStatus;

/// What `init` does with one file.
enum Action {
    Create,
    Overwrite,
    Unchanged,
    Refuse,
}

pub fn run(args: &InitArgs) -> Result<ExitStatus> {
    let root = &args.choices.path;
    let plan = shipshape_init::make_plan(root, &args.choices.options())?;
    let mut files = write::kit(&plan);
    let config_path = root.join(settings::CONFIG_FILE_NAME);
    let existing_config = std::fs::read_to_string(&config_path).ok();
    let config_text = settings::merged_config_text(existing_config.as_deref(), &InitConfig::from_plan(&plan))
        .map_err(|message| anyhow::anyhow!("{}: {message}", config_path.display()))?;
    files.push(GeneratedFile { path: settings::CONFIG_FILE_NAME.to_string(), contents: config_text });

    let actions: Vec<(&GeneratedFile, Action)> = files.iter().map(|f| (f, action(root, f, args.force))).collect();
    let refused = actions.iter().filter(|(_, a)| matches!(a, Action::Refuse)).count();
    for (file, action) in &actions {
        let verb = match action {
            Action::Create => "create",
            Action::Overwrite => "overwrite",
            Action::Unchanged => "unchanged",
            Action::Refuse => "exists, kept",
        };
        eprintln!("{verb:>12}  {}", file.path);
    }
    if args.dry_run {
        eprintln!("dry run: nothing written");
        return Ok(ExitStatus::Success);
    }
    if refused > 0 {
        eprintln!(
            "shipshape: {refused} file(s) already exist and differ from what init would write; nothing was written. \
             Re-run with --force to overwrite them, or --dry-run to list them."
        );
        return Ok(ExitStatus::Failure);
    }
    let mut written = 0;
    for (file, action) in &actions {
        if matches!(action, Action::Create | Action::Overwrite) {
            write_file(root, file)?;
            written += 1;
        }
    }
    if written == 0 {
        eprintln!("shipshape: every file is already as init would write it; nothing to do");
    } else {
        eprintln!("shipshape: wrote {written} file(s). Review them, then run `shipshape check {}`.", root.display());
    }
    Ok(ExitStatus::Success)
}

fn action(root: &Path, file: &GeneratedFile, force: bool) -> Action {
    match std::fs::read_to_string(root.join(&file.path)) {
        Err(_) if !root.join(&file.path).exists() => Action::Create,
        Ok(current) if current == file.contents => Action::Unchanged,
        _ if force => Action::Overwrite,
        _ => Action::Refuse,
    }
}

fn write_file(root: &Path, file: &GeneratedFile) -> Result<()> {
    let path = root.join(&file.path);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(&path, &file.contents).with_context(|| format!("writing {}", path.display()))
}
