//! Walks a path and classifies what it finds.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use globset::GlobSet;

/// What a file is, for choosing rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FileKind {
    Dockerfile,
    /// A YAML file that may hold Kubernetes objects.
    Yaml,
    /// A file scanned for secrets only.
    #[default]
    Text,
}

#[derive(Debug, Clone)]
pub struct DiscoveredFile {
    pub path: PathBuf,
    /// Relative to the scanned root, `/`-separated.
    pub relative: String,
    pub kind: FileKind,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoveryError {
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
    #[error("{path}: {source}")]
    Unreadable { path: String, source: std::io::Error },
}

/// A path the walk could not enter or read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkError {
    /// Relative to the scanned root, `/`-separated (the root itself when empty).
    pub path: String,
    pub message: String,
    /// True for an I/O error (files left unread); false for a problem such
    /// as a bad glob in an ignore file.
    pub io: bool,
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<DiscoveredFile>,
    pub errors: Vec<WalkError>,
}

pub struct DiscoveryOptions<'a> {
    pub respect_ignore_files: bool,
    pub exclude: &'a GlobSet,
}

/// Extensions that make a `Dockerfile-…` name something else.
const NOT_DOCKERFILE_EXTENSIONS: &[&str] =
    &["yml", "yaml", "json", "md", "txt", "sh", "py", "toml", "cfg", "ini", "lock", "rst", "html", "j2", "tpl"];

pub fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".dockerignore") || lower.ends_with(".containerignore") {
        return false;
    }
    // `Dockerfile-dev`, `Dockerfile_windows`, but not `dockerfile-lint.yml`.
    let suffixed =
        ["dockerfile-", "dockerfile_", "containerfile-", "containerfile_"].iter().any(|p| lower.starts_with(p))
            && !lower.rsplit_once('.').is_some_and(|(_, ext)| NOT_DOCKERFILE_EXTENSIONS.contains(&ext));
    lower == "dockerfile"
        || lower == "containerfile"
        || suffixed
        || lower.starts_with("dockerfile.")
        || lower.starts_with("containerfile.")
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
}

fn classify(name: &str) -> FileKind {
    if is_dockerfile_name(name) {
        return FileKind::Dockerfile;
    }
    if crate::roles::is_yaml_name(name) {
        FileKind::Yaml
    } else {
        FileKind::Text
    }
}

/// The relative path of `path` under `root`, `/`-separated.
pub fn relative_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let text = relative.to_string_lossy().replace('\\', "/");
    if text.is_empty() {
        path.file_name().map_or_else(|| path.to_string_lossy().into_owned(), |n| n.to_string_lossy().into_owned())
    } else {
        text
    }
}

/// Lists the files under `root` (or `root` itself when it is a file), sorted,
/// and every path the walk could not read.
pub fn discover(root: &Path, options: &DiscoveryOptions<'_>) -> Result<Discovery, DiscoveryError> {
    match std::fs::symlink_metadata(root) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(DiscoveryError::NotFound { path: root.display().to_string() })
        }
        Err(source) => return Err(DiscoveryError::Unreadable { path: root.display().to_string(), source }),
    }
    let base = if root.is_file() { root.parent().unwrap_or(root) } else { root };
    // Git never ignores what it tracks: in a work tree, the index adds back
    // tracked files that `.gitignore` would hide, and submodules are skipped.
    let git = if options.respect_ignore_files && root.is_dir() { git_index(root) } else { None };
    let mut found = Discovery::default();
    let index = match git {
        Some(Ok(index)) => Some(index),
        Some(Err(message)) => {
            found.errors.push(WalkError {
                path: ".".to_string(),
                message: format!("git ls-files failed ({message}): .gitignore applied to tracked files too"),
                io: false,
            });
            None
        }
        None => None,
    };
    let submodules: HashSet<PathBuf> =
        index.as_ref().map(|i| i.submodules.iter().map(|s| root.join(s)).collect()).unwrap_or_default();
    let mut walker = ignore::WalkBuilder::new(root);
    walker
        .hidden(false)
        .git_ignore(options.respect_ignore_files)
        .git_global(options.respect_ignore_files)
        .git_exclude(options.respect_ignore_files)
        .ignore(options.respect_ignore_files)
        .parents(options.respect_ignore_files)
        .require_git(false)
        .filter_entry(move |entry| entry.file_name() != ".git" && !submodules.contains(entry.path()));
    for entry in walker.build() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                found.errors.push(walk_error(base, root, &error));
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.into_path();
        let relative = relative_path(base, &path);
        if options.exclude.is_match(&relative) {
            continue;
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        found.files.push(DiscoveredFile { kind: classify(&name), path, relative });
    }
    if let Some(index) = index {
        add_tracked(&mut found, base, index.files, options.exclude);
    }
    found.files.sort_by(|a, b| a.relative.cmp(&b.relative));
    found.errors.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

/// What git tracks under a scan root, relative to it.
struct GitIndex {
    /// Regular files (symlinks and submodules left out).
    files: Vec<String>,
    /// Submodule folders: not descended.
    submodules: Vec<String>,
}

/// True when `root` or a folder above it holds `.git`.
fn in_git_work_tree(root: &Path) -> bool {
    let absolute = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    absolute.ancestors().any(|dir| dir.join(".git").exists())
}

/// The index under `root`, from one `git ls-files` run; `None` outside a git
/// work tree, an error message when git is missing or fails.
fn git_index(root: &Path) -> Option<Result<GitIndex, String>> {
    if !in_git_work_tree(root) {
        return None;
    }
    // The work tree's own index, never a hook's, and no fsmonitor hook run.
    let output = std::process::Command::new("git")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .arg("-C")
        .arg(root)
        .args(["-c", "core.fsmonitor=false", "ls-files", "-z", "--stage"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .output();
    let output = match output {
        Ok(output) => output,
        Err(e) => return Some(Err(format!("git: {e}"))),
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let reason = stderr.lines().next().unwrap_or("").trim().to_string();
        // A folder git ignores inside a work tree is not a work tree of its own.
        if reason.contains("not a git repository") {
            return None;
        }
        return Some(Err(if reason.is_empty() { output.status.to_string() } else { reason }));
    }
    Some(Ok(parse_stage(&output.stdout)))
}

/// Parses `git ls-files -z --stage`: `MODE OBJECT STAGE\tPATH\0` records.
fn parse_stage(bytes: &[u8]) -> GitIndex {
    let mut files = Vec::new();
    let mut submodules = Vec::new();
    for record in bytes.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let Some(tab) = record.iter().position(|b| *b == b'\t') else { continue };
        let (mode, path) = (&record[..tab], String::from_utf8_lossy(&record[tab + 1..]).into_owned());
        match mode.get(..6) {
            Some(b"160000") => submodules.push(path),
            Some(b"100644" | b"100755") => files.push(path),
            _ => {}
        }
    }
    files.dedup();
    GitIndex { files, submodules }
}

/// Adds the tracked files the walk left out (ignored ones); tracked files
/// deleted from disk or no longer regular files are skipped.
fn add_tracked(found: &mut Discovery, base: &Path, tracked: Vec<String>, exclude: &GlobSet) {
    let Ok(canonical_base) = base.canonicalize() else { return };
    let seen: HashSet<String> = found.files.iter().map(|f| f.relative.clone()).collect();
    for relative in tracked {
        if seen.contains(&relative) || exclude.is_match(&relative) {
            continue;
        }
        if relative.split('/').any(|part| part == ".git") {
            continue;
        }
        let path = base.join(&relative);
        if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            continue;
        }
        // No way out of the root through a folder replaced by a symlink.
        if !path.canonicalize().is_ok_and(|p| p.starts_with(&canonical_base)) {
            continue;
        }
        let name = relative.rsplit('/').next().unwrap_or(&relative);
        found.files.push(DiscoveredFile { kind: classify(name), path, relative });
    }
}

fn walk_error(base: &Path, root: &Path, error: &ignore::Error) -> WalkError {
    let mut path = relative_path(base, error_path(error).unwrap_or(root));
    let os_error = error.io_error().and_then(os_error);
    let message = match (os_error, error.io_error()) {
        (Some(code), _) if code == NAME_TOO_LONG => {
            path = shortened(&path);
            "path longer than the system allows (directories nested too deep)".to_string()
        }
        (Some(code), _) => std::io::Error::from_raw_os_error(code).to_string(),
        (None, Some(io)) => io.to_string(),
        (None, None) => innermost(error).to_string(),
    };
    WalkError { path, message, io: error.io_error().is_some() }
}

/// `ENAMETOOLONG` on Linux and macOS.
const NAME_TOO_LONG: i32 = if cfg!(target_os = "macos") { 63 } else { 36 };

/// The OS error code under an I/O error and the errors it wraps.
fn os_error(error: &std::io::Error) -> Option<i32> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(code) = e.downcast_ref::<std::io::Error>().and_then(std::io::Error::raw_os_error) {
            return Some(code);
        }
        current = e.source();
    }
    None
}

/// A path of at most about 120 characters: its start, `…`, its end.
fn shortened(path: &str) -> String {
    const KEEP: usize = 60;
    let chars: Vec<char> = path.chars().collect();
    if chars.len() <= 2 * KEEP {
        return path.to_string();
    }
    let head: String = chars.iter().take(KEEP).collect();
    let tail: String = chars.iter().skip(chars.len() - KEEP).collect();
    format!("{head}…{tail}")
}

fn error_path(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err),
        ignore::Error::Partial(errors) => errors.iter().find_map(error_path),
        _ => None,
    }
}

/// The error without the path and depth it is wrapped in.
fn innermost(error: &ignore::Error) -> &ignore::Error {
    match error {
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => innermost(err),
        other => other,
    }
}

/// True when `relative` lies under a `templates/` folder of a Helm chart.
pub fn is_helm_template(root: &Path, relative: &str) -> bool {
    let mut dir = Path::new(relative).parent();
    while let Some(d) = dir {
        if d.file_name().is_some_and(|n| n == "templates") {
            if let Some(chart) = d.parent() {
                if root.join(chart).join("Chart.yaml").is_file() {
                    return true;
                }
            }
        }
        dir = d.parent();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_records_keep_regular_files_and_name_submodules() {
        let object = "0".repeat(40);
        let records = [
            format!("100644 {object} 0\tk8s/deploy.yaml"),
            format!("100755 {object} 0\tbin/run.sh"),
            format!("120000 {object} 0\tlink"),
            format!("160000 {object} 0\tvendor/lib"),
            format!("100644 {object} 1\tboth.yaml"),
            format!("100644 {object} 2\tboth.yaml"),
        ];
        let mut bytes = Vec::new();
        for record in &records {
            bytes.extend_from_slice(record.as_bytes());
            bytes.push(0);
        }
        let index = parse_stage(&bytes);
        assert_eq!(index.files, ["k8s/deploy.yaml", "bin/run.sh", "both.yaml"]);
        assert_eq!(index.submodules, ["vendor/lib"]);
    }

    #[test]
    fn dockerfile_names() {
        for name in
            ["Dockerfile", "Dockerfile.prod", "api.Dockerfile", "Containerfile", "dockerfile", "Dockerfile-windows"]
        {
            assert!(is_dockerfile_name(name), "{name}");
        }
        for name in ["Dockerfile.dockerignore", "docker-compose.yml", "README.md", "dockerfile-lint.yml"] {
            assert!(!is_dockerfile_name(name), "{name}");
        }
    }
}
