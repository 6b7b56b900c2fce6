//! What a YAML file is from its path, and how GitLab CI files name the
//! files they include; `classify` follows the includes.

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

/// True when `path` matches a GitLab `include: local` glob: `*` matches
/// within one folder, `**` across folders.
pub fn include_glob_matches(pattern: &str, path: &str) -> bool {
    fn matches(p: &[u8], s: &[u8]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some((b'*', rest)) if rest.first() == Some(&b'*') => {
                let rest = rest.get(1..).unwrap_or(&[]);
                let rest = rest.strip_prefix(b"/").unwrap_or(rest);
                (0..=s.len()).any(|i| matches(rest, s.get(i..).unwrap_or(&[])))
            }
            Some((b'*', rest)) => (0..=s.len())
                .take_while(|i| *i == 0 || s.get(i - 1) != Some(&b'/'))
                .any(|i| matches(rest, s.get(i..).unwrap_or(&[]))),
            Some((c, rest)) => s.first() == Some(c) && matches(rest, s.get(1..).unwrap_or(&[])),
        }
    }
    matches(pattern.as_bytes(), path.as_bytes())
}

/// The files of the scan a local include names: the path from the scan
/// root, else from `project_dir` (the folder of the `.gitlab-ci.yml` that
/// started the chain, for scans of several repositories). Globs (`*`,
/// `**`) may name several files.
pub fn resolve_local_include<'p>(include: &str, project_dir: &str, paths: &[&'p str]) -> Vec<&'p str> {
    let include = include.trim_start_matches('/');
    let mut candidates = vec![include.to_string()];
    if !project_dir.is_empty() {
        candidates.push(format!("{project_dir}/{include}"));
    }
    for candidate in candidates {
        let found: Vec<&str> = if candidate.contains('*') {
            paths.iter().copied().filter(|p| include_glob_matches(&candidate, p)).collect()
        } else {
            paths.iter().copied().filter(|p| *p == candidate).collect()
        };
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

/// The local files a GitLab CI document runs as child pipelines
/// (`trigger: include:` of its jobs), relative to the scan root.
pub fn gitlab_child_pipelines(root: &Node) -> Vec<String> {
    let mut out = Vec::new();
    for entry in root.as_mapping().unwrap_or(&[]) {
        let Some(include) = entry.value.path(&["trigger", "include"]) else { continue };
        let items: Vec<&Node> = match include.as_sequence() {
            Some(items) => items.iter().collect(),
            None => vec![include],
        };
        for item in items {
            let path = match item.as_str() {
                Some(path) if !path.contains("://") => Some(path),
                Some(_) => None,
                None => item.str_at(&["local"]),
            };
            out.extend(path.map(|p| p.trim_start_matches('/').to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::classify::{self, Input};
    use crate::discovery::FileKind;

    /// The roles the classification stage gives YAML files.
    fn classify<'a>(files: impl Iterator<Item = (&'a str, &'a str)>) -> HashMap<String, YamlRole> {
        let inputs: Vec<Input<'_>> =
            files.map(|(path, text)| Input { path, text, format: FileKind::Yaml, base: 0, large: false }).collect();
        let classes = classify::classify(&inputs, None).classes;
        inputs.iter().zip(classes).filter_map(|(i, c)| Some((i.path.to_string(), c.role?))).collect()
    }

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

    #[test]
    fn includes_from_the_project_folder_and_globs() {
        let files = [
            ("repo/.gitlab-ci.yml", "include:\n  - local: /ci/build.yml\n  - local: 'jobs/**/*.yml'\n"),
            ("repo/ci/build.yml", "build:\n  script: [make]\n"),
            ("repo/jobs/a/test.yml", "t:\n  script: [x]\n"),
            ("repo/jobs/b.yaml", "b: 1\n"),
        ];
        let roles = classify(files.iter().map(|(p, t)| (*p, *t)));
        assert_eq!(roles["repo/ci/build.yml"], YamlRole::GitlabCi);
        assert_eq!(roles["repo/jobs/a/test.yml"], YamlRole::GitlabCi);
        assert_eq!(roles["repo/jobs/b.yaml"], YamlRole::Manifest);
        assert!(include_glob_matches("ci/*.yml", "ci/a.yml"));
        assert!(!include_glob_matches("ci/*.yml", "ci/x/a.yml"));
        assert!(include_glob_matches("ci/**.yml", "ci/x/a.yml"));
        assert!(include_glob_matches("**/*.yml", "a.yml"));
        let files = [
            (".gitlab-ci.yml", "child:\n  trigger:\n    include: ci/child.yml\nother:\n  trigger:\n    include:\n      - local: ci/two.yml\n"),
            ("ci/child.yml", "job:\n  script: [x]\n"),
            ("ci/two.yml", "job:\n  script: [x]\n"),
        ];
        let roles = classify(files.iter().map(|(p, t)| (*p, *t)));
        assert_eq!(roles["ci/child.yml"], YamlRole::GitlabCi);
        assert_eq!(roles["ci/two.yml"], YamlRole::GitlabCi);
    }
}
