//! The audit engine of shipshape: discovery, the rule registry, rules,
//! suppressions, configuration and baselines.

pub mod baseline;
pub mod classify;
pub mod config;
mod context;
pub mod discovery;
pub mod docs;
mod engine;
pub mod file_context;
#[doc(hidden)]
pub mod fuzzing;
pub mod images;
pub mod k8s;
pub mod kustomize;
pub mod peer_ids;
mod redaction;
pub mod registry;
pub mod roles;
pub mod rule;
pub mod rules;
pub mod secret_values;
mod shell_checks;
pub mod suppression;
mod text;

pub use context::{
    DockerfileContext, FileId, K8sObject, ObjectSet, RepositoryContext, ScannedFile, TextContext, YamlFileContext,
};
pub use engine::{lint, lint_sources, LintOutcome, LintSettings, SkipKind, SkippedFile, PARSE_LIMIT};
pub use rule::{Domain, Reporter, Rule, RuleMeta, RuleMetadata};
pub use shipshape_diagnostics::{Finding, Severity, Span};

/// Where rule documentation is published; `{id}.md` is appended.
pub const DOCS_BASE_URL: &str = "https://github.com/shipshape-dev/shipshape/blob/main/docs/rules/";

pub fn help_uri(id: &str) -> String {
    format!("{DOCS_BASE_URL}{id}.md")
}
