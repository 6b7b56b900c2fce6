//! The `[init]` table of `shipshape.toml`: values a user set or corrected,
//! which beat detection, and the plan saved back into it.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::plan::{CiProvider, GitopsTool, Plan, ServicePlan, Stack, Strategy};

pub const CONFIG_FILE_NAME: &str = "shipshape.toml";

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
}

#[derive(Debug, Default, Deserialize)]
struct ConfigFile {
    #[serde(default)]
    init: InitConfig,
}

/// `[init]`: delivery choices and per-service corrections.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct InitConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strategy: Option<Strategy>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ci: Vec<CiProvider>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gitops: Option<GitopsTool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repo_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_branch: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ServiceConfig>,
}

/// `[[init.services]]`: one service, matched by `dir`.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ServiceConfig {
    pub dir: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack: Option<Stack>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// An HTTP path, or `""` to probe the TCP port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<Vec<String>>,
    /// The command that applies migrations, or `[]` for none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub migration: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_env: Option<Vec<String>>,
}

/// Reads `[init]` from `shipshape.toml` in `root`, if present.
pub fn load(root: &Path) -> Result<InitConfig, SettingsError> {
    let path = root.join(CONFIG_FILE_NAME);
    if !path.is_file() {
        return Ok(InitConfig::default());
    }
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(&path).map_err(|source| SettingsError::Read { path: shown.clone(), source })?;
    let file: ConfigFile = toml::from_str(&text).map_err(|e| {
        let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let message = e.message().trim().to_string();
        SettingsError::Parse { path: shown, message: line.map_or(message.clone(), |l| format!("line {l}: {message}")) }
    })?;
    Ok(file.init)
}

impl ServiceConfig {
    /// What to save for a planned service: every value a user may correct.
    pub fn from_plan(service: &ServicePlan) -> Self {
        Self {
            dir: service.dir.clone(),
            name: Some(service.name.clone()),
            stack: Some(service.stack.value),
            language_version: Some(service.language_version.value.clone()),
            port: Some(service.port.value),
            health_path: Some(service.health_path.value.clone().unwrap_or_default()),
            start: Some(service.start_command.value.clone()),
            migration: Some(service.migration.as_ref().map(|m| m.value.command.clone()).unwrap_or_default()),
            secret_env: Some(service.secret_env.iter().map(|s| s.value.clone()).collect()),
        }
    }
}

impl InitConfig {
    pub fn from_plan(plan: &Plan) -> Self {
        Self {
            strategy: Some(plan.delivery.strategy.value),
            ci: plan.delivery.ci.clone(),
            gitops: Some(plan.delivery.gitops),
            registry: Some(plan.delivery.registry.value.clone()),
            repo_url: Some(plan.delivery.repo_url.value.clone()),
            default_branch: Some(plan.delivery.default_branch.value.clone()),
            services: plan.services.iter().map(ServiceConfig::from_plan).collect(),
        }
    }
}

/// The text of `shipshape.toml` with its `[init]` table set to `config`;
/// every other table (and its comments) is kept as it was.
pub fn merged_config_text(existing: Option<&str>, config: &InitConfig) -> Result<String, String> {
    if let Some(text) = existing {
        if toml::from_str::<ConfigFile>(text).is_ok_and(|file| file.init == *config) {
            return Ok(text.to_string());
        }
    }
    let mut document: toml_edit::DocumentMut = existing.unwrap_or("").parse().map_err(|e| format!("{e}"))?;
    let init_text = toml::to_string(&Wrapper { init: config }).map_err(|e| e.to_string())?;
    let init_doc: toml_edit::DocumentMut = init_text.parse().map_err(|e| format!("{e}"))?;
    if let Some(init) = init_doc.get("init") {
        document.insert("init", init.clone());
    }
    let mut text = document.to_string();
    if existing.is_none() {
        text = format!(
            "# Written by `shipshape init`. Correct any detected value under [init] and run\n# `shipshape init --force` again; values set here beat detection.\n\n{text}"
        );
    }
    Ok(text)
}

#[derive(Serialize)]
struct Wrapper<'a> {
    init: &'a InitConfig,
}
