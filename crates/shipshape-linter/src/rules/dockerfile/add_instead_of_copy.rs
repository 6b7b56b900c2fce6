use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::{Reporter, Rule};
use crate::rules::dockerfile::add_of_remote_url::{is_git_source, is_url};
use crate::rules::dockerfile::support;

declare_rule! {
    /// ## What it does
    /// Flags an `ADD` of local files or directories where `COPY` does the
    /// same: no source is a URL, a Git repository or a local tar archive
    /// (`.tar`, `.tar.gz`, `.tgz`, `.tar.bz2`, `.tar.xz`, `.tar.zst`, …)
    /// that `ADD` would unpack. Sources given by a variable are expanded
    /// with `ARG`/`ENV` defaults; one that stays unknown is flagged unless
    /// its name mentions an archive.
    ///
    /// ## Why is this bad?
    /// `ADD` has side effects `COPY` does not: it unpacks tar archives and
    /// fetches URLs. Using it for plain files hides which behaviour was
    /// wanted, and a file renamed to `.tar.gz` later is silently unpacked.
    /// `COPY` says exactly what happens.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD requirements.txt /app/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY requirements.txt /app/
    /// ```
    ///
    /// ## References
    /// - [Docker: ADD or COPY](https://docs.docker.com/build/building/best-practices/#add-or-copy)
    pub struct AddInsteadOfCopy {
        id: "add-instead-of-copy",
        severity: Warning,
        domains: [Dockerfile],
        summary: "`ADD` used for local files where `COPY` does the same",
    }
}

const ARCHIVE_SUFFIXES: &[&str] = &[
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz",
    ".tbz2",
    ".tb2",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".tzst",
    ".tar.lz",
    ".tar.lzma",
    ".tlz",
    ".gz",
    ".bz2",
    ".xz",
];

fn is_archive(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    ARCHIVE_SUFFIXES.iter().any(|s| lower.ends_with(s)) || lower.ends_with('*') && lower.contains(".tar")
}

impl Rule for AddInsteadOfCopy {
    fn check_dockerfile(&self, cx: &DockerfileContext<'_>, report: &mut Reporter<'_>) {
        let df = cx.dockerfile;
        support::walk(df, |_, _, instruction, state| {
            if instruction.keyword != "ADD" || !instruction.heredocs.is_empty() {
                return;
            }
            let Some((sources, _)) = support::copy_paths(instruction) else { return };
            if sources.is_empty() {
                return;
            }
            let mut local = true;
            for source in &sources {
                let expanded = state.expand(&source.value);
                let value = expanded.as_deref().unwrap_or(&source.value);
                let unknown_archive = expanded.is_none() && {
                    let lower = source.value.to_ascii_lowercase();
                    ["tar", "archive", "rootfs", "tgz", "bundle"].iter().any(|w| lower.contains(w))
                };
                if is_url(value) || is_git_source(value) || is_archive(value) || unknown_archive {
                    local = false;
                }
            }
            if local {
                report.report(
                    instruction.keyword_span,
                    "`ADD` of local files behaves like `COPY` here; use `COPY` (keep `ADD` for archives to unpack)",
                );
            }
        });
    }
}
