//! What `verify` needs from a kit: the plan's services, and from each
//! Kustomize base the workload (port, probes, user, read-only root,
//! emptyDir mounts) and the ConfigMap's environment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::VerifyError;

/// One service as the kit runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceKit {
    pub name: String,
    pub dockerfile: PathBuf,
    /// The build context (the service's folder).
    pub context: PathBuf,
    pub port: u16,
    /// The readiness probe's HTTP path; `None` means a TCP probe.
    pub readiness_path: Option<String>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    pub read_only_root: bool,
    /// Mount paths of `emptyDir` volumes.
    pub writable: Vec<String>,
    /// The ConfigMap's data (and literal `env` values).
    pub config_env: Vec<(String, String)>,
    /// Secret variables the plan names; `verify` reports those not given.
    pub secret_env: Vec<String>,
    /// Where the workload came from, for messages.
    pub manifest: Option<String>,
    /// A worker listens on no port: it is proven by staying up.
    pub worker: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Doc {
    kind: String,
    metadata: Meta,
    data: BTreeMap<String, String>,
    spec: WorkloadSpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Meta {
    name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WorkloadSpec {
    template: PodTemplate,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PodTemplate {
    spec: PodSpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct PodSpec {
    security_context: SecurityContext,
    containers: Vec<Container>,
    volumes: Vec<Volume>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct SecurityContext {
    run_as_user: Option<u32>,
    run_as_group: Option<u32>,
    read_only_root_filesystem: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Container {
    ports: Vec<ContainerPort>,
    readiness_probe: Option<Probe>,
    liveness_probe: Option<Probe>,
    security_context: SecurityContext,
    volume_mounts: Vec<VolumeMount>,
    env: Vec<EnvEntry>,
    env_from: Vec<EnvFrom>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ContainerPort {
    container_port: u16,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Probe {
    http_get: Option<HttpGet>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HttpGet {
    path: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct VolumeMount {
    name: String,
    mount_path: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Volume {
    name: String,
    empty_dir: Option<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EnvEntry {
    name: String,
    value: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct EnvFrom {
    config_map_ref: Option<Meta>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Kustomization {
    resources: Vec<String>,
}

/// Reads the services of the kit at `root`.
pub fn read(root: &Path) -> Result<Vec<ServiceKit>, VerifyError> {
    let plan = shipshape_init::make_plan(root, &shipshape_init::PlanOptions::default())
        .map_err(|e| VerifyError::Plan(e.to_string()))?;
    let single = plan.services.len() == 1;
    let mut out = Vec::new();
    for service in &plan.services {
        let dir = if service.dir == "." { root.to_path_buf() } else { root.join(&service.dir) };
        let base = if single { root.join("deploy/base") } else { root.join("deploy").join(&service.name).join("base") };
        let docs = read_base(&base)?;
        // The Dockerfile sits in the service folder; a workspace builds from its root.
        let context = match service.build_context.as_deref() {
            Some(".") => root.to_path_buf(),
            Some(context) => root.join(context),
            None => dir.clone(),
        };
        let mut kit = ServiceKit {
            name: service.name.clone(),
            dockerfile: dir.join("Dockerfile"),
            context,
            port: service.port.value,
            readiness_path: service.health_path.value.clone(),
            uid: None,
            gid: None,
            read_only_root: false,
            writable: Vec::new(),
            config_env: Vec::new(),
            secret_env: service.secret_env.iter().map(|s| s.value.clone()).collect(),
            manifest: None,
            worker: service.is_worker(),
        };
        apply_manifests(&mut kit, &docs, &base);
        out.push(kit);
    }
    Ok(out)
}

/// The documents of every resource a Kustomize base lists (none when the base is missing).
fn read_base(base: &Path) -> Result<Vec<(String, Doc)>, VerifyError> {
    let kustomization = base.join("kustomization.yaml");
    let Ok(text) = std::fs::read_to_string(&kustomization) else {
        return Ok(Vec::new());
    };
    let resources: Kustomization = serde_saphyr::from_str(&text)
        .map_err(|e| VerifyError::Manifest { path: kustomization.display().to_string(), message: e.to_string() })?;
    let mut docs = Vec::new();
    for resource in resources.resources {
        let path = base.join(&resource);
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let parsed: Vec<Doc> = serde_saphyr::from_str_multiple(&text)
            .map_err(|e| VerifyError::Manifest { path: path.display().to_string(), message: e.to_string() })?;
        docs.extend(parsed.into_iter().map(|d| (resource.clone(), d)));
    }
    Ok(docs)
}

fn apply_manifests(kit: &mut ServiceKit, docs: &[(String, Doc)], base: &Path) {
    let workload = docs.iter().find(|(_, d)| {
        matches!(d.kind.as_str(), "Deployment" | "Rollout" | "StatefulSet")
            && !d.spec.template.spec.containers.is_empty()
    });
    let Some((file, workload)) = workload else { return };
    kit.manifest = Some(base.join(file).display().to_string());
    let pod = &workload.spec.template.spec;
    let Some(container) = pod.containers.first() else { return };
    if let Some(port) = container.ports.first() {
        kit.port = port.container_port;
    }
    let probe = container.readiness_probe.as_ref().or(container.liveness_probe.as_ref());
    if let Some(probe) = probe {
        kit.readiness_path = probe.http_get.as_ref().map(|h| h.path.clone()).filter(|p| !p.is_empty());
    }
    kit.uid = container.security_context.run_as_user.or(pod.security_context.run_as_user);
    kit.gid = container.security_context.run_as_group.or(pod.security_context.run_as_group);
    kit.read_only_root = container.security_context.read_only_root_filesystem.unwrap_or(false);
    let empty_dirs: Vec<&str> = pod.volumes.iter().filter(|v| v.empty_dir.is_some()).map(|v| v.name.as_str()).collect();
    kit.writable = container
        .volume_mounts
        .iter()
        .filter(|m| empty_dirs.contains(&m.name.as_str()))
        .map(|m| m.mount_path.clone())
        .collect();
    for from in &container.env_from {
        let Some(reference) = &from.config_map_ref else { continue };
        if let Some((_, map)) = docs.iter().find(|(_, d)| d.kind == "ConfigMap" && d.metadata.name == reference.name) {
            kit.config_env.extend(map.data.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }
    for entry in &container.env {
        if let Some(value) = &entry.value {
            kit.config_env.retain(|(k, _)| *k != entry.name);
            kit.config_env.push((entry.name.clone(), value.clone()));
        }
    }
}
