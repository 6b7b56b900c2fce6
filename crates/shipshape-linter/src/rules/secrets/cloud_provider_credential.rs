use super::scanner::{provider_family, Pattern};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags credentials of cloud and hosting platforms in any text file:
    /// Google Cloud API keys (`AIza…`) and OAuth client secrets (`GOCSPX-…`);
    /// Azure storage and Cosmos DB account keys (`AccountKey=` in a
    /// connection string), Service Bus / Event Hubs shared access keys,
    /// SAS tokens (`sv=…&sig=…` in a URL) and Entra ID (Azure AD) client
    /// secrets; DigitalOcean, Alibaba Cloud, Heroku, Cloudflare, Databricks,
    /// Fly.io, Terraform Cloud / HCP, Tailscale, Supabase and Render tokens;
    /// OpenShift user tokens (`sha256~…`).
    ///
    /// AWS credentials have their own rule, `aws-access-key`.
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
    /// These credentials control infrastructure: whoever reads the file can
    /// create or delete resources, read storage accounts and databases, or
    /// run workloads on your account. They stay in the repository's history
    /// after the file is fixed, so a leaked one must be revoked.
    ///
    /// ## Example
    /// ```bash
    /// AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=q8Zx…==;EndpointSuffix=core.windows.net"
    /// ```
    ///
    /// Use instead:
    /// ```bash
    /// # a managed identity, or the connection string from a secret store
    /// AZURE_STORAGE_CONNECTION_STRING="$(az keyvault secret show --vault-name acme --name storage --query value -o tsv)"
    /// ```
    ///
    /// ## References
    /// - [Google Cloud: Best practices for managing API keys](https://cloud.google.com/docs/authentication/api-keys-best-practices)
    /// - [Azure Storage: Manage account access keys](https://learn.microsoft.com/en-us/azure/storage/common/storage-account-keys-manage)
    pub struct CloudProviderCredential {
        id: "cloud-provider-credential",
        severity: Error,
        domains: [Secrets],
        summary: "Cloud or hosting platform credential (GCP, Azure, DigitalOcean, Heroku…) in a file",
    }
}

static PATTERNS: &[Pattern] = &[
    Pattern::prefixed("Google Cloud API key", &["AIza"], r"AIza[0-9A-Za-z_-]{35}").entropy(3.5),
    Pattern::prefixed("Google OAuth client secret", &["GOCSPX-"], r"GOCSPX-[0-9A-Za-z_-]{28}"),
    Pattern::prefixed(
        "Azure storage account key",
        &["AccountKey="],
        r"AccountKey=(?P<s>[A-Za-z0-9+/]{86}==)",
    )
    .entropy(4.0),
    Pattern::prefixed(
        "Azure shared access key",
        &["SharedAccessKey="],
        r"SharedAccessKey=(?P<s>[A-Za-z0-9+/]{43}=)",
    )
    .entropy(4.0),
    Pattern::prefixed(
        "Azure shared access signature (SAS token)",
        &["sig="],
        r"[?&]sv=\d{4}-\d{2}-\d{2}[!#-;=?-~]*?&sig=(?P<s>[A-Za-z0-9%+/]{40,}(?:%3D|%3d|=){0,2})",
    )
    .entropy(3.5),
    Pattern::prefixed(
        "Azure Entra ID (Azure AD) client secret",
        &["Q~"],
        r"(?:^|[\\'\x22\x60\s>=:(,)])(?P<s>[a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34})(?:$|[\\'\x22\x60\s<),])",
    )
    .infix(),
    Pattern::prefixed(
        "DigitalOcean token",
        &["dop_v1_", "doo_v1_", "dor_v1_"],
        r"do[opr]_v1_[a-f0-9]{64}",
    ),
    Pattern::prefixed("Alibaba Cloud access key id", &["LTAI"], r"LTAI[A-Za-z0-9]{12,20}"),
    Pattern::prefixed("Heroku API key", &["HRKU-"], r"HRKU-AA[0-9A-Za-z_-]{58}").entropy(3.5),
    Pattern::near(
        "Heroku API key",
        &["heroku"],
        r#"(?i:heroku[\w.-]{0,20}(?:key|token|auth|secret|pass)[\w.-]{0,10})["']?\s*(?::=|=>|=|:)\s*["']?(?P<s>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"#,
    ),
    Pattern::prefixed("Cloudflare origin CA key", &["v1.0-"], r"v1\.0-[a-f0-9]{24}-[a-f0-9]{146}"),
    Pattern::near(
        "Cloudflare API token",
        &["cloudflare", "CF_API", "CF_AUTH"],
        r#"(?i:(?:cloudflare|cf)[\w.-]{0,20}(?:key|token|auth|secret)[\w.-]{0,10})["']?\s*(?::=|=>|=|:)\s*["']?(?P<s>[A-Za-z0-9_-]{40}|[a-f0-9]{37})(?:(?u:[^A-Za-z0-9_-])|$)"#,
    )
    .entropy(3.5),
    Pattern::prefixed("Databricks access token", &["dapi"], r"dapi[a-f0-9]{32}(?:-\d)?"),
    Pattern::prefixed(
        "Fly.io access token",
        &["fo1_", "fm1a_", "fm1r_", "fm2_"],
        r"fo1_[0-9A-Za-z_-]{43}|fm1[ar]_[A-Za-z0-9+/]{100,}={0,3}|fm2_[A-Za-z0-9+/]{100,}={0,3}",
    )
    .entropy(3.5),
    Pattern::prefixed(
        "Terraform Cloud / HCP Terraform API token",
        &[".atlasv1."],
        r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}",
    )
    .entropy(3.5)
    .infix(),
    Pattern::prefixed(
        "Tailscale key",
        &["tskey-"],
        r"tskey-(?:auth|api|client|webhook|scim)-[A-Za-z0-9]{8,}-[A-Za-z0-9]{16,}",
    ),
    Pattern::prefixed("Supabase access token", &["sbp_", "sb_secret_"], r"sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{31,}"),
    Pattern::prefixed("Render API key", &["rnd_"], r"rnd_[A-Za-z0-9]{32}"),
    Pattern::prefixed("OpenShift user token", &["sha256~"], r"sha256~[A-Za-z0-9_-]{43}").entropy(3.5),
];

provider_family!(CloudProviderCredential, PATTERNS);
