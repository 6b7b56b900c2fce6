//! Workers: services that listen on no port (queue consumers, load
//! generators, schedulers). Found by what is absent: no web framework, no
//! port, no health route and no call that opens a server in any source.

use std::sync::LazyLock;

use regex::Regex;

use super::repo::{re, ServiceDir};
use super::StackFacts;
use crate::plan::{Detected, Origin, Worker};

const SOURCES: &[&str] = &[".py", ".js", ".mjs", ".cjs", ".ts", ".go", ".rs", ".cs", ".java", ".kt", ".rb", ".php"];

/// A call that opens a listening socket or starts a server, in any stack.
static SERVES: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"\.listen\s*\(|createServer\s*\(|\bserve(?:_forever)?\s*\(|ListenAndServe|net\.Listen|TcpListener|",
        r"UdpSocket|HttpServer|\.bind\s*\(\s*[(&'\x22]|run_app\s*\(|\bapp\.run\s*\(|runserver|uvicorn|gunicorn|",
        r"hypercorn|waitress|Deno\.serve|Bun\.serve|WebApplication|SpringApplication|rocket::|#\[launch\]|",
        r"tonic::transport::Server|grpc\.server|Rack::|Sinatra"
    ))
});

/// The worker a service is, when nothing in it serves.
pub(crate) fn detect(dir: &ServiceDir, facts: &StackFacts, serves_otherwise: bool) -> Option<Detected<Worker>> {
    let nothing_found = facts.framework.is_none()
        && facts.health_path.value.is_none()
        && facts.port.origin == Origin::Default
        && !serves_otherwise;
    if !nothing_found || !dir.grep(SOURCES, &SERVES).is_empty() {
        return None;
    }
    let reason = "no web framework, no port and no call that opens a server in the sources".to_string();
    Some(Detected {
        value: Worker { reason: reason.clone() },
        origin: Origin::Detected,
        evidence: vec![dir.evidence(".", None, reason)],
    })
}

#[cfg(test)]
mod tests {
    use super::SERVES;

    #[test]
    fn server_calls_in_each_stack() {
        for serves in [
            "server.listen(port)",
            "http.createServer(handler)",
            "axum::serve(listener, app)",
            "let listener = TcpListener::bind(addr)",
            "HttpServer::new(|| App::new())",
            "sock.bind((\"0.0.0.0\", 9000))",
            "log.Fatal(http.ListenAndServe(addr, nil))",
            "web.run_app(app)",
            "httpd.serve_forever()",
        ] {
            assert!(SERVES.is_match(serves), "{serves}");
        }
        for quiet in [
            "let client = reqwest::blocking::Client::new();",
            "this.handler = this.handler.bind(this)",
            "channel.consume(queue, onMessage)",
            "thread::sleep(sleep_duration);",
        ] {
            assert!(!SERVES.is_match(quiet), "{quiet}");
        }
    }
}
