//! Detection on small apps written in each stack's usual styles: the
//! language, port, health path and migration tool must be right, each with
//! the file it came from.

use shipshape_init::plan::{Origin, ServicePlan, Stack};
use shipshape_init::{make_plan, PlanOptions};

fn detect(files: &[(&str, &str)]) -> ServicePlan {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
    }
    let plan = make_plan(dir.path(), &PlanOptions::default()).expect("a plan");
    assert_eq!(plan.services.len(), 1, "{:?}", plan.services.iter().map(|s| &s.dir).collect::<Vec<_>>());
    plan.services.into_iter().next().expect("one service")
}

#[track_caller]
fn expect(service: &ServicePlan, stack: Stack, port: u16, health: Option<&str>, migration: Option<&str>) {
    assert_eq!(service.stack.value, stack);
    assert_eq!(service.port.value, port, "port: {:?}", service.port);
    assert_eq!(service.health_path.value.as_deref(), health, "health: {:?}", service.health_path);
    assert_eq!(
        service.migration.as_ref().map(|m| m.value.tool.as_str()),
        migration,
        "migration: {:?}",
        service.migration
    );
    if service.port.origin == Origin::Detected {
        assert!(service.port.evidence.iter().all(|e| !e.file.is_empty() && e.line.is_some()), "{:?}", service.port);
    }
    if let Some(m) = &service.migration {
        assert!(m.evidence.iter().all(|e| !e.file.is_empty()), "{m:?}");
    }
}

#[test]
fn node_nest_with_typeorm_style_port() {
    let service = detect(&[
        ("package.json", r#"{"name":"orders","scripts":{"build":"nest build","start:prod":"node dist/main"},"dependencies":{"@nestjs/core":"10.4.0","@nestjs/terminus":"10.2.0"},"devDependencies":{"prisma":"5.22.0"}}"#),
        ("pnpm-lock.yaml", "lockfileVersion: '9.0'\n"),
        ("src/main.ts", "async function bootstrap() {\n  const app = await NestFactory.create(AppModule);\n  await app.listen(process.env.PORT ?? 4000);\n}\n"),
        ("src/health.controller.ts", "@Controller('health')\nexport class HealthController {\n  @Get('/ready')\n  check() {}\n}\n"),
        ("prisma/schema.prisma", "datasource db {\n  provider = \"postgresql\"\n}\n"),
    ]);
    expect(&service, Stack::Node, 4000, Some("/ready"), Some("prisma"));
    assert_eq!(service.package_manager.value, "pnpm");
    assert_eq!(service.framework.as_ref().map(|f| f.value.as_str()), Some("NestJS"));
}

#[test]
fn node_express_listen_literal_and_knex() {
    let service = detect(&[
        ("package.json", r#"{"name":"api","main":"index.js","dependencies":{"express":"4.21.0","knex":"3.1.0"}}"#),
        ("knexfile.js", "module.exports = { client: 'pg' };\n"),
        (
            "index.js",
            "const app = require('express')();\napp.get('/healthz', (q, r) => r.send('ok'));\napp.listen(5050);\n",
        ),
    ]);
    expect(&service, Stack::Node, 5050, Some("/healthz"), Some("knex"));
}

#[test]
fn python_flask_run_port_and_flask_migrate() {
    let service = detect(&[
        ("requirements.txt", "Flask==3.0.3\nFlask-Migrate==4.0.7\ngunicorn==23.0.0\n"),
        ("app.py", "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/ping')\ndef ping():\n    return 'pong'\n\nif __name__ == '__main__':\n    app.run(host='0.0.0.0', port=5001)\n"),
    ]);
    expect(&service, Stack::Python, 5001, Some("/ping"), Some("flask-migrate"));
    assert_eq!(service.start_command.value[0], "gunicorn");
}

#[test]
fn python_django_with_poetry() {
    let service = detect(&[
        ("pyproject.toml", "[tool.poetry]\nname = \"shop\"\n\n[tool.poetry.dependencies]\npython = \"^3.11\"\ndjango = \"^5.1\"\ngunicorn = \"^23.0\"\n"),
        ("poetry.lock", "# lock\n"),
        ("manage.py", "#!/usr/bin/env python\nimport os\n"),
        ("shop/wsgi.py", "application = get_wsgi_application()\n"),
        ("shop/urls.py", "urlpatterns = [path(\"admin/\", admin), path(\"healthz/\", health)]\n"),
        ("orders/migrations/0001_initial.py", "class Migration: pass\n"),
    ]);
    expect(&service, Stack::Python, 8000, Some("/healthz/"), Some("django"));
    assert_eq!(service.package_manager.value, "poetry");
    assert_eq!(service.start_command.value, ["gunicorn", "--bind", "0.0.0.0:8000", "shop.wsgi:application"]);
}

#[test]
fn go_gin_with_golang_migrate() {
    let service = detect(&[
        ("go.mod", "module example.com/payments\n\ngo 1.23.2\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.10.0\n\tgithub.com/golang-migrate/migrate/v4 v4.18.1\n)\n"),
        ("cmd/server/main.go", "package main\n\nfunc main() {\n\tr := gin.Default()\n\tr.GET(\"/healthz\", health)\n\tr.Run(\":8081\")\n}\n"),
        ("db/migrations/000001_init.up.sql", "create table t (id int);\n"),
    ]);
    expect(&service, Stack::Go, 8081, Some("/healthz"), Some("golang-migrate"));
    assert_eq!(service.language_version.value, "1.23");
}

#[test]
fn rust_actix_with_diesel() {
    let service = detect(&[
        ("Cargo.toml", "[package]\nname = \"inventory\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nactix-web = \"4\"\ndiesel = { version = \"2\", features = [\"postgres\"] }\n"),
        ("diesel.toml", "[print_schema]\nfile = \"src/schema.rs\"\n"),
        ("src/main.rs", "#[actix_web::main]\nasync fn main() -> std::io::Result<()> {\n    HttpServer::new(|| App::new().route(\"/health\", web::get().to(health)))\n        .bind((\"0.0.0.0\", 8088))?\n        .run()\n        .await\n}\n"),
    ]);
    expect(&service, Stack::Rust, 8088, Some("/health"), Some("diesel"));
}

#[test]
fn java_gradle_kotlin_spring_with_yaml_port_and_liquibase() {
    let service = detect(&[
        ("build.gradle.kts", "plugins { id(\"org.springframework.boot\") version \"3.3.5\" }\njava { toolchain { languageVersion = JavaLanguageVersion.of(17) } }\ndependencies {\n  implementation(\"org.springframework.boot:spring-boot-starter-web\")\n  implementation(\"org.springframework.boot:spring-boot-starter-actuator\")\n  implementation(\"org.liquibase:liquibase-core\")\n}\n"),
        ("settings.gradle.kts", "rootProject.name = \"billing\"\n"),
        ("src/main/resources/application.yml", "spring:\n  application:\n    name: billing\nserver:\n  shutdown: graceful\n  port: 9090\n"),
    ]);
    expect(&service, Stack::Java, 9090, Some("/actuator/health/readiness"), Some("liquibase"));
    assert_eq!(service.liveness_path.as_ref().map(|p| p.value.as_str()), Some("/actuator/health/liveness"));
    assert_eq!(service.language_version.value, "17");
}

#[test]
fn dotnet_minimal_api_with_use_urls() {
    let service = detect(&[
        ("src/Api/Api.csproj", "<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n  <PropertyGroup>\n    <TargetFramework>net9.0</TargetFramework>\n  </PropertyGroup>\n</Project>\n"),
        ("src/Api/Program.cs", "var builder = WebApplication.CreateBuilder(args);\nbuilder.WebHost.UseUrls(\"http://0.0.0.0:5080\");\nvar app = builder.Build();\napp.MapGet(\"/healthz\", () => \"ok\");\napp.Run();\n"),
        ("tests/Api.Tests/Api.Tests.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />\n"),
    ]);
    expect(&service, Stack::Dotnet, 5080, Some("/healthz"), None);
    assert_eq!(service.language_version.value, "9.0");
}

#[test]
fn ruby_sinatra_with_rackup() {
    let service = detect(&[
        ("Gemfile", "source \"https://rubygems.org\"\ngem \"sinatra\"\ngem \"puma\"\n"),
        ("config.ru", "require './app'\nrun App\n"),
        ("app.rb", "class App < Sinatra::Base\n  set :port, 4567\n  get '/health' do\n    'ok'\n  end\nend\n"),
    ]);
    expect(&service, Stack::Ruby, 4567, Some("/health"), None);
}

#[test]
fn php_symfony_with_doctrine_migrations() {
    let service = detect(&[
        (
            "composer.json",
            r#"{"name":"acme/shop","require":{"php":">=8.2","symfony/framework-bundle":"7.1.*","doctrine/doctrine-migrations-bundle":"^3.3"}}"#,
        ),
        ("public/index.php", "<?php\n"),
        ("src/Controller/HealthController.php", "<?php\n#[Route('/healthz', name: 'health')]\nfunction health() {}\n"),
    ]);
    expect(&service, Stack::Php, 8080, Some("/healthz"), Some("doctrine"));
    assert_eq!(service.framework.as_ref().map(|f| f.value.as_str()), Some("Symfony"));
}

#[test]
fn an_existing_dockerfile_port_is_evidence() {
    let service = detect(&[
        ("go.mod", "module x\n\ngo 1.22\n"),
        ("main.go", "package main\n\nfunc main() { serve(os.Getenv(\"LISTEN\")) }\n"),
        ("Dockerfile", "FROM golang:1.22\nEXPOSE 7000\n"),
    ]);
    expect(&service, Stack::Go, 7000, None, None);
    assert_eq!(service.port.evidence[0].file, "Dockerfile");
}

#[test]
fn workspace_members_that_run_a_server_are_services() {
    let dir = tempfile::tempdir().expect("temp dir");
    let files: &[(&str, &str)] = &[
        ("package.json", r#"{"name":"mono","private":true,"workspaces":["packages/*"]}"#),
        (
            "packages/api/package.json",
            r#"{"name":"api","scripts":{"start":"node index.js"},"dependencies":{"express":"4.21.0"}}"#,
        ),
        ("packages/api/index.js", "require('express')().listen(3001);\n"),
        (
            "packages/web/package.json",
            r#"{"name":"web","scripts":{"start":"next start"},"dependencies":{"next":"15.0.0"}}"#,
        ),
        ("packages/utils/package.json", r#"{"name":"utils","main":"index.js"}"#),
    ];
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
    }
    let plan = make_plan(dir.path(), &PlanOptions::default()).expect("a plan");
    let dirs: Vec<&str> = plan.services.iter().map(|s| s.dir.as_str()).collect();
    assert_eq!(dirs, ["packages/api", "packages/web"]);
    assert_eq!(plan.services[0].port.value, 3001);
}

#[test]
fn python_uv_workspace_member_with_router_prefixes_and_required_settings() {
    let service = detect(&[
        ("pyproject.toml", "[tool.uv.workspace]\nmembers = [\"backend\"]\n"),
        ("uv.lock", "version = 1\n"),
        (".env", "PROJECT_NAME=\"Shop\"\n"),
        ("backend/pyproject.toml", "[project]\nname = \"app\"\nrequires-python = \">=3.12\"\ndependencies = [\"fastapi[standard]>=0.115\", \"pydantic-settings\"]\n\n[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n"),
        ("backend/app/core/config.py", "from pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n    API_V1_STR: str = \"/api/v1\"\n    SECRET_KEY: str\n    PROJECT_NAME: str\n    ADMIN_EMAIL: EmailStr\n    DEBUG: bool = False\n\n    def helper(self) -> None:\n        local: int\n\nsettings = Settings()\n"),
        ("backend/app/api/routes/utils.py", "from fastapi import APIRouter\n\nrouter = APIRouter(prefix=\"/utils\", tags=[\"utils\"])\n\n@router.get(\"/health-check/\")\nasync def health_check() -> bool:\n    return True\n"),
        ("backend/app/api/main.py", "from fastapi import APIRouter\nfrom app.api.routes import utils\n\napi_router = APIRouter()\napi_router.include_router(utils.router)\n"),
        ("backend/app/main.py", "from fastapi import FastAPI\nfrom app.api.main import api_router\nfrom app.core.config import settings\n\napp = FastAPI(title=settings.PROJECT_NAME)\napp.include_router(api_router, prefix=settings.API_V1_STR)\n"),
    ]);
    expect(&service, Stack::Python, 8000, Some("/api/v1/utils/health-check/"), None);
    assert_eq!(service.dir, "backend");
    assert_eq!(service.package_manager.value, "uv");
    assert_eq!(service.build_context.as_deref(), Some("."));
    assert_eq!(service.image.workdir, "/app/backend");
    assert_eq!(service.start_command.value[..2], ["uvicorn".to_string(), "app.main:app".to_string()]);
    assert!(
        service.image.install[0].run.contains("--no-install-workspace --package app"),
        "{:?}",
        service.image.install
    );
    assert_eq!(service.image.build[0].run, "/opt/uv/bin/uv sync --frozen --no-dev --package app");
    let secrets: Vec<&str> = service.secret_env.iter().map(|s| s.value.as_str()).collect();
    assert_eq!(secrets, ["SECRET_KEY"]);
    let config: Vec<(&str, Option<&str>)> =
        service.config_env.iter().map(|c| (c.value.name.as_str(), c.value.value.as_deref())).collect();
    assert_eq!(config, [("PROJECT_NAME", Some("Shop")), ("ADMIN_EMAIL", Some("admin@example.com"))]);
    assert!(service.warnings.iter().any(|w| w.contains("ADMIN_EMAIL")), "{:?}", service.warnings);
    assert!(service.ci.test.iter().any(|t| t.contains("pytest")), "{:?}", service.ci.test);
}

#[test]
fn python_pyproject_without_lock_installs_the_project_after_its_sources() {
    let service = detect(&[
        ("pyproject.toml", "[project]\nname = \"api\"\ndependencies = [\"flask\", \"gunicorn\"]\n\n[project.optional-dependencies]\ntest = [\"pytest\"]\n\n[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n"),
        ("api/__init__.py", "from flask import Blueprint, Flask\n\nbp = Blueprint(\"ops\", __name__, url_prefix=\"/ops\")\n\n@bp.route(\"/healthz\")\ndef healthz():\n    return \"ok\"\n\napp = Flask(__name__)\napp.register_blueprint(bp)\n"),
    ]);
    expect(&service, Stack::Python, 8000, Some("/ops/healthz"), None);
    assert!(
        service.image.install.iter().all(|c| !c.run.contains("install --no-cache-dir .")),
        "{:?}",
        service.image.install
    );
    assert!(
        service.image.build.iter().any(|c| c.run.contains("pip install --no-cache-dir .")),
        "{:?}",
        service.image.build
    );
    assert_eq!(service.ci.install, ["pip install '.[test]'"]);
    assert_eq!(service.ci.test, ["python -m pytest"]);
}

#[test]
fn python_without_pytest_installs_it_in_ci() {
    let service = detect(&[
        ("requirements.txt", "fastapi\nuvicorn\n"),
        ("main.py", "import os\nfrom fastapi import FastAPI\n\nTOKEN = os.environ[\"UPSTREAM_TOKEN\"]\nREGION = os.environ[\"REGION\"]\napp = FastAPI()\n\n@app.get(\"/health\")\ndef health():\n    return {}\n"),
    ]);
    expect(&service, Stack::Python, 8000, Some("/health"), None);
    assert!(service.ci.install.contains(&"pip install pytest".to_string()), "{:?}", service.ci.install);
    assert!(service.secret_env.iter().any(|s| s.value == "UPSTREAM_TOKEN"));
    assert_eq!(service.config_env.iter().map(|c| c.value.name.as_str()).collect::<Vec<_>>(), ["REGION"]);
    assert!(
        service.warnings.is_empty() || service.warnings.iter().all(|w| !w.contains("start command")),
        "{:?}",
        service.warnings
    );
}

#[test]
fn rust_clap_env_sqlx_that_migrates_itself_without_offline_data() {
    let service = detect(&[
        ("Cargo.toml", "[package]\nname = \"api\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\naxum = \"0.7\"\nsqlx = { version = \"0.8\", features = [\"postgres\"] }\nclap = { version = \"4\", features = [\"derive\", \"env\"] }\n"),
        ("Cargo.lock", "version = 4\n\n[[package]]\nname = \"openssl-sys\"\nversion = \"0.9.100\"\n"),
        ("migrations/1_setup.sql", "create table t (id int);\n"),
        ("src/config.rs", "#[derive(clap::Parser)]\npub struct Config {\n    /// The database.\n    #[clap(long, env)]\n    pub database_url: String,\n    #[arg(long, env = \"SIGNING_KEY\")]\n    pub signing: String,\n    #[arg(long, env = \"REGION\")]\n    pub region: String,\n    #[arg(long, env, default_value = \"info\")]\n    pub log_level: String,\n    #[arg(long, env)]\n    pub sentry: Option<String>,\n}\n"),
        ("src/main.rs", "async fn main() {\n    sqlx::migrate!().run(&db).await?;\n    let n = sqlx::query!(\"select 1 as one\").fetch_one(&db).await?;\n    axum::serve(\"0.0.0.0:3000\");\n}\n"),
    ]);
    expect(&service, Stack::Rust, 3000, None, None);
    let secrets: Vec<&str> = service.secret_env.iter().map(|s| s.value.as_str()).collect();
    assert_eq!(secrets, ["DATABASE_URL", "SIGNING_KEY"]);
    assert_eq!(service.config_env.iter().map(|c| c.value.name.as_str()).collect::<Vec<_>>(), ["REGION"]);
    assert!(service.warnings.iter().any(|w| w.contains("cargo sqlx prepare")), "{:?}", service.warnings);
    assert!(service.image.build_env.iter().all(|(k, _)| k != "SQLX_OFFLINE"));
    assert!(service.image.install.iter().any(|c| c.run.contains("libssl-dev")), "{:?}", service.image.install);
    assert!(service.image.build[0].run.contains("createdb -h /tmp -U root sqlx_build"), "{:?}", service.image.build);
    assert!(service.language_version.value.as_str() >= "1.85", "{:?}", service.language_version);
}

#[test]
fn rust_sqlx_offline_data_builds_offline_and_cli_migrations_keep_their_job() {
    let service = detect(&[
        ("Cargo.toml", "[package]\nname = \"api\"\nversion = \"0.1.0\"\n\n[dependencies]\nactix-web = \"4\"\nsqlx = \"0.8\"\n"),
        (".sqlx/query-1.json", "{}\n"),
        ("migrations/1_setup.sql", "create table t (id int);\n"),
        ("src/main.rs", "fn main() {\n    let key = std::env::var(\"HMAC_KEY\").expect(\"HMAC_KEY\");\n    let n = sqlx::query_as!(Row, \"select 1\");\n    bind(\"0.0.0.0:8081\");\n}\n"),
    ]);
    expect(&service, Stack::Rust, 8081, None, Some("sqlx"));
    assert!(service.image.build_env.contains(&("SQLX_OFFLINE".to_string(), "true".to_string())));
    assert!(service.secret_env.iter().any(|s| s.value == "HMAC_KEY"));
    assert!(service.warnings.iter().all(|w| !w.contains("sqlx prepare")), "{:?}", service.warnings);
}

#[test]
fn writable_paths_get_volumes_or_a_warning() {
    let service = detect(&[
        ("requirements.txt", "flask\n"),
        ("app.py", "import os\nfrom flask import Flask\n\napp = Flask(__name__)\napp.config[\"SQLALCHEMY_DATABASE_URI\"] = \"sqlite:///./data/app.db\"\nos.makedirs(\"uploads\", exist_ok=True)\ncache = sqlite3.connect(\"cache.db\")\n"),
    ]);
    assert!(service.image.writable_dirs.contains(&"/app/data".to_string()), "{:?}", service.image.writable_dirs);
    assert!(service.image.writable_dirs.contains(&"/app/uploads".to_string()), "{:?}", service.image.writable_dirs);
    assert!(service.warnings.iter().any(|w| w.contains("cache.db")), "{:?}", service.warnings);
}

#[test]
fn cargo_workspace_member_builds_from_the_root_lockfile() {
    let service = detect(&[
        ("Cargo.toml", "[workspace]\nmembers = [\"api\", \"shared\"]\nresolver = \"2\"\n"),
        ("Cargo.lock", "version = 4\n"),
        ("shared/Cargo.toml", "[package]\nname = \"shared\"\nversion = \"0.1.0\"\n"),
        ("shared/src/lib.rs", "pub fn x() {}\n"),
        ("api/Cargo.toml", "[package]\nname = \"api\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.7\"\nshared = { path = \"../shared\" }\n"),
        ("api/src/main.rs", "fn main() {\n    let addr = \"0.0.0.0:4000\";\n    route(\"/healthz\");\n}\n"),
    ]);
    expect(&service, Stack::Rust, 4000, Some("/healthz"), None);
    assert_eq!(service.dir, "api");
    assert_eq!(service.build_context.as_deref(), Some("."));
    assert!(
        service.image.build[0].run.contains("cargo build --release --locked --bin api"),
        "{:?}",
        service.image.build
    );
}
