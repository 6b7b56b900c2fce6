//! The app's own Prometheus exposition: an instrumentation library among
//! its dependencies, and the route that serves what it collects.

use std::sync::LazyLock;

use regex::Regex;

use super::repo::{re, ServiceDir};
use crate::plan::{AppMetrics, Detected};

/// A `/metrics` route or mount written in the code.
static METRICS_ROUTE: LazyLock<Regex> = LazyLock::new(|| re(r#"['"](/metrics)['"]"#));

/// The exposition of `library` at the `/metrics` route the code declares;
/// `None` when no such route is written (nothing would answer the scrape).
pub(crate) fn at_metrics_route(dir: &ServiceDir, sources: &[&str], library: &str) -> Option<Detected<AppMetrics>> {
    let hit = dir.grep(sources, &METRICS_ROUTE).into_iter().next()?;
    let path = hit.group(1)?.to_string();
    Some(Detected::found(
        AppMetrics { library: library.to_string(), path: path.clone() },
        dir.evidence(&hit.file, Some(hit.line), format!("{library} metrics served at `{path}`")),
    ))
}

/// The exposition of a library that serves it by itself once a call in
/// the code (`call`) sets it up, at `path`.
pub(crate) fn served_by_library(
    dir: &ServiceDir,
    sources: &[&str],
    library: &str,
    call: &Regex,
    path: &str,
) -> Option<Detected<AppMetrics>> {
    let hit = dir.grep(sources, call).into_iter().next()?;
    Some(Detected::found(
        AppMetrics { library: library.to_string(), path: path.to_string() },
        dir.evidence(&hit.file, Some(hit.line), format!("{library} serves its metrics at `{path}`")),
    ))
}
