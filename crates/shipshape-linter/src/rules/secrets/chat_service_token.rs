use super::scanner::{named, provider_family, Pattern};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags tokens and webhook URLs of chat services in any text file:
    /// Slack bot, user, app-level, configuration and legacy tokens
    /// (`xoxb-…`, `xoxp-…`, `xapp-…`, `xoxe-…`) and incoming webhook URLs
    /// (`hooks.slack.com/services/…`); Discord bot tokens and webhook URLs;
    /// Telegram bot tokens; Microsoft Teams incoming webhooks; Google Chat
    /// webhooks.
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
    /// A webhook URL *is* its secret: whoever has it can post messages as
    /// your integration, which makes convincing phishing inside your own
    /// workspace. Bot and user tokens go further and read channels, files
    /// and direct messages.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   SLACK_WEBHOOK_URL: https://hooks.slack.com/services/T0…/B0…/…   # a real URL
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// env:
    ///   SLACK_WEBHOOK_URL: ${{ secrets.SLACK_WEBHOOK_URL }}
    /// ```
    ///
    /// ## References
    /// - [Slack: Token types](https://api.slack.com/concepts/token-types)
    /// - [Slack: Sending messages using incoming webhooks](https://api.slack.com/messaging/webhooks)
    pub struct ChatServiceToken {
        id: "chat-service-token",
        severity: Error,
        domains: [Secrets],
        summary: "Slack, Discord, Telegram or Teams token or webhook URL in a file",
    }
}

static PATTERNS: &[Pattern] = &[
    Pattern::prefixed("Slack bot token", &["xoxb-"], r"xoxb-[0-9]{8,14}-[A-Za-z0-9-]{10,}"),
    Pattern::prefixed(
        "Slack user token",
        &["xoxp-", "xoxe-"],
        r"xox[pe]-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9-]{28,34}",
    ),
    Pattern::prefixed(
        "Slack token",
        &["xoxa-", "xoxr-", "xoxo-", "xoxs-"],
        r"xox[ar]-(?:\d-)?[0-9A-Za-z]{8,48}|xox[os]-\d+-\d+-\d+-[a-fA-F0-9]+",
    ),
    Pattern::prefixed("Slack app-level token", &["xapp-"], r"xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+"),
    Pattern::prefixed(
        "Slack configuration token",
        &["xoxe"],
        r"xoxe\.xox[bp]-\d-[A-Za-z0-9]{163,166}|xoxe-\d-[A-Za-z0-9]{146}",
    ),
    Pattern::prefixed(
        "Slack webhook URL",
        &["hooks.slack.com/"],
        r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<s>[A-Za-z0-9+/]{43,56})",
    ),
    Pattern::prefixed(
        "Discord webhook URL",
        &["/api/webhooks/"],
        r"discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/(?P<s>[A-Za-z0-9_-]{60,68})",
    )
    .infix(),
    Pattern::near(
        "Discord bot token",
        &["discord"],
        r"(?i:discord)[\t -~]{0,40}?\b(?P<s>[MNO][A-Za-z0-9]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38})",
    ),
    Pattern::prefixed("Telegram bot token", &[":AA"], r"\b[0-9]{8,10}:AA[0-9A-Za-z_-]{33}").infix(),
    Pattern::near(
        "Telegram bot token",
        &["telegr"],
        r"(?i:telegr)[\t -~]{0,40}?\b(?P<s>[0-9]{5,16}:A[0-9A-Za-z_-]{34})(?:(?u:[^0-9A-Za-z_-])|$)",
    ),
    Pattern::near(
        "Discord API token or client secret",
        &["discord"],
        named!(r"discord[\w.-]{0,20}(?:token|secret|key)[\w.-]{0,10}", r"[a-f0-9]{64}|[A-Za-z0-9_-]{32}"),
    )
    .entropy(3.5),
    Pattern::prefixed(
        "Microsoft Teams webhook URL",
        &["IncomingWebhook/"],
        r"\.office\.com/webhook(?:b2)?/[0-9a-z-]{36}@[0-9a-z-]{36}/IncomingWebhook/(?P<s>[A-Za-z0-9]{32})/[0-9a-z-]{36}",
    ),
    Pattern::prefixed(
        "Google Chat webhook URL",
        &["chat.googleapis.com"],
        r"chat\.googleapis\.com/v1/spaces/[A-Za-z0-9_-]+/messages\?key=[A-Za-z0-9_-]+&token=(?P<s>[A-Za-z0-9_-]{40,}(?:%3D)?)",
    ),
];

provider_family!(ChatServiceToken, PATTERNS);
