use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags the final stage of a service image that has no `HEALTHCHECK`.
    /// An image counts as a service when its final stage (or a stage it is
    /// built on) has an `EXPOSE`, or its `CMD`/`ENTRYPOINT` starts a server:
    /// a known server binary (nginx, httpd, caddy, gunicorn, uvicorn, puma,
    /// php-fpm, …), `java -jar`, `dotnet app.dll`, `npm start`,
    /// `node server.js`, `python -m uvicorn` or `manage.py runserver`.
    /// Images with neither (tools, jobs, base images) are not flagged.
    /// `HEALTHCHECK NONE` is a deliberate choice and is not flagged, and a
    /// `HEALTHCHECK` in a stage the final stage is built `FROM` carries over.
    ///
    /// ## Why is this bad?
    /// Without a health check, Docker, Compose and Swarm only know whether
    /// the process is running, not whether it answers: a deadlocked server
    /// stays "up" and keeps receiving traffic.
    ///
    /// Kubernetes ignores `HEALTHCHECK` entirely: it uses the liveness,
    /// readiness and startup probes of the pod spec instead. If the image
    /// only ever runs on Kubernetes, define probes there and suppress this
    /// rule (or write `HEALTHCHECK NONE` to say so).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 8080
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 8080
    /// HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost:8080/healthz || exit 1
    /// ```
    ///
    /// ## References
    /// - [Docker: HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
    /// - [Kubernetes: liveness, readiness and startup probes](https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/)
    pub struct MissingHealthcheck {
        id: "missing-healthcheck",
        severity: Info,
        domains: [Dockerfile],
        summary: "Service image has no `HEALTHCHECK`",
    }
}

const SERVERS: &[&str] = &[
    "nginx",
    "httpd",
    "httpd-foreground",
    "apache2-foreground",
    "apachectl",
    "caddy",
    "traefik",
    "haproxy",
    "envoy",
    "gunicorn",
    "uvicorn",
    "hypercorn",
    "daphne",
    "waitress-serve",
    "puma",
    "unicorn",
    "php-fpm",
    "php-fpm8",
    "php-fpm81",
    "php-fpm82",
    "php-fpm83",
    "frankenphp",
];

fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// True when a `CMD`/`ENTRYPOINT` starts a long-running server: a known
/// server binary, `java -jar`, `dotnet app.dll`, `npm start`, a Node or Deno
/// script, `python -m uvicorn`/`gunicorn`/`flask run`, `manage.py
/// runserver` or `rails server`.
fn starts_server(words: &[&str]) -> bool {
    let Some(program) = words.first().map(|w| basename(w)) else { return false };
    let rest = words.get(1..).unwrap_or(&[]);
    let has = |v: &str| rest.contains(&v);
    if SERVERS.contains(&program) {
        return true;
    }
    match program {
        "java" => has("-jar"),
        "dotnet" => rest.first().is_some_and(|w| w.ends_with(".dll")),
        "npm" | "yarn" | "pnpm" => rest.first().is_some_and(|w| *w == "start"),
        "node" | "bun" | "deno" => rest.iter().any(|w| [".js", ".mjs", ".cjs", ".ts"].iter().any(|e| w.ends_with(e))),
        "rails" => rest.first().is_some_and(|w| matches!(*w, "server" | "s")),
        "bundle" => has("rails") && (has("server") || has("s")) || has("puma"),
        p if p.starts_with("python") => {
            has("runserver")
                || rest
                    .windows(2)
                    .any(|w| w.first() == Some(&"-m") && w.get(1).is_some_and(|m| SERVERS.contains(m) || *m == "flask"))
        }
        _ => false,
    }
}

impl Rule for MissingHealthcheck {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        let Some(last) = df.final_stage() else { return };
        let instructions = support::inherited(df, last, usize::MAX);
        if instructions.iter().any(|(_, i)| i.keyword == "HEALTHCHECK") {
            return;
        }
        let exposes = instructions.iter().any(|(_, i)| i.keyword == "EXPOSE");
        let last_of = |keyword: &str| instructions.iter().rev().find(|(_, i)| i.keyword == keyword);
        let runs_server = [last_of("ENTRYPOINT"), last_of("CMD")]
            .into_iter()
            .flatten()
            .any(|(_, i)| starts_server(&i.words().iter().map(|w| w.value.as_str()).collect::<Vec<_>>()));
        if !exposes && !runs_server {
            return;
        }
        let name = last.name.as_ref().map_or(String::new(), |n| format!(" `{}`", n.value));
        report.report(
            last.image.span,
            format!("The final stage{name} of this service image has no `HEALTHCHECK`; add one, or `HEALTHCHECK NONE` if probes are defined in Kubernetes"),
        );
    }
}
