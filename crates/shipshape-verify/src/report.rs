//! What `verify` found, per service and step, and its text and JSON (v1) forms.

use serde::Serialize;

pub const REPORT_VERSION: u32 = 1;
/// The step proving a worker (a service with no port): it started and did
/// not exit non-zero for a while.
pub const STAYED_UP: &str = "stayed-up";
/// Lines of a log shown for a failed step.
pub const LOG_TAIL_LINES: usize = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Passed,
    Failed,
    Skipped,
}

impl Status {
    fn word(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "FAILED",
            Status::Skipped => "skipped",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub name: String,
    pub status: Status,
    pub detail: String,
    pub log_tail: Vec<String>,
}

impl Step {
    pub fn passed(name: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { name: name.into(), status: Status::Passed, detail: detail.into(), log_tail: Vec::new() }
    }

    pub fn skipped(name: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { name: name.into(), status: Status::Skipped, detail: detail.into(), log_tail: Vec::new() }
    }

    pub fn failed(name: impl Into<String>, detail: impl Into<String>, log_tail: Vec<String>) -> Self {
        Self { name: name.into(), status: Status::Failed, detail: detail.into(), log_tail }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceReport {
    pub name: String,
    /// `host` or `docker`.
    pub mode: String,
    pub steps: Vec<Step>,
    /// What the run could not reproduce of the real image.
    pub not_emulated: Vec<String>,
}

impl ServiceReport {
    /// True when no step failed and the service answered over TCP or,
    /// for a worker, stayed up.
    pub fn ok(&self) -> bool {
        self.steps.iter().all(|s| s.status != Status::Failed)
            && self.steps.iter().any(|s| (s.name == "port" || s.name == STAYED_UP) && s.status == Status::Passed)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub version: u32,
    pub services: Vec<ServiceReport>,
}

impl Report {
    pub fn ok(&self) -> bool {
        !self.services.is_empty() && self.services.iter().all(ServiceReport::ok)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for service in &self.services {
            let verdict = if service.ok() { "ok" } else { "FAILED" };
            out.push_str(&format!("{} ({} mode): {verdict}\n", service.name, service.mode));
            for step in &service.steps {
                out.push_str(&format!("  {:<8} {:<22} {}\n", step.status.word(), step.name, step.detail));
                for line in &step.log_tail {
                    out.push_str(&format!("           | {line}\n"));
                }
            }
            for note in &service.not_emulated {
                out.push_str(&format!("  not emulated: {note}\n"));
            }
        }
        out
    }
}

/// The last lines of `text`, with every secret value masked.
pub fn tail(text: &str, secrets: &[String]) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.len().saturating_sub(LOG_TAIL_LINES);
    lines[start..].iter().map(|line| mask(line, secrets)).collect()
}

/// `text` with each secret value replaced by `***`.
pub fn mask(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for secret in secrets.iter().filter(|s| s.len() >= 3) {
        out = out.replace(secret.as_str(), "***");
    }
    out
}

/// Where a tool names the host it could not resolve, and how the host ends.
const RESOLVE_FAILURES: &[(&str, &str)] = &[
    ("getaddrinfo ENOTFOUND ", " "),
    ("getaddrinfo EAI_AGAIN ", " "),
    ("Could not resolve host: ", " "),
    ("Could not resolve '", "'"),
    ("dial tcp: lookup ", " "),
    ("HTTPSConnectionPool(host='", "'"),
    ("HTTPConnectionPool(host='", "'"),
];

/// The host a failed log could not resolve: a download this machine's
/// network blocks, not a defect of the kit.
pub fn unreachable_host(log: &str) -> Option<String> {
    let lines: Vec<&str> = log.lines().collect();
    let recent = &lines[lines.len().saturating_sub(LOG_TAIL_LINES)..];
    recent.iter().rev().find_map(|line| {
        RESOLVE_FAILURES.iter().find_map(|(marker, end)| {
            let rest = &line[line.find(marker)? + marker.len()..];
            let host = rest.split(end).next().unwrap_or(rest).trim_end_matches([':', ',', '.']);
            let plausible = host.contains('.') && host.chars().all(|c| c.is_ascii_alphanumeric() || "-.:".contains(c));
            plausible.then(|| host.to_string())
        })
    })
}

/// A locked package the registry answered 404 for, from npm's
/// `404 Not Found - GET <tarball URL>` or pip's `No matching distribution
/// found for NAME==VERSION`: (registry host, `name@version`).
pub fn missing_package(log: &str) -> Option<(String, String)> {
    let lines: Vec<&str> = log.lines().collect();
    let recent = &lines[lines.len().saturating_sub(LOG_TAIL_LINES)..];
    recent.iter().find_map(|line| {
        if let Some(at) = line.find("404 Not Found - GET ") {
            let url = line[at + "404 Not Found - GET ".len()..].split_whitespace().next()?;
            let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
            let (host, path) = rest.split_once('/')?;
            let (name, file) = path.split_once("/-/")?;
            let name = name.replace("%2f", "/").replace("%2F", "/");
            let base = name.rsplit('/').next()?;
            let version = file.strip_prefix(base)?.strip_prefix('-')?.strip_suffix(".tgz")?;
            return Some((host.to_string(), format!("{name}@{version}")));
        }
        let at = line.find("No matching distribution found for ")?;
        let requirement = line[at + "No matching distribution found for ".len()..].trim();
        Some(("PyPI".to_string(), requirement.to_string()))
    })
}

/// `detail` with the cause named when the log shows one this machine's
/// network or registry makes: an unresolvable host, a locked package the
/// registry does not have.
pub fn with_network_cause(detail: &str, log: &str) -> String {
    if let Some(host) = unreachable_host(log) {
        return format!("{detail}; cause: {host} cannot be resolved from this machine (its network, not the kit)");
    }
    match missing_package(log) {
        Some((registry, package)) => format!(
            "{detail}; cause: registry 404: {registry} has no {package}, which the lockfile pins (the registry this machine reaches, not the kit)"
        ),
        None => detail.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unresolved_hosts_are_named() {
        let node =
            "npm warn x\nError: request to https://a.example.sh/x failed, reason: getaddrinfo ENOTFOUND a.example.sh\n";
        assert_eq!(unreachable_host(node).as_deref(), Some("a.example.sh"));
        assert_eq!(
            unreachable_host("curl: (6) Could not resolve host: b.example.com").as_deref(),
            Some("b.example.com")
        );
        let pip = "Retrying (Retry(total=4)) after connection broken by 'NewConnectionError(...)': HTTPSConnectionPool(host='c.example.org', port=443)";
        assert_eq!(unreachable_host(pip).as_deref(), Some("c.example.org"));
        assert_eq!(unreachable_host("error: linking failed"), None);
        assert!(with_network_cause("RUN x exited with 1", node).contains("a.example.sh cannot be resolved"));
    }

    #[test]
    fn locked_packages_the_registry_lacks_are_named() {
        let npm = "npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/amqp-client/-/amqp-client-0.2.0.tgz\nnpm error 404\n";
        assert_eq!(missing_package(npm), Some(("registry.npmjs.org".into(), "amqp-client@0.2.0".into())));
        let scoped =
            "npm error 404 Not Found - GET https://registry.npmjs.org/@acme%2fkit/-/kit-1.0.0-rc.1.tgz - Not found\n";
        assert_eq!(missing_package(scoped), Some(("registry.npmjs.org".into(), "@acme/kit@1.0.0-rc.1".into())));
        let pip = "ERROR: Could not find a version that satisfies the requirement flask==9.9 (from versions: 1.0)\nERROR: No matching distribution found for flask==9.9\n";
        assert_eq!(missing_package(pip), Some(("PyPI".into(), "flask==9.9".into())));
        assert!(with_network_cause("RUN npm ci exited with 1", npm)
            .contains("registry 404: registry.npmjs.org has no amqp-client@0.2.0"));
        assert_eq!(missing_package("npm error code ERESOLVE"), None);
    }

    #[test]
    fn tails_mask_secrets_and_keep_the_last_lines() {
        let log: String = (0..40).map(|i| format!("line {i} token=s3cr3t-value\n")).collect();
        let tail = tail(&log, &["s3cr3t-value".to_string()]);
        assert_eq!(tail.len(), LOG_TAIL_LINES);
        assert_eq!(tail[0], "line 10 token=***");
    }

    #[test]
    fn a_service_is_ok_only_when_its_port_answered() {
        let service = ServiceReport {
            name: "a".into(),
            mode: "host".into(),
            steps: vec![Step::passed("build", ""), Step::skipped("port", "")],
            not_emulated: Vec::new(),
        };
        assert!(!service.ok());
        let json = Report { version: 1, services: vec![service] }.to_json();
        assert!(json.contains("\"status\": \"skipped\""), "{json}");
    }
}
