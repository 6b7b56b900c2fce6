use std::collections::HashSet;

use shipshape_yaml::Node;

use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::gitlab_ci::support::{self, Config, Job};

declare_rule! {
    /// ## What it does
    /// Flags `allow_failure: true` on a GitLab CI security-scanning job (on
    /// the job, in one of its `rules:`, or through `extends`). A job is a
    /// security scan when its name, stage, image, or a template it extends
    /// names a scanner or a scan: `sast`, `dast`, `dependency_scanning`,
    /// `container_scanning`, `secret_detection`, `trivy`, `grype`, `snyk`,
    /// `gitleaks`, `trufflehog`, `semgrep`, `bandit`, `gosec`, `checkov`,
    /// `tfsec`, `kics`, `zap`, `gemnasium`, `dependency-check`, `sonarqube`,
    /// `govulncheck`, `audit`, `security`, `scan`…
    ///
    /// A manual job (`when: manual`, on the job or in the `rules:` entry
    /// that sets `allow_failure: true`) is not reported: there
    /// `allow_failure: true` is what keeps the pipeline from waiting on
    /// the button of an optional run, not a scan whose result is ignored.
    ///
    /// ## Why is this bad?
    /// A scan that may fail never stops anything: a vulnerable dependency, a
    /// committed credential or a critical image CVE turns the job orange and
    /// the pipeline carries on to deploy. If findings must not block yet,
    /// keep the job blocking and tune what fails it (severity thresholds,
    /// an allow-list), or use `allow_failure: exit_codes:` for the scanner's
    /// "could not run" code only.
    ///
    /// ## Example
    /// ```yaml
    /// trivy-image:
    ///   stage: test
    ///   image: aquasec/trivy:0.53.0
    ///   script: [trivy image --exit-code 1 --severity CRITICAL "$IMAGE"]
    ///   allow_failure: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// trivy-image:
    ///   stage: test
    ///   image: aquasec/trivy:0.53.0
    ///   script: [trivy image --exit-code 1 --severity CRITICAL "$IMAGE"]
    /// ```
    pub struct GitlabSecurityScanAllowedToFail {
        id: "gitlab-security-scan-allowed-to-fail",
        severity: Warning,
        domains: [GitlabCi],
        summary: "GitLab CI security scan job is allowed to fail",
    }
}

const SCANNER_WORDS: &[&str] = &[
    "sast",
    "dast",
    "trivy",
    "grype",
    "snyk",
    "gitleaks",
    "trufflehog",
    "semgrep",
    "bandit",
    "gosec",
    "brakeman",
    "checkov",
    "tfsec",
    "kics",
    "zap",
    "zaproxy",
    "gemnasium",
    "anchore",
    "clair",
    "audit",
    "security",
    "vulnerability",
    "vulnerabilities",
    "scan",
    "scanning",
    "scanner",
    "lacework",
    "nuclei",
    "sonar",
    "sonarqube",
    "sonarcloud",
    "safety",
    "govulncheck",
    "kubesec",
    "osv",
    "dependabot",
    "sca",
];
const SCANNER_PHRASES: &[&str] = &["secret_detection", "secret-detection", "dependency-check", "dependency_check"];

fn names_scanner(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SCANNER_PHRASES.iter().any(|p| lower.contains(p))
        || support::words(name).iter().any(|w| SCANNER_WORDS.contains(&w.as_str()))
}

fn is_scan(config: &Config<'_>, job: &Job<'_>) -> bool {
    if names_scanner(job.name) {
        return true;
    }
    let chain = config.chain(job);
    if chain.iter().skip(1).any(|d| names_scanner(d.name)) {
        return true;
    }
    let stage = config.lookup(job, "stage").and_then(Node::as_str).unwrap_or("");
    let image = config.lookup(job, "image").and_then(|i| i.as_str().or_else(|| i.str_at(&["name"]))).unwrap_or("");
    names_scanner(stage) || names_scanner(image.rsplit('/').next().unwrap_or(image).split(':').next().unwrap_or(""))
}

/// `when: manual`: the job waits for someone to start it.
fn is_manual(when: &Node) -> bool {
    when.as_str() == Some("manual")
}

impl Rule for GitlabSecurityScanAllowedToFail {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        let pipelines = support::pipelines(repo);
        let mut seen = HashSet::new();
        for (config, job) in support::reported_jobs(&pipelines) {
            let job_is_manual = config.lookup(&job, "when").is_some_and(is_manual);
            let mut allowing: Vec<&Node> = config
                .lookup(&job, "allow_failure")
                .filter(|a| a.as_bool() == Some(true) && !job_is_manual)
                .into_iter()
                .collect();
            if let Some(rules) = config.lookup(&job, "rules") {
                allowing.extend(
                    rules
                        .items()
                        .iter()
                        .filter(|r| !r.get("when").is_some_and(is_manual))
                        .filter_map(|r| r.get("allow_failure"))
                        .filter(|a| a.as_bool() == Some(true)),
                );
            }
            if allowing.is_empty() || !is_scan(config, &job) {
                continue;
            }
            for node in allowing {
                if seen.insert(node.span) {
                    report.report(
                        node.span,
                        format!(
                            "Security scan `{}` may fail without stopping the pipeline, so its findings block \
                             nothing; make it blocking and tune its threshold instead",
                            job.name
                        ),
                    );
                }
            }
        }
    }
}
