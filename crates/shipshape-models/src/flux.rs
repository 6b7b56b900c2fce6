//! Flux source and kustomize controller resources.

use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GitRepositorySpec {
    pub interval: String,
    pub url: String,
    #[serde(rename = "ref")]
    pub reference: GitRef,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct GitRef {
    pub branch: String,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KustomizationSpec {
    pub interval: String,
    pub retry_interval: String,
    pub timeout: String,
    pub path: String,
    pub prune: bool,
    pub wait: bool,
    #[serde(skip_serializing_if = "crate::is_false")]
    pub suspend: bool,
    pub target_namespace: String,
    pub source_ref: SourceRef,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<DependsOn>,
    pub health_checks: Vec<HealthCheckRef>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DependsOn {
    pub name: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SourceRef {
    pub kind: String,
    pub name: String,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthCheckRef {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: String,
}
