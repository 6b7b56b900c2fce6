use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::common::{self, health_route, secret_env, tcp_health};
use super::repo::{grep_text, re, ServiceDir};
use super::{version_or_default, Overrides, Provider, StackFacts};
use crate::plan::{CachedCommand, CiCommands, Detected, EnvVar, Evidence, ImageRecipe, Migration, Stack};
use crate::runtimes::{self, PHP};

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

/// The version of `package`: locked in composer.lock, else the lowest
/// composer.json allows: (major, minor).
fn locked_version(dir: &ServiceDir, package: &str) -> Option<(u32, u32)> {
    locked(dir, package).or_else(|| {
        let spec = composer(dir).get("require")?.get(package)?.as_str()?.to_string();
        let digits: String = spec.trim_start_matches(|c: char| !c.is_ascii_digit()).to_string();
        let mut parts = digits.split(|c: char| !c.is_ascii_digit()).map(|p| p.parse::<u32>().ok());
        Some((parts.next()??, parts.next().flatten().unwrap_or(0)))
    })
}

fn locked(dir: &ServiceDir, package: &str) -> Option<(u32, u32)> {
    let lock: Value = serde_json::from_str(&dir.read("composer.lock")?).ok()?;
    let version = lock
        .get("packages")?
        .as_array()?
        .iter()
        .find(|p| p.get("name").and_then(Value::as_str) == Some(package))?
        .get("version")?
        .as_str()?;
    let mut parts = version.trim_start_matches('v').split('.').map(|p| p.parse::<u32>().ok());
    Some((parts.next()??, parts.next().flatten().unwrap_or(0)))
}

/// A `.env.example` value that stands for "not configured".
fn is_placeholder(value: &str) -> bool {
    let value = value.trim().trim_matches(['"', '\'']);
    value.is_empty() || value.eq_ignore_ascii_case("null")
}

/// `KEY=value` lines of the first `.env.example`-style file, with their line.
fn dotenv_example(dir: &ServiceDir) -> Vec<(String, String, String, usize)> {
    for file in [".env.example", ".env.dist", ".env.sample"] {
        if let Some(text) = dir.read(file) {
            return text
                .lines()
                .enumerate()
                .filter_map(|(i, line)| {
                    let (key, value) = line.trim().split_once('=')?;
                    let key = key.trim().trim_start_matches("export ").trim();
                    (!key.starts_with('#')
                        && !key.is_empty()
                        && key.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
                    .then(|| (file.to_string(), key.to_string(), value.trim().to_string(), i + 1))
                })
                .collect();
        }
    }
    Vec::new()
}

/// Packages that need a secret whatever the code reads.
const PACKAGE_SECRETS: &[(&str, &str)] = &[("laravel/framework", "APP_KEY"), ("tymon/jwt-auth", "JWT_SECRET")];

/// The secrets a Laravel app uses: the framework's and its packages', the
/// secret keys `.env.example` gives a value (empty and `null` mean the
/// feature is off) that the code reads, and secret keys the app's own code
/// reads outside `config/`. `env()`
/// calls in `config/` list every driver the framework supports, so they
/// are not evidence of use.
fn laravel_secrets(dir: &ServiceDir, composer: &Value) -> Vec<Detected<String>> {
    let mut out: Vec<Detected<String>> = PACKAGE_SECRETS
        .iter()
        .filter(|(package, _)| requires(composer, package))
        .map(|(package, key)| {
            Detected::found(
                (*key).to_string(),
                dir.evidence_at("composer.json", package, format!("{package} needs {key}")),
            )
        })
        .collect();
    let reads: Vec<String> =
        dir.grep(SOURCES, &ENV_READ).iter().filter_map(|h| h.group(1).or(h.group(2)).map(str::to_string)).collect();
    let used = |key: &str| reads.is_empty() || reads.iter().any(|r| r == key);
    for (file, key, value, line) in dotenv_example(dir) {
        if common::is_secret_env(&key) && !is_placeholder(&value) && used(&key) {
            out.push(Detected::found(key.clone(), dir.evidence(&file, Some(line), format!("{file} sets `{key}`"))));
        }
    }
    for hit in dir.grep(SOURCES, &ENV_READ) {
        let Some(key) = hit.group(1).or(hit.group(2)) else { continue };
        if hit.file.starts_with("config/") || !common::is_secret_env(key) {
            continue;
        }
        out.push(Detected::found(key.to_string(), dir.evidence(&hit.file, Some(hit.line), format!("reads `{key}`"))));
    }
    out
}

/// The newest PHP each Laravel major supports (its documented ranges).
fn newest_php_for_laravel(version: (u32, u32)) -> &'static str {
    match version {
        (major, _) if major <= 5 => "7.3",
        (6 | 7, _) => "8.0",
        (8, _) => "8.1",
        (9, _) => "8.2",
        (10, _) => "8.3",
        _ => "8.4",
    }
}

/// The PHP release of the image: the newest the locked Laravel supports when
/// composer.json allows it, else the table's choice for `require.php`.
fn php_release(dir: &ServiceDir, asked: &str) -> runtimes::Resolved {
    let resolved = PHP.resolve(asked);
    let capped = locked_version(dir, "laravel/framework").map(newest_php_for_laravel).and_then(|cap| {
        let newer_than_cap = resolved.version().split('.').map(|p| p.parse::<u32>().unwrap_or(0)).collect::<Vec<_>>()
            > cap.split('.').map(|p| p.parse::<u32>().unwrap_or(0)).collect::<Vec<_>>();
        newer_than_cap.then(|| PHP.exactly(cap)).flatten()
    });
    capped.unwrap_or(resolved)
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
        let php = php_release(dir, &version.value);
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
        // The CI image runs the app's PHP; Composer is installed into it
        // by its signed installer, with git and unzip for dist archives.
        let mut ci_install: Vec<String> = runtimes::apt_install(php.suite(), &["git", "unzip"]).into_iter().collect();
        ci_install.push(format!(
            "php -r \"copy('https://getcomposer.org/installer', '/tmp/composer-setup.php');\" && php /tmp/composer-setup.php --install-dir=/usr/local/bin --filename=composer --version={}",
            runtimes::COMPOSER_VERSION
        ));
        ci_install.push("composer install --no-interaction --prefer-dist".into());
        if laravel && dir.has(".env.example") {
            ci_install.push("if [ ! -f .env ]; then cp .env.example .env; fi".into());
            ci_install.push("php artisan key:generate --force".into());
            if requires(&composer, "tymon/jwt-auth") {
                ci_install.push("php artisan jwt:secret --force".into());
            }
        }
        // `php artisan test` arrived in Laravel 7.
        let test = match locked_version(dir, "laravel/framework") {
            Some((major, _)) if laravel && major >= 7 => "php artisan test",
            _ => "vendor/bin/phpunit",
        }
        .to_string();
        StackFacts {
            language_version: version,
            package_manager: Detected::found("composer".into(), dir.evidence("composer.json", None, "composer.json")),
            framework,
            start_command: Detected::default_value(command.clone(), "served by Apache (mod_php) from the official PHP image"),
            build_command: None,
            port: overrides.port(Detected::default_value(PORT, "Apache is configured to listen on 8080 so it runs without root")),
            health_path,
            migration,
            secret_env: if laravel { laravel_secrets(dir, &composer) } else { secret_env(dir, SOURCES, &ENV_READ) },
            image: ImageRecipe {
                build_args: Vec::new(),
                build_image: runtimes::COMPOSER_IMAGE.into(),
                build_env: vec![("COMPOSER_NO_INTERACTION".into(), "1".into())],
                runtime_image: runtimes::php_image(&php, "apache"),
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
                image: runtimes::php_image(&php, "cli"),
                install: ci_install,
                test: vec![test],
                audit: vec!["composer audit --no-dev --locked".into()],
                cache_paths: vec!["~/.composer/cache".into()],
                cache_key_files: dependency_files,
            },
        }
    }

    fn config_env(&self, dir: &ServiceDir, facts: &StackFacts) -> Vec<Detected<EnvVar>> {
        if facts.framework.as_ref().map(|f| f.value.as_str()) != Some("Laravel") {
            return Vec::new();
        }
        dotenv_example(dir)
            .into_iter()
            .filter(|(_, key, value, _)| !common::is_secret_env(key) && !is_placeholder(value))
            .map(|(file, key, value, line)| {
                let value = match key.as_str() {
                    "APP_ENV" => "production".to_string(),
                    "APP_DEBUG" => "false".to_string(),
                    _ => value.trim_matches(['"', '\'']).to_string(),
                };
                Detected::found(
                    EnvVar { name: key.clone(), value: Some(value) },
                    dir.evidence(&file, Some(line), format!("{file} sets `{key}`")),
                )
            })
            .collect()
    }

    fn warnings(&self, dir: &ServiceDir, facts: &StackFacts) -> Vec<String> {
        let php = php_release(dir, &facts.language_version.value);
        let mut out: Vec<String> = Vec::new();
        if php.version() != facts.language_version.value {
            out.push(format!(
                "require.php asks for PHP {}; the image runs PHP {}, the nearest existing release the locked framework supports",
                facts.language_version.value,
                php.version()
            ));
        }
        out.extend(php.warning);
        out
    }
}

fn php_healthcheck(port: u16, path: Option<&str>) -> Vec<String> {
    let script = match path {
        Some(path) => format!("exit(@file_get_contents('http://127.0.0.1:{port}{path}') === false ? 1 : 0);"),
        None => format!("exit(@fsockopen('127.0.0.1', {port}) ? 0 : 1);"),
    };
    vec!["php".into(), "-r".into(), script]
}
