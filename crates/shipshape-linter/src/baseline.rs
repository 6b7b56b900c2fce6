//! Baselines: the fingerprints of findings already known, so that only new
//! ones are shown. Fingerprints hash the rule, the path and the text of the
//! flagged line (not its number), so they survive lines moving.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};
use shipshape_diagnostics::Finding;

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: not a shipshape baseline: {source}")]
    Format { path: String, source: serde_json::Error },
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<BaselineEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct BaselineEntry {
    pub rule: String,
    pub path: String,
    pub fingerprint: String,
}

impl Baseline {
    pub fn from_findings(findings: &[Finding]) -> Self {
        let entries: BTreeSet<BaselineEntry> = findings
            .iter()
            .map(|f| BaselineEntry {
                rule: f.rule.to_string(),
                path: f.path.clone(),
                fingerprint: f.fingerprint.clone(),
            })
            .collect();
        Self { version: 1, findings: entries.into_iter().collect() }
    }

    pub fn read(path: &Path) -> Result<Self, BaselineError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Io { path: shown.clone(), source })?;
        serde_json::from_str(&text).map_err(|source| BaselineError::Format { path: shown, source })
    }

    pub fn write(&self, path: &Path) -> Result<(), BaselineError> {
        let shown = path.display().to_string();
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|source| BaselineError::Format { path: shown.clone(), source })?;
        text.push('\n');
        std::fs::write(path, text).map_err(|source| BaselineError::Io { path: shown, source })
    }

    /// Drops findings recorded in this baseline.
    pub fn filter(&self, findings: Vec<Finding>) -> Vec<Finding> {
        let known: BTreeSet<&str> = self.findings.iter().map(|e| e.fingerprint.as_str()).collect();
        findings.into_iter().filter(|f| !known.contains(f.fingerprint.as_str())).collect()
    }
}

fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// Fills `fingerprint` of sorted findings: rule, path, the flagged line's
/// text with white space folded, and how many identical ones came before.
/// `line_texts[i]` is the text of the line `findings[i]` is on.
pub fn assign_fingerprints(findings: &mut [Finding], line_texts: &[&str]) {
    let mut seen: HashMap<u64, usize> = HashMap::new();
    for (finding, text) in findings.iter_mut().zip(line_texts) {
        let folded: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let base = fnv1a(&[finding.rule, &finding.path, &folded, &finding.message]);
        let occurrence = seen.entry(base).or_insert(0);
        let hash = fnv1a(&[&format!("{base:016x}"), &occurrence.to_string()]);
        *occurrence += 1;
        finding.fingerprint = format!("{hash:016x}");
    }
}
