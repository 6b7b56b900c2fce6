//! Every custom resource `init` writes (Argo Rollouts, Argo CD, Flux,
//! Prometheus Operator, External Secrets) validates against the official
//! CRD in `../shared/schemas/crds`: its version is served, and its fields
//! satisfy the CRD's `openAPIV3Schema` with unknown fields rejected, as
//! `kubectl apply --validate=strict` would.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Rejects unknown fields wherever the schema lists properties and does
/// not keep unknown fields.
fn strict(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            let keeps_unknown = map.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
            if map.contains_key("properties") && !map.contains_key("additionalProperties") && !keeps_unknown {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            for value in map.values_mut() {
                strict(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strict),
        _ => {}
    }
}

struct CrdVersion {
    served: bool,
    schema: Value,
}

/// (apiVersion, kind) → the CRD's schema for that version.
fn load_crds(dir: &Path) -> BTreeMap<(String, String), CrdVersion> {
    let mut out = BTreeMap::new();
    for file in shipshape_testkit::files_under(dir).into_iter().filter(|p| p.extension().is_some_and(|e| e == "yaml")) {
        let text = std::fs::read_to_string(&file).expect("read CRD");
        let documents: Vec<Value> = serde_saphyr::from_multiple(&text).unwrap_or_default();
        for crd in documents.into_iter().filter(|d| d["kind"] == "CustomResourceDefinition") {
            let group = crd["spec"]["group"].as_str().unwrap_or_default().to_string();
            let kind = crd["spec"]["names"]["kind"].as_str().unwrap_or_default().to_string();
            for version in crd["spec"]["versions"].as_array().cloned().unwrap_or_default() {
                let name = version["name"].as_str().unwrap_or_default();
                let mut schema = version["schema"]["openAPIV3Schema"].clone();
                strict(&mut schema);
                out.insert(
                    (format!("{group}/{name}"), kind.clone()),
                    CrdVersion { served: version["served"].as_bool().unwrap_or(false), schema },
                );
            }
        }
    }
    out
}

#[test]
fn custom_resources_match_the_official_crds() {
    let crd_dir = repo_root().join("../shared/schemas/crds");
    if !crd_dir.is_dir() {
        eprintln!("skipped: {} is absent (the shared material is not beside the repository)", crd_dir.display());
        return;
    }
    let crds = load_crds(&crd_dir);
    let app = repo_root().join("examples/node-express");
    let mut failures = Vec::new();
    let mut checked = 0;
    for args in [&[][..], &["--strategy", "blue-green", "--gitops", "flux"][..]] {
        let dir = tempfile::tempdir().expect("temp dir");
        for file in shipshape_testkit::files_under(&app) {
            let target = dir.path().join(file.strip_prefix(&app).unwrap_or(&file));
            std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            std::fs::copy(&file, &target).expect("copy");
        }
        // Instrumented, so the ServiceMonitor and the analysis of the app's
        // own metrics (the pod template hash argument) are checked too.
        let manifest = dir.path().join("package.json");
        let mut package: Value =
            serde_json::from_str(&std::fs::read_to_string(&manifest).expect("read")).expect("JSON");
        package["dependencies"]["express-prom-bundle"] = Value::from("7.0.0");
        std::fs::write(&manifest, package.to_string()).expect("write");
        std::fs::write(dir.path().join("metrics.js"), "module.exports = require('express-prom-bundle')({});\n")
            .expect("write");
        let mut all = vec!["init", "."];
        all.extend_from_slice(args);
        let output =
            Command::new(env!("CARGO_BIN_EXE_shipshape")).args(&all).current_dir(dir.path()).output().expect("runs");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        for file in shipshape_testkit::files_under(&dir.path().join("deploy")) {
            if file.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let text = std::fs::read_to_string(&file).expect("read");
            let documents: Vec<Value> = serde_saphyr::from_multiple(&text).unwrap_or_default();
            for document in documents {
                let api_version = document["apiVersion"].as_str().unwrap_or_default().to_string();
                let kind = document["kind"].as_str().unwrap_or_default().to_string();
                let known_group = crds.keys().any(|(v, _)| v.split('/').next() == api_version.split('/').next());
                if !api_version.contains('.') || api_version.starts_with("kustomize.config.k8s.io") || !known_group {
                    continue;
                }
                let shown = format!("{args:?} {} {kind}/{}", file.display(), document["metadata"]["name"]);
                let Some(crd) = crds.get(&(api_version.clone(), kind.clone())) else {
                    failures.push(format!("{shown}: no CRD serves {api_version}"));
                    continue;
                };
                if !crd.served {
                    failures.push(format!("{shown}: {api_version} is no longer served"));
                }
                let validator = jsonschema::validator_for(&crd.schema).expect("CRD schema compiles");
                for error in validator.iter_errors(&document) {
                    failures.push(format!("{shown}: {error} at {}", error.instance_path));
                }
                checked += 1;
            }
        }
    }
    eprintln!("{checked} custom resources checked");
    assert!(checked >= 10, "too few custom resources found: {checked}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
