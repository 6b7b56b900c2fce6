//! Node.js detection on small synthetic apps, one class of defect each:
//! the image must start what the build produced, generate what the code
//! imports, and CI must run real tests or say there are none.

use shipshape_init::plan::{ServicePlan, Stack};
use shipshape_init::{make_plan, PlanOptions};

fn plan_of(files: &[(&str, &str)]) -> Vec<ServicePlan> {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
    }
    make_plan(dir.path(), &PlanOptions::default()).expect("a plan").services
}

fn detect(files: &[(&str, &str)]) -> ServicePlan {
    let mut services = plan_of(files);
    assert_eq!(services.len(), 1);
    let service = services.remove(0);
    assert_eq!(service.stack.value, Stack::Node);
    service
}

fn runs(service: &ServicePlan) -> Vec<&str> {
    service.image.build.iter().map(|c| c.run.as_str()).collect()
}

fn has_warning(service: &ServicePlan, needle: &str) -> bool {
    service.warnings.iter().any(|w| w.contains(needle))
}

#[test]
fn an_nx_start_script_is_replaced_by_the_built_entry_point() {
    let service = detect(&[
        (
            "package.json",
            r#"{"name":"@acme/source","scripts":{"start":"nx serve","build":"nx build"},"dependencies":{"express":"4.21.0"},"devDependencies":{"nx":"17.2.6"}}"#,
        ),
        ("package-lock.json", "{}"),
        (
            "project.json",
            r#"{"name":"api","targets":{"build":{"options":{"outputPath":"dist/api","main":"src/main.ts"}}}}"#,
        ),
        (
            "src/main.ts",
            "import express from 'express';\nconst app = express();\napp.listen(process.env.PORT || 3000);\n",
        ),
    ]);
    assert_eq!(service.start_command.value, ["node", "dist/api/main.js"]);
    assert_eq!(service.start_command.evidence[0].file, "project.json");
    assert_eq!(service.name, "api");
    assert_eq!(service.image.command, ["/nodejs/bin/node", "dist/api/main.js"]);
    assert!(has_warning(&service, "`nx`"), "{:?}", service.warnings);
}

#[test]
fn a_start_script_of_a_production_dependency_runs_its_file_with_node() {
    let service = detect(&[
        (
            "package.json",
            r#"{"name":"orders","main":"app.js","scripts":{"start":"fastify start -l info app.js"},"dependencies":{"fastify":"5.0.0","fastify-cli":"7.0.0"}}"#,
        ),
        ("app.js", "module.exports = async function (fastify) {}\n"),
    ]);
    assert_eq!(
        service.image.command,
        ["/nodejs/bin/node", "node_modules/fastify-cli/cli.js", "start", "-l", "info", "app.js"]
    );
    assert!(service.image.env.contains(&("FASTIFY_ADDRESS".to_string(), "0.0.0.0".to_string())));
}

#[test]
fn a_typescript_main_starts_from_the_compiled_output() {
    let service = detect(&[
        (
            "package.json",
            r#"{"name":"svc","main":"src/index.ts","scripts":{"build":"tsc"},"dependencies":{"koa":"2.15.0"},"devDependencies":{"typescript":"5.6.0"}}"#,
        ),
        ("tsconfig.json", r#"{"compilerOptions":{"outDir":"./build","rootDir":"./src"}}"#),
        ("src/index.ts", "app.listen(8080);\n"),
    ]);
    assert_eq!(service.start_command.value, ["node", "build/index.js"]);
}

#[test]
fn prisma_schema_from_package_json_gets_generate_migration_tool_and_secret() {
    let service = detect(&[
        (
            "package.json",
            r#"{"name":"blog","main":"server.js","prisma":{"schema":"src/db/schema.prisma"},"dependencies":{"@prisma/client":"5.22.0","express":"4.21.0"},"devDependencies":{"prisma":"5.22.0"}}"#,
        ),
        ("package-lock.json", "{}"),
        (
            "src/db/schema.prisma",
            "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n",
        ),
        ("server.js", "require('express')().listen(3000);\n"),
    ]);
    let migration = service.migration.as_ref().expect("a migration");
    assert_eq!(migration.value.tool, "prisma");
    assert_eq!(
        migration.value.command,
        [
            "/nodejs/bin/node",
            "/opt/migrate/node_modules/prisma/build/index.js",
            "migrate",
            "deploy",
            "--schema",
            "src/db/schema.prisma"
        ]
    );
    assert_eq!(migration.evidence[0].file, "package.json");
    assert!(service.image.artifacts.contains(&("/opt/migrate".to_string(), "/opt/migrate".to_string())));
    assert!(service.image.dependency_files.contains(&"src/db/schema.prisma".to_string()));
    let build = runs(&service);
    assert_eq!(build[0], "node_modules/.bin/prisma generate --schema src/db/schema.prisma");
    assert!(build.iter().any(|r| r.starts_with("npm install --prefix /opt/migrate")), "{build:?}");
    assert_eq!(build.last(), Some(&"npm prune --omit=dev --ignore-scripts"));
    assert!(service
        .secret_env
        .iter()
        .any(|s| s.value == "DATABASE_URL" && s.evidence[0].file == "src/db/schema.prisma"));
}

#[test]
fn a_migration_tool_in_production_dependencies_is_not_installed_again() {
    let service = detect(&[
        ("package.json", r#"{"name":"api","main":"index.js","dependencies":{"express":"4.21.0","knex":"3.1.0"}}"#),
        ("knexfile.js", "module.exports = { client: 'pg' };\n"),
        ("index.js", "require('express')().listen(5050);\n"),
    ]);
    let migration = service.migration.as_ref().expect("a migration");
    assert_eq!(migration.value.command, ["/nodejs/bin/node", "node_modules/knex/bin/cli.js", "migrate:latest"]);
    assert!(!runs(&service).iter().any(|r| r.contains("/opt/migrate")));
}

#[test]
fn pnpm_is_pinned_by_lockfile_and_prunes_without_lifecycle_scripts() {
    let service = detect(&[
        (
            "package.json",
            r#"{"name":"web","main":"index.js","scripts":{"postinstall":"prisma generate"},"dependencies":{"express":"4.21.0"}}"#,
        ),
        ("pnpm-lock.yaml", "lockfileVersion: '6.0'\n"),
        ("index.js", "require('express')().listen(3000);\n"),
    ]);
    assert_eq!(service.image.install[0].run, "npm install -g pnpm@8.15.9 && pnpm install --frozen-lockfile");
    assert_eq!(runs(&service).last(), Some(&"pnpm prune --prod --ignore-scripts"));
}

const T3_ENV: &str = r#"import { createEnv } from "@t3-oss/env-nextjs"
import { z } from "zod"

export const env = createEnv({
  server: {
    SITE_URL: z.string().url().optional(),
    AUTH_SECRET: z.string().min(1),
    DATABASE_URL: z.string().min(1),
    MAIL_FROM: z.string().min(1),
    PLAN_ID: z.string().min(1),
    LOG_FORMAT: z.enum(["json", "text"]).default("json"),
  },
  client: {
    NEXT_PUBLIC_SITE_NAME: z.string().min(1),
  },
  runtimeEnv: {
    AUTH_SECRET: process.env.AUTH_SECRET,
  },
})
"#;

#[test]
fn next_env_validation_is_skipped_at_build_and_its_variables_are_split() {
    let service = detect(&[
        (
            "package.json",
            r#"{"name":"site","scripts":{"build":"next build","start":"next start"},"dependencies":{"next":"14.2.0","@t3-oss/env-nextjs":"0.7.0","zod":"3.23.0"}}"#,
        ),
        ("pnpm-lock.yaml", "lockfileVersion: '9.0'\n"),
        ("env.mjs", T3_ENV),
        (".env.example", "NEXT_PUBLIC_SITE_NAME=Acme\nMAIL_FROM=noreply@example.com\nPLAN_ID=\nAUTH_SECRET=\n"),
        ("app/page.tsx", "export default function Home() { return null }\n"),
    ]);
    let env = &service.image.build_env;
    assert!(env.contains(&("SKIP_ENV_VALIDATION".to_string(), "1".to_string())), "{env:?}");
    let args = &service.image.build_args;
    assert!(args.contains(&("NEXT_PUBLIC_SITE_NAME".to_string(), "Acme".to_string())), "{args:?}");
    assert!(!env.iter().any(|(name, _)| name.starts_with("NEXT_PUBLIC_")), "{env:?}");
    assert_eq!(service.image.command, ["/nodejs/bin/node", "node_modules/next/dist/bin/next", "start", "-p", "3000"]);
    let secrets: Vec<&str> = service.secret_env.iter().map(|s| s.value.as_str()).collect();
    assert!(secrets.contains(&"AUTH_SECRET") && secrets.contains(&"DATABASE_URL"), "{secrets:?}");
    let config: Vec<(&str, Option<&str>)> =
        service.config_env.iter().map(|v| (v.value.name.as_str(), v.value.value.as_deref())).collect();
    assert_eq!(config, [("MAIL_FROM", Some("noreply@example.com")), ("PLAN_ID", Some(""))]);
    assert!(service.config_env.iter().all(|v| v.evidence[0].file == "env.mjs" && v.evidence[0].line.is_some()));
    assert!(has_warning(&service, "PLAN_ID"), "{:?}", service.warnings);
    assert!(service.image.writable_dirs.contains(&"/app/.next/cache".to_string()));
    assert_eq!(service.health_path.value.as_deref(), Some("/"));
}

#[test]
fn only_env_example_keys_the_code_reads_reach_the_config_map() {
    let service = detect(&[
        ("package.json", r#"{"name":"api","main":"index.js","dependencies":{"express":"4.21.0"}}"#),
        (".env.example", "QUEUE_NAME=orders\nUNUSED_FLAG=1\nRETRIES=3\n"),
        ("index.js", "const q = process.env.QUEUE_NAME;\nconst r = process.env.RETRIES || 5;\nrequire('express')().listen(3000);\n"),
    ]);
    let config: Vec<(&str, Option<&str>)> =
        service.config_env.iter().map(|v| (v.value.name.as_str(), v.value.value.as_deref())).collect();
    assert_eq!(config, [("QUEUE_NAME", Some("orders")), ("RETRIES", None)]);
}

#[test]
fn a_health_route_on_an_express_router_gets_the_mount_prefix() {
    let service = detect(&[
        ("package.json", r#"{"name":"api","main":"src/app.js","dependencies":{"express":"4.21.0"}}"#),
        ("src/app.js", "const express = require('express');\nconst health = require('./routes/health');\nconst app = express();\napp.use('/api/v1', health);\napp.listen(3000);\n"),
        ("src/routes/health.js", "const router = require('express').Router();\nrouter.get('/health', (q, r) => r.send('ok'));\nmodule.exports = router;\n"),
    ]);
    assert_eq!(service.health_path.value.as_deref(), Some("/api/v1/health"));
    assert_eq!(service.health_path.evidence.len(), 2);
}

/// A Next.js app: its package and home page.
const NEXT_PACKAGE: (&str, &str) = (
    "package.json",
    r#"{"name":"site","scripts":{"build":"next build","start":"next start"},"dependencies":{"next":"14.2.0"}}"#,
);
const NEXT_HOME: (&str, &str) = ("app/page.tsx", "export default function Home() { return null }\n");

#[test]
fn a_next_api_route_is_the_health_path() {
    let service = detect(&[
        NEXT_PACKAGE,
        ("app/api/healthz/route.ts", "export async function GET() { return Response.json({ ok: true }) }\n"),
        NEXT_HOME,
    ]);
    assert_eq!(service.health_path.value.as_deref(), Some("/api/healthz"));
}

#[test]
fn an_app_without_a_health_route_is_probed_on_its_root_route() {
    let service = detect(&[
        ("package.json", r#"{"name":"result","main":"server.js","dependencies":{"express":"4.21.0"}}"#),
        ("server.js", "const app = require('express')();\napp.get('/', (q, r) => r.send('hi'));\napp.listen(4000);\n"),
    ]);
    assert_eq!(service.health_path.value.as_deref(), Some("/"));
}

#[test]
fn no_tests_means_no_test_step_and_a_warning() {
    let service = detect(&[
        (
            "package.json",
            r#"{"name":"api","main":"index.js","scripts":{"test":"node --test"},"dependencies":{"express":"4.21.0"}}"#,
        ),
        ("index.js", "require('express')().listen(3000);\n"),
    ]);
    assert!(service.ci.test.is_empty(), "{:?}", service.ci.test);
    assert!(has_warning(&service, "finds no test files"), "{:?}", service.warnings);
    let default_script = detect(&[
        (
            "package.json",
            r#"{"name":"api","main":"index.js","scripts":{"test":"echo \"Error: no test specified\" && exit 1"},"dependencies":{"express":"4.21.0"}}"#,
        ),
        ("index.js", "require('express')().listen(3000);\n"),
        ("tests/render.js", "// a browser script, not a test\n"),
    ]);
    assert!(default_script.ci.test.is_empty(), "{:?}", default_script.ci.test);
}

#[test]
fn test_files_without_a_script_run_with_the_installed_runner() {
    let service = detect(&[
        (
            "package.json",
            r#"{"name":"api","main":"index.js","dependencies":{"express":"4.21.0"},"devDependencies":{"jest":"29.7.0"}}"#,
        ),
        ("index.js", "require('express')().listen(3000);\n"),
        ("src/__tests__/app.js", "test('x', () => {});\n"),
    ]);
    assert_eq!(service.ci.test, ["node_modules/.bin/jest"]);
}

#[test]
fn ci_caches_the_folder_the_containerized_install_writes() {
    let service = detect(&[
        ("package.json", r#"{"name":"api","main":"index.js","dependencies":{"express":"4.21.0"}}"#),
        ("package-lock.json", "{}"),
        ("index.js", "require('express')().listen(3000);\n"),
    ]);
    assert_eq!(service.ci.cache_paths, [".cache/npm"]);
    assert!(service.ci.install[0].contains("npm_config_cache=\"$PWD/.cache/npm\""));
}

#[test]
fn a_workspace_member_is_built_from_the_root_that_holds_the_lockfile() {
    let services = plan_of(&[
        ("package.json", r#"{"name":"mono","private":true,"workspaces":["apps/*","packages/*"]}"#),
        ("package-lock.json", "{}"),
        ("packages/shared/package.json", r#"{"name":"@mono/shared"}"#),
        (
            "apps/api/package.json",
            r#"{"name":"api","scripts":{"build":"tsc","start":"next start"},"dependencies":{"next":"14.2.0"}}"#,
        ),
        ("apps/api/app/page.tsx", "export default function Home() { return null }\n"),
    ]);
    let api = services.iter().find(|s| s.dir == "apps/api").expect("the api service");
    assert_eq!(api.build_context.as_deref(), Some("."));
    assert_eq!(api.package_manager.value, "npm");
    assert_eq!(
        api.image.dependency_files,
        ["apps/api/package.json", "package-lock.json", "package.json", "packages/shared/package.json"]
    );
    assert_eq!(api.image.install[0].run, "npm ci");
    assert_eq!(runs(api)[0], "npm run build --workspace apps/api");
    assert_eq!(api.image.workdir, "/app/apps/api");
    assert_eq!(api.image.command[1], "/app/node_modules/next/dist/bin/next");
    assert!(!has_warning(api, "package-lock.json"), "{:?}", api.warnings);
}

#[test]
fn an_end_of_life_node_gets_the_nearest_supported_line() {
    let service = detect(&[
        ("package.json", r#"{"name":"api","main":"index.js","dependencies":{"express":"4.21.0"}}"#),
        (".nvmrc", "16.20.0\n"),
        ("index.js", "require('express')().listen(3000);\n"),
    ]);
    assert_eq!(service.language_version.value, "22");
    assert!(has_warning(&service, "Node 16"), "{:?}", service.warnings);
}

#[test]
fn a_standalone_next_build_starts_its_own_server() {
    let service = detect(&[
        NEXT_PACKAGE,
        ("next.config.mjs", "const config = {\n  output: 'standalone',\n}\nexport default config\n"),
        ("public/favicon.ico", ""),
        NEXT_HOME,
    ]);
    assert_eq!(service.image.command, ["/nodejs/bin/node", "server.js"]);
    assert_eq!(service.start_command.evidence[0].file, "next.config.mjs");
    assert!(service.image.env.contains(&("HOSTNAME".to_string(), "0.0.0.0".to_string())));
    assert_eq!(
        service.image.artifacts,
        [
            ("/app/.next/standalone".to_string(), "/app".to_string()),
            ("/app/.next/static".to_string(), "/app/.next/static".to_string()),
            ("/app/public".to_string(), "/app/public".to_string()),
        ]
    );
}
