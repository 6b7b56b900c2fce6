use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use shipshape_diagnostics::render::{self, text::TextOptions, ToolInfo};
use shipshape_diagnostics::{sanitize, RuleDescriptor, Severity};
use shipshape_linter::baseline::Baseline;
use shipshape_linter::{config, registry, LintOutcome, LintSettings, SkipKind, SkippedFile, PARSE_LIMIT};

use crate::cli::{CheckArgs, ColorChoice, OutputFormat};
use crate::ExitStatus;

const TOOL: ToolInfo = ToolInfo {
    name: "shipshape",
    version: env!("CARGO_PKG_VERSION"),
    information_uri: "https://github.com/shipshape-dev/shipshape",
};

/// Everything `check` needs, merged from the command line and `shipshape.toml`.
struct CheckSettings {
    lint: LintSettings,
    fail_on: Severity,
}

fn resolve_settings(args: &CheckArgs) -> Result<CheckSettings> {
    let (config, config_path) = config::load(&args.path, args.config.as_deref())?;
    let mut lint = LintSettings::new(&args.path);
    lint.respect_ignore_files = !args.no_ignore;
    lint.apply_config(&config).map_err(|message| {
        let shown = config_path.as_ref().map_or_else(|| "configuration".to_string(), |p| p.display().to_string());
        anyhow::anyhow!("{shown}: {message}")
    })?;
    if let Some(size) = args.max_file_size {
        lint.max_file_size = size;
    }
    if !args.select.is_empty() {
        let ids: Vec<&str> = args.select.iter().map(|s| s.trim().trim_start_matches("shipshape/")).collect();
        if let Some(unknown) = ids.iter().find(|id| registry::find(id).is_none()) {
            bail!("--select: unknown rule `{unknown}` (see `shipshape rules`)");
        }
        lint.select(&ids);
        lint.apply_severities(&config);
    }
    let fail_on = args.fail_on.map(Into::into).or(config.fail_on.map(Into::into)).unwrap_or(Severity::Error);
    if args.verbose {
        if let Some(path) = &config_path {
            eprintln!("shipshape: using configuration {}", path.display());
        }
    }
    Ok(CheckSettings { lint, fail_on })
}

/// Shows how many files were scanned on a terminal's stderr while a scan
/// takes longer than a second; clears the line when dropped.
struct Progress {
    done: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(counter: Arc<AtomicUsize>) -> Self {
        let done = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&done);
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            let mut shown = false;
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                if started.elapsed() >= Duration::from_secs(1) {
                    eprint!("\rshipshape: scanned {} files…", counter.load(Ordering::Relaxed));
                    shown = true;
                }
            }
            if shown {
                eprint!("\r\x1b[2K");
            }
        });
        Self { done, thread: Some(thread) }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

pub fn run(args: &CheckArgs) -> Result<ExitStatus> {
    let mut settings = resolve_settings(args)?;
    let started = Instant::now();
    let progress = io::stderr().is_terminal().then(|| {
        let counter = Arc::new(AtomicUsize::new(0));
        settings.lint.progress = Some(Arc::clone(&counter));
        Progress::start(counter)
    });
    let outcome = shipshape_linter::lint(&settings.lint);
    drop(progress);
    let mut outcome = outcome?;
    let unreadable = report_coverage(&outcome, &settings.lint, args.skip_unreadable);
    if args.verbose {
        report_skipped(&outcome);
        eprintln!(
            "shipshape: scanned {} files in {:.2}s ({} findings suppressed inline)",
            outcome.files_scanned,
            started.elapsed().as_secs_f64(),
            outcome.suppressed
        );
    }
    if unreadable && args.write_baseline.is_some() {
        bail!("not writing a baseline of a partial scan (or pass --skip-unreadable)");
    }
    if let Some(path) = &args.write_baseline {
        Baseline::from_findings(&outcome.findings).write(path)?;
        eprintln!("shipshape: recorded {} findings in {}", outcome.findings.len(), path.display());
        return Ok(ExitStatus::Success);
    }
    if let Some(path) = &args.baseline {
        let baseline = Baseline::read(path)?;
        let before = outcome.findings.len();
        outcome.findings = baseline.filter(std::mem::take(&mut outcome.findings));
        if args.verbose {
            eprintln!("shipshape: {} findings hidden by the baseline", before - outcome.findings.len());
        }
    }
    let failing = outcome.findings.iter().any(|f| f.severity >= settings.fail_on);
    let status = if unreadable {
        ExitStatus::Error
    } else if failing {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    };
    // A reader that stops early (`| head`) does not make findings go away.
    match write_report(args, &outcome, &settings.lint) {
        Err(error) if crate::is_broken_pipe(&error) => Ok(status),
        Err(error) => Err(error),
        Ok(()) => Ok(status),
    }
}

fn write_report(args: &CheckArgs, outcome: &LintOutcome, lint: &LintSettings) -> Result<()> {
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
            let mut out = io::BufWriter::new(file);
            render_findings(&mut out, args, outcome, lint, false)?;
            out.flush().with_context(|| format!("writing {}", path.display()))?;
        }
        None => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            render_findings(&mut out, args, outcome, lint, use_color(args.color))?;
            out.flush()?;
        }
    }
    Ok(())
}

/// Says on stderr, whatever the verbosity, what was not scanned fully;
/// true when something could not be read and that is an error.
fn report_coverage(outcome: &LintOutcome, lint: &LintSettings, skip_unreadable: bool) -> bool {
    let mut stderr = io::stderr().lock();
    let of = |kind| outcome.skipped.iter().filter(move |s| s.kind == kind);
    for (kind, limit, what) in [
        (SkipKind::Large, PARSE_LIMIT, "scanned for secrets only"),
        (SkipKind::TooLarge, lint.max_file_size, "not scanned"),
    ] {
        let names: Vec<String> = of(kind).map(|s| sanitize(&s.path).to_string()).collect();
        let limit = size_text(limit);
        let files = match names.len() {
            0 => continue,
            1 => format!("1 file larger than {limit} was"),
            n => format!("{n} files larger than {limit} were"),
        };
        let _ = writeln!(stderr, "shipshape: {files} {what}: {}", name_list(&names));
    }
    for notice in of(SkipKind::Notice) {
        let _ = writeln!(stderr, "shipshape: notice: {}: {}", sanitize(&notice.path), sanitize(&notice.reason));
    }
    let mut failed = false;
    for skipped in of(SkipKind::Unreadable) {
        let shown = if skipped.path.is_empty() { "." } else { skipped.path.as_str() };
        let (shown, reason) = (sanitize(shown), sanitize(&skipped.reason));
        if skip_unreadable {
            let _ = writeln!(stderr, "shipshape: notice: skipped unreadable {shown}: {reason}");
        } else {
            let _ = writeln!(stderr, "shipshape: error: {shown}: {reason} (--skip-unreadable to go on)");
            failed = true;
        }
    }
    failed
}

/// Up to five names, then how many more.
fn name_list(names: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut list = names.iter().take(SHOWN).map(String::as_str).collect::<Vec<_>>().join(", ");
    if names.len() > SHOWN {
        list.push_str(&format!(" and {} more (-v lists them)", names.len() - SHOWN));
    }
    list
}

fn size_text(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

fn report_skipped(outcome: &LintOutcome) {
    let mut stderr = io::stderr().lock();
    let shown = |s: &&SkippedFile| matches!(s.kind, SkipKind::Unparsed | SkipKind::Binary | SkipKind::Large);
    for skipped in outcome.skipped.iter().filter(shown) {
        let _ = writeln!(stderr, "shipshape: skipped {}: {}", sanitize(&skipped.path), sanitize(&skipped.reason));
    }
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal(),
    }
}

fn root_uri(path: &Path) -> Option<String> {
    let absolute = std::fs::canonicalize(path).ok()?;
    let dir = if absolute.is_file() { absolute.parent()?.to_path_buf() } else { absolute };
    let text = dir.to_str()?.replace('\\', "/");
    let text = text.trim_end_matches('/');
    Some(format!("file://{}{text}/", if text.starts_with('/') { "" } else { "/" }))
}

fn render_findings(
    out: &mut dyn Write,
    args: &CheckArgs,
    outcome: &LintOutcome,
    lint: &LintSettings,
    color: bool,
) -> Result<()> {
    let findings = &outcome.findings;
    match args.format {
        OutputFormat::Text => {
            let options = TextOptions { color, help_uri: shipshape_linter::help_uri };
            render::text::render(out, findings, &options)
        }
        OutputFormat::Json => render::json_v1::render(out, findings),
        OutputFormat::Github => render::github::render(out, findings),
        OutputFormat::Sarif => {
            let rules: Vec<RuleDescriptor> = lint
                .enabled_rules()
                .map(|(rule, severity)| RuleDescriptor {
                    id: rule.meta().id,
                    summary: rule.meta().summary,
                    severity,
                    help_uri: shipshape_linter::help_uri(rule.meta().id),
                })
                .collect();
            render::sarif::render(out, findings, &rules, &TOOL, root_uri(&args.path).as_deref())
        }
    }
    .context("writing the report")
}
