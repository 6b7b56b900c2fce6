//! What a hostile repository cannot make `check` print: a whole secret, a
//! raw control character, a line of its own in a CI log; and how `check`
//! exits when its reader goes away.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn shipshape() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_shipshape"));
    command.env_remove("NO_COLOR");
    command
}

fn run(args: &[&str], dir: &Path) -> Output {
    shipshape().args(args).current_dir(dir).output().expect("shipshape runs")
}

fn tree(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    shipshape_testkit::write_tree(dir.path(), files);
    dir
}

const FORMATS: &[&str] = &["text", "json", "sarif", "github"];

/// Secrets in URL user-info, assembled here so that none is stored.
fn url_secrets() -> (String, String, String) {
    let password = ["Zq8v", "T2mK", "p9Lw", "R4nE"].concat();
    let token = ["ab12", "cd34", "ef56", "gh78", "ij90", "kl12"].concat();
    let gitlab = ["Wq7v", "Lx92", "Mn4R"].concat();
    (password, token, gitlab)
}

fn url_tree() -> tempfile::TempDir {
    let (password, token, gitlab) = url_secrets();
    tree(&[
        (
            "Dockerfile",
            format!(
                "FROM alpine:3.19\nADD https://deploy:{password}@files.corp.internal/x.tgz /x\n\
                 RUN curl -k http://u:{password}@get.corp.internal/i.sh | sh\n\
                 RUN wget http://{token}@get.corp.internal/t.sh\n"
            ),
        ),
        (".gitlab-ci.yml", format!("include:\n  - remote: https://ci:{gitlab}@gitlab.corp.internal/ci.yml\n")),
        ("base/kustomization.yaml", format!("resources:\n  - https://git:{gitlab}@github.com/org/repo//deploy\n")),
    ])
}

fn assert_no_secret(text: &str, what: &str) {
    let (password, token, gitlab) = url_secrets();
    for secret in [&password, &token, &gitlab] {
        assert!(!text.contains(secret.as_str()), "{what} shows a whole secret:\n{text}");
    }
}

#[test]
fn no_format_prints_a_url_credential_whatever_rules_run() {
    let dir = url_tree();
    let selections: &[&[&str]] = &[
        &[],
        &["--select", "add-of-remote-url,curl-piped-to-shell,download-over-plain-http"],
        &["--select", "remote-base-not-pinned,gitlab-remote-include"],
    ];
    for selection in selections {
        for format in FORMATS {
            let mut args = vec!["check", ".", "--format", format];
            args.extend_from_slice(selection);
            let output = run(&args, dir.path());
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert_eq!(output.status.code(), if selection.is_empty() { Some(1) } else { Some(0) }, "{stdout}");
            assert!(stdout.contains('…'), "nothing was masked in {format} {selection:?}:\n{stdout}");
            assert_no_secret(&stdout, &format!("{format} {selection:?}"));
        }
    }
    std::fs::write(dir.path().join("shipshape.toml"), "[check]\ndisable = [\"password-in-url\"]\n").expect("write");
    let baseline = dir.path().join("baseline.json");
    let output = run(&["check", ".", "--write-baseline", &baseline.to_string_lossy()], dir.path());
    assert_eq!(output.status.code(), Some(0));
    assert_no_secret(&std::fs::read_to_string(&baseline).expect("baseline"), "the baseline");
    let output = run(&["check", ".", "--format", "text"], dir.path());
    assert_no_secret(&String::from_utf8_lossy(&output.stdout), "text with password-in-url disabled");
}

/// Control characters from file names, file contents and YAML escapes.
fn hostile_tree() -> tempfile::TempDir {
    let osc52 = "\u{1b}]52;c;SGVsbG8=\u{7}";
    tree(&[
        (
            "k/pod.yaml",
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"x\\n::error file=a.yaml,line=1::pwned\\e[31m\\a\"\n  \
                 labels: {{ a: \"{osc52}\" }}\nspec:\n  containers:\n  - name: \"c\\u001b]52;c;SGk=\\u0007\"\n    \
                 image: nginx:latest\n    securityContext: {{ privileged: true }}\n"
            ),
        ),
        ("d\u{1b}[2J\u{7}/Dockerfile", format!("FROM nginx:latest # {osc52}\nRUN curl http://x/{osc52} | sh\n")),
    ])
}

#[test]
fn no_format_prints_a_control_character_or_an_injected_line() {
    let dir = hostile_tree();
    for format in FORMATS {
        for color in ["never", "always"] {
            let output = run(&["check", ".", "--format", format, "--color", color], dir.path());
            assert_eq!(output.status.code(), Some(1), "{format}");
            let stdout = String::from_utf8_lossy(&output.stdout);
            for c in stdout.chars() {
                let allowed = c == '\n' || c == '\t' || (c == '\u{1b}' && color == "always" && *format == "text");
                assert!(!c.is_control() || allowed, "{format}/{color} prints {:?}:\n{stdout}", c);
            }
            if color == "always" && *format == "text" {
                // Colour codes are ours: each ESC starts an SGR sequence.
                assert!(stdout.split('\u{1b}').skip(1).all(|part| part.starts_with('[')), "{stdout}");
                assert!(!stdout.contains("\u{1b}]"), "{stdout}");
            }
            let injected = stdout.lines().filter(|l| l.starts_with("::error file=a.yaml")).count();
            assert_eq!(injected, 0, "{format}: a value started a log line:\n{stdout}");
            if *format == "github" {
                assert!(stdout.lines().all(|l| l.starts_with("::")), "{stdout}");
            }
        }
    }
}

#[test]
fn findings_exit_one_even_when_the_reader_stops_early() {
    let lines: String = (0..4000).map(|i| format!("key{i}: https://u:Qx7mW2pZ9vLk{i}@db.corp.internal/x\n")).collect();
    let dir = tree(&[("config.ini", lines)]);
    let mut child = shipshape()
        .args(["check", "."])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout);
    let output = child.wait_with_output().expect("wait");
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn an_os_error_is_printed_once() {
    let dir = tree(&[("Dockerfile", "FROM alpine:3.19\n".to_string())]);
    let output = run(&["check", ".", "--config", "missing.toml"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.matches("os error 2").count(), 1, "{stderr}");
    assert!(stderr.contains("missing.toml"), "{stderr}");
}
