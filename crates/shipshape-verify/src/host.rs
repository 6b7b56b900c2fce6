//! Host mode: replays a Dockerfile without a container engine. Each stage
//! gets its own root folder; `RUN` steps run in a bubblewrap sandbox over
//! the host's toolchains; the final command starts as the final user with
//! the root read-only.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::recipe::{Base, Op, Recipe, RunMount, Source, Stage};
use crate::sandbox::{Bind, Sandbox, SYSTEM_DIRS};
use crate::VerifyError;

pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Where `RUN` steps find the stand-ins for commands a sandbox cannot run
/// (`apt-get`, `runuser`), and the host's package database they read.
const SHIM_DIR: &str = "/.shipshape/bin";
const DPKG_DIR: &str = "/.shipshape/dpkg";
const SHIMS: &[(&str, &str)] =
    &[("apt-get", include_str!("shims/apt-get")), ("runuser", include_str!("shims/runuser"))];

/// Writes the shims under `work`, executable.
fn write_shims(work: &Path) -> std::io::Result<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let dir = work.join("shims");
    std::fs::create_dir_all(&dir)?;
    for (name, text) in SHIMS {
        let path = dir.join(name);
        std::fs::write(&path, text)?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(dir)
}

/// `name` found on the host's `PATH`.
pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file())
}

/// A toolchain of the host that stands in for a base image's.
#[derive(Debug, Clone)]
pub struct Tool {
    pub name: &'static str,
    /// Where the program is, in the sandbox as on the host.
    pub path: PathBuf,
    pub version: String,
}

/// The host's toolchains, and the folders outside `/usr` they live in.
#[derive(Debug, Clone, Default)]
pub struct HostTools {
    pub tools: Vec<Tool>,
    pub binds: Vec<PathBuf>,
    pub path_dirs: Vec<String>,
}

/// `program`'s output, run from `/`: version shims (pyenv, asdf) pick a
/// version from the current folder, which is the app's, not the machine's.
fn output(program: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).current_dir("/").stdin(Stdio::null()).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

/// Programs of each toolchain, the first one naming it.
const TOOLCHAINS: &[(&str, &[&str])] = &[
    ("node", &["node", "npm", "npx"]),
    ("python3", &["python3", "python", "pip", "pip3"]),
    ("cargo", &["cargo", "rustc"]),
    ("go", &["go"]),
    ("java", &["java", "mvn", "gradle"]),
    ("dotnet", &["dotnet"]),
    ("ruby", &["ruby", "bundle"]),
    ("php", &["php", "composer"]),
];

impl HostTools {
    pub fn discover() -> Self {
        let mut out = HostTools::default();
        for (name, _) in TOOLCHAINS {
            let Some(found) = on_path(if *name == "cargo" { "rustc" } else { name }) else { continue };
            // The real installation: pyenv and rustup put shims on PATH.
            let bin_dir = match *name {
                "python3" => {
                    output(&found, &["-c", "import sys; print(sys.base_prefix)"]).map(|p| PathBuf::from(p).join("bin"))
                }
                "cargo" => output(&found, &["--print", "sysroot"]).map(|p| PathBuf::from(p).join("bin")),
                _ => std::fs::canonicalize(&found).ok().and_then(|p| p.parent().map(Path::to_path_buf)),
            };
            let Some(bin_dir) = bin_dir else { continue };
            let program = bin_dir.join(name);
            let path = if program.is_file() { program } else { found.clone() };
            let version = output(&path, &["--version"]).unwrap_or_default().lines().next().unwrap_or("").to_string();
            let system = ["/usr/", "/bin/", "/sbin/", "/lib"].iter().any(|p| bin_dir.starts_with(p));
            if !system {
                if let Some(prefix) = bin_dir.parent() {
                    if !out.binds.iter().any(|b| b == prefix) {
                        out.binds.push(prefix.to_path_buf());
                    }
                }
                out.path_dirs.push(bin_dir.display().to_string());
            }
            out.tools.push(Tool { name, path, version });
        }
        out
    }

    pub fn find(&self, name: &str) -> Option<&Tool> {
        self.tools.iter().find(|t| t.name == name)
    }
}

/// The toolchain a base image brings, by its repository name.
pub fn image_tool(image: &str) -> Option<&'static str> {
    let without_tag = image.split('@').next().unwrap_or(image);
    let repo = without_tag.rsplit_once(':').filter(|(_, tag)| !tag.contains('/')).map_or(without_tag, |(r, _)| r);
    let name = repo.rsplit('/').next().unwrap_or(repo);
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| name.starts_with(p));
    if starts(&["node"]) {
        Some("node")
    } else if starts(&["python"]) {
        Some("python3")
    } else if starts(&["rust"]) {
        Some("cargo")
    } else if starts(&["golang"]) {
        Some("go")
    } else if starts(&["eclipse-temurin", "openjdk", "maven", "gradle", "amazoncorretto", "java"]) {
        Some("java")
    } else if repo.contains("dotnet") {
        Some("dotnet")
    } else if starts(&["ruby"]) {
        Some("ruby")
    } else if starts(&["php", "composer"]) {
        Some("php")
    } else {
        None
    }
}

/// A base image whose toolchain version the host's does not match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionMismatch {
    /// The host's version, as its tools print it (`3.11.7`).
    pub host: String,
    pub note: String,
}

/// The leading `1.2.3` of `text`.
fn leading_version(text: &str) -> String {
    let version: String = text.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    version.trim_end_matches('.').to_string()
}

/// The image's toolchain version (from its tag) when the host's differs.
pub fn version_mismatch(image: &str, tool: &Tool) -> Option<VersionMismatch> {
    let without_digest = image.split('@').next().unwrap_or(image);
    let tag = without_digest.rsplit_once(':').map(|(_, t)| t).filter(|t| !t.contains('/'))?;
    let wanted = leading_version(tag);
    let host = tool
        .version
        .split_whitespace()
        .map(|word| leading_version(word.trim_start_matches('v')))
        .find(|v| !v.is_empty())?;
    let matches = host == wanted || host.starts_with(&format!("{wanted}."));
    (!wanted.is_empty() && !matches).then(|| VersionMismatch {
        note: format!("the image's {} {wanted} is not on this machine ({} stands in)", tool.name, tool.version),
        host,
    })
}

/// Environment a base image sets that builds rely on.
fn image_env(image: &str) -> Vec<(String, String)> {
    match image_tool(image) {
        Some("cargo") => vec![("CARGO_HOME".into(), "/usr/local/cargo".into())],
        Some("python3") => vec![("LANG".into(), "C.UTF-8".into())],
        _ => Vec::new(),
    }
}

/// Well-known runtime paths of official images, and the host tool standing in.
const RUNTIME_ALIASES: &[(&str, &str)] = &[
    ("/nodejs/bin/node", "node"),
    ("/usr/local/bin/node", "node"),
    ("/usr/bin/node", "node"),
    ("/usr/local/bin/python", "python3"),
    ("/usr/local/bin/python3", "python3"),
    ("/usr/bin/python3", "python3"),
    ("/usr/bin/python", "python3"),
];

/// `user[:group]` as numbers; names other than root are not resolved.
pub fn parse_user(user: &str) -> Option<(u32, u32)> {
    let (u, g) = user.split_once(':').unwrap_or((user, ""));
    let uid = if u == "root" || u.is_empty() { 0 } else { u.parse().ok()? };
    let gid = if g.is_empty() {
        uid
    } else if g == "root" {
        0
    } else {
        g.parse().ok()?
    };
    Some((uid, gid))
}

/// The ignore file BuildKit reads: `<Dockerfile>.dockerignore` beside the
/// Dockerfile when there is one, else the context's `.dockerignore`.
pub fn ignore_file(dockerfile: &Path, context: &Path) -> PathBuf {
    let mut beside = dockerfile.as_os_str().to_os_string();
    beside.push(".dockerignore");
    let beside = PathBuf::from(beside);
    if beside.is_file() {
        beside
    } else {
        context.join(".dockerignore")
    }
}

/// An ignore file of a build context, as an anchored gitignore matcher.
pub fn dockerignore(context: &Path, file: &Path) -> Gitignore {
    let mut builder = GitignoreBuilder::new(context);
    if let Ok(text) = std::fs::read_to_string(file) {
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let (negated, pattern) = match line.strip_prefix('!') {
                Some(rest) => ("!", rest),
                None => ("", line),
            };
            let pattern = pattern.trim_start_matches("./").trim_start_matches('/');
            let _ = builder.add_line(None, &format!("{negated}/{pattern}"));
        }
    }
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

/// Copies `from` (a file, folder or link) to `to`, skipping what `ignore` excludes.
pub fn copy_tree(from: &Path, to: &Path, ignore: Option<&Gitignore>) -> std::io::Result<()> {
    let meta = from.symlink_metadata()?;
    if let Some(matcher) = ignore {
        if matcher.matched(from, meta.is_dir()).is_ignore() {
            return Ok(());
        }
    }
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(from)?;
        if to.symlink_metadata().is_ok() {
            std::fs::remove_file(to)?;
        }
        return std::os::unix::fs::symlink(target, to);
    }
    if meta.is_dir() {
        if !to.is_dir() {
            std::fs::create_dir_all(to)?;
        }
        std::fs::set_permissions(to, meta.permissions())?;
        let mut entries: Vec<_> = std::fs::read_dir(from)?.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            copy_tree(&entry.path(), &to.join(entry.file_name()), ignore)?;
        }
        return Ok(());
    }
    if meta.is_file() {
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if to.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
            std::fs::remove_file(to)?;
        }
        std::fs::copy(from, to)?;
    }
    Ok(())
}

/// `*` and `?` wildcards of one path component.
fn wildcard(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    go(&pattern.chars().collect::<Vec<_>>(), &name.chars().collect::<Vec<_>>())
}

/// The paths under `root` a COPY source names (wildcards in the last component).
fn expand_source(root: &Path, source: &str) -> Vec<PathBuf> {
    let relative = source.trim_start_matches('/');
    let path = root.join(relative);
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return vec![path];
    };
    if !name.contains(['*', '?']) {
        return vec![path];
    }
    let parent = path.parent().map(Path::to_path_buf).unwrap_or_else(|| root.to_path_buf());
    let mut out: Vec<PathBuf> = std::fs::read_dir(&parent)
        .map(|entries| {
            entries.flatten().filter(|e| wildcard(&name, &e.file_name().to_string_lossy())).map(|e| e.path()).collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// How a stage's build went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StageOutcome {
    Built {
        notes: Vec<String>,
    },
    /// Failed where the host differs from the image: its toolchain version.
    NotEmulated {
        detail: String,
        log: String,
    },
    Skipped(String),
    Failed {
        detail: String,
        log: String,
    },
}

/// One emulated build.
pub struct HostBuild<'a> {
    pub recipe: &'a Recipe,
    pub context: &'a Path,
    pub work: &'a Path,
    pub cache_root: PathBuf,
    pub tools: &'a HostTools,
    ignore: Gitignore,
    /// The filtered build context, made on first use.
    context_copy: Option<PathBuf>,
    pub outcomes: Vec<Option<StageOutcome>>,
}

impl<'a> HostBuild<'a> {
    pub fn new(
        recipe: &'a Recipe,
        context: &'a Path,
        ignore_file: &Path,
        work: &'a Path,
        tools: &'a HostTools,
    ) -> Self {
        let cache_root = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .unwrap_or_else(std::env::temp_dir)
            .join("shipshape/verify");
        Self {
            recipe,
            context,
            work,
            cache_root,
            tools,
            ignore: dockerignore(context, ignore_file),
            context_copy: None,
            outcomes: vec![None; recipe.stages.len()],
        }
    }

    pub fn stage_root(&self, index: usize) -> PathBuf {
        self.work.join("stages").join(index.to_string())
    }

    fn log_path(&self, stage: &Stage) -> PathBuf {
        self.work.join("logs").join(format!("build-{}.log", stage.index))
    }

    fn filtered_context(&mut self) -> std::io::Result<PathBuf> {
        if let Some(path) = &self.context_copy {
            return Ok(path.clone());
        }
        let path = self.work.join("context");
        copy_tree(self.context, &path, Some(&self.ignore))?;
        self.context_copy = Some(path.clone());
        Ok(path)
    }

    /// Paths the stage and the stages it starts from own.
    fn owned(&self, stage: &Stage) -> Vec<String> {
        let mut owned = BTreeSet::new();
        let mut current = Some(stage);
        while let Some(s) = current {
            owned.extend(s.owned_paths());
            current = match s.base {
                Base::Stage(i) => self.recipe.stages.get(i),
                _ => None,
            };
        }
        owned.into_iter().collect()
    }

    /// Builds the stages the final stage needs, in order.
    pub fn build_all(&mut self) {
        for index in self.recipe.needed_stages() {
            let outcome = match self.recipe.stages.get(index) {
                Some(stage) => self.build_stage(stage),
                None => continue,
            };
            self.outcomes[index] = Some(outcome);
        }
    }

    /// The image a stage starts from, through the stages it builds on.
    fn base_image(&self, stage: &Stage) -> Option<&'a str> {
        let mut current = self.recipe.stages.get(stage.index)?;
        for _ in 0..self.recipe.stages.len() {
            match &current.base {
                Base::Image(image) => return Some(image.as_str()),
                Base::Stage(i) => current = self.recipe.stages.get(*i)?,
                Base::Scratch => return None,
            }
        }
        None
    }

    fn ready(&self, index: usize) -> bool {
        matches!(self.outcomes.get(index), Some(Some(StageOutcome::Built { .. })))
    }

    fn build_stage(&mut self, stage: &Stage) -> StageOutcome {
        let root = self.stage_root(stage.index);
        let failed = stage.needs().into_iter().find_map(|i| match self.outcomes.get(i) {
            Some(Some(StageOutcome::Failed { .. })) => Some((i, "failed")),
            Some(Some(StageOutcome::NotEmulated { .. })) => Some((i, "host mode could not build")),
            _ => None,
        });
        if let Some((i, why)) = failed {
            let label = self.recipe.stages.get(i).map_or_else(|| i.to_string(), Stage::label);
            return StageOutcome::Skipped(format!("needs stage `{label}`, which {why}"));
        }
        let mut notes = Vec::new();
        let mut other_version = None;
        let image_env = match &stage.base {
            Base::Image(image) => {
                if let Some(tool) = image_tool(image) {
                    match self.tools.find(tool) {
                        None => return StageOutcome::Skipped(format!("not emulated: {tool} not on this machine")),
                        Some(found) => {
                            notes.push(format!(
                                "base image `{image}`: its files are not emulated; the host's /usr, /etc and {} ({}) stand in",
                                found.name, found.version
                            ));
                            other_version = version_mismatch(image, found);
                            notes.extend(other_version.as_ref().map(|m| m.note.clone()));
                        }
                    }
                } else {
                    notes.push(format!(
                        "base image `{image}`: its files are not emulated; the host's /usr and /etc stand in"
                    ));
                }
                image_env(image)
            }
            Base::Stage(i) => {
                if !self.ready(*i) {
                    return StageOutcome::Skipped(format!("starts from stage {i}, which was not built"));
                }
                if let Err(e) = copy_tree(&self.stage_root(*i), &root, None) {
                    return StageOutcome::Failed { detail: format!("copying stage {i}: {e}"), log: String::new() };
                }
                Vec::new()
            }
            Base::Scratch => Vec::new(),
        };
        if let Err(e) = std::fs::create_dir_all(&root).and_then(|()| std::fs::create_dir_all(self.work.join("logs"))) {
            return StageOutcome::Failed { detail: format!("{}: {e}", root.display()), log: String::new() };
        }
        let log = self.log_path(stage);
        for op in &stage.ops {
            let result = match op {
                Op::Mkdir(path) => {
                    crate::sandbox::make_mount_point(&root, path, true).map_err(|e| format!("WORKDIR {path}: {e}"))
                }
                Op::Copy { from, sources, dest } => self.copy(&root, from, sources, dest, &mut notes),
                Op::Run { argv, env, workdir, user, mounts } => {
                    self.run(stage, &root, argv, env, &image_env, workdir, user, mounts, &log, &mut notes)
                }
                Op::Unsupported(text) => {
                    notes.push(format!("`{text}` not emulated"));
                    Ok(())
                }
            };
            if let Err(detail) = result {
                let log = std::fs::read_to_string(&log).unwrap_or_default();
                // The failure is the version's when the last lines name it.
                let lines: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
                let last = lines[lines.len().saturating_sub(5)..].join("\n");
                return match &other_version {
                    Some(m) if last.contains(&m.host) => StageOutcome::NotEmulated {
                        detail: format!("host-mode limitation: {}; the step failed on it: {detail}", m.note),
                        log,
                    },
                    _ => StageOutcome::Failed { detail, log },
                };
            }
        }
        StageOutcome::Built { notes }
    }

    fn copy(
        &mut self,
        root: &Path,
        from: &Source,
        sources: &[String],
        dest: &str,
        notes: &mut Vec<String>,
    ) -> Result<(), String> {
        let (source_root, matcher) = match from {
            Source::Context => (self.context.to_path_buf(), Some(self.ignore.clone())),
            Source::Stage(i) if self.ready(*i) => (self.stage_root(*i), None),
            Source::Stage(i) => {
                let label = self.recipe.stages.get(*i).map_or_else(|| i.to_string(), Stage::label);
                notes.push(format!("COPY --from={label} {}: stage `{label}` was not built", sources.join(" ")));
                return Ok(());
            }
            Source::Image(image) => {
                notes.push(format!("COPY --from={image}: files of other images are not emulated"));
                return Ok(());
            }
        };
        let into_dir = dest.ends_with('/') || sources.len() > 1;
        let target = root.join(dest.trim_start_matches('/'));
        for source in sources {
            let paths = expand_source(&source_root, source);
            if paths.is_empty() || paths.iter().all(|p| p.symlink_metadata().is_err()) {
                return Err(format!("COPY {source}: not found"));
            }
            for path in paths {
                let is_dir = path.is_dir() && !path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink());
                let to = if is_dir || !(into_dir || target.is_dir()) {
                    target.clone()
                } else {
                    target.join(path.file_name().unwrap_or_default())
                };
                let result = if is_dir {
                    // A folder's contents are copied, not the folder itself.
                    std::fs::create_dir_all(&to).and_then(|()| {
                        let mut entries: Vec<_> = std::fs::read_dir(&path)?.flatten().collect();
                        entries.sort_by_key(|e| e.file_name());
                        entries.iter().try_for_each(|e| copy_tree(&e.path(), &to.join(e.file_name()), matcher.as_ref()))
                    })
                } else {
                    copy_tree(&path, &to, matcher.as_ref())
                };
                result.map_err(|e| format!("COPY {source} {dest}: {e}"))?;
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn run(
        &mut self,
        stage: &Stage,
        root: &Path,
        argv: &[String],
        env: &[(String, String)],
        image_env: &[(String, String)],
        workdir: &str,
        user: &str,
        mounts: &[RunMount],
        log: &Path,
        notes: &mut Vec<String>,
    ) -> Result<(), String> {
        let (uid, gid) = parse_user(user).unwrap_or_else(|| {
            notes.push(format!("USER {user}: names are not resolved; ran as root"));
            (0, 0)
        });
        let mut binds: Vec<Bind> = self
            .tools
            .binds
            .iter()
            .map(|b| Bind { source: b.clone(), dest: b.display().to_string(), writable: false })
            .collect();
        let script = argv.last().map(String::as_str).unwrap_or("");
        let shimmed: Vec<&str> =
            SHIMS.iter().map(|(name, _)| *name).filter(|name| script.contains(&format!("{name} "))).collect();
        if !shimmed.is_empty() {
            let dir = write_shims(self.work).map_err(|e| format!("host-mode shims: {e}"))?;
            binds.push(Bind { source: dir, dest: SHIM_DIR.into(), writable: false });
            if Path::new("/var/lib/dpkg").is_dir() {
                binds.push(Bind { source: "/var/lib/dpkg".into(), dest: DPKG_DIR.into(), writable: false });
            }
            for name in &shimmed {
                notes.push(match *name {
                    "apt-get" => {
                        "`apt-get install`: the host's Debian packages stand in (version pins not checked)".into()
                    }
                    other => format!("`{other}`: emulated with a nested sandbox"),
                });
            }
        }
        let mut tmpfs = Vec::new();
        let mut scratch = Vec::new();
        for mount in mounts {
            match mount {
                RunMount::Cache { target } => {
                    let dir = self.cache_root.join(target.trim_start_matches('/').replace('/', "_"));
                    std::fs::create_dir_all(&dir).map_err(|e| format!("cache {}: {e}", dir.display()))?;
                    binds.push(Bind { source: dir, dest: target.clone(), writable: true });
                }
                RunMount::Tmpfs { target } => tmpfs.push(target.clone()),
                RunMount::Bind { target, from, source, writable } => {
                    let base = match from {
                        Source::Context => self.filtered_context().map_err(|e| format!("build context: {e}"))?,
                        Source::Stage(i) => self.stage_root(*i),
                        Source::Image(image) => {
                            notes.push(format!("RUN --mount=from={image}: other images are not emulated"));
                            continue;
                        }
                    };
                    let mut path = base.join(source.trim_start_matches('/'));
                    if *writable {
                        // Writes to a read-write bind are thrown away after the step.
                        let copy = self.work.join(format!("bind-{}", scratch.len() + binds.len()));
                        copy_tree(&path, &copy, None).map_err(|e| format!("bind mount {target}: {e}"))?;
                        scratch.push(copy.clone());
                        path = copy;
                    }
                    binds.push(Bind { source: path, dest: target.clone(), writable: *writable });
                }
                RunMount::Other { kind } => notes.push(format!("RUN --mount=type={kind} not emulated")),
            }
        }
        if !self.owned(stage).iter().any(|o| o == "/tmp") {
            tmpfs.push("/tmp".into());
        }
        let mut full_env: Vec<(String, String)> = image_env.to_vec();
        for (key, value) in env {
            full_env.retain(|(k, _)| k != key);
            full_env.push((key.clone(), value.clone()));
        }
        finish_env(&mut full_env, self.tools, uid);
        for key in NETWORK_ENV {
            if let (Ok(value), false) = (std::env::var(key), full_env.iter().any(|(k, _)| k == key)) {
                full_env.push((key.to_string(), value));
            }
        }
        if !shimmed.is_empty() {
            if let Some((_, path)) = full_env.iter_mut().find(|(k, _)| k == "PATH") {
                *path = format!("{SHIM_DIR}:{path}");
            }
        }
        let mut owned = self.owned(stage);
        owned.extend(binds.iter().map(|b| b.dest.clone()));
        if self.base_image(stage).and_then(image_tool) == Some("node") {
            // The node images' global prefix: `npm install -g` writes there,
            // into the image, not into the host's read-only /usr.
            owned.push("/usr/local".into());
            if !full_env.iter().any(|(k, _)| k == "npm_config_prefix") {
                full_env.push(("npm_config_prefix".into(), "/usr/local".into()));
            }
        }
        let sandbox = Sandbox {
            root: root.to_path_buf(),
            root_writable: true,
            system: SYSTEM_DIRS.iter().map(|s| (*s).to_string()).collect(),
            owned,
            binds,
            tmpfs,
            uid,
            gid,
            env: full_env,
            cwd: workdir.to_string(),
        }
        .with_unlinked_dirs();
        let all = sandbox.host_binds();
        sandbox.prepare_root(&all).map_err(|e| format!("preparing {}: {e}", root.display()))?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .map_err(|e| format!("{}: {e}", log.display()))?;
        let err = file.try_clone().map_err(|e| format!("{}: {e}", log.display()))?;
        let status = Command::new("bwrap")
            .args(sandbox.args(&all, argv))
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(err)
            .status()
            .map_err(|e| format!("bwrap: {e}"));
        for dir in scratch {
            let _ = std::fs::remove_dir_all(dir);
        }
        if !shimmed.is_empty() {
            // The mount points the shims needed, not part of the image.
            let _ = std::fs::remove_dir_all(root.join(".shipshape"));
        }
        let status = status?;
        if !status.success() {
            let shown = argv.last().map(String::as_str).unwrap_or("");
            return Err(format!("RUN {shown} exited with {status}"));
        }
        Ok(())
    }
}

/// This machine's proxy and certificate settings, which downloads in `RUN`
/// steps need as a Docker engine's builds get them from its configuration.
const NETWORK_ENV: &[&str] = &[
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "NODE_EXTRA_CA_CERTS",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "PIP_CERT",
];

/// Adds `HOME` and the host toolchains to `PATH`.
fn finish_env(env: &mut Vec<(String, String)>, tools: &HostTools, uid: u32) {
    let path =
        env.iter().find(|(k, _)| k == "PATH").map(|(_, v)| v.clone()).unwrap_or_else(|| DEFAULT_PATH.to_string());
    let mut parts: Vec<String> = path.split(':').map(str::to_string).collect();
    // Official images keep their toolchain in /usr/local/bin: the host's
    // stand in there, ahead of the system's own (often older) ones.
    let mut at = parts.iter().position(|p| p == "/usr/local/bin").unwrap_or(parts.len());
    for dir in &tools.path_dirs {
        if !parts.contains(dir) {
            parts.insert(at, dir.clone());
            at += 1;
        }
    }
    env.retain(|(k, _)| k != "PATH");
    env.push(("PATH".into(), parts.join(":")));
    if !env.iter().any(|(k, _)| k == "HOME") {
        env.push(("HOME".into(), if uid == 0 { "/root".into() } else { "/tmp".into() }));
    }
}

/// How the final stage runs.
#[derive(Debug, Clone)]
pub struct RunSpec {
    pub uid: u32,
    pub gid: u32,
    pub read_only_root: bool,
    pub writable: Vec<String>,
    pub env: Vec<(String, String)>,
}

/// The sandbox and the binds of the final stage's container.
pub fn runtime_sandbox(
    build: &HostBuild<'_>,
    stage: &Stage,
    spec: &RunSpec,
    argvs: &mut [&mut Vec<String>],
) -> (Sandbox, Vec<Bind>) {
    let mut binds: Vec<Bind> = build
        .tools
        .binds
        .iter()
        .map(|b| Bind { source: b.clone(), dest: b.display().to_string(), writable: false })
        .collect();
    let root = build.stage_root(stage.index);
    for argv in argvs.iter_mut() {
        if let Some(program) = argv.first_mut() {
            alias(program, &root, build.tools, &mut binds);
        }
    }
    let mut env = stage.env.clone();
    for (key, value) in &spec.env {
        env.retain(|(k, _)| k != key);
        env.push((key.clone(), value.clone()));
    }
    finish_env(&mut env, build.tools, spec.uid);
    let mut owned = build.owned(stage);
    owned.extend(binds.iter().map(|b| b.dest.clone()));
    owned.extend(spec.writable.iter().cloned());
    let sandbox = Sandbox {
        root,
        root_writable: !spec.read_only_root,
        system: SYSTEM_DIRS.iter().map(|s| (*s).to_string()).collect(),
        owned,
        binds,
        tmpfs: spec.writable.clone(),
        uid: spec.uid,
        gid: spec.gid,
        env,
        cwd: stage.workdir.clone(),
    }
    .with_unlinked_dirs();
    let all = sandbox.host_binds();
    (sandbox, all)
}

/// Points a well-known runtime path the stage lacks at the host tool.
fn alias(program: &mut String, root: &Path, tools: &HostTools, binds: &mut Vec<Bind>) {
    if !program.starts_with('/') || root.join(program.trim_start_matches('/')).symlink_metadata().is_ok() {
        return;
    }
    let Some((_, tool)) = RUNTIME_ALIASES.iter().find(|(path, _)| path == program) else { return };
    let Some(found) = tools.find(tool) else { return };
    if Path::new(program.as_str()).is_file() {
        return;
    }
    if !binds.iter().any(|b| b.dest == *program) {
        binds.push(Bind { source: found.path.clone(), dest: program.clone(), writable: false });
    }
}

/// Starts `argv` in the sandbox as its own process group, output to `log`.
pub fn spawn(sandbox: &Sandbox, binds: &[Bind], argv: &[String], log: &Path) -> Result<Child, VerifyError> {
    use std::os::unix::process::CommandExt;
    sandbox.prepare_root(binds).map_err(|e| VerifyError::Io(sandbox.root.display().to_string(), e))?;
    let file = std::fs::File::create(log).map_err(|e| VerifyError::Io(log.display().to_string(), e))?;
    let err = file.try_clone().map_err(|e| VerifyError::Io(log.display().to_string(), e))?;
    Command::new("bwrap")
        .args(sandbox.args(binds, argv))
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(err)
        .process_group(0)
        .spawn()
        .map_err(|e| VerifyError::Io("bwrap".into(), e))
}

/// Stops a process group started by [`spawn`].
pub fn stop(child: &mut Child) {
    let group = format!("-{}", child.id());
    let _ = Command::new("kill").args(["-TERM", "--", &group]).stderr(Stdio::null()).status();
    for _ in 0..25 {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_images_name_their_toolchain() {
        assert_eq!(image_tool("node:20-bookworm-slim"), Some("node"));
        assert_eq!(image_tool("gcr.io/distroless/nodejs20-debian12:nonroot"), Some("node"));
        assert_eq!(image_tool("python:3.12-slim-bookworm"), Some("python3"));
        assert_eq!(image_tool("golang:1.23-bookworm"), Some("go"));
        assert_eq!(image_tool("mcr.microsoft.com/dotnet/sdk:8.0"), Some("dotnet"));
        assert_eq!(image_tool("gcr.io/distroless/cc-debian12:nonroot"), None);
        assert_eq!(image_tool("localhost:5000/rust:1.82"), Some("cargo"));
    }

    #[test]
    fn other_toolchain_versions_are_noticed() {
        let python = Tool { name: "python3", path: "/usr/bin/python3".into(), version: "Python 3.11.7".into() };
        let mismatch = version_mismatch("python:3.14-slim-bookworm", &python);
        assert_eq!(mismatch.map(|m| m.host), Some("3.11.7".to_string()));
        assert_eq!(version_mismatch("python:3.11-slim-bookworm", &python), None);
        let node = Tool { name: "node", path: "/usr/bin/node".into(), version: "v20.20.2".into() };
        assert_eq!(version_mismatch("node:20-bookworm-slim", &node), None);
        assert!(version_mismatch("node:22-bookworm-slim", &node).is_some());
        assert_eq!(version_mismatch("node:lts", &node), None);
    }

    #[test]
    fn users() {
        assert_eq!(parse_user("65532:65532"), Some((65532, 65532)));
        assert_eq!(parse_user("10001"), Some((10001, 10001)));
        assert_eq!(parse_user("root"), Some((0, 0)));
        assert_eq!(parse_user("app"), None);
    }

    #[test]
    fn dockerignore_patterns_are_anchored_at_the_context() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        std::fs::write(dir.path().join(".dockerignore"), "node_modules\n*.md\n!KEEP.md\n")?;
        let matcher = dockerignore(dir.path(), &dir.path().join(".dockerignore"));
        assert!(matcher.matched(dir.path().join("node_modules"), true).is_ignore());
        assert!(matcher.matched(dir.path().join("README.md"), false).is_ignore());
        assert!(!matcher.matched(dir.path().join("KEEP.md"), false).is_ignore());
        assert!(!matcher.matched(dir.path().join("src/node_modules"), true).is_ignore());
        Ok(())
    }

    #[test]
    fn wildcards() {
        assert!(wildcard("*.json", "package.json"));
        assert!(wildcard("requirements?.txt", "requirements2.txt"));
        assert!(!wildcard("*.json", "package.lock"));
    }
}
