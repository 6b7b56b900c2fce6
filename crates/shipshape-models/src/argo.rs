//! Argo Rollouts and Argo CD resources.

use serde::Serialize;

use crate::k8s::{LabelSelector, PodTemplateSpec};

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloutSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    pub revision_history_limit: u32,
    pub selector: LabelSelector,
    pub template: PodTemplateSpec,
    pub strategy: RolloutStrategy,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloutStrategy {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canary: Option<CanaryStrategy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blue_green: Option<BlueGreenStrategy>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CanaryStrategy {
    /// Empty for a canary by replicas (a worker takes no traffic).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub canary_service: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub stable_service: String,
    pub max_surge: String,
    pub max_unavailable: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traffic_routing: Option<TrafficRouting>,
    pub analysis: RolloutAnalysis,
    pub steps: Vec<CanaryStep>,
}

/// How the canary's share of traffic is set: here, by the NGINX ingress
/// controller, from a canary Ingress Argo Rollouts derives from the stable one.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TrafficRouting {
    pub nginx: NginxTrafficRouting,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NginxTrafficRouting {
    pub stable_ingress: String,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloutAnalysis {
    pub templates: Vec<AnalysisTemplateRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starting_step: Option<u32>,
    pub args: Vec<AnalysisArg>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalysisTemplateRef {
    pub template_name: String,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalysisArg {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_from: Option<ArgValueFrom>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArgValueFrom {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_ref: Option<FieldRef>,
    /// `Latest` (the new ReplicaSet) or `Stable`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_template_hash_value: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldRef {
    pub field_path: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum CanaryStep {
    SetWeight(u32),
    Pause(Pause),
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Pause {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BlueGreenStrategy {
    pub active_service: String,
    pub preview_service: String,
    pub auto_promotion_enabled: bool,
    pub scale_down_delay_seconds: u32,
    pub pre_promotion_analysis: RolloutAnalysis,
    pub post_promotion_analysis: RolloutAnalysis,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct AnalysisTemplateSpec {
    pub args: Vec<AnalysisArg>,
    pub metrics: Vec<Metric>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Metric {
    pub name: String,
    pub interval: String,
    pub count: u32,
    pub failure_limit: u32,
    /// Measurements without data beyond this make the run Inconclusive,
    /// which pauses the rollout for a person.
    pub inconclusive_limit: u32,
    pub consecutive_error_limit: u32,
    pub success_condition: String,
    pub failure_condition: String,
    pub provider: MetricProvider,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct MetricProvider {
    pub prometheus: PrometheusMetric,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct PrometheusMetric {
    pub address: String,
    pub query: String,
}

/// Argo CD `Application`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSpec {
    pub project: String,
    pub source: ApplicationSource,
    pub destination: ApplicationDestination,
    pub sync_policy: SyncPolicy,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignore_differences: Vec<IgnoreDifference>,
}

/// Fields Argo CD leaves alone, such as replicas an autoscaler owns.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IgnoreDifference {
    pub group: String,
    pub kind: String,
    pub json_pointers: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSource {
    #[serde(rename = "repoURL")]
    pub repo_url: String,
    pub target_revision: String,
    pub path: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ApplicationDestination {
    pub server: String,
    pub namespace: String,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncPolicy {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automated: Option<AutomatedSync>,
    pub sync_options: Vec<String>,
    pub retry: SyncRetry,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AutomatedSync {
    pub prune: bool,
    pub self_heal: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncRetry {
    pub limit: u32,
    pub backoff: RetryBackoff,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RetryBackoff {
    pub duration: String,
    pub factor: u32,
    pub max_duration: String,
}

/// Argo CD `AppProject`: which repositories an application may use and
/// where it may deploy.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppProjectSpec {
    pub description: String,
    pub source_repos: Vec<String>,
    pub destinations: Vec<ApplicationDestination>,
    pub cluster_resource_whitelist: Vec<GroupKind>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct GroupKind {
    pub group: String,
    pub kind: String,
}
