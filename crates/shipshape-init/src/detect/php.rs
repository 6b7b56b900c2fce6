use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::common::{health_route, secret_env, tcp_health};
use super::repo::{grep_text, re, ServiceDir};
use super::{version_or_default, Overrides, Provider, StackFacts};
use crate::plan::{CachedCommand, CiCommands, Detected, Evidence, ImageRecipe, Migration, Stack};

pub(crate) struct Php;

const SOURCES: &[&str] = &[".php"];
const DEFAULT_VERSION: &str = "8.3";
/// Apache in the runtime image is moved to this port so it runs unprivileged.
const PORT: u16 = 8080;
/// `www-data` in the official PHP images.
const UID: u32 = 33;

static LARAVEL_HEALTH: LazyLock<Regex> = LazyLock::new(|| re(r#"health:\s*['"](/[\w/-]*)['"]"#));
static ENV_READ: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?:env|getenv)\(\s*['"]([A-Z][A-Z0-9_]*)['"]|\$_ENV\[\s*['"]([A-Z][A-Z0-9_]*)['"]"#));

fn composer(dir: &ServiceDir) -> Value {
    dir.read("composer.json").and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(Value::Null)
}

fn requires(composer: &Value, package: &str) -> bool {
    ["require", "require-dev"].iter().any(|k| composer.get(k).and_then(|r| r.get(package)).is_some())
}

fn php_version(dir: &ServiceDir, composer: &Value) -> Detected<String> {
    if let Some(spec) = composer.pointer("/require/php").and_then(Value::as_str) {
        let version: String = spec
            .trim_start_matches(|c: char| !c.is_ascii_digit())
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect::<String>()
            .split('.')
            .take(2)
            .collect::<Vec<_>>()
            .join(".");
        if version.contains('.') {
            return Detected::found(
                version,
                dir.evidence_at("composer.json", "\"php\"", format!("require.php is `{spec}`")),
            );
        }
    }
    version_or_default(DEFAULT_VERSION, "PHP")
}

impl Provider for Php {
    fn stack(&self) -> Stack {
        Stack::Php
    }

    fn matches(&self, dir: &ServiceDir) -> Option<Evidence> {
        if dir.has("composer.json") {
            return Some(dir.evidence("composer.json", None, "composer.json is present"));
        }
        ["index.php", "public/index.php"].iter().find(|f| dir.has(f)).map(|f| dir.evidence(f, None, "PHP entry point"))
    }

    fn name_hint(&self, dir: &ServiceDir) -> Option<String> {
        composer(dir).get("name").and_then(Value::as_str).map(|n| n.rsplit('/').next().unwrap_or(n).to_string())
    }

    fn detect(&self, dir: &ServiceDir, overrides: &Overrides) -> StackFacts {
        let composer = composer(dir);
        let version = overrides.language_version(php_version(dir, &composer));
        let framework =
            [("laravel/framework", "Laravel"), ("symfony/framework-bundle", "Symfony"), ("slim/slim", "Slim")]
                .into_iter()
                .find(|(package, _)| requires(&composer, package))
                .map(|(package, name)| {
                    Detected::found(
                        name.to_string(),
                        dir.evidence_at("composer.json", package, format!("requires {package}")),
                    )
                });
        let framework_name = framework.as_ref().map(|f| f.value.clone());
        let laravel = framework_name.as_deref() == Some("Laravel");
        let health_path = overrides.health_path(
            dir.read("bootstrap/app.php")
                .and_then(|t| grep_text("bootstrap/app.php", &t, &LARAVEL_HEALTH).into_iter().next())
                .and_then(|hit| {
                    let path = hit.group(1)?.to_string();
                    Some(Detected::found(
                        Some(path.clone()),
                        dir.evidence("bootstrap/app.php", Some(hit.line), format!("Laravel health route `{path}`")),
                    ))
                })
                .or_else(|| health_route(dir, SOURCES))
                .unwrap_or_else(tcp_health),
        );
        let migration = if laravel && dir.has_dir("database/migrations") {
            Some(Detected::found(
                Migration {
                    tool: "laravel".into(),
                    command: vec!["php".into(), "artisan".into(), "migrate".into(), "--force".into()],
                },
                dir.evidence("database/migrations", None, "Laravel migrations in database/migrations"),
            ))
        } else if requires(&composer, "doctrine/doctrine-migrations-bundle") {
            Some(Detected::found(
                Migration {
                    tool: "doctrine".into(),
                    command: vec![
                        "php".into(),
                        "bin/console".into(),
                        "doctrine:migrations:migrate".into(),
                        "--no-interaction".into(),
                    ],
                },
                dir.evidence_at("composer.json", "doctrine/doctrine-migrations-bundle", "requires Doctrine Migrations"),
            ))
        } else if requires(&composer, "robmorgan/phinx") {
            Some(Detected::found(
                Migration { tool: "phinx".into(), command: vec!["vendor/bin/phinx".into(), "migrate".into()] },
                dir.evidence_at("composer.json", "robmorgan/phinx", "requires Phinx"),
            ))
        } else {
            None
        };
        let v = version.value.clone();
        let docroot = if dir.has_dir("public") { "/var/www/html/public" } else { "/var/www/html" };
        let apache = format!(
            "sed -ri 's/^Listen 80$/Listen {PORT}/' /etc/apache2/ports.conf \
             && sed -ri 's#<VirtualHost \\*:80>#<VirtualHost *:{PORT}>#; s#/var/www/html#{docroot}#' /etc/apache2/sites-available/000-default.conf \
             && a2enmod rewrite && chown -R {UID}:{UID} /var/run/apache2 /var/lock/apache2 /var/log/apache2"
        );
        let mut runtime_setup = vec![apache];
        if requires(&composer, "ext-pdo_pgsql") || laravel {
            runtime_setup.push("docker-php-ext-install -j\"$(nproc)\" pdo_mysql opcache".to_string());
        }
        let mut writable = vec!["/tmp".to_string(), "/var/run/apache2".into(), "/var/lock/apache2".into()];
        if laravel {
            writable.extend([
                "/var/www/html/storage/framework/cache".to_string(),
                "/var/www/html/storage/framework/sessions".into(),
                "/var/www/html/storage/framework/views".into(),
                "/var/www/html/storage/logs".into(),
                "/var/www/html/bootstrap/cache".into(),
            ]);
        }
        let mut dependency_files = vec!["composer.json".to_string()];
        if dir.has("composer.lock") {
            dependency_files.push("composer.lock".into());
        }
        let healthcheck = php_healthcheck(PORT, health_path.value.as_deref());
        let command = vec!["apache2-foreground".to_string()];
        StackFacts {
            language_version: version,
            package_manager: Detected::found("composer".into(), dir.evidence("composer.json", None, "composer.json")),
            framework,
            start_command: Detected::default_value(command.clone(), "served by Apache (mod_php) from the official PHP image"),
            build_command: None,
            port: overrides.port(Detected::default_value(PORT, "Apache is configured to listen on 8080 so it runs without root")),
            health_path,
            migration,
            secret_env: laravel_key(dir, laravel).into_iter().chain(secret_env(dir, SOURCES, &ENV_READ)).collect(),
            image: ImageRecipe {
                build_image: "composer:2.8".into(),
                build_env: vec![("COMPOSER_NO_INTERACTION".into(), "1".into())],
                runtime_image: format!("php:{v}-apache-bookworm"),
                runtime_has_shell: true,
                dependency_files: dependency_files.clone(),
                install: vec![CachedCommand::new(
                    "composer install --no-dev --no-scripts --no-autoloader --prefer-dist --no-progress --ignore-platform-reqs",
                    &["/tmp/cache"],
                )],
                build: vec![CachedCommand::new("composer dump-autoload --no-dev --optimize --classmap-authoritative", &[])],
                source_mount: false,
                artifacts: vec![("/app".into(), "/var/www/html".into())],
                writable_dirs: writable,
                workdir: "/var/www/html".into(),
                env: vec![("APP_ENV".into(), "production".into())],
                runtime_setup,
                uid: UID,
                command,
                healthcheck,
                static_probe: false,
            },
            ci: CiCommands {
                image: format!("php:{v}-cli-bookworm"),
                install: vec!["composer install --no-interaction --prefer-dist".into()],
                test: vec![if laravel { "php artisan test".into() } else { "vendor/bin/phpunit".into() }],
                audit: vec!["composer audit --no-dev --locked".into()],
                cache_paths: vec!["~/.composer/cache".into()],
                cache_key_files: dependency_files,
            },
        }
    }
}

fn php_healthcheck(port: u16, path: Option<&str>) -> Vec<String> {
    let script = match path {
        Some(path) => format!("exit(@file_get_contents('http://127.0.0.1:{port}{path}') === false ? 1 : 0);"),
        None => format!("exit(@fsockopen('127.0.0.1', {port}) ? 0 : 1);"),
    };
    vec!["php".into(), "-r".into(), script]
}

/// Laravel encrypts cookies and sessions with APP_KEY.
fn laravel_key(dir: &ServiceDir, laravel: bool) -> Option<Detected<String>> {
    laravel
        .then(|| Detected::found("APP_KEY".to_string(), dir.evidence("composer.json", None, "Laravel needs APP_KEY")))
}
