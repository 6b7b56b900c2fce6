//! `shipshape.toml`: the `[check]` table.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use shipshape_diagnostics::Severity;

use crate::registry;

pub const CONFIG_FILE_NAME: &str = "shipshape.toml";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

#[derive(Debug, Default, Deserialize)]
struct ConfigFile {
    #[serde(default)]
    check: CheckConfig,
}

/// The `[check]` table of `shipshape.toml`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct CheckConfig {
    /// Globs (relative to the scanned root) of files not to scan.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Rules to turn on (also those off by default).
    #[serde(default)]
    pub enable: Vec<String>,
    /// Rules to turn off.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Severity per rule id.
    #[serde(default)]
    pub severity: BTreeMap<String, SeveritySetting>,
    /// The lowest severity that makes `check` exit 1.
    pub fail_on: Option<SeveritySetting>,
    /// Files larger than this many bytes are not scanned (files over 2 MiB
    /// are scanned for secrets only).
    pub max_file_size: Option<u64>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeveritySetting {
    Info,
    Warning,
    Error,
}

impl From<SeveritySetting> for Severity {
    fn from(s: SeveritySetting) -> Self {
        match s {
            SeveritySetting::Info => Severity::Info,
            SeveritySetting::Warning => Severity::Warning,
            SeveritySetting::Error => Severity::Error,
        }
    }
}

/// Loads `explicit`, or `shipshape.toml` at `root` when present.
pub fn load(root: &Path, explicit: Option<&Path>) -> Result<(CheckConfig, Option<PathBuf>), ConfigError> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let dir = if root.is_file() { root.parent().unwrap_or(root) } else { root };
            let candidate = dir.join(CONFIG_FILE_NAME);
            match std::fs::metadata(&candidate) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((CheckConfig::default(), None)),
                Ok(meta) if meta.is_dir() => {
                    let message = "is a directory, not a configuration file".to_string();
                    return Err(ConfigError::Invalid { path: candidate.display().to_string(), message });
                }
                _ => candidate,
            }
        }
    };
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read { path: shown.clone(), source })?;
    let file: ConfigFile = toml::from_str(&text)
        .map_err(|e| ConfigError::Parse { path: shown.clone(), message: describe_toml_error(&text, &e) })?;
    validate(&file.check).map_err(|message| ConfigError::Invalid { path: shown, message })?;
    Ok((file.check, Some(path)))
}

fn describe_toml_error(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim().to_string();
    match error.span() {
        Some(span) => {
            let line = text.get(..span.start).map_or(1, |t| t.matches('\n').count() + 1);
            format!("line {line}: {message}")
        }
        None => message,
    }
}

fn validate(config: &CheckConfig) -> Result<(), String> {
    let ids = config.enable.iter().chain(&config.disable).chain(config.severity.keys());
    for id in ids {
        if registry::find(id).is_none() {
            return Err(format!("unknown rule `{id}` (see `shipshape rules`)"));
        }
    }
    exclude_set(&config.exclude).map(|_| ())
}

/// Compiles exclude globs; a glob without `/` matches at any depth.
pub fn exclude_set(patterns: &[String]) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let trimmed = pattern.trim_start_matches("./").trim_end_matches('/');
        for variant in [trimmed.to_string(), format!("{trimmed}/**")] {
            let full = if trimmed.contains('/') { variant } else { format!("**/{variant}") };
            builder.add(Glob::new(&full).map_err(|e| format!("exclude `{pattern}`: {e}"))?);
        }
    }
    builder.build().map_err(|e| e.to_string())
}
