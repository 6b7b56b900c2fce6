use super::workflow::Workflow;
use crate::context::YamlFileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an `on.schedule` entry whose `cron` is not a valid POSIX cron
    /// expression as GitHub reads it: five fields (minute 0–59, hour 0–23,
    /// day of month 1–31, month 1–12 or `JAN`–`DEC`, day of week 0–6 or
    /// `SUN`–`SAT`), each `*`, a value, a range `a-b`, a step `*/n` or
    /// `a-b/n`, or a comma-separated list of those. Also flags a `schedule`
    /// that is not a list of `cron:` entries.
    ///
    /// ## Why is this bad?
    /// GitHub rejects the workflow file, or silently never runs the
    /// schedule, so nightly builds, dependency updates or backups stop
    /// without anyone noticing. Seconds fields, `?`, `L`, `W` and `#`
    /// (Quartz syntax) are not supported.
    ///
    /// ## Example
    /// ```yaml
    /// on:
    ///   schedule:
    ///     - cron: "0 0 * * * *"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// on:
    ///   schedule:
    ///     - cron: "0 0 * * *"
    /// ```
    ///
    /// ## References
    /// - [Events that trigger workflows: schedule](https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows#schedule)
    pub struct InvalidWorkflowCron {
        id: "invalid-workflow-cron",
        severity: Error,
        domains: [GithubActions],
        summary: "Scheduled trigger has an invalid cron expression",
        kind: Defect,
    }
}

const MONTHS: &[&str] = &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const FIELDS: [Field; 5] = [
    Field { name: "minute", min: 0, max: 59, names: &[] },
    Field { name: "hour", min: 0, max: 23, names: &[] },
    Field { name: "day of month", min: 1, max: 31, names: &[] },
    Field { name: "month", min: 1, max: 12, names: MONTHS },
    Field { name: "day of week", min: 0, max: 6, names: DAYS },
];

fn value(field: &Field, text: &str) -> Result<u32, String> {
    if let Some(index) = field.names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
        return Ok(index as u32 + field.min);
    }
    let number: u32 = text.parse().map_err(|_| format!("`{text}` is not a valid {}", field.name))?;
    if number < field.min || number > field.max {
        return Err(format!("{} `{number}` is outside {}-{}", field.name, field.min, field.max));
    }
    Ok(number)
}

fn check_field(field: &Field, text: &str) -> Result<(), String> {
    for part in text.split(',') {
        if part.is_empty() {
            return Err(format!("empty item in the {} field", field.name));
        }
        let (range, step) = match part.split_once('/') {
            Some((range, step)) => (range, Some(step)),
            None => (part, None),
        };
        if let Some(step) = step {
            match step.parse::<u32>() {
                Ok(n) if n > 0 => {}
                _ => return Err(format!("step `{step}` of the {} field is not a positive number", field.name)),
            }
        }
        if range == "*" {
            continue;
        }
        match range.split_once('-') {
            Some((low, high)) => {
                let (low, high) = (value(field, low)?, value(field, high)?);
                if low > high {
                    return Err(format!("range `{range}` of the {} field is reversed", field.name));
                }
            }
            None => {
                value(field, range)?;
            }
        }
    }
    Ok(())
}

/// Why `cron` is invalid, if it is.
pub(crate) fn cron_error(cron: &str) -> Option<String> {
    let fields: Vec<&str> = cron.split_whitespace().collect();
    if fields.len() != 5 {
        return Some(format!("has {} fields; GitHub expects 5 (minute hour day month weekday)", fields.len()));
    }
    fields.iter().zip(FIELDS.iter()).find_map(|(text, field)| check_field(field, text).err())
}

impl Rule for InvalidWorkflowCron {
    fn check_yaml(&self, cx: &YamlFileContext<'_>, report: &mut Reporter<'_>) {
        let Some(workflow) = Workflow::of(cx) else { return };
        for trigger in workflow.triggers.iter().filter(|t| t.name == "schedule") {
            let Some(config) = trigger.config else {
                report.report(trigger.node.span, "`schedule` needs a list of `cron:` entries");
                continue;
            };
            let Some(items) = config.as_sequence() else {
                report.report(config.span, "`schedule` must be a list of `- cron: \"…\"` entries");
                continue;
            };
            for item in items {
                let Some(cron) = item.get("cron") else {
                    report.report(item.span, "schedule entry has no `cron:`");
                    continue;
                };
                let Some(text) = cron.as_str() else {
                    report.report(cron.span, "`cron` must be a string");
                    continue;
                };
                if let Some(error) = cron_error(text) {
                    report.report(cron.span, format!("cron `{text}` {}", error_phrase(&error)));
                }
            }
        }
    }
}

fn error_phrase(error: &str) -> String {
    if error.starts_with("has ") {
        error.to_string()
    } else {
        format!("is invalid: {error}")
    }
}

#[cfg(test)]
mod tests {
    use super::cron_error;

    #[test]
    fn crons() {
        for ok in ["0 0 * * *", "*/15 * * * *", "0 9-17/2 * * MON-FRI", "30 5 1,15 jan,jul 0", "0 0 31 12 6"] {
            assert_eq!(cron_error(ok), None, "{ok}");
        }
        for bad in [
            "0 0 * * * *",
            "60 * * * *",
            "0 24 * * *",
            "0 0 0 * *",
            "0 0 * 13 *",
            "0 0 * * 7",
            "0 0 ? * *",
            "*/0 * * * *",
            "5-1 * * * *",
            "0 0 L * *",
            "",
            "0,,1 * * * *",
        ] {
            assert!(cron_error(bad).is_some(), "{bad}");
        }
    }
}
