use super::self_hosted_runner_on_public_trigger::PUBLIC_TRIGGERS;
use super::workflow::{from_matrix, Workflow};
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Points at every job that runs on a self-hosted runner (the
    /// `self-hosted` label, also through a matrix) or in a runner group, in
    /// workflows that no outside event triggers (those are flagged by
    /// `self-hosted-runner-on-public-trigger`). Off by default: it is an
    /// inventory for audits.
    ///
    /// ## Why is this bad?
    /// Self-hosted runners keep state between jobs and sit inside your
    /// network, so anything that runs on them (a compromised dependency, a
    /// workflow a collaborator changes) can persist or move sideways. Knowing
    /// which workflows use them is the first step of reviewing them;
    /// ephemeral runners (`--ephemeral`, one job per machine) limit the
    /// damage.
    ///
    /// ## Example
    /// ```yaml
    /// runs-on: [self-hosted, linux, gpu]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// runs-on: ubuntu-24.04
    /// ```
    ///
    /// ## References
    /// - [zizmor: self-hosted-runner](https://docs.zizmor.sh/audits/#self-hosted-runner)
    pub struct SelfHostedRunner {
        id: "self-hosted-runner",
        severity: Info,
        domains: [GithubActions],
        summary: "Job runs on a self-hosted runner",
        enabled_by_default: false,
    }
}

impl Rule for SelfHostedRunner {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        if workflow.triggers.iter().any(|t| PUBLIC_TRIGGERS.contains(&t.name.as_str())) {
            return;
        }
        for job in &workflow.jobs {
            if let Some(group) = job.get("runs-on").and_then(|r| r.get("group")) {
                report.report(
                    group.span,
                    format!("job `{}` runs in a runner group, which may hold self-hosted runners", job.id),
                );
                continue;
            }
            let Some(sets) = job.runner_labels() else { continue };
            for set in sets {
                if let Some((node, _)) = set.iter().find(|(_, l)| l.eq_ignore_ascii_case("self-hosted")) {
                    report.report(
                        node.span,
                        format!("job `{}` runs on a self-hosted runner{}", job.id, from_matrix(node)),
                    );
                }
            }
        }
    }
}
