//! `--format sarif`: SARIF 2.1.0, with rule metadata and help links.

use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

use super::ToolInfo;
use crate::{Finding, RuleDescriptor, Severity};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation<'a>>,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'a str,
    version: &'a str,
    semantic_version: &'a str,
    information_uri: &'a str,
    rules: Vec<ReportingDescriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Message,
    help_uri: &'a str,
    help: Message,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: Vec<Location<'a>>,
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `root_uri` is the scanned root as a `file://` URI ending in `/`, if known.
pub fn render(
    out: &mut dyn Write,
    findings: &[Finding],
    rules: &[RuleDescriptor],
    tool: &ToolInfo,
    root_uri: Option<&str>,
) -> io::Result<()> {
    let index_of: BTreeMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let results = findings
        .iter()
        .filter_map(|f| {
            let rule_index = *index_of.get(f.rule)?;
            Some(SarifResult {
                rule_id: f.rule,
                rule_index,
                level: level(f.severity),
                message: Message { text: f.message.clone() },
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation { uri: Some(&f.path), uri_base_id: Some("%SRCROOT%") },
                        region: Region {
                            start_line: f.line.max(1),
                            start_column: f.column.max(1),
                            end_line: f.end_line.max(f.line).max(1),
                            end_column: f.end_column.max(1),
                        },
                    },
                }],
                partial_fingerprints: BTreeMap::from([("shipshape/v1", f.fingerprint.as_str())]),
            })
        })
        .collect();
    let mut base_ids = BTreeMap::new();
    if let Some(uri) = root_uri {
        base_ids.insert("%SRCROOT%", ArtifactLocation { uri: Some(uri), uri_base_id: None });
    }
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: tool.name,
                    version: tool.version,
                    semantic_version: tool.version,
                    information_uri: tool.information_uri,
                    rules: rules
                        .iter()
                        .map(|r| ReportingDescriptor {
                            id: r.id,
                            name: r.id,
                            short_description: Message { text: r.summary.to_string() },
                            help_uri: &r.help_uri,
                            help: Message { text: format!("{} See {}", r.summary, r.help_uri) },
                            default_configuration: Configuration { level: level(r.severity) },
                        })
                        .collect(),
                },
            },
            original_uri_base_ids: base_ids,
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}
