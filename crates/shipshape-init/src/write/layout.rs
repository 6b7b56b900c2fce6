//! Where each file of the kit goes, and the names every writer shares, so
//! CI, GitOps, runbooks and manifests agree.

use crate::plan::{Plan, ServicePlan};

/// The environments of the kit, in promotion order.
pub(crate) const ENVIRONMENTS: [Env; 3] = [
    Env {
        name: "dev",
        replicas: 1,
        max_replicas: 2,
        cpu: "50m",
        memory: "128Mi",
        memory_limit: "256Mi",
        automated: true,
    },
    Env {
        name: "staging",
        replicas: 2,
        max_replicas: 4,
        cpu: "100m",
        memory: "256Mi",
        memory_limit: "512Mi",
        automated: true,
    },
    Env {
        name: "prod",
        replicas: 3,
        max_replicas: 10,
        cpu: "250m",
        memory: "512Mi",
        memory_limit: "1Gi",
        automated: false,
    },
];

#[derive(Debug, Clone, Copy)]
pub(crate) struct Env {
    pub name: &'static str,
    pub replicas: u32,
    pub max_replicas: u32,
    pub cpu: &'static str,
    pub memory: &'static str,
    pub memory_limit: &'static str,
    /// GitOps syncs this environment by itself. Argo CD's prod does not: the
    /// approved CI job syncs it to the commit it pinned.
    pub automated: bool,
}

/// `path` (relative to the planned folder) as a path from the top of the
/// git repository, where CI runs and GitOps tools read.
pub(crate) fn in_repo(plan: &Plan, path: &str) -> String {
    match (plan.delivery.repo_dir.as_str(), path) {
        (".", _) => path.to_string(),
        (dir, ".") => dir.to_string(),
        (dir, path) => format!("{dir}/{}", path.trim_start_matches("./")),
    }
}

/// A short project name for namespaces and the GitOps root.
pub(crate) fn project(plan: &Plan) -> String {
    let from_url = plan
        .delivery
        .repo_url
        .value
        .trim_end_matches('/')
        .trim_end_matches(".git")
        .rsplit('/')
        .next()
        .map(crate::detect::dns_name);
    match (plan.services.as_slice(), from_url) {
        (_, Some(name)) if name != "app" => name,
        ([only], _) => only.name.clone(),
        _ => "app".to_string(),
    }
}

pub(crate) fn namespace(plan: &Plan, env: &Env) -> String {
    format!("{}-{}", project(plan), env.name)
}

/// The folder of a service's Kubernetes kit, relative to the repository root.
pub(crate) fn deploy_dir(plan: &Plan, service: &ServicePlan) -> String {
    if plan.services.len() == 1 {
        "deploy".to_string()
    } else {
        format!("deploy/{}", service.name)
    }
}

pub(crate) fn overlay_dir(plan: &Plan, service: &ServicePlan, env: &Env) -> String {
    format!("{}/overlays/{}", deploy_dir(plan, service), env.name)
}

/// The overlay Flux applies the migration Job from, before the app.
pub(crate) fn migration_overlay_dir(plan: &Plan, service: &ServicePlan, env: &Env) -> String {
    format!("{}/migrations", overlay_dir(plan, service, env))
}

/// The image repository CI pushes to and the manifests deploy.
pub(crate) fn image(plan: &Plan, service: &ServicePlan) -> String {
    format!("{}/{}", plan.delivery.registry.value.trim_end_matches('/'), service.name)
}

/// The tag the manifests start from, before CI pins a digest.
pub(crate) const INITIAL_TAG: &str = "0.1.0";

/// The Kubernetes Secret the app's secrets are synced into.
pub(crate) fn secret_name(service: &ServicePlan) -> String {
    format!("{}-secrets", service.name)
}

pub(crate) fn canary_service(service: &ServicePlan) -> String {
    format!("{}-canary", service.name)
}

pub(crate) fn preview_service(service: &ServicePlan) -> String {
    format!("{}-preview", service.name)
}

/// The Ingress the stable Service answers behind; Argo Rollouts derives the
/// canary Ingress from it.
pub(crate) fn ingress(service: &ServicePlan) -> String {
    service.name.clone()
}

/// The host the Ingress answers on: a placeholder until set (DEPLOYMENT.md says so).
pub(crate) fn ingress_host(service: &ServicePlan, env: Option<&Env>) -> String {
    match env {
        Some(env) => format!("{}.{}.example.com", service.name, env.name),
        None => format!("{}.example.com", service.name),
    }
}

/// The ingress controller class the canary traffic routing needs.
pub(crate) const INGRESS_CLASS: &str = "nginx";

pub(crate) fn analysis_template(service: &ServicePlan) -> String {
    format!("{}-health", service.name)
}

pub(crate) fn migration_job(service: &ServicePlan) -> String {
    format!("{}-migrate", service.name)
}

/// The Prometheus that analysis queries (kube-prometheus-stack's default).
pub(crate) const PROMETHEUS_URL: &str = "http://prometheus-operated.monitoring.svc.cluster.local:9090";

/// The Prometheus address as prose names it: without its scheme where the
/// repository's build rejects plain-HTTP literals.
pub(crate) fn prometheus_in_docs(plan: &Plan) -> String {
    match PROMETHEUS_URL.strip_prefix("http://") {
        Some(address) if plan.bans_plain_http() => format!("{address} (plain HTTP)"),
        _ => PROMETHEUS_URL.to_string(),
    }
}

/// YAML whose plain `http://` scalars are written with the colon escaped
/// (`"http\x3A//…"`, the same string to every YAML parser), for a
/// repository whose build rejects plain-HTTP literals.
pub(crate) fn without_plain_http_literals(plan: &Plan, yaml: String) -> String {
    if !plan.bans_plain_http() {
        return yaml;
    }
    let mut out = String::with_capacity(yaml.len());
    for line in yaml.lines() {
        match line.split_once(": http://") {
            Some((key, rest)) if !rest.contains(['"', '\'', '#', ' ']) => {
                out.push_str(&format!("{key}: \"http\\x3A//{rest}\""));
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

pub(crate) fn gitops_dir() -> &'static str {
    "deploy/gitops"
}

/// True when the image is built from another folder than the service's.
pub(crate) fn context_elsewhere(service: &ServicePlan) -> bool {
    service.build_context.as_ref().is_some_and(|context| *context != service.dir)
}

/// The folder the image is built from, from the top of the git repository.
pub(crate) fn build_context(plan: &Plan, service: &ServicePlan) -> String {
    normalized(&in_repo(plan, service.build_context.as_ref().unwrap_or(&service.dir)))
}

/// The service's Dockerfile when the build context is another folder.
pub(crate) fn dockerfile_outside_context(plan: &Plan, service: &ServicePlan) -> Option<String> {
    context_elsewhere(service).then(|| normalized(&in_repo(plan, &format!("{}/Dockerfile", service.dir))))
}

/// `docker build` arguments: the Dockerfile when needed, then the context.
/// Build arguments come from the environment of the same name (unset: the
/// Dockerfile's default).
pub(crate) fn docker_build_args(plan: &Plan, service: &ServicePlan) -> String {
    let mut args: String = service.image.build_args.iter().map(|(name, _)| format!("--build-arg {name} ")).collect();
    if let Some(file) = dockerfile_outside_context(plan, service) {
        args.push_str(&format!("--file {file} "));
    }
    args + &build_context(plan, service)
}

/// A GitHub Actions expression: the repository variable `name`, else `default`.
pub(crate) fn github_variable_or(name: &str, default: &str) -> String {
    format!("${{{{ vars.{name} || '{}' }}}}", default.replace('\'', "''"))
}

/// `path` without `.` and `folder/..` segments (`.` when nothing is left).
pub(crate) fn normalized(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::normalized;

    #[test]
    fn paths_lose_dot_and_parent_segments() {
        assert_eq!(normalized("backend/.."), ".");
        assert_eq!(normalized("./apps/api/../web"), "apps/web");
        assert_eq!(normalized("../lib"), "../lib");
    }
}
