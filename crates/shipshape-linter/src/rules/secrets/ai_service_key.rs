use super::scanner::{provider_family, Pattern};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags API keys of AI and model-hosting services in any text file:
    /// OpenAI (`sk-proj-…`, `sk-…T3BlbkFJ…`), Anthropic (`sk-ant-…`),
    /// Hugging Face (`hf_…`, `api_org_…`), Groq (`gsk_…`), Perplexity
    /// (`pplx-…`), Replicate (`r8_…`), xAI (`xai-…`), Cohere, LangSmith
    /// (`lsv2_…`) and Pinecone (`pcsk_…`).
    ///
    /// The message names the signal (the provider's pattern and the value's
    /// entropy in bits per character). In tests, fixtures, documentation and
    /// examples a finding is a note that says where it sits ("in a fixture:
    /// the folder `testdata/`"). Credentials that providers publish as
    /// examples (AWS's `AKIA…EXAMPLE` keys, GitHub's token-format
    /// examples, Stripe's documented test keys, jwt.io's token) are never
    /// flagged: they are recognised by their SHA-256.
    ///
    /// ## Why is this bad?
    /// These keys are billed per use and are actively harvested from public
    /// repositories to resell model access; a leaked key can run up a large
    /// bill within hours and exposes the prompts, files and fine-tuned
    /// models of the account.
    ///
    /// ## Example
    /// ```bash
    /// OPENAI_API_KEY=sk-proj-4Fq…   # a real key
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// env:
    ///   - name: OPENAI_API_KEY
    ///     valueFrom:
    ///       secretKeyRef: { name: openai, key: api-key }
    /// ```
    ///
    /// ## References
    /// - [OpenAI: Best practices for API key safety](https://help.openai.com/en/articles/5112595-best-practices-for-api-key-safety)
    pub struct AiServiceKey {
        id: "ai-service-key",
        severity: Error,
        domains: [Secrets],
        summary: "AI service API key (OpenAI, Anthropic, Hugging Face…) in a file",
    }
}

static PATTERNS: &[Pattern] = &[
    Pattern::prefixed(
        "OpenAI API key",
        &["T3BlbkFJ", "sk-proj-", "sk-svcacct-", "sk-admin-"],
        r"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{80,250}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}",
    )
    .entropy(4.0)
    .infix(),
    Pattern::prefixed("Anthropic API key", &["sk-ant-"], r"sk-ant-(?:api|admin|oat|ort)[0-9]{2}-[A-Za-z0-9_-]{80,120}")
        .entropy(4.0),
    Pattern::prefixed("Hugging Face access token", &["hf_"], r"hf_[A-Za-z0-9]{34}").entropy(3.5),
    Pattern::prefixed("Hugging Face organization API token", &["api_org_"], r"api_org_[A-Za-z0-9]{34}").entropy(3.5),
    Pattern::prefixed("Groq API key", &["gsk_"], r"gsk_[A-Za-z0-9]{52}").entropy(4.0),
    Pattern::prefixed("Perplexity API key", &["pplx-"], r"pplx-[A-Za-z0-9]{48}").entropy(4.0),
    Pattern::prefixed("Replicate API token", &["r8_"], r"r8_[A-Za-z0-9]{37}").entropy(3.5),
    Pattern::prefixed("xAI API key", &["xai-"], r"xai-[A-Za-z0-9]{80}").entropy(4.0),
    Pattern::near(
        "Cohere API key",
        &["cohere", "CO_API_KEY"],
        r#"(?i:cohere[\w.-]{0,20}(?:key|token)|co_api_key)["']?\s*(?::=|=>|=|:)\s*["']?(?P<s>[A-Za-z0-9]{40})(?:(?u:[^A-Za-z0-9])|$)"#,
    )
    .entropy(4.0),
    Pattern::prefixed("LangSmith API key", &["lsv2_"], r"lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}"),
    Pattern::prefixed("Pinecone API key", &["pcsk_"], r"pcsk_[A-Za-z0-9]{4,8}_[A-Za-z0-9]{40,}").entropy(4.0),
];

provider_family!(AiServiceKey, PATTERNS);
