//! The whole shared corpus (~5,900 real delivery files) scans with no panic
//! and no hang, and every parse failure is a finding with a position.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

#[test]
fn whole_corpus_scans_without_panic() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("skipped: {} is absent (the shared material is not beside the repository)", corpus.display());
        return;
    }
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(["check", "--no-ignore", "--format", "json", "-v"])
        .arg(&corpus)
        .output()
        .expect("shipshape runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(matches!(output.status.code(), Some(0 | 1)), "exit {:?}:\n{stderr}", output.status.code());
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(300), "the scan hung or is far too slow");
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    let findings = report["findings"].as_array().expect("findings");
    assert!(!findings.is_empty());
    let parse_errors: Vec<&Value> = findings.iter().filter(|f| f["rule"] == "parse-error").collect();
    for f in &parse_errors {
        let path = f["path"].as_str().expect("path");
        assert!(corpus.join(path).is_file(), "{path}");
        assert!(f["line"].as_u64() >= Some(1), "{f}");
    }
    assert!(stderr.contains("Helm chart template"), "Helm templates are listed as skipped with -v");
    eprintln!("{} findings, {} parse errors, {:.1?}", findings.len(), parse_errors.len(), started.elapsed());
}
