//! The files a render reads: the scan's, and the disk under the scanned
//! root for files the scan left out (ignored, too large, not text).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::SourceFile;

/// Names a kustomization file can have, in the order kustomize tries them.
pub(crate) const KUSTOMIZATION_NAMES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

pub struct Files<'s, 'a> {
    files: &'s [SourceFile<'a>],
    by_path: HashMap<&'s str, usize>,
    dirs: HashSet<&'s str>,
    root: Option<&'s Path>,
}

impl<'s, 'a> Files<'s, 'a> {
    pub fn new(files: &'s [SourceFile<'a>], root: Option<&'s Path>) -> Self {
        let mut by_path = HashMap::with_capacity(files.len());
        let mut dirs = HashSet::new();
        for (index, file) in files.iter().enumerate() {
            by_path.insert(file.path, index);
            let mut path = file.path;
            while let Some((dir, _)) = path.rsplit_once('/') {
                if !dirs.insert(dir) {
                    break;
                }
                path = dir;
            }
        }
        Self { files, by_path, dirs, root }
    }

    pub fn get(&self, path: &str) -> Option<&'s SourceFile<'a>> {
        self.by_path.get(path).and_then(|i| self.files.get(*i))
    }

    /// True when `path` is a file of the scan or on disk.
    pub fn is_file(&self, path: &str) -> bool {
        self.by_path.contains_key(path) || self.on_disk(path).is_some_and(|p| p.is_file())
    }

    /// True when `path` is a folder of the scan or on disk (`""` is the root).
    pub fn is_dir(&self, path: &str) -> bool {
        path.is_empty() || self.dirs.contains(path) || self.on_disk(path).is_some_and(|p| p.is_dir())
    }

    /// The kustomization file of a folder, when the scan has one.
    pub fn kustomization_in(&self, dir: &str) -> Option<&'s SourceFile<'a>> {
        KUSTOMIZATION_NAMES.iter().find_map(|name| self.get(&join_name(dir, name)))
    }

    /// True when a folder holds a kustomization, in the scan or on disk.
    pub fn has_kustomization(&self, dir: &str) -> bool {
        KUSTOMIZATION_NAMES.iter().any(|name| self.is_file(&join_name(dir, name)))
    }

    pub fn kustomizations(&self) -> impl Iterator<Item = &'s SourceFile<'a>> + '_ {
        self.files.iter().filter(|f| KUSTOMIZATION_NAMES.contains(&f.path.rsplit('/').next().unwrap_or(f.path)))
    }

    fn on_disk(&self, path: &str) -> Option<std::path::PathBuf> {
        self.root.map(|root| root.join(path))
    }
}

/// `dir/name`, or `name` at the root.
pub(crate) fn join_name(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// The folder of a path (`""` at the root).
pub(crate) fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Joins a relative reference to a folder, resolving `.` and `..`; `None`
/// when it leaves the scanned root or is absolute.
pub fn join(dir: &str, reference: &str) -> Option<String> {
    if reference.starts_with('/') || reference.contains('\n') {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in reference.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// True when a `resources`/`components` entry is fetched from elsewhere:
/// a URL, a git address (`github.com/org/repo//path?ref=v1`, `git@…`).
pub fn is_remote(reference: &str) -> bool {
    const HOSTS: &[&str] =
        &["github.com/", "gitlab.com/", "bitbucket.org/", "dev.azure.com/", "ssh.dev.azure.com/", "gh:", "git::"];
    let reference = reference.trim();
    reference.contains("://")
        || reference.starts_with("git@")
        || HOSTS.iter().any(|h| reference.starts_with(h))
        || reference.contains("?ref=")
        || reference.contains("?version=")
        || reference.contains(".git//")
        || reference.ends_with(".git")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(join("a/b", "../c/./d.yaml").as_deref(), Some("a/c/d.yaml"));
        assert_eq!(join("", "x"), Some("x".to_string()));
        assert_eq!(join("a", "../../x"), None);
        assert!(is_remote("github.com/org/repo//deploy?ref=v1.2.0"));
        assert!(is_remote("https://raw.githubusercontent.com/o/r/main/x.yaml"));
        assert!(is_remote("git@github.com:org/repo.git"));
        assert!(!is_remote("../base"));
        assert!(!is_remote("deployment.yaml"));
    }
}
