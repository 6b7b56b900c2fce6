use super::*;

fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect()
}

#[test]
fn overlay_renders_base_with_transformers() {
    let files = files(&[
        ("base/kustomization.yaml", "resources: [deploy.yaml]\n"),
        (
            "base/deploy.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: 'nginx:1'}]\n",
        ),
        (
            "prod/kustomization.yaml",
            "resources: [../base]\nnamespace: prod\nnamePrefix: p-\nimages: [{name: nginx, newTag: '2'}]\nreplicas: [{name: web, count: 3}]\n",
        ),
    ]);
    let objects = render_files(&files, None, "prod");
    assert_eq!(objects.len(), 1);
    let o = &objects[0];
    assert_eq!(o.name(), Some("p-web"));
    assert_eq!(o.namespace(), Some("prod"));
    assert_eq!(o.root.str_at(&["spec", "replicas"]), Some("3"));
}

#[test]
fn subjects_follow_service_accounts() {
    let files = files(&[
        (
            "base/kustomization.yaml",
            "resources: [rbac.yaml]\n",
        ),
        (
            "base/rbac.yaml",
            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: web}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: web}\nsubjects:\n  - kind: ServiceAccount\n    name: web\n",
        ),
        ("dev/kustomization.yaml", "resources: [../base]\nnamespace: dev\n"),
    ]);
    let objects = render_files(&files, None, "dev");
    let binding = objects.iter().find(|o| o.kind() == Some("RoleBinding")).expect("test data");
    let subject = &binding.root.get("subjects").expect("test data").items()[0];
    assert_eq!(subject.str_at(&["namespace"]), Some("dev"));
}

/// Odd shapes, cycles and self-inclusion render without panicking.
#[test]
fn odd_kustomizations_do_not_panic() {
    let odd = [
        "resources: {a: b}\npatches: [x, {path: [1]}, {patch: 3}]\nimages: 7\nreplicas: [{name: web}]\n",
        "resources: [., ./, ../.., '']\ncomponents: [.]\nnamespace: [x]\nnamePrefix: {a: 1}\n",
        "patches:\n  - target: {kind: '('}\n    patch: '[{op: remove, path: /}, {op: add, path: /a/-/b, value: 1}, {op: move, from: /x, path: /y}]'\n",
        "patchesStrategicMerge: ['apiVersion: v1\\nkind: X\\nmetadata: {name: a}\\n$patch: delete']\npatchesJson6902: [{target: {}, path: ops.yaml}]\n",
        "configMapGenerator: [{name: c, behavior: merge, literals: [a, =b, c=]}, {literals: [x=y]}]\nsecretGenerator: 1\n",
        "commonLabels: [a]\nlabels: [{pairs: x}, 3]\ncommonAnnotations: {a: {b: c}}\nconfigurations: [k.yaml, 3]\n",
        "---\n- just\n- a list\n",
    ];
    for text in odd {
        let mut list = vec![
            ("a/kustomization.yaml".to_string(), text.to_string()),
            ("a/k.yaml".to_string(), "commonLabels: 1\n".to_string()),
            ("a/ops.yaml".to_string(), "{op: add}\n".to_string()),
            ("b/kustomization.yaml".to_string(), "resources: [../c]\n".to_string()),
            ("c/kustomization.yaml".to_string(), "resources: [../b, ../a]\n".to_string()),
        ];
        list.push(("a/x".to_string(), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n".to_string()));
        for dir in ["a", "b", "c", "missing"] {
            let _ = render_files(&list, None, dir);
        }
    }
}
