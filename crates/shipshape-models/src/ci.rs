//! GitHub Actions workflows and GitLab CI pipelines.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::Serialize;

/// A GitHub Actions workflow.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Workflow {
    pub name: String,
    pub on: Triggers,
    pub permissions: BTreeMap<String, String>,
    pub concurrency: Concurrency,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    pub jobs: IndexMap<String, Job>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Triggers {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub push: Option<BranchFilter>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pull_request: Option<BranchFilter>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_dispatch: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct BranchFilter {
    pub branches: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Concurrency {
    pub group: String,
    pub cancel_in_progress: BoolOrExpr,
}

/// A boolean, or a `${{ }}` expression that yields one.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum BoolOrExpr {
    Bool(bool),
    Expr(String),
}

impl Default for BoolOrExpr {
    fn default() -> Self {
        Self::Bool(false)
    }
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Job {
    pub name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    #[serde(rename = "if", skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    pub runs_on: String,
    pub timeout_minutes: u32,
    pub permissions: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<Concurrency>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub outputs: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Environment {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Step {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "if", skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uses: Option<String>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub with: IndexMap<String, serde_json::Value>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_directory: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
}

/// A GitLab CI pipeline: global keys, then jobs in order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Pipeline {
    pub workflow: GitlabWorkflow,
    pub stages: Vec<String>,
    pub variables: IndexMap<String, String>,
    pub default: GitlabDefault,
    #[serde(flatten)]
    pub jobs: IndexMap<String, GitlabJob>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct GitlabWorkflow {
    pub rules: Vec<GitlabRule>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct GitlabDefault {
    pub interruptible: bool,
    pub retry: GitlabRetry,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct GitlabRetry {
    pub max: u32,
    pub when: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct GitlabRule {
    #[serde(rename = "if", skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct GitlabJob {
    pub stage: String,
    pub image: GitlabImage,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<GitlabService>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<GitlabNeed>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub variables: IndexMap<String, String>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub id_tokens: IndexMap<String, IdToken>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache: Option<GitlabCache>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub before_script: Vec<String>,
    pub script: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<GitlabEnvironment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_group: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<GitlabRule>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifacts: Option<GitlabArtifacts>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_failure: Option<bool>,
    pub timeout: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct GitlabImage {
    pub name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entrypoint: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct GitlabService {
    pub name: String,
    pub alias: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct GitlabNeed {
    pub job: String,
    pub artifacts: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct IdToken {
    pub aud: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct GitlabCache {
    pub key: GitlabCacheKey,
    pub paths: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct GitlabCacheKey {
    pub files: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct GitlabEnvironment {
    pub name: String,
    pub deployment_tier: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct GitlabArtifacts {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub reports: IndexMap<String, String>,
    pub expire_in: String,
}

/// `.github/dependabot.yml`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Dependabot {
    pub version: u32,
    pub updates: Vec<DependabotUpdate>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct DependabotUpdate {
    pub package_ecosystem: String,
    pub directory: String,
    pub schedule: DependabotSchedule,
    /// Days a new release must age before Dependabot proposes it.
    pub cooldown: DependabotCooldown,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct DependabotCooldown {
    pub default_days: u32,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DependabotSchedule {
    pub interval: String,
}
