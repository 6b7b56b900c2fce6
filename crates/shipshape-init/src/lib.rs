//! `shipshape init`: detect the stack of a repository, make a plan, and
//! write a hardened delivery kit from it.
//!
//! Detection is an ordered list of providers ([`detect`]); it fills a typed
//! [`Plan`] with evidence for every value; writers ([`write`]) read only the
//! plan.

pub mod detect;
mod existing;
pub mod plan;
pub(crate) mod runtimes;
pub mod safe_write;
pub mod settings;
pub mod write;

use std::path::Path;

use plan::{CiProvider, Delivery, Detected, Evidence, GitopsTool, Plan, Stack, Strategy, PLAN_VERSION};
use settings::{InitConfig, ServiceConfig};

pub use plan::Plan as DeliveryPlan;

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(transparent)]
    Settings(#[from] settings::SettingsError),
    #[error("{path}: no application found (looked for package.json, pyproject.toml, requirements.txt, go.mod, Cargo.toml, pom.xml, build.gradle, *.csproj, Gemfile, composer.json, also under services/* and apps/*); set `stack` under [[init.services]] in shipshape.toml{skipped}")]
    NoApplication { path: String, skipped: String },
    #[error("{path}: no such directory")]
    NotADirectory { path: String },
}

/// Choices given on the command line; they beat `shipshape.toml`, which
/// beats detection.
#[derive(Debug, Default, Clone)]
pub struct PlanOptions {
    pub strategy: Option<Strategy>,
    pub ci: Vec<CiProvider>,
    pub gitops: Option<GitopsTool>,
    pub stack: Option<Stack>,
    /// `--force`: files at the kit's own paths are replaced, not kept.
    pub replace_existing: bool,
}

/// Detects the services of the repository at `root` and plans their kit.
pub fn make_plan(root: &Path, options: &PlanOptions) -> Result<Plan, InitError> {
    if !root.is_dir() {
        return Err(InitError::NotADirectory { path: root.display().to_string() });
    }
    let config = settings::load(root)?;
    let overrides = |dir: &str| {
        let service = config.services.iter().find(|s| s.dir == dir);
        let overrides = detect::Overrides {
            port: service.and_then(|s| s.port),
            health_path: service.and_then(|s| s.health_path.clone()).map(|p| (!p.is_empty()).then_some(p)),
            language_version: service.and_then(|s| s.language_version.clone()),
        };
        (service.and_then(|s| s.stack), overrides)
    };
    let mut warnings = Vec::new();
    let mut services = detect::detect_services(root, options.stack, &overrides, &mut warnings);
    if services.is_empty() {
        let skipped = warnings.iter().map(|w| format!("\n  {w}")).collect();
        return Err(InitError::NoApplication { path: root.display().to_string(), skipped });
    }
    for service in &mut services {
        if let Some(configured) = config.services.iter().find(|s| s.dir == service.dir) {
            apply_service_config(service, configured);
        }
    }
    let delivery = delivery(root, &config, options);
    let mut plan = Plan { version: PLAN_VERSION, delivery, services, existing_files: Vec::new(), warnings };
    plan.existing_files = existing::kept_files(&write_root(root, &plan), &plan, options.replace_existing);
    Ok(plan)
}

fn apply_service_config(service: &mut plan::ServicePlan, configured: &ServiceConfig) {
    if let Some(name) = &configured.name {
        service.name = detect::dns_name(name);
    }
    if let Some(start) = configured.start.clone().filter(|s| !s.is_empty()) {
        if start != service.start_command.value {
            service.image.command = start.clone();
            service.start_command = Detected::configured(start);
        }
    }
    if let Some(command) = &configured.migration {
        let current = service.migration.as_ref().map(|m| m.value.command.clone()).unwrap_or_default();
        if *command != current {
            service.migration = (!command.is_empty()).then(|| {
                let tool = service.migration.as_ref().map_or_else(|| "custom".to_string(), |m| m.value.tool.clone());
                Detected::configured(plan::Migration { tool, command: command.clone() })
            });
        }
    }
    if let Some(names) = &configured.secret_env {
        let current: Vec<&String> = service.secret_env.iter().map(|s| &s.value).collect();
        if names.iter().collect::<Vec<_>>() != current {
            service.secret_env = names.iter().cloned().map(Detected::configured).collect();
        }
    }
}

/// The top of the git repository holding `root` (the nearest folder with a
/// `.git`), and `root`'s path inside it (`.` at the top).
fn git_root(root: &Path) -> Option<(std::path::PathBuf, String)> {
    let root = root.canonicalize().ok()?;
    let top = root.ancestors().find(|dir| dir.join(".git").exists())?;
    let inside = root.strip_prefix(top).ok()?;
    let parts: Vec<String> = inside.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    let dir = if parts.is_empty() { ".".to_string() } else { parts.join("/") };
    Some((top.to_path_buf(), dir))
}

/// The folder `init` writes the kit under: the git repository's top when
/// `root` is a subfolder of one (CI only runs from there), else `root`.
pub fn write_root(root: &Path, plan: &Plan) -> std::path::PathBuf {
    if plan.delivery.repo_dir == "." {
        return root.to_path_buf();
    }
    git_root(root).map_or_else(|| root.to_path_buf(), |(top, _)| top)
}

/// `origin`'s URL from `.git/config`.
fn git_remote(root: &Path) -> Option<(String, Evidence)> {
    let text = std::fs::read_to_string(root.join(".git/config")).ok()?;
    let mut in_origin = false;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_origin = trimmed == "[remote \"origin\"]";
        } else if in_origin {
            if let Some(url) = trimmed.strip_prefix("url").map(|r| r.trim_start_matches([' ', '=']).trim()) {
                let url = &without_credentials(url);
                let evidence =
                    Evidence { file: ".git/config".into(), line: Some(index + 1), detail: format!("origin is {url}") };
                return Some((url.to_string(), evidence));
            }
        }
    }
    None
}

/// A URL without its user-info (`https://user:token@host/x` → `https://host/x`):
/// a credential in a remote must never reach the plan or the kit.
fn without_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest.get(..authority_end).and_then(|authority| authority.rfind('@')) {
        Some(at) => format!("{scheme}://{}", rest.get(at + 1..).unwrap_or_default()),
        None => url.to_string(),
    }
}

/// `(host, path)` of a git URL: `git@github.com:acme/shop.git` → (`github.com`, `acme/shop`).
fn split_git_url(url: &str) -> Option<(String, String)> {
    let rest = url
        .strip_prefix("git@")
        .map(|r| r.replacen(':', "/", 1))
        .or_else(|| url.split_once("://").map(|(_, r)| r.rsplit_once('@').map_or(r, |(_, host)| host).to_string()))?;
    let (host, path) = rest.split_once('/')?;
    Some((host.to_ascii_lowercase(), path.trim_end_matches('/').trim_end_matches(".git").to_string()))
}

fn current_branch(root: &Path) -> Option<(String, Evidence)> {
    for (file, prefix) in
        [(".git/refs/remotes/origin/HEAD", "ref: refs/remotes/origin/"), (".git/HEAD", "ref: refs/heads/")]
    {
        if let Some(branch) = std::fs::read_to_string(root.join(file))
            .ok()
            .and_then(|t| t.trim().strip_prefix(prefix).map(str::to_string))
        {
            return Some((
                branch.clone(),
                Evidence { file: file.into(), line: Some(1), detail: format!("branch `{branch}`") },
            ));
        }
    }
    None
}

fn delivery(root: &Path, config: &InitConfig, options: &PlanOptions) -> Delivery {
    let (repository, repo_dir) = git_root(root).unwrap_or_else(|| (root.to_path_buf(), ".".to_string()));
    let root = repository.as_path();
    let remote = git_remote(root);
    let split = remote.as_ref().and_then(|(url, _)| split_git_url(url));
    let registry = match (&split, &remote) {
        (Some((host, path)), Some((_, evidence))) if host == "github.com" => {
            let owner = path.split('/').next().unwrap_or(path).to_ascii_lowercase();
            Detected::found(
                format!("ghcr.io/{owner}"),
                Evidence { detail: "GitHub repository: GitHub Container Registry".into(), ..evidence.clone() },
            )
        }
        (Some((host, path)), Some((_, evidence))) if host.contains("gitlab") => Detected::found(
            format!("registry.{host}/{}", path.to_ascii_lowercase()),
            Evidence { detail: "GitLab repository: its container registry".into(), ..evidence.clone() },
        ),
        _ => Detected::default_value(
            "registry.example.com/team".to_string(),
            "no git remote found; set `registry` under [init]",
        ),
    };
    let repo_url = match (&config.repo_url, &split, &remote) {
        (Some(url), _, _) => Detected::configured(url.clone()),
        (None, Some((host, path)), Some((_, evidence))) => {
            Detected::found(format!("https://{host}/{path}.git"), evidence.clone())
        }
        _ => Detected::default_value(
            "https://git.example.com/team/app.git".to_string(),
            "no git remote found; set `repo-url` under [init]",
        ),
    };
    let default_branch = match &config.default_branch {
        Some(branch) => Detected::configured(branch.clone()),
        None => current_branch(root)
            .map(|(branch, evidence)| Detected::found(branch, evidence))
            .unwrap_or_else(|| Detected::default_value("main".to_string(), "no git branch found; main")),
    };
    let strategy = match (options.strategy, config.strategy) {
        (Some(strategy), _) => Detected {
            value: strategy,
            origin: plan::Origin::Configured,
            evidence: vec![Evidence {
                file: String::new(),
                line: None,
                detail: "--strategy on the command line".into(),
            }],
        },
        (None, Some(strategy)) => Detected::configured(strategy),
        (None, None) => Detected::default_value(
            Strategy::Canary,
            "canary by default: small blast radius, automated analysis, fast abort (see DEPLOYMENT.md)",
        ),
    };
    let ci = if !options.ci.is_empty() {
        options.ci.clone()
    } else if !config.ci.is_empty() {
        config.ci.clone()
    } else if split.as_ref().is_some_and(|(host, _)| host.contains("gitlab")) || root.join(".gitlab-ci.yml").is_file() {
        vec![CiProvider::Gitlab]
    } else {
        vec![CiProvider::Github]
    };
    Delivery {
        strategy,
        ci,
        gitops: options.gitops.or(config.gitops).unwrap_or(GitopsTool::Argocd),
        registry,
        repo_url,
        default_branch,
        repo_dir,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn remote_urls_lose_their_credentials() {
        let token = ["ghp_", "abc123"].concat();
        assert_eq!(
            super::without_credentials(&format!("https://x:{token}@github.com/acme/shop.git")),
            "https://github.com/acme/shop.git"
        );
        assert_eq!(super::without_credentials("git@github.com:acme/shop.git"), "git@github.com:acme/shop.git");
        assert_eq!(super::without_credentials("https://github.com/a/b@c"), "https://github.com/a/b@c");
    }

    use super::split_git_url;

    #[test]
    fn git_urls() {
        assert_eq!(split_git_url("git@github.com:Acme/shop.git"), Some(("github.com".into(), "Acme/shop".into())));
        assert_eq!(split_git_url("https://gitlab.com/g/sub/p"), Some(("gitlab.com".into(), "g/sub/p".into())));
        assert_eq!(split_git_url("https://user@github.com/a/b.git"), Some(("github.com".into(), "a/b".into())));
    }
}
