use std::sync::LazyLock;

use regex::Regex;

use super::common::{self, first_port, health_route, probe_healthcheck, secret_env, tcp_health};
use super::repo::{grep_text, re, ServiceDir};
use super::{version_or_default, Overrides, Provider, StackFacts};
use crate::plan::{CachedCommand, CiCommands, Detected, Evidence, ImageRecipe, Migration, Stack};
use crate::runtimes::{self, DOTNET};

pub(crate) struct Dotnet;

const SOURCES: &[&str] = &[".cs", ".fs"];
const DEFAULT_VERSION: &str = "10.0";
/// dotnet-ef per .NET major when the app's EF Core version is not found.
const EF_TOOL_VERSIONS: &[(&str, &str)] = &[("8", "8.0.11"), ("9", "9.0.0"), ("10", "10.0.0")];
static EF_CORE_VERSION: LazyLock<Regex> =
    LazyLock::new(|| re(r#"Include="Microsoft\.EntityFrameworkCore[\w.]*"\s+Version="(\d+\.\d+\.\d+)""#));

/// The dotnet-ef release matching the app's EF Core (the tool runs on the
/// same .NET as the SDK image).
fn ef_tool_version(dir: &ServiceDir, project_text: &str, dotnet: &str) -> String {
    let central = dir.read("Directory.Packages.props").unwrap_or_default();
    [project_text, central.as_str()]
        .iter()
        .find_map(|text| EF_CORE_VERSION.captures(text).and_then(|c| c.get(1)).map(|m| m.as_str().to_string()))
        .or_else(|| {
            let major = dotnet.split('.').next().unwrap_or(dotnet);
            EF_TOOL_VERSIONS.iter().find(|(m, _)| *m == major).map(|(_, v)| (*v).to_string())
        })
        .unwrap_or_else(|| format!("{dotnet}.0"))
}
/// The non-root user of Microsoft's .NET 8+ images.
const APP_UID: u32 = 1654;

static TARGET_FRAMEWORK: LazyLock<Regex> = LazyLock::new(|| re(r"<TargetFrameworks?>\s*net(\d+\.\d+)"));
static ASSEMBLY_NAME: LazyLock<Regex> = LazyLock::new(|| re(r"<AssemblyName>\s*([^<\s]+)\s*</AssemblyName>"));
static URL_PORT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?:UseUrls|\.Run|Urls\.Add)\(\s*"https?://[^":]+:(\d{2,5})|Listen(?:Any|Local)?IP\([^,]*,?\s*(\d{2,5})\)|ListenAnyIP\(\s*(\d{2,5})"#,
    )
});
static ENV_URLS: LazyLock<Regex> =
    LazyLock::new(|| re(r#"ASPNETCORE_(?:URLS\s*[=:]\s*"?https?://[^:\s"]+:|HTTP_PORTS\s*[=:]\s*"?)(\d{2,5})"#));
static ENV_READ: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"(?:GetEnvironmentVariable\(\s*"|Configuration\[\s*"|GetConnectionString\(\s*")([A-Za-z][A-Za-z0-9_:]*)""#)
});

/// Files MSBuild and NuGet read during restore besides the project: they
/// must be in the build stage at their own paths.
const RESTORE_FILES: &[&str] = &[
    "global.json",
    "NuGet.config",
    "nuget.config",
    "NuGet.Config",
    "Directory.Build.props",
    "Directory.Build.targets",
    "Directory.Packages.props",
];
/// global.json `rollForward` values that accept a newer feature band.
const ROLL_FORWARD_FEATURE: &[&str] = &["feature", "minor", "major", "latestFeature", "latestMinor", "latestMajor"];
static SQLITE_FILE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?i)"(?:Filename|Data Source|DataSource)\s*=\s*([^";]+\.(?:db|sqlite3?))"#));

static PROJECT_REFERENCE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"<ProjectReference\s+Include="([^"]+\.(?:cs|fs)proj)""#));

/// The project and every project it references, transitively, as paths
/// relative to the service folder.
fn project_closure(dir: &ServiceDir, project_file: &str) -> Vec<String> {
    let mut out = vec![project_file.to_string()];
    let mut next = 0;
    while next < out.len() {
        let current = out[next].clone();
        next += 1;
        let Some(text) = dir.read(&current) else { continue };
        let base = current.rsplit_once('/').map_or("", |(d, _)| d);
        for caps in PROJECT_REFERENCE.captures_iter(&text) {
            let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
            for part in caps[1].split(['/', '\\']) {
                match part {
                    "" | "." => {}
                    ".." => {
                        parts.pop();
                    }
                    other => parts.push(other),
                }
            }
            let path = parts.join("/");
            if dir.has(&path) && !out.contains(&path) {
                out.push(path);
            }
        }
    }
    out
}

/// The folders from the project's up to the service root, nearest first.
fn ancestors(project_file: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut dir = project_file.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    loop {
        out.push(dir.clone());
        if dir.is_empty() {
            return out;
        }
        dir = dir.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    }
}

fn in_dir(dir: &str, file: &str) -> String {
    if dir.is_empty() {
        file.to_string()
    } else {
        format!("{dir}/{file}")
    }
}

/// The target framework from the project, else the nearest Directory.Build.props.
fn target_framework(dir: &ServiceDir, project_file: &str) -> Option<Detected<String>> {
    let candidates = std::iter::once(project_file.to_string())
        .chain(ancestors(project_file).into_iter().map(|d| in_dir(&d, "Directory.Build.props")));
    for file in candidates {
        let Some(text) = dir.read(&file) else { continue };
        if let Some(hit) = grep_text(&file, &text, &TARGET_FRAMEWORK).into_iter().next() {
            let version = hit.group(1)?.to_string();
            return Some(Detected::found(
                version.clone(),
                dir.evidence(&file, Some(hit.line), format!("targets net{version}")),
            ));
        }
    }
    None
}

/// The SDK pinned in global.json: its exact version when rolling forward
/// to a newer feature band is not allowed.
fn pinned_sdk(dir: &ServiceDir) -> Option<(String, bool, Evidence)> {
    let text = dir.read("global.json")?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let version = json.pointer("/sdk/version")?.as_str()?.to_string();
    let roll = json.pointer("/sdk/rollForward").and_then(|v| v.as_str()).unwrap_or("latestPatch");
    let exact = !ROLL_FORWARD_FEATURE.contains(&roll);
    let evidence = dir.evidence_at("global.json", "\"version\"", format!("SDK {version}, rollForward {roll}"));
    Some((version, exact, evidence))
}

/// The solution CI builds and tests: one `.sln`, else one `.slnx`.
fn solution(dir: &ServiceDir) -> Option<String> {
    let at_root = |ext: &str| -> Vec<String> {
        dir.files().iter().filter(|f| !f.contains('/') && f.ends_with(ext)).cloned().collect()
    };
    [".sln", ".slnx"].iter().map(|ext| at_root(ext)).find(|found| found.len() == 1).and_then(|mut f| f.pop())
}

/// A relative SQLite file in a connection string: the app writes it in
/// its working directory.
fn relative_sqlite(dir: &ServiceDir) -> Option<Evidence> {
    let mut hits = dir.grep(SOURCES, &SQLITE_FILE);
    hits.extend(dir.grep(&["appsettings.json"], &SQLITE_FILE));
    hits.into_iter().find(|h| h.group(1).is_some_and(|p| !p.trim().starts_with('/'))).map(|h| {
        let file = h.group(1).unwrap_or_default().trim().to_string();
        dir.evidence(&h.file, Some(h.line), format!("SQLite file `{file}` in the working directory"))
    })
}

/// Where a .NET app on a relative SQLite file runs: an empty volume.
const DATA_DIR: &str = "/data";

/// The project to publish: the web project when there are several.
fn project(dir: &ServiceDir) -> Option<String> {
    let projects: Vec<&str> = dir
        .files_ending(&[".csproj", ".fsproj"])
        .into_iter()
        .filter(|p| !p.to_ascii_lowercase().contains("test"))
        .collect();
    projects
        .iter()
        .find(|p| dir.read(p).is_some_and(|t| t.contains("Microsoft.NET.Sdk.Web")))
        .or_else(|| projects.first())
        .map(|p| (*p).to_string())
}

impl Provider for Dotnet {
    fn stack(&self) -> Stack {
        Stack::Dotnet
    }

    fn warnings(&self, dir: &ServiceDir, facts: &StackFacts) -> Vec<String> {
        dotnet_warnings(dir, facts)
    }

    /// A project file at the folder's top, or a solution there naming the
    /// projects below; a project deeper down alone is another folder's app.
    fn matches(&self, dir: &ServiceDir) -> Option<Evidence> {
        let project = project(dir)?;
        if !project.contains('/') {
            return Some(dir.evidence(&project, None, "project file is present"));
        }
        solution(dir).map(|s| dir.evidence(&s, None, format!("solution with project {project}")))
    }

    fn name_hint(&self, dir: &ServiceDir) -> Option<String> {
        project(dir).map(|p| assembly_name(dir, &p))
    }

    fn detect(&self, dir: &ServiceDir, overrides: &Overrides) -> StackFacts {
        let project_file = project(dir).unwrap_or_else(|| "app.csproj".to_string());
        let text = dir.read(&project_file).unwrap_or_default();
        let version = overrides.language_version(
            target_framework(dir, &project_file).unwrap_or_else(|| version_or_default(DEFAULT_VERSION, ".NET")),
        );
        let web = text.contains("Microsoft.NET.Sdk.Web");
        let framework = web.then(|| {
            Detected::found(
                "ASP.NET Core".to_string(),
                dir.evidence_at(&project_file, "Microsoft.NET.Sdk.Web", "web SDK"),
            )
        });
        let config: Vec<(String, String)> =
            ["Dockerfile", ".env", "appsettings.json", "Properties/launchSettings.json"]
                .iter()
                .filter(|f| **f != "Properties/launchSettings.json")
                .filter_map(|f| dir.read(f).map(|t| ((*f).to_string(), t)))
                .collect();
        let env_hits: Vec<_> = config.iter().flat_map(|(f, t)| grep_text(f, t, &ENV_URLS)).collect();
        let source_hits: Vec<_> = dir
            .grep(SOURCES, &URL_PORT)
            .into_iter()
            .map(|mut h| {
                let port = h.group(1).or(h.group(2)).or(h.group(3)).map(str::to_string);
                h.captures = vec![None, port];
                h
            })
            .collect();
        let port = overrides.port(
            first_port(dir, &source_hits, 1, "Kestrel listens on port")
                .or_else(|| first_port(dir, &env_hits, 1, "ASP.NET Core URL uses port"))
                .or_else(|| common::dockerfile_port(dir))
                .unwrap_or_else(|| {
                    Detected::default_value(8080, "ASP.NET Core images listen on 8080 by default (.NET 8+)")
                }),
        );
        let health_path = overrides.health_path(health_route(dir, SOURCES).unwrap_or_else(tcp_health));
        let assembly = assembly_name(dir, &project_file);
        let dotnet = DOTNET.resolve(&version.value);
        let sdk = pinned_sdk(dir);
        let sdk_image =
            runtimes::dotnet_sdk(&dotnet, sdk.as_ref().filter(|(_, exact, _)| *exact).map(|(v, _, _)| v.as_str()));
        let mut dependency_files = Vec::new();
        let projects = project_closure(dir, &project_file);
        for project in &projects {
            dependency_files.push(project.clone());
            let lock = in_dir(project.rsplit_once('/').map_or("", |(d, _)| d), "packages.lock.json");
            if dir.has(&lock) {
                dependency_files.push(lock);
            }
        }
        for folder in
            projects.iter().flat_map(|p| ancestors(p)).collect::<std::collections::BTreeSet<_>>().into_iter().rev()
        {
            for name in RESTORE_FILES {
                let file = in_dir(&folder, name);
                if dir.has(&file) && !dependency_files.contains(&file) {
                    dependency_files.push(file);
                }
            }
        }
        let sqlite = relative_sqlite(dir).is_some();
        let (workdir, writable_dirs) = if sqlite {
            (DATA_DIR.to_string(), vec!["/tmp".to_string(), DATA_DIR.to_string()])
        } else {
            ("/app".to_string(), vec!["/tmp".to_string()])
        };
        let mut env = vec![
            ("ASPNETCORE_HTTP_PORTS".to_string(), port.value.to_string()),
            ("DOTNET_RUNNING_IN_CONTAINER".into(), "true".into()),
        ];
        if sqlite {
            // The app runs from the volume; its files stay in /app.
            env.push(("ASPNETCORE_CONTENTROOT".into(), "/app".into()));
        }
        let ci_target = solution(dir).unwrap_or_else(|| project_file.clone());
        let uses_ef = text.contains("Microsoft.EntityFrameworkCore");
        let migrations = dir.files().iter().find(|f| f.contains("Migrations/") && f.ends_with(".cs")).cloned();
        let migration = match (uses_ef, &migrations) {
            (true, Some(file)) => Some(Detected::found(
                Migration { tool: "ef-core".into(), command: vec!["/app/efbundle".into()] },
                dir.evidence(file, None, "Entity Framework Core migrations"),
            )),
            _ => None,
        };
        let mut build = vec![CachedCommand::new(
            format!("dotnet publish \"{project_file}\" -c Release -o /out/app --no-restore /p:UseAppHost=true"),
            &["/root/.nuget/packages"],
        )];
        if migration.is_some() {
            let ef_tool = ef_tool_version(dir, &text, dotnet.version());
            build.push(CachedCommand::new(
                format!("dotnet tool install --global dotnet-ef --version {ef_tool} && /root/.dotnet/tools/dotnet-ef migrations bundle --project \"{project_file}\" --self-contained -r linux-x64 -o /out/app/efbundle"),
                &["/root/.nuget/packages"],
            ));
        }
        StackFacts {
            language_version: version,
            package_manager: Detected::found("nuget".into(), dir.evidence(&project_file, None, "SDK-style project")),
            framework,
            start_command: Detected::found(
                vec![format!("/app/{assembly}")],
                dir.evidence(&project_file, None, format!("assembly `{assembly}`")),
            ),
            build_command: Some(Detected::found(
                format!("dotnet publish {project_file} -c Release"),
                dir.evidence(&project_file, None, "project file"),
            )),
            port: port.clone(),
            health_path: health_path.clone(),
            migration,
            secret_env: connection_strings(dir).into_iter().chain(secret_env(dir, SOURCES, &ENV_READ)).collect(),
            image: ImageRecipe {
                build_args: Vec::new(),
                build_image: sdk_image.clone(),
                build_env: vec![("DOTNET_CLI_TELEMETRY_OPTOUT".into(), "1".into())],
                runtime_image: runtimes::dotnet_runtime(&dotnet, web),
                runtime_has_shell: false,
                dependency_files: dependency_files.clone(),
                install: vec![CachedCommand::new(
                    format!("dotnet restore \"{project_file}\""),
                    &["/root/.nuget/packages"],
                )],
                build,
                source_mount: false,
                artifacts: vec![("/out/app".into(), "/app".into())],
                writable_dirs,
                workdir,
                env,
                runtime_setup: Vec::new(),
                uid: APP_UID,
                command: vec![format!("/app/{assembly}")],
                healthcheck: probe_healthcheck(port.value, health_path.value.as_deref()),
                static_probe: true,
            },
            ci: CiCommands {
                image: sdk_image,
                install: vec![format!("dotnet restore \"{ci_target}\"")],
                test: vec![format!("dotnet test \"{ci_target}\" --no-restore")],
                audit: vec![
                    "dotnet list package --vulnerable --include-transitive 2>&1 | tee audit.txt".into(),
                    "! grep -qiE '(High|Critical)' audit.txt".into(),
                ],
                cache_paths: vec!["~/.nuget/packages".into()],
                cache_key_files: dependency_files,
            },
        }
    }
}

fn dotnet_warnings(dir: &ServiceDir, facts: &StackFacts) -> Vec<String> {
    let mut out: Vec<String> = DOTNET.resolve(&facts.language_version.value).warning.into_iter().collect();
    if let Some(evidence) = relative_sqlite(dir) {
        out.push(format!(
            "{} ({}): the app runs in {DATA_DIR}, an emptyDir volume, so the database is lost when the pod restarts; use a PersistentVolumeClaim or a database server in production",
            evidence.detail, evidence.file
        ));
    }
    out
}

fn assembly_name(dir: &ServiceDir, project_file: &str) -> String {
    dir.read(project_file)
        .and_then(|t| ASSEMBLY_NAME.captures(&t).and_then(|c| c.get(1)).map(|m| m.as_str().to_string()))
        .unwrap_or_else(|| {
            let name = project_file.rsplit('/').next().unwrap_or(project_file);
            name.trim_end_matches(".csproj").trim_end_matches(".fsproj").to_string()
        })
}

static CONNECTION_STRING: LazyLock<Regex> =
    LazyLock::new(|| re(r#"GetConnectionString\(\s*"([A-Za-z][A-Za-z0-9_]*)""#));

/// Connection strings the app reads: secrets, set as `ConnectionStrings__NAME`.
fn connection_strings(dir: &ServiceDir) -> Vec<Detected<String>> {
    let mut out: Vec<Detected<String>> = Vec::new();
    for hit in dir.grep(SOURCES, &CONNECTION_STRING) {
        let Some(name) = hit.group(1) else { continue };
        let env = format!("ConnectionStrings__{name}");
        if !out.iter().any(|d| d.value == env) {
            out.push(Detected::found(
                env,
                dir.evidence(&hit.file, Some(hit.line), format!("reads connection string `{name}`")),
            ));
        }
    }
    out
}
