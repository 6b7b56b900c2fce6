use std::sync::LazyLock;

use regex::Regex;

use super::common::{self, first_port, health_route, probe_healthcheck, secret_env, tcp_health};
use super::repo::{grep_text, re, ServiceDir};
use super::{version_or_default, Overrides, Provider, StackFacts};
use crate::plan::{CachedCommand, CiCommands, Detected, Evidence, ImageRecipe, Migration, Stack};

pub(crate) struct Dotnet;

const SOURCES: &[&str] = &[".cs", ".fs"];
const DEFAULT_VERSION: &str = "8.0";
const EF_TOOL_VERSION: &str = "8.0.11";
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

    fn matches(&self, dir: &ServiceDir) -> Option<Evidence> {
        project(dir).map(|p| dir.evidence(&p, None, "project file is present"))
    }

    fn name_hint(&self, dir: &ServiceDir) -> Option<String> {
        project(dir).map(|p| assembly_name(dir, &p))
    }

    fn detect(&self, dir: &ServiceDir, overrides: &Overrides) -> StackFacts {
        let project_file = project(dir).unwrap_or_else(|| "app.csproj".to_string());
        let text = dir.read(&project_file).unwrap_or_default();
        let version = overrides.language_version(
            TARGET_FRAMEWORK
                .captures(&text)
                .and_then(|c| c.get(1))
                .map(|v| {
                    Detected::found(
                        v.as_str().to_string(),
                        dir.evidence_at(&project_file, "<TargetFramework", format!("targets net{}", v.as_str())),
                    )
                })
                .unwrap_or_else(|| version_or_default(DEFAULT_VERSION, ".NET")),
        );
        let framework = text.contains("Microsoft.NET.Sdk.Web").then(|| {
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
        let v = version.value.clone();
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
            build.push(CachedCommand::new(
                format!("dotnet tool install --global dotnet-ef --version {EF_TOOL_VERSION} && /root/.dotnet/tools/dotnet-ef migrations bundle --project \"{project_file}\" --self-contained -r linux-x64 -o /out/app/efbundle"),
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
                build_image: format!("mcr.microsoft.com/dotnet/sdk:{v}"),
                build_env: vec![("DOTNET_CLI_TELEMETRY_OPTOUT".into(), "1".into())],
                runtime_image: format!("mcr.microsoft.com/dotnet/aspnet:{v}-noble-chiseled"),
                runtime_has_shell: false,
                dependency_files: vec![project_file.clone()],
                install: vec![CachedCommand::new(
                    format!("dotnet restore \"{project_file}\""),
                    &["/root/.nuget/packages"],
                )],
                build,
                source_mount: false,
                artifacts: vec![("/out/app".into(), "/app".into())],
                writable_dirs: vec!["/tmp".into()],
                workdir: "/app".into(),
                env: vec![
                    ("ASPNETCORE_HTTP_PORTS".into(), port.value.to_string()),
                    ("DOTNET_RUNNING_IN_CONTAINER".into(), "true".into()),
                ],
                runtime_setup: Vec::new(),
                uid: APP_UID,
                command: vec![format!("/app/{assembly}")],
                healthcheck: probe_healthcheck(port.value, health_path.value.as_deref()),
                static_probe: true,
            },
            ci: CiCommands {
                image: format!("mcr.microsoft.com/dotnet/sdk:{v}"),
                install: vec!["dotnet restore".into()],
                test: vec!["dotnet test --no-restore".into()],
                audit: vec![
                    "dotnet list package --vulnerable --include-transitive 2>&1 | tee audit.txt".into(),
                    "! grep -qiE '(High|Critical)' audit.txt".into(),
                ],
                cache_paths: vec!["~/.nuget/packages".into()],
                cache_key_files: vec![project_file],
            },
        }
    }
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
