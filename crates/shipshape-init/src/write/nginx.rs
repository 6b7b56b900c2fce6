//! The nginx configuration of a static front-end that ships none: the
//! site with an SPA fallback and a health location, run by a non-root user
//! on a read-only root (pid and temporary files under /tmp).

use super::{GeneratedFile, KIT_MARKER};
use crate::plan::ServicePlan;

const SITE_ROOT: &str = "/usr/share/nginx/html";

pub(crate) fn config(port: u16, health_path: &str) -> String {
    format!(
        "# Serves the built site. {KIT_MARKER}.
worker_processes auto;
pid /tmp/nginx.pid;
error_log stderr warn;

events {{
    worker_connections 1024;
}}

http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log /dev/stdout;
    sendfile on;
    server_tokens off;
    client_body_temp_path /tmp/client_temp;
    proxy_temp_path /tmp/proxy_temp;
    fastcgi_temp_path /tmp/fastcgi_temp;
    uwsgi_temp_path /tmp/uwsgi_temp;
    scgi_temp_path /tmp/scgi_temp;

    server {{
        listen {port};
        root {SITE_ROOT};
        index index.html;

        location = {health_path} {{
            access_log off;
            default_type text/plain;
            return 200 \"ok\\n\";
        }}

        location / {{
            try_files $uri /index.html;
        }}
    }}
}}
"
    )
}

pub(crate) fn files(service: &ServicePlan, prefix: &str) -> Vec<GeneratedFile> {
    let Some(site) = &service.static_site else { return Vec::new() };
    if site.value.nginx_config.is_some() {
        return Vec::new();
    }
    let health = service.health_path.value.as_deref().unwrap_or("/healthz");
    vec![GeneratedFile { path: format!("{prefix}nginx.conf"), contents: config(service.port.value, health) }]
}
