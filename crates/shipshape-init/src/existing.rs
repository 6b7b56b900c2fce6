//! Delivery files already in the repository. `init` keeps them (`--force`
//! replaces those at its own paths) and says, for each, what the rest of
//! the kit assumes of it and whether the kept file meets it. Files are
//! found and classified the way `check` does, and read with its parsers.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use shipshape_dockerfile::{Args, Dockerfile, Instruction};
use shipshape_linter::discovery::{self, DiscoveryOptions, FileKind};
use shipshape_linter::roles::{self, YamlRole};
use shipshape_yaml::Node;

use crate::plan::{Assumption, KeptFile, Origin, Plan, ServicePlan, Verdict};
use crate::write::{self, layout};

/// Larger files are not delivery files anyone keeps by hand.
const MAX_BYTES: u64 = 1 << 20;

/// Folders of dependencies and build output: never the repository's own files.
const SKIPPED_DIRS: &[&str] = &["node_modules", "vendor", "target", ".venv", "venv", ".shipshape", ".git"];

fn assumption(assumes: impl Into<String>, verdict: Verdict, detail: impl Into<String>) -> Assumption {
    Assumption { assumes: assumes.into(), verdict, detail: detail.into() }
}

/// The delivery files under `root` (the folder `init` writes from) that the
/// kit keeps; with `replace` the ones at the kit's own paths are left out,
/// since `--force` replaces them.
pub(crate) fn kept_files(root: &Path, plan: &Plan, replace: bool) -> Vec<KeptFile> {
    let kit: BTreeMap<String, String> = write::kit(plan).into_iter().map(|f| (f.path, f.contents)).collect();
    let exclude = globset::GlobSet::empty();
    let Ok(found) = discovery::discover(root, &DiscoveryOptions { respect_ignore_files: true, exclude: &exclude })
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for file in found.files {
        let rel = file.relative.as_str();
        if rel.split('/').any(|part| SKIPPED_DIRS.contains(&part)) {
            continue;
        }
        if std::fs::metadata(&file.path).map_or(true, |m| m.len() > MAX_BYTES) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&file.path) else { continue };
        let kit_path = match kit.get(rel) {
            Some(contents) if *contents == text => continue,
            Some(_) if replace => continue,
            Some(_) => true,
            None => false,
        };
        let kept = match file.kind {
            FileKind::Dockerfile => owner(plan, rel, "Dockerfile").map(|s| kept_dockerfile(plan, s, rel, &text)),
            FileKind::Yaml => kept_yaml(plan, rel, &text, kit_path),
            FileKind::Text => {
                owner(plan, rel, ".dockerignore").filter(|_| kit_path).map(|s| kept_dockerignore(s, rel, &text))
            }
        };
        out.extend(kept);
    }
    out
}

/// The service whose kit file called `name` sits at `rel`.
fn owner<'p>(plan: &'p Plan, rel: &str, name: &str) -> Option<&'p ServicePlan> {
    plan.services.iter().find(|s| service_file(plan, s, name) == rel)
}

/// The path from the repository top of the kit file `name` in a service's folder.
fn service_file(plan: &Plan, service: &ServicePlan, name: &str) -> String {
    let prefix = if service.dir == "." { String::new() } else { format!("{}/", service.dir) };
    layout::in_repo(plan, &format!("{prefix}{name}"))
}

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

fn folder(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn kit_reason(what: &str) -> String {
    format!("init would write this path ({what}); kept as it is: `--force` replaces it and keeps a backup")
}

/// The reason of a kept file at a kit path, saying when an earlier `init` wrote it.
fn kit_file_reason(what: &str, text: &str) -> String {
    if text.contains(write::KIT_MARKER) {
        format!("written by an earlier `shipshape init` and changed since; {}", kit_reason(what))
    } else {
        kit_reason(what)
    }
}

// ---- Dockerfile ----

/// 1-based line of a byte offset.
fn line_at(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(1, |head| head.matches('\n').count() + 1)
}

fn final_stage_instructions(dockerfile: &Dockerfile) -> Vec<&Instruction> {
    dockerfile
        .final_stage()
        .map(|stage| dockerfile.instructions.get(stage.instructions.clone()).unwrap_or(&[]).iter().collect())
        .unwrap_or_default()
}

fn last<'a>(instructions: &[&'a Instruction], keyword: &str) -> Option<&'a Instruction> {
    instructions.iter().rev().find(|i| i.keyword == keyword).copied()
}

fn words(instruction: &Instruction) -> Vec<String> {
    instruction.words().into_iter().map(|w| w.value).collect()
}

/// The values `ARG` defaults and `ENV` give variables by the end of the
/// final stage, to read `EXPOSE $PORT` as the port it names.
fn final_stage_variables(dockerfile: &Dockerfile, stage: &[&Instruction]) -> HashMap<String, String> {
    let mut vars: HashMap<String, String> = dockerfile
        .global_arg_defaults
        .iter()
        .filter_map(|(name, value)| value.clone().map(|v| (name.clone(), v)))
        .collect();
    for instruction in stage.iter().filter(|i| i.keyword == "ARG" || i.keyword == "ENV") {
        for (key, value) in instruction.key_values() {
            if let Some(value) = value {
                let expanded = shipshape_dockerfile::expand(&value.value, &|n| vars.get(n).cloned());
                vars.insert(key.value, expanded.unwrap_or(value.value));
            }
        }
    }
    vars
}

fn kept_dockerfile(plan: &Plan, service: &ServicePlan, rel: &str, text: &str) -> KeptFile {
    let dockerfile = shipshape_dockerfile::parse(text);
    let stage = final_stage_instructions(&dockerfile);
    let vars = final_stage_variables(&dockerfile, &stage);
    let words = |i: &Instruction| -> Vec<String> {
        words(i).into_iter().map(|w| shipshape_dockerfile::expand(&w, &|n| vars.get(n).cloned()).unwrap_or(w)).collect()
    };
    let at = |i: &Instruction| format!("line {}", line_at(text, i.span.start));
    let port = service.port.value;
    let uid = service.image.uid;
    let mut assumptions = Vec::new();

    let exposed: Vec<(&Instruction, String)> = stage
        .iter()
        .filter(|i| i.keyword == "EXPOSE")
        .flat_map(|i| words(i).into_iter().map(move |w| (*i, w)))
        .collect();
    let listens = format!("it listens on port {port} (the Service, probes and Ingress send traffic there)");
    assumptions.push(match exposed.iter().find(|(_, w)| w.split('/').next() == Some(&port.to_string())) {
        Some((i, _)) => assumption(listens, Verdict::Met, format!("EXPOSE {port} ({})", at(i))),
        None => match exposed.first() {
            Some((i, w)) => assumption(
                listens,
                Verdict::NotMet,
                format!(
                    "EXPOSE {w} ({}); set `port` under [[init.services]] in shipshape.toml if the app listens there",
                    at(i)
                ),
            ),
            None => assumption(listens, Verdict::Unchecked, "no EXPOSE in the final stage"),
        },
    });

    let runs_as = format!("it runs as the non-root UID {uid} (the pods set runAsNonRoot and runAsUser {uid})");
    assumptions.push(match last(&stage, "USER") {
        None => assumption(runs_as, Verdict::NotMet, "no USER in the final stage: the image runs as root"),
        Some(i) => {
            let user = words(i).first().and_then(|w| w.split(':').next().map(str::to_string)).unwrap_or_default();
            match user.parse::<u32>() {
                Ok(0) => assumption(runs_as, Verdict::NotMet, format!("USER {user} ({}) is root", at(i))),
                Ok(n) if n == uid => assumption(runs_as, Verdict::Met, format!("USER {user} ({})", at(i))),
                Ok(_) => assumption(
                    runs_as,
                    Verdict::NotMet,
                    format!("USER {user} ({}): the pods run it as {uid}, which may not own the files the image gives {user}", at(i)),
                ),
                Err(_) => assumption(
                    runs_as,
                    Verdict::Unchecked,
                    format!("USER {user} ({}) is a name: the pods run as UID {uid}; make it numeric and equal", at(i)),
                ),
            }
        }
    });

    let probe = match &service.health_path.value {
        Some(path) => format!("it answers GET {path} on port {port} (readiness and liveness probes)"),
        None => format!("it accepts TCP connections on port {port} (the probes)"),
    };
    assumptions.push(match (last(&stage, "HEALTHCHECK"), &service.health_path) {
        (Some(i), _) if !words(i).first().is_some_and(|w| w.eq_ignore_ascii_case("NONE")) => {
            assumption(probe, Verdict::Met, format!("HEALTHCHECK ({})", at(i)))
        }
        (_, health) if health.origin == Origin::Detected && health.value.is_some() => {
            let from = health.evidence.first().map(|e| match e.line {
                Some(line) => format!("{}:{line}", e.file),
                None => e.file.clone(),
            });
            assumption(probe, Verdict::Met, format!("no HEALTHCHECK; the route is in {}", from.unwrap_or_default()))
        }
        _ => assumption(probe, Verdict::Unchecked, "no HEALTHCHECK and no route found in the code"),
    });

    let workdir = &service.image.workdir;
    let mounts: Vec<&str> = service.image.writable_dirs.iter().map(String::as_str).collect();
    let writes = format!(
        "its working directory is {workdir} and it writes only to {} (the root filesystem is read-only; those are emptyDir volumes)",
        mounts.join(", ")
    );
    // Only mounts under the working directory, and the migration Job, rest on it.
    let relies_on_workdir = service.migration.is_some()
        || mounts.iter().any(|m| workdir != "/" && m.starts_with(workdir.trim_end_matches('/')));
    assumptions.push(match last(&stage, "WORKDIR") {
        Some(i) if words(i).first().is_some_and(|w| w.trim_end_matches('/') == workdir.trim_end_matches('/')) => {
            assumption(
                writes,
                Verdict::Unchecked,
                format!("WORKDIR {workdir} ({}); what it writes is not visible here", at(i)),
            )
        }
        Some(i) if !relies_on_workdir => assumption(
            writes,
            Verdict::Unchecked,
            format!("WORKDIR {} ({}); what it writes is not visible here", words(i).join(" "), at(i)),
        ),
        None if !relies_on_workdir => {
            assumption(writes, Verdict::Unchecked, "no WORKDIR; what it writes is not visible here")
        }
        Some(i) => assumption(writes, Verdict::NotMet, format!("WORKDIR {} ({})", words(i).join(" "), at(i))),
        None => assumption(writes, Verdict::NotMet, "no WORKDIR in the final stage"),
    });

    let start: Vec<String> = [last(&stage, "ENTRYPOINT"), last(&stage, "CMD")]
        .into_iter()
        .flatten()
        .flat_map(|i| match &i.args {
            Args::Exec(words) => words.iter().map(|w| w.value.clone()).collect::<Vec<_>>(),
            Args::Shell(_) => vec!["/bin/sh".to_string(), "-c".to_string(), words(i).join(" ")],
        })
        .collect();
    let starts = format!(
        "it starts the app on its own (the manifests set no command; plan: `{}`)",
        service.image.command.join(" ")
    );
    assumptions.push(if start.is_empty() {
        assumption(starts, Verdict::NotMet, "no ENTRYPOINT or CMD in the final stage")
    } else if start == service.image.command {
        assumption(starts, Verdict::Met, format!("starts `{}`", start.join(" ")))
    } else {
        assumption(starts, Verdict::Unchecked, format!("starts `{}`", start.join(" ")))
    });

    if let Some(migration) = &service.migration {
        assumptions.push(assumption(
            format!("the migration Job can run `{}` in this image", migration.value.command.join(" ")),
            Verdict::Unchecked,
            format!("`{}` must exist in the final stage", migration.value.command.first().cloned().unwrap_or_default()),
        ));
    }
    let built_by = if plan.delivery.ci.is_empty() { "" } else { "; the kit's CI builds and pushes it" };
    KeptFile {
        file: rel.to_string(),
        kind: "Dockerfile".into(),
        reason: format!("{}{built_by}", kit_file_reason(&format!("the image of `{}`", service.name), text)),
        assumptions,
    }
}

fn kept_dockerignore(service: &ServicePlan, rel: &str, text: &str) -> KeptFile {
    let patterns: BTreeSet<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.trim_start_matches('/').trim_end_matches('/'))
        .collect();
    let missing: Vec<&str> = [".git", ".env"].into_iter().filter(|p| !patterns.contains(p)).collect();
    let secrets = "it keeps `.git` and `.env` out of the build context";
    let mut assumptions = vec![if missing.is_empty() {
        assumption(secrets, Verdict::Met, "both listed")
    } else {
        assumption(secrets, Verdict::NotMet, format!("not listed: {}", missing.join(", ")))
    }];
    let needed: Vec<&str> = service
        .image
        .dependency_files
        .iter()
        .map(String::as_str)
        .filter(|f| patterns.contains(f.trim_start_matches("./")))
        .collect();
    let copies = "it keeps the files the build copies first (lockfiles, manifests)";
    assumptions.push(if service.image.dependency_files.is_empty() {
        assumption(copies, Verdict::Met, "the build copies the whole context")
    } else if needed.is_empty() {
        assumption(copies, Verdict::Met, format!("none of {} is excluded", service.image.dependency_files.join(", ")))
    } else {
        assumption(copies, Verdict::NotMet, format!("excludes {}", needed.join(", ")))
    });
    KeptFile {
        file: rel.to_string(),
        kind: ".dockerignore".into(),
        reason: kit_file_reason(&format!("the build context of `{}`", service.name), text),
        assumptions,
    }
}

// ---- YAML ----

/// Every string scalar under `node`, keys included.
fn strings<'a>(node: &'a Node, out: &mut Vec<&'a str>) {
    if let Some(text) = node.as_str() {
        out.push(text);
    }
    for item in node.items() {
        strings(item, out);
    }
    for entry in node.as_mapping().unwrap_or(&[]) {
        strings(&entry.key, out);
        strings(&entry.value, out);
    }
}

fn documents(text: &str) -> Vec<Node> {
    if shipshape_yaml::is_templated(text) {
        return Vec::new();
    }
    shipshape_yaml::parse(text).documents.into_iter().map(|d| d.root).collect()
}

fn is_compose_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.starts_with("docker-compose") || lower.starts_with("compose"))
        && (lower.ends_with(".yml") || lower.ends_with(".yaml"))
}

fn kept_yaml(plan: &Plan, rel: &str, text: &str, kit_path: bool) -> Option<KeptFile> {
    let role = roles::role_of_path(rel);
    let docs = documents(text);
    match role {
        YamlRole::GithubWorkflow | YamlRole::GitlabCi => Some(kept_pipeline(plan, rel, role, &docs, kit_path)),
        _ if kit_path => Some(KeptFile {
            file: rel.to_string(),
            kind: role.as_str().to_string(),
            reason: kit_reason("part of the kit"),
            assumptions: Vec::new(),
        }),
        YamlRole::Kustomization | YamlRole::Manifest if is_compose_name(file_name(rel)) => {
            Some(kept_compose(plan, rel, &docs))
        }
        YamlRole::Manifest if file_name(rel) == "Chart.yaml" => Some(KeptFile {
            file: rel.to_string(),
            kind: "Helm chart".into(),
            reason: "a Helm chart: the kit deploys with its Kustomize overlays instead".into(),
            assumptions: vec![assumption(
                "the chart is not installed in the kit's namespaces",
                Verdict::Unchecked,
                format!(
                    "installed beside the kit it would run the app twice (the kit's namespaces: {})",
                    kit_namespaces(plan)
                ),
            )],
        }),
        YamlRole::Kustomization | YamlRole::Manifest => kept_manifests(plan, rel, &docs),
        YamlRole::GithubAction | YamlRole::Dependabot => None,
    }
}

fn kit_namespaces(plan: &Plan) -> String {
    layout::ENVIRONMENTS.iter().map(|env| format!("`{}`", layout::namespace(plan, env))).collect::<Vec<_>>().join(", ")
}

/// Shell commands and actions that change a cluster directly.
const DEPLOYS: &[&str] = &[
    "kubectl apply",
    "kubectl set image",
    "kubectl rollout",
    "helm upgrade",
    "helm install",
    "kustomize build",
    "azure/k8s-deploy",
    "argocd app sync",
    "flux reconcile",
];

fn kept_pipeline(plan: &Plan, rel: &str, role: YamlRole, docs: &[Node], kit_path: bool) -> KeptFile {
    let mut all = Vec::new();
    for doc in docs {
        strings(doc, &mut all);
    }
    let text = all.join("\n").to_ascii_lowercase();
    let github = role == YamlRole::GithubWorkflow;
    let sha: &[&str] = if github { &["github.sha", "github_sha"] } else { &["ci_commit_sha"] };
    let mut assumptions = Vec::new();
    let replaced: Vec<&ServicePlan> = if !kit_path {
        Vec::new()
    } else if github {
        plan.services.iter().filter(|s| rel.ends_with(&format!("/{}.yml", s.name))).collect()
    } else {
        plan.services.iter().collect()
    };
    for service in &replaced {
        let image = layout::image(plan, service);
        let pushes =
            format!("it pushes `{image}` tagged with the commit SHA, the tag the kit's overlays are pinned to");
        assumptions.push(match (text.contains(&image.to_ascii_lowercase()), sha.iter().any(|s| text.contains(s))) {
            (true, true) => assumption(pushes, Verdict::Met, "names the image and the commit SHA"),
            (true, false) => assumption(pushes, Verdict::NotMet, "names the image but not the commit SHA"),
            (false, _) => assumption(pushes, Verdict::NotMet, format!("never names `{image}`")),
        });
        let overlays = format!("deploy/{}/overlays", service.name);
        let pins = "it pins the staging and prod overlays to the new image, which GitOps then deploys";
        assumptions.push(if text.contains(&overlays) {
            assumption(pins, Verdict::Met, format!("edits `{overlays}`"))
        } else {
            assumption(
                pins,
                Verdict::NotMet,
                format!("never touches `{overlays}`: GitOps keeps deploying the old image"),
            )
        });
    }
    if !kit_path {
        for service in &plan.services {
            let image = layout::image(plan, service);
            if text.contains(&image.to_ascii_lowercase()) {
                assumptions.push(assumption(
                    format!("only the kit's pipeline pushes `{image}`"),
                    Verdict::NotMet,
                    "this one names it too: both would push tags to the same repository",
                ));
            }
        }
        let deploys: Vec<&str> = DEPLOYS.iter().copied().filter(|d| text.contains(d)).collect();
        let gitops = "only GitOps changes the kit's namespaces";
        assumptions.push(if deploys.is_empty() {
            assumption(gitops, Verdict::Met, "deploys nothing itself")
        } else {
            assumption(
                gitops,
                Verdict::Unchecked,
                format!("runs `{}`: make sure it never targets {}", deploys.join("`, `"), kit_namespaces(plan)),
            )
        });
    }
    let reason =
        if kit_path { kit_reason("the kit's CI") } else { "runs beside the kit's CI, on the same events".to_string() };
    KeptFile { file: rel.to_string(), kind: role.as_str().to_string(), reason, assumptions }
}

/// `name[:tag]` of an image reference without registry and tag.
fn image_name(reference: &str) -> &str {
    let last = reference.rsplit('/').next().unwrap_or(reference);
    let last = last.split('@').next().unwrap_or(last);
    last.split(':').next().unwrap_or(last)
}

/// One name is the other, or holds it whole (`petclinic` in
/// `spring-petclinic`); short names such as `db` never match by part.
fn names_alike(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    a == b || (a.len().min(b.len()) >= 4 && (a.contains(&b) || b.contains(&a)))
}

fn kept_manifests(plan: &Plan, rel: &str, docs: &[Node]) -> Option<KeptFile> {
    let objects: Vec<shipshape_linter::K8sObject> =
        docs.iter().filter_map(|root| shipshape_linter::K8sObject::from_node(0, rel, root.clone())).collect();
    if objects.is_empty() {
        return None;
    }
    let mut assumptions = Vec::new();
    for service in &plan.services {
        for object in &objects {
            let Some(name) = object.name.as_deref() else { continue };
            let template = shipshape_linter::k8s::is_workload_kind(&object.kind)
                .then(|| object.spec().and_then(|s| s.path(&["template", "spec"])))
                .flatten();
            let containers = template.and_then(|t| t.get("containers")).map(Node::items).unwrap_or(&[]);
            let same_name = name == service.name;
            let relation = if same_name {
                "has the same name".to_string()
            } else if names_alike(name, &service.name) {
                format!("looks like the same app (`{name}`)")
            } else if let Some(image) = containers
                .iter()
                .filter_map(|c| c.str_at(&["image"]))
                .find(|image| names_alike(image_name(image), &service.name))
            {
                format!("runs `{image}`")
            } else {
                continue;
            };
            if shipshape_linter::k8s::LONG_RUNNING_KINDS.contains(&object.kind.as_str())
                || matches!(object.kind.as_str(), "Service" | "Ingress")
            {
                assumptions.push(assumption(
                    format!("nothing else runs `{}` in the kit's namespaces", service.name),
                    Verdict::Unchecked,
                    format!(
                        "{} here {relation}: applied to {} as well, the app would run beside the kit's own `{}`",
                        object.display_name(),
                        kit_namespaces(plan),
                        service.name
                    ),
                ));
            }
            for container in containers {
                let ports: Vec<i64> = container
                    .get("ports")
                    .map(Node::items)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|p| p.get("containerPort").and_then(Node::as_i64))
                    .collect();
                if ports.is_empty() {
                    continue;
                }
                let port = i64::from(service.port.value);
                let listens = format!("`{}` listens on port {port}", service.name);
                let seen = ports.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
                assumptions.push(if ports.contains(&port) {
                    assumption(
                        listens,
                        Verdict::Met,
                        format!("{} declares containerPort {seen}", object.display_name()),
                    )
                } else {
                    assumption(
                        listens,
                        Verdict::NotMet,
                        format!("{} declares containerPort {seen}", object.display_name()),
                    )
                });
            }
        }
    }
    let kinds: BTreeSet<String> = objects.iter().map(|o| o.display_name()).collect();
    Some(KeptFile {
        file: rel.to_string(),
        kind: "Kubernetes manifests".into(),
        reason: format!(
            "not part of the kit, which deploys from {} instead; holds {}",
            layout::in_repo(plan, "deploy/"),
            kinds.into_iter().collect::<Vec<_>>().join(", ")
        ),
        assumptions,
    })
}

/// The folder a compose `build` names, from the repository top.
fn compose_build_dir(compose_dir: &str, build: &Node) -> Option<String> {
    let context = build.as_str().or_else(|| build.str_at(&["context"]))?;
    let joined = if compose_dir.is_empty() { context.to_string() } else { format!("{compose_dir}/{context}") };
    Some(layout::normalized(&joined))
}

fn kept_compose(plan: &Plan, rel: &str, docs: &[Node]) -> KeptFile {
    let mut assumptions = Vec::new();
    let services = docs.first().and_then(|d| d.get("services")).and_then(Node::as_mapping).unwrap_or(&[]);
    for entry in services {
        let Some(compose_name) = entry.key.as_str() else { continue };
        let node = &entry.value;
        let build = node.get("build");
        let built_from = build.and_then(|b| compose_build_dir(folder(rel), b));
        // `build.dockerfile` is relative to the build context.
        let dockerfile = build.and_then(|b| b.str_at(&["dockerfile"])).zip(built_from.as_deref()).map(|(file, dir)| {
            layout::normalized(&if dir == "." { file.to_string() } else { format!("{dir}/{file}") })
        });
        let Some(service) = plan.services.iter().find(|s| {
            let kit_dockerfile = service_file(plan, s, "Dockerfile");
            match (&dockerfile, &built_from) {
                (Some(file), _) => *file == kit_dockerfile,
                (None, Some(dir)) => layout::in_repo(plan, &s.dir) == *dir,
                (None, None) => s.name == compose_name,
            }
        }) else {
            continue;
        };
        let port = service.port.value;
        let container_ports: Vec<String> = node
            .get("ports")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(|p| {
                p.as_str().map(str::to_string).or_else(|| p.get("target").and_then(Node::as_i64).map(|n| n.to_string()))
            })
            .filter_map(|p| p.rsplit(':').next().map(|c| c.split('/').next().unwrap_or(c).to_string()))
            .collect();
        if !container_ports.is_empty() {
            let listens = format!("`{}` listens on port {port}", service.name);
            assumptions.push(if container_ports.contains(&port.to_string()) {
                assumption(listens, Verdict::Met, format!("compose service `{compose_name}` publishes it"))
            } else {
                assumption(
                    listens,
                    Verdict::NotMet,
                    format!("compose service `{compose_name}` publishes container port {}", container_ports.join(", ")),
                )
            });
        }
        let environment: Vec<String> = match node.get("environment") {
            Some(env) if env.is_mapping() => {
                env.as_mapping().unwrap_or(&[]).iter().filter_map(|e| e.key.as_str().map(str::to_string)).collect()
            }
            Some(env) => env
                .items()
                .iter()
                .filter_map(|i| i.as_str().map(|s| s.split('=').next().unwrap_or(s).to_string()))
                .collect(),
            None => Vec::new(),
        };
        let known: BTreeSet<&str> = service
            .config_env
            .iter()
            .map(|v| v.value.name.as_str())
            .chain(service.secret_env.iter().map(|s| s.value.as_str()))
            .chain(service.image.env.iter().map(|(k, _)| k.as_str()))
            .collect();
        let missing: Vec<&str> = environment.iter().map(String::as_str).filter(|k| !known.contains(k)).collect();
        if !environment.is_empty() {
            let env =
                format!("the ConfigMap and ExternalSecret of `{}` hold every variable the app needs", service.name);
            assumptions.push(if missing.is_empty() {
                assumption(env, Verdict::Met, format!("compose sets nothing else ({})", environment.join(", ")))
            } else {
                assumption(
                    env,
                    Verdict::NotMet,
                    format!(
                        "compose service `{compose_name}` also sets {}: give the app those it needs (secrets in `secret-env` under [[init.services]] in shipshape.toml, settings in its ConfigMap)",
                        missing.join(", ")
                    ),
                )
            });
        }
    }
    KeptFile {
        file: rel.to_string(),
        kind: "Compose file".into(),
        reason: "for local runs; the kit neither reads nor replaces it".into(),
        assumptions,
    }
}
