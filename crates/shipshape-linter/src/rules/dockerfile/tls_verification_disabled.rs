use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;
use crate::shell_checks::{insecure_tls_prefix, insecure_tls_setting, next_arg_is_false};

declare_rule! {
    /// ## What it does
    /// Flags build steps and settings that turn off TLS certificate
    /// verification:
    /// - `curl -k` / `--insecure`, `wget --no-check-certificate`;
    /// - `pip install --trusted-host`, `npm`/`yarn`/`pnpm config set strict-ssl false`,
    ///   `git config http.sslVerify false` and `git -c http.sslVerify=false`;
    /// - `apt-get -o Acquire::https::Verify-Peer=false` (or `Verify-Host`);
    /// - `ENV`/`ARG` and inline assignments of `NODE_TLS_REJECT_UNAUTHORIZED=0`,
    ///   `PYTHONHTTPSVERIFY=0`, `GIT_SSL_NO_VERIFY`, `NPM_CONFIG_STRICT_SSL=false`
    ///   and `PIP_TRUSTED_HOST`.
    ///
    /// ## Why is this bad?
    /// Without verification anyone on the network path (a proxy, a hostile
    /// Wi-Fi, a compromised CI runner network) can swap what the build
    /// downloads for their own code. Set in `ENV`, it also disables
    /// verification for the running service. Fix the trust store instead:
    /// add the corporate CA to the image (`update-ca-certificates`).
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -k -o /tmp/tool.tgz https://example.com/tool.tgz
    /// ENV NODE_TLS_REJECT_UNAUTHORIZED=0
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY corp-ca.crt /usr/local/share/ca-certificates/
    /// RUN update-ca-certificates && curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz
    /// ```
    pub struct TlsVerificationDisabled {
        id: "tls-verification-disabled",
        severity: Warning,
        domains: [Dockerfile],
        summary: "TLS certificate verification turned off",
    }
}

fn check_command(command: &shipshape_dockerfile::shell::Command) -> Option<(&shipshape_dockerfile::Word, String)> {
    if let Some(found) = insecure_tls_prefix(command, insecure_tls_setting) {
        return Some(found);
    }
    let name = command.name()?;
    let args = command.args();
    let find = |pred: &dyn Fn(&str) -> bool| args.iter().find(|w| pred(&w.value));
    let hit = match name {
        "curl" => find(&|v| v == "--insecure" || (v.starts_with('-') && !v.starts_with("--") && v.contains('k')))
            .filter(|w| w.value.chars().skip(1).all(|c| c.is_ascii_alphanumeric()) || w.value == "--insecure"),
        "wget" => find(&|v| v == "--no-check-certificate"),
        "git" => find(&|v| v.to_ascii_lowercase().contains("sslverify")).filter(|w| {
            let lower = w.value.to_ascii_lowercase();
            lower.ends_with("=false") || next_arg_is_false(args, w.span)
        }),
        "npm" | "yarn" | "pnpm" => find(&|v| v == "strict-ssl" || v == "--strict-ssl=false")
            .filter(|w| w.value.ends_with("=false") || next_arg_is_false(args, w.span)),
        "apt-get" | "apt" => find(&|v| v.contains("Verify-Peer=false") || v.contains("Verify-Host=false")),
        _ if support::is_pip(support::tool_name(command).unwrap_or("")) => {
            support::tool_args(command).iter().find(|w| w.value.starts_with("--trusted-host"))
        }
        _ => None,
    }?;
    let value = args.iter().skip_while(|w| w.span != hit.span).nth(1).filter(|w| w.value == "false");
    let shown = value.map_or_else(|| hit.value.clone(), |v| format!("{} {}", hit.value, v.value));
    Some((hit, format!("`{name} … {shown}` turns off TLS verification")))
}

impl Rule for TlsVerificationDisabled {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        for instruction in cx.dockerfile.instructions.iter().filter(|i| matches!(i.keyword.as_str(), "ENV" | "ARG")) {
            for (key, value) in instruction.key_values() {
                let Some(value) = value else { continue };
                if insecure_tls_setting(&key.value, &value.value) {
                    report.report(
                        key.span.cover(value.span),
                        format!(
                            "`{} {}={}` turns off TLS verification; add the CA certificate to the image instead",
                            instruction.keyword, key.value, value.value
                        ),
                    );
                }
            }
        }
        for (_, _, instruction) in support::runs(cx.dockerfile) {
            for command in support::commands(instruction) {
                if let Some((word, what)) = check_command(&command) {
                    report.report(word.span, format!("{what}; trust the right CA certificate instead"));
                }
            }
        }
    }
}
