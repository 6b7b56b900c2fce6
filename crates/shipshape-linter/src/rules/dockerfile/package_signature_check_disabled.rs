use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags package installs that skip signature checks:
    /// `apt-get --allow-unauthenticated`, `--allow-insecure-repositories`,
    /// `--force-yes`, `-o APT::Get::AllowUnauthenticated=true`, an apt source
    /// marked `[trusted=yes]`; `apk add --allow-untrusted`; `yum`/`dnf`/
    /// `microdnf`/`tdnf --nogpgcheck` and repositories written with
    /// `gpgcheck=0`; `rpm --nosignature`/`--nodigest`; and
    /// `zypper --no-gpg-checks`. Installing only local package files
    /// (`apk add --allow-untrusted /tmp/packages/*.apk`, built in an earlier
    /// stage) is not flagged: what matters there is where the files came from.
    ///
    /// ## Why is this bad?
    /// Package signatures are what ties a package to its publisher. Without
    /// them a mirror, proxy or anyone on the network path can serve a
    /// modified package, and it is installed as root into the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk add --no-cache --allow-untrusted /tmp/tool.apk
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY tool-signing.rsa.pub /etc/apk/keys/
    /// RUN apk add --no-cache /tmp/tool.apk
    /// ```
    pub struct PackageSignatureCheckDisabled {
        id: "package-signature-check-disabled",
        severity: Warning,
        domains: [Dockerfile],
        summary: "Package signature verification turned off",
    }
}

/// A package file built or copied into the build rather than fetched
/// from a repository.
fn is_local_package(value: &str) -> bool {
    !value.contains("://")
        && (value.starts_with('/')
            || value.starts_with("./")
            || [".apk", ".rpm", ".deb"].iter().any(|e| value.ends_with(e)))
}

fn disabling_flag(name: &str, value: &str) -> bool {
    match name {
        "apt-get" | "apt" | "aptitude" => {
            matches!(value, "--allow-unauthenticated" | "--allow-insecure-repositories" | "--force-yes")
                || value.contains("AllowUnauthenticated=true")
                || value.contains("AllowInsecureRepositories=true")
        }
        "apk" => value == "--allow-untrusted",
        "yum" | "dnf" | "microdnf" | "tdnf" => value == "--nogpgcheck" || value.contains("gpgcheck=0"),
        "rpm" => matches!(value, "--nosignature" | "--nodigest" | "--nogpgcheck"),
        "zypper" => value == "--no-gpg-checks",
        _ => false,
    }
}

impl Rule for PackageSignatureCheckDisabled {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        for (_, _, instruction) in support::runs(cx.dockerfile) {
            for command in support::commands(instruction) {
                let Some(name) = command.name() else { continue };
                let local_only = {
                    let operands: Vec<_> =
                        command.args().iter().filter(|w| !w.value.starts_with('-')).skip(1).collect();
                    !operands.is_empty() && operands.iter().all(|w| is_local_package(&w.value))
                };
                if local_only {
                    continue;
                }
                if let Some(word) = command.args().iter().find(|w| disabling_flag(name, &w.value)) {
                    report.report(
                        word.span,
                        format!("`{name} {}` installs packages without checking their signatures; import the repository key instead", word.value),
                    );
                    continue;
                }
                if matches!(name, "echo" | "printf" | "tee" | "cat" | "sed") {
                    let writes_trusted = command.args().iter().find(|w| {
                        w.value.contains("[trusted=yes]")
                            || w.value.contains("trusted=yes]")
                            || w.value.contains("gpgcheck=0")
                    });
                    if let Some(word) = writes_trusted {
                        let what = if word.value.contains("gpgcheck") { "`gpgcheck=0`" } else { "`[trusted=yes]`" };
                        report.report(
                            word.span,
                            format!("Package source written with {what} is installed from without signature checks; add its signing key instead"),
                        );
                    }
                }
            }
        }
    }
}
