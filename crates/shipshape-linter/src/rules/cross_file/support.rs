//! What the cross-file rules share: which Dockerfile builds an image (from
//! the CI job that builds it, or from the folder it sits in), and what a
//! Dockerfile's final stage says about the container it makes.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use regex::Regex;
use shipshape_dockerfile::{Args, Dockerfile, Instruction, Stage};
use shipshape_yaml::Node;

use crate::context::{RepositoryContext, ScannedFile};
use crate::discovery::FileKind;
use crate::images::ImageRef;
use crate::roles::YamlRole;
use crate::rules::dockerfile::support;

/// An image a CI job builds and pushes.
#[derive(Debug, Clone)]
pub(crate) struct CiBuild {
    /// `registry/owner/name` without tag or digest, variables resolved.
    pub image: String,
    /// The Dockerfile the job builds, relative to the scan root, when known.
    pub dockerfile: Option<String>,
    /// The repository folder the CI file belongs to (`""` at the scan root):
    /// the parent of `.github/`, or the folder of `.gitlab-ci.yml`.
    pub root: String,
    /// True when the job pushes the image to a registry.
    pub pushed: bool,
}

impl CiBuild {
    /// True when `path` (relative to the scan root) is in this build's repository.
    pub fn covers(&self, path: &str) -> bool {
        self.root.is_empty() || path.starts_with(&format!("{}/", self.root))
    }
}

static DOCKER_BUILD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"docker\s+(?:buildx\s+)?build\b([^\n;&|]*)").unwrap_or_else(|_| unreachable!("valid regex"))
});

/// `${{ env.NAME }}`, `${NAME}` and `$NAME` replaced from `vars`; `None`
/// when something is left unresolved (an image's tag may stay unresolved:
/// see `image_name`).
fn resolve_vars(text: &str, vars: &BTreeMap<String, String>) -> Option<String> {
    let out = substitute(text, vars);
    (!out.contains('$')).then_some(out)
}

fn substitute(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = text.to_string();
    for _ in 0..4 {
        for (name, value) in vars {
            out = out
                .replace(&format!("${{{{ env.{name} }}}}"), value)
                .replace(&format!("${{{{env.{name}}}}}"), value)
                .replace(&format!("${{{name}}}"), value)
                .replace(&format!("${name}"), value);
        }
    }
    out
}

/// The name (registry/owner/repository) of an image reference; its tag may
/// be an unresolved variable, its name may not.
fn image_name(reference: &str) -> Option<String> {
    let reference = reference.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    let name_end = reference.rfind('/').map_or(0, |i| i + 1);
    let name_end = reference[name_end..].find([':', '@']).map_or(reference.len(), |i| name_end + i);
    let name = &reference[..name_end];
    if name.is_empty() || name.contains(['$', '{', '}']) || name.contains(char::is_whitespace) {
        return None;
    }
    Some(ImageRef::parse(name).name.to_string())
}

fn join(dir: &str, path: &str) -> String {
    shipshape_dockerfile::absolute_path(Some(dir), path).trim_start_matches('/').to_string()
}

/// The Dockerfile a build uses: `file` when given, else `context/Dockerfile`.
fn dockerfile_path(context: Option<&str>, file: Option<&str>) -> String {
    match (file, context) {
        (Some(file), _) => join("", file),
        (None, Some(context)) => join(context, "Dockerfile"),
        (None, None) => "Dockerfile".to_string(),
    }
}

/// `KEY: value` pairs of an `env:`/`variables:` mapping.
fn string_map(node: Option<&Node>) -> BTreeMap<String, String> {
    node.map(|n| n.entries())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| {
            Some((e.key.as_str()?.to_string(), e.value.as_str().or_else(|| e.value.str_at(&["value"]))?.to_string()))
        })
        .collect()
}

/// Images built by `docker build -t … [-f …] DIR` commands in a script.
fn scripted_builds(script: &Node, vars: &BTreeMap<String, String>, root: &str, out: &mut Vec<CiBuild>) {
    let Some(text) = script.as_str() else { return };
    let pushes = text.contains("docker push") || text.contains("--push");
    for caps in DOCKER_BUILD.captures_iter(text) {
        let Some(args) = caps.get(1) else { continue };
        let words: Vec<&str> = args.as_str().split_whitespace().collect();
        let mut tags = Vec::new();
        let mut file = None;
        let mut context = None;
        let mut i = 0;
        while i < words.len() {
            let word = words[i];
            let value = words.get(i + 1).copied();
            match word {
                "-t" | "--tag" => {
                    tags.extend(value);
                    i += 1;
                }
                "-f" | "--file" => {
                    file = value;
                    i += 1;
                }
                w if w.starts_with("--tag=") => tags.push(&w[6..]),
                w if w.starts_with("--file=") => file = Some(&w[7..]),
                w if w.starts_with('-') => {
                    if matches!(
                        w,
                        "--build-arg"
                            | "--platform"
                            | "--target"
                            | "--label"
                            | "--cache-from"
                            | "--cache-to"
                            | "--secret"
                            | "--output"
                            | "-o"
                            | "--metadata-file"
                    ) {
                        i += 1;
                    }
                }
                w => context = Some(w),
            }
            i += 1;
        }
        for tag in tags {
            let Some(image) = image_name(&substitute(tag, vars)) else { continue };
            let dockerfile = dockerfile_path(
                context.and_then(|c| resolve_vars(c, vars)).as_deref(),
                file.and_then(|f| resolve_vars(f, vars)).as_deref(),
            );
            out.push(CiBuild {
                image,
                dockerfile: Some(join(root, &dockerfile)),
                root: root.to_string(),
                pushed: pushes,
            });
        }
    }
}

/// Images GitHub Actions workflows build and push.
fn workflow_builds(document: &Node, root: &str, out: &mut Vec<CiBuild>) {
    let workflow_env = string_map(document.get("env"));
    for job in document.get("jobs").map(|j| j.entries()).unwrap_or_default() {
        let mut vars = workflow_env.clone();
        vars.extend(string_map(job.value.get("env")));
        for step in job.value.get("steps").map(Node::items).unwrap_or(&[]) {
            let mut step_vars = vars.clone();
            step_vars.extend(string_map(step.get("env")));
            if let Some(run) = step.get("run") {
                scripted_builds(run, &step_vars, root, out);
            }
            let uses = step.str_at(&["uses"]).unwrap_or("");
            if !uses.starts_with("docker/build-push-action") {
                continue;
            }
            let with = step.get("with");
            let context = with.and_then(|w| w.str_at(&["context"])).and_then(|c| resolve_vars(c, &step_vars));
            let file = with.and_then(|w| w.str_at(&["file"])).and_then(|f| resolve_vars(f, &step_vars));
            let Some(tags) = with.and_then(|w| w.get("tags")) else { continue };
            let pushed = with.and_then(|w| w.get("push")).is_some_and(|p| p.as_bool() != Some(false));
            let dockerfile = join(root, &dockerfile_path(context.as_deref(), file.as_deref()));
            for tag in tags.as_str().unwrap_or("").split([',', '\n']) {
                let Some(image) = image_name(&substitute(tag.trim(), &step_vars)) else { continue };
                out.push(CiBuild { image, dockerfile: Some(dockerfile.clone()), root: root.to_string(), pushed });
            }
        }
    }
}

/// Images GitLab CI jobs build with `docker build` in their scripts.
fn gitlab_builds(document: &Node, root: &str, out: &mut Vec<CiBuild>) {
    let global = string_map(document.get("variables"));
    for job in document.entries() {
        if !job.value.is_mapping() {
            continue;
        }
        let mut vars = global.clone();
        vars.extend(string_map(job.value.get("variables")));
        for key in ["before_script", "script"] {
            if let Some(script) = job.value.get(key) {
                let lines: Vec<&Node> = match script.as_sequence() {
                    Some(items) => items.iter().collect(),
                    None => vec![script],
                };
                let pushes =
                    lines.iter().any(|l| l.as_str().is_some_and(|t| t.contains("docker push") || t.contains("--push")));
                let before = out.len();
                for line in lines {
                    scripted_builds(line, &vars, root, out);
                }
                for build in &mut out[before..] {
                    build.pushed |= pushes;
                }
            }
        }
    }
}

/// The repository folder a CI file belongs to.
fn repository_root(path: &str, role: YamlRole) -> String {
    match role {
        YamlRole::GithubWorkflow => path.split(".github/").next().unwrap_or("").trim_end_matches('/').to_string(),
        _ => path.rsplit_once('/').map_or("", |(dir, _)| dir).to_string(),
    }
}

/// Every image the scan's CI files build.
pub(crate) fn ci_builds(repo: &RepositoryContext<'_>) -> Vec<CiBuild> {
    let mut out = Vec::new();
    for file in repo.files {
        let Some(role) = file.role.filter(|r| matches!(r, YamlRole::GithubWorkflow | YamlRole::GitlabCi)) else {
            continue;
        };
        let root = repository_root(file.path, role);
        for document in file.documents {
            match role {
                YamlRole::GithubWorkflow => workflow_builds(&document.root, &root, &mut out),
                _ => gitlab_builds(&document.root, &root, &mut out),
            }
        }
    }
    out
}

/// Where the images of a scan come from: the CI builds, and the files by
/// path and the Dockerfiles by folder name, indexed once per scan.
pub(crate) struct ImageSources<'r, 'a> {
    builds: HashMap<String, Vec<CiBuild>>,
    files: HashMap<&'r str, &'r ScannedFile<'a>>,
    /// Dockerfiles by the lower-cased name of their folder.
    by_folder: HashMap<String, Vec<&'r ScannedFile<'a>>>,
}

impl<'r, 'a> ImageSources<'r, 'a> {
    pub(crate) fn new(repo: &'r RepositoryContext<'a>) -> Self {
        let mut builds: HashMap<String, Vec<CiBuild>> = HashMap::new();
        for build in ci_builds(repo) {
            builds.entry(build.image.clone()).or_default().push(build);
        }
        let mut files = HashMap::new();
        let mut by_folder: HashMap<String, Vec<&ScannedFile<'a>>> = HashMap::new();
        for file in repo.files.iter().filter(|f| f.dockerfile.is_some()) {
            files.entry(file.path).or_insert(file);
            if file.kind == FileKind::Dockerfile {
                let folder = file.dir().rsplit('/').next().unwrap_or("").to_ascii_lowercase();
                by_folder.entry(folder).or_default().push(file);
            }
        }
        Self { builds, files, by_folder }
    }

    /// The Dockerfile that builds `image` for a manifest at `user_path`:
    /// the one a CI job builds it from, or the only Dockerfile in a folder
    /// named like the image.
    pub(crate) fn dockerfile_for(&self, image: &str, user_path: &str) -> Option<&'r ScannedFile<'a>> {
        let name = image_name(image)?;
        let built = self.builds.get(&name).and_then(|b| b.iter().find(|b| b.covers(user_path)));
        if let Some(path) = built.and_then(|b| b.dockerfile.as_deref()) {
            if let Some(file) = self.files.get(path) {
                return Some(file);
            }
        }
        let short = name.rsplit('/').next()?;
        if short.len() < 3 {
            return None;
        }
        match self.by_folder.get(&short.to_ascii_lowercase())?.as_slice() {
            [only] => Some(only),
            _ => None,
        }
    }
}

fn final_chain(dockerfile: &Dockerfile) -> Vec<&Stage> {
    dockerfile.final_stage().map(|stage| support::chain(dockerfile, stage)).unwrap_or_default()
}

fn last_instruction<'a>(dockerfile: &'a Dockerfile, keyword: &str) -> Option<&'a Instruction> {
    final_chain(dockerfile)
        .into_iter()
        .find_map(|stage| support::body(dockerfile, stage).filter(|(_, i)| i.keyword == keyword).map(|(_, i)| i).last())
}

/// Ports the final image EXPOSEs (numbers only).
pub(crate) fn exposed_ports(dockerfile: &Dockerfile) -> Vec<i64> {
    let mut ports = Vec::new();
    for stage in final_chain(dockerfile) {
        for (_, instruction) in support::body(dockerfile, stage).filter(|(_, i)| i.keyword == "EXPOSE") {
            for word in instruction.words() {
                if let Ok(port) = word.value.split('/').next().unwrap_or("").parse::<i64>() {
                    ports.push(port);
                }
            }
        }
    }
    ports
}

/// The user the final image runs as, when a `USER` sets it.
pub(crate) fn image_user(dockerfile: &Dockerfile) -> Option<String> {
    last_instruction(dockerfile, "USER").and_then(|i| i.words().first().map(|w| w.value.clone()))
}

static HTTP_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"https?://(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::\d+)?(/[A-Za-z0-9_./-]*)")
        .unwrap_or_else(|_| unreachable!("valid regex"))
});

/// The HTTP path the final image's `HEALTHCHECK` requests, if any.
pub(crate) fn healthcheck_path(dockerfile: &Dockerfile) -> Option<String> {
    let instruction = last_instruction(dockerfile, "HEALTHCHECK")?;
    let text = match &instruction.args {
        Args::Exec(words) => words.iter().map(|w| w.value.as_str()).collect::<Vec<_>>().join(" "),
        Args::Shell(text) => text.value.clone(),
    };
    let path = HTTP_PATH.captures(&text)?.get(1)?.as_str().trim_end_matches('/').to_string();
    Some(if path.is_empty() { "/".to_string() } else { path })
}

/// Every container of every workload in the scan, once per source position.
pub(crate) fn containers<'a>(
    repo: &'a RepositoryContext<'_>,
) -> Vec<(&'a crate::context::K8sObject, crate::k8s::Container<'a>)> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for object in &repo.objects.objects {
        let Some(template) = crate::k8s::pod_template(object) else { continue };
        for container in template.containers() {
            if seen.insert(container.node.span) {
                out.push((object, container));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_and_paths() {
        let vars = BTreeMap::from([
            ("REGISTRY".to_string(), "ghcr.io".to_string()),
            ("IMAGE".to_string(), "acme/api".to_string()),
        ]);
        assert_eq!(resolve_vars("${{ env.REGISTRY }}/$IMAGE:1.0", &vars).as_deref(), Some("ghcr.io/acme/api:1.0"));
        assert_eq!(resolve_vars("$UNKNOWN/x", &vars), None);
        assert_eq!(dockerfile_path(Some("./services/api"), None), "services/api/Dockerfile");
        assert_eq!(dockerfile_path(Some("."), Some("docker/api.Dockerfile")), "docker/api.Dockerfile");
        assert_eq!(join("a/b", "../c"), "a/c");
    }

    #[test]
    fn healthcheck_paths() {
        let file = shipshape_dockerfile::parse(
            "FROM alpine:3.20\nHEALTHCHECK CMD wget -qO- http://127.0.0.1:8080/healthz || exit 1\nUSER 10001\nEXPOSE 8080 9090/tcp\n",
        );
        assert_eq!(healthcheck_path(&file).as_deref(), Some("/healthz"));
        assert_eq!(exposed_ports(&file), vec![8080, 9090]);
        assert_eq!(image_user(&file).as_deref(), Some("10001"));
    }
}
