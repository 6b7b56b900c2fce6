//! Rules for the gitops domain: Argo CD, Flux, Argo Rollouts and Flagger.

mod analysis_failure_limit_unreachable;
mod analysis_metric_never_completes;
mod analysis_metric_without_condition;
mod app_project_wildcard;
mod automated_sync_without_self_heal;
mod flagger_analysis_out_of_range;
mod flagger_canary_without_metrics;
mod flagger_target_not_found;
mod flux_interval_out_of_range;
mod flux_kustomization_without_health_checks;
mod flux_prune_disabled;
mod flux_resource_suspended;
mod git_repository_ref_missing;
mod helm_chart_version_unpinned;
mod invalid_analysis_metric;
mod production_app_in_default_project;
mod production_revision_unpinned;
mod rollout_auto_promotion_without_analysis;
mod rollout_canary_without_analysis;
mod rollout_reference_not_found;
mod rollout_weight_jumps_to_full;
mod source_path_not_found;
mod source_path_without_manifests;
mod source_paths;
mod support;
mod sync_policy_missing;

pub use analysis_failure_limit_unreachable::AnalysisFailureLimitUnreachable;
pub use analysis_metric_never_completes::AnalysisMetricNeverCompletes;
pub use analysis_metric_without_condition::AnalysisMetricWithoutCondition;
pub use app_project_wildcard::AppProjectWildcard;
pub use automated_sync_without_self_heal::AutomatedSyncWithoutSelfHeal;
pub use flagger_analysis_out_of_range::FlaggerAnalysisOutOfRange;
pub use flagger_canary_without_metrics::FlaggerCanaryWithoutMetrics;
pub use flagger_target_not_found::FlaggerTargetNotFound;
pub use flux_interval_out_of_range::FluxIntervalOutOfRange;
pub use flux_kustomization_without_health_checks::FluxKustomizationWithoutHealthChecks;
pub use flux_prune_disabled::FluxPruneDisabled;
pub use flux_resource_suspended::FluxResourceSuspended;
pub use git_repository_ref_missing::GitRepositoryRefMissing;
pub use helm_chart_version_unpinned::HelmChartVersionUnpinned;
pub use invalid_analysis_metric::InvalidAnalysisMetric;
pub use production_app_in_default_project::ProductionAppInDefaultProject;
pub use production_revision_unpinned::ProductionRevisionUnpinned;
pub use rollout_auto_promotion_without_analysis::RolloutAutoPromotionWithoutAnalysis;
pub use rollout_canary_without_analysis::RolloutCanaryWithoutAnalysis;
pub use rollout_reference_not_found::RolloutReferenceNotFound;
pub use rollout_weight_jumps_to_full::RolloutWeightJumpsToFull;
pub use source_path_not_found::SourcePathNotFound;
pub use source_path_without_manifests::SourcePathWithoutManifests;
pub use sync_policy_missing::SyncPolicyMissing;

use crate::rule::Rule;

pub static RULES: &[&dyn Rule] = &[
    // Argo CD
    &ProductionRevisionUnpinned,
    &AutomatedSyncWithoutSelfHeal,
    &SyncPolicyMissing,
    &ProductionAppInDefaultProject,
    &AppProjectWildcard,
    // Argo CD and Flux
    &SourcePathNotFound,
    &SourcePathWithoutManifests,
    &HelmChartVersionUnpinned,
    // Flux
    &FluxIntervalOutOfRange,
    &GitRepositoryRefMissing,
    &FluxPruneDisabled,
    &FluxKustomizationWithoutHealthChecks,
    &FluxResourceSuspended,
    // Argo Rollouts
    &RolloutCanaryWithoutAnalysis,
    &RolloutWeightJumpsToFull,
    &RolloutAutoPromotionWithoutAnalysis,
    &RolloutReferenceNotFound,
    &AnalysisMetricWithoutCondition,
    &AnalysisFailureLimitUnreachable,
    &AnalysisMetricNeverCompletes,
    &InvalidAnalysisMetric,
    // Flagger
    &FlaggerCanaryWithoutMetrics,
    &FlaggerAnalysisOutOfRange,
    &FlaggerTargetNotFound,
];
