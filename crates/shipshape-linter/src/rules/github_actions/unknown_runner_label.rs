use super::workflow::{from_matrix, Workflow};
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a `runs-on` label that is neither a GitHub-hosted runner image
    /// (`ubuntu-latest`, `ubuntu-24.04`, `windows-2025`, `macos-15`, the
    /// `-arm`, `-large` and `-xlarge` variants…) nor used together with
    /// `self-hosted` or the default labels of self-hosted runners (`linux`,
    /// `windows`, `macos`, `x64`, `arm`, `arm64`), and GitHub-hosted images
    /// that were retired (`ubuntu-20.04`, `windows-2019`, `macos-12`…).
    /// Labels taken from a matrix are checked too (reported at `runs-on`). Names
    /// that look like larger runners (an OS and a size:
    /// `ubuntu-22.04-16core`, `linux-arm64-large`) and labels of known runner providers
    /// (BuildJet, Blacksmith, Depot, Namespace, WarpBuild, Ubicloud,
    /// RunsOn…) are accepted unless they are one or two typos away from a
    /// GitHub-hosted label.
    ///
    /// ## Why is this bad?
    /// No runner picks up a job whose labels match none: it waits in the
    /// queue until it times out after a day, and the pipeline looks stuck
    /// rather than broken. A typo (`ubuntu-lastest`) or a retired image is
    /// the usual cause. A custom label of a larger runner or a self-hosted
    /// runner is fine: suppress the finding, or add `self-hosted`.
    ///
    /// ## Example
    /// ```yaml
    /// runs-on: ubuntu-lastest
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// runs-on: ubuntu-latest
    /// ```
    ///
    /// ## References
    /// - [GitHub-hosted runners: standard labels](https://docs.github.com/en/actions/using-github-hosted-runners/using-github-hosted-runners/about-github-hosted-runners#standard-github-hosted-runners-for-public-repositories)
    pub struct UnknownRunnerLabel {
        id: "unknown-runner-label",
        severity: Warning,
        domains: [GithubActions],
        summary: "`runs-on` label matches no GitHub-hosted runner and is not marked self-hosted",
        kind: Defect,
    }
}

const HOSTED: &[&str] = &[
    "ubuntu-latest",
    "ubuntu-24.04",
    "ubuntu-22.04",
    "ubuntu-24.04-arm",
    "ubuntu-22.04-arm",
    "ubuntu-slim",
    "windows-latest",
    "windows-2025",
    "windows-2022",
    "windows-11-arm",
    "macos-latest",
    "macos-26",
    "macos-15",
    "macos-14",
    "macos-13",
    "macos-15-intel",
    "macos-26-intel",
];

const RETIRED: &[&str] = &[
    "ubuntu-20.04",
    "ubuntu-18.04",
    "ubuntu-16.04",
    "windows-2019",
    "windows-2016",
    "macos-12",
    "macos-11",
    "macos-10.15",
];

const SELF_HOSTED_DEFAULTS: &[&str] = &["self-hosted", "linux", "windows", "macos", "x64", "arm", "arm64"];

/// Prefixes of runner providers whose labels are valid without `self-hosted`.
const PROVIDERS: &[&str] = &[
    "buildjet-",
    "blacksmith",
    "depot-",
    "namespace-",
    "nscloud",
    "warp-",
    "ubicloud",
    "runs-on",
    "cirun",
    "gha-runner",
    "arc-",
    "codebuild-",
    "codspeed",
];

/// Words in the names organisations give their larger runners
/// (`ubuntu-latest-16-cores`, `linux-arm64-large`).
const OS_WORDS: &[&str] = &["ubuntu", "linux", "windows", "macos", "darwin", "win-", "mac-"];

/// Words that size a runner (`16-cores`, `4core`, `8cpu`, `large`, `gpu`).
const SIZE_WORDS: &[&str] = &["core", "cpu", "large", "medium", "small", "gpu", "ram", "gb", "-x", "arm"];

/// A name an organisation gave a larger runner: an OS and a size
/// (`ubuntu-latest-16-cores`, `custom-linux-medium`).
fn is_larger_runner_name(label: &str) -> bool {
    OS_WORDS.iter().any(|w| label.contains(w)) && SIZE_WORDS.iter().any(|w| label.contains(w))
}

fn is_hosted(label: &str) -> bool {
    if HOSTED.contains(&label) {
        return true;
    }
    // Larger macOS runners: `macos-15-large`, `macos-latest-xlarge`.
    label.strip_prefix("macos-").is_some_and(|rest| {
        let version = rest.trim_end_matches("-xlarge").trim_end_matches("-large");
        version != rest && (version == "latest" || HOSTED.contains(&format!("macos-{version}").as_str()))
    })
}

impl Rule for UnknownRunnerLabel {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        for job in &workflow.jobs {
            if job.get("runs-on").is_some_and(|r| r.is_mapping() && r.get("group").is_some()) {
                continue;
            }
            let Some(sets) = job.runner_labels() else { continue };
            for set in sets {
                let lower: Vec<String> = set.iter().map(|(_, l)| l.to_ascii_lowercase()).collect();
                if lower.iter().any(|l| SELF_HOSTED_DEFAULTS.contains(&l.as_str())) {
                    continue;
                }
                for ((node, label), lower) in set.iter().zip(&lower) {
                    if RETIRED.contains(&lower.as_str()) {
                        report.report(
                            node.span,
                            format!(
                                "`{label}`{} is a retired GitHub-hosted image; no runner will pick up this job",
                                from_matrix(node)
                            ),
                        );
                    } else if is_hosted(lower) || lower.is_empty() {
                    } else if let Some(close) = HOSTED.iter().find(|h| crate::text::edit_distance(h, lower) <= 2) {
                        report.report(
                            node.span,
                            format!("`{label}`{} is not a runner label; did you mean `{close}`?", from_matrix(node)),
                        );
                    } else if !PROVIDERS.iter().any(|p| lower.starts_with(p)) && !is_larger_runner_name(lower) {
                        report.report(
                            node.span,
                            format!("`{label}`{} is not a GitHub-hosted runner label; if it names a self-hosted runner, add `self-hosted`",
                                from_matrix(node)),
                        );
                    }
                }
            }
        }
    }
}
