use shipshape_dockerfile::Stage;

use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::images;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags a Dockerfile whose final stage runs as root: it has no `USER`
    /// instruction, or its last `USER` is `root` or UID `0` (`0:0`,
    /// `root:root`). A `USER` of an earlier stage does not carry over to a
    /// stage built `FROM` another image, but it does to a stage built `FROM`
    /// that earlier stage, so the stages it is built on are followed. Base
    /// images that already run as an unprivileged user (`…:nonroot`,
    /// `…-unprivileged`, `…-chiseled`, Chainguard and Bitnami images) count
    /// as setting a user. An image without `USER` that installs `gosu`,
    /// `su-exec` or `setpriv` (the official-image pattern of an entrypoint
    /// that drops to an unprivileged user at start) is not flagged either,
    /// nor a wrapper built `FROM ${BASE_IMAGE}` whose base is unknown (an
    /// `ARG` without a default, or with one that is itself unresolved): the
    /// user is then the unknown base image's. Nor is a `FROM scratch` stage
    /// whose entrypoint is a `.wasm` module, run by a Wasm runtime to which
    /// a Linux user does not apply. Two kinds of official images are left
    /// alone too: language base images meant to be built upon, whose
    /// command is a bare interpreter (`CMD ["python3"]`, `["node"]`,
    /// `["php", "-a"]`: the application's own Dockerfile sets the user),
    /// and servers whose master process binds the port as root and runs
    /// its workers as their own user (`php-fpm`, `apache2-foreground`,
    /// `httpd-foreground`, `nginx`), also when the command is inherited
    /// from such a base (`FROM php:8-apache`).
    ///
    /// ## Why is this bad?
    /// A process running as root inside the container is root on the
    /// container's filesystem and a kernel or runtime escape away from root
    /// on the node. Most services need no privilege at all. Kubernetes
    /// `runAsNonRoot: true` also refuses to start an image whose user is
    /// root or a name it cannot verify, so a numeric non-root UID is best.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY . /app
    /// CMD ["node", "/app/server.js"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY . /app
    /// USER 1000:1000
    /// CMD ["node", "/app/server.js"]
    /// ```
    ///
    /// ## References
    /// - [Docker: USER](https://docs.docker.com/reference/dockerfile/#user)
    pub struct FinalStageRunsAsRoot {
        id: "final-stage-runs-as-root",
        severity: Warning,
        domains: [Dockerfile],
        summary: "Final build stage runs as root",
    }
}

/// Tools an entrypoint uses to drop from root to an unprivileged user.
const STEP_DOWN_TOOLS: &[&str] = &["gosu", "su-exec", "setpriv"];

/// Base images known to switch to an unprivileged user themselves.
fn base_runs_unprivileged(reference: &str) -> bool {
    let lower = reference.to_ascii_lowercase();
    ["nonroot", "non-root", "unprivileged", "rootless", "chiseled"].iter().any(|w| lower.contains(w))
        || ["cgr.dev/chainguard/", "bitnami/", "docker.io/bitnami/"].iter().any(|p| lower.starts_with(p))
}

/// A `FROM scratch` stage whose entrypoint is a `.wasm` module: a Wasm
/// runtime (WasmEdge, wasmtime) runs it, and a Linux `USER` does not apply.
/// Servers whose master process starts as root and runs its workers as an
/// unprivileged user of its own.
const SELF_DEMOTING_SERVERS: &[&str] = &["php-fpm", "apache2-foreground", "httpd-foreground", "nginx"];

/// What language base images run when nothing is built on them.
const INTERPRETERS: &[&str] =
    &["python", "python3", "node", "irb", "ruby", "php", "perl", "bash", "sh", "jshell", "iex", "erl", "ghci", "pwsh"];

/// The program of the last `CMD` the final stage has or inherits, and
/// whether it has arguments other than flags.
fn final_command(df: &shipshape_dockerfile::Dockerfile, last: &Stage) -> Option<(String, bool)> {
    let inherited = support::inherited(df, last, usize::MAX);
    let (_, cmd) = inherited.iter().rev().find(|(_, i)| i.keyword == "CMD")?;
    let words = cmd.words();
    let (program, args) = words.split_first()?;
    let name = program.value.rsplit('/').next().unwrap_or(&program.value).to_string();
    Some((name, args.iter().any(|a| !a.value.starts_with('-'))))
}

/// A base image whose own command is a self-demoting server.
fn base_command_demotes(reference: &str) -> bool {
    let image = images::ImageRef::parse(reference);
    let tag = image.tag.unwrap_or("");
    match image.name.rsplit('/').next().unwrap_or(image.name) {
        "httpd" | "nginx" => true,
        "php" => tag.contains("fpm") || tag.contains("apache"),
        _ => false,
    }
}

fn runs_wasm_module(df: &shipshape_dockerfile::Dockerfile, root_stage: &Stage, last: &Stage) -> bool {
    let entrypoint = support::body(df, last).filter(|(_, i)| matches!(i.keyword.as_str(), "ENTRYPOINT" | "CMD")).last();
    root_stage.image.value.eq_ignore_ascii_case("scratch")
        && entrypoint.and_then(|(_, i)| i.words().into_iter().next()).is_some_and(|w| w.value.ends_with(".wasm"))
}

impl Rule for FinalStageRunsAsRoot {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        let Some(last) = df.final_stage() else { return };
        let chain = support::chain(df, last);
        for stage in &chain {
            let users = support::body(df, stage).filter(|(_, i)| i.keyword == "USER");
            let Some((index, user)) = users.last() else { continue };
            let Some(word) = user.words().into_iter().next() else { return };
            let Some(value) = support::state_at(df, stage, index).expand(&word.value) else { return };
            if !support::is_root_user(&value) {
                return;
            }
            if stage.index == last.index {
                report.report(
                    word.span,
                    format!("The final stage's last `USER` is `{value}`; switch to a non-root user before `CMD`"),
                );
            } else {
                let parent = stage.name.as_ref().map_or("", |n| n.value.as_str());
                report.report(
                    last.image.span,
                    format!("The final stage inherits `USER {value}` from stage `{parent}`; add a non-root `USER`"),
                );
            }
            return;
        }
        let drops_privileges = chain.iter().any(|s| {
            support::body(df, s).any(|(_, i)| {
                matches!(i.keyword.as_str(), "RUN" | "COPY")
                    && STEP_DOWN_TOOLS.iter().any(|t| support::script_text(i).contains(t))
            })
        });
        if drops_privileges {
            return;
        }
        let root_stage = chain.last().copied().unwrap_or(last);
        match images::resolved_base_image(df, root_stage) {
            Some(reference) if base_runs_unprivileged(&reference) => return,
            // `FROM ${BASE_IMAGE}` that the file does not resolve: its user is unknown.
            None if root_stage.image.value.contains('$') => return,
            _ => {}
        }
        if runs_wasm_module(df, root_stage, last) {
            return;
        }
        match final_command(df, last) {
            Some((program, _)) if SELF_DEMOTING_SERVERS.contains(&program.as_str()) => return,
            Some((program, false)) if INTERPRETERS.contains(&program.as_str()) => return,
            None if images::resolved_base_image(df, root_stage).is_some_and(|r| base_command_demotes(&r)) => return,
            _ => {}
        }
        let name = last.name.as_ref().map_or(String::new(), |n| format!(" `{}`", n.value));
        report.report(
            last.image.span,
            format!("The final stage{name} sets no `USER`, so the container runs as root; add `USER <uid>` with a non-root UID"),
        );
    }
}
