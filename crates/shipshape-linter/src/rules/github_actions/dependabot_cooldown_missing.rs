use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::roles::YamlRole;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a Dependabot `updates` entry with no `cooldown`, a `cooldown`
    /// without `default-days`, or a `default-days` under 3.
    ///
    /// ## Why is this bad?
    /// Without a cooldown, Dependabot proposes a new release minutes after
    /// it is published. Compromised releases of popular packages are
    /// usually found and pulled within hours or days; a few days of
    /// cooldown keeps them out of your lockfile (and out of CI jobs that
    /// run the update pull request with secrets). This is advice.
    ///
    /// ## Example
    /// ```yaml
    /// updates:
    ///   - package-ecosystem: npm
    ///     directory: /
    ///     schedule:
    ///       interval: weekly
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// updates:
    ///   - package-ecosystem: npm
    ///     directory: /
    ///     schedule:
    ///       interval: weekly
    ///     cooldown:
    ///       default-days: 7
    /// ```
    ///
    /// ## References
    /// - [Dependabot options: cooldown](https://docs.github.com/en/code-security/dependabot/working-with-dependabot/dependabot-options-reference#cooldown-)
    /// - [zizmor: dependabot-cooldown](https://docs.zizmor.sh/audits/#dependabot-cooldown)
    pub struct DependabotCooldownMissing {
        id: "dependabot-cooldown-missing",
        severity: Info,
        domains: [GithubActions],
        summary: "Dependabot updates have no cooldown before new releases are proposed",
    }
}

const MIN_DAYS: i64 = 3;

impl Rule for DependabotCooldownMissing {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        if cx.role != YamlRole::Dependabot {
            return;
        }
        let Some(updates) = cx.documents.first().and_then(|d| d.root.get("updates")) else { return };
        for update in updates.items() {
            let ecosystem = update.get("package-ecosystem").and_then(|e| e.as_str()).unwrap_or("these");
            match update.entry("cooldown") {
                None => report.report(
                    update.head_span(),
                    format!("{ecosystem} updates have no `cooldown`; add `cooldown: {{default-days: 7}}`"),
                ),
                Some(cooldown) => match cooldown.value.get("default-days") {
                    None => report.report(cooldown.key.span, "`cooldown` has no `default-days`, so it is 0"),
                    Some(days) => {
                        if let Some(n) = days.as_i64().filter(|n| *n < MIN_DAYS) {
                            report.report(
                                days.span,
                                format!("a cooldown of {n} day(s) is too short to let bad releases be caught"),
                            );
                        }
                    }
                },
            }
        }
    }
}
