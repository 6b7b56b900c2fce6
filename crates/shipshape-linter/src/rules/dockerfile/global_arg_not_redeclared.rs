use std::collections::HashSet;

use shipshape_dockerfile::{Args, MappedText};

use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags a build stage that uses a global build argument (an `ARG`
    /// declared before the first `FROM`) in `RUN`, `COPY`, `ADD`, `ENV`,
    /// `WORKDIR`, `USER`, `EXPOSE`, `LABEL` or `VOLUME` without declaring it
    /// again with `ARG NAME` inside the stage. Not flagged: `${NAME:-default}`,
    /// names an `ENV` of the stage (or a stage it is built on) sets, names
    /// the `RUN` script assigns itself, names inside single quotes, and
    /// names that common base images set as `ENV` (`NODE_VERSION`,
    /// `PYTHON_VERSION`, `GOPATH`, …). One finding per stage and name.
    ///
    /// ## Why is this bad?
    /// A global `ARG` is only in scope for the `FROM` lines. Inside a stage
    /// it expands to an empty string unless the stage re-declares it, so
    /// `RUN curl -fsSLO https://example.com/tool-${VERSION}.tgz` downloads
    /// `tool-.tgz`: the build fails, or quietly installs the wrong thing.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG VERSION=1.4.2
    /// FROM alpine:3.20
    /// RUN wget -q https://example.com/tool-${VERSION}.tgz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG VERSION=1.4.2
    /// FROM alpine:3.20
    /// ARG VERSION
    /// RUN wget -q https://example.com/tool-${VERSION}.tgz
    /// ```
    ///
    /// ## References
    /// - [Docker: how ARG and FROM interact](https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact)
    pub struct GlobalArgNotRedeclared {
        id: "global-arg-not-redeclared",
        severity: Warning,
        domains: [Dockerfile],
        summary: "Global `ARG` used in a stage that does not declare it again",
        kind: Defect,
    }
}

/// Variables official base images set with `ENV`, which a same-named
/// global `ARG` only shadows.
const BASE_IMAGE_ENV: &[&str] = &[
    "PATH",
    "HOME",
    "HOSTNAME",
    "LANG",
    "LC_ALL",
    "TERM",
    "PWD",
    "USER",
    "SHELL",
    "NODE_VERSION",
    "YARN_VERSION",
    "PYTHON_VERSION",
    "PYTHON_SHA256",
    "PIP_VERSION",
    "GOLANG_VERSION",
    "GOPATH",
    "GOTOOLCHAIN",
    "JAVA_HOME",
    "JAVA_VERSION",
    "RUBY_VERSION",
    "RUBY_MAJOR",
    "GEM_HOME",
    "BUNDLE_PATH",
    "PHP_VERSION",
    "PHP_INI_DIR",
    "NGINX_VERSION",
    "NJS_VERSION",
    "PG_MAJOR",
    "PG_VERSION",
    "PGDATA",
    "REDIS_VERSION",
    "MYSQL_VERSION",
    "MAVEN_HOME",
    "GRADLE_HOME",
    "GRADLE_VERSION",
    "DOTNET_VERSION",
    "ASPNET_VERSION",
    "ASPNETCORE_URLS",
    "RUSTUP_HOME",
    "CARGO_HOME",
    "RUST_VERSION",
    "HTTPD_PREFIX",
    "HTTPD_VERSION",
    "DEBIAN_FRONTEND",
];
/// Instructions whose arguments Docker expands with `ARG`/`ENV` values.
const EXPANDED: &[&str] = &["RUN", "COPY", "ADD", "ENV", "WORKDIR", "USER", "EXPOSE", "LABEL", "VOLUME", "STOPSIGNAL"];

fn assigns(script: &str, name: &str) -> bool {
    let assignment = format!("{name}=");
    script.match_indices(&assignment).any(|(i, _)| {
        i == 0
            || script
                .get(..i)
                .unwrap_or("")
                .ends_with(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '{'))
    }) || script.contains(&format!("for {name} "))
        || script.contains(&format!("read {name}"))
}

impl Rule for GlobalArgNotRedeclared {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        let globals: HashSet<String> = df.global_args().flat_map(|i| i.key_values()).map(|(k, _)| k.value).collect();
        if globals.is_empty() {
            return;
        }
        let mut reported: HashSet<String> = HashSet::new();
        let mut current = None;
        support::walk(df, |stage, _, instruction, state| {
            if current != Some(stage.index) {
                current = Some(stage.index);
                reported.clear();
            }
            let keyword = instruction.keyword.as_str();
            if !EXPANDED.contains(&keyword) {
                return;
            }
            let mut texts: Vec<MappedText> = match &instruction.args {
                Args::Shell(text) => vec![text.clone()],
                Args::Exec(_) if keyword == "RUN" => Vec::new(),
                Args::Exec(words) => words.iter().map(|w| MappedText::contiguous(&w.value, w.span.start + 1)).collect(),
            };
            if keyword == "RUN" {
                texts.extend(instruction.heredocs.iter().map(|h| h.body.clone()));
            }
            let script = support::script_text(instruction);
            for text in &texts {
                for reference in support::variable_references(&text.value) {
                    let name = reference.name;
                    if reference.has_default
                        || !globals.contains(&name)
                        || state.env.contains_key(name.as_str())
                        || state.declared_args.contains(name.as_str())
                        || reported.contains(&name)
                        || BASE_IMAGE_ENV.contains(&name.as_str())
                        || (keyword == "RUN" && assigns(&script, &name))
                    {
                        continue;
                    }
                    report.report(
                        text.source_span(reference.start, reference.end),
                        format!(
                            "Global build argument `{name}` is empty in this stage; add `ARG {name}` after its `FROM`"
                        ),
                    );
                    reported.insert(name);
                }
            }
        });
    }
}
