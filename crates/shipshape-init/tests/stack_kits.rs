//! Go, Java, .NET, Ruby and PHP kits on small apps shaped like the real
//! ones that broke: base images that exist, commands that match the
//! framework's release, cgo, SQLite on a volume, restore files at their
//! paths, probes and metrics that exist.

use shipshape_init::plan::{Plan, ServicePlan};
use shipshape_init::{make_plan, write, PlanOptions};

fn plan_of(files: &[(&str, &str)]) -> Plan {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
    }
    make_plan(dir.path(), &PlanOptions::default()).expect("a plan")
}

fn service(plan: &Plan) -> &ServicePlan {
    assert_eq!(plan.services.len(), 1);
    &plan.services[0]
}

fn dockerfile(plan: &Plan) -> String {
    write::kit(plan).into_iter().find(|f| f.path.ends_with("Dockerfile")).map(|f| f.contents).expect("a Dockerfile")
}

fn warned(service: &ServicePlan, needle: &str) -> bool {
    service.warnings.iter().any(|w| w.contains(needle))
}

const GIN_SQLITE_MAIN: &str = "package main\n\nfunc main() {\n\tdb := common.Init()\n\tr := gin.Default()\n\tv1 := r.Group(\"/api\")\n\tping := v1.Group(\"/ping\")\n\tping.GET(\"/\", pong)\n\tr.Run()\n}\n";
const GORM_SQLITE: &str =
    "package common\n\nfunc Init() *gorm.DB {\n\tdb, _ := gorm.Open(\"sqlite3\", \"./../gorm.db\")\n\treturn db\n}\n";

#[test]
fn go_cgo_sqlite_app_on_an_end_of_life_go() {
    let plan = plan_of(&[
        ("go.mod", "module example.com/conduit\n\ngo 1.15\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.8.1\n\tgithub.com/mattn/go-sqlite3 v1.14.15 // indirect\n)\n"),
        ("hello.go", GIN_SQLITE_MAIN),
        ("common/database.go", GORM_SQLITE),
    ]);
    let s = service(&plan);
    assert_eq!(s.image.build_image, "golang:1.26-bookworm");
    assert!(warned(s, "Go 1.15 is end-of-life"), "{:?}", s.warnings);
    assert_eq!(s.image.runtime_image, "gcr.io/distroless/base-debian12:nonroot");
    assert!(s.image.build[0].run.starts_with("CGO_ENABLED=1 "), "{:?}", s.image.build);
    assert_eq!(s.health_path.value.as_deref(), Some("/api/ping/"));
    assert_eq!(s.health_path.evidence[0].file, "hello.go");
    // ./../gorm.db from /data/app is /data/gorm.db, on the volume.
    assert_eq!(s.image.workdir, "/data/app");
    assert!(s.image.writable_dirs.contains(&"/data".to_string()));
    assert!(warned(s, "gorm.db"));
}

#[test]
fn go_without_cgo_stays_static() {
    let plan = plan_of(&[
        ("go.mod", "module example.com/api\n\ngo 1.26\n"),
        ("main.go", "package main\n\nfunc main() {\n\thttp.HandleFunc(\"/healthz\", ok)\n\thttp.ListenAndServe(\":8080\", nil)\n}\n"),
    ]);
    let s = service(&plan);
    assert_eq!(s.image.runtime_image, "gcr.io/distroless/static-debian12:nonroot");
    assert!(s.image.build[0].run.starts_with("CGO_ENABLED=0 "));
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

const RAILS_42_LOCK: &str = "GEM\n  remote: https://rubygems.org/\n  specs:\n    execjs (2.7.0)\n    json (1.8.3)\n    rails (4.2.6)\n    sqlite3 (1.3.11)\n    uglifier (3.0.0)\n      execjs (>= 0.3.0, < 3)\n\nBUNDLED WITH\n   1.10.6\n";

#[test]
fn rails_4_gets_a_ruby_it_runs_on_and_rake() {
    let plan = plan_of(&[
        ("Gemfile", "source 'https://rubygems.org'\ngem 'rails', '4.2.6'\ngem 'sqlite3'\ngem 'uglifier'\n"),
        ("Gemfile.lock", RAILS_42_LOCK),
        ("config/application.rb", "module Conduit\n  class Application < Rails::Application\n  end\nend\n"),
        ("config/database.yml", "production:\n  adapter: sqlite3\n  database: db/production.sqlite3\n"),
        ("app/assets/javascripts/application.js", "//= require_tree .\n"),
        ("db/migrate/20160101000000_create_users.rb", "class CreateUsers < ActiveRecord::Migration\nend\n"),
    ]);
    let s = service(&plan);
    assert_eq!(s.language_version.value, "2.3");
    assert_eq!(s.language_version.evidence[0].file, "Gemfile.lock");
    assert_eq!(s.image.build_image, "ruby:2.3-stretch");
    assert!(warned(s, "end of life"), "{:?}", s.warnings);
    assert_eq!(s.ci.test, ["bin/rake test"]);
    let build: Vec<&str> = s.image.build.iter().map(|c| c.run.as_str()).collect();
    assert!(build.iter().any(|c| c.contains("nodejs=") && c.contains("archive.debian.org")), "{build:?}");
    assert!(build.iter().any(|c| c.ends_with("bin/rake assets:precompile") && !c.contains("DUMMY")), "{build:?}");
    // SQLite on the volume, migrated on start; no migration Job.
    assert!(s.migration.is_none());
    assert_eq!(s.start_command.value[..2], ["sh", "-c"]);
    assert!(s.start_command.value[2].starts_with("bin/rake db:migrate && exec bin/rails server"));
    assert!(s.image.writable_dirs.contains(&"/data".to_string()));
    assert!(s.image.env.iter().any(|(k, v)| k == "DATABASE_URL" && v == "sqlite3:/data/production.sqlite3"));
}

#[test]
fn rails_7_keeps_rails_commands_on_a_supported_ruby() {
    let plan = plan_of(&[
        ("Gemfile", "source 'https://rubygems.org'\ngem 'rails', '~> 7.1.3'\ngem 'pg'\n"),
        ("Gemfile.lock", "GEM\n  specs:\n    pg (1.5.4)\n    rails (7.1.3)\n"),
        ("config/application.rb", "module Shop\nend\n"),
        ("db/migrate/1_init.rb", "class Init < ActiveRecord::Migration[7.1]\nend\n"),
    ]);
    let s = service(&plan);
    assert_eq!(s.image.build_image, "ruby:3.3-bookworm");
    assert_eq!(s.image.runtime_image, "ruby:3.3-slim-bookworm");
    assert_eq!(
        s.migration.as_ref().map(|m| m.value.command.clone()),
        Some(vec!["bin/rails".into(), "db:migrate".into()])
    );
    assert_eq!(s.ci.test, ["bin/rails test"]);
    assert!(s.image.runtime_setup.iter().any(|c| c.contains("libpq5=15.*")), "{:?}", s.image.runtime_setup);
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

fn laravel_55() -> Vec<(&'static str, &'static str)> {
    vec![
        ("composer.json", r#"{"name":"acme/conduit","require":{"php":">=7.0.0","laravel/framework":"5.5.*","tymon/jwt-auth":"1.0.0-rc.4.1"}}"#),
        ("composer.lock", r#"{"packages":[{"name":"laravel/framework","version":"v5.5.45"},{"name":"tymon/jwt-auth","version":"1.0.0-rc.4.1"}]}"#),
        ("artisan", "#!/usr/bin/env php\n"),
        ("public/index.php", "<?php\n"),
        (".env.example", "APP_ENV=local\nAPP_KEY=\nAPP_DEBUG=true\nDB_CONNECTION=mysql\nDB_PASSWORD=secret\nREDIS_PASSWORD=null\nMAIL_PASSWORD=null\nPUSHER_APP_SECRET=\n"),
        ("config/database.php", "<?php\nreturn ['mysql' => ['password' => env('DB_PASSWORD', '')]];\n"),
        ("config/services.php", "<?php\nreturn ['stripe' => ['secret' => env('STRIPE_SECRET')], 'ses' => ['secret' => env('SES_SECRET')]];\n"),
        ("database/migrations/2014_10_12_000000_create_users_table.php", "<?php\n"),
    ]
}

#[test]
fn laravel_5_gets_an_existing_php_composer_in_ci_and_phpunit() {
    let plan = plan_of(&laravel_55());
    let s = service(&plan);
    assert_eq!(s.image.runtime_image, "php:7.3-apache-bullseye");
    assert_eq!(s.ci.image, "php:7.3-cli-bullseye");
    assert!(
        s.ci.install.iter().any(|c| c.contains("composer-setup.php") && c.contains("--version=")),
        "{:?}",
        s.ci.install
    );
    assert!(s.ci.install.iter().any(|c| c.contains("unzip=")), "{:?}", s.ci.install);
    assert_eq!(s.ci.test, ["vendor/bin/phpunit"]);
    assert!(warned(s, "PHP 7.3"), "{:?}", s.warnings);
    let mut secrets: Vec<&str> = s.secret_env.iter().map(|d| d.value.as_str()).collect();
    secrets.sort_unstable();
    assert_eq!(secrets, ["APP_KEY", "DB_PASSWORD", "JWT_SECRET"]);
    assert!(s.config_env.iter().any(|e| e.value.name == "APP_ENV" && e.value.value.as_deref() == Some("production")));
    assert!(!s.config_env.iter().any(|e| e.value.name == "REDIS_PASSWORD"));
}

#[test]
fn laravel_11_keeps_artisan_test_on_a_supported_php() {
    let plan = plan_of(&[
        ("composer.json", r#"{"require":{"php":"^8.2","laravel/framework":"^11.0"}}"#),
        ("composer.lock", r#"{"packages":[{"name":"laravel/framework","version":"v11.9.2"}]}"#),
        ("public/index.php", "<?php\n"),
    ]);
    let s = service(&plan);
    assert_eq!(s.image.runtime_image, "php:8.2-apache-bookworm");
    assert_eq!(s.ci.test, ["php artisan test"]);
}

#[test]
fn dotnet_central_packages_global_json_and_sqlite() {
    let plan = plan_of(&[
        ("global.json", r#"{"sdk":{"version":"10.0.201","rollForward":"latestFeature"}}"#),
        ("Directory.Build.props", "<Project>\n  <PropertyGroup>\n    <TargetFramework>net10.0</TargetFramework>\n  </PropertyGroup>\n</Project>\n"),
        ("Directory.Packages.props", "<Project>\n</Project>\n"),
        ("NuGet.config", "<configuration />\n"),
        ("Conduit.sln", "\n"),
        ("src/Conduit/Conduit.csproj", "<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n  <ItemGroup>\n    <ProjectReference Include=\"..\\Domain\\Domain.csproj\" />\n  </ItemGroup>\n</Project>\n"),
        ("src/Domain/Domain.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\">\n</Project>\n"),
        ("src/Conduit/packages.lock.json", "{}\n"),
        ("src/Conduit/Program.cs", "var cs = \"Filename=realworld.db\";\nbuilder.Services.AddDbContext<Ctx>(o => o.UseSqlite(cs));\napp.Services.GetRequiredService<Ctx>().Database.EnsureCreated();\n"),
        ("tests/Conduit.Tests/Conduit.Tests.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />\n"),
    ]);
    let s = service(&plan);
    assert_eq!(s.language_version.value, "10.0");
    assert_eq!(s.language_version.evidence[0].file, "Directory.Build.props");
    assert_eq!(s.image.build_image, "mcr.microsoft.com/dotnet/sdk:10.0");
    assert_eq!(s.image.runtime_image, "mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled");
    for file in [
        "src/Domain/Domain.csproj",
        "global.json",
        "Directory.Build.props",
        "Directory.Packages.props",
        "NuGet.config",
        "src/Conduit/packages.lock.json",
    ] {
        assert!(s.image.dependency_files.iter().any(|f| f == file), "{file}: {:?}", s.image.dependency_files);
    }
    assert_eq!(s.ci.install, ["dotnet restore \"Conduit.sln\""]);
    assert_eq!(s.image.workdir, "/data");
    assert!(s.image.env.iter().any(|(k, v)| k == "ASPNETCORE_CONTENTROOT" && v == "/app"));
    let dockerfile = dockerfile(&plan);
    // The project is restored at the path it was copied to.
    assert!(
        dockerfile.contains("COPY src/Conduit/Conduit.csproj src/Conduit/packages.lock.json src/Conduit/\n"),
        "{dockerfile}"
    );
    assert!(dockerfile.contains("dotnet restore \"src/Conduit/Conduit.csproj\""), "{dockerfile}");
}

#[test]
fn dotnet_exact_sdk_pin_and_an_end_of_life_worker() {
    let plan = plan_of(&[
        ("global.json", r#"{"sdk":{"version":"7.0.410"}}"#),
        ("Worker.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <TargetFramework>net7.0</TargetFramework>\n  </PropertyGroup>\n</Project>\n"),
        ("Program.cs", "while (true) { Thread.Sleep(100); }\n"),
    ]);
    let s = service(&plan);
    assert_eq!(s.image.build_image, "mcr.microsoft.com/dotnet/sdk:7.0.410");
    assert_eq!(s.image.runtime_image, "mcr.microsoft.com/dotnet/runtime:7.0-jammy-chiseled");
    assert!(warned(s, ".NET 7.0 reached end of life"), "{:?}", s.warnings);
    assert!(s.is_worker(), "{s:?}");
}

const SPRING_POM_HEAD: &str = "<project>\n  <parent>\n    <artifactId>spring-boot-starter-parent</artifactId>\n    <version>3.3.5</version>\n  </parent>\n  <artifactId>shop</artifactId>\n  <properties><java.version>17</java.version></properties>\n  <dependencies>\n    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-actuator</artifactId></dependency>\n";

#[test]
fn spring_probe_groups_and_prometheus_registry() {
    let pom = format!("{SPRING_POM_HEAD}    <dependency><groupId>io.micrometer</groupId><artifactId>micrometer-registry-prometheus</artifactId></dependency>\n  </dependencies>\n</project>\n");
    let plan = plan_of(&[("pom.xml", &pom), ("mvnw", "#!/bin/sh\n"), (".mvn/wrapper/maven-wrapper.properties", "\n")]);
    let s = service(&plan);
    assert_eq!(s.health_path.value.as_deref(), Some("/actuator/health/readiness"));
    assert_eq!(s.liveness_path.as_ref().map(|p| p.value.as_str()), Some("/actuator/health/liveness"));
    assert!(s.image.env.iter().any(|(k, v)| k == "MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED" && v == "true"));
    assert_eq!(s.metrics.as_ref().map(|m| m.value.path.as_str()), Some("/actuator/prometheus"));
    assert_eq!(s.image.build_image, "eclipse-temurin:17-jdk");
    assert_eq!(s.image.runtime_image, "gcr.io/distroless/java17-debian12:nonroot");
    let kit = write::kit(&plan);
    let workload = kit.iter().find(|f| f.path.ends_with("rollout.yaml") || f.path.ends_with("deployment.yaml"));
    let text = &workload.expect("a workload").contents;
    assert!(text.contains("/actuator/health/liveness") && text.contains("/actuator/health/readiness"), "{text}");
}

#[test]
fn spring_without_a_prometheus_registry_scrapes_nothing() {
    let pom = format!("{SPRING_POM_HEAD}  </dependencies>\n</project>\n");
    let plan = plan_of(&[("pom.xml", &pom)]);
    let s = service(&plan);
    assert!(s.metrics.is_none());
    assert!(warned(s, "micrometer-registry-prometheus"), "{:?}", s.warnings);
}

#[test]
fn spring_boot_before_2_3_has_no_probe_groups() {
    let pom = SPRING_POM_HEAD.replace("3.3.5", "2.1.4") + "  </dependencies>\n</project>\n";
    let plan = plan_of(&[("pom.xml", &pom)]);
    let s = service(&plan);
    assert_eq!(s.health_path.value.as_deref(), Some("/actuator/health"));
    assert!(s.liveness_path.is_none());
}

#[test]
fn maven_modules_build_from_the_parent_folder() {
    let parent = "<project>\n  <parent><artifactId>spring-boot-starter-parent</artifactId><version>3.4.0</version></parent>\n  <artifactId>shop</artifactId>\n  <packaging>pom</packaging>\n  <properties><java.version>17</java.version></properties>\n  <modules>\n    <module>orders</module>\n    <module>common</module>\n  </modules>\n</project>\n";
    let module = "<project>\n  <parent><artifactId>shop</artifactId></parent>\n  <artifactId>orders</artifactId>\n  <dependencies>\n    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency>\n  </dependencies>\n</project>\n";
    let plan = plan_of(&[
        ("pom.xml", parent),
        ("mvnw", "#!/bin/sh\n"),
        (".mvn/wrapper/maven-wrapper.properties", "\n"),
        ("orders/pom.xml", module),
        ("orders/src/main/java/shop/Orders.java", "class Orders {}\n"),
        ("common/pom.xml", "<project><artifactId>common</artifactId></project>\n"),
    ]);
    let s = service(&plan);
    assert_eq!(s.dir, "orders");
    assert_eq!(s.name, "orders");
    assert_eq!(s.build_context.as_deref(), Some("."));
    assert_eq!(s.language_version.value, "17");
    assert_eq!(s.language_version.evidence[0].file, "pom.xml");
    for file in ["pom.xml", "mvnw", ".mvn", "orders/pom.xml", "common/pom.xml"] {
        assert!(s.image.dependency_files.iter().any(|f| f == file), "{file}: {:?}", s.image.dependency_files);
    }
    assert!(s.image.build[0].run.starts_with("./mvnw -B -q -pl orders -am package"), "{:?}", s.image.build);
    assert!(s.image.build[0].run.contains("find orders/target"));
    assert_eq!(s.ci.test, ["../mvnw -B -f ../pom.xml -pl orders -am verify"]);
}

/// nohttp's allowlist, as far as the kit needs it: loopback hosts.
fn allowed_by_nohttp(url: &str) -> bool {
    ["http://localhost", "http://127.0.0.1"].iter().any(|allowed| url.starts_with(allowed))
}

/// A build that runs nohttp fails on any `http://` literal in the
/// repository: the kit writes none outside nohttp's allowlist.
#[test]
fn nohttp_builds_get_no_plain_http_literal() {
    let pom = format!(
        "{SPRING_POM_HEAD}  </dependencies>\n  <build><plugins><plugin><artifactId>maven-checkstyle-plugin</artifactId><dependencies><dependency><groupId>io.spring.nohttp</groupId><artifactId>nohttp-checkstyle</artifactId></dependency></dependencies></plugin></plugins></build>\n</project>\n"
    );
    let plan = plan_of(&[
        ("pom.xml", &pom),
        ("src/main/java/shop/ShopApplication.java", "@SpringBootApplication\npublic class ShopApplication {}\n"),
    ]);
    assert!(plan.bans_plain_http(), "{:?}", service(&plan).nohttp);
    let url = regex::Regex::new(r"http://[^\s\x22'`)>\]]*").expect("regex");
    for file in write::kit(&plan) {
        for found in url.find_iter(&file.contents) {
            assert!(allowed_by_nohttp(found.as_str()), "{}: {}", file.path, found.as_str());
        }
    }
    let analysis = write::kit(&plan)
        .into_iter()
        .find(|f| f.path.ends_with("analysistemplate.yaml"))
        .map(|f| f.contents)
        .expect("an AnalysisTemplate");
    let parsed: serde_json::Value = serde_saphyr::from_str(&analysis).expect("YAML");
    assert_eq!(
        parsed["spec"]["metrics"][0]["provider"]["prometheus"]["address"],
        "http://prometheus-operated.monitoring.svc.cluster.local:9090",
        "the escaped address reads as the same URL"
    );
}
