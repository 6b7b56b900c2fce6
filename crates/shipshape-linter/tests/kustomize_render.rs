//! Compares the native Kustomize render with `kubectl kustomize` on the
//! shared corpus's kustomizations: the same objects (apiVersion, kind,
//! namespace, name), and for objects both have, the same images and
//! replicas. Kustomizations kubectl cannot build offline (remote bases,
//! Helm charts, files the corpus left out) are skipped.
//!
//! Skips with a message when `../shared` or `kubectl` is absent.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use shipshape_linter::kustomize::render_files;
use shipshape_yaml::Node;

type Id = (String, String, String, String);

/// What is compared of one object: images, containers, replicas, labels,
/// selector, annotations and references.
#[derive(Debug, Default, PartialEq)]
struct Shape {
    images: Vec<String>,
    containers: Vec<String>,
    replicas: Option<String>,
    labels: Vec<(String, String)>,
    selector: Vec<(String, String)>,
    annotations: Vec<(String, String)>,
    /// Names this object refers to (config maps, secrets, accounts,
    /// roles, services, scale targets), generator hashes removed.
    references: Vec<String>,
}

/// Keys whose mapping value names another object in `name`.
const REFERENCE_PARENTS: &[&str] = &[
    "configMapRef",
    "secretRef",
    "configMapKeyRef",
    "secretKeyRef",
    "configMap",
    "scaleTargetRef",
    "roleRef",
    "service",
];

fn references_of(node: &Node, parent: &str, out: &mut Vec<String>) {
    for entry in node.as_mapping().unwrap_or(&[]) {
        let key = entry.key.as_str().unwrap_or_default();
        let names_object = (key == "name" && REFERENCE_PARENTS.contains(&parent))
            || matches!(key, "serviceAccountName" | "secretName" | "claimName" | "serviceName");
        if let (true, Some(value)) = (names_object, entry.value.as_str()) {
            out.push(format!("{key}={}", unhash(value)));
        }
        if key == "subjects" {
            for subject in entry.value.items() {
                out.push(format!(
                    "subject={}/{}",
                    subject.str_at(&["name"]).unwrap_or_default(),
                    subject.str_at(&["namespace"]).unwrap_or_default()
                ));
            }
        }
        references_of(&entry.value, key, out);
    }
    for item in node.items() {
        references_of(item, parent, out);
    }
}

/// A name without kustomize's content hash suffix (`-` and ten characters
/// of its alphabet).
fn unhash(name: &str) -> &str {
    match name.rsplit_once('-') {
        Some((stem, hash)) if hash.len() == 10 && hash.chars().all(|c| "2456789bcdfghkmt".contains(c)) => stem,
        _ => name,
    }
}

fn pairs(node: Option<&Node>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = node
        .map(|n| n.entries())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| Some((e.key.as_str()?.to_string(), e.value.as_str().unwrap_or_default().to_string())))
        .collect();
    out.sort();
    out
}

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    dir.join("INDEX.tsv").is_file().then_some(dir)
}

fn kubectl_available() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `kubectl kustomize DIR` with a time limit; `None` when it fails.
fn kubectl_kustomize(dir: &Path) -> Option<String> {
    let mut child =
        Command::new("kubectl").arg("kustomize").arg(dir).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().ok()?;
    let started = Instant::now();
    let mut stdout = child.stdout.take()?;
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut out).ok().map(|_| out)
    });
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let out = reader.join().ok().flatten()?;
                return status.success().then_some(out);
            }
            Ok(None) if started.elapsed() > Duration::from_secs(30) => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(_) => return None,
        }
    }
}

/// Images, and containers with the names of their env variables and ports.
fn containers_of(node: &Node, images: &mut Vec<String>, containers: &mut Vec<String>) {
    for entry in node.as_mapping().unwrap_or(&[]) {
        if matches!(entry.key.as_str(), Some("containers" | "initContainers")) {
            for container in entry.value.items() {
                if let Some(image) = container.str_at(&["image"]) {
                    images.push(image.to_string());
                }
                let names = |key: &str, field: &str| -> Vec<String> {
                    let items = container.get(key).map(Node::items).unwrap_or(&[]);
                    items.iter().filter_map(|i| i.str_at(&[field]).map(str::to_string)).collect()
                };
                containers.push(format!(
                    "{} env={} ports={} args={}",
                    container.str_at(&["name"]).unwrap_or_default(),
                    names("env", "name").join(","),
                    names("ports", "containerPort").join(","),
                    container.get("args").map_or(0, |a| a.items().len()),
                ));
            }
        }
        containers_of(&entry.value, images, containers);
    }
    for item in node.items() {
        containers_of(item, images, containers);
    }
}

fn shape_of(root: &Node) -> Shape {
    let (mut images, mut containers) = (Vec::new(), Vec::new());
    containers_of(root, &mut images, &mut containers);
    images.sort();
    containers.sort();
    let selector = root.path(&["spec", "selector", "matchLabels"]).or_else(|| root.path(&["spec", "selector"]));
    Shape {
        images,
        containers,
        replicas: root.str_at(&["spec", "replicas"]).map(str::to_string),
        labels: pairs(root.path(&["metadata", "labels"])),
        selector: pairs(selector),
        annotations: pairs(root.path(&["metadata", "annotations"])),
        references: {
            let mut out = Vec::new();
            references_of(root, "", &mut out);
            out.sort();
            out
        },
    }
}

fn id_of(root: &Node) -> Option<Id> {
    Some((
        root.str_at(&["apiVersion"])?.to_string(),
        root.str_at(&["kind"])?.to_string(),
        root.str_at(&["metadata", "namespace"]).unwrap_or_default().to_string(),
        root.str_at(&["metadata", "name"]).unwrap_or_default().to_string(),
    ))
}

/// A ConfigMap or Secret name without kustomize's content hash suffix.
fn without_hash(id: &Id) -> Option<Id> {
    if id.1 != "ConfigMap" && id.1 != "Secret" {
        return None;
    }
    let stem = unhash(&id.3);
    (stem.len() < id.3.len()).then(|| (id.0.clone(), id.1.clone(), id.2.clone(), stem.to_string()))
}

/// The references kustomize rewrites to hashed names, unhashed, so images
/// and replicas compare; names elsewhere are not compared.
fn kubectl_objects(output: &str) -> BTreeMap<Id, Shape> {
    let parsed = shipshape_yaml::parse(output);
    parsed.documents.iter().filter_map(|d| Some((id_of(&d.root)?, shape_of(&d.root)))).collect()
}

/// How one kustomization compared.
struct Comparison {
    same_objects: bool,
    same_shapes: bool,
    row: String,
}

/// Renders `dir` both ways; `None` when kubectl cannot build it.
fn compare(files: &[(String, String)], root: &Path, dir: &str, label: &str) -> Option<Comparison> {
    let output = kubectl_kustomize(&root.join(dir))?;
    let theirs = kubectl_objects(&output);
    let ours: BTreeMap<Id, Shape> = render_files(files, Some(root), dir)
        .iter()
        .filter_map(|o| Some((id_of(&o.root)?, shape_of(&o.root))))
        .collect();
    let mut missing = Vec::new();
    let mut matched: Vec<(&Id, &Id)> = Vec::new();
    for id in theirs.keys() {
        if ours.contains_key(id) {
            matched.push((id, id));
        } else if let Some(stem) = without_hash(id).and_then(|s| ours.get_key_value(&s).map(|(k, _)| k)) {
            matched.push((id, stem));
        } else {
            missing.push(format!("{}/{} {}", id.1, id.3, id.2));
        }
    }
    let matched_ours: BTreeSet<&Id> = matched.iter().map(|(_, o)| *o).collect();
    let extra: Vec<String> =
        ours.keys().filter(|id| !matched_ours.contains(id)).map(|id| format!("{}/{} {}", id.1, id.3, id.2)).collect();
    let shape_diffs: Vec<String> = matched
        .iter()
        .filter_map(|(t, o)| {
            let (a, b) = (theirs.get(*t)?, ours.get(*o)?);
            (a != b).then(|| format!("{}/{}:\n        kubectl {:?}\n        ours    {:?}", t.1, t.3, a, b))
        })
        .collect();
    let same_objects = missing.is_empty() && extra.is_empty();
    let same_shapes = same_objects && shape_diffs.is_empty();
    let status = if same_shapes {
        "same"
    } else if same_objects {
        "same objects"
    } else {
        "DIFF"
    };
    let mut row = format!("{status:<13} {:>4} {:>4}  {label}", theirs.len(), ours.len());
    for (what, list) in [("missing", &missing), ("extra", &extra), ("shape", &shape_diffs)] {
        for item in list.iter().take(4) {
            row.push_str(&format!("\n      {what}: {item}"));
        }
    }
    Some(Comparison { same_objects, same_shapes, row })
}

/// Kustomization folders (not components, which build only inside another).
fn kustomization_dirs(files: &[(String, String)]) -> Vec<String> {
    files
        .iter()
        .filter(|(p, t)| p.ends_with("kustomization.yaml") && !t.contains("kind: Component"))
        .map(|(p, _)| p.rsplit_once('/').map_or("", |(d, _)| d).to_string())
        .collect()
}

/// Self-made cases for what the corpus builds too rarely offline:
/// components, every patch form, generators, labels and references.
#[test]
fn native_render_matches_kubectl_on_own_cases() {
    if !kubectl_available() {
        eprintln!("skipped: kubectl is not installed");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kustomize-render");
    let files = shipshape_testkit::read_tree(&root);
    let dirs = kustomization_dirs(&files);
    assert!(dirs.len() >= 5, "the render cases are missing");
    let mut failures = Vec::new();
    for dir in &dirs {
        let comparison = compare(&files, &root, dir, dir).unwrap_or_else(|| panic!("kubectl cannot build {dir}"));
        eprintln!("{}", comparison.row);
        if !comparison.same_shapes {
            failures.push(dir.clone());
        }
    }
    assert!(failures.is_empty(), "renders differ from kubectl: {failures:?}");
}

#[test]
fn native_render_matches_kubectl_kustomize() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: ../shared/corpus is absent");
        return;
    };
    if !kubectl_available() {
        eprintln!("skipped: kubectl is not installed");
        return;
    }
    let index = std::fs::read_to_string(corpus.join("INDEX.tsv")).unwrap_or_default();
    let mut by_repo: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in index.lines().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        if let [repo, path, "kustomize", ..] = fields.as_slice() {
            let dir = path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
            by_repo.entry(repo.to_string()).or_default().push(dir);
        }
    }
    let (mut total, mut skipped, mut same_set, mut same_shape) = (0, 0, 0, 0);
    let mut rows = Vec::new();
    for (repo, dirs) in &by_repo {
        let root = corpus.join(repo);
        let files = shipshape_testkit::read_tree(&root);
        for dir in dirs {
            total += 1;
            let Some(comparison) = compare(&files, &root, dir, &format!("{repo}/{dir}")) else {
                skipped += 1;
                continue;
            };
            same_set += usize::from(comparison.same_objects);
            same_shape += usize::from(comparison.same_shapes);
            rows.push(comparison.row);
        }
    }
    let compared = total - skipped;
    eprintln!("status        kubectl ours  kustomization");
    for row in &rows {
        eprintln!("{row}");
    }
    eprintln!(
        "\nkustomizations: {total}; kubectl could not build {skipped} offline; compared {compared}: \
         same objects {same_set}, same objects and fields {same_shape}"
    );
    assert!(compared >= 50 || total == 0, "too few kustomizations compared: {compared}");
    assert!(same_set * 100 >= compared * 95, "object sets differ too often: {same_set}/{compared}");
    assert!(same_shape * 100 >= compared * 90, "compared fields differ too often: {same_shape}/{compared}");
}

/// A well-built set of kustomizations (base, component, overlays with
/// images, generators, patches and a pinned remote base) gives no warning
/// or error with every rule on by default, rendered or not.
#[test]
fn clean_kustomizations_have_no_warnings_or_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kustomize-clean");
    let files = shipshape_testkit::read_tree(&root);
    assert!(files.len() >= 8, "the clean set is missing");
    let outcome = shipshape_linter::lint_sources(&shipshape_linter::LintSettings::new("clean"), files);
    let serious: Vec<String> = outcome
        .findings
        .iter()
        .filter(|f| f.severity >= shipshape_linter::Severity::Warning)
        .map(|f| format!("{}:{}: {} [{}] {}", f.path, f.line, f.severity, f.rule, f.message))
        .collect();
    assert!(serious.is_empty(), "clean kustomizations got findings:\n{}", serious.join("\n"));
}

/// Rendering through the engine survives cycles, self-inclusion and
/// kustomizations of odd shapes.
#[test]
fn odd_kustomization_sets_do_not_panic() {
    let files: Vec<(String, String)> = [
        ("a/kustomization.yaml", "resources: [../b, ., x.yaml]\npatches: [{path: p.yaml}]\n"),
        ("b/kustomization.yaml", "resources: [../a]\ncomponents: [../b]\nimages: [{name: x, newTag: '1'}]\n"),
        ("a/x.yaml", "apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: ConfigMap, metadata: {name: x}}]\n"),
        ("a/p.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n"),
        ("c/kustomization.yaml", "kind: Component\nresources: 3\npatches: [{patch: '- op: add'}]\n"),
        ("d/Kustomization", "resources: [../a, ../c]\nnamespace: d\nnamePrefix: p-\n"),
    ]
    .iter()
    .map(|(p, t)| (p.to_string(), t.to_string()))
    .collect();
    let outcome = shipshape_linter::lint_sources(&shipshape_linter::LintSettings::new("odd"), files);
    assert!(outcome.files_scanned == 6);
}

/// Findings on rendered objects land where each field was written: the
/// base line, the patch line that set a field, the kustomization entry
/// that set a value; a base defect is reported once however many overlays
/// render it, and a defect only some overlays have says which.
#[test]
fn findings_land_where_fields_were_written() {
    let files: Vec<(String, String)> = [
        ("base/kustomization.yaml", "resources: [deploy.yaml]\n"),
        (
            "base/deploy.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      hostNetwork: true\n      containers:\n        - name: web\n          image: registry.example.com/web:1.0.0\n          securityContext:\n            privileged: false\n",
        ),
        (
            "prod/kustomization.yaml",
            "resources: [../base]\nimages:\n  - name: registry.example.com/web\n    newTag: latest\npatches:\n  - path: privileged.yaml\n",
        ),
        (
            "prod/privileged.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          securityContext:\n            privileged: true\n            allowPrivilegeEscalation: false\n",
        ),
        ("dev/kustomization.yaml", "resources: [../base]\nnamePrefix: dev-\n"),
    ]
    .iter()
    .map(|(p, t)| (p.to_string(), t.to_string()))
    .collect();
    let mut settings = shipshape_linter::LintSettings::new("positions");
    settings.select(&[
        "host-namespace-shared",
        "latest-image-tag",
        "privileged-container",
        "privilege-escalation-allowed",
    ]);
    let outcome = shipshape_linter::lint_sources(&settings, files);
    let found: Vec<String> = outcome.findings.iter().map(|f| format!("{} {}:{}", f.rule, f.path, f.line)).collect();
    // The base's hostNetwork, once for both overlays.
    assert_eq!(found.iter().filter(|f| f.starts_with("host-namespace-shared")).count(), 1, "{found:?}");
    assert!(found.contains(&"host-namespace-shared base/deploy.yaml:12".to_string()), "{found:?}");
    // The tag set by `newTag`, and the flag set by the patch.
    assert!(found.contains(&"latest-image-tag prod/kustomization.yaml:4".to_string()), "{found:?}");
    assert!(found.contains(&"privileged-container prod/privileged.yaml:11".to_string()), "{found:?}");
    // Only dev lacks `allowPrivilegeEscalation: false`: the base line, naming dev.
    assert!(found.contains(&"privilege-escalation-allowed base/deploy.yaml:14".to_string()), "{found:?}");
    let escalation = outcome.findings.iter().find(|f| f.rule == "privilege-escalation-allowed");
    assert!(escalation.is_some_and(|f| f.message.ends_with("(only in the kustomize build of `dev`)")), "{found:?}");
}

/// A kubebuilder layout: `config/default` patches the manager Deployment
/// of `config/manager`, one patch is switched off in a comment, one
/// matches nothing. Patch files are audited through the render only: a
/// patch is never checked as a whole object (it has no selector, no
/// image), and what a patch sets is still reported on the patch line.
#[test]
fn kustomize_patches_are_audited_through_the_render_only() {
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: controller-manager\n  namespace: system\nspec:\n  selector:\n    matchLabels: {control-plane: controller-manager}\n  template:\n    metadata:\n      labels: {control-plane: controller-manager}\n    spec:\n      containers:\n        - name: manager\n          image: controller:1.0.0\n";
    let patch = |extra: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {extra}\n  namespace: system\nspec:\n  template:\n    spec:\n      containers:\n        - name: manager\n          ports:\n            - containerPort: \"9443\"\n          securityContext:\n            privileged: true\n"
        )
    };
    let files: Vec<(String, String)> = [
        ("config/manager/kustomization.yaml", "resources: [manager.yaml]\n".to_string()),
        ("config/manager/manager.yaml", deployment.to_string()),
        (
            "config/default/kustomization.yaml",
            "namespace: op-system\nresources:\n- ../manager\npatches:\n- path: manager_auth_proxy_patch.yaml\n- path: manager_stale_patch.yaml\n#- path: manager_webhook_patch.yaml\n#  target:\n#    kind: Deployment\n"
                .to_string(),
        ),
        ("config/default/manager_auth_proxy_patch.yaml", patch("controller-manager")),
        ("config/default/manager_stale_patch.yaml", patch("renamed-manager")),
        ("config/default/manager_webhook_patch.yaml", patch("controller-manager")),
    ]
    .iter()
    .map(|(p, t)| (p.to_string(), t.clone()))
    .collect();
    let outcome = shipshape_linter::lint_sources(&shipshape_linter::LintSettings::new("kubebuilder"), files);
    let found: Vec<String> = outcome.findings.iter().map(|f| format!("{} {}:{}", f.rule, f.path, f.line)).collect();
    let on = |path: &str| found.iter().filter(|f| f.contains(&format!(" {path}:"))).cloned().collect::<Vec<_>>();
    // Never checked as whole objects.
    for path in ["config/default/manager_stale_patch.yaml", "config/default/manager_webhook_patch.yaml"] {
        let whole: Vec<String> = on(path).into_iter().filter(|f| !f.starts_with("patch-target-not-found")).collect();
        assert!(whole.is_empty(), "{path}: {whole:?}");
    }
    assert!(!found.iter().any(|f| f.starts_with("workload-selector-mismatch")), "{found:?}");
    // The applied patch's fields, through the render.
    let applied = on("config/default/manager_auth_proxy_patch.yaml");
    assert!(
        applied.contains(&"privileged-container config/default/manager_auth_proxy_patch.yaml:14".to_string()),
        "{found:?}"
    );
    assert!(applied.iter().any(|f| f.starts_with("invalid-field-type")), "{found:?}");
    // The stale patch is a note of the render.
    assert!(found.contains(&"patch-target-not-found config/default/kustomization.yaml:6".to_string()), "{found:?}");
}
