//! Front-ends built into static files: where the build puts them, and what
//! an nginx configuration the app ships assumes.

use std::sync::LazyLock;

use regex::Regex;

use super::repo::{line_of, re, ServiceDir};
use crate::plan::{Detected, StaticSite};

/// Where nginx serves the site from, in the runtime image.
pub(crate) const SITE_ROOT: &str = "/usr/share/nginx/html";
/// The port the unprivileged nginx image listens on.
pub(crate) const NGINX_PORT: u16 = 8080;
/// The health path of the kit's own configuration.
pub(crate) const KIT_HEALTH_PATH: &str = "/healthz";
/// Folders nginx writes to (pid, temporary files, cache).
pub(crate) const NGINX_WRITABLE: [&str; 2] = ["/tmp", "/var/cache/nginx"];

static OUT_DIR: LazyLock<Regex> = LazyLock::new(|| re(r#"outDir\s*:\s*['"]([^'"]+)['"]"#));
static OUTPUT_PATH: LazyLock<Regex> = LazyLock::new(|| re(r#""outputPath"\s*:\s*"([^"]+)""#));
static LISTEN: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^\s*listen\s+(?:\S+:)?(\d{2,5})\b"));
static PROXY_PASS: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^\s*proxy_pass\s+\w+://([^/:;\s]+)"));
static RETURN_200: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?s)location\s+=?\s*(/[A-Za-z0-9_\-/]*)\s*\{[^}]*?return\s+200"));
/// An envsubst placeholder; nginx's own variables are lower case.
static TEMPLATE_VAR: LazyLock<Regex> = LazyLock::new(|| re(r"\$\{([A-Z][A-Z0-9_]*)\}"));

/// The folder a builder writes to, read from its configuration when set.
fn output_dir(dir: &ServiceDir, builder: &str) -> String {
    let configured = |files: &[&str], pattern: &Regex| {
        files.iter().find_map(|f| dir.read(f).and_then(|t| pattern.captures(&t).map(|c| c[1].to_string())))
    };
    let found = match builder {
        "vite build" | "astro build" => configured(
            &["vite.config.ts", "vite.config.js", "vite.config.mts", "vite.config.mjs", "astro.config.mjs"],
            &OUT_DIR,
        ),
        // Angular 17+ application builders write `<outputPath>/browser`.
        "ng build" => configured(&["angular.json"], &OUTPUT_PATH).map(|p| format!("{p}/browser")),
        _ => None,
    };
    let default = if builder == "react-scripts build" { "build" } else { "dist" };
    found.unwrap_or_else(|| default.to_string()).trim_start_matches("./").trim_end_matches('/').to_string()
}

/// The app's own nginx configuration file, if it ships one.
fn own_nginx_config(dir: &ServiceDir) -> Option<String> {
    ["nginx.conf", "nginx/nginx.conf", "nginx/default.conf", "default.conf"]
        .iter()
        .find(|f| dir.read(f).is_some_and(|t| t.contains("server") && t.contains("listen")))
        .map(|f| (*f).to_string())
}

pub(crate) fn detect(dir: &ServiceDir, builder: &str) -> Detected<StaticSite> {
    let site = StaticSite {
        builder: builder.to_string(),
        output_dir: output_dir(dir, builder),
        nginx_config: own_nginx_config(dir),
    };
    let detail = format!("`{builder}` writes static files to {}/ and no server is started", site.output_dir);
    Detected::found(site, dir.evidence_at("package.json", builder, detail))
}

/// True when the configuration is a whole `nginx.conf` (with `http {}`),
/// not a `server {}` block for `conf.d`.
pub(crate) fn is_main_config(text: &str) -> bool {
    text.lines().any(|l| l.trim_start().starts_with("http ") || l.trim_start().starts_with("http{"))
}

/// Where the app's own configuration goes in the image.
pub(crate) fn config_destination(text: &str) -> &'static str {
    if is_main_config(text) {
        "/etc/nginx/nginx.conf"
    } else {
        "/etc/nginx/conf.d/default.conf"
    }
}

/// The port the app's configuration listens on.
pub(crate) fn config_port(text: &str) -> Option<(u16, usize)> {
    let caps = LISTEN.captures(text)?;
    let port = caps[1].parse().ok()?;
    Some((port, line_of(text, &caps[0])?))
}

/// A location of the app's configuration that answers 200 by itself.
pub(crate) fn config_health(text: &str) -> Option<(String, usize)> {
    let caps = RETURN_200.captures(text)?;
    Some((caps[1].to_string(), line_of(text, &caps[0])?))
}

/// The envsubst placeholders of a configuration template, in order.
pub(crate) fn template_vars(text: &str) -> Vec<String> {
    let mut vars: Vec<String> = Vec::new();
    for caps in TEMPLATE_VAR.captures_iter(text) {
        if !vars.iter().any(|v| *v == caps[1]) {
            vars.push(caps[1].to_string());
        }
    }
    vars
}

/// A build command rendering the placeholders of `file` from the environment, in place.
pub(crate) fn render_template(file: &str) -> String {
    format!(
        r#"node -e 'const fs = require("fs"); const f = "{file}"; fs.writeFileSync(f, fs.readFileSync(f, "utf8").replace(/\$\{{([A-Z][A-Z0-9_]*)\}}/g, (_, name) => process.env[name] ?? ""))'"#
    )
}

/// What the app's own nginx configuration assumes that the kit cannot
/// guarantee, one warning each.
pub(crate) fn config_warnings(file: &str, text: &str) -> Vec<String> {
    let mut warnings = Vec::new();
    let mut hosts: Vec<String> = PROXY_PASS.captures_iter(text).map(|c| c[1].to_string()).collect();
    hosts.dedup();
    if !hosts.is_empty() {
        warnings.push(format!(
            "{file} proxies to {}: nginx resolves these hosts when it starts and exits if one does not resolve, so those Services must exist in the namespace first",
            hosts.join(", ")
        ));
    }
    let vars = template_vars(text);
    if !vars.is_empty() {
        warnings.push(format!(
            "{file} is an envsubst template: the build renders `${{{}}}` from build arguments of the same names (empty by default; CI passes the repository variables when they are set)",
            vars.join("}`, `${")
        ));
    }
    match config_port(text) {
        Some((port, _)) if port < 1024 => warnings.push(format!(
            "{file} listens on port {port}; the non-root nginx image cannot bind ports below 1024: listen on {NGINX_PORT}"
        )),
        None => warnings.push(format!("{file} has no `listen` directive; the kit assumes port {NGINX_PORT}")),
        _ => {}
    }
    if is_main_config(text) && !text.contains("/tmp/") {
        warnings.push(format!(
            "{file} is a whole nginx.conf: with the read-only root, its pid and temporary files must be under /tmp or /var/cache/nginx"
        ));
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::{config_health, config_port, config_warnings, is_main_config};

    const SERVER: &str = "server {\n    listen 8080;\n    location /health {\n        return 200 'ok';\n    }\n    location /api {\n        proxy_pass http://order-service:3000;\n    }\n    location /v { return 200 '${APP_VERSION}'; }\n}\n";

    #[test]
    fn a_server_block_reports_its_port_health_and_upstreams() {
        assert!(!is_main_config(SERVER));
        assert_eq!(config_port(SERVER), Some((8080, 2)));
        assert_eq!(config_health(SERVER), Some(("/health".to_string(), 3)));
        let warnings = config_warnings("nginx.conf", SERVER);
        assert!(warnings[0].contains("order-service"), "{warnings:?}");
        assert!(warnings[1].contains("${APP_VERSION}"), "{warnings:?}");
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }
}
