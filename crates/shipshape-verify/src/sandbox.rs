//! The bubblewrap command line of one sandboxed process: a stage root at
//! `/`, the host's system folders over it read-only (split around the
//! paths the stage owns), host toolchains, caches and tmpfs mounts.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Host folders that stand in for a base image's contents.
pub const SYSTEM_DIRS: [&str; 2] = ["/usr", "/etc"];
/// Top-level folders that are symbolic links into `/usr` on merged-/usr hosts.
pub const LINKED_DIRS: [&str; 6] = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bind {
    pub source: PathBuf,
    pub dest: String,
    pub writable: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Sandbox {
    pub root: PathBuf,
    pub root_writable: bool,
    /// Host folders bound read-only at the same path (split when the stage owns a path inside).
    pub system: Vec<String>,
    /// Absolute paths the stage's own files live at; host folders never hide them.
    pub owned: Vec<String>,
    pub binds: Vec<Bind>,
    pub tmpfs: Vec<String>,
    pub uid: u32,
    pub gid: u32,
    pub env: Vec<(String, String)>,
    pub cwd: String,
}

fn inside(path: &str, dir: &str) -> bool {
    dir == "/" || path == dir || path.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
}

impl Sandbox {
    /// The host binds of the system folders: a folder holding an owned
    /// path is replaced by binds of its other children, recursively.
    pub fn system_binds(&self, list_dir: &dyn Fn(&str) -> Vec<String>) -> Vec<Bind> {
        let mut out = Vec::new();
        for dir in &self.system {
            self.split(dir, list_dir, &mut out, 0);
        }
        out
    }

    fn split(&self, dir: &str, list_dir: &dyn Fn(&str) -> Vec<String>, out: &mut Vec<Bind>, depth: usize) {
        if self.owned.iter().any(|o| o == dir) {
            return;
        }
        let holds_owned = self.owned.iter().any(|o| inside(o, dir) && o != dir);
        if !holds_owned || depth > 8 {
            out.push(Bind { source: PathBuf::from(dir), dest: dir.to_string(), writable: false });
            return;
        }
        for name in list_dir(dir) {
            self.split(&format!("{}/{name}", dir.trim_end_matches('/')), list_dir, out, depth + 1);
        }
    }

    /// Every bind in mount order: system folders, then the extra binds.
    pub fn all_binds(&self, list_dir: &dyn Fn(&str) -> Vec<String>) -> Vec<Bind> {
        let mut binds = self.system_binds(list_dir);
        binds.extend(self.binds.iter().cloned());
        binds
    }

    /// The `bwrap` arguments (without the program) that run `argv`.
    pub fn args(&self, binds: &[Bind], argv: &[String]) -> Vec<OsString> {
        let mut args: Vec<OsString> = Vec::new();
        let mut push = |items: &[&str]| args.extend(items.iter().map(OsString::from));
        push(&["--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent"]);
        push(&["--uid", &self.uid.to_string(), "--gid", &self.gid.to_string()]);
        args.push(if self.root_writable { "--bind" } else { "--ro-bind" }.into());
        args.push(self.root.clone().into());
        args.push("/".into());
        for bind in binds {
            args.push(if bind.writable { "--bind" } else { "--ro-bind" }.into());
            args.push(bind.source.clone().into());
            args.push(bind.dest.clone().into());
        }
        let mut push = |items: &[&str]| args.extend(items.iter().map(OsString::from));
        push(&["--dev", "/dev", "--proc", "/proc"]);
        for dir in &self.tmpfs {
            push(&["--tmpfs", dir]);
        }
        push(&["--clearenv"]);
        for (key, value) in &self.env {
            push(&["--setenv", key, value]);
        }
        push(&["--chdir", &self.cwd, "--"]);
        args.extend(argv.iter().map(OsString::from));
        args
    }

    /// Makes the mount points the binds and tmpfs mounts need inside the
    /// root (which may be mounted read-only), and the `/usr` links.
    pub fn prepare_root(&self, binds: &[Bind]) -> std::io::Result<()> {
        for link in LINKED_DIRS {
            let host = Path::new(link);
            if let Ok(target) = std::fs::read_link(host) {
                let inner = self.root.join(link.trim_start_matches('/'));
                if inner.symlink_metadata().is_err() {
                    std::os::unix::fs::symlink(target, inner)?;
                }
            }
        }
        for bind in binds {
            let is_dir = bind.source.is_dir();
            make_mount_point(&self.root, &bind.dest, is_dir)?;
        }
        for dir in &self.tmpfs {
            make_mount_point(&self.root, dir, true)?;
        }
        make_mount_point(&self.root, "/dev", true)?;
        make_mount_point(&self.root, "/proc", true)?;
        make_mount_point(&self.root, &self.cwd, true)
    }

    /// The host binds for system folders, listing the host's folders.
    pub fn host_binds(&self) -> Vec<Bind> {
        let mut binds = self.all_binds(&list_host_dir);
        binds.retain(|b| b.source.symlink_metadata().is_ok());
        binds
    }

    /// Adds the linked top-level folders as system binds on hosts where they are real folders.
    pub fn with_unlinked_dirs(mut self) -> Self {
        for dir in LINKED_DIRS {
            let path = Path::new(dir);
            if path.is_dir() && std::fs::read_link(path).is_err() {
                self.system.push(dir.to_string());
            }
        }
        self
    }
}

fn list_host_dir(dir: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// Creates `dest` (a folder or an empty file) under `root`, refusing to
/// walk through a link that leaves the root.
pub fn make_mount_point(root: &Path, dest: &str, dir: bool) -> std::io::Result<()> {
    let mut current = root.to_path_buf();
    let parts: Vec<&str> = dest.split('/').filter(|p| !p.is_empty()).collect();
    for (index, part) in parts.iter().enumerate() {
        current.push(part);
        let last = index + 1 == parts.len();
        match current.symlink_metadata() {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&current)?;
                if target.is_absolute() || target.components().any(|c| c == std::path::Component::ParentDir) {
                    return Err(std::io::Error::other(format!(
                        "{dest}: {} links outside the image",
                        current.display()
                    )));
                }
                if !current.exists() {
                    return Ok(());
                }
            }
            Ok(_) => {}
            Err(_) if last && !dir => {
                std::fs::File::create(&current)?;
            }
            Err(_) => std::fs::create_dir(&current)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(dir: &str) -> Vec<String> {
        match dir {
            "/usr" => vec!["bin".into(), "lib".into(), "local".into()],
            "/usr/local" => vec!["bin".into(), "share".into()],
            "/usr/local/bin" => vec!["docker".into()],
            _ => Vec::new(),
        }
    }

    fn dests(binds: &[Bind]) -> Vec<&str> {
        binds.iter().map(|b| b.dest.as_str()).collect()
    }

    #[test]
    fn system_folders_bind_whole_when_the_stage_owns_nothing_inside() {
        let sandbox =
            Sandbox { system: vec!["/usr".into(), "/etc".into()], owned: vec!["/app".into()], ..Sandbox::default() };
        assert_eq!(dests(&sandbox.system_binds(&listing)), ["/usr", "/etc"]);
    }

    #[test]
    fn system_folders_split_around_owned_paths() {
        let sandbox = Sandbox {
            system: vec!["/usr".into()],
            owned: vec!["/usr/local/bin/healthcheck".into(), "/usr/local/share".into()],
            ..Sandbox::default()
        };
        assert_eq!(dests(&sandbox.system_binds(&listing)), ["/usr/bin", "/usr/lib", "/usr/local/bin/docker"]);
    }

    #[test]
    fn args_put_the_root_first_and_the_command_last() {
        let sandbox = Sandbox {
            root: PathBuf::from("/w/stage"),
            uid: 65532,
            gid: 65532,
            tmpfs: vec!["/tmp".into()],
            env: vec![("PORT".into(), "8080".into())],
            cwd: "/app".into(),
            ..Sandbox::default()
        };
        let binds = [Bind { source: "/usr/bin/node".into(), dest: "/nodejs/bin/node".into(), writable: false }];
        let args: Vec<String> = sandbox
            .args(&binds, &["node".into(), "server.js".into()])
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let text = args.join(" ");
        assert!(
            text.contains("--uid 65532 --gid 65532 --ro-bind /w/stage / --ro-bind /usr/bin/node /nodejs/bin/node"),
            "{text}"
        );
        assert!(text.ends_with("--tmpfs /tmp --clearenv --setenv PORT 8080 --chdir /app -- node server.js"), "{text}");
    }

    #[test]
    fn mount_points_never_follow_links_out_of_the_root() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        std::os::unix::fs::symlink("/etc", dir.path().join("out"))?;
        assert!(make_mount_point(dir.path(), "/out/x", true).is_err());
        make_mount_point(dir.path(), "/a/b/file", false)?;
        assert!(dir.path().join("a/b/file").is_file());
        Ok(())
    }
}
