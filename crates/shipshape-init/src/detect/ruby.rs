use std::sync::LazyLock;

use regex::Regex;

use super::common::{self, first_port, health_route, secret_env, tcp_health};
use super::repo::{grep_text, re, ServiceDir};
use super::{version_or_default, Overrides, Provider, StackFacts};
use crate::plan::{CachedCommand, CiCommands, Detected, Evidence, ImageRecipe, Migration, Stack};

pub(crate) struct Ruby;

const SOURCES: &[&str] = &[".rb", ".ru"];
const DEFAULT_VERSION: &str = "3.3";

static GEMFILE_RUBY: LazyLock<Regex> = LazyLock::new(|| re(r#"(?m)^\s*ruby\s+['"](\d+\.\d+)"#));
static PUMA_PORT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?m)^\s*(?:port|bind)\s+(?:ENV\.fetch\(\s*['"]PORT['"]\s*(?:,\s*|\)\s*\{\s*)|['"]tcp://[^:]+:)?['"]?(\d{2,5})"#,
    )
});
static SINATRA_PORT: LazyLock<Regex> = LazyLock::new(|| re(r"set\s+:port,\s*(\d{2,5})"));
static RAILS_UP: LazyLock<Regex> = LazyLock::new(|| re(r#"get\s+['"]/?(up|health|healthz)['"]\s*(?:=>|,\s*to:)"#));
static ENV_READ: LazyLock<Regex> = LazyLock::new(|| re(r#"ENV(?:\.fetch\(\s*|\[\s*)['"]([A-Z][A-Z0-9_]*)['"]"#));

fn gemfile_has(dir: &ServiceDir, gem: &str) -> bool {
    let pattern = format!(r#"(?m)^\s*gem\s+['"]{}['"]"#, regex::escape(gem));
    let lock_pattern = format!(r"(?m)^    {} \(", regex::escape(gem));
    dir.read("Gemfile").is_some_and(|t| Regex::new(&pattern).is_ok_and(|r| r.is_match(&t)))
        || dir.read("Gemfile.lock").is_some_and(|t| Regex::new(&lock_pattern).is_ok_and(|r| r.is_match(&t)))
}

fn ruby_version(dir: &ServiceDir) -> Detected<String> {
    if let Some(text) = dir.read(".ruby-version") {
        let version: String = text.trim().trim_start_matches("ruby-").split('.').take(2).collect::<Vec<_>>().join(".");
        if version.starts_with(|c: char| c.is_ascii_digit()) {
            return Detected::found(version, dir.evidence(".ruby-version", Some(1), ".ruby-version pins Ruby"));
        }
    }
    if let Some(hit) = dir.read("Gemfile").and_then(|t| grep_text("Gemfile", &t, &GEMFILE_RUBY).into_iter().next()) {
        if let Some(version) = hit.group(1) {
            return Detected::found(version.to_string(), dir.evidence("Gemfile", Some(hit.line), "Gemfile pins Ruby"));
        }
    }
    version_or_default(DEFAULT_VERSION, "Ruby")
}

impl Provider for Ruby {
    fn stack(&self) -> Stack {
        Stack::Ruby
    }

    fn matches(&self, dir: &ServiceDir) -> Option<Evidence> {
        dir.has("Gemfile").then(|| dir.evidence("Gemfile", None, "Gemfile is present"))
    }

    fn name_hint(&self, dir: &ServiceDir) -> Option<String> {
        static MODULE: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^module\s+(\w+)"));
        let text = dir.read("config/application.rb")?;
        MODULE.captures(&text)?.get(1).map(|m| m.as_str().to_string())
    }

    fn detect(&self, dir: &ServiceDir, overrides: &Overrides) -> StackFacts {
        let version = overrides.language_version(ruby_version(dir));
        let rails = gemfile_has(dir, "rails") || dir.has("config/application.rb");
        let framework = if rails {
            Some(Detected::found("Rails".to_string(), dir.evidence_at("Gemfile", "rails", "depends on rails")))
        } else {
            ["sinatra", "hanami", "roda", "grape"]
                .into_iter()
                .find(|g| gemfile_has(dir, g))
                .map(|g| Detected::found(g.to_string(), dir.evidence_at("Gemfile", g, format!("depends on {g}"))))
        };
        let framework_name = framework.as_ref().map(|f| f.value.clone());
        let puma_hits =
            dir.read("config/puma.rb").map(|t| grep_text("config/puma.rb", &t, &PUMA_PORT)).unwrap_or_default();
        let port = overrides.port(
            first_port(dir, &puma_hits, 1, "Puma listens on port")
                .or_else(|| first_port(dir, &dir.grep(SOURCES, &SINATRA_PORT), 1, "Sinatra listens on port"))
                .or_else(|| common::dotenv_port(dir))
                .or_else(|| common::dockerfile_port(dir))
                .unwrap_or_else(|| match framework_name.as_deref() {
                    Some("sinatra") => Detected::default_value(4567, "Sinatra listens on 4567 by default"),
                    _ => Detected::default_value(3000, "Rails and Puma listen on 3000 by default"),
                }),
        );
        let health_path = overrides.health_path(
            dir.read("config/routes.rb")
                .and_then(|t| grep_text("config/routes.rb", &t, &RAILS_UP).into_iter().next())
                .and_then(|hit| {
                    let path = format!("/{}", hit.group(1)?);
                    Some(Detected::found(
                        Some(path.clone()),
                        dir.evidence("config/routes.rb", Some(hit.line), format!("route `{path}`")),
                    ))
                })
                .or_else(|| health_route(dir, SOURCES))
                .unwrap_or_else(tcp_health),
        );
        let p = port.value;
        let command: Vec<String> = if rails {
            vec!["bin/rails".into(), "server".into(), "-b".into(), "0.0.0.0".into(), "-p".into(), p.to_string()]
        } else if dir.has("config.ru") {
            vec![
                "bundle".into(),
                "exec".into(),
                "rackup".into(),
                "--host".into(),
                "0.0.0.0".into(),
                "-p".into(),
                p.to_string(),
            ]
        } else {
            let main = ["app.rb", "server.rb", "main.rb"].into_iter().find(|f| dir.has(f)).unwrap_or("app.rb");
            vec!["bundle".into(), "exec".into(), "ruby".into(), main.into()]
        };
        let migration = (rails && dir.has_dir("db/migrate")).then(|| {
            Detected::found(
                Migration { tool: "rails".into(), command: vec!["bin/rails".into(), "db:migrate".into()] },
                dir.evidence("db/migrate", None, "Rails migrations in db/migrate"),
            )
        });
        let v = version.value.clone();
        let mut runtime_packages = Vec::new();
        if gemfile_has(dir, "pg") {
            runtime_packages.push("libpq5=15.*");
        }
        if gemfile_has(dir, "mysql2") {
            runtime_packages.push("libmariadb3=1:10.11.*");
        }
        let runtime_setup = if runtime_packages.is_empty() {
            Vec::new()
        } else {
            vec![format!(
                "apt-get update && apt-get install -y --no-install-recommends {} && rm -rf /var/lib/apt/lists/*",
                runtime_packages.join(" ")
            )]
        };
        let mut build = Vec::new();
        if rails && dir.has_dir("app/assets") {
            build.push(CachedCommand::new("SECRET_KEY_BASE_DUMMY=1 bin/rails assets:precompile", &[]));
        }
        let mut env =
            vec![("BUNDLE_DEPLOYMENT".into(), "1".into()), ("BUNDLE_WITHOUT".into(), "development:test".into())];
        if rails {
            env.extend([
                ("RAILS_ENV".to_string(), "production".to_string()),
                ("RAILS_LOG_TO_STDOUT".into(), "1".into()),
                ("RAILS_SERVE_STATIC_FILES".into(), "1".into()),
            ]);
        }
        let healthcheck = ruby_healthcheck(p, health_path.value.as_deref());
        let mut dependency_files = vec!["Gemfile".to_string()];
        if dir.has("Gemfile.lock") {
            dependency_files.push("Gemfile.lock".into());
        }
        let writable =
            if rails { vec!["/tmp".into(), "/app/tmp".into(), "/app/log".into()] } else { vec!["/tmp".into()] };
        StackFacts {
            language_version: version,
            package_manager: Detected::found("bundler".into(), dir.evidence("Gemfile", None, "Gemfile")),
            framework,
            start_command: Detected::found(command.clone(), dir.evidence("Gemfile", None, "Ruby web app")),
            build_command: None,
            port,
            health_path,
            migration,
            secret_env: framework_secrets(dir, rails).into_iter().chain(secret_env(dir, SOURCES, &ENV_READ)).collect(),
            image: ImageRecipe {
                build_image: format!("ruby:{v}-bookworm"),
                build_env: env.clone(),
                runtime_image: format!("ruby:{v}-slim-bookworm"),
                runtime_has_shell: true,
                dependency_files: dependency_files.clone(),
                install: vec![CachedCommand::new("bundle install --jobs 4 && rm -rf /usr/local/bundle/cache", &[])],
                build,
                source_mount: false,
                artifacts: vec![
                    ("/usr/local/bundle".into(), "/usr/local/bundle".into()),
                    ("/app".into(), "/app".into()),
                ],
                writable_dirs: writable,
                workdir: "/app".into(),
                env,
                runtime_setup,
                uid: 10001,
                command,
                healthcheck,
                static_probe: false,
            },
            ci: CiCommands {
                image: format!("ruby:{v}-bookworm"),
                install: vec!["bundle install --jobs 4".into()],
                test: vec![if rails { "bin/rails test".into() } else { "bundle exec rake test".into() }],
                audit: vec!["gem install bundler-audit -v 0.9.2".into(), "bundle-audit check --update".into()],
                cache_paths: vec!["vendor/bundle".into()],
                cache_key_files: dependency_files,
            },
        }
    }
}

fn ruby_healthcheck(port: u16, path: Option<&str>) -> Vec<String> {
    let script = match path {
        Some(path) => format!(
            "require 'net/http'; exit(Net::HTTP.get_response(URI('http://127.0.0.1:{port}{path}')).is_a?(Net::HTTPSuccess) ? 0 : 1)"
        ),
        None => format!("require 'socket'; TCPSocket.new('127.0.0.1', {port}).close"),
    };
    vec!["ruby".into(), "-e".into(), script]
}

/// Secrets Rails needs in production whether or not the code reads them.
fn framework_secrets(dir: &ServiceDir, rails: bool) -> Vec<Detected<String>> {
    let mut out = Vec::new();
    if rails {
        out.push(Detected::found(
            "SECRET_KEY_BASE".to_string(),
            dir.evidence("config/application.rb", None, "Rails needs SECRET_KEY_BASE in production"),
        ));
        if gemfile_has(dir, "pg") || gemfile_has(dir, "mysql2") {
            out.push(Detected::found(
                "DATABASE_URL".to_string(),
                dir.evidence_at("Gemfile", "gem \"pg\"", "a database adapter reads DATABASE_URL"),
            ));
        }
    }
    out
}
