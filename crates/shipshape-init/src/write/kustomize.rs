//! The Kustomize base of a service and its dev/staging/prod overlays.

use std::collections::BTreeMap;

use shipshape_models::k8s::*;
use shipshape_models::kustomize::{Image, Kustomization, Patch, PatchTarget};

use super::layout::{self, Env, ENVIRONMENTS};
use super::{rollouts, yaml, GeneratedFile};
use crate::plan::{GitopsTool, Plan, ServicePlan, Strategy};

pub(crate) const HTTP_PORT_NAME: &str = "http";

pub(crate) fn labels(service: &ServicePlan) -> Labels {
    BTreeMap::from([("app.kubernetes.io/name".to_string(), service.name.clone())])
}

fn common_labels(plan: &Plan, service: &ServicePlan) -> Labels {
    let mut labels = labels(service);
    labels.insert("app.kubernetes.io/part-of".into(), layout::project(plan));
    labels.insert("app.kubernetes.io/managed-by".into(), "kustomize".into());
    labels
}

fn meta(plan: &Plan, service: &ServicePlan, name: impl Into<String>) -> ObjectMeta {
    ObjectMeta::named(name, common_labels(plan, service))
}

fn probe(path: Option<&String>, period: u32, failures: u32) -> Probe {
    let port = HTTP_PORT_NAME.to_string();
    let (http_get, tcp_socket) = match path {
        Some(path) => (Some(HttpGetAction { path: path.clone(), port }), None),
        None => (None, Some(TcpSocketAction { port })),
    };
    Probe {
        http_get,
        tcp_socket,
        initial_delay_seconds: None,
        period_seconds: period,
        timeout_seconds: 3,
        failure_threshold: failures,
    }
}

fn volume_name(index: usize) -> String {
    format!("writable-{index}")
}

/// The app container, as the Deployment, Rollout and migration Job run it.
pub(crate) fn app_container(plan: &Plan, service: &ServicePlan) -> Container {
    let mut env_from =
        vec![EnvFromSource { config_map_ref: Some(NameRef { name: config_name(service) }), secret_ref: None }];
    if !service.secret_env.is_empty() {
        env_from.push(EnvFromSource {
            config_map_ref: None,
            secret_ref: Some(NameRef { name: layout::secret_name(service) }),
        });
    }
    Container {
        name: service.name.clone(),
        image: format!("{}:{}", layout::image(plan, service), layout::INITIAL_TAG),
        image_pull_policy: Some("IfNotPresent".into()),
        env_from,
        resources: Some(Resources::new("100m", "128Mi", "256Mi")),
        security_context: Some(SecurityContext {
            allow_privilege_escalation: false,
            privileged: false,
            read_only_root_filesystem: true,
            run_as_non_root: true,
            capabilities: Capabilities { drop: vec!["ALL".into()] },
        }),
        volume_mounts: service
            .image
            .writable_dirs
            .iter()
            .enumerate()
            .map(|(i, dir)| VolumeMount { name: volume_name(i), mount_path: dir.clone() })
            .collect(),
        ..Container::default()
    }
}

/// The pod spec shared by the Deployment and the Rollout.
pub(crate) fn pod_template(plan: &Plan, service: &ServicePlan) -> PodTemplateSpec {
    let uid = service.image.uid;
    let mut container = app_container(plan, service);
    // A worker listens on nothing: no port and nothing to probe (Kubernetes
    // restarts it when it exits).
    if !service.is_worker() {
        container.ports = vec![ContainerPort {
            name: HTTP_PORT_NAME.into(),
            container_port: service.port.value,
            protocol: "TCP".into(),
        }];
        let health = service.health_path.value.as_ref();
        let liveness = service.liveness_path.as_ref().map(|p| &p.value).or(health);
        container.startup_probe = Some(probe(liveness, 5, 30));
        container.readiness_probe = Some(probe(health, 10, 3));
        container.liveness_probe = Some(probe(liveness, 20, 3));
    }
    let mut annotations = BTreeMap::new();
    annotations.insert("kubectl.kubernetes.io/default-container".to_string(), service.name.clone());
    PodTemplateSpec {
        metadata: TemplateMeta { labels: labels(service), annotations },
        spec: PodSpec {
            service_account_name: Some(service.name.clone()),
            automount_service_account_token: Some(false),
            termination_grace_period_seconds: Some(30),
            security_context: Some(pod_security(uid)),
            topology_spread_constraints: vec![TopologySpreadConstraint {
                max_skew: 1,
                topology_key: "topology.kubernetes.io/zone".into(),
                when_unsatisfiable: "ScheduleAnyway".into(),
                label_selector: LabelSelector { match_labels: labels(service) },
            }],
            containers: vec![container],
            volumes: volumes(service),
            ..PodSpec::default()
        },
    }
}

/// Why a worker's container has no liveness probe, as a suppression on
/// its name's line (where the finding would be).
const WORKER_LIVENESS_REASON: &str = "shipshape: ignore[missing-liveness-probe] a worker listens on no port and Kubernetes restarts it when it exits; DEPLOYMENT.md says how to add a heartbeat probe";

/// The written workload, with a worker's missing liveness probe explained.
pub(crate) fn explain_worker_probes(service: &ServicePlan, written: String) -> String {
    if !service.is_worker() {
        return written;
    }
    let container_line = format!("- name: {}", service.name);
    let mut out = String::with_capacity(written.len() + WORKER_LIVENESS_REASON.len());
    let mut done = false;
    for line in written.lines() {
        out.push_str(line);
        if !done && line.trim_start() == container_line {
            out.push_str(" # ");
            out.push_str(WORKER_LIVENESS_REASON);
            done = true;
        }
        out.push('\n');
    }
    out
}

fn pod_security(uid: u32) -> PodSecurityContext {
    PodSecurityContext {
        run_as_non_root: true,
        run_as_user: uid,
        run_as_group: uid,
        fs_group: uid,
        seccomp_profile: SeccompProfile { kind: "RuntimeDefault".into() },
    }
}

fn volumes(service: &ServicePlan) -> Vec<Volume> {
    (0..service.image.writable_dirs.len())
        .map(|i| Volume { name: volume_name(i), empty_dir: EmptyDir { size_limit: Some("256Mi".into()) } })
        .collect()
}

fn config_name(service: &ServicePlan) -> String {
    format!("{}-config", service.name)
}

fn workload_kind(plan: &Plan) -> (&'static str, &'static str) {
    match plan.delivery.strategy.value {
        Strategy::Rolling => ("apps/v1", "Deployment"),
        Strategy::Canary | Strategy::BlueGreen => ("argoproj.io/v1alpha1", "Rollout"),
    }
}

fn deployment(plan: &Plan, service: &ServicePlan) -> String {
    explain_worker_probes(service, deployment_object(plan, service))
}

fn deployment_object(plan: &Plan, service: &ServicePlan) -> String {
    yaml(&Object {
        api_version: "apps/v1",
        kind: "Deployment",
        metadata: meta(plan, service, &service.name),
        body: Spec {
            spec: DeploymentSpec {
                replicas: None,
                revision_history_limit: 5,
                selector: LabelSelector { match_labels: labels(service) },
                strategy: DeploymentStrategy {
                    kind: "RollingUpdate".into(),
                    rolling_update: RollingUpdate { max_unavailable: "0".into(), max_surge: "25%".into() },
                },
                template: pod_template(plan, service),
            },
        },
    })
}

pub(crate) fn service_object(plan: &Plan, service: &ServicePlan, name: &str) -> String {
    yaml(&Object {
        api_version: "v1",
        kind: "Service",
        metadata: meta(plan, service, name),
        body: Spec {
            spec: ServiceSpec {
                kind: "ClusterIP".into(),
                selector: labels(service),
                ports: vec![ServicePort {
                    name: HTTP_PORT_NAME.into(),
                    port: 80,
                    target_port: HTTP_PORT_NAME.into(),
                    protocol: "TCP".into(),
                }],
            },
        },
    })
}

fn ingress_object(plan: &Plan, service: &ServicePlan, name: &str, backend: &str, host: String) -> String {
    yaml(&Object {
        api_version: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: meta(plan, service, name),
        body: Spec {
            spec: IngressSpec {
                ingress_class_name: layout::INGRESS_CLASS.into(),
                tls: vec![IngressTls { hosts: vec![host.clone()], secret_name: format!("{name}-tls") }],
                rules: vec![IngressRule {
                    host,
                    http: HttpIngressRuleValue {
                        paths: vec![HttpIngressPath {
                            path: "/".into(),
                            path_type: "Prefix".into(),
                            backend: IngressBackend {
                                service: IngressServiceBackend {
                                    name: backend.into(),
                                    port: ServiceBackendPort { number: 80 },
                                },
                            },
                        }],
                    },
                }],
            },
        },
    })
}

/// The stable Ingress (its request metrics drive the analysis and the
/// alerts) and, for blue-green, the preview's.
fn ingresses(plan: &Plan, service: &ServicePlan) -> String {
    let host = layout::ingress_host(service, None);
    let mut objects = vec![ingress_object(plan, service, &layout::ingress(service), &service.name, host.clone())];
    if plan.delivery.strategy.value == Strategy::BlueGreen {
        let preview = layout::preview_service(service);
        objects.push(ingress_object(plan, service, &preview, &preview, format!("preview.{host}")));
    }
    objects.join("---\n")
}

fn base_files(plan: &Plan, service: &ServicePlan, dir: &str) -> Vec<GeneratedFile> {
    let (api_version, kind) = workload_kind(plan);
    let mut files = Vec::new();
    let mut resources = vec!["serviceaccount.yaml".to_string(), "configmap.yaml".to_string()];
    let file = |name: &str, contents: String| GeneratedFile { path: format!("{dir}/{name}"), contents };
    files.push(file(
        "serviceaccount.yaml",
        yaml(&Object {
            api_version: "v1",
            kind: "ServiceAccount",
            metadata: meta(plan, service, &service.name),
            body: ServiceAccountBody { automount_service_account_token: false },
        }),
    ));
    let mut data = BTreeMap::from([("LOG_LEVEL".to_string(), "info".to_string())]);
    if !service.is_worker() {
        data.insert("PORT".into(), service.port.value.to_string());
    }
    data.insert("APP_NAME".into(), service.name.clone());
    for var in &service.config_env {
        if let Some(value) = &var.value.value {
            data.insert(var.value.name.clone(), value.clone());
        }
    }
    files.push(file(
        "configmap.yaml",
        yaml(&Object {
            api_version: "v1",
            kind: "ConfigMap",
            metadata: meta(plan, service, config_name(service)),
            body: ConfigMapBody { data },
        }),
    ));
    if !service.secret_env.is_empty() {
        resources.push("externalsecret.yaml".into());
        files.push(file("externalsecret.yaml", super::observability::external_secret(plan, service)));
    }
    match kind {
        "Deployment" => {
            resources.push("deployment.yaml".into());
            files.push(file("deployment.yaml", deployment(plan, service)));
        }
        _ => {
            resources.extend(["rollout.yaml".to_string(), "analysistemplate.yaml".to_string()]);
            files.push(file("rollout.yaml", rollouts::rollout(plan, service)));
            files.push(file("analysistemplate.yaml", rollouts::analysis_template(plan, service)));
        }
    }
    // A worker takes no traffic: no Service and no Ingress.
    if !service.is_worker() {
        resources.push("service.yaml".into());
        let mut services = vec![service_object(plan, service, &service.name)];
        match plan.delivery.strategy.value {
            Strategy::Canary => services.push(service_object(plan, service, &layout::canary_service(service))),
            Strategy::BlueGreen => services.push(service_object(plan, service, &layout::preview_service(service))),
            Strategy::Rolling => {}
        }
        files.push(file("service.yaml", services.join("---\n")));
        resources.push("ingress.yaml".into());
        files.push(file("ingress.yaml", ingresses(plan, service)));
    }
    resources.extend(["hpa.yaml".to_string(), "pdb.yaml".to_string(), "networkpolicy.yaml".to_string()]);
    files.push(file(
        "hpa.yaml",
        yaml(&Object {
            api_version: "autoscaling/v2",
            kind: "HorizontalPodAutoscaler",
            metadata: meta(plan, service, &service.name),
            body: Spec {
                spec: HpaSpec {
                    scale_target_ref: CrossVersionObjectReference {
                        api_version: api_version.into(),
                        kind: kind.into(),
                        name: service.name.clone(),
                    },
                    min_replicas: 2,
                    max_replicas: 4,
                    metrics: vec![MetricSpec {
                        kind: "Resource".into(),
                        resource: ResourceMetricSource {
                            name: "cpu".into(),
                            target: MetricTarget { kind: "Utilization".into(), average_utilization: 70 },
                        },
                    }],
                },
            },
        }),
    ));
    files.push(file(
        "pdb.yaml",
        yaml(&Object {
            api_version: "policy/v1",
            kind: "PodDisruptionBudget",
            metadata: meta(plan, service, &service.name),
            body: Spec {
                spec: PdbSpec { max_unavailable: 1, selector: LabelSelector { match_labels: labels(service) } },
            },
        }),
    ));
    files.push(file(
        "networkpolicy.yaml",
        yaml(&Object {
            api_version: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: meta(plan, service, &service.name),
            body: Spec {
                spec: NetworkPolicySpec {
                    pod_selector: LabelSelector { match_labels: labels(service) },
                    policy_types: vec!["Ingress".into()],
                    // A worker accepts no connection at all.
                    ingress: if service.is_worker() {
                        Vec::new()
                    } else {
                        vec![NetworkPolicyIngressRule {
                            ports: vec![NetworkPolicyPort { protocol: "TCP".into(), port: service.port.value }],
                        }]
                    },
                },
            },
        }),
    ));
    if let Some(monitor) = super::observability::service_monitor(plan, service) {
        resources.push("servicemonitor.yaml".into());
        files.push(file("servicemonitor.yaml", monitor));
    }
    resources.push("prometheusrule.yaml".into());
    files.push(file("prometheusrule.yaml", super::observability::prometheus_rule(plan, service)));
    let mut kustomization = Kustomization::new();
    kustomization.resources = resources;
    files.insert(0, file("kustomization.yaml", yaml(&kustomization)));
    files
}

fn migration_files(plan: &Plan, service: &ServicePlan, dir: &str) -> Vec<GeneratedFile> {
    let Some(migration) = &service.migration else { return Vec::new() };
    let mut container = app_container(plan, service);
    container.name = "migrate".into();
    container.command = migration.value.command.clone();
    container.resources = Some(Resources::new("100m", "128Mi", "512Mi"));
    let mut metadata = meta(plan, service, layout::migration_job(service));
    metadata.annotations.insert("argocd.argoproj.io/hook".into(), "PreSync".into());
    metadata.annotations.insert("argocd.argoproj.io/hook-delete-policy".into(), "BeforeHookCreation".into());
    metadata.annotations.insert("kustomize.toolkit.fluxcd.io/force".into(), "enabled".into());
    let job = Object {
        api_version: "batch/v1",
        kind: "Job",
        metadata,
        body: Spec {
            spec: JobSpec {
                backoff_limit: 1,
                active_deadline_seconds: 600,
                ttl_seconds_after_finished: 86400,
                template: PodTemplateSpec {
                    metadata: TemplateMeta { labels: labels_for_job(service), annotations: BTreeMap::new() },
                    spec: PodSpec {
                        service_account_name: Some(service.name.clone()),
                        automount_service_account_token: Some(false),
                        restart_policy: Some("Never".into()),
                        security_context: Some(pod_security(service.image.uid)),
                        containers: vec![container],
                        volumes: volumes(service),
                        ..PodSpec::default()
                    },
                },
            },
        },
    };
    let mut kustomization = Kustomization::new();
    kustomization.resources = vec!["migration-job.yaml".into()];
    vec![
        GeneratedFile { path: format!("{dir}/kustomization.yaml"), contents: yaml(&kustomization) },
        GeneratedFile { path: format!("{dir}/migration-job.yaml"), contents: yaml(&job) },
    ]
}

fn labels_for_job(service: &ServicePlan) -> Labels {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_string(), format!("{}-migrate", service.name)),
        ("app.kubernetes.io/component".to_string(), "migration".to_string()),
    ])
}

fn json_patch(ops: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (path, value) in ops {
        out.push_str(&format!("- op: replace\n  path: {path}\n  value: {value}\n"));
    }
    out
}

fn overlay_files(plan: &Plan, service: &ServicePlan, env: &Env) -> Vec<GeneratedFile> {
    let dir = layout::overlay_dir(plan, service, env);
    let (_, kind) = workload_kind(plan);
    let mut kustomization = Kustomization::new();
    kustomization.namespace = Some(layout::namespace(plan, env));
    kustomization.resources = vec!["../../base".into()];
    let argo = plan.delivery.gitops == GitopsTool::Argocd;
    if service.migration.is_some() && argo {
        kustomization.resources.push("../../migrations".into());
    }
    kustomization.images = vec![image_entry(plan, service)];
    let mut patches = vec![
        Patch {
            target: PatchTarget { kind: kind.into(), name: service.name.clone() },
            patch: json_patch(&[
                ("/spec/template/spec/containers/0/resources/requests/cpu", env.cpu.to_string()),
                ("/spec/template/spec/containers/0/resources/requests/memory", env.memory.to_string()),
                ("/spec/template/spec/containers/0/resources/limits/memory", env.memory_limit.to_string()),
            ]),
        },
        Patch {
            target: PatchTarget { kind: "HorizontalPodAutoscaler".into(), name: service.name.clone() },
            patch: json_patch(&[
                ("/spec/minReplicas", env.replicas.to_string()),
                ("/spec/maxReplicas", env.max_replicas.to_string()),
            ]),
        },
        Patch {
            target: PatchTarget { kind: "ConfigMap".into(), name: config_name(service) },
            patch: format!("- op: add\n  path: /data/APP_ENV\n  value: {}\n", env.name),
        },
    ];
    if !service.is_worker() {
        patches.insert(
            2,
            Patch {
                target: PatchTarget { kind: "Ingress".into(), name: layout::ingress(service) },
                patch: json_patch(&[
                    ("/spec/tls/0/hosts/0", layout::ingress_host(service, Some(env))),
                    ("/spec/rules/0/host", layout::ingress_host(service, Some(env))),
                ]),
            },
        );
    }
    kustomization.patches = patches;
    if !service.secret_env.is_empty() {
        kustomization.patches.push(Patch {
            target: PatchTarget { kind: "ExternalSecret".into(), name: layout::secret_name(service) },
            patch: super::observability::external_secret_env_patch(service, env),
        });
    }
    let mut files = vec![GeneratedFile { path: format!("{dir}/kustomization.yaml"), contents: yaml(&kustomization) }];
    if service.migration.is_some() && !argo {
        let mut migrations = Kustomization::new();
        migrations.namespace = Some(layout::namespace(plan, env));
        migrations.resources = vec!["../../../migrations".into()];
        migrations.images = vec![image_entry(plan, service)];
        files.push(GeneratedFile {
            path: format!("{}/kustomization.yaml", layout::migration_overlay_dir(plan, service, env)),
            contents: yaml(&migrations),
        });
    }
    files
}

fn image_entry(plan: &Plan, service: &ServicePlan) -> Image {
    Image {
        name: layout::image(plan, service),
        new_name: None,
        new_tag: Some(layout::INITIAL_TAG.into()),
        digest: None,
    }
}

pub(crate) fn files(plan: &Plan, service: &ServicePlan) -> Vec<GeneratedFile> {
    let dir = layout::deploy_dir(plan, service);
    let mut files = base_files(plan, service, &format!("{dir}/base"));
    files.extend(migration_files(plan, service, &format!("{dir}/migrations")));
    for env in &ENVIRONMENTS {
        files.extend(overlay_files(plan, service, env));
    }
    files
}
