//! Rules for the gitlab_ci domain: `.gitlab-ci.yml` and the files it
//! includes locally.

mod gitlab_artifacts_without_expire_in;
mod gitlab_credential_in_variables;
mod gitlab_curl_piped_to_shell;
mod gitlab_debug_trace_enabled;
mod gitlab_dind_service;
mod gitlab_dind_tls_disabled;
mod gitlab_duplicate_key;
mod gitlab_duplicate_pipelines;
mod gitlab_environment_dumped;
mod gitlab_extends_unknown_job;
mod gitlab_include_ref_unpinned;
mod gitlab_latest_image_tag;
mod gitlab_manual_production_job_without_environment;
mod gitlab_needs_unknown_job;
mod gitlab_password_on_command_line;
mod gitlab_privileged_container_run;
pub(crate) mod gitlab_production_deploy_from_any_branch;
mod gitlab_remote_include;
mod gitlab_rules_mixed_with_only_except;
mod gitlab_secret_echoed;
mod gitlab_security_scan_allowed_to_fail;
mod gitlab_stage_not_declared;
mod gitlab_tls_verification_disabled;
mod gitlab_unknown_job_keyword;
pub(crate) mod support;

pub use gitlab_artifacts_without_expire_in::GitlabArtifactsWithoutExpireIn;
pub use gitlab_credential_in_variables::GitlabCredentialInVariables;
pub use gitlab_curl_piped_to_shell::GitlabCurlPipedToShell;
pub use gitlab_debug_trace_enabled::GitlabDebugTraceEnabled;
pub use gitlab_dind_service::GitlabDindService;
pub use gitlab_dind_tls_disabled::GitlabDindTlsDisabled;
pub use gitlab_duplicate_key::GitlabDuplicateKey;
pub use gitlab_duplicate_pipelines::GitlabDuplicatePipelines;
pub use gitlab_environment_dumped::GitlabEnvironmentDumped;
pub use gitlab_extends_unknown_job::GitlabExtendsUnknownJob;
pub use gitlab_include_ref_unpinned::GitlabIncludeRefUnpinned;
pub use gitlab_latest_image_tag::GitlabLatestImageTag;
pub use gitlab_manual_production_job_without_environment::GitlabManualProductionJobWithoutEnvironment;
pub use gitlab_needs_unknown_job::GitlabNeedsUnknownJob;
pub use gitlab_password_on_command_line::GitlabPasswordOnCommandLine;
pub use gitlab_privileged_container_run::GitlabPrivilegedContainerRun;
pub use gitlab_production_deploy_from_any_branch::GitlabProductionDeployFromAnyBranch;
pub use gitlab_remote_include::GitlabRemoteInclude;
pub use gitlab_rules_mixed_with_only_except::GitlabRulesMixedWithOnlyExcept;
pub use gitlab_secret_echoed::GitlabSecretEchoed;
pub use gitlab_security_scan_allowed_to_fail::GitlabSecurityScanAllowedToFail;
pub use gitlab_stage_not_declared::GitlabStageNotDeclared;
pub use gitlab_tls_verification_disabled::GitlabTlsVerificationDisabled;
pub use gitlab_unknown_job_keyword::GitlabUnknownJobKeyword;

use crate::rule::Rule;

pub static RULES: &[&dyn Rule] = &[
    &GitlabArtifactsWithoutExpireIn,
    &GitlabCredentialInVariables,
    &GitlabCurlPipedToShell,
    &GitlabDebugTraceEnabled,
    &GitlabDindService,
    &GitlabDindTlsDisabled,
    &GitlabDuplicateKey,
    &GitlabDuplicatePipelines,
    &GitlabEnvironmentDumped,
    &GitlabExtendsUnknownJob,
    &GitlabIncludeRefUnpinned,
    &GitlabLatestImageTag,
    &GitlabManualProductionJobWithoutEnvironment,
    &GitlabNeedsUnknownJob,
    &GitlabPasswordOnCommandLine,
    &GitlabPrivilegedContainerRun,
    &GitlabProductionDeployFromAnyBranch,
    &GitlabRemoteInclude,
    &GitlabRulesMixedWithOnlyExcept,
    &GitlabSecretEchoed,
    &GitlabSecurityScanAllowedToFail,
    &GitlabStageNotDeclared,
    &GitlabTlsVerificationDisabled,
    &GitlabUnknownJobKeyword,
];
