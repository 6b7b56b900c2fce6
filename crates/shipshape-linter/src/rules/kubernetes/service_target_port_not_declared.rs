use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::context::{K8sObject, ObjectSet};
use crate::declare_rule;
use crate::k8s;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a Service port whose `targetPort` (or `port`, when
    /// `targetPort` is unset) names a port that no container of any
    /// selected pod template names. A port number is not flagged: traffic
    /// reaches a container port whether or not `containerPort` declares it.
    /// Only pod templates read from the Service's folder or its explicit
    /// namespace are compared, so that two applications of a monorepo that
    /// share labels are not mixed up.
    ///
    /// ## Why is this bad?
    /// A named `targetPort` that no container declares gives the Service no
    /// endpoints for that port: connections fail although the pods are
    /// healthy.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   selector:
    ///     app: api
    ///   ports:
    ///     - port: 80
    ///       targetPort: web    # the container names its port `http`
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   selector:
    ///     app: api
    ///   ports:
    ///     - port: 80
    ///       targetPort: http
    /// ```
    pub struct ServiceTargetPortNotDeclared {
        id: "service-target-port-not-declared",
        severity: Warning,
        domains: [Kubernetes],
        summary: "Service targets a port the selected pods do not declare",
        kind: Defect,
    }
}

/// The ports the serving containers of the pods a Service selects declare.
#[derive(Default)]
struct DeclaredPorts<'a> {
    containers: usize,
    names: HashSet<&'a str>,
}

impl<'a> DeclaredPorts<'a> {
    fn of(set: &'a ObjectSet, service: &'a K8sObject, selector: &[(&'a str, &'a str)]) -> Self {
        let mut declared = Self::default();
        let templates = k8s::templates_selected_by(set, service, selector);
        for container in
            templates.iter().filter(|t| k8s::related(service, t.object)).flat_map(|t| t.serving_containers())
        {
            declared.containers += 1;
            for (name, _) in container.ports() {
                declared.names.extend(name);
            }
        }
        declared
    }
}

impl Rule for ServiceTargetPortNotDeclared {
    fn check_objects(&self, set: &ObjectSet, report: &mut Reporter<'_>) {
        // Services with the same selector in the same place select the same pods.
        type Place<'a> = (Vec<(&'a str, &'a str)>, Option<&'a str>, &'a str, Option<u32>);
        let mut seen: HashMap<Place<'_>, Rc<DeclaredPorts<'_>>> = HashMap::new();
        for service in set.of_kind("Service") {
            let Some(spec) = service.spec() else { continue };
            let mut selector = k8s::labels_of(spec.get("selector"));
            if selector.is_empty() {
                continue;
            }
            selector.sort_unstable();
            let place = (selector, service.namespace.as_deref(), k8s::folder(service), service.kustomize.build);
            let declared = match seen.get(&place) {
                Some(declared) => Rc::clone(declared),
                None => {
                    let declared = Rc::new(DeclaredPorts::of(set, service, &place.0));
                    seen.insert(place, Rc::clone(&declared));
                    declared
                }
            };
            if declared.containers == 0 {
                continue;
            }
            for port in spec.get("ports").map(|p| p.items()).unwrap_or(&[]) {
                let Some(target) = port.get("targetPort").or_else(|| port.get("port")) else { continue };
                let text = target.as_str().unwrap_or("");
                // Numbers reach the container whether declared or not; only a name must be declared.
                let numeric = target.as_i64().is_some() || text.parse::<i64>().is_ok();
                let problem =
                    (!numeric && !text.is_empty() && !text.contains(['$', '{']) && !declared.names.contains(text))
                        .then(|| format!("targets the port name `{text}`, which no selected container declares"));
                if let Some(problem) = problem {
                    let label = port
                        .str_at(&["name"])
                        .map(|n| format!("Port `{n}` of {}", service.display_name()))
                        .unwrap_or_else(|| format!("A port of {}", service.display_name()));
                    report.report(target.span, format!("{label} {problem}; point it at a declared container port"));
                }
            }
        }
    }
}
