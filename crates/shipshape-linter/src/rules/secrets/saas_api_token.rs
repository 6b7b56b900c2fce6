use super::scanner::{named, provider_family, Pattern};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags API tokens of software-as-a-service products in any text file,
    /// each recognised by its documented shape: e-mail and messaging
    /// (SendGrid `SG.…`, Mailgun, Mailchimp, Twilio, Brevo), observability
    /// (Datadog, New Relic `NRAK-…`, Sentry `sntrys_…`, Grafana `glc_…` /
    /// `glsa_…`, Dynatrace `dt0c01.…`, PagerDuty), developer tools (Linear
    /// `lin_api_…`, Notion `ntn_…`, Postman `PMAK-…`, Atlassian `ATATT3…`,
    /// Airtable, Contentful, Figma, HubSpot, Algolia), CI/CD and delivery
    /// (Pulumi `pul-…`, Buildkite, CircleCI, SonarQube, Sourcegraph, Snyk,
    /// Harness, Octopus Deploy, Infracost, PlanetScale, Prefect, ReadMe,
    /// Firebase Cloud Messaging), shipping and travel (EasyPost, Shippo,
    /// Duffel), Mapbox secret tokens, Typeform, Frame.io and Okta.
    ///
    /// Tokens that only have a recognisable shape next to the provider's
    /// name (a Datadog API key is 32 hex digits) are flagged only when that
    /// name is on the same line.
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
    /// Whoever reads the file acts as your account on that service: sends
    /// e-mail and SMS from your domain and number, reads monitoring data and
    /// logs, edits documents and tickets, or changes delivery pipelines.
    /// Tokens stay in the repository's history after the file is fixed.
    ///
    /// ## Example
    /// ```yaml
    /// datadog:
    ///   apiKey: 4f9c…   # a real key
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// datadog:
    ///   apiKeyExistingSecret: datadog-api-key
    /// ```
    pub struct SaasApiToken {
        id: "saas-api-token",
        severity: Error,
        domains: [Secrets],
        summary: "API token of a SaaS product (SendGrid, Twilio, Datadog, Sentry, Linear…) in a file",
    }
}

static PATTERNS: &[Pattern] = &[
    Pattern::prefixed("SendGrid API key", &["SG."], r"SG\.[A-Za-z0-9_=.-]{66}").entropy(4.0),
    Pattern::near(
        "Mailgun API key",
        &["mailgun"],
        r"(?i:mailgun)[\t -~]{0,40}?\b(?P<s>key-[a-f0-9]{32}|[a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8})",
    ),
    Pattern::near(
        "Mailchimp API key",
        &["mailchimp"],
        r"(?i:mailchimp)[\t -~]{0,40}?\b(?P<s>[a-f0-9]{32}-us[0-9]{1,2})\b",
    )
    .entropy(3.3),
    Pattern::near("Twilio API key", &["twilio"], r"(?i:twilio)[\t -~]{0,40}?\b(?P<s>SK[0-9a-fA-F]{32})\b").entropy(3.3),
    Pattern::near(
        "Twilio auth token",
        &["twilio"],
        named!(r"twilio[\w.-]{0,20}(?:token|secret|auth|key)[\w.-]{0,10}", r"[a-f0-9]{32}"),
    ),
    Pattern::prefixed(
        "Brevo (Sendinblue) API key",
        &["xkeysib-", "xsmtpsib-"],
        r"x(?:key|smtp)sib-[a-f0-9]{64}-[A-Za-z0-9]{16}",
    ),
    Pattern::near(
        "Datadog API or application key",
        &["datadog", "dd_api_key", "dd_app_key", "dd_application_key", "dd-api-key", "dd-application-key"],
        named!(
            r"(?:datadog|dd)[\w.-]{0,20}(?:api|app|application)[\w.-]{0,10}key[\w.-]{0,10}",
            r"[a-z0-9]{40}|[a-z0-9]{32}"
        ),
    )
    .entropy(3.3),
    Pattern::prefixed(
        "New Relic key",
        &["NRAK-", "NRII-", "NRJS-", "NRAL"],
        r"NRAK-[A-Za-z0-9]{27}|NRII-[A-Za-z0-9-]{32}|NRJS-[a-f0-9]{19}|\b[a-f0-9]{36}NRAL",
    )
    .infix(),
    Pattern::prefixed(
        "Sentry auth token",
        &["sntrys_", "sntryu_"],
        r"sntrys_eyJ[A-Za-z0-9+/=_]{50,}|sntryu_[a-f0-9]{64}",
    )
    .entropy(3.5),
    Pattern::near(
        "Sentry auth token",
        &["sentry"],
        named!(r"sentry[\w.-]{0,20}(?:auth|token)[\w.-]{0,10}", r"[a-f0-9]{64}"),
    )
    .entropy(3.5),
    Pattern::prefixed(
        "Grafana token",
        &["glc_", "glsa_", "eyJrIjoi"],
        r"glc_[A-Za-z0-9+/]{32,400}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|eyJrIjoi[A-Za-z0-9]{70,400}={0,2}",
    ),
    Pattern::prefixed("Dynatrace API token", &["dt0c01."], r"dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}").entropy(4.0),
    Pattern::near(
        "PagerDuty API key",
        &["pagerduty"],
        named!(r"pagerduty[\w.-]{0,20}(?:key|token)[\w.-]{0,10}", r"[a-f0-9]{32}|[A-Za-z0-9_+-]{20}"),
    )
    .entropy(3.5),
    Pattern::prefixed("Linear API key", &["lin_api_", "lin_oauth_"], r"lin_api_[A-Za-z0-9]{40}|lin_oauth_[a-f0-9]{64}"),
    Pattern::prefixed("Notion integration token", &["ntn_"], r"ntn_[0-9]{11}[A-Za-z0-9]{35}").entropy(4.0),
    Pattern::prefixed("Notion integration token", &["secret_"], r"\bsecret_[A-Za-z0-9]{43}").entropy(4.2),
    Pattern::prefixed("Postman API key", &["PMAK-"], r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}"),
    Pattern::prefixed("Atlassian API token", &["ATATT3"], r"ATATT3[A-Za-z0-9_=-]{186}").entropy(4.0),
    Pattern::near(
        "Atlassian API token",
        &["atlassian", "jira", "confluence"],
        named!(r"(?:atlassian|jira|confluence)[\w.-]{0,20}(?:token|key|secret|pass)[\w.-]{0,10}", r"[A-Za-z0-9]{24}"),
    )
    .entropy(3.5),
    Pattern::near(
        "Airtable personal access token",
        &["airtable"],
        r"(?i:airtable)[\t -~]{0,40}?\b(?P<s>pat[A-Za-z0-9]{14}\.[a-f0-9]{64})",
    ),
    Pattern::prefixed("Contentful personal access token", &["CFPAT-"], r"CFPAT-[A-Za-z0-9_-]{43}"),
    Pattern::prefixed("Figma personal access token", &["figd_"], r"figd_[A-Za-z0-9_-]{40}"),
    Pattern::prefixed(
        "HubSpot private app token",
        &["pat-na1-", "pat-eu1-"],
        r"pat-(?:na1|eu1)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    ),
    Pattern::near(
        "Algolia admin API key",
        &["algolia"],
        named!(r"algolia[\w.-]{0,20}(?:admin|api|write)[\w.-]{0,10}key[\w.-]{0,5}", r"[a-f0-9]{32}"),
    ),
    Pattern::prefixed("Pulumi access token", &["pul-"], r"pul-[a-f0-9]{40}"),
    Pattern::prefixed("Buildkite API token", &["bkua_"], r"bkua_[a-f0-9]{40}"),
    Pattern::prefixed("CircleCI personal API token", &["CCIPAT_"], r"CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}"),
    Pattern::near("CircleCI API token", &["circle"], named!(r"circle[\w.-]{0,20}token[\w.-]{0,10}", r"[a-f0-9]{40}")),
    Pattern::prefixed("SonarQube token", &["squ_", "sqp_", "sqa_"], r"sq[upa]_[a-f0-9]{40}"),
    Pattern::near(
        "SonarQube token",
        &["sonar"],
        named!(r"sonar[\w.-]{0,20}(?:login|token)[\w.-]{0,10}", r"[a-z0-9=_-]{40}"),
    )
    .entropy(3.5),
    Pattern::prefixed(
        "Sourcegraph access token",
        &["sgp_"],
        r"sgp_(?:[a-f0-9]{16}|local)_[a-f0-9]{40}|sgp_[a-f0-9]{40}",
    ),
    Pattern::near(
        "Snyk API token",
        &["snyk"],
        named!(
            r"snyk[\w.-]{0,20}(?:token|key)[\w.-]{0,10}",
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        ),
    ),
    Pattern::prefixed(
        "Harness access token",
        &["pat.", "sat."],
        r"\b(?:pat|sat)\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20}",
    ),
    Pattern::prefixed("Octopus Deploy API key", &["API-"], r"\bAPI-[A-Z0-9]{26}").entropy(3.5),
    Pattern::prefixed("Infracost API key", &["ico-"], r"ico-[A-Za-z0-9]{32}").entropy(3.5),
    Pattern::prefixed(
        "PlanetScale token",
        &["pscale_tkn_", "pscale_pw_", "pscale_oauth_"],
        r"pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_=.-]{32,64}",
    ),
    Pattern::prefixed("Prefect API key", &["pnu_"], r"pnu_[A-Za-z0-9]{36}"),
    Pattern::prefixed("ReadMe API key", &["rdme_"], r"rdme_[a-z0-9]{70}"),
    Pattern::prefixed(
        "Firebase Cloud Messaging server key",
        &[":APA91b"],
        r"AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{134}",
    )
    .infix(),
    Pattern::prefixed("EasyPost API key", &["EZAK"], r"EZAK[A-Za-z0-9]{54}"),
    Pattern::prefixed("Shippo API token", &["shippo_live_", "shippo_test_"], r"shippo_(?:live|test)_[a-fA-F0-9]{40}"),
    Pattern::prefixed(
        "Duffel API token",
        &["duffel_live_", "duffel_test_"],
        r"duffel_(?:live|test)_[A-Za-z0-9_=-]{43}",
    ),
    Pattern::prefixed("Mapbox secret token", &["sk.eyJ"], r"sk\.eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}"),
    Pattern::prefixed("Typeform personal access token", &["tfp_"], r"tfp_[A-Za-z0-9_.=-]{59}"),
    Pattern::prefixed("Frame.io API token", &["fio-u-"], r"fio-u-[A-Za-z0-9_=-]{64}"),
    Pattern::near(
        "Okta API token",
        &["okta"],
        named!(r"okta[\w.-]{0,20}(?:token|key)[\w.-]{0,10}", r"00[A-Za-z0-9_=-]{40}"),
    )
    .entropy(4.0),
];

provider_family!(SaasApiToken, PATTERNS);
