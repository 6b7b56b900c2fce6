//! What every secrets finding shares: the signal that made a value a
//! secret, said in the message; where the file sits (in a test, fixture,
//! docs or example a finding is a note, and only for what looks live); and
//! the credentials published in providers' documentation, never reported.

use shipshape_diagnostics::{Severity, Span};

use crate::file_context::{ContextEvidence, FileContext};
use crate::rule::Reporter;
use crate::secret_values::{is_documented_example, looks_generated, shannon_entropy};

/// Why a value was taken for a secret, and whether it looks live enough to
/// be reported in a test, fixture, docs or example.
#[derive(Debug, Clone)]
pub(crate) struct Evidence {
    /// Said in the message after "found by": never the value itself.
    pub signal: String,
    pub live: bool,
}

impl Evidence {
    /// A provider's token pattern (the one the message names) matched `value`.
    pub fn provider(value: &str) -> Self {
        Self {
            signal: format!("the provider's token pattern, {:.1} bits/char", shannon_entropy(value)),
            live: !is_documented_example(value),
        }
    }

    /// A `-----BEGIN … PRIVATE KEY-----` block (or its base64 or PuTTY form)
    /// with a key body.
    pub fn private_key(form: &str) -> Self {
        Self { signal: form.to_string(), live: true }
    }

    /// A name or option that says credential (`what`) and a literal
    /// `value` varied enough to be one: live only when it looks generated.
    pub fn keyword(what: &str, value: &str) -> Self {
        Self {
            signal: format!("{what} and a literal of {:.1} bits/char", shannon_entropy(value)),
            live: looks_generated(value) && !is_documented_example(value),
        }
    }
}

/// Reports a secret found by `evidence` in a file of `context`: at the
/// rule's severity in shipped code and configuration; elsewhere as a note
/// saying why, and only when it looks live.
pub(crate) fn report_found(
    report: &mut Reporter<'_>,
    context: &ContextEvidence,
    span: Span,
    secret: Span,
    message: &str,
    evidence: &Evidence,
) {
    if context.context == FileContext::Source {
        report.report_secret(span, secret, format!("{message} (found by {})", evidence.signal));
    } else if evidence.live {
        let message = format!(
            "{message} (found by {}; a note: in {}: {})",
            evidence.signal,
            context.context.described(),
            context.reason
        );
        report.report_secret_capped(span, secret, message, Severity::Info);
    }
}
