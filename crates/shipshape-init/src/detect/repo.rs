//! Read-only access to one service folder: its files, their text, and
//! searches that return the file and line of what they find.

use std::path::{Path, PathBuf};

use regex::Regex;

use crate::plan::Evidence;

/// Folders that hold dependencies or build output, never sources.
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    "node_modules",
    "vendor",
    "target",
    "dist",
    "build",
    "bin",
    "obj",
    ".venv",
    "venv",
    "__pycache__",
    ".next",
    ".nuxt",
    "coverage",
    ".gradle",
    ".mvn",
    "tmp",
    "log",
    "storage",
    ".idea",
    ".vscode",
];
const MAX_FILES: usize = 5000;
const MAX_SOURCE_BYTES: u64 = 512 * 1024;

/// A match of a search: where, and the regex's capture groups.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    /// Relative to the service folder.
    pub file: String,
    pub line: usize,
    pub captures: Vec<Option<String>>,
}

impl Hit {
    pub fn group(&self, index: usize) -> Option<&str> {
        self.captures.get(index).and_then(|c| c.as_deref())
    }
}

pub(crate) struct ServiceDir {
    /// The folder, relative to the repository root (`.` for the root).
    pub rel: String,
    pub abs: PathBuf,
    /// Files relative to `abs`, `/`-separated, sorted.
    files: Vec<String>,
}

impl ServiceDir {
    pub fn new(root: &Path, rel: &str) -> Self {
        let abs = if rel == "." { root.to_path_buf() } else { root.join(rel) };
        let mut files = Vec::new();
        let walker = ignore::WalkBuilder::new(&abs)
            .hidden(false)
            .require_git(false)
            .max_depth(Some(8))
            .filter_entry(|e| {
                !(e.file_type().is_some_and(|t| t.is_dir())
                    && e.depth() > 0
                    && SKIPPED_DIRS.contains(&e.file_name().to_string_lossy().as_ref()))
            })
            .build();
        for entry in walker.flatten() {
            if files.len() >= MAX_FILES {
                break;
            }
            if entry.file_type().is_some_and(|t| t.is_file()) {
                if let Ok(relative) = entry.path().strip_prefix(&abs) {
                    files.push(relative.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        files.sort();
        Self { rel: rel.to_string(), abs, files }
    }

    /// True when `name` (relative to the service) is a file.
    pub fn has(&self, name: &str) -> bool {
        self.abs.join(name).is_file()
    }

    pub fn has_dir(&self, name: &str) -> bool {
        self.abs.join(name).is_dir()
    }

    /// The text of `name`, unless `init` wrote it: its own output is not
    /// evidence, so a second run detects what the first one did.
    pub fn read(&self, name: &str) -> Option<String> {
        std::fs::read_to_string(self.abs.join(name)).ok().filter(|text| !written_by_init(text))
    }

    /// The folders above this one inside the repository, nearest first,
    /// relative to the repository root (`.` last).
    /// When the repository root is a folder of a git checkout, the folders
    /// above it up to the checkout's top follow (`..`, `../..`).
    pub fn ancestors(&self) -> Vec<String> {
        let parts: Vec<&str> = self.rel.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
        let mut out: Vec<String> = (1..parts.len()).rev().map(|n| parts[..n].join("/")).collect();
        if !parts.is_empty() {
            out.push(".".into());
        }
        let Some(root) = self.abs.ancestors().nth(parts.len()) else { return out };
        if root.join(".git").exists() {
            return out;
        }
        let mut above = Vec::new();
        for (up, folder) in root.ancestors().skip(1).take(3).enumerate() {
            above.push(vec![".."; up + 1].join("/"));
            if folder.join(".git").exists() {
                out.extend(above);
                break;
            }
        }
        out
    }

    /// The path of the service folder relative to `folder` (from [`Self::ancestors`]).
    pub fn path_from(&self, folder: &str) -> Option<String> {
        let depth = self.rel.split('/').filter(|p| !p.is_empty() && *p != ".").count();
        let root = self.abs.ancestors().nth(depth)?;
        let base = std::fs::canonicalize(if folder == "." { root.to_path_buf() } else { root.join(folder) }).ok()?;
        let service = std::fs::canonicalize(&self.abs).ok()?;
        let relative = service.strip_prefix(&base).ok()?.to_string_lossy().replace('\\', "/");
        Some(if relative.is_empty() { ".".into() } else { relative })
    }

    /// The text of `file` in the repository folder `folder` (from [`Self::ancestors`]).
    pub fn read_in(&self, folder: &str, file: &str) -> Option<String> {
        let depth = self.rel.split('/').filter(|p| !p.is_empty() && *p != ".").count();
        let root = self.abs.ancestors().nth(depth)?;
        let path = if folder == "." { root.join(file) } else { root.join(folder).join(file) };
        std::fs::read_to_string(path).ok().filter(|text| !written_by_init(text))
    }

    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// Files whose name ends with one of `suffixes`.
    pub fn files_ending(&self, suffixes: &[&str]) -> Vec<&str> {
        self.files.iter().filter(|f| suffixes.iter().any(|s| f.ends_with(s))).map(String::as_str).collect()
    }

    /// The path of `file` (relative to the service) relative to the repository root.
    pub fn repo_path(&self, file: &str) -> String {
        if self.rel == "." {
            file.to_string()
        } else {
            format!("{}/{file}", self.rel)
        }
    }

    pub fn evidence(&self, file: &str, line: Option<usize>, detail: impl Into<String>) -> Evidence {
        Evidence { file: self.repo_path(file), line, detail: detail.into() }
    }

    /// Evidence pointing at the first line of `file` that contains `needle`.
    pub fn evidence_at(&self, file: &str, needle: &str, detail: impl Into<String>) -> Evidence {
        let line = self.read(file).and_then(|text| line_of(&text, needle));
        self.evidence(file, line, detail)
    }

    /// Every match of `re` in files ending with one of `suffixes`, in file order.
    pub fn grep(&self, suffixes: &[&str], re: &Regex) -> Vec<Hit> {
        let mut out = Vec::new();
        for file in self.files_ending(suffixes) {
            let path = self.abs.join(file);
            if std::fs::metadata(&path).map_or(true, |m| m.len() > MAX_SOURCE_BYTES) {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            if written_by_init(&text) {
                continue;
            }
            out.extend(grep_text(file, &text, re));
        }
        out
    }
}

/// The marker is on the first comment, after a Dockerfile's `# syntax=` line.
fn written_by_init(text: &str) -> bool {
    text.lines().take(2).any(|line| line.starts_with('#') && line.contains(crate::write::KIT_MARKER))
}

/// Every match of `re` in `text`, with the 1-based line of its start.
pub(crate) fn grep_text(file: &str, text: &str, re: &Regex) -> Vec<Hit> {
    re.captures_iter(text)
        .map(|caps| {
            let start = caps.get(0).map_or(0, |m| m.start());
            Hit {
                file: file.to_string(),
                line: text[..start].matches('\n').count() + 1,
                captures: caps.iter().map(|m| m.map(|m| m.as_str().to_string())).collect(),
            }
        })
        .collect()
}

/// The 1-based line of the first occurrence of `needle`.
pub(crate) fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.find(needle).map(|at| text[..at].matches('\n').count() + 1)
}

/// Compiles a regex written in this crate (a bad one is a bug caught by tests).
pub(crate) fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| unreachable!("invalid built-in regex {pattern}: {e}"))
}
