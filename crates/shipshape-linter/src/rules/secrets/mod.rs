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
