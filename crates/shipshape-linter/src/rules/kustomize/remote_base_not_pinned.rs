use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::kustomize;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a remote entry of `resources`, `bases` or `components` (a git
    /// repository or a URL) that is not pinned: a git address without
    /// `?ref=`, or whose `ref` is a branch (`main`, `master`, `stable`…), a
    /// `raw.githubusercontent.com` URL on a branch, or a `releases/latest`
    /// download. A `ref` that is a commit or holds a version number counts
    /// as pinned.
    ///
    /// ## Why is this bad?
    /// An unpinned remote base changes under you: every build fetches
    /// whatever the branch holds that day, so an upstream commit (or a
    /// compromised repository) reaches production without a review, and
    /// two builds of the same commit can deploy different things.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   - github.com/argoproj/argo-cd//manifests/cluster-install?ref=stable
    ///   - https://raw.githubusercontent.com/org/app/main/deploy/crds.yaml
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// resources:
    ///   - github.com/argoproj/argo-cd//manifests/cluster-install?ref=v2.13.2
    ///   - https://raw.githubusercontent.com/org/app/v1.4.0/deploy/crds.yaml
    /// ```
    ///
    /// ## References
    /// - [Remote targets](https://github.com/kubernetes-sigs/kustomize/blob/master/examples/remoteBuild.md)
    pub struct RemoteBaseNotPinned {
        id: "remote-base-not-pinned",
        severity: Warning,
        domains: [Kustomize],
        summary: "Remote kustomize base is not pinned to a tag or commit",
    }
}

impl Rule for RemoteBaseNotPinned {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::Kustomization {
            return;
        }
        for document in cx.documents {
            for (kind, node, reference) in kustomize::references(&document.root) {
                if kind.is_file() || !kustomize::is_remote(&reference) {
                    continue;
                }
                let message = match pin_of(&reference) {
                    Pin::Pinned | Pin::Unknown => continue,
                    Pin::Missing => format!(
                        "Remote base `{reference}` is not pinned, so each build takes what its default branch holds; \
                         add `?ref=` with a tag or commit"
                    ),
                    Pin::Branch(branch) => format!(
                        "Remote base `{reference}` is not pinned: `{branch}` moves, so each build may deploy \
                         something else; pin a tag or commit"
                    ),
                };
                report.report(node.span, message);
            }
        }
    }
}

#[derive(Debug, PartialEq)]
enum Pin {
    Pinned,
    Missing,
    Branch(String),
    /// A plain URL whose version cannot be told.
    Unknown,
}

/// A commit, or a name with a version number in it (`v1.2.0`, `release-1.9`).
fn classify(reference: &str) -> Pin {
    let is_commit = (7..=40).contains(&reference.len()) && reference.chars().all(|c| c.is_ascii_hexdigit());
    if is_commit || reference.chars().any(|c| c.is_ascii_digit()) {
        Pin::Pinned
    } else {
        Pin::Branch(reference.to_string())
    }
}

fn pin_of(reference: &str) -> Pin {
    if let Some((_, query)) = reference.split_once('?') {
        for pair in query.split('&') {
            if let Some(("ref" | "version", value)) = pair.split_once('=') {
                return if value.is_empty() { Pin::Missing } else { classify(value) };
            }
        }
    }
    let without_scheme = reference.split_once("://").map_or(reference, |(_, rest)| rest);
    if let Some(rest) = without_scheme.strip_prefix("raw.githubusercontent.com/") {
        return rest.split('/').nth(2).map_or(Pin::Unknown, classify);
    }
    if without_scheme.contains("/releases/latest/") {
        return Pin::Branch("latest".to_string());
    }
    if let Some((_, rest)) = without_scheme.split_once("/releases/download/") {
        return rest.split('/').next().map_or(Pin::Unknown, classify);
    }
    let git = reference.starts_with("git@")
        || reference.starts_with("git::")
        || reference.starts_with("ssh://")
        || reference.contains(".git")
        || without_scheme.contains("//")
        || ["github.com/", "gitlab.com/", "bitbucket.org/"].iter().any(|h| without_scheme.starts_with(h));
    if git {
        Pin::Missing
    } else {
        Pin::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins() {
        assert_eq!(pin_of("github.com/org/repo//deploy?ref=v1.2.0"), Pin::Pinned);
        assert_eq!(pin_of("github.com/org/repo//deploy?ref=0a1b2c3d"), Pin::Pinned);
        assert_eq!(pin_of("github.com/org/repo//deploy?ref=main"), Pin::Branch("main".into()));
        assert_eq!(pin_of("github.com/org/repo//deploy"), Pin::Missing);
        assert_eq!(pin_of("https://github.com/org/repo.git//deploy?timeout=90s"), Pin::Missing);
        assert_eq!(pin_of("git@github.com:org/repo.git/deploy"), Pin::Missing);
        assert_eq!(pin_of("https://raw.githubusercontent.com/o/r/master/x.yaml"), Pin::Branch("master".into()));
        assert_eq!(pin_of("https://raw.githubusercontent.com/o/r/v1.0.0/x.yaml"), Pin::Pinned);
        assert_eq!(pin_of("https://github.com/o/r/releases/download/v1.6.0/install.yaml"), Pin::Pinned);
        assert_eq!(
            pin_of("https://github.com/o/r/releases/latest/download/install.yaml"),
            Pin::Branch("latest".into())
        );
        assert_eq!(pin_of("https://example.com/manifests/install.yaml"), Pin::Unknown);
    }
}
