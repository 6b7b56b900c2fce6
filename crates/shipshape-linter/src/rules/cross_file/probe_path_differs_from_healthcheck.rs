use crate::context::RepositoryContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::cross_file::support;

declare_rule! {
    /// ## What it does
    /// Flags a container whose HTTP probes all request paths other than the
    /// one its image's Dockerfile `HEALTHCHECK` requests. The Dockerfile is
    /// found as for `container-port-not-exposed-by-image`.
    ///
    /// ## Why is this bad?
    /// The image's author said which endpoint tells whether the process is
    /// healthy. Probes on another path may hit a route that does not exist
    /// (every pod restarts) or one that answers without checking anything.
    /// Liveness and readiness may differ on purpose, so this is advice: make
    /// sure one of them checks what the image checks.
    ///
    /// ## Example
    /// ```dockerfile
    /// HEALTHCHECK CMD wget -qO- http://127.0.0.1:8080/healthz || exit 1
    /// ```
    /// ```yaml
    /// livenessProbe:
    ///   httpGet:
    ///     path: /health
    ///     port: http
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// livenessProbe:
    ///   httpGet:
    ///     path: /healthz
    ///     port: http
    /// ```
    pub struct ProbePathDiffersFromHealthcheck {
        id: "probe-path-differs-from-healthcheck",
        severity: Info,
        domains: [CrossFile],
        summary: "Probes request a path other than the image's `HEALTHCHECK`",
        kind: Defect,
    }
}

const PROBES: &[&str] = &["livenessProbe", "readinessProbe", "startupProbe"];

impl Rule for ProbePathDiffersFromHealthcheck {
    fn check_repository(&self, repo: &RepositoryContext<'_>, report: &mut Reporter<'_>) {
        if !repo.files.iter().any(|f| f.dockerfile.is_some()) {
            return;
        }
        let sources = support::ImageSources::new(repo);
        for (object, container) in support::containers(repo) {
            let paths: Vec<&shipshape_yaml::Node> =
                PROBES.iter().filter_map(|p| container.node.path(&[p, "httpGet", "path"])).collect();
            if paths.is_empty() {
                continue;
            }
            let Some(image) = container.image().and_then(|i| i.as_str()) else { continue };
            let Some(file) = sources.dockerfile_for(image, &object.path) else { continue };
            let Some(expected) = file.dockerfile.and_then(support::healthcheck_path) else { continue };
            let normalize = |p: &str| {
                let p = p.trim_end_matches('/');
                if p.is_empty() {
                    "/".to_string()
                } else {
                    p.to_string()
                }
            };
            if paths.iter().any(|p| p.as_str().is_some_and(|p| normalize(p) == expected)) {
                continue;
            }
            let first = paths[0];
            report.report(
                first.span,
                format!(
                    "{} probes `{}`, but its image's HEALTHCHECK (`{}`) checks `{expected}`",
                    container.describe(object),
                    first.as_str().unwrap_or(""),
                    file.path
                ),
            );
        }
    }
}
