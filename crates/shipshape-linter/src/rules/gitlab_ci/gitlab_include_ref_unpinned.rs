use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support::{Config, IncludeKind};

declare_rule! {
    /// ## What it does
    /// Flags an `include:` of another project's file, or of a CI/CD
    /// component, that is not pinned to a tag or a commit:
    /// - `project:` with no `ref:` (it follows the default branch), or a
    ///   `ref:` that names a branch;
    /// - `component: …@~latest`, or `@` a branch.
    ///
    /// A ref is taken as pinned when it is a commit SHA (7 to 40 hex
    /// digits) or looks like a version tag (`v1.4.2`, `2.1`, `3`); anything
    /// else (`main`, `master`, `develop`, `stable`, `release/x`) is a branch.
    /// Refs built from variables are left alone.
    ///
    /// ## Why is this bad?
    /// The included jobs run with this project's variables, secrets and job
    /// token. When they follow a branch, every push to that other project
    /// changes this pipeline at once, with no review here and no record of
    /// what ran; a compromise of the other project is a compromise of this
    /// one. Pin a tag (or a SHA, which cannot be moved) and update it on
    /// purpose.
    ///
    /// ## Example
    /// ```yaml
    /// include:
    ///   - project: my-group/ci-templates
    ///     file: /templates/build.yml
    ///   - component: $CI_SERVER_FQDN/my-group/components/sast@~latest
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// include:
    ///   - project: my-group/ci-templates
    ///     ref: v2.3.1
    ///     file: /templates/build.yml
    ///   - component: $CI_SERVER_FQDN/my-group/components/sast@1.4.0
    /// ```
    pub struct GitlabIncludeRefUnpinned {
        id: "gitlab-include-ref-unpinned",
        severity: Warning,
        domains: [GitlabCi],
        summary: "GitLab CI `project:` or component include follows a branch instead of a tag or commit",
    }
}

/// True for refs that are commits or look like version tags.
pub(crate) fn is_pinned_ref(reference: &str) -> bool {
    let reference = reference.trim();
    let sha = (7..=40).contains(&reference.len()) && reference.chars().all(|c| c.is_ascii_hexdigit());
    let version =
        reference.strip_prefix(['v', 'V']).unwrap_or(reference).chars().next().is_some_and(|c| c.is_ascii_digit());
    let tag_path = reference.starts_with("refs/tags/");
    // `codespell@0.2.2`, `chart-1.4.0`: a name and a full version.
    let named_version = reference.rsplit_once(['@', '-', '_']).is_some_and(|(_, v)| {
        let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
        v.contains('.') && v.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    });
    sha || version || tag_path || named_version
}

impl Rule for GitlabIncludeRefUnpinned {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::GitlabCi {
            return;
        }
        for doc in &Config::of_file(cx).docs {
            for include in doc.includes() {
                match include.kind {
                    IncludeKind::Project => {
                        let project = include.target_str();
                        if project.contains("$[[") {
                            continue;
                        }
                        match include.node.get("ref") {
                            None => report.report(
                                include.target.span,
                                format!(
                                    "`project: {project}` has no `ref:`, so it follows the project's default \
                                     branch; pin a tag or commit SHA"
                                ),
                            ),
                            Some(node) => {
                                let reference = node.as_str().unwrap_or("");
                                if reference.is_empty() || reference.contains('$') || is_pinned_ref(reference) {
                                    continue;
                                }
                                report.report(
                                    node.span,
                                    format!(
                                        "`ref: {reference}` of `{project}` is a branch, so the included jobs \
                                         change whenever it moves; pin a tag or commit SHA"
                                    ),
                                );
                            }
                        }
                    }
                    IncludeKind::Component => {
                        let component = include.target_str();
                        let version = component.rsplit_once('@').map(|(_, v)| v);
                        let pinned = match version {
                            Some(v) if v.contains('$') => true,
                            Some(v) => !v.starts_with('~') && is_pinned_ref(v),
                            None => component.contains('$'),
                        };
                        if !pinned {
                            let shown = version.unwrap_or("no version");
                            report.report(
                                include.target.span,
                                format!(
                                    "Component `{component}` is included at `{shown}`, which moves; pin a released \
                                     version or a commit SHA"
                                ),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_pinned_ref;

    #[test]
    fn refs() {
        for pinned in ["v1.2.3", "1.2", "3", "4f1a5b1051b469108d1bdf0ebec6c814427e3834", "refs/tags/x", "lint@0.2.2"] {
            assert!(is_pinned_ref(pinned), "{pinned}");
        }
        for branch in ["main", "master", "develop", "release/1.x", "stable", "HEAD", "~latest", "release-1.x"] {
            assert!(!is_pinned_ref(branch), "{branch}");
        }
    }
}
