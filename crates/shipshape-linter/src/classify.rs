//! The one classification stage of a scan: for every file, once, what it
//! is (its kind and role), whether it is a template, which kustomizations
//! consume it and how, and its context (source, test, docs…). Rules read
//! this from their context (`cx.class`) and never classify files on their
//! own. The YAML parsed here (kustomizations, GitLab CI files with
//! includes) is handed on, so that no file is parsed twice.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;
use shipshape_yaml::{Node, ParsedYaml};

use crate::discovery::{self, FileKind};
use crate::file_context::{self, FileContextInfo};
use crate::k8s::KustomizeRole;
use crate::kustomize::{self, Reference};
use crate::roles::{self, YamlRole};

/// What a file is, finer than the [`FileKind`] that picks its parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Kind {
    Dockerfile,
    GithubWorkflow,
    GithubAction,
    Dependabot,
    GitlabCi,
    Kustomization,
    /// A strategic-merge or JSON 6902 patch a kustomization applies.
    KustomizePatch,
    /// A file a kustomization generator reads into a ConfigMap or Secret.
    KustomizeGeneratorInput,
    /// YAML declaring Kubernetes objects (`apiVersion` and `kind`).
    KubernetesManifest,
    /// A file under `templates/` of a Helm chart.
    HelmTemplate,
    /// `values*.yaml` beside a `Chart.yaml`.
    HelmValues,
    /// `docker-compose.yml`, `compose.yaml`…
    Compose,
    /// Any other YAML.
    Yaml,
    /// Anything else, scanned for secrets.
    #[default]
    Text,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Dockerfile => "Dockerfile",
            Kind::GithubWorkflow => "GitHub Actions workflow",
            Kind::GithubAction => "GitHub Action metadata",
            Kind::Dependabot => "Dependabot configuration",
            Kind::GitlabCi => "GitLab CI configuration",
            Kind::Kustomization => "kustomization",
            Kind::KustomizePatch => "kustomize patch",
            Kind::KustomizeGeneratorInput => "kustomize generator input",
            Kind::KubernetesManifest => "Kubernetes manifest",
            Kind::HelmTemplate => "Helm template",
            Kind::HelmValues => "Helm values",
            Kind::Compose => "Compose file",
            Kind::Yaml => "YAML",
            Kind::Text => "text",
        }
    }
}

/// Template syntax a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Templating {
    /// Go/Helm `{{ }}` where it breaks the file's syntax.
    Braces,
    /// Jinja `{% %}` where it breaks the file's syntax.
    Jinja,
    /// `${VAR}` placeholders (`envsubst`, Flux post-build substitution):
    /// the file still parses.
    Envsubst,
}

impl Templating {
    /// True when the template syntax keeps the file from parsing as written.
    pub fn breaks_syntax(self) -> bool {
        matches!(self, Templating::Braces | Templating::Jinja)
    }
}

/// How a kustomization consumes a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Consumption {
    /// `resources` / `bases`: a file of objects, or a folder's kustomization.
    Resource,
    /// `components`: a folder's kustomization.
    Component,
    /// `patches`, `patchesStrategicMerge`, `patchesJson6902`.
    Patch,
    /// `configMapGenerator` / `secretGenerator` `files` and `envs`.
    GeneratorInput,
    /// `configurations`, `crds`, `replacements`, `openapi`.
    Configuration,
    /// Named only in a commented-out entry of a patch list: a patch
    /// switched off (kubebuilder's `#- path: manager_webhook_patch.yaml`).
    CommentedOutPatch,
}

/// One kustomization that consumes a file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KustomizeUse {
    /// The consuming kustomization file, relative to the scan root.
    pub kustomization: String,
    pub how: Consumption,
}

/// Everything the scan knows about a file before any rule runs.
#[derive(Debug, Clone)]
pub struct FileClass {
    /// How the file is read: Dockerfile, YAML or text.
    pub format: FileKind,
    pub kind: Kind,
    /// The role of a YAML file; `None` for other files.
    pub role: Option<YamlRole>,
    pub templated: Option<Templating>,
    /// YAML with top-level `apiVersion:` and `kind:` lines.
    pub declares_objects: bool,
    /// The kustomizations of the scan that consume the file, and how.
    pub uses: Vec<KustomizeUse>,
    /// What those uses make of the file's objects.
    pub kustomize: KustomizeRole,
    /// Source, test, fixture, docs or example, with the reason.
    pub context: FileContextInfo,
}

impl Default for FileClass {
    /// A source text file nothing consumes.
    fn default() -> Self {
        Self {
            format: FileKind::Text,
            kind: Kind::Text,
            role: None,
            templated: None,
            declares_objects: false,
            uses: Vec::new(),
            kustomize: KustomizeRole::default(),
            context: file_context::context_of("", ""),
        }
    }
}

impl FileClass {
    pub fn is_consumed_as(&self, how: Consumption) -> bool {
        self.uses.iter().any(|u| u.how == how)
    }
}

/// One file to classify.
pub struct Input<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub format: FileKind,
    /// Global offset of the file's first byte (for the YAML parsed here).
    pub base: usize,
    /// Larger than the parse limit: only lines with secrets are kept.
    pub large: bool,
}

/// The classification of a scan, with the YAML it parsed.
pub struct Classification {
    /// One per input, in input order.
    pub classes: Vec<FileClass>,
    /// The files parsed while classifying (at their base), by input index.
    pub parsed: Vec<Option<ParsedYaml>>,
}

/// Classifies every file of a scan. `root` is the scanned folder on disk
/// (Helm charts are recognized from their `Chart.yaml` there).
pub fn classify(inputs: &[Input<'_>], root: Option<&Path>) -> Classification {
    let mut parsed: Vec<Option<ParsedYaml>> = inputs.iter().map(|_| None).collect();
    let by_path: HashMap<&str, usize> = inputs.iter().enumerate().map(|(i, f)| (f.path, i)).collect();
    let roles = yaml_roles(inputs, &by_path, &mut parsed);
    let (uses, kustomize_roles) = kustomize_uses(inputs, &mut parsed);
    let classes = inputs
        .par_iter()
        .map(|input| {
            let role = roles.get(input.path).copied();
            let uses = uses.get(input.path).map(|u| u.iter().cloned().collect()).unwrap_or_default();
            let kustomize = kustomize_roles.get(input.path).copied().unwrap_or_default();
            file_class(input, role, uses, kustomize, root, &by_path)
        })
        .collect();
    Classification { classes, parsed }
}

/// The class of a file too large to parse: read for secrets only.
pub fn large_file_class(path: &str, format: FileKind) -> FileClass {
    FileClass {
        format: FileKind::Text,
        kind: if format == FileKind::Dockerfile { Kind::Dockerfile } else { Kind::Text },
        context: file_context::context_of(path, ""),
        ..FileClass::default()
    }
}

fn file_class(
    input: &Input<'_>,
    role: Option<YamlRole>,
    uses: Vec<KustomizeUse>,
    kustomize: KustomizeRole,
    root: Option<&Path>,
    by_path: &HashMap<&str, usize>,
) -> FileClass {
    if input.large {
        return large_file_class(input.path, input.format);
    }
    let format = input.format;
    let name = input.path.rsplit('/').next().unwrap_or(input.path);
    let yaml = format == FileKind::Yaml;
    let templated = templating(format, input.text);
    let declares_objects = yaml && {
        let top_level = |key: &str| input.text.starts_with(key) || input.text.contains(&format!("\n{key}"));
        top_level("apiVersion:") && top_level("kind:")
    };
    let uses_as = |how: Consumption| uses.iter().any(|u| u.how == how);
    let kind = match (format, role) {
        (FileKind::Dockerfile, _) => Kind::Dockerfile,
        (FileKind::Text, _) => Kind::Text,
        (FileKind::Yaml, _) if root.is_some_and(|r| discovery::is_helm_template(r, input.path)) => Kind::HelmTemplate,
        (FileKind::Yaml, Some(YamlRole::GithubWorkflow)) => Kind::GithubWorkflow,
        (FileKind::Yaml, Some(YamlRole::GithubAction)) => Kind::GithubAction,
        (FileKind::Yaml, Some(YamlRole::Dependabot)) => Kind::Dependabot,
        (FileKind::Yaml, Some(YamlRole::GitlabCi)) => Kind::GitlabCi,
        (FileKind::Yaml, Some(YamlRole::Kustomization)) => Kind::Kustomization,
        (FileKind::Yaml, _) if uses_as(Consumption::Patch) || uses_as(Consumption::CommentedOutPatch) => {
            Kind::KustomizePatch
        }
        (FileKind::Yaml, _) if uses_as(Consumption::GeneratorInput) => Kind::KustomizeGeneratorInput,
        (FileKind::Yaml, _) if is_helm_values(input.path, by_path, root) => Kind::HelmValues,
        (FileKind::Yaml, _) if is_compose_name(name) => Kind::Compose,
        (FileKind::Yaml, _) if declares_objects => Kind::KubernetesManifest,
        (FileKind::Yaml, _) => Kind::Yaml,
    };
    let context = file_context::context_of(input.path, input.text);
    FileClass { format, kind, role, templated, declares_objects, uses, kustomize, context }
}

/// The template syntax of a file, if any.
fn templating(format: FileKind, text: &str) -> Option<Templating> {
    let braces_or_jinja = |breaks: bool| {
        breaks.then(|| if text.contains("{%") && !text.contains("{{") { Templating::Jinja } else { Templating::Braces })
    };
    let found = match format {
        FileKind::Yaml => braces_or_jinja(shipshape_yaml::is_templated(text)),
        FileKind::Dockerfile => {
            let starts = |p: &str| text.lines().any(|l| l.trim_start().starts_with(p));
            if starts("{{") {
                Some(Templating::Braces)
            } else if starts("{%") {
                Some(Templating::Jinja)
            } else {
                None
            }
        }
        FileKind::Text => None,
    };
    // `${NAME}` is a Dockerfile's own syntax; in YAML it is filled in before apply.
    found.or_else(|| (format == FileKind::Yaml && has_envsubst(text)).then_some(Templating::Envsubst))
}

/// `${NAME}` placeholders outside comments.
fn has_envsubst(text: &str) -> bool {
    text.contains("${")
        && text.lines().filter(|l| !l.trim_start().starts_with('#')).any(|line| {
            line.match_indices("${").any(|(at, _)| {
                let rest = line.get(at + 2..).unwrap_or("");
                let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                !name.is_empty() && rest.get(name.len()..).is_some_and(|r| r.starts_with(['}', ':']))
            })
        })
}

fn is_compose_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.starts_with("docker-compose") || lower.starts_with("compose."))
        && (lower.ends_with(".yml") || lower.ends_with(".yaml"))
}

fn is_helm_values(path: &str, by_path: &HashMap<&str, usize>, root: Option<&Path>) -> bool {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    if !name.starts_with("values") {
        return false;
    }
    let chart = if dir.is_empty() { "Chart.yaml".to_string() } else { format!("{dir}/Chart.yaml") };
    by_path.contains_key(chart.as_str()) || root.is_some_and(|r| r.join(&chart).is_file())
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Parses a file at its base once, keeping the result.
fn parsed_once<'p>(slot: &'p mut Option<ParsedYaml>, input: &Input<'_>) -> &'p ParsedYaml {
    slot.get_or_insert_with(|| shipshape_yaml::parse_at(input.text, input.base))
}

/// The role of every YAML file: its path's role, and `GitlabCi` for files
/// that a GitLab CI file includes locally or runs as a child pipeline
/// (followed transitively).
fn yaml_roles<'a>(
    inputs: &[Input<'a>],
    by_path: &HashMap<&'a str, usize>,
    parsed: &mut [Option<ParsedYaml>],
) -> HashMap<&'a str, YamlRole> {
    let mut roles: HashMap<&str, YamlRole> = HashMap::new();
    let mut yaml_paths: Vec<&str> = Vec::new();
    for input in inputs.iter().filter(|f| f.format == FileKind::Yaml && !f.large) {
        if roles::is_yaml_name(file_name(input.path)) {
            roles.insert(input.path, roles::role_of_path(input.path));
            yaml_paths.push(input.path);
        }
    }
    yaml_paths.sort_unstable();
    // (file, folder of the `.gitlab-ci.yml` that started the chain); the
    // stack is popped from the end, so `.gitlab-ci.yml` files go first.
    let mut queue: Vec<(&str, String)> = yaml_paths
        .iter()
        .filter(|p| roles.get(*p) == Some(&YamlRole::GitlabCi))
        .map(|p| (*p, dir_of(p).to_string()))
        .collect();
    queue.sort_by_key(|(p, _)| file_name(p) == ".gitlab-ci.yml");
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    while let Some((path, project_dir)) = queue.pop() {
        if !seen.insert(path) {
            continue;
        }
        let Some(&index) = by_path.get(path) else { continue };
        let (Some(input), Some(slot)) = (inputs.get(index), parsed.get_mut(index)) else { continue };
        if !input.text.contains("include") {
            continue;
        }
        for document in &parsed_once(slot, input).documents {
            let mut named = roles::gitlab_local_includes(&document.root);
            named.extend(roles::gitlab_child_pipelines(&document.root));
            for included in named {
                for target in roles::resolve_local_include(&included, &project_dir, &yaml_paths) {
                    if !seen.contains(target) {
                        roles.insert(target, YamlRole::GitlabCi);
                        queue.push((target, project_dir.clone()));
                    }
                }
            }
        }
    }
    roles
}

fn is_kustomization_file(path: &str) -> bool {
    matches!(file_name(path), "kustomization.yaml" | "kustomization.yml" | "Kustomization")
}

/// What one kustomization names, resolved to paths of the scan root.
struct Named {
    path: String,
    resources: Vec<String>,
    uses: Vec<(Consumption, String)>,
    adds_selector_labels: bool,
}

/// Joins a relative reference to a folder; `None` for remote or absolute ones.
fn resolve(dir: &str, reference: &str) -> Option<String> {
    if reference.contains("://") {
        return None;
    }
    kustomize::join(dir, reference)
}

/// Patch files named in commented-out entries of a kustomization's patch
/// lists (`#- manager_webhook_patch.yaml`, `#- path: x_patch.yaml`), also
/// under a commented-out `#patchesStrategicMerge:`.
fn commented_out_patches(text: &str) -> Vec<String> {
    const PATCH_KEYS: &[&str] = &["patches", "patchesStrategicMerge", "patchesJson6902"];
    let mut section = "";
    let mut out = Vec::new();
    for line in text.lines() {
        let commented = line.trim_start().starts_with('#');
        let content = if commented { line.trim_start().trim_start_matches('#').trim_start() } else { line };
        if !content.starts_with([' ', '\t', '-']) && !content.is_empty() {
            if let Some(key) = content.trim_end().strip_suffix(':') {
                if !commented || !key.contains(' ') {
                    section = key;
                }
            } else if !commented {
                section = "";
            }
            continue;
        }
        if !commented || !PATCH_KEYS.contains(&section) {
            continue;
        }
        let entry = content.trim_start_matches('-').trim_start();
        let entry = entry.strip_prefix("path:").unwrap_or(entry).trim().trim_matches(['"', '\'']);
        let lower = entry.to_ascii_lowercase();
        if (lower.ends_with(".yaml") || lower.ends_with(".yml")) && !entry.contains([' ', ':']) {
            out.push(entry.to_string());
        }
    }
    out
}

fn read_named(path: &str, text: &str, root: &Node) -> Named {
    let dir = dir_of(path);
    let mut resources = Vec::new();
    let mut uses = Vec::new();
    for (reference, _, text) in kustomize::references(root) {
        let Some(target) = resolve(dir, &text) else { continue };
        let how = match reference {
            Reference::Resource => Consumption::Resource,
            Reference::Component => Consumption::Component,
            Reference::Patch => Consumption::Patch,
            Reference::GeneratorInput => Consumption::GeneratorInput,
            Reference::File => Consumption::Configuration,
        };
        if matches!(how, Consumption::Resource | Consumption::Component) {
            resources.push(target.clone());
        }
        uses.push((how, target));
    }
    let active: HashSet<String> = uses.iter().map(|(_, target)| target.clone()).collect();
    for reference in commented_out_patches(text) {
        if let Some(target) = resolve(dir, &reference).filter(|t| !active.contains(t)) {
            uses.push((Consumption::CommentedOutPatch, target));
        }
    }
    let common = root.get("commonLabels").is_some_and(|l| !l.entries().is_empty());
    let labels = root
        .get("labels")
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .any(|l| l.get("includeSelectors").and_then(Node::as_bool) == Some(true));
    Named { path: path.to_string(), resources, uses, adds_selector_labels: common || labels }
}

type Uses = HashMap<String, BTreeSet<KustomizeUse>>;

/// Reads every kustomization of the scan (parsing it once, kept for the
/// render) and records, per file, which kustomizations consume it and how,
/// and what that makes of its objects. Folder references are followed
/// through their own kustomization.
fn kustomize_uses(inputs: &[Input<'_>], parsed: &mut [Option<ParsedYaml>]) -> (Uses, HashMap<String, KustomizeRole>) {
    let mut by_folder: HashMap<String, Named> = HashMap::new();
    for (input, slot) in inputs.iter().zip(parsed.iter_mut()) {
        if !is_kustomization_file(input.path) || input.large {
            continue;
        }
        if let Some(document) = parsed_once(slot, input).documents.first() {
            by_folder.insert(dir_of(input.path).to_string(), read_named(input.path, input.text, &document.root));
        }
    }
    let mut uses: Uses = HashMap::new();
    let mut roles: HashMap<String, KustomizeRole> = HashMap::new();
    for k in by_folder.values() {
        for (how, target) in &k.uses {
            // A folder reference is a use of the folder's kustomization.
            let file = match by_folder.get(target.as_str()) {
                Some(inner) if matches!(how, Consumption::Resource | Consumption::Component) => inner.path.clone(),
                _ => target.clone(),
            };
            uses.entry(file).or_default().insert(KustomizeUse { kustomization: k.path.clone(), how: *how });
            match how {
                Consumption::Patch | Consumption::CommentedOutPatch => {
                    let role = roles.entry(target.clone()).or_default();
                    role.patch = true;
                    role.consumed = true;
                }
                Consumption::Resource | Consumption::Component if !by_folder.contains_key(target.as_str()) => {
                    roles.entry(target.clone()).or_default().consumed = true;
                }
                _ => {}
            }
        }
        if !k.adds_selector_labels {
            continue;
        }
        let mut stack: Vec<&String> = k.resources.iter().collect();
        let mut seen: HashSet<&String> = HashSet::new();
        while let Some(resource) = stack.pop() {
            if !seen.insert(resource) {
                continue;
            }
            match by_folder.get(resource.as_str()) {
                Some(inner) => stack.extend(inner.resources.iter()),
                None => roles.entry(resource.clone()).or_default().selector_labels_added = true,
            }
        }
    }
    (uses, roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify_texts(files: &[(&str, &str)]) -> HashMap<String, FileClass> {
        let mut base = 0;
        let inputs: Vec<Input<'_>> = files
            .iter()
            .map(|(path, text)| {
                let name = file_name(path);
                let format = if discovery::is_dockerfile_name(name) {
                    FileKind::Dockerfile
                } else if roles::is_yaml_name(name) {
                    FileKind::Yaml
                } else {
                    FileKind::Text
                };
                let input = Input { path, text, format, base, large: false };
                base += text.len() + 1;
                input
            })
            .collect();
        let classification = classify(&inputs, None);
        files.iter().map(|(p, _)| p.to_string()).zip(classification.classes).collect()
    }

    #[test]
    fn kustomize_uses_follow_folders() {
        let classes = classify_texts(&[
            ("app/base/kustomization.yaml", "resources: [deployment.yaml, ./service.yaml]\n"),
            ("app/base/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\n"),
            ("app/base/service.yaml", "apiVersion: v1\nkind: Service\n"),
            (
                "app/overlays/prod/kustomization.yaml",
                "resources: [../../base]\ncommonLabels: {team: shop}\npatches:\n  - path: replicas.yaml\n  - patch: |-\n      x\nconfigMapGenerator:\n  - name: c\n    files: [conf.yaml]\n",
            ),
            ("app/overlays/prod/replicas.yaml", "apiVersion: apps/v1\nkind: Deployment\n"),
            ("app/overlays/prod/conf.yaml", "a: 1\n"),
            ("app/comp/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"),
            ("app/other/Kustomization", "components: [../comp]\n"),
        ]);
        let patch = &classes["app/overlays/prod/replicas.yaml"];
        assert_eq!(patch.kind, Kind::KustomizePatch);
        assert!(patch.kustomize.patch && patch.kustomize.consumed);
        assert_eq!(
            patch.uses,
            [KustomizeUse {
                kustomization: "app/overlays/prod/kustomization.yaml".to_string(),
                how: Consumption::Patch
            }]
        );
        assert!(classes["app/base/deployment.yaml"].kustomize.selector_labels_added);
        assert!(classes["app/base/service.yaml"].kustomize.consumed);
        assert_eq!(classes["app/base/service.yaml"].kind, Kind::KubernetesManifest);
        assert_eq!(classes["app/overlays/prod/conf.yaml"].kind, Kind::KustomizeGeneratorInput);
        let base = &classes["app/base/kustomization.yaml"];
        assert_eq!(base.kind, Kind::Kustomization);
        assert_eq!(base.uses[0].how, Consumption::Resource);
        assert_eq!(classes["app/comp/kustomization.yaml"].uses[0].how, Consumption::Component);
    }

    #[test]
    fn commented_out_patches_are_patches() {
        let kustomization = "resources:\n- ../manager\npatches:\n- path: manager_metrics_patch.yaml\n  target:\n    kind: Deployment\n#- path: manager_webhook_patch.yaml\n#  target:\n#    kind: Deployment\n#patchesStrategicMerge:\n#- webhookcainjection_patch.yaml\n# - ../crd\nresources2:\n#- other.yaml\n";
        assert_eq!(
            commented_out_patches(kustomization),
            ["manager_webhook_patch.yaml", "webhookcainjection_patch.yaml"]
        );
        let classes = classify_texts(&[
            ("config/default/kustomization.yaml", kustomization),
            ("config/default/manager_webhook_patch.yaml", "apiVersion: apps/v1\nkind: Deployment\n"),
            ("config/default/other.yaml", "apiVersion: v1\nkind: Service\n"),
        ]);
        let patch = &classes["config/default/manager_webhook_patch.yaml"];
        assert_eq!(patch.kind, Kind::KustomizePatch);
        assert!(patch.kustomize.patch);
        assert_eq!(patch.uses[0].how, Consumption::CommentedOutPatch);
        assert_eq!(classes["config/default/other.yaml"].kind, Kind::KubernetesManifest);
    }

    #[test]
    fn roles_templates_and_contexts() {
        let classes = classify_texts(&[
            (".gitlab-ci.yml", "include:\n  - local: ci/build.yml\n"),
            ("ci/build.yml", "build:\n  script: [make]\n"),
            ("deploy/app.yaml", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: ${VALUE}\n"),
            ("chart/values.yaml", "a: 1\n"),
            ("chart/Chart.yaml", "name: x\n"),
            ("docs/snippets/x.yaml", "{{ if .x }}\na: 1\n{{ end }}\n"),
            ("Dockerfile", "FROM alpine\n"),
            ("docker-compose.yml", "services: {}\n"),
        ]);
        assert_eq!(classes["ci/build.yml"].kind, Kind::GitlabCi);
        assert_eq!(classes["deploy/app.yaml"].kind, Kind::KubernetesManifest);
        assert_eq!(classes["deploy/app.yaml"].templated, Some(Templating::Envsubst));
        assert_eq!(classes["chart/values.yaml"].kind, Kind::HelmValues);
        let snippet = &classes["docs/snippets/x.yaml"];
        assert_eq!(snippet.templated, Some(Templating::Braces));
        assert_eq!(snippet.context.file.context, crate::file_context::FileContext::Docs);
        assert_eq!(classes["Dockerfile"].kind, Kind::Dockerfile);
        assert_eq!(classes["docker-compose.yml"].kind, Kind::Compose);
    }
}
