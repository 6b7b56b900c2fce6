use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags `npm install` (or `npm i`) with no package names in a stage
    /// that copied a lockfile: an earlier `COPY`/`ADD` of
    /// `package-lock.json`, `npm-shrinkwrap.json` or a pattern such as
    /// `package*.json`. Installing named packages (`npm install -g pm2`) is
    /// not flagged.
    ///
    /// ## Why is this bad?
    /// `npm install` treats the lockfile as a hint: when it and
    /// `package.json` disagree it resolves new versions and rewrites the
    /// lockfile, so the image can contain dependency versions nobody
    /// reviewed. `npm ci` installs exactly what the lockfile says, fails if
    /// it is out of date, and is faster.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY package.json package-lock.json ./
    /// RUN npm install --omit=dev
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY package.json package-lock.json ./
    /// RUN npm ci --omit=dev
    /// ```
    ///
    /// ## References
    /// - [npm ci](https://docs.npmjs.com/cli/commands/npm-ci)
    pub struct NpmInstallInsteadOfNpmCi {
        id: "npm-install-instead-of-npm-ci",
        severity: Warning,
        domains: [Dockerfile],
        summary: "`npm install` where the lockfile should be installed with `npm ci`",
    }
}

const NPM_VALUE_OPTIONS: &[&str] =
    &["--prefix", "--registry", "--loglevel", "--cache", "--omit", "--include", "-w", "--workspace", "--userconfig"];

impl Rule for NpmInstallInsteadOfNpmCi {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        support::walk_runs(df, |_, _, instruction, state| {
            if !state.npm_lockfile {
                return;
            }
            for command in support::commands(instruction) {
                if command.name() != Some("npm") || command.has_flag(Some('g'), &["global"]) {
                    continue;
                }
                let args = command.args();
                let Some(sub) = support::subcommand(args, NPM_VALUE_OPTIONS) else { continue };
                if !matches!(sub.value.as_str(), "install" | "i" | "add") {
                    continue;
                }
                if support::operands(args, sub, NPM_VALUE_OPTIONS).is_empty() {
                    report.report(
                        sub.span,
                        format!(
                            "`npm {}` can change the copied lockfile; use `npm ci` to install exactly what it pins",
                            sub.value
                        ),
                    );
                }
            }
        });
    }
}
