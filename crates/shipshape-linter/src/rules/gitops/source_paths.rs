//! Where the `path` of an Argo CD Application source or of a Flux
//! Kustomization lies among the scanned files.
//!
//! A path is relative to the root of the repository it names, and the scan
//! may be of another repository, of part of one, or of many (a folder of
//! checkouts). A path is only located when the scan shows where that
//! repository's root is: the Git checkout around the scan has that remote,
//! the scanned folder has the repository's name, or another path of the
//! same repository exists below a folder that holds the referencing file
//! (that folder is then the repository's root).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use shipshape_diagnostics::Span;
use shipshape_yaml::Node;

use super::support;
use crate::context::{K8sObject, ObjectSet, RepositoryContext};

/// A path that a GitOps object deploys from.
pub(crate) struct PathRef<'a> {
    pub object: &'a K8sObject,
    /// The repository: a normalized URL, or `flux:<namespace>/<name>` for a
    /// Flux source that is not in the scan.
    pub repo: String,
    /// Where to report: the `path` value (or the spec for a default path).
    pub span: Span,
    /// The path as written.
    pub written: String,
    /// Normalized: no `./`, no leading or trailing `/`; empty for the root.
    pub path: String,
    /// Argo CD reads only the folder itself unless `directory.recurse`;
    /// Flux reads the whole tree.
    pub recurse: bool,
    /// False when a plugin or include patterns decide what is read.
    pub judge_manifests: bool,
}

/// Where a path was found.
pub(crate) enum Located {
    Found {
        /// The folder relative to the scan root, when it is inside the scan.
        scan_dir: Option<String>,
        /// The folder on disk, when the scan is of a folder on disk.
        disk_dir: Option<PathBuf>,
    },
    /// The repository's root is known and the path is not below it;
    /// `tried` is where it was looked for, relative to the scan root.
    Missing {
        tried: String,
    },
    Unknown,
}

/// Normalizes a Git URL so that the HTTPS and SSH spellings of one
/// repository compare equal: `github.com/owner/name`.
pub(crate) fn normalize_repo_url(url: &str) -> String {
    let mut u = url.trim().to_ascii_lowercase();
    for scheme in ["git+ssh://", "ssh://", "https://", "http://", "git://"] {
        if let Some(rest) = u.strip_prefix(scheme) {
            u = rest.to_string();
            break;
        }
    }
    let first_slash = u.find('/').unwrap_or(u.len());
    if let Some(at) = u.find('@').filter(|at| *at < first_slash) {
        u = u.get(at + 1..).unwrap_or("").to_string();
    }
    let first_slash = u.find('/').unwrap_or(u.len());
    if let Some(colon) = u.find(':').filter(|c| *c < first_slash) {
        let host = u.get(..colon).unwrap_or("").to_string();
        let mut rest = u.get(colon + 1..).unwrap_or("");
        // `host:22/path` (a port) or `host:path` (scp-like).
        if let Some((port, after)) = rest.split_once('/') {
            if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) {
                rest = after;
            }
        }
        u = format!("{host}/{}", rest.trim_start_matches('/'));
    }
    let u = u.trim_end_matches('/');
    u.strip_suffix(".git").unwrap_or(u).to_string()
}

fn normalize_path(path: &str) -> String {
    let mut p = path.trim();
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    let p = p.trim_start_matches('/').trim_end_matches('/');
    if p == "." {
        String::new()
    } else {
        p.to_string()
    }
}

/// Joins `path` to the folder `dir`, resolving `.` and `..`; `None` when it
/// leaves the scan.
pub(super) fn join(dir: &str, path: &str) -> Option<String> {
    // A leading `/` is the repository's root, which `dir` already is.
    shipshape_kustomize::join(dir, path.trim_start_matches('/'))
}

/// The folder of a file, and every folder above it up to the scan root ("").
fn ancestors(file: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut dir = file.rsplit_once('/').map_or("", |(d, _)| d);
    loop {
        out.push(dir);
        if dir.is_empty() {
            break;
        }
        dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
    }
    out
}

/// The paths that the Argo CD Applications and Flux Kustomizations of the
/// scan deploy from. Templated values are left out.
pub(crate) fn path_refs(set: &ObjectSet) -> Vec<PathRef<'_>> {
    let mut out = Vec::new();
    for object in &set.objects {
        if let Some(spec) = support::application_spec(object) {
            for source in support::application_sources(spec) {
                let (Some(repo), Some(path_node)) = (source.str_at(&["repoURL"]), source.get("path")) else {
                    continue;
                };
                let Some(path) = path_node.as_str() else { continue };
                if source.get("chart").is_some() || support::is_templated(repo) || support::is_templated(path) {
                    continue;
                }
                let directory = source.get("directory");
                let recurse = directory.and_then(|d| d.get("recurse")).and_then(Node::as_bool) == Some(true);
                let include = directory.is_some_and(|d| d.get("include").is_some() || d.get("exclude").is_some());
                out.push(PathRef {
                    object,
                    repo: normalize_repo_url(repo),
                    span: path_node.span,
                    written: path.to_string(),
                    path: normalize_path(path),
                    recurse,
                    judge_manifests: source.get("plugin").is_none() && !include,
                });
            }
        } else if support::is_flux_kind(object, "kustomize", "Kustomization") {
            let Some(spec) = object.spec() else { continue };
            let Some(source) = spec.get("sourceRef") else { continue };
            if source.str_at(&["kind"]).unwrap_or("GitRepository") != "GitRepository" {
                continue;
            }
            let Some(name) = source.str_at(&["name"]) else { continue };
            let namespace = source.str_at(&["namespace"]).or(object.namespace.as_deref());
            let git = set.objects.iter().find(|o| {
                support::is_flux_kind(o, "source", "GitRepository")
                    && o.name.as_deref() == Some(name)
                    && (namespace.is_none() || o.namespace.is_none() || o.namespace.as_deref() == namespace)
            });
            let url = git.and_then(|g| g.root.str_at(&["spec", "url"]));
            let repo = match url {
                Some(url) if !support::is_templated(url) => normalize_repo_url(url),
                Some(_) => continue,
                None => format!("flux:{}/{name}", namespace.unwrap_or("")),
            };
            let path_node = spec.get("path");
            let written = path_node.and_then(Node::as_str).unwrap_or("./");
            if support::is_templated(written) || support::is_templated(name) {
                continue;
            }
            out.push(PathRef {
                object,
                repo,
                span: path_node.map_or_else(|| object.root.key_span("spec"), |p| p.span),
                written: written.to_string(),
                path: normalize_path(written),
                recurse: true,
                judge_manifests: true,
            });
        }
    }
    out
}

/// The Git checkout the scanned folder is in.
struct Checkout {
    root: PathBuf,
    /// The scan root relative to the checkout's root ("" when the same).
    scan_prefix: String,
    /// Normalized URLs of its remotes.
    remotes: Vec<String>,
}

fn checkout_of(scan_root: &Path) -> Option<Checkout> {
    let scan_root = std::fs::canonicalize(scan_root).ok()?;
    let root = scan_root.ancestors().find(|a| a.join(".git").exists())?.to_path_buf();
    let dot_git = root.join(".git");
    let config = if dot_git.is_dir() {
        dot_git.join("config")
    } else {
        // A worktree or submodule: `.git` is a file naming the real folder.
        let text = std::fs::read_to_string(&dot_git).ok()?;
        let git_dir = root.join(text.trim().strip_prefix("gitdir:")?.trim());
        match std::fs::read_to_string(git_dir.join("commondir")) {
            Ok(common) => git_dir.join(common.trim()).join("config"),
            Err(_) => git_dir.join("config"),
        }
    };
    let text = std::fs::read_to_string(config).ok()?;
    let remotes = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("url"))
        .filter_map(|l| l.trim_start().strip_prefix('='))
        .map(normalize_repo_url)
        .collect();
    let scan_prefix = scan_root.strip_prefix(&root).ok()?.to_string_lossy().replace('\\', "/");
    Some(Checkout { root, scan_prefix, remotes })
}

/// Locates the paths of [`PathRef`]s.
pub(crate) struct Resolver<'r, 'a> {
    repo: &'r RepositoryContext<'a>,
    dirs: HashSet<&'r str>,
    /// Folders shown to be the root of a repository, per repository.
    roots: HashMap<&'r str, HashSet<String>>,
    checkout: Option<Checkout>,
}

impl<'r, 'a> Resolver<'r, 'a> {
    pub(crate) fn new(repo: &'r RepositoryContext<'a>, refs: &'r [PathRef<'r>]) -> Self {
        let mut dirs: HashSet<&'r str> = HashSet::new();
        dirs.insert("");
        for file in repo.files {
            let mut path: &'r str = file.path;
            while let Some((dir, _)) = path.rsplit_once('/') {
                if !dirs.insert(dir) {
                    break;
                }
                path = dir;
            }
        }
        let mut roots: HashMap<&'r str, HashSet<String>> = HashMap::new();
        for r in refs.iter().filter(|r| !r.path.is_empty()) {
            for dir in ancestors(&r.object.path) {
                if join(dir, &r.path).is_some_and(|p| dirs.contains(p.as_str())) {
                    roots.entry(r.repo.as_str()).or_default().insert(dir.to_string());
                }
            }
        }
        let checkout = if refs.is_empty() { None } else { repo.root.and_then(checkout_of) };
        // A scan root named like a repository is taken to be its root.
        let root_name = repo
            .root
            .and_then(|r| std::fs::canonicalize(r).ok())
            .and_then(|r| r.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()));
        if let Some(root_name) = root_name {
            for r in refs.iter().filter(|r| r.repo.rsplit('/').next() == Some(root_name.as_str())) {
                roots.entry(r.repo.as_str()).or_default().insert(String::new());
            }
        }
        Self { repo, dirs, roots, checkout }
    }

    fn in_scan(&self, dir: &str) -> bool {
        self.dirs.contains(dir) || self.repo.root.is_some_and(|r| r.join(dir).is_dir())
    }

    pub(crate) fn locate(&self, r: &PathRef<'_>) -> Located {
        if let Some(checkout) = self.checkout.as_ref().filter(|c| c.remotes.contains(&r.repo)) {
            let disk = checkout.root.join(&r.path);
            if !disk.is_dir() {
                return Located::Missing { tried: r.path.clone() };
            }
            let scan_dir = if checkout.scan_prefix.is_empty() {
                Some(r.path.clone())
            } else if r.path == checkout.scan_prefix {
                Some(String::new())
            } else {
                r.path.strip_prefix(&format!("{}/", checkout.scan_prefix)).map(str::to_string)
            };
            return Located::Found { scan_dir, disk_dir: Some(disk) };
        }
        let Some(roots) = self.roots.get(r.repo.as_str()) else { return Located::Unknown };
        let candidates: Vec<&str> = ancestors(&r.object.path).into_iter().filter(|a| roots.contains(*a)).collect();
        let mut tried = None;
        for root in &candidates {
            let Some(dir) = join(root, &r.path) else { continue };
            if self.in_scan(&dir) {
                let disk_dir = self.repo.root.map(|d| d.join(&dir));
                return Located::Found { scan_dir: Some(dir), disk_dir };
            }
            tried.get_or_insert(dir);
        }
        tried.map_or(Located::Unknown, |tried| Located::Missing { tried })
    }

    /// True when a found folder holds something the tool deploys: YAML or
    /// JSON manifests, a kustomization, a Helm chart or Jsonnet, in the
    /// folder itself or, with `recurse`, anywhere below it. True when it
    /// cannot be told.
    pub(crate) fn has_manifests(&self, scan_dir: Option<&str>, disk_dir: Option<&Path>, recurse: bool) -> bool {
        if scan_dir.is_none() && disk_dir.is_none() {
            return true;
        }
        if let Some(dir) = scan_dir {
            let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
            let found = self.repo.files.iter().any(|f| {
                let Some(rest) = f.path.strip_prefix(&prefix) else { return false };
                (recurse || !rest.contains('/')) && is_manifest_name(rest)
            });
            if found {
                return true;
            }
        }
        disk_dir.is_some_and(|d| disk_has_manifests(d, recurse))
    }
}

fn is_manifest_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    name == "Kustomization"
        || [".yaml", ".yml", ".json", ".jsonnet", ".libsonnet"].iter().any(|ext| lower.ends_with(ext))
}

/// Looks for manifests on disk, a bounded walk.
fn disk_has_manifests(dir: &Path, recurse: bool) -> bool {
    let mut stack = vec![(dir.to_path_buf(), 0usize)];
    let mut seen = 0usize;
    while let Some((dir, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            seen += 1;
            if seen > 20_000 {
                return true;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                if recurse && depth < 12 && name != ".git" {
                    stack.push((entry.path(), depth + 1));
                }
            } else if is_manifest_name(&name) {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let want = "github.com/acme/deploy";
        for url in [
            "https://github.com/acme/deploy.git",
            "https://github.com/Acme/deploy/",
            "git@github.com:acme/deploy.git",
            "ssh://git@github.com/acme/deploy",
            "ssh://git@github.com:22/acme/deploy.git",
        ] {
            assert_eq!(normalize_repo_url(url), want, "{url}");
        }
    }

    #[test]
    fn paths() {
        assert_eq!(normalize_path("./deploy/prod/"), "deploy/prod");
        assert_eq!(normalize_path("."), "");
        assert_eq!(normalize_path("./"), "");
        assert_eq!(join("a/b", "../c"), Some("a/c".to_string()));
        assert_eq!(join("", "../c"), None);
        assert_eq!(ancestors("a/b/c.yaml"), vec!["a/b", "a", ""]);
        assert_eq!(ancestors("c.yaml"), vec![""]);
    }
}
