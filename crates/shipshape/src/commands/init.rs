use std::path::Path;

use anyhow::{Context, Result};
use shipshape_init::safe_write::{self, Current, WriteError};
use shipshape_init::settings::{self, InitConfig};
use shipshape_init::write::{self, GeneratedFile};

use crate::cli::InitArgs;
use crate::ExitStatus;

/// What `init` does with one file.
enum Action {
    Create,
    /// Replace the file, whose current contents are kept as a backup.
    Overwrite(Vec<u8>),
    Unchanged,
    /// A file that differs from the kit's: kept (without `--force`).
    Keep,
    /// A symbolic link or a path leaving the target: never written.
    Unsafe(WriteError),
}

pub fn run(args: &InitArgs) -> Result<ExitStatus> {
    let root = &args.choices.path;
    let options = shipshape_init::PlanOptions { replace_existing: args.force, ..args.choices.options() };
    let plan = shipshape_init::make_plan(root, &options)?;
    // Every default the kit rests on, also listed in DEPLOYMENT.md.
    for item in write::checklist(&plan) {
        eprintln!("warning: {item}");
    }
    let mut files = write::kit(&plan);
    let config_path = root.join(settings::CONFIG_FILE_NAME);
    let existing_config = match safe_write::read_current(root, settings::CONFIG_FILE_NAME) {
        Ok(Current::File(bytes)) => String::from_utf8(bytes).ok(),
        Ok(Current::Missing) | Err(_) => None,
    };
    let config_text = settings::merged_config_text(existing_config.as_deref(), &InitConfig::from_plan(&plan))
        .map_err(|message| anyhow::anyhow!("{}: {message}", config_path.display()))?;
    // In a subfolder of a git repository the kit is written from the
    // repository's top (CI only runs from there); its paths say where.
    let repo_dir = plan.delivery.repo_dir.as_str();
    let config_rel = if repo_dir == "." {
        settings::CONFIG_FILE_NAME.to_string()
    } else {
        eprintln!("shipshape: {} is `{repo_dir}` of a git repository: CI goes to the repository's top", root.display());
        format!("{repo_dir}/{}", settings::CONFIG_FILE_NAME)
    };
    files.push(GeneratedFile { path: config_rel, contents: config_text });
    let write_root = shipshape_init::write_root(root, &plan);
    let root = write_root.as_path();

    let actions: Vec<(&GeneratedFile, Action)> = files.iter().map(|f| (f, action(root, f, args.force))).collect();
    let unsafe_paths = actions.iter().filter(|(_, a)| matches!(a, Action::Unsafe(_))).count();
    for (file, action) in &actions {
        let verb = match action {
            Action::Create => "create",
            Action::Overwrite(_) => "overwrite",
            Action::Unchanged => "unchanged",
            Action::Keep => "kept",
            Action::Unsafe(_) => "refused",
        };
        eprintln!("{verb:>12}  {}", file.path);
    }
    for (_, action) in &actions {
        if let Action::Unsafe(error) = action {
            eprintln!("shipshape: {error}");
        }
    }
    if args.dry_run {
        eprintln!("dry run: nothing written");
        return Ok(ExitStatus::Success);
    }
    if unsafe_paths > 0 {
        eprintln!(
            "shipshape: {unsafe_paths} path(s) cannot be written safely inside {} (see above); nothing was written.",
            root.display()
        );
        return Ok(ExitStatus::Failure);
    }
    let kept = actions.iter().filter(|(_, a)| matches!(a, Action::Keep)).count();
    if kept > 0 {
        eprintln!(
            "shipshape: kept {kept} file(s) that differ from what init would write (the checklist above says what the kit assumes of each); \
             --force replaces them, backing each up under {}/.",
            safe_write::BACKUP_DIR
        );
    }
    let replaces_any = actions.iter().any(|(_, a)| matches!(a, Action::Overwrite(_)));
    let backup_dir = if replaces_any { safe_write::new_backup_dir(root)? } else { String::new() };
    let mut written = 0;
    for (file, action) in &actions {
        match action {
            Action::Create => {}
            Action::Overwrite(old) => {
                let backup = safe_write::backup_path(&backup_dir, &file.path);
                safe_write::write_file(root, &backup, old).with_context(|| format!("backing up {}", file.path))?;
                eprintln!("shipshape: kept the previous {} as {backup}", file.path);
            }
            Action::Unchanged | Action::Keep | Action::Unsafe(_) => continue,
        }
        safe_write::write_file(root, &file.path, file.contents.as_bytes())?;
        written += 1;
    }
    if written == 0 && kept > 0 {
        eprintln!("shipshape: nothing else to write");
    } else if written == 0 {
        eprintln!("shipshape: every file is already as init would write it; nothing to do");
    } else {
        eprintln!("shipshape: wrote {written} file(s). Review them, then run `shipshape check {}`.", root.display());
    }
    Ok(ExitStatus::Success)
}

fn action(root: &Path, file: &GeneratedFile, force: bool) -> Action {
    match safe_write::read_current(root, &file.path) {
        Err(error) => Action::Unsafe(error),
        Ok(Current::Missing) => Action::Create,
        Ok(Current::File(current)) if current == file.contents.as_bytes() => Action::Unchanged,
        Ok(Current::File(current)) if force => Action::Overwrite(current),
        Ok(Current::File(_)) => Action::Keep,
    }
}
