//! Backing services whose address is fixed in the code (`Redis(host="redis")`,
//! `postgres://…@db/…`): no ConfigMap value can move them, so the cluster
//! must serve them under that name. Found in every stack's sources.

use std::sync::LazyLock;

use regex::Regex;

use super::repo::{re, Hit, ServiceDir};

const SOURCES: &[&str] = &[".py", ".js", ".mjs", ".cjs", ".ts", ".go", ".rs", ".cs", ".java", ".kt", ".rb", ".php"];

/// `scheme://[user[:password]@]host`.
static URL: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"\b(postgres(?:ql)?|mysql|mariadb|rediss?|amqps?|mongodb(?:\+srv)?)://(?:([^@/\s'"`]*)@)?([A-Za-z][\w.-]*)"#)
});
/// An ADO.NET-style `Server=db;` or `Host=db;` connection string.
static KEY_VALUE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"["'](?:[^"']*;)?\s*(?:Server|Host)\s*=\s*([A-Za-z][\w.-]*)\s*;([^"']*)["']"#));
/// A client built with a literal host: `Redis(host="redis")`.
static CLIENT_HOST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"\b(Redis|StrictRedis|MongoClient|MySQLdb\.connect|psycopg2?\.connect)\(\s*host\s*=\s*["']([A-Za-z][\w.-]*)["']"#,
    )
});
/// A line that reads the environment only uses the literal as a default.
static ENV_READ: LazyLock<Regex> = LazyLock::new(|| {
    re(r"getenv|environ|process\.env|env::var|GetEnvironmentVariable|Configuration\[|System\.getenv|ENV\[")
});

const LOCAL_HOSTS: &[&str] = &["localhost", "127.0.0.1", "0.0.0.0", "host", "hostname", "example.com"];

fn kind_of(scheme: &str) -> &'static str {
    match scheme {
        s if s.starts_with("postgres") => "PostgreSQL",
        "mysql" | "mariadb" => "MySQL",
        s if s.starts_with("redis") => "Redis",
        s if s.starts_with("amqp") => "an AMQP broker",
        _ => "MongoDB",
    }
}

fn is_test_file(file: &str) -> bool {
    let name = file.rsplit('/').next().unwrap_or(file);
    file.split('/').any(|part| matches!(part, "test" | "tests" | "spec" | "__tests__" | "e2e"))
        || [".test.", ".spec.", "_test.", "test_"].iter().any(|m| name.contains(m))
}

/// One warning per backing service whose host is fixed in the code.
pub(crate) fn warnings(dir: &ServiceDir) -> Vec<String> {
    let keep = |hit: &Hit| !is_test_file(&hit.file) && !line_reads_env(dir, hit);
    let mut found: Vec<(String, &'static str, bool, String)> = Vec::new();
    for hit in dir.grep(SOURCES, &URL).into_iter().filter(keep) {
        let (Some(scheme), Some(host)) = (hit.group(1), hit.group(3)) else { continue };
        let credentials = hit.group(2).is_some_and(|u| u.contains(':'));
        found.push((
            host.to_string(),
            kind_of(scheme),
            credentials,
            dir.repo_path(&format!("{}:{}", hit.file, hit.line)),
        ));
    }
    for hit in dir.grep(SOURCES, &KEY_VALUE).into_iter().filter(keep) {
        let Some(host) = hit.group(1) else { continue };
        let credentials = hit.group(2).is_some_and(|rest| rest.to_ascii_lowercase().contains("password="));
        found.push((host.to_string(), "a database", credentials, dir.repo_path(&format!("{}:{}", hit.file, hit.line))));
    }
    for hit in dir.grep(SOURCES, &CLIENT_HOST).into_iter().filter(keep) {
        let (Some(client), Some(host)) = (hit.group(1), hit.group(2)) else { continue };
        let kind = match client {
            c if c.contains("Redis") => "Redis",
            "MongoClient" => "MongoDB",
            c if c.starts_with("MySQL") => "MySQL",
            _ => "PostgreSQL",
        };
        found.push((host.to_string(), kind, false, dir.repo_path(&format!("{}:{}", hit.file, hit.line))));
    }
    let mut out: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (host, kind, credentials, at) in found {
        if LOCAL_HOSTS.contains(&host.as_str()) || seen.contains(&host) {
            continue;
        }
        seen.push(host.clone());
        let secrets = if credentials { "; its credentials are in the code too: move them to a secret" } else { "" };
        out.push(format!(
            "{at} connects to {kind} at host `{host}`, fixed in the code: the cluster needs a Service named `{host}` beside this one (the kit does not create it) and no ConfigMap value can change the address{secrets}"
        ));
    }
    out
}

fn line_reads_env(dir: &ServiceDir, hit: &Hit) -> bool {
    let text = std::fs::read_to_string(dir.abs.join(&hit.file)).unwrap_or_default();
    text.lines().nth(hit.line.saturating_sub(1)).is_some_and(|line| ENV_READ.is_match(line))
}

#[cfg(test)]
mod tests {
    use super::warnings;
    use crate::detect::repo::ServiceDir;

    fn warnings_of(files: &[(&str, &str)]) -> Vec<String> {
        let dir = tempfile::tempdir().expect("temp dir");
        shipshape_testkit::write_tree(dir.path(), files);
        warnings(&ServiceDir::new(dir.path(), "."))
    }

    #[test]
    fn literal_hosts_are_reported_once_each() {
        let user = "postgres";
        let found = warnings_of(&[
            ("app.py", "r = Redis(host=\"redis\", db=0)\nr2 = Redis(host=\"redis\")\n"),
            (
                "server.js",
                &format!("const pool = new Pool({{ connectionString: 'postgres://{user}:{user}@db/postgres' }});\n"),
            ),
            ("Program.cs", &format!("var c = Open(\"Server=db;Username={user};Password={user};\");\n")),
        ]);
        let dotnet =
            warnings_of(&[("Program.cs", &format!("var c = Open(\"Server=db;Username={user};Password={user};\");\n"))]);
        assert!(
            dotnet[0].starts_with("Program.cs:1 connects to a database at host `db`")
                && dotnet[0].contains("credentials")
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with("server.js:1 connects to PostgreSQL at host `db`") && found[0].contains("credentials")
        );
        assert!(found[1].starts_with("app.py:1 connects to Redis at host `redis`"), "{found:?}");
        assert!(found.iter().all(|w| !w.contains(&format!("{user}:{user}"))), "{found:?}");
    }

    #[test]
    fn defaults_of_environment_reads_local_hosts_and_tests_are_not() {
        let user = "u";
        let found = warnings_of(&[
            ("app.py", "url = os.getenv(\"REDIS_URL\", \"redis://cache:6379\")\nlocal = \"redis://localhost:6379\"\n"),
            ("tests/test_app.py", &format!("URL = \"postgres://{user}:{user}@db/test\"\n")),
            ("src/db.test.ts", "const url = 'postgres://db/test';\n"),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }
}
