use shipshape_dockerfile::shell::Command;
use shipshape_dockerfile::Word;

use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags packages installed without a version: `apt-get install curl`
    /// (not `curl=7.88.1-10+deb12u8`), `apk add curl` (not `curl=8.11.1-r0`
    /// or `curl~8.11`), `pip install requests` (not `requests==2.32.3`; a
    /// requirements or constraints file counts as pinned), `npm install -g
    /// pm2` (not `pm2@5.4.3`) and `gem install rails` (not `-v 8.0.1`).
    /// Local files, URLs and variables are not flagged. One finding per
    /// command, on its first unpinned package.
    ///
    /// Off by default: pinned OS package versions disappear from the
    /// mirrors when a newer patch is published, so pinning everywhere
    /// trades reproducibility for builds that break on their own. Turn it
    /// on where images are built from pinned base images and a bot keeps
    /// the versions current.
    ///
    /// ## Why is this bad?
    /// Without versions the same Dockerfile installs whatever is newest on
    /// the day of the build: two builds of one commit differ, and a
    /// regression or a compromised release arrives without a change to
    /// review.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install --no-cache-dir requests
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN pip install --no-cache-dir requests==2.32.3
    /// ```
    pub struct PackageVersionNotPinned {
        id: "package-version-not-pinned",
        severity: Info,
        domains: [Dockerfile],
        summary: "Package installed without a pinned version",
        enabled_by_default: false,
    }
}

const PIP_VALUE_OPTIONS: &[&str] = &[
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--trusted-host",
    "--platform",
    "--python-version",
    "--progress-bar",
    "--cache-dir",
    "--upgrade-strategy",
];
const APK_VALUE_OPTIONS: &[&str] = &["-t", "--virtual", "-X", "--repository", "--root", "-p"];
const NPM_VALUE_OPTIONS: &[&str] = &["--prefix", "--registry", "--loglevel", "--cache"];
const GEM_VALUE_OPTIONS: &[&str] = &["-i", "--install-dir", "-n", "--bindir", "--source", "-s"];

fn is_not_a_package(value: &str) -> bool {
    value.contains(['/', '$', '*']) || value.ends_with(".deb") || value.ends_with(".whl") || value.ends_with(".apk")
}

/// The first unpinned package of a package-manager command.
fn first_unpinned(command: &Command) -> Option<(&'static str, &Word)> {
    let tool = support::tool_name(command)?;
    let args = support::tool_args(command);
    let (manager, operands) = if let Some(sub) = support::apt_subcommand(command).filter(|s| s.value == "install") {
        ("apt-get", support::operands(command.args(), sub, support::APT_VALUE_OPTIONS))
    } else if tool == "apk" {
        let sub = command.subcommand().filter(|s| s.value == "add")?;
        ("apk", support::operands(command.args(), sub, APK_VALUE_OPTIONS))
    } else if support::is_pip(tool) {
        let sub = support::subcommand(args, PIP_VALUE_OPTIONS).filter(|s| s.value == "install")?;
        if args
            .iter()
            .any(|w| matches!(w.value.as_str(), "-r" | "--requirement" | "-c" | "--constraint" | "-e" | "--editable"))
        {
            return None;
        }
        ("pip", support::operands(args, sub, PIP_VALUE_OPTIONS))
    } else if tool == "npm" && command.has_flag(Some('g'), &["global"]) {
        let sub =
            support::subcommand(args, NPM_VALUE_OPTIONS).filter(|s| matches!(s.value.as_str(), "install" | "i"))?;
        ("npm", support::operands(args, sub, NPM_VALUE_OPTIONS))
    } else if tool == "gem" {
        let sub = support::subcommand(args, GEM_VALUE_OPTIONS).filter(|s| s.value == "install")?;
        if command.has_flag(Some('v'), &["version"]) {
            return None;
        }
        ("gem", support::operands(args, sub, GEM_VALUE_OPTIONS))
    } else {
        return None;
    };
    let unpinned = operands.into_iter().find(|w| {
        let v = w.value.as_str();
        if is_not_a_package(v) || v == "." {
            return false;
        }
        match manager {
            "apt-get" => !v.contains('='),
            "apk" => !v.contains(['=', '~', '<', '>']),
            "pip" => !v.contains(['=', '<', '>', '~', '@']) && !v.contains(".tar") && !v.contains(".zip"),
            "npm" => !v.trim_start_matches('@').contains('@'),
            _ => !v.contains(':'),
        }
    })?;
    Some((manager, unpinned))
}

impl Rule for PackageVersionNotPinned {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        for (_, _, instruction) in support::runs(cx.dockerfile) {
            for command in support::commands(instruction) {
                if let Some((manager, package)) = first_unpinned(&command) {
                    report.report(
                        package.span,
                        format!("`{manager}` installs `{}` without a version; pin it", package.value),
                    );
                }
            }
        }
    }
}
