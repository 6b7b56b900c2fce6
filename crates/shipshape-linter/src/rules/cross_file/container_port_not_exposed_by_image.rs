use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::cross_file::support;

declare_rule! {
    /// ## What it does
    /// Flags a container whose declared `containerPort`s include none of the
    /// ports its image's Dockerfile `EXPOSE`s. The Dockerfile is found through
    /// the CI job that builds the image (`docker build -t`, or
    /// `docker/build-push-action` with `tags`), or else as the only Dockerfile
    /// in a folder named like the image.
    ///
    /// ## Why is this bad?
    /// `EXPOSE` documents the port the process listens on. When the manifest
    /// declares another one, the Service's `targetPort` and the probes point at
    /// a port nothing listens on: pods never become ready, or a Service routes
    /// to a closed port. One of the two files is out of date.
    ///
    /// ## Example
    /// ```dockerfile
    /// # services/api/Dockerfile
    /// EXPOSE 3000
    /// ```
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: ghcr.io/acme/api:1.4.2
    ///     ports:
    ///       - containerPort: 8080
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: ghcr.io/acme/api:1.4.2
    ///     ports:
    ///       - containerPort: 3000
    /// ```
    pub struct ContainerPortNotExposedByImage {
        id: "container-port-not-exposed-by-image",
        severity: Warning,
        domains: [CrossFile],
        summary: "Container declares ports that its image's Dockerfile does not `EXPOSE`",
        kind: Defect,
    }
}

impl Rule for ContainerPortNotExposedByImage {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        if !repo.files.iter().any(|f| f.dockerfile.is_some()) {
            return;
        }
        let sources = support::ImageSources::new(repo);
        for (object, container) in support::containers(repo) {
            let Some(image) = container.image().and_then(|i| i.as_str()) else { continue };
            let Some(file) = sources.dockerfile_for(image, &object.path) else { continue };
            let Some(dockerfile) = file.dockerfile else { continue };
            let exposed = support::exposed_ports(dockerfile);
            let declared: Vec<i64> = container.ports().into_iter().filter_map(|(_, number)| number).collect();
            if exposed.is_empty() || declared.is_empty() || declared.iter().any(|p| exposed.contains(p)) {
                continue;
            }
            let span = container
                .node
                .get("ports")
                .and_then(|p| p.items().first())
                .and_then(|p| p.get("containerPort"))
                .map_or(container.report_span(), |n| n.span);
            let list = |ports: &[i64]| ports.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
            report.report(
                span,
                format!(
                    "{} declares port {} but its image, built from `{}`, exposes {}; make them agree",
                    container.describe(object),
                    list(&declared),
                    file.path,
                    list(&exposed)
                ),
            );
        }
    }
}
