//! Walks a path and classifies what it finds.

use std::path::{Path, PathBuf};

use globset::GlobSet;

/// What a file is, for choosing rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Dockerfile,
    /// A YAML file that may hold Kubernetes objects.
    Yaml,
    /// A file scanned for secrets only.
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
    let mut walker = ignore::WalkBuilder::new(root);
    walker
        .hidden(false)
        .git_ignore(options.respect_ignore_files)
        .git_global(options.respect_ignore_files)
        .git_exclude(options.respect_ignore_files)
        .ignore(options.respect_ignore_files)
        .parents(options.respect_ignore_files)
        .require_git(false)
        .filter_entry(|entry| entry.file_name() != ".git");
    let mut found = Discovery::default();
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
    found.files.sort_by(|a, b| a.relative.cmp(&b.relative));
    found.errors.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
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
