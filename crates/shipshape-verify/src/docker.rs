//! Docker mode: the `docker` command lines that build the kit's image and
//! run it the way the manifests do.

use std::path::Path;

/// True when a Docker engine answers.
pub fn available() -> bool {
    std::process::Command::new("docker")
        .args(["info", "--format", "{{.ServerVersion}}"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

pub fn image_tag(service: &str) -> String {
    format!("shipshape-verify/{service}:latest")
}

pub fn build_args(service: &str, dockerfile: &Path, context: &Path) -> Vec<String> {
    vec![
        "build".into(),
        "--tag".into(),
        image_tag(service),
        "--file".into(),
        dockerfile.display().to_string(),
        context.display().to_string(),
    ]
}

/// How the container runs: values stay out of the command line (`-e KEY`
/// reads them from docker's own environment).
#[derive(Debug, Clone)]
pub struct RunOptions<'a> {
    pub container: &'a str,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    pub read_only_root: bool,
    pub writable: &'a [String],
    pub env_names: Vec<&'a str>,
    /// The port to publish; `None` for a worker.
    pub port: Option<u16>,
    /// Share the host's network (a throwaway database listens on its loopback).
    pub host_network: bool,
    /// Host names resolved to the loopback (the kit's other services).
    pub hosts: Vec<String>,
}

pub fn run_args(service: &str, options: &RunOptions<'_>) -> Vec<String> {
    let mut args: Vec<String> = vec!["run".into(), "--detach".into(), "--name".into(), options.container.into()];
    if options.read_only_root {
        args.push("--read-only".into());
    }
    if let Some(uid) = options.uid {
        args.push("--user".into());
        args.push(match options.gid {
            Some(gid) => format!("{uid}:{gid}"),
            None => uid.to_string(),
        });
    }
    for path in options.writable {
        args.push("--tmpfs".into());
        args.push(path.clone());
    }
    args.extend(["--cap-drop".into(), "ALL".into(), "--security-opt".into(), "no-new-privileges".into()]);
    for name in &options.env_names {
        args.push("--env".into());
        args.push((*name).to_string());
    }
    for host in &options.hosts {
        args.push("--add-host".into());
        args.push(format!("{host}:127.0.0.1"));
    }
    if options.host_network {
        args.push("--network".into());
        args.push("host".into());
    } else if let Some(port) = options.port {
        args.push("--publish".into());
        args.push(format!("127.0.0.1:{port}:{port}"));
    }
    args.push(image_tag(service));
    args
}

pub fn exec_args(container: &str, argv: &[String]) -> Vec<String> {
    let mut args = vec!["exec".to_string(), container.to_string()];
    args.extend(argv.iter().cloned());
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_mirrors_the_manifest() {
        let writable = vec!["/tmp".to_string()];
        let options = RunOptions {
            container: "sv-api",
            uid: Some(65532),
            gid: Some(65532),
            read_only_root: true,
            writable: &writable,
            env_names: vec!["PORT", "DATABASE_URL"],
            port: Some(8080),
            host_network: false,
            hosts: Vec::new(),
        };
        assert_eq!(
            run_args("api", &options).join(" "),
            "run --detach --name sv-api --read-only --user 65532:65532 --tmpfs /tmp --cap-drop ALL \
             --security-opt no-new-privileges --env PORT --env DATABASE_URL --publish 127.0.0.1:8080:8080 \
             shipshape-verify/api:latest"
        );
        let host = RunOptions { host_network: true, read_only_root: false, uid: None, ..options.clone() };
        assert!(run_args("api", &host)
            .join(" ")
            .contains("--env DATABASE_URL --network host shipshape-verify/api:latest"));
        assert_eq!(
            build_args("api", Path::new("svc/Dockerfile"), Path::new("svc")).join(" "),
            "build --tag shipshape-verify/api:latest --file svc/Dockerfile svc"
        );
    }
}
