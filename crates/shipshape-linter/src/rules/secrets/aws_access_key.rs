use super::scanner::{provider_family, Pattern};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags AWS credentials in any text file: access key ids (`AKIA…`,
    /// `ASIA…`, `ABIA…`, `ACCA…`), secret access keys (40 characters assigned
    /// to a name such as `aws_secret_access_key` or `SecretAccessKey`, or
    /// next to its key id on the same line),
    /// session tokens, Amazon Bedrock API keys and MWS auth tokens.
    ///
    /// AWS's documented example keys (ending in `EXAMPLE` / `EXAMPLEKEY`) and
    /// keys that are visibly made up are not flagged.
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
    /// An access key pair signs API calls as the IAM user or role it belongs
    /// to. Keys pushed to public repositories are found and used by scanners
    /// within minutes, typically to start mining instances on your bill; in
    /// private repositories they are readable by everyone with access, and
    /// they stay in history after the file is fixed.
    ///
    /// ## Example
    /// ```ini
    /// [default]
    /// aws_access_key_id = AKIA…          # a real key id
    /// aws_secret_access_key = 9dR3…      # and its secret
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # GitHub Actions: short-lived credentials through OIDC, no stored key
    /// - uses: aws-actions/configure-aws-credentials@v4
    ///   with:
    ///     role-to-assume: arn:aws:iam::123456789012:role/deploy
    ///     aws-region: eu-west-1
    /// ```
    /// Deactivate and delete the leaked key in IAM first.
    ///
    /// ## References
    /// - [AWS: Best practices for managing access keys](https://docs.aws.amazon.com/accounts/latest/reference/credentials-access-keys-best-practices.html)
    /// - [AWS: Remediating a potentially compromised credential](https://docs.aws.amazon.com/guardduty/latest/ug/compromised-creds.html)
    pub struct AwsAccessKey {
        id: "aws-access-key",
        severity: Error,
        domains: [Secrets],
        summary: "AWS access key, secret key or session token in a file",
    }
}

static PATTERNS: &[Pattern] = &[
    Pattern::prefixed(
        "AWS access key id",
        &["AKIA", "ASIA", "ABIA", "ACCA", "A3T"],
        r"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}",
    ),
    Pattern::near(
        "AWS secret access key",
        &["secret_access_key", "secretaccesskey", "secret-access-key", "aws_secret", "SecretAccessKey", "secretAccessKey"],
        r#"(?i:aws_?secret_?access_?key|aws_?secret_?key|secret[_-]?access[_-]?key|aws_secret)["'\]]?\s*(?::=|=>|=|:|\s)\s*["']?(?P<s>[A-Za-z0-9/+]{40})(?:(?u:[^A-Za-z0-9/+=])|$)"#,
    )
    .entropy(3.5),
    Pattern::prefixed(
        "AWS secret access key",
        &["AKIA", "ASIA"],
        r#"(?:AKIA|ASIA)[A-Z0-9]{16}["'\s,:=;|]{1,10}(?P<s>[A-Za-z0-9/+]{40})(?:(?u:[^A-Za-z0-9/+=])|$)"#,
    )
    .entropy(3.5),
    Pattern::prefixed(
        "AWS session token",
        &["IQoJb3JpZ2lu", "FwoGZXIvYXdz"],
        r"(?:IQoJb3JpZ2lu|FwoGZXIvYXdz)[A-Za-z0-9/+]{100,}={0,2}",
    ),
    Pattern::prefixed("Amazon Bedrock API key", &["ABSK"], r"ABSK[A-Za-z0-9+/]{109,269}={0,2}").entropy(3.5),
    Pattern::prefixed(
        "Amazon MWS auth token",
        &["amzn.mws."],
        r"amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    ),
];

provider_family!(AwsAccessKey, PATTERNS);
