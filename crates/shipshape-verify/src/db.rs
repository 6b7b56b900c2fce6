//! Throwaway database servers on a free loopback port, from the machine's
//! packages; each is stopped and its data removed when dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{probe, VerifyError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Postgres,
    Mysql,
    Mongo,
    Redis,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Postgres => "postgres",
            Engine::Mysql => "mysql",
            Engine::Mongo => "mongo",
            Engine::Redis => "redis",
        }
    }

    /// The variable the URL goes in: one the plan names for this kind of
    /// server, else the conventional one.
    pub fn variable(self, names: &[String]) -> String {
        let upper: Vec<String> = names.iter().map(|n| n.to_ascii_uppercase()).collect();
        let pick = |keys: &[&str]| {
            names.iter().zip(&upper).find(|(_, u)| keys.iter().any(|k| u.contains(k))).map(|(n, _)| n.clone())
        };
        match self {
            Engine::Redis => pick(&["REDIS_URL", "REDIS_URI"]).unwrap_or_else(|| "REDIS_URL".into()),
            Engine::Mongo => pick(&["MONGO_URL", "MONGODB_URI", "MONGO_URI", "MONGODB_URL"])
                .or_else(|| pick(&["DATABASE_URL"]))
                .unwrap_or_else(|| "MONGODB_URI".into()),
            Engine::Postgres => pick(&["DATABASE_URL", "POSTGRES_URL", "POSTGRESQL_URL", "PG_URL", "DB_URL"])
                .unwrap_or_else(|| "DATABASE_URL".into()),
            Engine::Mysql => {
                pick(&["DATABASE_URL", "MYSQL_URL", "MARIADB_URL", "DB_URL"]).unwrap_or_else(|| "DATABASE_URL".into())
            }
        }
    }
}

/// A running server; stopped and deleted on drop.
#[derive(Debug)]
pub struct Database {
    pub engine: Engine,
    pub url: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Database {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).map(|l| l.split_whitespace().nth(2) == Some("0")))
        .unwrap_or(false)
}

/// `program` with `args`, run as an unprivileged user when we are root
/// (PostgreSQL and MariaDB refuse root), inside a bubblewrap user namespace.
fn as_user(program: &Path, args: &[String]) -> Command {
    if running_as_root() && crate::host::on_path("bwrap").is_some() {
        let mut command = Command::new("bwrap");
        command.args(["--bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-user", "--unshare-pid"]);
        command.args(["--uid", "1000", "--gid", "1000", "--die-with-parent", "--"]);
        command.arg(program).args(args);
        command
    } else {
        let mut command = Command::new(program);
        command.args(args);
        command
    }
}

fn find(names: &[&str], dirs: &[PathBuf]) -> Option<PathBuf> {
    for name in names {
        for dir in dirs {
            let path = dir.join(name);
            if path.is_file() {
                return Some(path);
            }
        }
        if let Some(path) = crate::host::on_path(name) {
            return Some(path);
        }
    }
    None
}

fn postgres_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| entries.flatten().map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    dirs.sort();
    dirs.reverse();
    dirs
}

fn missing(engine: Engine, package: &str) -> VerifyError {
    VerifyError::Database(format!("{}: not installed here (apt-get install -y {package})", engine.name()))
}

fn run_quietly(mut command: Command, log: &Path, what: &str) -> Result<(), VerifyError> {
    let file = std::fs::File::create(log).map_err(|e| VerifyError::Io(log.display().to_string(), e))?;
    let err = file.try_clone().map_err(|e| VerifyError::Io(log.display().to_string(), e))?;
    let status = command
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(err)
        .status()
        .map_err(|e| VerifyError::Database(format!("{what}: {e}")))?;
    if status.success() {
        return Ok(());
    }
    let text = std::fs::read_to_string(log).unwrap_or_default();
    Err(VerifyError::Database(format!("{what} failed: {}", crate::report::tail(&text, &[]).join("\n"))))
}

fn spawn(mut command: Command, log: &Path, what: &str) -> Result<Child, VerifyError> {
    let file = std::fs::File::create(log).map_err(|e| VerifyError::Io(log.display().to_string(), e))?;
    let err = file.try_clone().map_err(|e| VerifyError::Io(log.display().to_string(), e))?;
    command
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(err)
        .spawn()
        .map_err(|e| VerifyError::Database(format!("{what}: {e}")))
}

fn wait_for(child: &mut Child, port: u16, log: &Path, what: &str) -> Result<(), VerifyError> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if probe::port_open(port) {
            return Ok(());
        }
        if let Ok(Some(status)) = child.try_wait() {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            return Err(VerifyError::Database(format!(
                "{what} exited ({status}): {}",
                crate::report::tail(&text, &[]).join("\n")
            )));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = child.kill();
    Err(VerifyError::Database(format!("{what} did not open port {port} within 60s")))
}

/// Starts a throwaway server and creates the database `app`.
pub fn start(engine: Engine) -> Result<Database, VerifyError> {
    let dir = tempfile::Builder::new()
        .prefix(&format!("shipshape-verify-{}-", engine.name()))
        .tempdir()
        .map_err(|e| VerifyError::Io("temporary folder".into(), e))?;
    let path = dir.path().to_path_buf();
    // The unprivileged server user must own its folder.
    let _ = Command::new("chmod").arg("777").arg(&path).status();
    let port = probe::free_port().map_err(|e| VerifyError::Io("free port".into(), e))?;
    let log = path.join("server.log");
    let s = |p: &Path| p.display().to_string();
    let (child, url) = match engine {
        Engine::Postgres => {
            let bins = postgres_dirs();
            let initdb = find(&["initdb"], &bins).ok_or_else(|| missing(engine, "postgresql"))?;
            let postgres = find(&["postgres"], &bins).ok_or_else(|| missing(engine, "postgresql"))?;
            let data = path.join("data");
            let init_args = vec![
                "-D".into(),
                s(&data),
                "-U".into(),
                "postgres".into(),
                "--auth=trust".into(),
                "--no-sync".into(),
                "-E".into(),
                "UTF8".into(),
            ];
            run_quietly(as_user(&initdb, &init_args), &path.join("initdb.log"), "initdb")?;
            let args = vec![
                "-D".into(),
                s(&data),
                "-p".into(),
                port.to_string(),
                "-k".into(),
                s(&path),
                "-c".into(),
                "listen_addresses=127.0.0.1".into(),
                "-c".into(),
                "fsync=off".into(),
            ];
            let mut child = spawn(as_user(&postgres, &args), &log, "postgres")?;
            wait_for(&mut child, port, &log, "postgres")?;
            let createdb = find(&["createdb"], &bins).ok_or_else(|| missing(engine, "postgresql-client"))?;
            let create_args = vec![
                "-h".into(),
                "127.0.0.1".into(),
                "-p".into(),
                port.to_string(),
                "-U".into(),
                "postgres".into(),
                "app".into(),
            ];
            if let Err(error) = run_quietly(as_user(&createdb, &create_args), &path.join("createdb.log"), "createdb") {
                let _ = child.kill();
                return Err(error);
            }
            (child, format!("postgres://postgres@127.0.0.1:{port}/app"))
        }
        Engine::Mysql => {
            let sbin = [PathBuf::from("/usr/sbin"), PathBuf::from("/usr/bin")];
            let install = find(&["mariadb-install-db", "mysql_install_db"], &sbin)
                .ok_or_else(|| missing(engine, "mariadb-server"))?;
            let server = find(&["mariadbd", "mysqld"], &sbin).ok_or_else(|| missing(engine, "mariadb-server"))?;
            let data = path.join("data");
            let install_args = vec![
                "--no-defaults".into(),
                format!("--datadir={}", s(&data)),
                "--auth-root-authentication-method=normal".into(),
                "--skip-test-db".into(),
            ];
            run_quietly(as_user(&install, &install_args), &path.join("install.log"), "mariadb-install-db")?;
            let args = vec![
                "--no-defaults".into(),
                format!("--datadir={}", s(&data)),
                format!("--port={port}"),
                "--bind-address=127.0.0.1".into(),
                format!("--socket={}", s(&path.join("mysqld.sock"))),
                format!("--pid-file={}", s(&path.join("mysqld.pid"))),
                "--skip-log-bin".into(),
            ];
            let mut child = spawn(as_user(&server, &args), &log, "mariadbd")?;
            wait_for(&mut child, port, &log, "mariadbd")?;
            let client = find(&["mariadb", "mysql"], &sbin).ok_or_else(|| missing(engine, "mariadb-client"))?;
            let create_args = vec![
                "--protocol=tcp".into(),
                "-h127.0.0.1".into(),
                format!("-P{port}"),
                "-uroot".into(),
                "-e".into(),
                "CREATE DATABASE app".into(),
            ];
            if let Err(error) = run_quietly(as_user(&client, &create_args), &path.join("create.log"), "CREATE DATABASE")
            {
                let _ = child.kill();
                return Err(error);
            }
            (child, format!("mysql://root@127.0.0.1:{port}/app"))
        }
        Engine::Redis => {
            let server = find(&["redis-server"], &[]).ok_or_else(|| missing(engine, "redis-server"))?;
            let args = vec![
                "--port".into(),
                port.to_string(),
                "--bind".into(),
                "127.0.0.1".into(),
                "--save".into(),
                String::new(),
                "--appendonly".into(),
                "no".into(),
                "--dir".into(),
                s(&path),
            ];
            let mut command = Command::new(server);
            command.args(&args);
            let mut child = spawn(command, &log, "redis-server")?;
            wait_for(&mut child, port, &log, "redis-server")?;
            (child, format!("redis://127.0.0.1:{port}/0"))
        }
        Engine::Mongo => {
            return Err(VerifyError::Database(
                "mongo: MongoDB is not in Debian's packages; start one yourself and pass its URL with --env".into(),
            ))
        }
    };
    Ok(Database { engine, url, child, _dir: dir })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_goes_in_the_variable_the_plan_names() {
        let names = vec!["SECRET_KEY".to_string(), "POSTGRES_URL".to_string(), "CACHE_REDIS_URL".to_string()];
        assert_eq!(Engine::Postgres.variable(&names), "POSTGRES_URL");
        assert_eq!(Engine::Redis.variable(&names), "CACHE_REDIS_URL");
        assert_eq!(Engine::Mysql.variable(&[]), "DATABASE_URL");
    }
}
