//! A small schema of the core workload and Service objects: the fields the
//! API knows and their types, for `unknown-field` and `invalid-field-type`.
//! It covers the fields people write by hand; anything deeper or rarer is
//! `Any` and not judged.

use shipshape_diagnostics::Span;
use shipshape_yaml::{Node, NodeKind, ScalarStyle};

use crate::context::K8sObject;

/// The type of a field.
#[derive(Debug, Clone, Copy)]
pub(crate) enum T {
    Int,
    Bool,
    Str,
    IntOrStr,
    /// A mapping of strings to strings (labels, annotations, selectors).
    StrMap,
    /// A mapping whose contents are not judged.
    Map,
    Any,
    Obj(&'static [(&'static str, T)]),
    List(&'static T),
}

type Fields = &'static [(&'static str, T)];

const OBJECT_META: Fields = &[
    ("name", T::Str),
    ("generateName", T::Str),
    ("namespace", T::Str),
    ("labels", T::StrMap),
    ("annotations", T::StrMap),
    ("ownerReferences", T::List(&T::Any)),
    ("finalizers", T::List(&T::Str)),
    ("uid", T::Str),
    ("resourceVersion", T::Str),
    ("generation", T::Int),
    ("creationTimestamp", T::Any),
    ("deletionTimestamp", T::Any),
    ("deletionGracePeriodSeconds", T::Int),
    ("managedFields", T::List(&T::Any)),
    ("selfLink", T::Str),
];

const LABEL_SELECTOR: Fields = &[
    ("matchLabels", T::StrMap),
    ("matchExpressions", T::List(&T::Obj(&[("key", T::Str), ("operator", T::Str), ("values", T::List(&T::Str))]))),
];

const CONTAINER_PORT: Fields =
    &[("name", T::Str), ("hostPort", T::Int), ("containerPort", T::Int), ("protocol", T::Str), ("hostIP", T::Str)];

const ENV_VAR: Fields = &[("name", T::Str), ("value", T::Str), ("valueFrom", T::Any)];

const RESOURCES: Fields = &[("limits", T::Map), ("requests", T::Map), ("claims", T::List(&T::Any))];

const VOLUME_MOUNT: Fields = &[
    ("name", T::Str),
    ("readOnly", T::Bool),
    ("recursiveReadOnly", T::Str),
    ("mountPath", T::Str),
    ("subPath", T::Str),
    ("mountPropagation", T::Str),
    ("subPathExpr", T::Str),
];

const PROBE: Fields = &[
    ("exec", T::Any),
    (
        "httpGet",
        T::Obj(&[
            ("path", T::Str),
            ("port", T::IntOrStr),
            ("host", T::Str),
            ("scheme", T::Str),
            ("httpHeaders", T::List(&T::Any)),
        ]),
    ),
    ("tcpSocket", T::Obj(&[("port", T::IntOrStr), ("host", T::Str)])),
    ("grpc", T::Obj(&[("port", T::Int), ("service", T::Str)])),
    ("initialDelaySeconds", T::Int),
    ("timeoutSeconds", T::Int),
    ("periodSeconds", T::Int),
    ("successThreshold", T::Int),
    ("failureThreshold", T::Int),
    ("terminationGracePeriodSeconds", T::Int),
];

const SECCOMP: Fields = &[("type", T::Str), ("localhostProfile", T::Str)];

const SECURITY_CONTEXT: Fields = &[
    ("capabilities", T::Obj(&[("add", T::List(&T::Str)), ("drop", T::List(&T::Str))])),
    ("privileged", T::Bool),
    ("seLinuxOptions", T::Any),
    ("windowsOptions", T::Any),
    ("runAsUser", T::Int),
    ("runAsGroup", T::Int),
    ("runAsNonRoot", T::Bool),
    ("readOnlyRootFilesystem", T::Bool),
    ("allowPrivilegeEscalation", T::Bool),
    ("procMount", T::Str),
    ("seccompProfile", T::Obj(SECCOMP)),
    ("appArmorProfile", T::Any),
];

const POD_SECURITY_CONTEXT: Fields = &[
    ("seLinuxOptions", T::Any),
    ("windowsOptions", T::Any),
    ("runAsUser", T::Int),
    ("runAsGroup", T::Int),
    ("runAsNonRoot", T::Bool),
    ("supplementalGroups", T::List(&T::Int)),
    ("supplementalGroupsPolicy", T::Str),
    ("fsGroup", T::Int),
    ("sysctls", T::List(&T::Obj(&[("name", T::Str), ("value", T::Str)]))),
    ("fsGroupChangePolicy", T::Str),
    ("seccompProfile", T::Obj(SECCOMP)),
    ("appArmorProfile", T::Any),
    ("seLinuxChangePolicy", T::Str),
];

const CONTAINER: Fields = &[
    ("name", T::Str),
    ("image", T::Str),
    ("command", T::List(&T::Str)),
    ("args", T::List(&T::Str)),
    ("workingDir", T::Str),
    ("ports", T::List(&T::Obj(CONTAINER_PORT))),
    ("envFrom", T::List(&T::Any)),
    ("env", T::List(&T::Obj(ENV_VAR))),
    ("resources", T::Obj(RESOURCES)),
    ("resizePolicy", T::List(&T::Any)),
    ("restartPolicy", T::Str),
    ("volumeMounts", T::List(&T::Obj(VOLUME_MOUNT))),
    ("volumeDevices", T::List(&T::Any)),
    ("livenessProbe", T::Obj(PROBE)),
    ("readinessProbe", T::Obj(PROBE)),
    ("startupProbe", T::Obj(PROBE)),
    ("lifecycle", T::Any),
    ("terminationMessagePath", T::Str),
    ("terminationMessagePolicy", T::Str),
    ("imagePullPolicy", T::Str),
    ("securityContext", T::Obj(SECURITY_CONTEXT)),
    ("stdin", T::Bool),
    ("stdinOnce", T::Bool),
    ("tty", T::Bool),
];

const POD_SPEC: Fields = &[
    ("volumes", T::List(&T::Any)),
    ("initContainers", T::List(&T::Obj(CONTAINER))),
    ("containers", T::List(&T::Obj(CONTAINER))),
    ("ephemeralContainers", T::List(&T::Any)),
    ("restartPolicy", T::Str),
    ("terminationGracePeriodSeconds", T::Int),
    ("activeDeadlineSeconds", T::Int),
    ("dnsPolicy", T::Str),
    ("nodeSelector", T::StrMap),
    ("serviceAccountName", T::Str),
    ("serviceAccount", T::Str),
    ("automountServiceAccountToken", T::Bool),
    ("nodeName", T::Str),
    ("hostNetwork", T::Bool),
    ("hostPID", T::Bool),
    ("hostIPC", T::Bool),
    ("shareProcessNamespace", T::Bool),
    ("securityContext", T::Obj(POD_SECURITY_CONTEXT)),
    ("imagePullSecrets", T::List(&T::Any)),
    ("hostname", T::Str),
    ("subdomain", T::Str),
    ("affinity", T::Any),
    ("schedulerName", T::Str),
    ("tolerations", T::List(&T::Any)),
    ("hostAliases", T::List(&T::Any)),
    ("priorityClassName", T::Str),
    ("priority", T::Int),
    ("dnsConfig", T::Any),
    ("readinessGates", T::List(&T::Any)),
    ("runtimeClassName", T::Str),
    ("enableServiceLinks", T::Bool),
    ("preemptionPolicy", T::Str),
    ("overhead", T::Any),
    ("topologySpreadConstraints", T::List(&T::Any)),
    ("setHostnameAsFQDN", T::Bool),
    ("os", T::Any),
    ("hostUsers", T::Bool),
    ("schedulingGates", T::List(&T::Any)),
    ("resourceClaims", T::List(&T::Any)),
    ("resources", T::Any),
];

const POD_TEMPLATE: Fields = &[("metadata", T::Obj(OBJECT_META)), ("spec", T::Obj(POD_SPEC))];

const ROLLING: Fields = &[("maxUnavailable", T::IntOrStr), ("maxSurge", T::IntOrStr), ("partition", T::Int)];

const STRATEGY: Fields = &[("type", T::Str), ("rollingUpdate", T::Obj(ROLLING))];

const DEPLOYMENT_SPEC: Fields = &[
    ("replicas", T::Int),
    ("selector", T::Obj(LABEL_SELECTOR)),
    ("template", T::Obj(POD_TEMPLATE)),
    ("strategy", T::Obj(STRATEGY)),
    ("minReadySeconds", T::Int),
    ("revisionHistoryLimit", T::Int),
    ("paused", T::Bool),
    ("progressDeadlineSeconds", T::Int),
];

const STATEFUL_SET_SPEC: Fields = &[
    ("replicas", T::Int),
    ("selector", T::Obj(LABEL_SELECTOR)),
    ("template", T::Obj(POD_TEMPLATE)),
    ("volumeClaimTemplates", T::List(&T::Any)),
    ("serviceName", T::Str),
    ("podManagementPolicy", T::Str),
    ("updateStrategy", T::Obj(STRATEGY)),
    ("revisionHistoryLimit", T::Int),
    ("minReadySeconds", T::Int),
    ("persistentVolumeClaimRetentionPolicy", T::Any),
    ("ordinals", T::Any),
];

const DAEMON_SET_SPEC: Fields = &[
    ("selector", T::Obj(LABEL_SELECTOR)),
    ("template", T::Obj(POD_TEMPLATE)),
    ("updateStrategy", T::Obj(STRATEGY)),
    ("minReadySeconds", T::Int),
    ("revisionHistoryLimit", T::Int),
];

const REPLICA_SET_SPEC: Fields = &[
    ("replicas", T::Int),
    ("minReadySeconds", T::Int),
    ("selector", T::Obj(LABEL_SELECTOR)),
    ("template", T::Obj(POD_TEMPLATE)),
];

const REPLICATION_CONTROLLER_SPEC: Fields =
    &[("replicas", T::Int), ("minReadySeconds", T::Int), ("selector", T::StrMap), ("template", T::Obj(POD_TEMPLATE))];

const JOB_SPEC: Fields = &[
    ("parallelism", T::Int),
    ("completions", T::Int),
    ("activeDeadlineSeconds", T::Int),
    ("podFailurePolicy", T::Any),
    ("successPolicy", T::Any),
    ("backoffLimit", T::Int),
    ("backoffLimitPerIndex", T::Int),
    ("maxFailedIndexes", T::Int),
    ("selector", T::Obj(LABEL_SELECTOR)),
    ("manualSelector", T::Bool),
    ("template", T::Obj(POD_TEMPLATE)),
    ("ttlSecondsAfterFinished", T::Int),
    ("completionMode", T::Str),
    ("suspend", T::Bool),
    ("podReplacementPolicy", T::Str),
    ("managedBy", T::Str),
];

const CRON_JOB_SPEC: Fields = &[
    ("schedule", T::Str),
    ("timeZone", T::Str),
    ("startingDeadlineSeconds", T::Int),
    ("concurrencyPolicy", T::Str),
    ("suspend", T::Bool),
    ("jobTemplate", T::Obj(&[("metadata", T::Obj(OBJECT_META)), ("spec", T::Obj(JOB_SPEC))])),
    ("successfulJobsHistoryLimit", T::Int),
    ("failedJobsHistoryLimit", T::Int),
];

const SERVICE_PORT: Fields = &[
    ("name", T::Str),
    ("protocol", T::Str),
    ("appProtocol", T::Str),
    ("port", T::Int),
    ("targetPort", T::IntOrStr),
    ("nodePort", T::Int),
];

const SERVICE_SPEC: Fields = &[
    ("ports", T::List(&T::Obj(SERVICE_PORT))),
    ("selector", T::StrMap),
    ("clusterIP", T::Str),
    ("clusterIPs", T::List(&T::Str)),
    ("type", T::Str),
    ("externalIPs", T::List(&T::Str)),
    ("sessionAffinity", T::Str),
    ("loadBalancerIP", T::Str),
    ("loadBalancerSourceRanges", T::List(&T::Str)),
    ("externalName", T::Str),
    ("externalTrafficPolicy", T::Str),
    ("healthCheckNodePort", T::Int),
    ("publishNotReadyAddresses", T::Bool),
    ("sessionAffinityConfig", T::Any),
    ("ipFamilies", T::List(&T::Str)),
    ("ipFamilyPolicy", T::Str),
    ("allocateLoadBalancerNodePorts", T::Bool),
    ("loadBalancerClass", T::Str),
    ("internalTrafficPolicy", T::Str),
    ("trafficDistribution", T::Str),
];

/// The schema of an object's top level, for the kinds and versions covered.
fn top_level(object: &K8sObject) -> Option<Fields> {
    Some(match (object.api_version.as_str(), object.kind.as_str()) {
        ("apps/v1", "Deployment") => TOP_DEPLOYMENT,
        ("apps/v1", "StatefulSet") => TOP_STATEFUL_SET,
        ("apps/v1", "DaemonSet") => TOP_DAEMON_SET,
        ("apps/v1", "ReplicaSet") => TOP_REPLICA_SET,
        ("batch/v1", "Job") => TOP_JOB,
        ("batch/v1", "CronJob") => TOP_CRON_JOB,
        ("v1", "Pod") => TOP_POD,
        ("v1", "ReplicationController") => TOP_REPLICATION_CONTROLLER,
        ("v1", "Service") => TOP_SERVICE,
        _ => return None,
    })
}

macro_rules! top {
    ($name:ident, $spec:expr) => {
        const $name: Fields = &[
            ("apiVersion", T::Str),
            ("kind", T::Str),
            ("metadata", T::Obj(OBJECT_META)),
            ("spec", T::Obj($spec)),
            ("status", T::Any),
        ];
    };
}

top!(TOP_DEPLOYMENT, DEPLOYMENT_SPEC);
top!(TOP_STATEFUL_SET, STATEFUL_SET_SPEC);
top!(TOP_DAEMON_SET, DAEMON_SET_SPEC);
top!(TOP_REPLICA_SET, REPLICA_SET_SPEC);
top!(TOP_JOB, JOB_SPEC);
top!(TOP_CRON_JOB, CRON_JOB_SPEC);
top!(TOP_POD, POD_SPEC);
top!(TOP_REPLICATION_CONTROLLER, REPLICATION_CONTROLLER_SPEC);
top!(TOP_SERVICE, SERVICE_SPEC);

/// A problem found by [`walk`].
pub(crate) enum Problem {
    /// An unknown field: its key span, the route to it, a suggestion.
    Unknown { span: Span, route: String, suggestion: Option<&'static str> },
    /// A value of the wrong type: its span, the route, what was expected.
    WrongType { span: Span, route: String, expected: &'static str },
}

/// Walks an object against the schema of its kind; `None` when the kind
/// is not covered. An Argo Rollout's pod template is checked too.
pub(crate) fn check(object: &K8sObject) -> Vec<Problem> {
    let mut out = Vec::new();
    if let Some(fields) = top_level(object) {
        walk_fields(&object.root, fields, "", &mut out);
    } else if object.kind == "Rollout" && object.api_version.starts_with("argoproj.io/") {
        if let Some(template) = object.root.path(&["spec", "template"]) {
            walk_fields(template, POD_TEMPLATE, "spec.template", &mut out);
        }
    }
    out
}

fn is_templated(node: &Node) -> bool {
    node.scalar().is_some_and(|s| s.value.contains("${") || s.value.contains("{{") || s.value.starts_with('$'))
}

fn join(route: &str, key: &str) -> String {
    if route.is_empty() {
        key.to_string()
    } else {
        format!("{route}.{key}")
    }
}

fn walk_fields(node: &Node, fields: Fields, route: &str, out: &mut Vec<Problem>) {
    for entry in node.entries() {
        let Some(key) = entry.key.as_str() else { continue };
        // Merge keys, and kustomize patch directives (`$patch: delete`).
        if key == "<<" || key.starts_with('$') {
            continue;
        }
        match fields.iter().find(|(name, _)| *name == key) {
            Some((_, kind)) => walk(&entry.value, *kind, &join(route, key), out),
            None => out.push(Problem::Unknown {
                span: entry.key.span,
                route: join(route, key),
                suggestion: suggest(key, fields),
            }),
        }
    }
}

fn plain_non_string(node: &Node) -> bool {
    node.scalar().is_some_and(|s| {
        s.style == ScalarStyle::Plain
            && (matches!(s.value.as_str(), "true" | "false" | "True" | "False" | "TRUE" | "FALSE")
                || s.value.parse::<f64>().is_ok_and(f64::is_finite))
    })
}

fn walk(node: &Node, kind: T, route: &str, out: &mut Vec<Problem>) {
    if node.is_null() || is_templated(node) {
        return;
    }
    let wrong = |expected: &'static str, out: &mut Vec<Problem>| {
        out.push(Problem::WrongType { span: node.span, route: route.to_string(), expected });
    };
    match kind {
        T::Any => {}
        T::Int => {
            if node.as_i64().is_none() {
                wrong("an integer", out);
            }
        }
        T::Bool => {
            if node.as_bool().is_none() {
                wrong("a boolean (`true` or `false`, unquoted)", out);
            }
        }
        T::Str => {
            if node.scalar().is_none() {
                wrong("a string", out);
            } else if plain_non_string(node) {
                wrong("a string (quote the value)", out);
            }
        }
        T::IntOrStr => {
            if node.scalar().is_none() {
                wrong("a number or a string", out);
            }
        }
        T::Map => {
            if !node.is_mapping() {
                wrong("a mapping", out);
            }
        }
        T::StrMap => match &node.kind {
            NodeKind::Mapping(_) => {
                for entry in node.entries() {
                    let key = entry.key.as_str().unwrap_or("");
                    if entry.value.is_null() || is_templated(&entry.value) {
                        continue;
                    }
                    if entry.value.scalar().is_none() || plain_non_string(&entry.value) {
                        out.push(Problem::WrongType {
                            span: entry.value.span,
                            route: join(route, key),
                            expected: "a string (quote the value)",
                        });
                    }
                }
            }
            _ => wrong("a mapping of strings", out),
        },
        T::Obj(fields) => {
            if node.is_mapping() {
                walk_fields(node, fields, route, out);
            } else {
                wrong("a mapping", out);
            }
        }
        T::List(item) => match node.as_sequence() {
            Some(items) => {
                for (i, value) in items.iter().enumerate() {
                    walk(value, *item, &format!("{route}[{i}]"), out);
                }
            }
            None => wrong("a list", out),
        },
    }
}

/// The known field closest to a misspelt one (same letters in another
/// case, or at most two edits away).
fn suggest(key: &str, fields: Fields) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase();
    if let Some((name, _)) = fields.iter().find(|(name, _)| name.to_ascii_lowercase() == lower) {
        return Some(name);
    }
    fields
        .iter()
        .map(|(name, _)| (crate::text::edit_distance(&lower, &name.to_ascii_lowercase()), *name))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(suggest("resource", CONTAINER), Some("resources"));
        assert_eq!(suggest("imagepullpolicy", CONTAINER), Some("imagePullPolicy"));
        assert_eq!(suggest("livenesProbe", CONTAINER), Some("livenessProbe"));
        assert_eq!(suggest("bogusField", CONTAINER), None);
        assert_eq!(crate::text::edit_distance("kitten", "sitting"), 3);
    }
}
