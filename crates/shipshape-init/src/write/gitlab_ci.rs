//! The GitLab CI pipeline: the same stages as the GitHub one, with a
//! manual job on the protected `production` environment as the approval.

use indexmap::IndexMap;
use shipshape_models::ci::*;

use super::actions;
use super::layout::{self, ENVIRONMENTS};
use super::{yaml, GeneratedFile};
use crate::plan::{GitopsTool, Plan, ServicePlan, Stack};

const STAGES: &[&str] =
    &["build", "test", "security", "package", "deploy-staging", "integration-test", "deploy-production", "verify"];
const GIT_IMAGE: &str = "alpine/git:v2.47.1";
/// kubectl and curl, for the verification jobs.
const KUBECTL_IMAGE: &str = "alpine/k8s:1.31.2";
const DOCKER_IMAGE: &str = "docker:27.3.1";
const DOCKER_DIND: &str = "docker:27.3.1-dind";

fn default_branch_rule() -> GitlabRule {
    GitlabRule { condition: Some("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH".into()), changes: Vec::new(), when: None }
}

fn image(name: &str) -> GitlabImage {
    GitlabImage { name: name.into(), entrypoint: Vec::new() }
}

fn image_without_entrypoint(name: &str) -> GitlabImage {
    GitlabImage { name: name.into(), entrypoint: vec![String::new()] }
}

/// Where each stack's package cache lives inside the project (GitLab caches
/// only paths under the project folder), and the variable that moves it.
fn cache_variable(stack: Stack) -> (&'static str, &'static str) {
    match stack {
        Stack::Node => ("npm_config_cache", ".cache/npm"),
        Stack::Python => ("PIP_CACHE_DIR", ".cache/pip"),
        Stack::Go => ("GOMODCACHE", ".cache/go-mod"),
        Stack::Rust => ("CARGO_HOME", ".cache/cargo"),
        Stack::Java => ("MAVEN_OPTS", ".cache/m2"),
        Stack::Dotnet => ("NUGET_PACKAGES", ".cache/nuget"),
        Stack::Ruby => ("BUNDLE_PATH", ".cache/bundle"),
        Stack::Php => ("COMPOSER_CACHE_DIR", ".cache/composer"),
    }
}

fn job_name(plan: &Plan, service: &ServicePlan, job: &str) -> String {
    if plan.services.len() == 1 {
        job.to_string()
    } else {
        format!("{}:{job}", service.name)
    }
}

fn base_job(stage: &str, image: GitlabImage, script: Vec<String>) -> GitlabJob {
    GitlabJob { stage: stage.into(), image, script, timeout: "30m".into(), ..GitlabJob::default() }
}

fn in_service_dir(plan: &Plan, service: &ServicePlan, commands: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let dir = layout::in_repo(plan, &service.dir);
    if dir != "." {
        out.push(format!("cd {dir}"));
    }
    out.extend(commands.iter().cloned());
    out
}

fn stack_job(plan: &Plan, service: &ServicePlan, stage: &str, commands: &[String]) -> GitlabJob {
    let (variable, path) = cache_variable(service.stack.value);
    let value = if variable == "MAVEN_OPTS" {
        format!("-Dmaven.repo.local=$CI_PROJECT_DIR/{path}")
    } else {
        format!("$CI_PROJECT_DIR/{path}")
    };
    let mut job = base_job(stage, image(&service.ci.image), in_service_dir(plan, service, commands));
    job.variables.insert(variable.into(), value);
    job.cache = Some(GitlabCache {
        key: GitlabCacheKey {
            files: service
                .ci
                .cache_key_files
                .iter()
                .take(2)
                .map(|f| join(&layout::in_repo(plan, &service.dir), f))
                .collect(),
        },
        paths: vec![format!("{path}/")],
    });
    if plan.services.len() > 1 || plan.delivery.repo_dir != "." {
        let dir = layout::in_repo(plan, &service.dir);
        job.rules = vec![GitlabRule { condition: None, changes: vec![format!("{dir}/**/*")], when: None }];
    }
    job
}

fn join(dir: &str, file: &str) -> String {
    if dir == "." {
        file.to_string()
    } else {
        format!("{dir}/{file}")
    }
}

fn docker_job(stage: &str, script: Vec<String>) -> GitlabJob {
    let mut job = base_job(stage, image(DOCKER_IMAGE), script);
    job.services = vec![GitlabService { name: DOCKER_DIND.into(), alias: "docker".into() }];
    job.variables = IndexMap::from([
        ("DOCKER_HOST".to_string(), "tcp://docker:2376".to_string()),
        ("DOCKER_TLS_CERTDIR".to_string(), "/certs".to_string()),
        ("DOCKER_TLS_VERIFY".to_string(), "1".to_string()),
        ("DOCKER_CERT_PATH".to_string(), "/certs/client".to_string()),
    ]);
    job
}

/// Pins the digest in the overlays of `env_names` and pushes one commit;
/// passes the digest and the pinned commit on to the verification job.
fn gitops_job(plan: &Plan, service: &ServicePlan, stage: &str, env_names: &[&str], needs: &str) -> GitlabJob {
    let mut dirs = Vec::new();
    for target in ENVIRONMENTS.iter().filter(|e| env_names.contains(&e.name)) {
        dirs.push(layout::in_repo(plan, &layout::overlay_dir(plan, service, target)));
        if plan.delivery.gitops == GitopsTool::Flux && service.migration.is_some() {
            dirs.push(layout::in_repo(plan, &layout::migration_overlay_dir(plan, service, target)));
        }
    }
    let envs = env_names.join(" and ");
    let mut script = vec!["DIGEST=\"$(cat image-digest.txt)\"".to_string()];
    for dir in &dirs {
        script.push(format!("sed -i -E \"s#^( *)(newTag|digest): .*#\\1digest: $DIGEST#\" {dir}/kustomization.yaml"));
    }
    script.extend([
        "git config user.name \"gitlab-ci\"".to_string(),
        "git config user.email \"gitlab-ci@$CI_SERVER_HOST\"".to_string(),
        format!("git add {}", dirs.join(" ")),
        format!("git diff --cached --quiet || git commit -m \"deploy({}): {envs} to $DIGEST [skip ci]\"", service.name),
        "git push \"https://gitlab-ci:${GITOPS_TOKEN}@${CI_SERVER_HOST}/${CI_PROJECT_PATH}.git\" \"HEAD:$CI_COMMIT_BRANCH\"".to_string(),
        "git rev-parse HEAD > pinned-revision.txt".to_string(),
    ]);
    let mut job = base_job(stage, image_without_entrypoint(GIT_IMAGE), script);
    job.needs = vec![GitlabNeed { job: needs.to_string(), artifacts: true }];
    job.resource_group = Some(format!("{}-{}", service.name, env_names.last().copied().unwrap_or("env")));
    job.rules = vec![default_branch_rule()];
    job.artifacts = Some(GitlabArtifacts {
        paths: vec!["image-digest.txt".into(), "pinned-revision.txt".into()],
        reports: IndexMap::new(),
        expire_in: "30 days".into(),
    });
    job
}

/// Minutes a verification job waits for the new digest to serve.
const ROLLOUT_WAIT_MINUTES: u32 = 40;

/// Confirms the pinned digest is the one serving (every running pod runs
/// it), then requests the health path. For Argo CD's prod, first syncs
/// the Application to the pinned commit: prod has no automated sync.
fn verify_job(
    plan: &Plan,
    service: &ServicePlan,
    stage: &str,
    env_name: &str,
    url_variable: &str,
    needs: &str,
) -> GitlabJob {
    let (path, fail) = match &service.health_path.value {
        Some(path) => (path.clone(), "--fail "),
        None => ("/".to_string(), ""),
    };
    let target = ENVIRONMENTS.iter().find(|e| e.name == env_name);
    let namespace = target.map_or_else(|| env_name.to_string(), |e| layout::namespace(plan, e));
    let mut script = Vec::new();
    if !service.is_worker() {
        script
            .push(format!("test -n \"${url_variable}\" || (echo \"set the CI/CD variable {url_variable}\" && exit 1)"));
    }
    script.extend([
        "test -n \"$KUBECONFIG_DATA\" || (echo \"set the CI/CD variable KUBECONFIG_DATA (a read-only kubeconfig) for this environment\" && exit 1)".to_string(),
        "DIGEST=\"$(cat image-digest.txt)\"".to_string(),
    ]);
    if target.is_some_and(|e| !e.automated) && plan.delivery.gitops == GitopsTool::Argocd {
        script.extend([
            "test -n \"$ARGOCD_SERVER\" && test -n \"$ARGOCD_AUTH_TOKEN\" || (echo \"set the CI/CD variables ARGOCD_SERVER and ARGOCD_AUTH_TOKEN\" && exit 1)".to_string(),
            format!(
                "curl --fail --silent --show-error --retry 5 --retry-all-errors -X POST -H \"Authorization: Bearer $ARGOCD_AUTH_TOKEN\" -H \"Content-Type: application/json\" -d \"{{\\\"revision\\\":\\\"$(cat pinned-revision.txt)\\\",\\\"prune\\\":true}}\" \"$ARGOCD_SERVER/api/v1/applications/{}-{env_name}/sync\" > /dev/null",
                service.name
            ),
        ]);
    }
    script.extend([
        "printf '%s' \"$KUBECONFIG_DATA\" > \"$CI_PROJECT_DIR/kubeconfig\" && export KUBECONFIG=\"$CI_PROJECT_DIR/kubeconfig\"".to_string(),
        format!(
            "ok=\"\"; for attempt in $(seq 1 {attempts}); do ids=\"$(kubectl -n {namespace} get pods -l app.kubernetes.io/name={name} -o jsonpath='{{range .items[?(@.status.phase==\"Running\")]}}{{.status.containerStatuses[0].imageID}}{{\"\\n\"}}{{end}}')\"; if [ -n \"$ids\" ] && ! printf '%s\\n' \"$ids\" | grep -v -q \"@$DIGEST\\$\"; then ok=1; break; fi; sleep 20; done; [ -n \"$ok\" ] || (echo \"$DIGEST is not the digest serving in {namespace}\" && exit 1)",
            attempts = ROLLOUT_WAIT_MINUTES * 3,
            name = service.name,
        ),
    ]);
    // A worker answers nothing: its new pods must stay up without a restart.
    script.push(if service.is_worker() {
        format!(
            "sleep {seconds}; restarts=\"$(kubectl -n {namespace} get pods -l app.kubernetes.io/name={name} -o jsonpath='{{range .items[*]}}{{.status.containerStatuses[0].restartCount}}{{\"\\n\"}}{{end}}' | awk '{{s += $1}} END {{print s + 0}}')\"; [ \"$restarts\" -eq 0 ] || (echo \"{name} restarted $restarts time(s) in {namespace}\" && exit 1)",
            seconds = super::github_actions::WORKER_STAY_UP_SECONDS,
            name = service.name,
        )
    } else {
        format!("curl {fail}--silent --show-error --output /dev/null --write-out '%{{http_code}}\\n' --retry 30 --retry-delay 20 --retry-all-errors --max-time 10 \"${url_variable}{path}\"")
    });
    let mut job = base_job(stage, image_without_entrypoint(KUBECTL_IMAGE), script);
    job.timeout = format!("{}m", ROLLOUT_WAIT_MINUTES + 10);
    job.needs = vec![GitlabNeed { job: needs.to_string(), artifacts: true }];
    job.rules = vec![default_branch_rule()];
    let environment = if env_name == "prod" { "production" } else { env_name };
    job.environment = Some(GitlabEnvironment {
        name: environment.into(),
        deployment_tier: environment.into(),
        action: Some("verify".into()),
    });
    job
}

pub(crate) fn pipeline(plan: &Plan) -> Pipeline {
    let mut jobs = IndexMap::new();
    for service in &plan.services {
        let name = |job: &str| job_name(plan, service, job);
        let ci = &service.ci;
        let context = layout::in_repo(plan, &service.dir);
        let image_name = layout::image(plan, service);

        let mut build = ci.install.clone();
        if let Some(command) = &service.build_command {
            build.push(command.value.clone());
        }
        if build.is_empty() {
            build.push("echo nothing to build before packaging".into());
        }
        jobs.insert(name("build"), stack_job(plan, service, "build", &build));
        // No tests found: no test job that would pass on nothing (the plan warns).
        if !ci.test.is_empty() {
            let mut test = ci.install.clone();
            test.extend(ci.test.iter().cloned());
            jobs.insert(name("test"), stack_job(plan, service, "test", &test));
        }
        let mut audit = ci.install.clone();
        audit.extend(ci.audit.iter().cloned());
        jobs.insert(name("dependency-audit"), stack_job(plan, service, "security", &audit));
        let mut sast = base_job(
            "security",
            image_without_entrypoint(actions::SEMGREP_IMAGE),
            vec![format!("semgrep scan --config p/default --error --metrics off {context}")],
        );
        sast.allow_failure = Some(false);
        jobs.insert(name("sast"), sast);
        let mut secrets = base_job(
            "security",
            image_without_entrypoint(actions::GITLEAKS_IMAGE),
            vec!["gitleaks dir . --redact --exit-code 1".into()],
        );
        secrets.allow_failure = Some(false);
        jobs.insert(name("secret-scan"), secrets);
        let mut container_scan = docker_job("security", Vec::new());
        container_scan.script = vec![
            format!("docker build --tag \"scan-target:$CI_COMMIT_SHA\" {}", layout::docker_build_args(plan, service)),
            "docker save \"scan-target:$CI_COMMIT_SHA\" -o image.tar".into(),
            format!(
                "docker run --rm -v \"$PWD/image.tar:/image.tar:ro\" {} image --input /image.tar --exit-code 1 --severity HIGH,CRITICAL --ignore-unfixed",
                actions::TRIVY_IMAGE
            ),
        ];
        container_scan.allow_failure = Some(false);
        jobs.insert(name("container-scan"), container_scan);

        let mut package = docker_job(
            "package",
            vec![
                "echo \"$CI_REGISTRY_PASSWORD\" | docker login --username \"$CI_REGISTRY_USER\" --password-stdin \"$CI_REGISTRY\"".into(),
                "docker buildx create --use".into(),
                format!(
                    "docker buildx build --push --provenance=mode=max --sbom=true --metadata-file build.json --tag \"$IMAGE:$CI_COMMIT_SHA\" {}",
                    layout::docker_build_args(plan, service)
                ),
                "sed -n 's/.*\"containerimage.digest\": *\"\\([^\"]*\\)\".*/\\1/p' build.json > image-digest.txt".into(),
                "DIGEST=\"$(cat image-digest.txt)\"".into(),
                format!("docker run --rm -v \"$HOME/.docker:/docker:ro\" -e DOCKER_CONFIG=/docker {} \"$IMAGE@$DIGEST\" -o spdx-json > sbom.spdx.json", actions::SYFT_IMAGE),
                "docker run --rm -v \"$HOME/.docker:/docker:ro\" -v \"$PWD:/work\" -e DOCKER_CONFIG=/docker -e SIGSTORE_ID_TOKEN gcr.io/projectsigstore/cosign:v2.4.1 sign --yes \"$IMAGE@$DIGEST\"".into(),
                "docker run --rm -v \"$HOME/.docker:/docker:ro\" -v \"$PWD:/work\" -e DOCKER_CONFIG=/docker -e SIGSTORE_ID_TOKEN gcr.io/projectsigstore/cosign:v2.4.1 attest --yes --type spdxjson --predicate /work/sbom.spdx.json \"$IMAGE@$DIGEST\"".into(),
            ],
        );
        package.variables.insert("IMAGE".into(), image_name);
        package.id_tokens = IndexMap::from([("SIGSTORE_ID_TOKEN".to_string(), IdToken { aud: "sigstore".into() })]);
        package.needs = ["test", "dependency-audit", "sast", "secret-scan", "container-scan"]
            .iter()
            .filter(|j| **j != "test" || !ci.test.is_empty())
            .map(|j| GitlabNeed { job: name(j), artifacts: false })
            .collect();
        package.rules = vec![default_branch_rule()];
        package.artifacts = Some(GitlabArtifacts {
            paths: vec!["image-digest.txt".into(), "sbom.spdx.json".into()],
            reports: IndexMap::new(),
            expire_in: "30 days".into(),
        });
        jobs.insert(name("package"), package);

        let mut staging = gitops_job(plan, service, "deploy-staging", &["dev", "staging"], &name("package"));
        staging.environment =
            Some(GitlabEnvironment { name: "staging".into(), deployment_tier: "staging".into(), action: None });
        jobs.insert(name("deploy-staging"), staging);
        jobs.insert(
            name("integration-test"),
            verify_job(plan, service, "integration-test", "staging", "STAGING_URL", &name("deploy-staging")),
        );
        let mut production = gitops_job(plan, service, "deploy-production", &["prod"], &name("package"));
        production.needs.push(GitlabNeed { job: name("integration-test"), artifacts: false });
        production.environment =
            Some(GitlabEnvironment { name: "production".into(), deployment_tier: "production".into(), action: None });
        production.rules = vec![GitlabRule { when: Some("manual".into()), ..default_branch_rule() }];
        production.allow_failure = Some(false);
        jobs.insert(name("deploy-production"), production);
        jobs.insert(
            name("verify"),
            verify_job(plan, service, "verify", "prod", "PRODUCTION_URL", &name("deploy-production")),
        );
    }
    Pipeline {
        workflow: GitlabWorkflow {
            rules: vec![
                GitlabRule {
                    condition: Some("$CI_COMMIT_MESSAGE =~ /\\[skip ci\\]/".into()),
                    changes: Vec::new(),
                    when: Some("never".into()),
                },
                GitlabRule {
                    condition: Some("$CI_PIPELINE_SOURCE == \"merge_request_event\"".into()),
                    changes: Vec::new(),
                    when: None,
                },
                default_branch_rule(),
            ],
        },
        stages: STAGES.iter().map(|s| (*s).to_string()).collect(),
        variables: IndexMap::from([("GIT_DEPTH".to_string(), "20".to_string())]),
        default: GitlabDefault {
            interruptible: true,
            retry: GitlabRetry { max: 1, when: vec!["runner_system_failure".into()] },
        },
        jobs,
    }
}

pub(crate) fn files(plan: &Plan) -> Vec<GeneratedFile> {
    vec![GeneratedFile { path: ".gitlab-ci.yml".into(), contents: yaml(&pipeline(plan)) }]
}
