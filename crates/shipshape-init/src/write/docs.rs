//! `DEPLOYMENT.md` (the strategy and why) and `RUNBOOK.md` (how a deploy
//! flows, how to check it, how to roll back), with this repository's names.

use std::fmt::Write as _;

use super::layout::{self, ENVIRONMENTS};
use super::observability::{camel, SECRET_STORE};
use super::GeneratedFile;
use crate::plan::{CiProvider, GitopsTool, Origin, Plan, ServicePlan, Strategy};

fn strategy_name(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::Canary => "canary",
        Strategy::BlueGreen => "blue-green",
        Strategy::Rolling => "rolling update",
    }
}

fn evidence_line(file: &str, line: Option<usize>) -> String {
    match (file, line) {
        ("", _) => "default".to_string(),
        (file, Some(line)) => format!("`{file}:{line}`"),
        (file, None) => format!("`{file}`"),
    }
}

fn detected_table(out: &mut String, service: &ServicePlan) {
    let _ = writeln!(out, "| what | value | from |\n| --- | --- | --- |");
    let mut row = |what: &str, value: String, origin: Origin, evidence: Option<&crate::plan::Evidence>| {
        let from = match (origin, evidence) {
            (Origin::Configured, _) => "shipshape.toml".to_string(),
            (_, Some(e)) => format!("{} {}", evidence_line(&e.file, e.line), e.detail),
            (_, None) => String::new(),
        };
        let _ = writeln!(out, "| {what} | {value} | {} |", from.replace('|', "\\|"));
    };
    row("stack", service.stack.value.as_str().to_string(), service.stack.origin, service.stack.evidence.first());
    row(
        "version",
        service.language_version.value.clone(),
        service.language_version.origin,
        service.language_version.evidence.first(),
    );
    if let Some(framework) = &service.framework {
        row("framework", framework.value.clone(), framework.origin, framework.evidence.first());
    }
    if let Some(worker) = &service.worker {
        row("port", "none: a worker".into(), worker.origin, worker.evidence.first());
        row("health check", "none: the process must stay up".into(), worker.origin, worker.evidence.first());
    } else {
        row("port", service.port.value.to_string(), service.port.origin, service.port.evidence.first());
        row(
            "health check",
            service.health_path.value.clone().map_or_else(|| "TCP port".to_string(), |p| format!("`{p}`")),
            service.health_path.origin,
            service.health_path.evidence.first(),
        );
    }
    match &service.migration {
        Some(m) => row(
            "migrations",
            format!("{} (`{}`)", m.value.tool, m.value.command.join(" ")),
            m.origin,
            m.evidence.first(),
        ),
        None => row("migrations", "none found".into(), Origin::Default, None),
    }
}

/// What a person must set or check before the kit can deploy: values
/// detection fell back to a default for, and what no file can hold.
pub fn checklist(plan: &Plan) -> Vec<String> {
    let mut items: Vec<String> = plan.warnings.clone();
    for service in &plan.services {
        items.extend(service.warnings.iter().map(|w| format!("{}: {w}", service.name)));
    }
    for kept in &plan.existing_files {
        let mut item = format!("Kept `{}` ({}): {}.", kept.file, kept.kind, kept.reason);
        if !kept.assumptions.is_empty() {
            item.push_str(" The kit assumes:");
            for a in &kept.assumptions {
                let _ = write!(item, " {} — {}: {};", a.assumes, a.verdict.as_str(), a.detail);
            }
            item.pop();
            item.push('.');
        }
        items.push(item);
    }
    let delivery = &plan.delivery;
    // A placeholder written into shipshape.toml by an earlier `init` is still one.
    let placeholder = |origin: Origin, value: &str| origin == Origin::Default || value.contains("example.com");
    if placeholder(delivery.registry.origin, &delivery.registry.value) {
        items.push(format!(
            "Registry: images are pushed to `{}`, a placeholder; set `registry` under `[init]` in shipshape.toml.",
            delivery.registry.value
        ));
    }
    if placeholder(delivery.repo_url.origin, &delivery.repo_url.value) {
        items.push(format!(
            "Repository URL: GitOps pulls from `{}`, a placeholder; set `repo-url` under `[init]` in shipshape.toml.",
            delivery.repo_url.value
        ));
    }
    items.push(format!(
        "Secret store: the ExternalSecrets read the `{SECRET_STORE}` ClusterSecretStore of External Secrets Operator; create it (Vault, a cloud secret manager…) or change `secretStoreRef`."
    ));
    for service in &plan.services {
        if service.is_worker() {
            items.push(format!(
                "{}: a worker (it listens on no port): no Service, Ingress, probes or HEALTHCHECK; Kubernetes restarts it when it exits, and its canary fails when the new pods restart. A hung process is not detected: if it can hang, have it touch a file as it works and add an exec liveness probe on that file's age. `shipshape verify` checks that it starts and stays up. If it does listen, set `port` under `[[init.services]]` in shipshape.toml.",
                service.name
            ));
        } else if service.health_path.value.is_none() {
            items.push(format!(
                "{}: no HTTP health route found: the probes only open the TCP port and CI only checks that the service answers; set `health-path` under `[[init.services]]` in shipshape.toml.",
                service.name
            ));
        }
        if !service.image.build_args.is_empty() {
            let args: Vec<String> =
                service.image.build_args.iter().map(|(name, value)| format!("`{name}` (default `{value}`)")).collect();
            let mut places = Vec::new();
            if plan.delivery.ci.contains(&CiProvider::Github) {
                places.push("GitHub repository variables");
            }
            if plan.delivery.ci.contains(&CiProvider::Gitlab) {
                places.push("GitLab CI/CD variables");
            }
            items.push(format!(
                "{}: build arguments baked into the image at build time (the client bundle): set {} as {}; CI passes each one that is set, the others keep the Dockerfile's default.",
                service.name,
                args.join(", "),
                places.join(" and ")
            ));
        }
        if !service.secret_env.is_empty() {
            let keys: Vec<String> = service.secret_env.iter().map(|s| format!("`{}`", s.value)).collect();
            items.push(format!(
                "{}: put the secrets' values in the store under `{}/<environment>` (dev, staging, prod): {}. A missing key fails the sync.",
                service.name,
                service.name,
                keys.join(", ")
            ));
        }
        if service.is_worker() {
            continue;
        }
        items.push(format!(
            "{}: the Ingress answers on `{}` (`{}` in staging, …), placeholders; set the real hosts and a TLS certificate in `{}-tls` (cert-manager or your own).",
            service.name,
            layout::ingress_host(service, Some(&ENVIRONMENTS[0])),
            layout::ingress_host(service, Some(&ENVIRONMENTS[1])),
            layout::ingress(service)
        ));
    }
    items.push(format!(
        "Cluster add-ons the kit assumes: ingress-nginx with its metrics scraped by Prometheus at `{}` (kube-prometheus-stack; the ingress's namespace is the `exported_namespace` label), kube-state-metrics{}.",
        layout::prometheus_in_docs(plan),
        if plan.delivery.strategy.value == Strategy::Rolling { "" } else { ", Argo Rollouts with its metrics" }
    ));
    let argocd = if plan.delivery.gitops == GitopsTool::Argocd {
        " and, for the approved job to sync prod, `ARGOCD_SERVER` (the Argo CD URL) and `ARGOCD_AUTH_TOKEN` (a token allowed to sync the prod Applications)"
    } else {
        ""
    };
    if plan.delivery.ci.contains(&CiProvider::Github) {
        items.push(format!("GitHub: repository variables `STAGING_URL` and `PRODUCTION_URL`; in the `staging` and `production` environments a secret `KUBECONFIG` (read-only access to the namespace) so CI can confirm the new digest serves; required reviewers on `production`{argocd}."));
    }
    if plan.delivery.ci.contains(&CiProvider::Gitlab) {
        items.push(format!("GitLab: CI/CD variables `STAGING_URL`, `PRODUCTION_URL`, a `GITOPS_TOKEN` project access token with `write_repository`, and a variable `KUBECONFIG_DATA` (a read-only kubeconfig) scoped to each environment; protect the `production` environment{argocd}."));
    }
    items.push("`shipshape verify` builds and starts the image on one machine; it cannot check the cluster: the Ingress host and TLS, the secret store and its values, Prometheus and the ingress-nginx metrics the analysis reads.".to_string());
    items
}

fn deployment_md(plan: &Plan) -> String {
    let strategy = plan.delivery.strategy.value;
    let mut out = String::from("# Deployment strategy\n\n");
    let _ = writeln!(
        out,
        "This repository deploys with a **{}** strategy{}. Written by `shipshape init`; change `strategy` under `[init]` in `shipshape.toml` and run `shipshape init --force` to switch.\n",
        strategy_name(strategy),
        if plan.services.len() > 1 { " for every service" } else { "" }
    );
    out.push_str("## Why\n\n");
    out.push_str(match strategy {
        Strategy::Canary => "A canary sends a small, growing share of traffic (10% → 25% → 50% → 75% → 100%) to the new version while an `AnalysisTemplate` compares its success rate and p95 latency against fixed thresholds on Prometheus. A bad release is aborted automatically after at most one failed measurement, and only the canary's share of users saw it. It costs little extra capacity (one more ReplicaSet at a time) and needs no second full environment. It is the default because most services have enough traffic for the metrics to mean something within minutes.\n\nChoose **blue-green** instead when a version must be tested in full before any user reaches it, or when old and new versions cannot serve side by side (for example an incompatible session format); choose **rolling** for workers without HTTP traffic to analyse.\n\n",
        Strategy::BlueGreen => "Blue-green runs the new version in full beside the old one behind a preview Service, runs the analysis against it before any user traffic, and switches all traffic at once after a person promotes it (`autoPromotionEnabled: false`). Rollback is instant: the old ReplicaSet stays up for five minutes after the switch. It costs twice the capacity during a release.\n\n",
        Strategy::Rolling => "A rolling update replaces pods a few at a time (`maxUnavailable: 0`, `maxSurge: 25%`), so there is no downtime and no extra controller to run. There is no automated analysis: a bad version reaches every user as it rolls out, and rollback is another rolling update. Use it for workers, internal tools, and services without enough traffic to analyse.\n\n",
    });
    out.push_str("## The strategies side by side\n\n");
    out.push_str(
        "| strategy | zero downtime | rollback speed | extra cost | when to use |\n| --- | --- | --- | --- | --- |\n",
    );
    out.push_str("| rolling | yes (`maxUnavailable: 0`) | minutes (another rollout) | none | workers, internal tools, low traffic |\n");
    out.push_str("| blue-green | yes | seconds (switch the Service back) | 2× capacity during a release | full testing before traffic, incompatible versions |\n");
    out.push_str("| canary | yes | seconds (abort shifts traffic back) | one extra ReplicaSet | user-facing services with steady traffic |\n\n");
    out.push_str("## What was detected\n\n");
    for service in &plan.services {
        let _ = writeln!(out, "### {}\n", service.name);
        detected_table(&mut out, service);
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "## What the canary gate measures\n\n{}\n",
        match strategy {
            Strategy::Rolling => "A rolling update has no analysis. The alerts read the request metrics of ingress-nginx for the Ingress the kit writes (`nginx_ingress_controller_requests`, `nginx_ingress_controller_request_duration_seconds`), so the app needs no instrumentation.".to_string(),
            _ => format!("The kit routes traffic through ingress-nginx (the `{class}` IngressClass){routing}. The `AnalysisTemplate` reads ingress-nginx's own request metrics, so the app needs no instrumentation: the share of 5xx answers (at most {err}) and the p95 latency (at most {p95}s) of {whose}. A measurement with no data (no requests yet, an empty result or NaN) is neither a success nor a failure: it is Inconclusive, and more than one Inconclusive measurement pauses the rollout for a person. No data never promotes a release.",
                class = layout::INGRESS_CLASS,
                routing = if strategy == Strategy::Canary { ": Argo Rollouts' NGINX traffic routing sets the canary's weight on a canary Ingress it derives from the stable one" } else { "" },
                err = super::rollouts::MAX_ERROR_RATE,
                p95 = super::rollouts::MAX_P95_SECONDS,
                whose = if strategy == Strategy::Canary { "the requests sent to the canary (label `canary` not empty)" } else { "the preview Ingress before promotion, then the stable one" }),
        }
    );
    if strategy != Strategy::Rolling {
        for service in plan.services.iter().filter(|s| s.is_worker()) {
            let _ = writeln!(out, "`{}` is a worker with no traffic to measure: its canary moves by replicas (25% → 50% → all of the pods run the new version), and the analysis reads kube-state-metrics: any restart of the new version's pods (`kube_pod_container_status_restarts_total`) fails it; no data is Inconclusive.\n", service.name);
        }
        for service in &plan.services {
            if let Some(line) = app_metrics_line(service) {
                let _ = writeln!(out, "{line}\n");
            }
        }
    }
    let _ = writeln!(out, "## Before the first deploy\n\nWhat `init` could not determine or cannot set for you. Each item is a default until you change it.\n");
    for item in checklist(plan) {
        let _ = writeln!(out, "- [ ] {item}");
    }
    out.push('\n');
    out
}

/// What the analysis takes from the app's own metrics, when it has some.
fn app_metrics_line(service: &ServicePlan) -> Option<String> {
    let metrics = service.metrics.as_ref()?;
    let library = &metrics.value.library;
    Some(match super::rollouts::app_request_metrics(service) {
        Some(app) => format!(
            "`{}` also measures the new version's pods from the app's own metrics ({library}, scraped at `{}`): `app-error-rate` from `{}` with `{}`{}. They carry the pods' `rollouts_pod_template_hash` label (the ServiceMonitor copies it), which the analysis matches to the new ReplicaSet; no data there is Inconclusive too.",
            service.name,
            metrics.value.path,
            app.requests,
            app.server_errors,
            app.duration_buckets.map_or_else(String::new, |b| format!(", `app-latency-p95` from `{b}`"))
        ),
        None => format!(
            "`{}` exposes its own metrics ({library}, scraped at `{}`), but that library exports no request metrics by default, so the analysis reads the traffic layer only.",
            service.name, metrics.value.path
        ),
    })
}

fn runbook_md(plan: &Plan) -> String {
    let gitops = plan.delivery.gitops;
    let strategy = plan.delivery.strategy.value;
    let mut out = String::from("# Runbook\n\nWritten by `shipshape init` for this repository; keep it next to the code and update it when the pipeline changes.\n\n");
    out.push_str("## How a deploy flows\n\n");
    let ci = if plan.delivery.ci.contains(&CiProvider::Github) { "GitHub Actions" } else { "GitLab CI" };
    let _ = writeln!(
        out,
        "1. A merge to `{branch}` runs the pipeline ({ci}): build → test → security scan (dependency audit, Semgrep, gitleaks, Trivy; high and critical findings fail the run) → package (image pushed by digest, SBOM, keyless cosign signature).\n\
         2. **Deploy dev and staging**: CI pins the new digest in the dev and staging overlays and pushes that commit. {tool} applies it{migrate}; CI waits until every running pod of staging runs that digest.\n\
         3. **Integration test**: CI requests the staging health endpoint until the new version answers.\n\
         4. **Approval**: {approval}\n\
         5. **Deploy production**: only then CI pins the same digest in the prod overlay. {prod_sync} CI waits until every running prod pod runs that digest.\n\
         6. **Verify**: CI requests the production health endpoint.\n",
        branch = plan.delivery.default_branch.value,
        tool = if gitops == GitopsTool::Argocd { "Argo CD" } else { "Flux" },
        migrate = match (plan.services.iter().any(|s| s.migration.is_some()), gitops) {
            (false, _) => "",
            (true, GitopsTool::Argocd) => ", running the migration Job first as a PreSync hook",
            (true, GitopsTool::Flux) => ", running the migration Job first (the app's Kustomization depends on the migrations one)",
        },
        approval = if plan.delivery.ci.contains(&CiProvider::Github) {
            "the `production` GitHub environment pauses the job until a required reviewer approves (Settings → Environments → production → Required reviewers)."
        } else {
            "`deploy-production` is a manual job on the protected `production` environment (Settings → CI/CD → Protected environments)."
        },
        prod_sync = if gitops == GitopsTool::Argocd {
            "The same approved job then syncs the prod Application in Argo CD to the commit it pinned (Argo CD's API; prod has no automated sync, so nothing else reaches prod)."
        } else {
            "Flux applies the commit on its next reconcile: the approved CI job is the gate."
        },
    );
    let _ = writeln!(
        out,
        "Set these once: repository variables `STAGING_URL` and `PRODUCTION_URL` (base URLs of each environment){}.\n",
        if plan.delivery.ci.contains(&CiProvider::Gitlab) {
            ", and for GitLab a `GITOPS_TOKEN` project access token with `write_repository`"
        } else {
            ""
        }
    );
    for service in &plan.services {
        let name = &service.name;
        let health = service.health_path.value.clone().unwrap_or_else(|| "(TCP port)".into());
        let _ = writeln!(out, "## {name}\n");
        let services = match strategy {
            _ if service.is_worker() => "no Service (a worker)".to_string(),
            Strategy::Canary => format!("Services `{name}` and `{}`", layout::canary_service(service)),
            Strategy::BlueGreen => format!("Services `{name}` and `{}`", layout::preview_service(service)),
            Strategy::Rolling => format!("Service `{name}`"),
        };
        let _ = writeln!(out, "Objects: workload `{}/{name}`, {services}, HorizontalPodAutoscaler `{name}`, PodDisruptionBudget `{name}`, ConfigMap `{name}-config`{}{}. Namespaces: {}.\n",
            if strategy == Strategy::Rolling { "Deployment" } else { "Rollout" },
            if service.secret_env.is_empty() { String::new() } else { format!(", Secret `{}` (from an ExternalSecret)", layout::secret_name(service)) },
            if service.migration.is_some() { format!(", Job `{}`", layout::migration_job(service)) } else { String::new() },
            ENVIRONMENTS.iter().map(|e| format!("`{}`", layout::namespace(plan, e))).collect::<Vec<_>>().join(", "),
        );
        let ns = layout::namespace(plan, &ENVIRONMENTS[2]);
        let forward = if service.is_worker() {
            format!("kubectl -n {ns} logs -l app.kubernetes.io/name={name} --tail 50\n")
        } else {
            format!("kubectl -n {ns} port-forward svc/{name} 8080:80 & curl -fsS localhost:8080{health}\n")
        };
        let _ = writeln!(
            out,
            "### Check health\n\n```sh\nkubectl -n {ns} get pods -l app.kubernetes.io/name={name}\n{forward}{}```\n",
            if strategy == Strategy::Rolling {
                format!("kubectl -n {ns} rollout status deployment/{name}\n")
            } else {
                format!("kubectl argo rollouts -n {ns} get rollout {name}\n")
            }
        );
        out.push_str("Dashboard: import `");
        let _ = writeln!(out, "{}/observability/{name}-dashboard.json` into Grafana; it shows rate, errors and p95 latency per version.\n", layout::deploy_dir(plan, service));
        let _ = writeln!(out, "### Roll back\n");
        if strategy != Strategy::Rolling {
            let _ = writeln!(out, "- **Automated**: a failed analysis aborts the rollout; the stable version keeps (or gets back) all traffic. Alert `{}RolloutAborted` fires.", camel(name));
            let _ = writeln!(out, "- **During a rollout**: `kubectl argo rollouts -n {ns} abort {name}`.");
            let _ = writeln!(out, "- **After it completed**: `kubectl argo rollouts -n {ns} undo {name}` (a new rollout of the previous version, with analysis).");
        } else {
            let _ = writeln!(out, "- **Quick**: `kubectl -n {ns} rollout undo deployment/{name}`.");
        }
        if gitops == GitopsTool::Argocd {
            let _ = writeln!(out, "- **Argo CD**: `argocd app history {name}-prod`, then `argocd app rollback {name}-prod <ID>` (auto-sync is off in prod, so it stays).");
        } else {
            let _ = writeln!(out, "- **Flux**: suspend the Kustomization (`flux suspend kustomization {name}-prod -n flux-system`) before any manual change.");
        }
        let _ = writeln!(out, "- **The lasting fix**: `git revert` the commit `deploy({name}): prod to sha256:…` and push; GitOps applies the previous digest. A manual rollback that is not reverted in git is undone by the next sync.\n");
        if let Some(migration) = &service.migration {
            let _ = writeln!(out, "### Migrations ({})\n\nThe Job `{}` runs `{}` before the new version takes traffic. Keep every migration backward compatible so a rollback of the code never needs a rollback of the schema (expand/contract):\n\n1. **Expand**: add columns and tables; never drop or rename in the same release. New code writes both old and new shapes.\n2. **Migrate**: backfill in batches, outside the deploy.\n3. **Contract**: drop the old shape in a later release, once no running version reads it.\n\nIf the Job fails the deploy stops before the app changes: `kubectl -n {ns} logs job/{}`.\n",
                migration.value.tool, layout::migration_job(service), migration.value.command.join(" "), layout::migration_job(service));
        }
        let _ = writeln!(out, "### Troubleshooting\n\n| symptom | look at | usual cause |\n| --- | --- | --- |\n| pods `CrashLoopBackOff` | `kubectl -n {ns} logs -l app.kubernetes.io/name={name} --previous` | a missing secret or config value; the app failing its start-up |\n| pods never ready | `kubectl -n {ns} describe pod -l app.kubernetes.io/name={name}` | the app does not answer `{health}` on port {port}; probe timings too tight |\n| `ImagePullBackOff` | the event on the pod | the digest in the overlay was not pushed, or the pull secret is missing |\n| `CreateContainerConfigError` | `kubectl -n {ns} get externalsecret` | the ExternalSecret has not synced from `{SECRET_STORE}` |\n| rollout paused or aborted | `kubectl argo rollouts -n {ns} get rollout {name}` | the analysis saw errors or slow requests; read the AnalysisRun |\n| OOMKilled | `kubectl -n {ns} get pod -o yaml` (lastState) | memory limit too low for the load; raise it in the overlay |\n| the app cannot write files | the error in the logs | the root filesystem is read-only: write under a mounted folder ({dirs}) |\n",
            port = service.port.value, dirs = service.image.writable_dirs.join(", "));
    }
    out
}

pub(crate) fn files(plan: &Plan) -> Vec<GeneratedFile> {
    vec![
        GeneratedFile { path: "DEPLOYMENT.md".into(), contents: deployment_md(plan) },
        GeneratedFile { path: "RUNBOOK.md".into(), contents: runbook_md(plan) },
    ]
}
