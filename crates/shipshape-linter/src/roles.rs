//! What a YAML file is, from its path (and, for GitLab CI, from the files
//! that include it), so each domain's rules see their own files.

use std::collections::{BTreeMap, BTreeSet};

use shipshape_yaml::Node;

/// The role of a YAML file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum YamlRole {
    /// `.github/workflows/*.yml`
    GithubWorkflow,
    /// `action.yml` of a composite or Docker action.
    GithubAction,
    /// `.github/dependabot.yml`
    Dependabot,
    /// `.gitlab-ci.yml`, `*.gitlab-ci.yml`, and files they include locally.
    GitlabCi,
    /// `kustomization.yaml`, `kustomization.yml`, `Kustomization`.
    Kustomization,
    /// Anything else: Kubernetes manifests, values files, compose files…
    Manifest,
}

impl YamlRole {
    pub fn as_str(self) -> &'static str {
        match self {
            YamlRole::GithubWorkflow => "GitHub Actions workflow",
            YamlRole::GithubAction => "GitHub Action metadata",
            YamlRole::Dependabot => "Dependabot configuration",
            YamlRole::GitlabCi => "GitLab CI configuration",
            YamlRole::Kustomization => "kustomization",
            YamlRole::Manifest => "YAML",
        }
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

pub fn is_yaml_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml") || name == "Kustomization"
}

/// The role a path gives a YAML file on its own.
pub fn role_of_path(path: &str) -> YamlRole {
    let name = file_name(path);
    let lower = name.to_ascii_lowercase();
    let in_dir = |dir: &str| path.starts_with(dir) || path.contains(&format!("/{dir}"));
    if in_dir(".github/workflows/") && (lower.ends_with(".yml") || lower.ends_with(".yaml")) {
        YamlRole::GithubWorkflow
    } else if lower == "action.yml" || lower == "action.yaml" {
        YamlRole::GithubAction
    } else if in_dir(".github/") && (lower == "dependabot.yml" || lower == "dependabot.yaml") {
        YamlRole::Dependabot
    } else if lower == ".gitlab-ci.yml" || lower.ends_with(".gitlab-ci.yml") || lower.ends_with(".gitlab-ci.yaml") {
        YamlRole::GitlabCi
    } else if lower == "kustomization.yaml" || lower == "kustomization.yml" || name == "Kustomization" {
        YamlRole::Kustomization
    } else {
        YamlRole::Manifest
    }
}

/// The local files a GitLab CI document includes, relative to the scan root.
pub fn gitlab_local_includes(root: &Node) -> Vec<String> {
    let Some(include) = root.get("include") else { return Vec::new() };
    let items: Vec<&Node> = match include.as_sequence() {
        Some(items) => items.iter().collect(),
        None => vec![include],
    };
    items
        .into_iter()
        .filter_map(|item| match item.as_str() {
            Some(path) if !path.contains("://") => Some(path.to_string()),
            Some(_) => None,
            None => item.str_at(&["local"]).map(str::to_string),
        })
        .map(|path| path.trim_start_matches('/').to_string())
        .collect()
}

/// The role of every file: its path's role, and `GitlabCi` for files that a
/// GitLab CI file includes locally (followed transitively).
pub fn classify<'a>(files: impl Iterator<Item = (&'a str, &'a str)>) -> BTreeMap<String, YamlRole> {
    let mut roles = BTreeMap::new();
    let mut texts = BTreeMap::new();
    for (path, text) in files {
        if is_yaml_name(file_name(path)) {
            roles.insert(path.to_string(), role_of_path(path));
            texts.insert(path.to_string(), text);
        }
    }
    let mut queue: Vec<String> =
        roles.iter().filter(|(_, r)| **r == YamlRole::GitlabCi).map(|(p, _)| p.clone()).collect();
    let mut seen: BTreeSet<String> = queue.iter().cloned().collect();
    while let Some(path) = queue.pop() {
        let Some(text) = texts.get(&path) else { continue };
        if !text.contains("include") {
            continue;
        }
        let parsed = shipshape_yaml::parse(text);
        for document in &parsed.documents {
            for included in gitlab_local_includes(&document.root) {
                if roles.contains_key(&included) && seen.insert(included.clone()) {
                    roles.insert(included.clone(), YamlRole::GitlabCi);
                    queue.push(included);
                }
            }
        }
    }
    roles
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_from_paths_and_includes() {
        assert_eq!(role_of_path(".github/workflows/ci.yml"), YamlRole::GithubWorkflow);
        assert_eq!(role_of_path("sub/.github/workflows/ci.yaml"), YamlRole::GithubWorkflow);
        assert_eq!(role_of_path(".github/actions/setup/action.yml"), YamlRole::GithubAction);
        assert_eq!(role_of_path(".github/dependabot.yml"), YamlRole::Dependabot);
        assert_eq!(role_of_path("deploy/overlays/prod/kustomization.yaml"), YamlRole::Kustomization);
        assert_eq!(role_of_path("k8s/deploy.yaml"), YamlRole::Manifest);
        let files = [
            (".gitlab-ci.yml", "include:\n  - local: ci/build.yml\n  - project: x/y\n    file: a.yml\n"),
            ("ci/build.yml", "include: /ci/deep.yml\nbuild:\n  script: [make]\n"),
            ("ci/deep.yml", "deep:\n  script: [x]\n"),
            ("ci/other.yml", "a: 1\n"),
        ];
        let roles = classify(files.iter().map(|(p, t)| (*p, *t)));
        assert_eq!(roles["ci/build.yml"], YamlRole::GitlabCi);
        assert_eq!(roles["ci/deep.yml"], YamlRole::GitlabCi);
        assert_eq!(roles["ci/other.yml"], YamlRole::Manifest);
    }
}
