use super::schema::{self, Problem};
use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a value whose type the Kubernetes API does not accept for its
    /// field: a quoted or non-numeric value where an integer is expected
    /// (`replicas: "3"`, `containerPort: http`), a quoted `"true"` where a
    /// boolean is expected, an unquoted number or boolean where a string is
    /// expected (an env `value: 8080`, a label `version: 2`, an `args`
    /// item), or a scalar where a mapping or list is expected. The same
    /// objects and fields as `unknown-field` are checked; values that are
    /// templates (`${VAR}`, `{{ }}`) are skipped.
    ///
    /// ## Why is this bad?
    /// The API server cannot decode the object and rejects it (`cannot
    /// unmarshal number into Go struct field EnvVar.value of type string`),
    /// so the apply or sync fails. YAML makes these easy to write: `8080`,
    /// `true` and `1.10` are not strings unless quoted.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   replicas: "3"
    ///   template:
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           env:
    ///             - name: PORT
    ///               value: 8080
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   replicas: 3
    ///   template:
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           env:
    ///             - name: PORT
    ///               value: "8080"
    /// ```
    pub struct InvalidFieldType {
        id: "invalid-field-type",
        severity: Error,
        domains: [Kubernetes],
        summary: "Field value has a type the Kubernetes API rejects",
        kind: Defect,
    }
}

impl Rule for InvalidFieldType {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        for problem in schema::check(object) {
            if let Problem::WrongType { span, route, expected } = problem {
                report.report(
                    span,
                    format!("{} field `{route}` must be {expected}; the API rejects this value", object.display_name()),
                );
            }
        }
    }
}
