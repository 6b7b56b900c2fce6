use super::support;
use crate::context::K8sObject;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an Argo CD `Application` (or `ApplicationSet` template) for
    /// production that belongs to the `default` project. An Application is
    /// taken to be for production when its name, namespace, labels,
    /// destination, source path or (for an ApplicationSet) generator values
    /// say `prod`, `production` or `prd`.
    ///
    /// ## Why is this bad?
    /// The `default` project allows any source repository, any destination
    /// cluster and namespace, and any cluster-scoped resource. Whoever can
    /// edit the Application (or its repository) can deploy anything
    /// anywhere; a project of its own limits the production Application to
    /// its repository, its namespaces and the kinds it needs, and carries
    /// its own roles and sync windows.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Application
    /// metadata:
    ///   name: shop-prod
    /// spec:
    ///   project: default
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: Application
    /// metadata:
    ///   name: shop-prod
    /// spec:
    ///   project: shop   # an AppProject with sourceRepos and destinations of its own
    /// ```
    ///
    /// ## References
    /// - [Argo CD: projects](https://argo-cd.readthedocs.io/en/stable/user-guide/projects/)
    pub struct ProductionAppInDefaultProject {
        id: "production-app-in-default-project",
        severity: Info,
        domains: [Gitops],
        summary: "Production Application belongs to the unrestricted `default` project",
    }
}

impl Rule for ProductionAppInDefaultProject {
    fn check_object(&self, object: &K8sObject, report: &mut Reporter<'_>) {
        let Some(spec) = support::application_spec(object) else { return };
        let Some(project) = spec.get("project") else { return };
        if project.as_str() != Some("default") || !support::is_production_application(object, spec) {
            return;
        }
        report.report(
            project.span,
            format!(
                "{} deploys to production from the `default` project, which allows any repository, destination \
                 and cluster-scoped resource; give it an AppProject of its own",
                object.display_name()
            ),
        );
    }
}
