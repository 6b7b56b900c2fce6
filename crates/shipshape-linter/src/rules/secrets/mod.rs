//! Rules for the secrets domain: credentials committed in any text file.
//!
//! Provider rules (one family of services each, so a noisy family can be
//! turned off alone) share the keyword-prefiltered scanner of `scanner.rs`;
//! `password-in-url` and `hardcoded-secret-assignment` judge values by name
//! and shape and leave alone whatever a provider rule recognises.

mod ai_service_key;
mod aws_access_key;
mod chat_service_token;
mod cloud_provider_credential;
pub(crate) mod evidence;
mod github_token;
mod gitlab_token;
mod hardcoded_secret_assignment;
mod json_web_token;
mod package_registry_token;
mod password_in_url;
mod payment_service_key;
mod private_key_block;
mod saas_api_token;
mod scanner;
mod secret_manager_token;

pub use ai_service_key::AiServiceKey;
pub use aws_access_key::AwsAccessKey;
pub use chat_service_token::ChatServiceToken;
pub use cloud_provider_credential::CloudProviderCredential;
pub use github_token::GithubToken;
pub use gitlab_token::GitlabToken;
pub use hardcoded_secret_assignment::HardcodedSecretAssignment;
pub use json_web_token::JsonWebToken;
pub use package_registry_token::PackageRegistryToken;
pub use password_in_url::PasswordInUrl;
pub use payment_service_key::PaymentServiceKey;
pub use private_key_block::PrivateKeyBlock;
pub use saas_api_token::SaasApiToken;
pub use secret_manager_token::SecretManagerToken;

use shipshape_diagnostics::Span;

use crate::rule::Rule;

pub static RULES: &[&dyn Rule] = &[
    &PrivateKeyBlock,
    &AwsAccessKey,
    &GithubToken,
    &GitlabToken,
    &CloudProviderCredential,
    &ChatServiceToken,
    &PaymentServiceKey,
    &PackageRegistryToken,
    &AiServiceKey,
    &SecretManagerToken,
    &SaasApiToken,
    &JsonWebToken,
    &PasswordInUrl,
    &HardcodedSecretAssignment,
];

/// Secrets that a provider rule recognises in `text` (a line or a value):
/// the generic rules leave them to it.
pub(crate) fn provider_secrets(text: &str) -> Vec<Span> {
    let scanners = [
        &*aws_access_key::SCANNER,
        &*github_token::SCANNER,
        &*gitlab_token::SCANNER,
        &*cloud_provider_credential::SCANNER,
        &*chat_service_token::SCANNER,
        &*payment_service_key::SCANNER,
        &*package_registry_token::SCANNER,
        &*ai_service_key::SCANNER,
        &*secret_manager_token::SCANNER,
        &*saas_api_token::SCANNER,
        &*json_web_token::SCANNER,
    ];
    scanners.iter().flat_map(|s| s.scan(text)).map(|hit| hit.secret).collect()
}

/// True when a provider rule recognises a secret overlapping `span` of `text`.
pub(crate) fn provider_covers(text: &str, span: Span) -> bool {
    provider_secrets(text).iter().any(|s| s.start < span.end && span.start < s.end)
}

#[cfg(test)]
mod tests {
    use shipshape_diagnostics::render::{github, json_v1, text};

    use super::RULES;
    use crate::{lint_sources, LintSettings};

    fn random(seed: u64, len: usize, alphabet: &str) -> String {
        let chars: Vec<char> = alphabet.chars().collect();
        let mut state = seed | 1;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                chars[(state % chars.len() as u64) as usize]
            })
            .collect()
    }

    /// No output format ever shows a whole secret, in the message or the
    /// snippet, and every secret is found.
    #[test]
    fn findings_never_show_a_whole_secret() {
        const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        const BASE64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let github = format!("{}{}", "ghp_", random(1, 36, ALNUM));
        let key_id = format!("{}{}", "AKIA", random(2, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));
        let key_secret = random(3, 40, BASE64);
        let password = random(4, 16, ALNUM);
        let url_password = random(5, 14, ALNUM);
        let body: Vec<String> = (0..3).map(|i| random(10 + i, 64, BASE64)).collect();
        let webhook = format!(
            "{}/{}/{}",
            random(6, 10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
            random(7, 10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
            random(8, 24, ALNUM)
        );
        let env = format!(
            "GH_TOKEN={github}\nAWS_ACCESS_KEY_ID={key_id} AWS_SECRET_ACCESS_KEY={key_secret}\nDB_PASSWORD={password}\n\
             DATABASE_URL=postgres://app:{url_password}@db:5432/app\nSLACK=https://hooks.slack.com/services/{webhook}\n"
        );
        let header = format!("-----BEGIN RSA {}-----", "PRIVATE KEY");
        let footer = format!("-----END RSA {}-----", "PRIVATE KEY");
        let pem = format!("{header}\n{}\n{footer}\n", body.join("\n"));
        let outcome = lint_sources(
            &LintSettings::new("redaction"),
            vec![("app.env".to_string(), env), ("id_rsa".to_string(), pem)],
        );
        let secrets = [github.as_str(), &key_id, &key_secret, &password, &url_password, &webhook, &body.join("\n")];
        let rendered = {
            let mut out = Vec::new();
            let options = text::TextOptions { color: false, help_uri: crate::help_uri };
            text::render(&mut out, &outcome.findings, &options).expect("text");
            json_v1::render(&mut out, &outcome.findings).expect("json");
            github::render(&mut out, &outcome.findings).expect("github");
            String::from_utf8(out).expect("utf-8")
        };
        for secret in secrets {
            assert!(!rendered.contains(secret), "a secret is shown whole:\n{rendered}");
            assert!(outcome.findings.iter().all(|f| !f.message.contains(secret)));
        }
        for line in body.iter().chain([&key_secret]) {
            assert!(!rendered.contains(line.as_str()), "a line of the key is shown:\n{rendered}");
        }
        let rules: Vec<&str> = outcome.findings.iter().map(|f| f.rule).collect();
        for rule in [
            "github-token",
            "aws-access-key",
            "hardcoded-secret-assignment",
            "password-in-url",
            "chat-service-token",
            "private-key-block",
        ] {
            assert!(rules.contains(&rule), "{rule} did not fire: {rules:?}");
        }
        assert!(rules.iter().filter(|r| **r == "aws-access-key").count() == 2, "{rules:?}");
    }

    /// In tests, fixtures and docs only live-looking secrets are reported,
    /// as notes that say where they sit; documented examples never are.
    #[test]
    fn tests_fixtures_and_docs_hold_notes_at_most() {
        const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let documented = ["ghp_16C7e42F292c6912E", "7710c838347Ae178B4a"].concat();
        let live = format!("{}{}", "ghp_", random(31, 36, ALNUM));
        let body: Vec<String> = (0..3).map(|i| random(40 + i, 64, ALNUM)).collect();
        let pem = format!(
            "-----BEGIN RSA {}-----\n{}\n-----END RSA {}-----\n",
            "PRIVATE KEY",
            body.join("\n"),
            "PRIVATE KEY"
        );
        let files = vec![
            ("client_test.go".to_string(), format!("const doc = \"{documented}\"\nconst live = \"{live}\"\n")),
            ("README.md".to_string(), "Join the call.\n\n```\npassword: Weekly-Call-2024\n```\n".to_string()),
            ("pkg/certs/_testdata/key.pem".to_string(), pem),
            ("deploy/app.env".to_string(), format!("GITHUB_TOKEN={documented}\n")),
        ];
        let outcome = lint_sources(&LintSettings::new("context"), files);
        let secrets: Vec<_> = outcome.findings.iter().filter(|f| RULES.iter().any(|r| r.meta().id == f.rule)).collect();
        assert_eq!(secrets.len(), 2, "{secrets:#?}");
        for finding in &secrets {
            assert_eq!(finding.severity, shipshape_diagnostics::Severity::Info, "{finding:#?}");
        }
        assert!(secrets.iter().any(|f| f.path == "client_test.go" && f.message.contains("in a test")));
        assert!(secrets
            .iter()
            .any(|f| f.path.ends_with("key.pem") && f.message.contains("in a fixture: the folder `_testdata/`")));
    }

    /// Windows line endings, odd bytes and truncated constructs neither
    /// panic nor hang, and CRLF files are judged like LF files.
    #[test]
    fn odd_inputs() {
        let password = random(21, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
        let lf = format!(
            "apiVersion: v1\nkind: Secret\ndata:\n  key: {}\n  user: YWRtaW4=\nstringData:\n  password: {password}\n",
            random(22, 40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
        );
        let crlf = lf.replace('\n', "\r\n");
        let values = format!("env:\n- name: DB_PASSWORD\n  value: {password}\n");
        let values_crlf = values.replace('\n', "\r\n");
        let odd = [
            String::new(),
            "\r\n\r\n\r".to_string(),
            "-----BEGIN RSA PRIVATE KEY-----".to_string(),
            "-----BEGIN RSA PRIVATE KEY-----\r\n".repeat(3),
            "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVk".to_string(),
            "PuTTY-User-Key-File-2: ssh-rsa\nPrivate-Lines: 99999999999999999999\n".to_string(),
            "postgres://:@\npostgres://a:b@\n://@:\n".to_string(),
            "password=\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\npassword: \"\\\"".to_string(),
            "- name: TOKEN".to_string(),
            "curl -u :\nmysql -p\ndocker login -p".to_string(),
        ];
        let mut files = vec![
            ("lf.yaml".to_string(), lf),
            ("crlf.yaml".to_string(), crlf),
            ("values.yaml".to_string(), values),
            ("values-crlf.yaml".to_string(), values_crlf),
        ];
        files.extend(odd.iter().enumerate().map(|(i, t)| (format!("odd{i}.txt"), t.clone())));
        let mut settings = LintSettings::new("odd");
        // A plain Secret manifest's data is `secret-data-in-manifest`'s.
        let ids: Vec<&str> = RULES.iter().map(|r| r.meta().id).chain(["secret-data-in-manifest"]).collect();
        settings.select(&ids);
        let outcome = lint_sources(&settings, files);
        let count = |path: &str| outcome.findings.iter().filter(|f| f.path == path).count();
        assert_eq!(count("lf.yaml"), count("crlf.yaml"));
        assert_eq!(count("lf.yaml"), 2, "{:#?}", outcome.findings);
        assert_eq!(count("values.yaml"), 1, "{:#?}", outcome.findings);
        assert_eq!(count("values-crlf.yaml"), 1, "{:#?}", outcome.findings);
    }
}
