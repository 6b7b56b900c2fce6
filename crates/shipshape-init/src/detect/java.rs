use std::sync::LazyLock;

use regex::Regex;

use super::common::{self, health_route, port_number, probe_healthcheck, secret_env, tcp_health};
use super::repo::{grep_text, re, ServiceDir};
use super::{version_or_default, Overrides, Provider, StackFacts};
use crate::plan::{AppMetrics, CachedCommand, CiCommands, Detected, Evidence, ImageRecipe, Migration, Stack};
use crate::runtimes::{self, JAVA};

pub(crate) struct Java;

const SOURCES: &[&str] = &[".java", ".kt"];
const DEFAULT_VERSION: &str = "21";

static MAVEN_VERSION: LazyLock<Regex> = LazyLock::new(|| {
    re(r"<(?:java\.version|maven\.compiler\.release|maven\.compiler\.source|release)>\s*(?:1\.)?(\d+)\s*</")
});
static GRADLE_VERSION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?:JavaLanguageVersion\.of\(\s*|JavaVersion\.VERSION_(?:1_)?|(?:source|target)Compatibility\s*=\s*['"]?(?:1\.)?)(\d+)"#,
    )
});
static PROPERTIES_PORT: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?m)^\s*(?:server\.port|quarkus\.http\.port|micronaut\.server\.port)\s*[=:]\s*(?:\$\{PORT:)?(\d{2,5})")
});
static YAML_SERVER_PORT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^server:\s*\n(?:[ \t]+.*\n)*?[ \t]+port:\s*(?:\$\{PORT:)?(\d{2,5})"));
static ENV_READ: LazyLock<Regex> = LazyLock::new(|| re(r#"(?:System\.getenv\(\s*"|\$\{)([A-Z][A-Z0-9_]*)(?:"|[:}])"#));
static ARTIFACT_ID: LazyLock<Regex> = LazyLock::new(|| re(r"<artifactId>([^<]+)</artifactId>"));

/// The Spring Boot release: the parent POM's or the Gradle plugin's version.
static SPRING_BOOT_VERSION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?s)spring-boot-starter-parent</artifactId>\s*<version>(\d+)\.(\d+)|org\.springframework\.boot['"]?\)?\s*version\s*['"](\d+)\.(\d+)"#,
    )
});
const PROMETHEUS_REGISTRY: &str = "micrometer-registry-prometheus";
const ACTUATOR: &str = "spring-boot-starter-actuator";

/// True when Spring Boot is 2.3 or later (liveness and readiness groups),
/// or its version is not found (current releases have them).
fn has_probe_groups(text: &str) -> bool {
    let Some(caps) = SPRING_BOOT_VERSION.captures(text) else { return true };
    let number = |a: usize, b: usize| caps.get(a).or(caps.get(b)).and_then(|m| m.as_str().parse::<u32>().ok());
    match (number(1, 3), number(2, 4)) {
        (Some(major), Some(minor)) => (major, minor) >= (2, 3),
        _ => true,
    }
}

/// Spring Boot with Actuator whose health groups serve the probes.
fn actuator_probes(text: &str) -> bool {
    text.contains(ACTUATOR) && text.contains("org.springframework.boot") && has_probe_groups(text)
}

enum Build {
    Maven { wrapper: bool },
    Gradle { wrapper: bool, kotlin: bool },
}

fn build_tool(dir: &ServiceDir) -> Option<(Build, Evidence)> {
    if dir.has("pom.xml") {
        return Some((Build::Maven { wrapper: dir.has("mvnw") }, dir.evidence("pom.xml", None, "pom.xml is present")));
    }
    for (file, kotlin) in [("build.gradle.kts", true), ("build.gradle", false)] {
        if dir.has(file) {
            return Some((
                Build::Gradle { wrapper: dir.has("gradlew"), kotlin },
                dir.evidence(file, None, format!("{file} is present")),
            ));
        }
    }
    None
}

fn build_text(dir: &ServiceDir) -> (String, &'static str) {
    for file in ["pom.xml", "build.gradle.kts", "build.gradle"] {
        if let Some(text) = dir.read(file) {
            return (text, file);
        }
    }
    (String::new(), "pom.xml")
}

/// Spring, Quarkus or Micronaut configuration files under `src/main/resources`.
fn config_files(dir: &ServiceDir) -> Vec<(String, String)> {
    dir.files()
        .iter()
        .filter(|f| {
            f.starts_with("src/main/resources/")
                && (f.ends_with("application.properties")
                    || f.ends_with("application.yml")
                    || f.ends_with("application.yaml"))
        })
        .filter_map(|f| dir.read(f).map(|t| (f.clone(), t)))
        .collect()
}

impl Provider for Java {
    fn stack(&self) -> Stack {
        Stack::Java
    }

    fn build_context(&self, dir: &ServiceDir) -> Option<String> {
        maven_module(dir).map(|(_, parent, _)| parent)
    }

    fn metrics(&self, dir: &ServiceDir, _facts: &StackFacts) -> Option<Detected<AppMetrics>> {
        java_metrics(dir)
    }

    fn liveness_path(&self, dir: &ServiceDir, facts: &StackFacts) -> Option<Detected<String>> {
        let (text, build_file) = build_text(dir);
        (actuator_probes(&text) && facts.health_path.value.as_deref() == Some("/actuator/health/readiness")).then(
            || {
                Detected::found(
                    "/actuator/health/liveness".to_string(),
                    dir.evidence_at(build_file, ACTUATOR, "Spring Boot Actuator serves the liveness group"),
                )
            },
        )
    }

    fn warnings(&self, dir: &ServiceDir, facts: &StackFacts) -> Vec<String> {
        java_warnings(dir, facts)
    }

    fn matches(&self, dir: &ServiceDir) -> Option<Evidence> {
        build_tool(dir).map(|(_, e)| e)
    }

    fn name_hint(&self, dir: &ServiceDir) -> Option<String> {
        let pom = dir.read("pom.xml")?;
        let own = match (pom.find("<parent>"), pom.find("</parent>")) {
            (Some(start), Some(end)) if start < end => format!("{}{}", &pom[..start], &pom[end..]),
            _ => pom,
        };
        ARTIFACT_ID.captures(&own)?.get(1).map(|m| m.as_str().trim().to_string())
    }

    fn detect(&self, dir: &ServiceDir, overrides: &Overrides) -> StackFacts {
        let (build, build_evidence) = build_tool(dir).unwrap_or_else(|| {
            (Build::Maven { wrapper: false }, dir.evidence("pom.xml", None, "no build file found; Maven"))
        });
        let (text, build_file) = build_text(dir);
        let version_re: &Regex = if build_file == "pom.xml" { &MAVEN_VERSION } else { &GRADLE_VERSION };
        let version = overrides.language_version(
            grep_text(build_file, &text, version_re)
                .into_iter()
                .find_map(|hit| {
                    let v = hit.group(1)?.to_string();
                    Some(Detected::found(v.clone(), dir.evidence(build_file, Some(hit.line), format!("Java {v}"))))
                })
                .or_else(|| parent_java_version(dir))
                .unwrap_or_else(|| version_or_default(DEFAULT_VERSION, "Java")),
        );
        let framework =
            [("org.springframework.boot", "Spring Boot"), ("io.quarkus", "Quarkus"), ("io.micronaut", "Micronaut")]
                .into_iter()
                .find(|(marker, _)| text.contains(marker))
                .map(|(marker, name)| {
                    Detected::found(name.to_string(), dir.evidence_at(build_file, marker, format!("uses {marker}")))
                });
        let framework_name = framework.as_ref().map(|f| f.value.clone());
        let configs = config_files(dir);
        let port = overrides.port(
            configs
                .iter()
                .flat_map(|(f, t)| {
                    grep_text(f, t, &PROPERTIES_PORT).into_iter().chain(grep_text(f, t, &YAML_SERVER_PORT))
                })
                .find_map(|hit| {
                    let port = port_number(hit.group(1)?)?;
                    Some(Detected::found(port, dir.evidence(&hit.file, Some(hit.line), format!("server port {port}"))))
                })
                .or_else(|| common::dockerfile_port(dir))
                .unwrap_or_else(|| {
                    Detected::default_value(
                        8080,
                        format!("{} listens on 8080 by default", framework_name.as_deref().unwrap_or("the server")),
                    )
                }),
        );
        let health_path = overrides.health_path(if actuator_probes(&text) {
            Detected::found(
                Some("/actuator/health/readiness".to_string()),
                dir.evidence_at(
                    build_file,
                    ACTUATOR,
                    "Spring Boot Actuator serves the readiness group at /actuator/health/readiness",
                ),
            )
        } else if text.contains(ACTUATOR) {
            Detected::found(
                Some("/actuator/health".to_string()),
                dir.evidence_at(build_file, ACTUATOR, "Spring Boot Actuator serves /actuator/health"),
            )
        } else if text.contains("quarkus-smallrye-health") {
            Detected::found(
                Some("/q/health".to_string()),
                dir.evidence_at(build_file, "quarkus-smallrye-health", "SmallRye Health serves /q/health"),
            )
        } else {
            health_route(dir, SOURCES).unwrap_or_else(tcp_health)
        });
        let run_jar = vec!["java".to_string(), "-XX:MaxRAMPercentage=75".into(), "-jar".into(), "/app/app.jar".into()];
        let migration = if text.contains("flyway") {
            Some(Detected::found(
                Migration { tool: "flyway".into(), command: migrate_command(&run_jar, "flyway") },
                dir.evidence_at(build_file, "flyway", "depends on Flyway"),
            ))
        } else if text.contains("liquibase") {
            Some(Detected::found(
                Migration { tool: "liquibase".into(), command: migrate_command(&run_jar, "liquibase") },
                dir.evidence_at(build_file, "liquibase", "depends on Liquibase"),
            ))
        } else {
            None
        };
        let java = JAVA.resolve(&version.value);
        let module = maven_module(dir);
        let jdk = runtimes::temurin_jdk(&java);
        let (manager, image, files, fetch, package, jar_dir, cache, ci_test, ci_audit) = match build {
            Build::Maven { .. } if module.is_some() => {
                let (name, _, modules) = module.clone().unwrap_or_default();
                let wrapper = dir.has("../mvnw");
                let mvn = if wrapper { "./mvnw" } else { "mvn" };
                let ci_mvn = if wrapper { "../mvnw" } else { "mvn" };
                let mut files = vec!["pom.xml".to_string()];
                if wrapper {
                    files.extend(["mvnw".to_string(), ".mvn".to_string()]);
                }
                files.extend(
                    modules.iter().filter(|m| dir.has(&format!("../{m}/pom.xml"))).map(|m| format!("{m}/pom.xml")),
                );
                (
                    if wrapper { "maven (wrapper, module)" } else { "maven (module)" },
                    if wrapper { jdk.clone() } else { runtimes::maven_image(&java) },
                    files,
                    String::new(),
                    format!("{mvn} -B -q -pl {name} -am package -DskipTests"),
                    format!("{name}/target"),
                    "/root/.m2",
                    format!("{ci_mvn} -B -f ../pom.xml -pl {name} -am verify"),
                    format!("{ci_mvn} -B -f ../pom.xml -pl {name} -am org.owasp:dependency-check-maven:10.0.4:check -DfailBuildOnCVSS=7"),
                )
            }
            Build::Maven { wrapper } => {
                let mvn = if wrapper { "./mvnw" } else { "mvn" };
                let mut files = vec!["pom.xml".to_string()];
                if wrapper {
                    files.extend(["mvnw".to_string(), ".mvn".to_string()]);
                }
                (
                    if wrapper { "maven (wrapper)" } else { "maven" },
                    if wrapper { jdk.clone() } else { runtimes::maven_image(&java) },
                    files,
                    format!("{mvn} -B -q dependency:go-offline"),
                    format!("{mvn} -B -q package -DskipTests"),
                    "target".to_string(),
                    "/root/.m2",
                    format!("{mvn} -B verify"),
                    format!("{mvn} -B org.owasp:dependency-check-maven:10.0.4:check -DfailBuildOnCVSS=7"),
                )
            }
            Build::Gradle { wrapper, kotlin } => {
                let gradle = if wrapper { "./gradlew" } else { "gradle" };
                let ext = if kotlin { ".kts" } else { "" };
                let mut files = vec![format!("build.gradle{ext}")];
                if dir.has(&format!("settings.gradle{ext}")) {
                    files.push(format!("settings.gradle{ext}"));
                }
                if wrapper {
                    files.extend(["gradlew".to_string(), "gradle".to_string()]);
                }
                let task = if framework_name.as_deref() == Some("Spring Boot") { "bootJar" } else { "assemble" };
                (
                    if wrapper { "gradle (wrapper)" } else { "gradle" },
                    if wrapper { jdk.clone() } else { runtimes::gradle_image(&java) },
                    files,
                    format!("{gradle} --no-daemon dependencies"),
                    format!("{gradle} --no-daemon {task} -x test"),
                    "build/libs".to_string(),
                    "/root/.gradle",
                    format!("{gradle} --no-daemon check"),
                    format!("{gradle} --no-daemon dependencyCheckAnalyze"),
                )
            }
        };
        let copy_jar = format!(
            "mkdir -p /out && find {jar_dir} -maxdepth 1 -name '*.jar' ! -name '*-plain.jar' ! -name '*-sources.jar' ! -name '*-javadoc.jar' -exec cp {{}} /out/app.jar \\;"
        );
        let (runtime, runtime_has_shell) = runtimes::java_runtime(&java);
        let mut env = Vec::new();
        if actuator_probes(&text) {
            env.push(("MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED".to_string(), "true".to_string()));
        }
        let ci_cache_keys = if module.is_some() { vec!["pom.xml".to_string()] } else { files.clone() };
        StackFacts {
            language_version: version,
            package_manager: Detected::found(manager.to_string(), build_evidence.clone()),
            framework,
            start_command: Detected::found(run_jar.clone(), build_evidence),
            build_command: Some(Detected::found(package.clone(), dir.evidence(build_file, None, "build file"))),
            port: port.clone(),
            health_path: health_path.clone(),
            migration,
            secret_env: secret_env(dir, &[".java", ".kt", ".properties", ".yml", ".yaml"], &ENV_READ),
            image: ImageRecipe {
                build_args: Vec::new(),
                build_image: image.clone(),
                build_env: Vec::new(),
                runtime_image: runtime,
                runtime_has_shell,
                dependency_files: files.clone(),
                // A module's siblings are not in any repository yet: no go-offline.
                install: if fetch.is_empty() { Vec::new() } else { vec![CachedCommand::new(fetch, &[cache])] },
                build: vec![CachedCommand::new(format!("{package} && {copy_jar}"), &[cache])],
                source_mount: false,
                artifacts: vec![("/out/app.jar".into(), "/app/app.jar".into())],
                writable_dirs: vec!["/tmp".into()],
                workdir: "/app".into(),
                env,
                runtime_setup: Vec::new(),
                uid: 65532,
                command: run_jar,
                healthcheck: probe_healthcheck(port.value, health_path.value.as_deref()),
                static_probe: true,
            },
            ci: CiCommands {
                image,
                install: Vec::new(),
                test: vec![ci_test],
                audit: vec![ci_audit],
                cache_paths: vec![cache.replace("/root", "~")],
                cache_key_files: ci_cache_keys,
            },
        }
    }
}

/// A Maven module built from its parent's folder: (the module's folder
/// name, the parent folder relative to the repository root, the parent's
/// module folders).
fn maven_module(dir: &ServiceDir) -> Option<(String, String, Vec<String>)> {
    if dir.rel == "." || !dir.has("pom.xml") {
        return None;
    }
    let (parent, name) = dir.rel.rsplit_once('/').unwrap_or((".", dir.rel.as_str()));
    let modules = super::maven_modules(&dir.read("../pom.xml")?);
    modules.iter().any(|m| m == name).then(|| (name.to_string(), parent.to_string(), modules))
}

/// The Java version of a Maven module's parent POM (`../pom.xml`).
fn parent_java_version(dir: &ServiceDir) -> Option<Detected<String>> {
    if dir.rel == "." || !dir.has("pom.xml") {
        return None;
    }
    let text = dir.read("../pom.xml")?;
    let hit = grep_text("../pom.xml", &text, &MAVEN_VERSION).into_iter().next()?;
    let v = hit.group(1)?.to_string();
    let file =
        dir.rel.rsplit_once('/').map_or_else(|| "pom.xml".to_string(), |(parent, _)| format!("{parent}/pom.xml"));
    Some(Detected::found(
        v.clone(),
        Evidence { file, line: Some(hit.line), detail: format!("Java {v} in the parent POM") },
    ))
}

fn java_metrics(dir: &ServiceDir) -> Option<Detected<AppMetrics>> {
    let (text, build_file) = build_text(dir);
    (text.contains(PROMETHEUS_REGISTRY) && text.contains(ACTUATOR)).then(|| {
        Detected::found(
            AppMetrics { library: PROMETHEUS_REGISTRY.into(), path: "/actuator/prometheus".into() },
            dir.evidence_at(build_file, PROMETHEUS_REGISTRY, "Micrometer's Prometheus registry behind Actuator"),
        )
    })
}

fn java_warnings(dir: &ServiceDir, facts: &StackFacts) -> Vec<String> {
    let mut out: Vec<String> = JAVA.resolve(&facts.language_version.value).warning.into_iter().collect();
    let (text, build_file) = build_text(dir);
    if text.contains(ACTUATOR) && !text.contains(PROMETHEUS_REGISTRY) {
        out.push(format!(
            "{build_file} has Actuator but not io.micrometer:{PROMETHEUS_REGISTRY}, so /actuator/prometheus does not exist: no ServiceMonitor on the app; add the dependency (and expose `prometheus` in management.endpoints.web.exposure.include) to scrape its metrics"
        ));
    }
    if text.contains("nohttp") {
        out.push(format!(
            "{build_file} runs nohttp over every file: the kit writes no plain-HTTP URL literal (the in-cluster Prometheus address is escaped in YAML as `http\\x3A//…`, probes use 127.0.0.1, which nohttp allows)"
        ));
    }
    out
}

/// Runs the app once with only its migration tool, then exits.
fn migrate_command(run_jar: &[String], tool: &str) -> Vec<String> {
    let mut command = run_jar.to_vec();
    command.insert(1, "-Dspring.main.web-application-type=none".into());
    command.push(format!("--spring.{tool}.enabled=true"));
    command
}
