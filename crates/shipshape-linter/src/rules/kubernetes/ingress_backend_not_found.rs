use std::collections::HashSet;

use shipshape_yaml::Node;

use crate::context::{K8sObject, ObjectSet};
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an Ingress backend that does not resolve: a Service name that
    /// no Service in the scanned files has, or a port number or name that
    /// the named Service does not expose. Both `networking.k8s.io/v1`
    /// (`service.name`, `service.port`) and the older `serviceName` /
    /// `servicePort` forms are read. To stay quiet on partial scans, a
    /// missing Service is only reported when the Ingress's folder holds a
    /// Service that could be in its namespace, and ports are only compared
    /// with a Service from the same folder or explicit namespace. AWS load
    /// balancer actions (`port.name: use-annotation`) are skipped.
    ///
    /// ## Why is this bad?
    /// The ingress controller answers every request for that path with a
    /// 503 or 404, while every object applies cleanly. Usually a Service
    /// was renamed or its port changed and the Ingress was forgotten.
    ///
    /// ## Example
    /// ```yaml
    /// backend:
    ///   service:
    ///     name: web-frontend   # the Service is called `frontend`
    ///     port:
    ///       number: 80
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// backend:
    ///   service:
    ///     name: frontend
    ///     port:
    ///       number: 80
    /// ```
    pub struct IngressBackendNotFound {
        id: "ingress-backend-not-found",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Ingress routes to a Service or port that does not exist",
        kind: Defect,
    }
}

/// The backends of an Ingress: `(service name node, port node)`.
fn backends(spec: &Node) -> Vec<(&Node, Option<&Node>)> {
    let mut nodes: Vec<&Node> = ["defaultBackend", "backend"].iter().filter_map(|k| spec.get(k)).collect();
    for rule in spec.get("rules").map(Node::items).unwrap_or(&[]) {
        for path in rule.path(&["http", "paths"]).map(Node::items).unwrap_or(&[]) {
            nodes.extend(path.get("backend"));
        }
    }
    nodes
        .into_iter()
        .filter_map(|b| {
            if let Some(service) = b.get("service") {
                let port = service.get("port").and_then(|p| p.get("number").or_else(|| p.get("name")));
                Some((service.get("name")?, port))
            } else {
                Some((b.get("serviceName")?, b.get("servicePort")))
            }
        })
        .collect()
}

fn check_port(ingress: &K8sObject, service: &K8sObject, port: &Node, report: &mut Reporter<'_>) {
    let ports = service.root.path(&["spec", "ports"]).map(Node::items).unwrap_or(&[]);
    let text = port.as_str().unwrap_or("");
    let found = match port.as_i64().or_else(|| text.parse().ok()) {
        Some(number) => ports.iter().any(|p| p.get("port").and_then(Node::as_i64) == Some(number)),
        None if text.is_empty() || text.contains(['$', '{']) => true,
        None => ports.iter().any(|p| p.str_at(&["name"]) == Some(text)),
    };
    if !found && !ports.is_empty() {
        report.report(
            port.span,
            format!(
                "{} routes to port `{text}` of {}, which does not expose it; use one of the Service's ports",
                ingress.display_name(),
                service.display_name()
            ),
        );
    }
}

/// The folders that hold a Service, by kustomize build and namespace, so
/// that asking whether an Ingress's folder has one costs no scan.
#[derive(Default)]
struct ServiceFolders<'a> {
    any_namespace: HashSet<(&'a str, Option<u32>)>,
    unset_namespace: HashSet<(&'a str, Option<u32>)>,
    by_namespace: HashSet<(&'a str, Option<u32>, &'a str)>,
}

impl<'a> ServiceFolders<'a> {
    fn new(set: &'a ObjectSet) -> Self {
        let mut folders = Self::default();
        for service in set.of_kind("Service") {
            let key = (k8s::folder(service), service.kustomize.build);
            folders.any_namespace.insert(key);
            match &service.namespace {
                None => folders.unset_namespace.insert(key),
                Some(ns) => folders.by_namespace.insert((key.0, key.1, ns.as_str())),
            };
        }
        folders
    }

    /// True when a Service that may share `object`'s namespace and build lies in its folder.
    fn near(&self, object: &K8sObject) -> bool {
        let key = (k8s::folder(object), object.kustomize.build);
        self.unset_namespace.contains(&key)
            || match &object.namespace {
                None => self.any_namespace.contains(&key),
                Some(ns) => self.by_namespace.contains(&(key.0, key.1, ns.as_str())),
            }
    }
}

impl Rule for IngressBackendNotFound {
    fn check_objects(&self, set: &ObjectSet, report: &mut Reporter<'_>) {
        let folders = ServiceFolders::new(set);
        for ingress in set.of_kind("Ingress") {
            let Some(spec) = ingress.spec() else { continue };
            let folder_has_services = folders.near(ingress);
            for (name_node, port) in backends(spec) {
                let Some(name) = name_node.as_str().filter(|n| !n.contains(['$', '{'])) else { continue };
                // AWS load balancer controller actions are not Services.
                if port.and_then(Node::as_str) == Some("use-annotation") {
                    continue;
                }
                let named: Vec<&K8sObject> = set.named(ingress, "Service", name).collect();
                match named.iter().find(|s| k8s::related(ingress, s)) {
                    Some(service) => {
                        if let Some(port) = port {
                            check_port(ingress, service, port, report);
                        }
                    }
                    None if !named.is_empty() => {}
                    None if folder_has_services => report.report(
                        name_node.span,
                        format!(
                            "{} routes to Service `{name}`, which is not among the scanned files; fix the name",
                            ingress.display_name()
                        ),
                    ),
                    None => {}
                }
            }
        }
    }
}
