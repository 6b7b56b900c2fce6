use std::sync::LazyLock;

use regex::Regex;

use super::common::{self, first_port, health_route, secret_env, tcp_health};
use super::repo::{grep_text, re, ServiceDir};
use super::{version_or_default, Overrides, Provider, StackFacts};
use crate::plan::{CachedCommand, CiCommands, Detected, Evidence, ImageRecipe, Migration, Stack};
use crate::runtimes::{self, RUBY};

pub(crate) struct Ruby;

const SOURCES: &[&str] = &[".rb", ".ru"];
const DEFAULT_VERSION: &str = "3.3";
/// Where a Rails app on SQLite keeps its database: an empty volume.
const SQLITE_DIR: &str = "/data";

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

static LOCKED_RAILS: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^    rails \((\d+)\.(\d+)\.(\d+)"));

/// The Rails release locked in Gemfile.lock: (major, minor, patch, line).
fn locked_rails(dir: &ServiceDir) -> Option<((u32, u32, u32), usize)> {
    let text = dir.read("Gemfile.lock")?;
    let hit = grep_text("Gemfile.lock", &text, &LOCKED_RAILS).into_iter().next()?;
    let n = |i: usize| hit.group(i).and_then(|g| g.parse().ok());
    Some(((n(1)?, n(2)?, n(3)?), hit.line))
}

/// The newest Ruby a Rails release runs on (its locked gems compile there:
/// Rails before 4.2.8 locks json 1.8.3, which Ruby 2.4 broke).
fn newest_ruby_for_rails(rails: (u32, u32, u32)) -> &'static str {
    match rails {
        (major, ..) if major < 4 => "2.3",
        (4, minor, patch) if minor < 2 || (minor == 2 && patch < 8) => "2.3",
        (4, ..) => "2.4",
        (5, minor, _) if minor < 2 => "2.6",
        (5, ..) | (6, 0, _) => "2.7",
        (6, ..) => "3.0",
        (7, 0, _) => "3.1",
        (7, 1, _) => "3.3",
        _ => "3.4",
    }
}

/// True when Rails is older than `major.minor`.
fn rails_before(dir: &ServiceDir, major: u32, minor: u32) -> bool {
    locked_rails(dir).is_some_and(|((a, b, _), _)| (a, b) < (major, minor))
}

/// Gems that need a JavaScript runtime at boot (execjs), without an embedded one.
fn needs_nodejs(dir: &ServiceDir) -> bool {
    let lock = dir.read("Gemfile.lock").unwrap_or_default();
    lock.contains("    execjs (") && !["mini_racer", "therubyracer", "therubyrhino"].iter().any(|g| lock.contains(g))
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
    if let Some((rails, line)) = locked_rails(dir) {
        let version = newest_ruby_for_rails(rails);
        let (a, b, c) = rails;
        return Detected::found(
            version.to_string(),
            dir.evidence("Gemfile.lock", Some(line), format!("Rails {a}.{b}.{c} runs on Ruby {version} at the newest")),
        );
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

    fn warnings(&self, dir: &ServiceDir, facts: &StackFacts) -> Vec<String> {
        rails_warnings(dir, facts)
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
        // Rails before 5 runs its tasks with rake.
        let task_runner = if rails_before(dir, 5, 0) { "bin/rake" } else { "bin/rails" };
        let sqlite = rails && gemfile_has(dir, "sqlite3") && !gemfile_has(dir, "pg") && !gemfile_has(dir, "mysql2");
        let server = format!("bin/rails server -b 0.0.0.0 -p {p}");
        let command: Vec<String> = if sqlite {
            // The SQLite file lives on an empty volume: migrate it on start.
            vec!["sh".into(), "-c".into(), format!("{task_runner} db:migrate && exec {server}")]
        } else if rails {
            server.split(' ').map(str::to_string).collect()
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
        let migration = (rails && !sqlite && dir.has_dir("db/migrate")).then(|| {
            Detected::found(
                Migration { tool: "rails".into(), command: vec![task_runner.into(), "db:migrate".into()] },
                dir.evidence("db/migrate", None, "Rails migrations in db/migrate"),
            )
        });
        let ruby = RUBY.resolve(&version.value);
        let suite = ruby.suite();
        let nodejs = needs_nodejs(dir);
        // The full image of an archived suite has the client libraries;
        // slim images install them.
        let slim = !suite.archived();
        let mut runtime_packages = Vec::new();
        if slim {
            for (gem, package) in [("pg", "libpq5"), ("mysql2", "libmariadb3"), ("sqlite3", "libsqlite3-0")] {
                if gemfile_has(dir, gem) {
                    runtime_packages.push(package);
                }
            }
        }
        if nodejs {
            runtime_packages.push("nodejs");
        }
        let runtime_setup: Vec<String> = runtimes::apt_install(suite, &runtime_packages).into_iter().collect();
        let install_nodejs = nodejs.then(|| runtimes::apt_install(suite, &["nodejs"])).flatten();
        let mut build = Vec::new();
        if let Some(command) = &install_nodejs {
            build.push(CachedCommand::new(command.clone(), &[]));
        }
        if rails && dir.has_dir("app/assets") {
            // Rails before 7.1 has no SECRET_KEY_BASE_DUMMY: a throwaway key.
            let precompile = if rails_before(dir, 7, 1) {
                format!("SECRET_KEY_BASE=\"$(ruby -rsecurerandom -e 'print SecureRandom.hex(64)')\" {task_runner} assets:precompile")
            } else {
                "SECRET_KEY_BASE_DUMMY=1 bin/rails assets:precompile".to_string()
            };
            build.push(CachedCommand::new(precompile, &[]));
        }
        let mut env = vec![
            ("BUNDLE_DEPLOYMENT".into(), "1".into()),
            ("BUNDLE_PATH".into(), "/usr/local/bundle".into()),
            ("BUNDLE_WITHOUT".into(), "development:test".into()),
        ];
        if sqlite {
            env.push(("DATABASE_URL".into(), format!("sqlite3:{SQLITE_DIR}/production.sqlite3")));
        }
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
        let mut writable: Vec<String> =
            if rails { vec!["/tmp".into(), "/app/tmp".into(), "/app/log".into()] } else { vec!["/tmp".into()] };
        if sqlite {
            writable.push(SQLITE_DIR.into());
        }
        let ci_image = runtimes::ruby_image(&ruby, false);
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
                build_args: Vec::new(),
                build_image: ci_image.clone(),
                build_env: env.clone(),
                runtime_image: runtimes::ruby_image(&ruby, slim),
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
                image: ci_image,
                install: install_nodejs.into_iter().chain(["bundle install --jobs 4".to_string()]).collect(),
                test: vec![if rails { format!("{task_runner} test") } else { "bundle exec rake test".into() }],
                audit: vec!["gem install bundler-audit -v 0.9.2".into(), "bundle-audit check --update".into()],
                cache_paths: vec!["vendor/bundle".into()],
                cache_key_files: dependency_files,
            },
        }
    }
}

fn rails_warnings(dir: &ServiceDir, facts: &StackFacts) -> Vec<String> {
    let mut out: Vec<String> = RUBY.resolve(&facts.language_version.value).warning.into_iter().collect();
    if let Some(((a, b, c), _)) = locked_rails(dir) {
        if RUBY.resolve(&facts.language_version.value).warning.is_some() {
            out.push(format!(
                "Rails {a}.{b}.{c} is end-of-life too; upgrading Rails lets the app move to a supported Ruby"
            ));
        }
    }
    if facts.image.env.iter().any(|(k, v)| k == "DATABASE_URL" && v.starts_with("sqlite3:")) {
        out.push(format!(
            "the app uses SQLite: the database is {SQLITE_DIR}/production.sqlite3 on an emptyDir volume, migrated when the app starts and lost when the pod restarts; use a PersistentVolumeClaim or a database server in production"
        ));
    }
    out
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
