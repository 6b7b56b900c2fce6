//! The configuration a Node.js app reads: environment schemas (zod,
//! `@t3-oss/env`, joi), `process.env` reads and `.env.example` files.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use super::common::is_secret_env;
use super::repo::{grep_text, re, ServiceDir};
use crate::plan::{Detected, EnvVar, Evidence};

/// Files that conventionally hold an environment schema.
const SCHEMA_FILES: &[&str] = &[
    "env.mjs",
    "env.js",
    "env.ts",
    "env.cjs",
    "src/env.mjs",
    "src/env.js",
    "src/env.ts",
    "src/env.cjs",
    "src/config/env.ts",
    "src/config/env.js",
    "config/env.ts",
    "config/env.js",
    "src/lib/env.ts",
    "lib/env.ts",
];

/// `NAME: z.string()...,` or `NAME: Joi.string()...,` inside a schema object.
static SCHEMA_KEY: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^\s*([A-Z][A-Z0-9_]*)\s*:\s*((?:z|zod|Joi|joi)\s*\.[^\n]*)"));
static DOTENV_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?m)^[ \t]*(?:export[ \t]+)?([A-Z][A-Z0-9_]*)[ \t]*=[ \t]*("[^"\n]*"|'[^'\n]*'|[^#\n]*)"#));
/// `process.env.X || 'value'` and `process.env.X ?? 'value'`.
static ENV_DEFAULT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"process\.env(?:\.([A-Z][A-Z0-9_]*)|\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\])\s*(?:\|\||\?\?)\s*['"`]?([^'"`\s,;)]*)"#,
    )
});

/// Variables every Node.js kit sets itself or the platform provides.
const PROVIDED: &[&str] = &["NODE_ENV", "PORT", "HOST", "HOSTNAME", "CI", "SKIP_ENV_VALIDATION", "APP_ENV"];

/// One variable of an environment schema.
#[derive(Debug, Clone)]
pub(crate) struct SchemaVar {
    pub name: String,
    pub required: bool,
    pub evidence: Evidence,
}

/// The schema file and its variables, when the app validates its environment.
pub(crate) struct EnvSchema {
    pub file: String,
    pub vars: Vec<SchemaVar>,
    /// True when the schema honours `SKIP_ENV_VALIDATION` (`@t3-oss/env` does).
    pub skippable: bool,
}

pub(crate) fn env_schema(dir: &ServiceDir) -> Option<EnvSchema> {
    for file in SCHEMA_FILES {
        let Some(text) = dir.read(file) else { continue };
        if !(text.contains("createEnv") || text.contains("z.object") || text.contains("Joi.object")) {
            continue;
        }
        let mut vars: Vec<SchemaVar> = Vec::new();
        for hit in grep_text(file, &text, &SCHEMA_KEY) {
            let (Some(name), Some(rule)) = (hit.group(1), hit.group(2)) else { continue };
            if rule.trim_start().starts_with("process") || vars.iter().any(|v| v.name == name) {
                continue;
            }
            let optional = rule.contains(".optional()") || rule.contains(".nullish()") || rule.contains(".default(");
            vars.push(SchemaVar {
                name: name.to_string(),
                required: !optional,
                evidence: dir.evidence(file, Some(hit.line), format!("`{name}` is in the environment schema")),
            });
        }
        if !vars.is_empty() {
            return Some(EnvSchema {
                file: (*file).to_string(),
                skippable: text.contains("SKIP_ENV_VALIDATION") || text.contains("@t3-oss/env"),
                vars,
            });
        }
    }
    None
}

/// `NAME=value` lines of `.env.example`-style files, with their evidence.
pub(crate) fn dotenv_example(dir: &ServiceDir) -> BTreeMap<String, (String, Evidence)> {
    let mut out = BTreeMap::new();
    for file in [".env.example", ".env.sample", ".env.dist", ".env.template"] {
        let Some(text) = dir.read(file) else { continue };
        for hit in grep_text(file, &text, &DOTENV_LINE) {
            let (Some(name), value) = (hit.group(1), hit.group(2).unwrap_or("")) else { continue };
            let value = value.trim().trim_matches(['"', '\'']).to_string();
            out.entry(name.to_string())
                .or_insert((value, dir.evidence(file, Some(hit.line), format!("`{name}` in {file}"))));
        }
    }
    out
}

/// Non-secret variables the app needs: required schema entries, then
/// `.env.example` keys the code reads; each with the value the ConfigMap
/// gives it (the schema's or example's default), or `None` when the app
/// has its own default.
pub(crate) fn config_env(dir: &ServiceDir, sources: &[&str], env_read: &Regex) -> Vec<Detected<EnvVar>> {
    let example = dotenv_example(dir);
    let mut out: Vec<Detected<EnvVar>> = Vec::new();
    let mut push = |name: &str, value: Option<String>, evidence: Evidence| {
        if PROVIDED.contains(&name) || is_secret_env(name) || out.iter().any(|v| v.value.name == name) {
            return;
        }
        out.push(Detected::found(EnvVar { name: name.to_string(), value }, evidence));
    };
    if let Some(schema) = env_schema(dir) {
        for var in schema.vars.iter().filter(|v| v.required && !v.name.starts_with("NEXT_PUBLIC_")) {
            let value = example.get(&var.name).map(|(v, _)| v.clone()).filter(|v| !v.is_empty());
            push(&var.name, Some(value.unwrap_or_default()), var.evidence.clone());
        }
    }
    let reads = dir.grep(sources, env_read);
    let defaults: BTreeMap<String, String> = dir
        .grep(sources, &ENV_DEFAULT)
        .into_iter()
        .filter_map(|h| Some((h.group(1).or(h.group(2))?.to_string(), h.group(3).unwrap_or("").to_string())))
        .collect();
    for (name, (value, evidence)) in &example {
        let read = reads.iter().any(|h| h.group(1) == Some(name.as_str()));
        if !read || name.starts_with("NEXT_PUBLIC_") {
            continue;
        }
        let value = if defaults.contains_key(name) { None } else { Some(value.clone()) };
        push(name, value, evidence.clone());
    }
    out
}

/// Secret variables from the environment schema, beyond those read in code.
pub(crate) fn schema_secrets(dir: &ServiceDir) -> Vec<Detected<String>> {
    env_schema(dir)
        .map(|schema| {
            schema
                .vars
                .into_iter()
                .filter(|v| is_secret_env(&v.name))
                .map(|v| Detected::found(v.name, v.evidence))
                .collect()
        })
        .unwrap_or_default()
}

/// `NEXT_PUBLIC_*` variables: inlined into the client bundle at build time.
pub(crate) fn public_build_env(dir: &ServiceDir) -> Vec<(String, String)> {
    let example = dotenv_example(dir);
    let mut names: Vec<String> = example.keys().filter(|k| k.starts_with("NEXT_PUBLIC_")).cloned().collect();
    if let Some(schema) = env_schema(dir) {
        names.extend(schema.vars.into_iter().map(|v| v.name).filter(|n| n.starts_with("NEXT_PUBLIC_")));
    }
    names.sort();
    names.dedup();
    names.into_iter().map(|n| (n.clone(), example.get(&n).map(|(v, _)| v.clone()).unwrap_or_default())).collect()
}

/// Non-secret variables the code reads without a default that the kit
/// gives no value: the app decides what their absence means.
pub(crate) fn unset_reads(dir: &ServiceDir, sources: &[&str], env_read: &Regex) -> Vec<String> {
    let configured: Vec<String> = config_env(dir, sources, env_read).into_iter().map(|v| v.value.name).collect();
    let defaults: Vec<String> = dir
        .grep(sources, &ENV_DEFAULT)
        .into_iter()
        .filter_map(|h| h.group(1).or(h.group(2)).map(str::to_string))
        .collect();
    let mut out: Vec<String> = dir
        .grep(sources, env_read)
        .into_iter()
        .filter(|h| !h.file.split('/').any(|p| matches!(p, "test" | "tests" | "__tests__" | "e2e" | "node_modules")))
        .filter_map(|h| h.group(1).or(h.group(2)).map(str::to_string))
        .filter(|name| {
            !PROVIDED.contains(&name.as_str())
                && !is_secret_env(name)
                && !name.starts_with("NEXT_PUBLIC_")
                && !configured.contains(name)
                && !defaults.contains(name)
        })
        .collect();
    out.sort();
    out.dedup();
    out
}
