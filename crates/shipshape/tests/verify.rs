//! `shipshape verify --mode host` on kits `init` writes for example apps:
//! the image is replayed in bubblewrap sandboxes and the app must answer
//! its health path when run as the kit runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shipshape(args: &[&str], dir: &Path) -> Output {
    shipshape_testkit::run_shipshape(env!("CARGO_BIN_EXE_shipshape"), args, dir)
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

/// False (with a message) when a tool the test needs is missing; in CI a
/// missing tool fails the test instead.
fn have(program: &str, install: &str) -> bool {
    if on_path(program) {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "{program} is missing in CI: {install}");
    eprintln!("skipped: {program} is not installed ({install})");
    false
}

fn postgres_installed() -> bool {
    on_path("initdb")
        || std::fs::read_dir("/usr/lib/postgresql")
            .is_ok_and(|mut d| d.any(|e| e.is_ok_and(|e| e.path().join("bin/initdb").is_file())))
}

/// Copies an example, runs `init`, then `verify --mode host` with `extra`.
fn verify_example(name: &str, extra: &[&str]) -> Value {
    let dir = tempfile::tempdir().expect("temp dir");
    shipshape_testkit::materialize(&repo_root().join("examples").join(name), dir.path()).expect("copy the example");
    verify_dir(name, dir.path(), extra)
}

/// Runs `init`, then `verify --mode host` with `extra`, in `dir`.
fn verify_dir(name: &str, dir: &Path, extra: &[&str]) -> Value {
    let init = shipshape(&["init", "."], dir);
    assert_eq!(init.status.code(), Some(0), "init failed: {}", String::from_utf8_lossy(&init.stderr));
    let mut args = vec!["verify", ".", "--mode", "host", "--format", "json", "--timeout", "90"];
    args.extend_from_slice(extra);
    let output = shipshape(&args, dir);
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("{name}: no JSON report; stderr: {}", String::from_utf8_lossy(&output.stderr)));
    let text = serde_json::to_string_pretty(&report).unwrap_or_default();
    eprintln!("{name}: {text}");
    assert_eq!(output.status.code(), Some(0), "{name}: verify failed: {text}");
    report
}

fn step<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["services"][0]["steps"]
        .as_array()
        .and_then(|steps| steps.iter().find(|s| s["name"] == name))
        .unwrap_or_else(|| panic!("no step {name} in {report}"))
}

fn assert_answers(report: &Value, path: &str) {
    assert_eq!(report["version"], 1);
    assert_eq!(report["services"][0]["mode"], "host");
    assert_eq!(step(report, "port")["status"], "passed", "{report}");
    let readiness = step(report, "readiness");
    assert_eq!(readiness["status"], "passed", "{report}");
    assert!(readiness["detail"].as_str().is_some_and(|d| d.contains(path)), "{readiness}");
}

/// A database URL without credentials: these apps only read it at start.
fn placeholder_database() -> String {
    format!("DATABASE_URL=postgres://app@127.0.0.1:{}/app", 1)
}

#[test]
fn python_fastapi_builds_starts_and_answers() {
    if !have("bwrap", "apt-get install -y bubblewrap") || !have("python3", "Python 3") {
        return;
    }
    // A throwaway PostgreSQL when the machine has one; its URL goes in DATABASE_URL.
    let secret = format!("sk_test_{}", std::process::id());
    let stripe = format!("STRIPE_API_KEY={secret}");
    let database = placeholder_database();
    let mut extra = vec!["--env", stripe.as_str()];
    if postgres_installed() {
        extra.extend(["--with", "postgres"]);
    } else {
        assert!(std::env::var_os("CI").is_none(), "PostgreSQL is missing in CI: apt-get install -y postgresql");
        extra.extend(["--env", database.as_str()]);
    }
    let report = verify_example("python-fastapi", &extra);
    assert_answers(&report, "/health");
    assert_eq!(step(&report, "healthcheck")["status"], "passed", "{report}");
    assert!(!report.to_string().contains(&secret), "a secret was printed: {report}");
}

const PLAIN_NODE_SERVER: &str = r#"const http = require("http");
const port = process.env.PORT || 8080;
http
  .createServer((req, res) => {
    if (req.url === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end('{"status":"ok"}');
    }
    res.writeHead(404);
    res.end();
  })
  .listen(port, () => console.log(`listening on ${port}`));
"#;

/// A Node app without dependencies: the whole path (npm ci, distroless
/// node, read-only root, HEALTHCHECK) without any download.
#[test]
fn plain_node_app_builds_starts_and_answers() {
    if !have("bwrap", "apt-get install -y bubblewrap") || !have("node", "Node.js 20") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let package = r#"{ "name": "hello", "version": "1.0.0", "private": true, "main": "server.js", "scripts": { "start": "node server.js" } }"#;
    let lock = r#"{ "name": "hello", "version": "1.0.0", "lockfileVersion": 3, "requires": true, "packages": { "": { "name": "hello", "version": "1.0.0" } } }"#;
    for (name, text) in [("package.json", package), ("package-lock.json", lock), ("server.js", PLAIN_NODE_SERVER)] {
        std::fs::write(dir.path().join(name), text).expect("write the app");
    }
    let report = verify_dir("plain-node", dir.path(), &[]);
    assert_answers(&report, "/");
    assert_eq!(step(&report, "healthcheck")["status"], "passed", "{report}");
    let notes = report["services"][0]["not_emulated"].to_string();
    assert!(notes.contains("distroless/nodejs"), "the base image is reported as not emulated: {notes}");
}

/// A worker (no port): proven by starting and staying up, in text and JSON.
#[test]
fn python_worker_builds_starts_and_stays_up() {
    if !have("bwrap", "apt-get install -y bubblewrap") || !have("python3", "python3") {
        return;
    }
    let report = verify_example("python-worker", &[]);
    let stayed = step(&report, "stayed-up");
    assert_eq!(stayed["status"], "passed", "{report}");
    assert!(stayed["detail"].as_str().is_some_and(|d| d.contains("a worker") && d.contains("stayed up")), "{report}");
    assert!(report["services"][0]["steps"].as_array().is_some_and(|s| !s.iter().any(|s| s["name"] == "port")));
    let dir = tempfile::tempdir().expect("temp dir");
    shipshape_testkit::materialize(&repo_root().join("examples/python-worker"), dir.path()).expect("copy");
    assert_eq!(shipshape(&["init", "."], dir.path()).status.code(), Some(0));
    let text = shipshape(&["verify", ".", "--mode", "host", "--timeout", "90"], dir.path());
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    assert!(text.contains("stayed-up") && text.contains("): ok"), "{text}");
}

/// A server on the standard library with one dependency, for the package
/// manager kits: it answers on `PORT`.
const STDLIB_SERVER: &str = "import os\nfrom http.server import BaseHTTPRequestHandler, HTTPServer\n\nimport six\n\n\nclass Handler(BaseHTTPRequestHandler):\n    def do_GET(self):\n        self.send_response(200)\n        self.end_headers()\n        self.wfile.write(six.b(\"ok\"))\n\n\nHTTPServer((\"0.0.0.0\", int(os.environ.get(\"PORT\", \"8000\"))), Handler).serve_forever()\n";

/// Poetry and pipenv kits install into the image's own venv (`/opt/venv`),
/// the tools into venvs of their own, never into the system Python: in
/// host mode that is the host's, read-only.
#[test]
fn poetry_and_pipenv_kits_install_into_a_venv_of_the_image() {
    if !have("bwrap", "apt-get install -y bubblewrap") || !have("python3", "python3") {
        return;
    }
    let poetry: &[(&str, &str)] = &[
        ("pyproject.toml", "[tool.poetry]\nname = \"poetry-shop\"\nversion = \"0.1.0\"\ndescription = \"\"\nauthors = []\npackage-mode = false\n\n[tool.poetry.dependencies]\npython = \">=3.11\"\nsix = \"1.16.0\"\n"),
        ("main.py", STDLIB_SERVER),
    ];
    let pipenv: &[(&str, &str)] = &[
        ("Pipfile", "[[source]]\nurl = \"https://pypi.org/simple\"\nverify_ssl = true\nname = \"pypi\"\n\n[packages]\nsix = \"==1.16.0\"\n\n[requires]\npython_version = \"3.11\"\n"),
        ("Pipfile.lock", r#"{"_meta": {"hash": {"sha256": "0"}, "pipfile-spec": 6, "requires": {"python_version": "3.11"}, "sources": [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": true}]}, "default": {"six": {"index": "pypi", "version": "==1.16.0"}}, "develop": {}}"#),
        ("main.py", STDLIB_SERVER),
    ];
    for (name, files) in [("poetry", poetry), ("pipenv", pipenv)] {
        let dir = tempfile::tempdir().expect("temp dir");
        shipshape_testkit::write_tree(dir.path(), files);
        let report = verify_dir(name, dir.path(), &[]);
        assert_eq!(step(&report, "port")["status"], "passed", "{name}: {report}");
        let dockerfile = std::fs::read_to_string(dir.path().join("Dockerfile")).expect("Dockerfile");
        assert!(
            dockerfile.contains(&format!("python -m venv /opt/{name} && /opt/{name}/bin/pip install")),
            "{dockerfile}"
        );
        assert!(
            dockerfile.contains("python -m venv /opt/venv")
                && dockerfile.contains("COPY --from=build /opt/venv /opt/venv"),
            "{dockerfile}"
        );
        assert!(!dockerfile.contains("RUN pip install"), "{name}: a tool in the system Python: {dockerfile}");
    }
}

/// A static front-end without dependencies: its build copies the page into
/// `dist/` with node; the kit serves it with nginx as UID 101 on a
/// read-only root.
#[test]
fn static_site_builds_and_nginx_serves_it() {
    if !have("bwrap", "apt-get install -y bubblewrap") || !have("node", "Node.js 20") {
        return;
    }
    if !Path::new("/usr/sbin/nginx").is_file() {
        assert!(std::env::var_os("CI").is_none(), "nginx is missing in CI: apt-get install -y nginx");
        eprintln!("skipped: nginx is not installed (apt-get install -y nginx)");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let package = r#"{ "name": "site", "version": "1.0.0", "private": true, "scripts": { "dev": "vite", "build": "node build.js", "build:vite": "vite build" } }"#;
    let lock = r#"{ "name": "site", "version": "1.0.0", "lockfileVersion": 3, "requires": true, "packages": { "": { "name": "site", "version": "1.0.0" } } }"#;
    let build = r#"const fs = require("fs"); fs.mkdirSync("dist", { recursive: true }); fs.copyFileSync("public/index.html", "dist/index.html");"#;
    std::fs::create_dir(dir.path().join("public")).expect("public folder");
    for (name, text) in [
        ("package.json", package),
        ("package-lock.json", lock),
        ("build.js", build),
        ("public/index.html", "<!doctype html><title>site</title>\n"),
    ] {
        std::fs::write(dir.path().join(name), text).expect("write the app");
    }
    let report = verify_dir("static-site", dir.path(), &[]);
    assert_answers(&report, "/healthz");
    assert_eq!(step(&report, "site")["status"], "passed", "{report}");
    assert_eq!(step(&report, "healthcheck")["status"], "passed", "{report}");
    assert!(step(&report, "start")["detail"].as_str().is_some_and(|d| d.contains("as 101:101")), "{report}");
}

#[test]
#[ignore = "Prisma downloads its engines from binaries.prisma.sh, which this machine cannot reach"]
fn node_express_builds_starts_and_answers() {
    if !have("bwrap", "apt-get install -y bubblewrap") || !have("node", "Node.js 20") {
        return;
    }
    let database = placeholder_database();
    let report = verify_example("node-express", &["--env", database.as_str()]);
    assert_answers(&report, "/healthz");
    assert_eq!(step(&report, "healthcheck")["status"], "passed", "{report}");
}

#[test]
#[ignore = "a cold release build of axum and sqlx takes about 20 minutes on two shared cores"]
fn rust_axum_builds_starts_and_answers() {
    if !have("bwrap", "apt-get install -y bubblewrap") || !have("cargo", "a Rust toolchain") {
        return;
    }
    let database = placeholder_database();
    let report = verify_example("rust-axum", &["--env", database.as_str()]);
    assert_answers(&report, "/health");
    // The static probe is built with Go, which this machine may not have.
    let probe = step(&report, "build:healthcheck");
    if !on_path("go") {
        assert_eq!(probe["status"], "skipped", "{report}");
        assert!(probe["detail"].as_str().is_some_and(|d| d.contains("go not on this machine")), "{probe}");
        assert_eq!(step(&report, "healthcheck")["status"], "skipped", "{report}");
    }
}

/// The app's own delivery files, removed so that `init` writes the whole kit.
const OWN_DELIVERY_FILES: &[&str] = &[
    "Dockerfile",
    ".dockerignore",
    "docker-compose.yml",
    "docker-compose.images.yml",
    "docker-stack.yml",
    "k8s-specifications",
    ".github",
];

/// A copy of `../shared/apps/<name>` without its delivery files (also in
/// folders two levels down), or `None`
/// (with a message) when the shared apps are absent outside CI.
fn shared_app(name: &str) -> Option<tempfile::TempDir> {
    let src = repo_root().join("../shared/apps").join(name);
    if !src.is_dir() {
        assert!(std::env::var_os("CI").is_none(), "{} is missing in CI", src.display());
        eprintln!("skipped: {} is absent (the shared material is not beside the repository)", src.display());
        return None;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let copied = Command::new("cp").arg("-r").arg(src.join(".")).arg(dir.path()).status().expect("cp runs");
    assert!(copied.success(), "copying {}", src.display());
    let subfolders = |parent: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(parent)
            .map(|d| d.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect())
            .unwrap_or_default()
    };
    for folder in subfolders(dir.path()).into_iter().flat_map(|f| std::iter::once(f.clone()).chain(subfolders(&f))) {
        for own in ["Dockerfile", ".dockerignore", "docker-compose.yml"] {
            let _ = std::fs::remove_file(folder.join(own));
        }
    }
    for own in OWN_DELIVERY_FILES {
        let path = dir.path().join(own);
        let _ = std::fs::remove_dir_all(&path).or_else(|_| std::fs::remove_file(&path));
    }
    Some(dir)
}

/// The voting app's services live in first-level folders with no root
/// manifest: `init` plans each, and its Python and Node kits start.
#[test]
fn voting_app_services_build_start_and_answer() {
    if !have("bwrap", "apt-get install -y bubblewrap") || !have("python3", "Python 3") || !have("node", "Node.js 20") {
        return;
    }
    let Some(dir) = shared_app("dockersamples+example-voting-app") else { return };
    let init = shipshape(&["init", "."], dir.path());
    assert_eq!(init.status.code(), Some(0), "init failed: {}", String::from_utf8_lossy(&init.stderr));
    for (service, path) in [("vote", "/"), ("result", "/")] {
        let args = ["verify", ".", "--mode", "host", "--format", "json", "--timeout", "90", "--service", service];
        let output = shipshape(&args, dir.path());
        let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
            panic!("{service}: no JSON report; stderr: {}", String::from_utf8_lossy(&output.stderr))
        });
        assert_eq!(output.status.code(), Some(0), "{service}: verify failed: {report:#}");
        assert_answers(&report, path);
        assert_eq!(step(&report, "healthcheck")["status"], "passed", "{report}");
    }
}

/// The store demo's services live under `src/`; its Playwright project in
/// `tests/` is not one. The Python service's kit starts.
#[test]
fn store_demo_python_service_builds_starts_and_answers() {
    if !have("bwrap", "apt-get install -y bubblewrap") || !have("python3", "Python 3") {
        return;
    }
    let Some(dir) = shared_app("Azure-Samples+aks-store-demo") else { return };
    let init = shipshape(&["init", "."], dir.path());
    let stderr = String::from_utf8_lossy(&init.stderr);
    assert_eq!(init.status.code(), Some(0), "init failed: {stderr}");
    assert!(stderr.contains("`tests`"), "the Playwright project is reported as skipped: {stderr}");
    for service in ["ai-service", "order-service", "product-service", "store-front", "makeline-service"] {
        assert!(dir.path().join("src").join(service).join("Dockerfile").is_file(), "{service} has no Dockerfile");
    }
    assert!(!dir.path().join("tests/Dockerfile").exists());
    let args = ["verify", ".", "--mode", "host", "--format", "json", "--timeout", "90", "--service", "ai-service"];
    let output = shipshape(&args, dir.path());
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("no JSON report; stderr: {}", String::from_utf8_lossy(&output.stderr)));
    assert_eq!(output.status.code(), Some(0), "verify failed: {report:#}");
    assert_answers(&report, "/health");
}

#[test]
fn verify_without_a_kit_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = shipshape(&["verify", ".", "--mode", "host"], dir.path());
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
}
