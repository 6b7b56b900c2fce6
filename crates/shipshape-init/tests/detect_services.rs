//! Which folders of a repository are planned as services: a root without a
//! manifest of its own plans its first-level and `src/*` folders that hold
//! one, and leaves out test, example and tooling projects with a warning.

use shipshape_init::plan::{Plan, Stack};
use shipshape_init::{make_plan, PlanOptions};

fn plan_of(files: &[(&str, &str)]) -> Plan {
    let dir = tempfile::tempdir().expect("temp dir");
    shipshape_testkit::write_tree(dir.path(), files);
    make_plan(dir.path(), &PlanOptions::default()).expect("a plan")
}

/// `(dir, name, stack)` of each planned service.
fn services(plan: &Plan) -> Vec<(&str, &str, Stack)> {
    plan.services.iter().map(|s| (s.dir.as_str(), s.name.as_str(), s.stack.value)).collect()
}

const EXPRESS: &str = r#"{"name":"a","scripts":{"start":"node server.js"},"dependencies":{"express":"4.21.0"}}"#;
const EXPRESS_SERVER: &str = "const app = require('express')();\napp.get('/healthz', (q, r) => r.send('ok'));\napp.listen(process.env.PORT || 3100);\n";
const FLASK_APP: &str =
    "from flask import Flask\napp = Flask(__name__)\n\n@app.route(\"/health\")\ndef health():\n    return \"ok\"\n";
const PLAYWRIGHT_ONLY: &str = r#"{"name":"tests","main":"index.js","scripts":{"test":"playwright test"},"devDependencies":{"@playwright/test":"1.50.1","@types/node":"22.0.0"}}"#;

#[test]
fn src_folders_are_services_and_a_playwright_project_is_not() {
    let plan = plan_of(&[
        ("README.md", "# shop\n"),
        ("src/a/package.json", EXPRESS),
        ("src/a/package-lock.json", "{\"lockfileVersion\":3}\n"),
        ("src/a/server.js", EXPRESS_SERVER),
        ("src/b/requirements.txt", "flask==3.0.3\ngunicorn==23.0.0\n"),
        ("src/b/app.py", FLASK_APP),
        ("tests/package.json", PLAYWRIGHT_ONLY),
        ("tests/e2e/shop.spec.ts", "import { test } from '@playwright/test';\n"),
    ]);
    assert_eq!(services(&plan), [("src/a", "a", Stack::Node), ("src/b", "b", Stack::Python)]);
    assert!(plan.warnings.iter().any(|w| w.contains("`tests`")), "{:?}", plan.warnings);
    let a = &plan.services[0];
    assert_eq!(a.port.value, 3100);
    assert_eq!(a.health_path.value.as_deref(), Some("/healthz"));
    for evidence in a.port.evidence.iter().chain(&a.health_path.evidence).chain(&a.stack.evidence) {
        assert!(evidence.file.starts_with("src/a/"), "{evidence:?}");
    }
    assert!(a.port.evidence.iter().all(|e| e.line.is_some()), "{:?}", a.port);
    let b = &plan.services[1];
    assert_eq!(b.health_path.value.as_deref(), Some("/health"));
    assert_eq!(b.health_path.evidence[0].file, "src/b/app.py");
}

#[test]
fn a_test_only_package_is_skipped_whatever_its_folder_is_called() {
    let plan = plan_of(&[
        ("api/package.json", EXPRESS),
        ("api/server.js", EXPRESS_SERVER),
        (
            "smoke/package.json",
            r#"{"name":"smoke","scripts":{"test":"cypress run"},"devDependencies":{"cypress":"13.0.0"}}"#,
        ),
    ]);
    assert_eq!(services(&plan), [("api", "api", Stack::Node)]);
    assert!(
        plan.warnings.iter().any(|w| w.contains("`smoke/package.json`") && w.contains("cypress")),
        "{:?}",
        plan.warnings
    );
}

#[test]
fn an_app_that_also_runs_playwright_is_a_service() {
    let plan = plan_of(&[
        (
            "web/package.json",
            r#"{"name":"web","scripts":{"build":"vite build","test:e2e":"playwright test"},"dependencies":{"vue":"3.5.0"},"devDependencies":{"@playwright/test":"1.57.0","vite":"6.0.0"}}"#,
        ),
        ("web/src/main.ts", "import { createApp } from 'vue';\n"),
        (
            "result/package.json",
            r#"{"name":"result","main":"server.js","dependencies":{"express":"4.21.0"},"devDependencies":{"playwright":"1.50.0"}}"#,
        ),
        ("result/server.js", EXPRESS_SERVER),
    ]);
    assert_eq!(services(&plan), [("result", "result", Stack::Node), ("web", "web", Stack::Node)]);
}

#[test]
fn test_example_and_tooling_folders_are_skipped_by_name() {
    let plan = plan_of(&[
        ("vote/requirements.txt", "flask==3.0.3\n"),
        ("vote/app.py", FLASK_APP),
        ("docs/package.json", r#"{"name":"docs","scripts":{"build":"vitepress build"}}"#),
        ("examples/demo/go.mod", "module demo\n\ngo 1.22\n"),
        ("load-tests/package.json", r#"{"name":"load","scripts":{"start":"k6 run"}}"#),
        ("api-e2e/package.json", r#"{"name":"api-e2e","scripts":{"start":"jest"}}"#),
        ("scripts/requirements.txt", "requests\n"),
    ]);
    assert_eq!(services(&plan), [("vote", "vote", Stack::Python)]);
    for skipped in ["`docs`", "`load-tests`", "`api-e2e`", "`scripts`"] {
        assert!(plan.warnings.iter().any(|w| w.contains(skipped)), "{skipped}: {:?}", plan.warnings);
    }
}

#[test]
fn a_project_in_a_subfolder_is_not_the_root_service() {
    let plan = plan_of(&[
        ("worker/Worker.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <TargetFramework>net8.0</TargetFramework>\n  </PropertyGroup>\n</Project>\n"),
        ("worker/Program.cs", "Console.WriteLine(\"working\");\n"),
        ("vote/requirements.txt", "flask==3.0.3\n"),
        ("vote/app.py", FLASK_APP),
        ("seed-data/Dockerfile", "FROM python:3.12-slim\n"),
        ("seed-data/make-data.py", "print('seed')\n"),
    ]);
    assert_eq!(services(&plan), [("vote", "vote", Stack::Python), ("worker", "worker", Stack::Dotnet)]);
    let worker = &plan.services[1];
    assert_eq!(worker.stack.evidence[0].file, "worker/Worker.csproj");
    assert_eq!(worker.language_version.value, "8.0");
}

#[test]
fn a_solution_at_the_root_makes_one_root_service() {
    let plan = plan_of(&[
        ("Shop.sln", "\n"),
        ("src/Api/Api.csproj", "<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n  <PropertyGroup>\n    <TargetFramework>net9.0</TargetFramework>\n  </PropertyGroup>\n</Project>\n"),
        ("src/Api/Program.cs", "var app = WebApplication.CreateBuilder(args).Build();\napp.MapGet(\"/healthz\", () => \"ok\");\napp.Run();\n"),
        ("tests/Api.Tests/Api.Tests.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />\n"),
    ]);
    assert_eq!(services(&plan).len(), 1);
    assert_eq!(plan.services[0].dir, ".");
    assert_eq!(plan.services[0].stack.value, Stack::Dotnet);
    assert_eq!(plan.services[0].stack.evidence[0].file, "Shop.sln");
}

#[test]
fn a_root_with_its_own_manifest_stays_one_service() {
    let plan = plan_of(&[
        ("go.mod", "module example.com/shop\n\ngo 1.22\n"),
        ("main.go", "package main\n\nfunc main() {}\n"),
        ("web/package.json", r#"{"name":"web","scripts":{"build":"vite build"}}"#),
        ("tools/gen/requirements.txt", "jinja2\n"),
    ]);
    assert_eq!(services(&plan), [(".", "shop", Stack::Go)]);
}

#[test]
fn per_service_values_of_a_voting_style_app() {
    let user = "postgres";
    let plan = plan_of(&[
        ("vote/requirements.txt", "Flask\nRedis\ngunicorn\n"),
        (
            "vote/app.py",
            "from flask import Flask\nfrom redis import Redis\napp = Flask(__name__)\n\ndef get_redis():\n    return Redis(host=\"redis\", db=0)\n\n@app.route(\"/\", methods=['POST','GET'])\ndef hello():\n    return 'ok'\n",
        ),
        ("ai/requirements.txt", "fastapi\nuvicorn\n"),
        ("ai/main.py", "from fastapi import FastAPI\napp = FastAPI()\n\n@app.get(\"/health\")\ndef health():\n    return {}\n"),
        ("ai/Dockerfile", "FROM python:3.12\nCMD [\"uvicorn\", \"main:app\", \"--host\", \"0.0.0.0\", \"--port\", \"5001\"]\n"),
        ("result/package.json", r#"{"name":"result","main":"server.js","dependencies":{"express":"4.21.0","pg":"8.8.0"}}"#),
        (
            "result/server.js",
            &format!("const app = require('express')();\nconst pool = new Pool({{ connectionString: 'postgres://{user}:{user}@db/postgres' }});\napp.get('/', (q, r) => r.send('ok'));\napp.listen(process.env.PORT || 4000);\n"),
        ),
        ("front/package.json", r#"{"name":"front","scripts":{"build":"vite build"},"dependencies":{"vue":"3.5.0"},"devDependencies":{"vite":"6.0.0"}}"#),
        ("front/src/main.ts", "import { createApp } from 'vue';\n"),
        ("worker/Cargo.toml", "[package]\nname = \"worker\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nreqwest = \"0.12\"\n"),
        ("worker/src/main.rs", "fn main() {\n    println!(\"working\");\n}\n"),
    ]);
    let by_dir = |dir: &str| plan.services.iter().find(|s| s.dir == dir).unwrap_or_else(|| panic!("no service {dir}"));
    let vote = by_dir("vote");
    assert_eq!(vote.health_path.value.as_deref(), Some("/"));
    assert_eq!(vote.health_path.evidence[0].file, "vote/app.py");
    assert!(
        vote.warnings.iter().any(|w| w.starts_with("vote/app.py:6 connects to Redis at host `redis`")),
        "{:?}",
        vote.warnings
    );
    let ai = by_dir("ai");
    assert_eq!(ai.port.value, 5001, "{:?}", ai.port);
    assert_eq!(ai.port.evidence[0].file, "ai/Dockerfile");
    let result = by_dir("result");
    assert_eq!((result.port.value, result.health_path.value.as_deref()), (4000, Some("/")));
    let fixed = result.warnings.iter().find(|w| w.contains("host `db`")).expect("a warning about `db`");
    assert!(fixed.contains("credentials") && !fixed.contains(&format!("{user}:{user}")), "{fixed}");
    let front = by_dir("front");
    let site = front.static_site.as_ref().expect("a static site");
    assert_eq!((site.value.builder.as_str(), site.value.output_dir.as_str()), ("vite build", "dist"));
    assert_eq!(site.evidence[0].file, "front/package.json");
    assert_eq!((front.port.value, front.health_path.value.as_deref()), (8080, Some("/healthz")));
    assert!(front.image.runtime_image.starts_with("nginxinc/nginx-unprivileged:"), "{:?}", front.image);
    assert_eq!(front.image.uid, 101);
    assert!(front.image.writable_dirs.contains(&"/var/cache/nginx".to_string()));
    let worker = by_dir("worker");
    assert!(worker.is_worker(), "{worker:?}");
}

#[test]
fn an_e2e_project_among_apps_is_not_a_service() {
    let plan = plan_of(&[
        ("apps/api/package.json", EXPRESS),
        ("apps/api/server.js", EXPRESS_SERVER),
        (
            "apps/api-e2e/package.json",
            r#"{"name":"api-e2e","scripts":{"e2e":"jest"},"devDependencies":{"jest":"29.0.0"}}"#,
        ),
        ("apps/shop-tests/package.json", PLAYWRIGHT_ONLY),
    ]);
    assert_eq!(services(&plan), [("apps/api", "api", Stack::Node)]);
    assert!(plan.warnings.iter().any(|w| w.contains("`apps/api-e2e`")), "{:?}", plan.warnings);
}
