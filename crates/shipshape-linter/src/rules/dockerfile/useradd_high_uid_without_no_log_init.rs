use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags `useradd` with a UID above 65535 (`-u 100000`, `--uid=1000650000`)
    /// and without `-l` / `--no-log-init`.
    ///
    /// ## Why is this bad?
    /// `useradd` reserves a record for the new UID in `/var/log/lastlog`
    /// and `/var/log/faillog`, files indexed by UID. On disk they are
    /// sparse, but image layers store them in full: a UID of one billion
    /// (common in OpenShift-style ranges) adds hundreds of gigabytes and
    /// can fill the build host's disk. `--no-log-init` skips those records.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN useradd -u 1000650000 app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN useradd --no-log-init -u 1000650000 app
    /// ```
    pub struct UseraddHighUidWithoutNoLogInit {
        id: "useradd-high-uid-without-no-log-init",
        severity: Warning,
        domains: [Dockerfile],
        summary: "`useradd` with a high UID without `--no-log-init`",
    }
}

const HIGH_UID: u64 = 65535;

impl Rule for UseraddHighUidWithoutNoLogInit {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        support::walk_runs(df, |_, _, instruction, state| {
            for command in support::commands(instruction) {
                if command.name() != Some("useradd") || command.has_flag(Some('l'), &["no-log-init"]) {
                    continue;
                }
                let args = command.args();
                for (i, word) in args.iter().enumerate() {
                    let uid = match word.value.as_str() {
                        "-u" | "--uid" => args.get(i + 1),
                        v if v.starts_with("--uid=") || (v.starts_with("-u") && v.len() > 2) => Some(word),
                        _ => None,
                    };
                    let Some(uid) = uid else { continue };
                    let raw = uid.value.trim_start_matches("--uid=").trim_start_matches("-u");
                    let value = state.expand(raw).unwrap_or_default();
                    if value.parse::<u64>().is_ok_and(|n| n > HIGH_UID) {
                        report.report(
                            uid.span,
                            format!("`useradd` with UID {value} without `--no-log-init` writes huge log files into the layer; add `--no-log-init`"),
                        );
                    }
                    break;
                }
            }
        });
    }
}
