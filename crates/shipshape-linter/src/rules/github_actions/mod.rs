//! Rules for GitHub Actions workflows, action metadata and Dependabot.

pub(crate) mod expr;
pub(crate) mod workflow;

mod action_not_pinned_to_sha;
mod action_on_deprecated_node_runtime;
mod always_true_condition;
mod cache_in_release_workflow;
mod checkout_credentials_in_artifact;
mod checkout_persists_credentials;
mod default_cache_in_release_workflow;
mod default_token_permissions;
mod dependabot_cooldown_missing;
mod dependabot_external_code_execution;
mod deprecated_workflow_command;
mod docker_uses_not_pinned_by_digest;
mod duplicate_workflow_job;
mod expression_in_run;
mod first_party_action_not_pinned;
mod github_app_token_unscoped;
mod invalid_workflow_cron;
mod privileged_trigger;
mod read_all_permissions;
mod run_pipes_download_to_shell;
mod secret_exposed_in_run;
mod secrets_context_exposed;
mod secrets_inherit;
mod self_hosted_runner;
mod self_hosted_runner_on_public_trigger;
mod spoofable_actor_condition;
mod template_injection;
mod unknown_runner_label;
mod unneeded_write_permission;
mod unsecure_commands_enabled;
mod untrusted_github_env_write;
mod untrusted_head_checkout;
mod workflow_image_latest_tag;
mod workflow_image_not_pinned_by_digest;
mod workflow_level_write_permission;
mod workflow_needs_unknown_job;
mod write_all_permissions;

pub use action_not_pinned_to_sha::ActionNotPinnedToSha;
pub use action_on_deprecated_node_runtime::ActionOnDeprecatedNodeRuntime;
pub use always_true_condition::AlwaysTrueCondition;
pub use cache_in_release_workflow::CacheInReleaseWorkflow;
pub use checkout_credentials_in_artifact::CheckoutCredentialsInArtifact;
pub use checkout_persists_credentials::CheckoutPersistsCredentials;
pub use default_cache_in_release_workflow::DefaultCacheInReleaseWorkflow;
pub use default_token_permissions::DefaultTokenPermissions;
pub use dependabot_cooldown_missing::DependabotCooldownMissing;
pub use dependabot_external_code_execution::DependabotExternalCodeExecution;
pub use deprecated_workflow_command::DeprecatedWorkflowCommand;
pub use docker_uses_not_pinned_by_digest::DockerUsesNotPinnedByDigest;
pub use duplicate_workflow_job::DuplicateWorkflowJob;
pub use expression_in_run::ExpressionInRun;
pub use first_party_action_not_pinned::FirstPartyActionNotPinned;
pub use github_app_token_unscoped::GithubAppTokenUnscoped;
pub use invalid_workflow_cron::InvalidWorkflowCron;
pub use privileged_trigger::PrivilegedTrigger;
pub use read_all_permissions::ReadAllPermissions;
pub use run_pipes_download_to_shell::RunPipesDownloadToShell;
pub use secret_exposed_in_run::SecretExposedInRun;
pub use secrets_context_exposed::SecretsContextExposed;
pub use secrets_inherit::SecretsInherit;
pub use self_hosted_runner::SelfHostedRunner;
pub use self_hosted_runner_on_public_trigger::SelfHostedRunnerOnPublicTrigger;
pub use spoofable_actor_condition::SpoofableActorCondition;
pub use template_injection::TemplateInjection;
pub use unknown_runner_label::UnknownRunnerLabel;
pub use unneeded_write_permission::UnneededWritePermission;
pub use unsecure_commands_enabled::UnsecureCommandsEnabled;
pub use untrusted_github_env_write::UntrustedGithubEnvWrite;
pub use untrusted_head_checkout::UntrustedHeadCheckout;
pub use workflow_image_latest_tag::WorkflowImageLatestTag;
pub use workflow_image_not_pinned_by_digest::WorkflowImageNotPinnedByDigest;
pub use workflow_level_write_permission::WorkflowLevelWritePermission;
pub use workflow_needs_unknown_job::WorkflowNeedsUnknownJob;
pub use write_all_permissions::WriteAllPermissions;

use crate::rule::Rule;

pub static RULES: &[&dyn Rule] = &[
    // Code injection and untrusted code.
    &TemplateInjection,
    &ExpressionInRun,
    &UntrustedHeadCheckout,
    &PrivilegedTrigger,
    &UntrustedGithubEnvWrite,
    &UnsecureCommandsEnabled,
    &AlwaysTrueCondition,
    &SpoofableActorCondition,
    // Token permissions and secrets.
    &WriteAllPermissions,
    &ReadAllPermissions,
    &DefaultTokenPermissions,
    &UnneededWritePermission,
    &WorkflowLevelWritePermission,
    &SecretExposedInRun,
    &SecretsContextExposed,
    &SecretsInherit,
    &GithubAppTokenUnscoped,
    &CheckoutCredentialsInArtifact,
    &CheckoutPersistsCredentials,
    // Supply chain.
    &ActionNotPinnedToSha,
    &FirstPartyActionNotPinned,
    &ActionOnDeprecatedNodeRuntime,
    &DockerUsesNotPinnedByDigest,
    &WorkflowImageLatestTag,
    &WorkflowImageNotPinnedByDigest,
    &CacheInReleaseWorkflow,
    &DefaultCacheInReleaseWorkflow,
    &SelfHostedRunnerOnPublicTrigger,
    &SelfHostedRunner,
    &RunPipesDownloadToShell,
    // Workflows that do not run as written.
    &WorkflowNeedsUnknownJob,
    &DuplicateWorkflowJob,
    &UnknownRunnerLabel,
    &InvalidWorkflowCron,
    &DeprecatedWorkflowCommand,
    // Dependabot.
    &DependabotCooldownMissing,
    &DependabotExternalCodeExecution,
];

#[cfg(test)]
mod tests {
    use crate::{lint_sources, LintSettings, Severity};

    /// A hardened set of workflows, an action and a Dependabot file: rules
    /// may give advice (info) but report no warning or error.
    #[test]
    fn clean_counterpart_has_no_warnings() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/github_actions/clean/");
        let files = [
            ".github/workflows/ci.yml",
            ".github/workflows/release.yml",
            ".github/workflows/labeler.yml",
            ".github/actions/setup/action.yml",
            ".github/dependabot.yml",
        ];
        let sources: Vec<(String, String)> = files
            .iter()
            .map(|f| {
                let text = std::fs::read_to_string(format!("{root}{f}")).unwrap_or_else(|e| panic!("{f}: {e}"));
                (f.to_string(), text)
            })
            .collect();
        let mut settings = LintSettings::new("clean");
        let ids: Vec<&str> = super::RULES.iter().map(|r| r.meta().id).chain(["parse-error"]).collect();
        settings.select(&ids);
        let outcome = lint_sources(&settings, sources);
        let loud: Vec<String> = outcome
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .map(|f| format!("{}:{} {} {}", f.path, f.line, f.rule, f.message))
            .collect();
        assert!(loud.is_empty(), "warnings on the clean workflows:\n{}", loud.join("\n"));
        assert!(outcome.files_scanned == files.len());
    }

    fn fixture_texts(dir: &std::path::Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            if path.is_dir() {
                fixture_texts(&path, out);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                out.push(text);
            }
        }
    }

    /// Truncated and mangled workflows, placed where each role applies,
    /// never panic a rule.
    #[test]
    fn mangled_workflows_do_not_panic() {
        let mut texts = Vec::new();
        fixture_texts(
            std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/github_actions")),
            &mut texts,
        );
        let noise = [
            " ",
            ":",
            "- ",
            "[",
            "{",
            "\"",
            "'",
            "\n",
            "#",
            "|",
            "&a ",
            "*a",
            "${{ ",
            " }}",
            "${{ a || ",
            "(",
            "'",
            "é",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 1) as usize
        };
        let mut settings = LintSettings::new("mangled");
        let ids: Vec<&str> = super::RULES.iter().map(|r| r.meta().id).collect();
        settings.select(&ids);
        let mut sources = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            for round in 0..12 {
                let mut mangled = text.clone();
                let mut cut = next() % (mangled.len() + 1);
                while !mangled.is_char_boundary(cut) {
                    cut -= 1;
                }
                if round % 3 == 0 {
                    mangled.truncate(cut);
                } else {
                    mangled.insert_str(cut, noise[next() % noise.len()]);
                }
                let path = match round % 3 {
                    0 => format!(".github/workflows/m{i}-{round}.yml"),
                    1 => format!("a{i}-{round}/action.yml"),
                    _ => format!(".github/workflows/n{i}-{round}.yaml"),
                };
                sources.push((path, mangled));
            }
        }
        sources.push((
            ".github/dependabot.yml".to_string(),
            "updates: [1, {cooldown: x}, {cooldown: {default-days: []}}]".into(),
        ));
        let outcome = lint_sources(&settings, sources);
        assert!(outcome.files_scanned > 0);
    }
}
