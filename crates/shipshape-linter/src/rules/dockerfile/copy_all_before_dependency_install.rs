use shipshape_dockerfile::shell::Command;
use shipshape_dockerfile::Word;

use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags a `COPY . .` (any `COPY`/`ADD` of the whole build context) that
    /// is followed in the same stage by a dependency install, when no
    /// earlier `COPY` of the stage brought in the dependency manifest on its
    /// own (`package.json`, `requirements.txt`, `go.mod`, `Cargo.toml`,
    /// `pom.xml`, `*.csproj`, `Gemfile`, `composer.json`, …).
    ///
    /// Installs recognised: `npm ci`/`install`, `yarn [install]`,
    /// `pnpm install`, `pip install -r`/`pip install .`, `poetry install`,
    /// `uv sync`, `pipenv install`, `bundle install`, `composer install`,
    /// `go mod download`, `cargo fetch`/`build`, `mvn` `dependency:go-offline`,
    /// `package`, `install` or `verify`, `gradle build`/`assemble`, `dotnet
    /// restore`/`publish`/`build`, `mix deps.get`. A `RUN` with a BuildKit
    /// cache mount (the package manager's cache survives between builds) is
    /// not flagged.
    ///
    /// ## Why is this bad?
    /// The build cache reuses a layer only while everything it was built
    /// from is unchanged. After `COPY . .` any edit to any source file
    /// invalidates the cache, so every build downloads and installs all
    /// dependencies again: minutes per build instead of seconds.
    ///
    /// ## Example
    /// ```dockerfile
    /// WORKDIR /app
    /// COPY . .
    /// RUN npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// RUN npm ci
    /// COPY . .
    /// ```
    ///
    /// ## References
    /// - [Docker: optimize cache usage](https://docs.docker.com/build/cache/optimize/)
    pub struct CopyAllBeforeDependencyInstall {
        id: "copy-all-before-dependency-install",
        severity: Info,
        domains: [Dockerfile],
        summary: "Whole build context copied before installing dependencies",
    }
}

const MANIFESTS: &[&str] = &[
    "package.json",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lockb",
    "bun.lock",
    "pyproject.toml",
    "poetry.lock",
    "uv.lock",
    "pipfile",
    "pipfile.lock",
    "setup.py",
    "setup.cfg",
    "go.mod",
    "go.sum",
    "cargo.toml",
    "cargo.lock",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "settings.gradle",
    "settings.gradle.kts",
    "gemfile",
    "gemfile.lock",
    "composer.json",
    "composer.lock",
    "mix.exs",
    "mix.lock",
    "packages.config",
    "directory.packages.props",
    "nuget.config",
    "global.json",
];

fn is_manifest(source: &str) -> bool {
    let name = source.trim_end_matches('/').rsplit('/').next().unwrap_or(source).to_ascii_lowercase();
    MANIFESTS.contains(&name.as_str())
        || name.starts_with("requirements")
        || name.ends_with(".csproj")
        || name.ends_with(".fsproj")
        || name.ends_with(".vbproj")
        || name.ends_with(".sln")
        || (name.starts_with("package") && name.ends_with(".json"))
}

fn is_whole_context(source: &str) -> bool {
    matches!(source, "." | "./" | "*" | "./*")
}

/// The dependency install a command runs, if it runs one.
fn install(command: &Command) -> Option<String> {
    let tool = support::tool_name(command)?;
    let args = support::tool_args(command);
    let first = support::subcommand(args, &[]).map(|w| w.value.as_str());
    let has = |v: &str| args.iter().any(|w| w.value == v);
    let found = match tool {
        "npm" => matches!(first, Some("ci" | "install" | "i")) && args.iter().skip(1).all(|w| w.value.starts_with('-')),
        "yarn" => matches!(first, None | Some("install")),
        "pnpm" => matches!(first, Some("install" | "i")),
        "poetry" | "pipenv" => first == Some("install"),
        "uv" => first == Some("sync"),
        "bundle" | "bundler" => first == Some("install"),
        "composer" => first == Some("install"),
        "go" => first == Some("mod") && has("download"),
        "cargo" => matches!(first, Some("fetch" | "build")),
        "mvn" | "mvnw" => args.iter().any(|w| {
            matches!(
                w.value.as_str(),
                "dependency:go-offline" | "dependency:resolve" | "package" | "install" | "verify"
            )
        }),
        "gradle" | "gradlew" => {
            args.iter().any(|w| matches!(w.value.as_str(), "build" | "assemble" | "bootJar" | "dependencies"))
        }
        "dotnet" => matches!(first, Some("restore" | "publish" | "build")),
        "mix" => first == Some("deps.get"),
        name if support::is_pip(name) => {
            first == Some("install") && (has("-r") || has("--requirement") || has(".") || has("-e"))
        }
        _ => false,
    };
    found.then(|| first.map_or_else(|| tool.to_string(), |f| format!("{tool} {f}")))
}

impl Rule for CopyAllBeforeDependencyInstall {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        let posix_runs: Vec<usize> = support::runs(df).iter().map(|(_, index, _)| *index).collect();
        for stage in &df.stages {
            let mut manifest_copied = false;
            let mut copy_all: Option<Word> = None;
            for (index, instruction) in support::body(df, stage) {
                match instruction.keyword.as_str() {
                    "COPY" | "ADD" if instruction.flag("from").is_none() => {
                        let Some((sources, _)) = support::copy_paths(instruction) else { continue };
                        if copy_all.is_none() {
                            manifest_copied |= sources.iter().any(|s| is_manifest(&s.value));
                            copy_all = sources.into_iter().find(|s| is_whole_context(&s.value));
                        }
                    }
                    "RUN" if copy_all.is_some() && !manifest_copied => {
                        if !posix_runs.contains(&index)
                            || support::mounts(instruction).iter().any(|m| m.get("type").is_some_and(|t| t == "cache"))
                        {
                            continue;
                        }
                        let Some(what) = support::commands(instruction).iter().find_map(install) else { continue };
                        if let Some(source) = copy_all.take() {
                            report.report(
                                source.span,
                                format!("The whole build context is copied before `{what}`, so any source change reinstalls every dependency; copy the manifests first"),
                            );
                        }
                        manifest_copied = true;
                    }
                    _ => {}
                }
            }
        }
    }
}
