//! GitOps: Argo CD Applications under an app-of-apps, or Flux
//! GitRepository + Kustomizations. Dev and staging sync by themselves with
//! prune and self-heal. Argo CD's prod is synced by the approved CI job, to
//! the commit that job pinned; Flux applies that commit on its own.

use std::collections::BTreeMap;

use shipshape_models::argo::*;
use shipshape_models::flux::*;
use shipshape_models::k8s::{Object, ObjectMeta, Spec};
use shipshape_models::kustomize::Kustomization;

use super::layout::{self, Env, ENVIRONMENTS};
use super::{yaml, GeneratedFile};
use crate::plan::{GitopsTool, Plan, ServicePlan, Strategy};

const ARGOCD_NAMESPACE: &str = "argocd";
const FLUX_NAMESPACE: &str = "flux-system";
const IN_CLUSTER: &str = "https://kubernetes.default.svc";

fn meta(name: String, namespace: &str) -> ObjectMeta {
    let mut meta = ObjectMeta::named(name, BTreeMap::new());
    meta.namespace = Some(namespace.to_string());
    meta
}

fn sync_policy(env: &Env) -> SyncPolicy {
    SyncPolicy {
        automated: env.automated.then_some(AutomatedSync { prune: true, self_heal: true }),
        sync_options: vec!["CreateNamespace=true".into(), "PruneLast=true".into()],
        retry: SyncRetry {
            limit: 5,
            backoff: RetryBackoff { duration: "10s".into(), factor: 2, max_duration: "3m".into() },
        },
    }
}

fn app_name(service: &ServicePlan, env: &Env) -> String {
    format!("{}-{}", service.name, env.name)
}

fn argocd_app(plan: &Plan, service: &ServicePlan, env: &Env) -> String {
    let mut metadata = meta(app_name(service, env), ARGOCD_NAMESPACE);
    metadata.labels.insert("app.kubernetes.io/part-of".into(), layout::project(plan));
    metadata.labels.insert("environment".into(), env.name.into());
    metadata.finalizers = vec!["resources-finalizer.argocd.argoproj.io".into()];
    yaml(&Object {
        api_version: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata,
        body: Spec {
            spec: ApplicationSpec {
                project: layout::project(plan),
                source: ApplicationSource {
                    repo_url: plan.delivery.repo_url.value.clone(),
                    target_revision: plan.delivery.default_branch.value.clone(),
                    path: layout::in_repo(plan, &layout::overlay_dir(plan, service, env)),
                },
                destination: ApplicationDestination {
                    server: IN_CLUSTER.into(),
                    namespace: layout::namespace(plan, env),
                },
                sync_policy: sync_policy(env),
                ignore_differences: Vec::new(),
            },
        },
    })
}

/// The project the applications belong to: this repository, and only the
/// namespaces of its environments.
fn app_project(plan: &Plan) -> String {
    yaml(&Object {
        api_version: "argoproj.io/v1alpha1",
        kind: "AppProject",
        metadata: meta(layout::project(plan), ARGOCD_NAMESPACE),
        body: Spec {
            spec: AppProjectSpec {
                description: format!("{}: its services in every environment", layout::project(plan)),
                source_repos: vec![plan.delivery.repo_url.value.clone()],
                destinations: ENVIRONMENTS
                    .iter()
                    .map(|env| ApplicationDestination {
                        server: IN_CLUSTER.into(),
                        namespace: layout::namespace(plan, env),
                    })
                    .collect(),
                cluster_resource_whitelist: vec![GroupKind { group: String::new(), kind: "Namespace".into() }],
            },
        },
    })
}

fn argocd_files(plan: &Plan) -> Vec<GeneratedFile> {
    let dir = layout::gitops_dir();
    let mut files = vec![GeneratedFile { path: format!("{dir}/apps/project.yaml"), contents: app_project(plan) }];
    let mut resources = vec!["project.yaml".to_string()];
    for service in &plan.services {
        for env in &ENVIRONMENTS {
            let name = format!("{}.yaml", app_name(service, env));
            files.push(GeneratedFile { path: format!("{dir}/apps/{name}"), contents: argocd_app(plan, service, env) });
            resources.push(name);
        }
    }
    let mut kustomization = Kustomization::new();
    kustomization.resources = resources;
    files.push(GeneratedFile { path: format!("{dir}/apps/kustomization.yaml"), contents: yaml(&kustomization) });
    let root = ApplicationSpec {
        project: "default".into(),
        source: ApplicationSource {
            repo_url: plan.delivery.repo_url.value.clone(),
            target_revision: plan.delivery.default_branch.value.clone(),
            path: layout::in_repo(plan, &format!("{dir}/apps")),
        },
        destination: ApplicationDestination { server: IN_CLUSTER.into(), namespace: ARGOCD_NAMESPACE.into() },
        sync_policy: SyncPolicy {
            automated: Some(AutomatedSync { prune: true, self_heal: true }),
            sync_options: Vec::new(),
            retry: SyncRetry {
                limit: 5,
                backoff: RetryBackoff { duration: "10s".into(), factor: 2, max_duration: "3m".into() },
            },
        },
        ignore_differences: Vec::new(),
    };
    files.push(GeneratedFile {
        path: format!("{dir}/root-app.yaml"),
        contents: yaml(&Object {
            api_version: "argoproj.io/v1alpha1",
            kind: "Application",
            metadata: meta(format!("{}-apps", layout::project(plan)), ARGOCD_NAMESPACE),
            body: Spec { spec: root },
        }),
    });
    files
}

fn flux_kustomization(plan: &Plan, service: &ServicePlan, env: &Env, migrations: bool) -> String {
    let (api_version, kind) = match plan.delivery.strategy.value {
        Strategy::Rolling => ("apps/v1", "Deployment"),
        _ => ("argoproj.io/v1alpha1", "Rollout"),
    };
    let namespace = layout::namespace(plan, env);
    let (name, path, health_checks) = if migrations {
        (
            format!("{}-migrations", app_name(service, env)),
            layout::in_repo(plan, &layout::migration_overlay_dir(plan, service, env)),
            vec![HealthCheckRef {
                api_version: "batch/v1".into(),
                kind: "Job".into(),
                name: layout::migration_job(service),
                namespace: namespace.clone(),
            }],
        )
    } else {
        (
            app_name(service, env),
            layout::in_repo(plan, &layout::overlay_dir(plan, service, env)),
            vec![HealthCheckRef {
                api_version: api_version.into(),
                kind: kind.into(),
                name: service.name.clone(),
                namespace: namespace.clone(),
            }],
        )
    };
    let mut spec = KustomizationSpec {
        interval: "5m".into(),
        retry_interval: "1m".into(),
        timeout: "10m".into(),
        path: format!("./{path}"),
        prune: true,
        wait: true,
        suspend: false,
        target_namespace: namespace,
        source_ref: SourceRef { kind: "GitRepository".into(), name: layout::project(plan) },
        depends_on: Vec::new(),
        health_checks,
    };
    if !migrations && service.migration.is_some() {
        spec.depends_on.push(DependsOn { name: format!("{}-migrations", app_name(service, env)) });
    }
    yaml(&Object {
        api_version: "kustomize.toolkit.fluxcd.io/v1",
        kind: "Kustomization",
        metadata: meta(name, FLUX_NAMESPACE),
        body: Spec { spec },
    })
}

fn flux_files(plan: &Plan) -> Vec<GeneratedFile> {
    let dir = format!("{}/flux", layout::gitops_dir());
    let mut files = vec![GeneratedFile {
        path: format!("{dir}/gitrepository.yaml"),
        contents: yaml(&Object {
            api_version: "source.toolkit.fluxcd.io/v1",
            kind: "GitRepository",
            metadata: meta(layout::project(plan), FLUX_NAMESPACE),
            body: Spec {
                spec: GitRepositorySpec {
                    interval: "1m".into(),
                    url: plan.delivery.repo_url.value.clone(),
                    reference: GitRef { branch: plan.delivery.default_branch.value.clone() },
                },
            },
        }),
    }];
    let mut resources = vec!["gitrepository.yaml".to_string()];
    for service in &plan.services {
        for env in &ENVIRONMENTS {
            if service.migration.is_some() {
                let name = format!("{}-migrations.yaml", app_name(service, env));
                files.push(GeneratedFile {
                    path: format!("{dir}/{name}"),
                    contents: flux_kustomization(plan, service, env, true),
                });
                resources.push(name);
            }
            let name = format!("{}.yaml", app_name(service, env));
            files.push(GeneratedFile {
                path: format!("{dir}/{name}"),
                contents: flux_kustomization(plan, service, env, false),
            });
            resources.push(name);
        }
    }
    let mut kustomization = Kustomization::new();
    kustomization.resources = resources;
    files.push(GeneratedFile { path: format!("{dir}/kustomization.yaml"), contents: yaml(&kustomization) });
    files
}

pub(crate) fn files(plan: &Plan) -> Vec<GeneratedFile> {
    match plan.delivery.gitops {
        GitopsTool::Argocd => argocd_files(plan),
        GitopsTool::Flux => flux_files(plan),
    }
}
