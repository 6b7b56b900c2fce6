//! Developer tasks:
//! - `cargo run -p shipshape-dev -- docs [--check]`: writes `docs/rules/*.md`
//!   from the rules' doc comments, or (with `--check`) fails when they differ.
//! - `cargo run -p shipshape-dev -- planted DIR`: writes the planted-defect
//!   sets (`bad/`, `clean/`) with their fake secrets filled in, to run peer
//!   tools on them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn docs(check: bool) -> Result<ExitCode> {
    let root = repo_root();
    let mut stale = Vec::new();
    let files = shipshape_linter::docs::generated_files();
    for (relative, contents) in &files {
        let path = root.join(relative);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != *contents {
            if check {
                stale.push(relative.clone());
            } else {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(&path, contents).with_context(|| format!("writing {}", path.display()))?;
            }
        }
    }
    let expected: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    for entry in std::fs::read_dir(root.join("docs/rules"))? {
        let name = format!("docs/rules/{}", entry?.file_name().to_string_lossy());
        if !expected.contains(&name.as_str()) {
            if check {
                stale.push(format!("{name} (no such rule)"));
            } else {
                std::fs::remove_file(root.join(&name))?;
            }
        }
    }
    if !stale.is_empty() {
        eprintln!("stale rule docs; run `cargo run -p shipshape-dev -- docs`:\n  {}", stale.join("\n  "));
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn planted(target: &Path) -> Result<ExitCode> {
    let source = repo_root().join("crates/shipshape/tests/planted");
    for set in ["bad", "clean"] {
        shipshape_testkit::materialize(&source.join(set), &target.join(set))
            .with_context(|| format!("writing {}", target.join(set).display()))?;
    }
    std::fs::copy(source.join("expected.tsv"), target.join("expected.tsv"))?;
    eprintln!("wrote {}/{{bad,clean,expected.tsv}}", target.display());
    Ok(ExitCode::SUCCESS)
}

fn main() -> Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match (args.first().map(String::as_str), args.get(1)) {
        (Some("docs"), _) => docs(args.iter().any(|a| a == "--check")),
        (Some("planted"), Some(dir)) => planted(Path::new(dir)),
        _ => bail!("usage: shipshape-dev docs [--check] | shipshape-dev planted DIR"),
    }
}
