use shipshape_diagnostics::{Severity, Span};

use crate::context::{DockerfileContext, K8sObject, ObjectSet, RepositoryContext, TextContext, YamlFileContext};

/// The kinds of file a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Domain {
    Dockerfile,
    Kubernetes,
    Secrets,
    GithubActions,
    GitlabCi,
    Kustomize,
    /// Argo CD, Flux, Argo Rollouts and Flagger resources.
    Gitops,
    /// Rules that compare files with one another.
    CrossFile,
    /// Findings the engine itself reports (parse errors, suppressions).
    General,
}

impl Domain {
    pub fn as_str(self) -> &'static str {
        match self {
            Domain::Dockerfile => "dockerfile",
            Domain::Kubernetes => "kubernetes",
            Domain::Secrets => "secrets",
            Domain::GithubActions => "github_actions",
            Domain::GitlabCi => "gitlab_ci",
            Domain::Kustomize => "kustomize",
            Domain::Gitops => "gitops",
            Domain::CrossFile => "cross_file",
            Domain::General => "general",
        }
    }
}

/// What every rule declares about itself.
#[derive(Debug)]
pub struct RuleMeta {
    /// Kebab-case id naming what is flagged.
    pub id: &'static str,
    pub severity: Severity,
    pub domains: &'static [Domain],
    /// One line: what is flagged.
    pub summary: &'static str,
    /// The rule's doc comment, as written.
    pub docs: &'static str,
    pub enabled_by_default: bool,
    /// What a finding of this rule means, which decides how it is reported
    /// in tests, fixtures, docs and examples.
    pub kind: RuleKind,
}

/// What a finding means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// A working file could be safer or tidier (hardening, pinning,
    /// hygiene, secrets): reported as info outside shipped source.
    Posture,
    /// The file does not do what it says (a broken reference, a key the
    /// API rejects): kept in docs and examples, which readers copy, and
    /// reported as info only in tests and fixtures, which may be broken on
    /// purpose.
    Defect,
}

impl RuleKind {
    /// Whether findings of this kind are reported as info in `context`.
    pub fn lowered_in(self, context: crate::file_context::FileContext) -> bool {
        use crate::file_context::FileContext;
        match self {
            RuleKind::Posture => context.is_non_production(),
            RuleKind::Defect => matches!(context, FileContext::Test | FileContext::Fixture),
        }
    }
}

impl RuleMeta {
    /// The doc comment with the one leading space of `///` removed.
    pub fn documentation(&self) -> String {
        let mut out = String::new();
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string() + "\n"
    }
}

/// Implemented by [`declare_rule!`].
pub trait RuleMetadata {
    fn meta(&self) -> &'static RuleMeta;
}

/// A rule. Override only the hooks for the level the rule works at.
pub trait Rule: RuleMetadata + Send + Sync {
    /// Once per parsed Dockerfile.
    fn check_dockerfile(&self, _cx: &DockerfileContext<'_>, _report: &mut Reporter<'_>) {}
    /// Once per Kubernetes object.
    fn check_object(&self, _object: &K8sObject, _report: &mut Reporter<'_>) {}
    /// Once per scan, with every Kubernetes object found.
    fn check_objects(&self, _set: &ObjectSet, _report: &mut Reporter<'_>) {}
    /// Once per text file (every file that is not binary).
    fn check_text(&self, _cx: &TextContext<'_>, _report: &mut Reporter<'_>) {}
    /// Once per YAML file that is not a template (workflows, GitLab CI,
    /// kustomizations, manifests); node spans are global.
    fn check_yaml(&self, _cx: &YamlFileContext<'_>, _report: &mut Reporter<'_>) {}
    /// Once per scan, with every file; report global spans
    /// (`ScannedFile::global` turns a file's own spans into global ones).
    fn check_repository(&self, _repo: &RepositoryContext<'_>, _report: &mut Reporter<'_>) {}
}

/// A finding before it is resolved to lines and columns.
///
/// Spans are global: every file of a scan owns a range of one address space
/// (its base offset plus its byte offsets), so a span alone says which file
/// it is in. This lets objects rendered from several files (a Kustomize base
/// and its patches) report each finding where its field was written.
#[derive(Debug, Clone)]
pub struct Violation {
    pub rule: &'static RuleMeta,
    pub span: Span,
    pub message: String,
    /// A secret that must never be printed whole.
    pub secret: Option<Span>,
    /// The highest severity this finding may have (a note for what sits in
    /// tests, fixtures, docs or examples), whatever the rule's severity.
    pub severity_cap: Option<Severity>,
}

/// Collects the violations of one rule.
pub struct Reporter<'a> {
    rule: &'static RuleMeta,
    /// Added to the spans reported: the file's base for rules that see one
    /// file's own text (Dockerfiles, text), 0 for YAML nodes, whose spans
    /// are global already.
    base: usize,
    out: &'a mut Vec<Violation>,
}

impl<'a> Reporter<'a> {
    pub(crate) fn new(rule: &'static RuleMeta, base: usize, out: &'a mut Vec<Violation>) -> Self {
        Self { rule, base, out }
    }

    /// Reports at `span` (of the file being checked, or a YAML node of any file).
    pub fn report(&mut self, span: Span, message: impl Into<String>) {
        let span = span.shift(self.base);
        self.out.push(Violation { rule: self.rule, span, message: message.into(), secret: None, severity_cap: None });
    }

    /// Reports a secret; `secret` is redacted wherever the line is shown.
    pub fn report_secret(&mut self, span: Span, secret: Span, message: impl Into<String>) {
        self.push_secret(span, secret, message.into(), None);
    }

    /// Reports a secret at no more than `cap` (see [`Violation::severity_cap`]).
    pub fn report_secret_capped(&mut self, span: Span, secret: Span, message: impl Into<String>, cap: Severity) {
        self.push_secret(span, secret, message.into(), Some(cap));
    }

    fn push_secret(&mut self, span: Span, secret: Span, message: String, severity_cap: Option<Severity>) {
        let (span, secret) = (span.shift(self.base), secret.shift(self.base));
        self.out.push(Violation { rule: self.rule, span, message, secret: Some(secret), severity_cap });
    }
}

/// The redacted form of a secret: its first four characters and `…`.
pub fn redact(secret: &str) -> String {
    let head: String = secret.chars().take(4).collect();
    format!("{head}…")
}

/// Declares a rule: a unit struct whose doc comment is its documentation.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub struct LatestImageTag {
///         id: "latest-image-tag",
///         severity: Warning,
///         domains: [Dockerfile, Kubernetes],
///         summary: "Image uses the `latest` tag or no tag",
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            id: $id:literal,
            severity: $severity:ident,
            domains: [$($domain:ident),+ $(,)?],
            summary: $summary:literal,
            $(enabled_by_default: $enabled:literal,)?
            $(kind: $kind:ident,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl $name {
            pub const META: $crate::RuleMeta = $crate::RuleMeta {
                id: $id,
                severity: $crate::Severity::$severity,
                domains: &[$($crate::Domain::$domain),+],
                summary: $summary,
                docs: concat!($($doc, "\n"),*),
                enabled_by_default: $crate::declare_rule!(@enabled $($enabled)?),
                kind: $crate::declare_rule!(@kind $($kind)?),
            };
        }

        impl $crate::RuleMetadata for $name {
            fn meta(&self) -> &'static $crate::RuleMeta {
                &Self::META
            }
        }
    };
    (@enabled) => { true };
    (@enabled $enabled:literal) => { $enabled };
    (@kind) => { $crate::rule::RuleKind::Posture };
    (@kind $kind:ident) => { $crate::rule::RuleKind::$kind };
}
