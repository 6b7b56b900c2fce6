use super::scanner::{provider_family, Pattern};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags live credentials of payment and commerce platforms in any text
    /// file: Stripe live secret and restricted keys (`sk_live_…`,
    /// `rk_live_…`) and webhook signing secrets (`whsec_…`); Square access
    /// tokens and OAuth secrets; Braintree / PayPal access tokens
    /// (`access_token$production$…`); Shopify access tokens and shared
    /// secrets (`shpat_…`, `shpss_…`); Flutterwave secret keys; GoCardless
    /// live tokens; Plaid access tokens.
    ///
    /// Stripe test-mode keys (`sk_test_…`) are not flagged: they cannot move
    /// money and are often published on purpose in examples. Publishable keys
    /// (`pk_live_…`) are public by design.
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
    /// A live payment key can issue refunds and payouts, read customers' data
    /// and card metadata, and change the account's settings. A leaked webhook
    /// secret lets anyone forge payment events your service will trust.
    ///
    /// ## Example
    /// ```python
    /// stripe.api_key = "sk_live_51H…"   # a real key
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// stripe.api_key = os.environ["STRIPE_SECRET_KEY"]
    /// ```
    /// Roll the leaked key in the provider's dashboard first.
    ///
    /// ## References
    /// - [Stripe: API keys best practices](https://docs.stripe.com/keys-best-practices)
    pub struct PaymentServiceKey {
        id: "payment-service-key",
        severity: Error,
        domains: [Secrets],
        summary: "Live payment or commerce credential (Stripe, Square, Braintree, Shopify…) in a file",
    }
}

static PATTERNS: &[Pattern] = &[
    Pattern::prefixed("Stripe live secret key", &["sk_live_"], r"sk_live_[0-9A-Za-z]{10,99}"),
    Pattern::prefixed("Stripe live restricted key", &["rk_live_"], r"rk_live_[0-9A-Za-z]{10,99}"),
    Pattern::prefixed("Stripe webhook signing secret", &["whsec_"], r"whsec_[A-Za-z0-9+/]{32,}={0,2}"),
    Pattern::prefixed("Square access token", &["sq0atp-"], r"sq0atp-[0-9A-Za-z_-]{22,60}"),
    Pattern::prefixed("Square OAuth secret", &["sq0csp-"], r"sq0csp-[0-9A-Za-z_-]{43}"),
    Pattern::prefixed("Square production access token", &["EAAA"], r"EAAA[0-9A-Za-z_-]{60}").entropy(4.0),
    Pattern::prefixed(
        "Braintree / PayPal access token",
        &["access_token$production$"],
        r"access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32}",
    ),
    Pattern::prefixed("Shopify access token", &["shpat_", "shpca_", "shppa_"], r"shp(?:at|ca|pa)_[a-fA-F0-9]{32}"),
    Pattern::prefixed("Shopify shared secret", &["shpss_"], r"shpss_[a-fA-F0-9]{32}"),
    Pattern::prefixed("Flutterwave secret key", &["FLWSECK"], r"FLWSECK(?:_TEST)?-[a-hA-H0-9]{32}-X"),
    Pattern::near(
        "GoCardless live access token",
        &["gocardless"],
        r"(?i:gocardless)[\t -~]{0,40}?\b(?P<s>live_[0-9A-Za-z_=-]{40})",
    ),
    Pattern::prefixed(
        "Plaid access token",
        &["access-production-", "access-development-"],
        r"access-(?:production|development)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    ),
];

provider_family!(PaymentServiceKey, PATTERNS);
