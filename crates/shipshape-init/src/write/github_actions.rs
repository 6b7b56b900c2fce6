//! The GitHub Actions pipeline of a service: build → test → security scan →
//! package (push by digest, SBOM, keyless signature) → deploy staging →
//! integration test → approval + deploy production → verify.
//!
//! Deploys are GitOps: a job pins the new digest in the environment's
//! overlay and pushes that commit; Argo CD or Flux applies it.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use shipshape_models::ci::*;

use super::actions::{self, PinnedAction};
use super::layout::{self, ENVIRONMENTS};
use super::{yaml, GeneratedFile};
use crate::plan::{GitopsTool, Plan, ServicePlan, Stack};

const RUNNER: &str = "ubuntu-24.04";

fn perms(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect()
}

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    perms(pairs)
}

fn uses(name: &str, action: &PinnedAction, with: &[(&str, &str)]) -> Step {
    Step {
        name: name.into(),
        uses: Some(action.uses()),
        with: with.iter().map(|(k, v)| ((*k).to_string(), input_value(v))).collect(),
        ..Step::default()
    }
}

/// `true`/`false` as booleans, everything else as a string.
fn input_value(value: &str) -> serde_json::Value {
    match value {
        "true" => serde_json::Value::Bool(true),
        "false" => serde_json::Value::Bool(false),
        other => serde_json::Value::String(other.to_string()),
    }
}

fn run(name: &str, script: impl Into<String>) -> Step {
    Step { name: name.into(), run: Some(script.into()), ..Step::default() }
}

fn checkout() -> Step {
    uses("Check out", &actions::CHECKOUT, &[("persist-credentials", "false")])
}

/// The folder the service's commands run in, from the repository's top.
fn working_dir(plan: &Plan, service: &ServicePlan) -> String {
    layout::in_repo(plan, &service.dir)
}

/// Runs `commands` in the service's CI image, from the service folder.
fn in_ci_image(plan: &Plan, service: &ServicePlan, commands: &[String]) -> String {
    let script = commands.join(" && ");
    format!(
        "docker run --rm -v \"$PWD:/work\" -w \"/work/{dir}\" \"{image}\" sh -ec '{script}'",
        dir = working_dir(plan, service).trim_start_matches("./").trim_start_matches('.'),
        image = service.ci.image,
        script = script.replace('\'', "'\\''"),
    )
}

fn cache_step(plan: &Plan, service: &ServicePlan) -> Step {
    let dir = working_dir(plan, service);
    let keys: Vec<String> = service.ci.cache_key_files.iter().map(|f| format!("'{}'", join_path(&dir, f))).collect();
    // Relative cache folders live in the service folder CI mounts into its containers.
    let paths: Vec<String> = service
        .ci
        .cache_paths
        .iter()
        .map(|p| if p.starts_with(['~', '/']) { p.clone() } else { join_path(&dir, p) })
        .collect();
    uses(
        "Cache dependencies",
        &actions::CACHE,
        &[
            ("path", &paths.join("\n")),
            (
                "key",
                &format!("{}-{}-${{{{ hashFiles({}) }}}}", service.name, service.stack.value.as_str(), keys.join(", ")),
            ),
        ],
    )
}

fn join_path(dir: &str, file: &str) -> String {
    if dir == "." {
        file.to_string()
    } else {
        format!("{dir}/{file}")
    }
}

fn job(name: &str, needs: &[&str], permissions: &[(&str, &str)], steps: Vec<Step>) -> Job {
    Job {
        name: name.into(),
        needs: needs.iter().map(|n| (*n).to_string()).collect(),
        runs_on: RUNNER.into(),
        timeout_minutes: 30,
        permissions: perms(permissions),
        steps,
        ..Job::default()
    }
}

fn on_main(plan: &Plan) -> String {
    format!("github.event_name == 'push' && github.ref == 'refs/heads/{}'", plan.delivery.default_branch.value)
}

/// Pins the pushed digest in the overlays of `env_names` and pushes that one commit.
fn gitops_update(plan: &Plan, service: &ServicePlan, env_names: &[&str]) -> Step {
    let mut dirs = Vec::new();
    for target in ENVIRONMENTS.iter().filter(|e| env_names.contains(&e.name)) {
        dirs.push(layout::in_repo(plan, &layout::overlay_dir(plan, service, target)));
        if plan.delivery.gitops == GitopsTool::Flux && service.migration.is_some() {
            dirs.push(layout::in_repo(plan, &layout::migration_overlay_dir(plan, service, target)));
        }
    }
    let mut script = String::from("set -eu\n");
    for dir in &dirs {
        script.push_str(&format!("(cd {dir} && kustomize edit set image \"$IMAGE=$IMAGE@$DIGEST\")\n"));
    }
    let envs = env_names.join(" and ");
    script.push_str(&format!(
        "git config user.name \"github-actions[bot]\"\n\
         git config user.email \"41898282+github-actions[bot]@users.noreply.github.com\"\n\
         git add {files}\n\
         if ! git diff --cached --quiet; then\n\
         \x20 git commit -m \"deploy({name}): {envs} to $DIGEST\"\n\
         \x20 git remote set-url origin \"https://x-access-token:$GITHUB_TOKEN@github.com/$GITHUB_REPOSITORY.git\"\n\
         \x20 pushed=\"\"\n\
         \x20 for attempt in 1 2 3; do\n\
         \x20   if git pull --rebase origin \"$BRANCH\" && git push origin \"HEAD:$BRANCH\"; then pushed=1; break; fi\n\
         \x20   sleep $((attempt * 5))\n\
         \x20 done\n\
         \x20 [ -n \"$pushed\" ] || exit 1\n\
         fi\n\
         echo \"revision=$(git rev-parse HEAD)\" >> \"$GITHUB_OUTPUT\"\n",
        files = dirs.join(" "),
        name = service.name,
    ));
    Step {
        id: Some("pin".into()),
        name: format!("Pin the digest in the {envs} overlays"),
        env: env(&[
            ("DIGEST", "${{ needs.package.outputs.digest }}"),
            ("GITHUB_TOKEN", "${{ secrets.GITHUB_TOKEN }}"),
            ("BRANCH", &plan.delivery.default_branch.value),
        ]),
        run: Some(script),
        ..Step::default()
    }
}

/// Syncs Argo CD's prod Application to the commit the approved job pinned,
/// through Argo CD's API (prod has no automated sync).
fn argocd_sync(service: &ServicePlan, env_name: &str) -> Step {
    Step {
        name: "Sync the environment in Argo CD to the pinned commit".into(),
        env: env(&[
            ("ARGOCD_SERVER", "${{ vars.ARGOCD_SERVER }}"),
            ("ARGOCD_AUTH_TOKEN", "${{ secrets.ARGOCD_AUTH_TOKEN }}"),
            ("REVISION", "${{ steps.pin.outputs.revision }}"),
            ("APP", &format!("{}-{env_name}", service.name)),
        ]),
        run: Some(
            "set -eu\n\
             if [ -z \"$ARGOCD_SERVER\" ] || [ -z \"$ARGOCD_AUTH_TOKEN\" ]; then echo \"::error::set the variable ARGOCD_SERVER and the environment secret ARGOCD_AUTH_TOKEN\"; exit 1; fi\n\
             curl --fail --silent --show-error --retry 5 --retry-all-errors -X POST \\\n\
             \x20 -H \"Authorization: Bearer $ARGOCD_AUTH_TOKEN\" -H \"Content-Type: application/json\" \\\n\
             \x20 -d \"{\\\"revision\\\":\\\"$REVISION\\\",\\\"prune\\\":true}\" \\\n\
             \x20 \"$ARGOCD_SERVER/api/v1/applications/$APP/sync\" > /dev/null\n\
             echo \"$APP syncing to $REVISION\"\n"
                .to_string(),
        ),
        ..Step::default()
    }
}

/// Minutes a deploy job waits for the new digest to serve: a canary walks
/// its steps and analysis first.
const ROLLOUT_WAIT_MINUTES: u32 = 40;

/// Waits until every running pod of the service in the environment runs
/// the pushed digest, with the environment's read-only kubeconfig secret.
fn digest_wait(plan: &Plan, service: &ServicePlan, env_name: &str) -> Step {
    let namespace = ENVIRONMENTS
        .iter()
        .find(|e| e.name == env_name)
        .map_or_else(|| env_name.to_string(), |e| layout::namespace(plan, e));
    let attempts = ROLLOUT_WAIT_MINUTES * 3;
    Step {
        name: "Wait until the new digest is the one serving".into(),
        env: env(&[
            ("DIGEST", "${{ needs.package.outputs.digest }}"),
            ("KUBECONFIG_DATA", "${{ secrets.KUBECONFIG }}"),
            ("NAMESPACE", &namespace),
            ("APP", &service.name),
        ]),
        run: Some(format!(
            "set -eu\n\
             if [ -z \"$KUBECONFIG_DATA\" ]; then echo \"::error::set the environment secret KUBECONFIG (read-only access to $NAMESPACE)\"; exit 1; fi\n\
             export KUBECONFIG=\"$RUNNER_TEMP/kubeconfig\"\n\
             printf '%s' \"$KUBECONFIG_DATA\" > \"$KUBECONFIG\"\n\
             ids=\"\"\n\
             for attempt in $(seq 1 {attempts}); do\n\
             \x20 ids=\"$(kubectl -n \"$NAMESPACE\" get pods -l \"app.kubernetes.io/name=$APP\" -o jsonpath='{{range .items[?(@.status.phase==\"Running\")]}}{{.status.containerStatuses[0].imageID}}{{\"\\n\"}}{{end}}')\"\n\
             \x20 if [ -n \"$ids\" ] && ! printf '%s\\n' \"$ids\" | grep -v -q \"@$DIGEST\\$\"; then echo \"every running pod serves $DIGEST (attempt $attempt)\"; exit 0; fi\n\
             \x20 sleep 20\n\
             done\n\
             echo \"::error::$DIGEST is not the digest serving in $NAMESPACE after {ROLLOUT_WAIT_MINUTES} minutes\"\n\
             printf '%s\\n' \"$ids\"\n\
             exit 1\n"
        )),
        ..Step::default()
    }
}

/// Seconds a worker's new pods must run without a restart after they serve.
pub(crate) const WORKER_STAY_UP_SECONDS: u32 = 120;

/// A worker answers nothing: after the new digest runs, its pods must stay
/// up (no restart) for a while.
fn stays_up(plan: &Plan, service: &ServicePlan, env_name: &str) -> Step {
    let namespace = ENVIRONMENTS
        .iter()
        .find(|e| e.name == env_name)
        .map_or_else(|| env_name.to_string(), |e| layout::namespace(plan, e));
    Step {
        name: "Check that the new pods stay up".into(),
        env: env(&[("NAMESPACE", &namespace), ("APP", &service.name)]),
        run: Some(format!(
            "set -eu
             export KUBECONFIG=\"$RUNNER_TEMP/kubeconfig\"\n\
             sleep {WORKER_STAY_UP_SECONDS}\n\
             restarts=\"$(kubectl -n \"$NAMESPACE\" get pods -l \"app.kubernetes.io/name=$APP\" -o jsonpath='{{range .items[*]}}{{.status.containerStatuses[0].restartCount}}{{\"\\n\"}}{{end}}' | awk '{{s += $1}} END {{print s + 0}}')\"\n\
             if [ \"$restarts\" -gt 0 ]; then echo \"::error::$APP restarted $restarts time(s) in $NAMESPACE\"; exit 1; fi\n\
             echo \"$APP ran {WORKER_STAY_UP_SECONDS}s without a restart\"\n"
        )),
        ..Step::default()
    }
}

/// The path verification requests: the health path, or, for a service
/// probed over TCP, the root (any answer, even 404, shows it serves).
fn verify_path(service: &ServicePlan) -> (String, &'static str) {
    match &service.health_path.value {
        Some(path) => (path.clone(), "--fail "),
        None => ("/".to_string(), ""),
    }
}

/// The image's build arguments from the repository variables of the same
/// name, else the Dockerfile's defaults.
fn build_arg_env(service: &ServicePlan) -> BTreeMap<String, String> {
    service
        .image
        .build_args
        .iter()
        .map(|(name, default)| (name.clone(), layout::github_variable_or(name, default)))
        .collect()
}

/// Waits until the environment serves the health endpoint.
fn health_poll(service: &ServicePlan, url_var: &str) -> Step {
    let (path, fail) = verify_path(service);
    Step {
        name: "Wait until the new version is healthy".into(),
        env: env(&[("BASE_URL", &format!("${{{{ vars.{url_var} }}}}")), ("HEALTH_PATH", &path)]),
        run: Some(format!(
            "set -eu\n\
             if [ -z \"$BASE_URL\" ]; then echo \"::error::set the repository variable with the environment's URL\"; exit 1; fi\n\
             curl {fail}--silent --show-error --output /dev/null --write-out '%{{http_code}}\\n' --retry 30 --retry-delay 20 --retry-all-errors --max-time 10 \"$BASE_URL$HEALTH_PATH\"\n"
        )),
        ..Step::default()
    }
}

pub(crate) fn workflow(plan: &Plan, service: &ServicePlan) -> Workflow {
    let dir = working_dir(plan, service);
    let paths = if plan.services.len() > 1 || plan.delivery.repo_dir != "." {
        vec![
            format!("{}/**", dir),
            format!("{}/**", layout::in_repo(plan, &layout::deploy_dir(plan, service))),
            format!(".github/workflows/{}.yml", service.name),
        ]
    } else {
        Vec::new()
    };
    let branch = plan.delivery.default_branch.value.clone();
    let mut jobs = IndexMap::new();
    let ci = &service.ci;

    let mut build_steps = vec![checkout(), cache_step(plan, service)];
    let mut build_commands = ci.install.clone();
    if let Some(build) = &service.build_command {
        build_commands.push(build.value.clone());
    }
    if !build_commands.is_empty() {
        build_steps.push(run("Install and build", in_ci_image(plan, service, &build_commands)));
    }
    jobs.insert("build".to_string(), job("Build", &[], &[("contents", "read")], build_steps));

    // No tests found: no test job that would pass on nothing (the plan warns).
    if !ci.test.is_empty() {
        let mut test_commands = ci.install.clone();
        test_commands.extend(ci.test.iter().cloned());
        jobs.insert(
            "test".to_string(),
            job(
                "Test",
                &["build"],
                &[("contents", "read")],
                vec![
                    checkout(),
                    cache_step(plan, service),
                    run("Run the tests", in_ci_image(plan, service, &test_commands)),
                ],
            ),
        );
    }

    let context = if dir == "." { ".".to_string() } else { dir.clone() };
    let mut audit = ci.install.clone();
    audit.extend(ci.audit.iter().cloned());
    jobs.insert(
        "security-scan".to_string(),
        job(
            "Security scan",
            &["build"],
            &[("contents", "read")],
            vec![
                checkout(),
                run("Dependency audit (fails on high and critical)", in_ci_image(plan, service, &audit)),
                run(
                    "Static analysis (Semgrep)",
                    format!("docker run --rm -v \"$PWD:/src\" -w /src {} semgrep scan --config p/default --error --metrics off {context}", actions::SEMGREP_IMAGE),
                ),
                run(
                    "Secret scan (gitleaks)",
                    format!("docker run --rm -v \"$PWD:/repo\" {} dir /repo --redact --exit-code 1", actions::GITLEAKS_IMAGE),
                ),
                Step {
                    env: build_arg_env(service),
                    ..run(
                        "Build the image for scanning",
                        format!("docker build --tag scan-target:${{GITHUB_SHA}} {}", layout::docker_build_args(plan, service)),
                    )
                },
                run(
                    "Container scan (Trivy, fails on high and critical)",
                    format!(
                        "docker run --rm -v /var/run/docker.sock:/var/run/docker.sock {} image --exit-code 1 --severity HIGH,CRITICAL --ignore-unfixed \"scan-target:$GITHUB_SHA\"",
                        actions::TRIVY_IMAGE
                    ),
                ),
            ],
        ),
    );

    let image = layout::image(plan, service);
    let gates: &[&str] = if ci.test.is_empty() { &["security-scan"] } else { &["test", "security-scan"] };
    let build_context = layout::build_context(plan, service);
    let tags = format!("{image}:${{{{ github.sha }}}}");
    let mut build_push: Vec<(&str, &str)> = vec![
        ("context", &build_context),
        ("push", "true"),
        ("tags", &tags),
        ("provenance", "mode=max"),
        ("sbom", "true"),
    ];
    let dockerfile = layout::dockerfile_outside_context(plan, service);
    if let Some(file) = &dockerfile {
        build_push.insert(1, ("file", file));
    }
    let build_args: String = build_arg_env(service).iter().map(|(name, value)| format!("{name}={value}\n")).collect();
    if !build_args.is_empty() {
        build_push.push(("build-args", &build_args));
    }
    let mut package = job(
        "Package, sign and attest",
        gates,
        &[("contents", "read"), ("packages", "write"), ("id-token", "write")],
        vec![
            checkout(),
            uses("Set up Buildx", &actions::SETUP_BUILDX, &[("cache-binary", "false")]),
            uses(
                "Log in to the registry",
                &actions::DOCKER_LOGIN,
                &[
                    ("registry", registry_host(&image)),
                    ("username", "${{ github.actor }}"),
                    ("password", "${{ secrets.GITHUB_TOKEN }}"),
                ],
            ),
            Step { id: Some("build".into()), ..uses("Build and push by digest", &actions::BUILD_PUSH, &build_push) },
            uses("Install cosign", &actions::COSIGN_INSTALLER, &[]),
            Step {
                name: "Sign the image (keyless) and attest its SBOM".into(),
                env: env(&[("DIGEST", "${{ steps.build.outputs.digest }}")]),
                run: Some(format!(
                    "set -eu\n\
                     cosign sign --yes \"$IMAGE@$DIGEST\"\n\
                     docker run --rm {syft} \"$IMAGE@$DIGEST\" -o spdx-json > sbom.spdx.json\n\
                     cosign attest --yes --type spdxjson --predicate sbom.spdx.json \"$IMAGE@$DIGEST\"\n",
                    syft = actions::SYFT_IMAGE
                )),
                ..Step::default()
            },
            uses(
                "Keep the SBOM",
                &actions::UPLOAD_ARTIFACT,
                &[("name", &format!("{}-sbom", service.name)), ("path", "sbom.spdx.json")],
            ),
        ],
    );
    package.condition = Some(on_main(plan));
    package.outputs = BTreeMap::from([("digest".to_string(), "${{ steps.build.outputs.digest }}".to_string())]);
    jobs.insert("package".to_string(), package);

    let deploy = |name: &str, needs: &[&str], environment: &str, pinned: &[&str], url_var: &str| {
        let serving = pinned.last().copied().unwrap_or(environment);
        let mut steps = vec![checkout(), gitops_update(plan, service, pinned)];
        let manual_sync = ENVIRONMENTS.iter().any(|e| e.name == serving && !e.automated);
        if manual_sync && plan.delivery.gitops == GitopsTool::Argocd {
            steps.push(argocd_sync(service, serving));
        }
        steps.push(digest_wait(plan, service, serving));
        if service.is_worker() {
            steps.push(stays_up(plan, service, serving));
        }
        let mut job = job(name, needs, &[("contents", "write")], steps);
        job.timeout_minutes = ROLLOUT_WAIT_MINUTES + 10;
        job.environment =
            Some(Environment { name: environment.into(), url: Some(format!("${{{{ vars.{url_var} }}}}")) });
        job.concurrency = Some(Concurrency {
            group: format!("deploy-{}-{environment}", service.name),
            cancel_in_progress: BoolOrExpr::Bool(false),
        });
        job.condition = Some(on_main(plan));
        job
    };
    jobs.insert(
        "deploy-staging".to_string(),
        deploy("Deploy to dev and staging (GitOps)", &["package"], "staging", &["dev", "staging"], "STAGING_URL"),
    );
    // A worker has no URL to request: its deploy jobs check that the new
    // pods stay up instead.
    let staged = if service.is_worker() { "deploy-staging" } else { "integration-test" };
    if !service.is_worker() {
        let mut smoke =
            job("Integration test on staging", &["deploy-staging"], &[], vec![health_poll(service, "STAGING_URL")]);
        smoke.condition = Some(on_main(plan));
        jobs.insert("integration-test".to_string(), smoke);
    }
    jobs.insert(
        "deploy-production".to_string(),
        deploy(
            "Approve and deploy to production (GitOps)",
            &["package", staged],
            "production",
            &["prod"],
            "PRODUCTION_URL",
        ),
    );
    if !service.is_worker() {
        let mut verify =
            job("Verify production", &["deploy-production"], &[], vec![health_poll(service, "PRODUCTION_URL")]);
        verify.condition = Some(on_main(plan));
        jobs.insert("verify".to_string(), verify);
    }

    Workflow {
        name: format!("{} delivery", service.name),
        on: Triggers {
            push: Some(BranchFilter { branches: vec![branch.clone()], paths: paths.clone() }),
            pull_request: Some(BranchFilter { branches: vec![branch], paths }),
            workflow_dispatch: Some(BTreeMap::new()),
        },
        permissions: BTreeMap::new(),
        concurrency: Concurrency {
            group: "${{ github.workflow }}-${{ github.ref }}".into(),
            cancel_in_progress: BoolOrExpr::Expr("${{ github.event_name == 'pull_request' }}".into()),
        },
        env: BTreeMap::from([("IMAGE".to_string(), image)]),
        jobs,
    }
}

fn registry_host(image: &str) -> &str {
    image.split('/').next().unwrap_or(image)
}

/// Why a job holds each write permission.
const PERMISSION_REASONS: &[(&str, &str)] = &[
    ("contents: write", "push the commit that pins the new digest in the overlay"),
    ("packages: write", "push the image to the registry"),
    ("id-token: write", "keyless signing with Sigstore (OIDC)"),
    ("contents: read", "check out the repository"),
];

/// Appends `# vX.Y.Z` after every pinned `uses:` and the reason after
/// every permission.
fn with_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 256);
    for line in text.lines() {
        out.push_str(line);
        let trimmed = line.trim_start().trim_start_matches("- ");
        if let Some(version) = trimmed.strip_prefix("uses: ").and_then(actions::version_of) {
            out.push_str(" # ");
            out.push_str(version);
        } else if let Some((_, reason)) = PERMISSION_REASONS.iter().find(|(p, _)| trimmed == *p) {
            out.push_str(" # ");
            out.push_str(reason);
        }
        out.push('\n');
    }
    out
}

/// Dependabot keeps base images (and their digests), actions and
/// dependencies current.
fn dependabot(plan: &Plan) -> Dependabot {
    let update = |ecosystem: &str, directory: &str| DependabotUpdate {
        package_ecosystem: ecosystem.into(),
        directory: directory.into(),
        schedule: DependabotSchedule { interval: "weekly".into() },
        cooldown: DependabotCooldown { default_days: 7 },
    };
    let mut updates = vec![update("github-actions", "/")];
    for service in &plan.services {
        let dir = layout::in_repo(plan, &service.dir);
        let directory = if dir == "." { "/".to_string() } else { format!("/{dir}") };
        updates.push(update("docker", &directory));
        let ecosystem = match service.stack.value {
            Stack::Node => "npm",
            Stack::Python => "pip",
            Stack::Go => "gomod",
            Stack::Rust => "cargo",
            Stack::Java if service.package_manager.value.starts_with("gradle") => "gradle",
            Stack::Java => "maven",
            Stack::Dotnet => "nuget",
            Stack::Ruby => "bundler",
            Stack::Php => "composer",
        };
        updates.push(update(ecosystem, &directory));
    }
    Dependabot { version: 2, updates }
}

pub(crate) fn files(plan: &Plan) -> Vec<GeneratedFile> {
    let mut files: Vec<GeneratedFile> = plan
        .services
        .iter()
        .map(|service| GeneratedFile {
            path: format!(".github/workflows/{}.yml", service.name),
            contents: with_comments(&yaml(&workflow(plan, service))),
        })
        .collect();
    files.push(GeneratedFile { path: ".github/dependabot.yml".into(), contents: yaml(&dependabot(plan)) });
    files
}
