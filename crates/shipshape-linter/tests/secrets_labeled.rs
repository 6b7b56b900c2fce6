//! Recall and false positives of the secrets rules, measured against
//! gitleaks' own definitions (`../shared/corpus-labeled/gitleaks+gitleaks.tar.gz`,
//! see `../shared/corpus-labeled/PROVENANCE.md`).
//!
//! 1. Generated samples: for every gitleaks rule that names a provider we
//!    also cover, secrets are generated from gitleaks' regex (its secret
//!    group, seeded) and written as `NAME="secret"` lines; recall is the
//!    share of lines a secrets rule flags.
//! 2. gitleaks' test data (the scan inputs under `testdata/`): lines a
//!    gitleaks rule matches are positives, every other line a negative.
//! 3. gitleaks' own rule file, full of regexes and stop words: every finding
//!    there is a false positive.
//!
//! Skips with a message when `../shared` is absent. Run with `--nocapture`
//! to see the tables.

// The tables are this test's report.
#![allow(clippy::print_stdout)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use regex::Regex;
use regex_syntax::ast::{self, Ast};
use shipshape_linter::{lint_sources, registry, Domain, LintSettings};

/// gitleaks rule id -> (our rule, the variable name the sample is assigned to).
const SHARED: &[(&str, &str, &str)] = &[
    ("aws-access-token", "aws-access-key", "AWS_ACCESS_KEY_ID"),
    ("github-pat", "github-token", "GITHUB_TOKEN"),
    ("github-oauth", "github-token", "GITHUB_TOKEN"),
    ("github-app-token", "github-token", "GITHUB_TOKEN"),
    ("github-refresh-token", "github-token", "GITHUB_TOKEN"),
    ("github-fine-grained-pat", "github-token", "GITHUB_TOKEN"),
    ("gitlab-pat", "gitlab-token", "GITLAB_TOKEN"),
    ("gitlab-pat-routable", "gitlab-token", "GITLAB_TOKEN"),
    ("gitlab-deploy-token", "gitlab-token", "GITLAB_TOKEN"),
    ("gitlab-runner-authentication-token", "gitlab-token", "GITLAB_TOKEN"),
    ("gitlab-runner-authentication-token-routable", "gitlab-token", "GITLAB_TOKEN"),
    ("gitlab-rrt", "gitlab-token", "GITLAB_TOKEN"),
    ("gitlab-ptt", "gitlab-token", "GITLAB_TOKEN"),
    ("gitlab-cicd-job-token", "gitlab-token", "GITLAB_TOKEN"),
    ("gitlab-feed-token", "gitlab-token", "GITLAB_TOKEN"),
    ("gitlab-incoming-mail-token", "gitlab-token", "GITLAB_TOKEN"),
    ("gitlab-kubernetes-agent-token", "gitlab-token", "GITLAB_TOKEN"),
    ("gitlab-oauth-app-secret", "gitlab-token", "GITLAB_TOKEN"),
    ("gitlab-scim-token", "gitlab-token", "GITLAB_TOKEN"),
    ("gitlab-feature-flag-client-token", "gitlab-token", "GITLAB_TOKEN"),
    ("gcp-api-key", "cloud-provider-credential", "GOOGLE_API_KEY"),
    ("azure-ad-client-secret", "cloud-provider-credential", "AZURE_CLIENT_SECRET"),
    ("digitalocean-pat", "cloud-provider-credential", "DIGITALOCEAN_TOKEN"),
    ("digitalocean-access-token", "cloud-provider-credential", "DIGITALOCEAN_TOKEN"),
    ("digitalocean-refresh-token", "cloud-provider-credential", "DIGITALOCEAN_TOKEN"),
    ("alibaba-access-key-id", "cloud-provider-credential", "ALIBABA_ACCESS_KEY_ID"),
    ("heroku-api-key", "cloud-provider-credential", "HEROKU_API_KEY"),
    ("heroku-api-key-v2", "cloud-provider-credential", "HEROKU_API_KEY"),
    ("cloudflare-api-key", "cloud-provider-credential", "CLOUDFLARE_API_KEY"),
    ("cloudflare-global-api-key", "cloud-provider-credential", "CLOUDFLARE_API_KEY"),
    ("cloudflare-origin-ca-key", "cloud-provider-credential", "CLOUDFLARE_ORIGIN_CA_KEY"),
    ("databricks-api-token", "cloud-provider-credential", "DATABRICKS_TOKEN"),
    ("flyio-access-token", "cloud-provider-credential", "FLY_API_TOKEN"),
    ("hashicorp-tf-api-token", "cloud-provider-credential", "TF_API_TOKEN"),
    ("openshift-user-token", "cloud-provider-credential", "OPENSHIFT_TOKEN"),
    ("vault-service-token", "secret-manager-token", "VAULT_TOKEN"),
    ("vault-batch-token", "secret-manager-token", "VAULT_TOKEN"),
    ("doppler-api-token", "secret-manager-token", "DOPPLER_TOKEN"),
    ("1password-service-account-token", "secret-manager-token", "OP_SERVICE_ACCOUNT_TOKEN"),
    ("1password-secret-key", "secret-manager-token", "OP_SECRET_KEY"),
    ("age-secret-key", "secret-manager-token", "SOPS_AGE_KEY"),
    ("slack-bot-token", "chat-service-token", "SLACK_TOKEN"),
    ("slack-user-token", "chat-service-token", "SLACK_TOKEN"),
    ("slack-app-token", "chat-service-token", "SLACK_TOKEN"),
    ("slack-legacy-bot-token", "chat-service-token", "SLACK_TOKEN"),
    ("slack-legacy-token", "chat-service-token", "SLACK_TOKEN"),
    ("slack-legacy-workspace-token", "chat-service-token", "SLACK_TOKEN"),
    ("slack-config-access-token", "chat-service-token", "SLACK_TOKEN"),
    ("slack-config-refresh-token", "chat-service-token", "SLACK_TOKEN"),
    ("slack-webhook-url", "chat-service-token", "SLACK_WEBHOOK"),
    ("discord-api-token", "chat-service-token", "DISCORD_API_TOKEN"),
    ("discord-client-secret", "chat-service-token", "DISCORD_CLIENT_SECRET"),
    ("telegram-bot-api-token", "chat-service-token", "TELEGRAM_BOT_TOKEN"),
    ("microsoft-teams-webhook", "chat-service-token", "TEAMS_WEBHOOK"),
    ("stripe-access-token", "payment-service-key", "STRIPE_KEY"),
    ("square-access-token", "payment-service-key", "SQUARE_TOKEN"),
    ("shopify-access-token", "payment-service-key", "SHOPIFY_TOKEN"),
    ("shopify-custom-access-token", "payment-service-key", "SHOPIFY_TOKEN"),
    ("shopify-private-app-access-token", "payment-service-key", "SHOPIFY_TOKEN"),
    ("shopify-shared-secret", "payment-service-key", "SHOPIFY_SECRET"),
    ("flutterwave-secret-key", "payment-service-key", "FLUTTERWAVE_SECRET_KEY"),
    ("gocardless-api-token", "payment-service-key", "GOCARDLESS_TOKEN"),
    ("plaid-api-token", "payment-service-key", "PLAID_ACCESS_TOKEN"),
    ("npm-access-token", "package-registry-token", "NPM_TOKEN"),
    ("pypi-upload-token", "package-registry-token", "PYPI_TOKEN"),
    ("rubygems-api-token", "package-registry-token", "GEM_HOST_API_KEY"),
    ("clojars-api-token", "package-registry-token", "CLOJARS_TOKEN"),
    ("artifactory-api-key", "package-registry-token", "ARTIFACTORY_API_KEY"),
    ("artifactory-reference-token", "package-registry-token", "ARTIFACTORY_TOKEN"),
    ("openai-api-key", "ai-service-key", "OPENAI_API_KEY"),
    ("anthropic-api-key", "ai-service-key", "ANTHROPIC_API_KEY"),
    ("anthropic-admin-api-key", "ai-service-key", "ANTHROPIC_ADMIN_KEY"),
    ("huggingface-access-token", "ai-service-key", "HF_TOKEN"),
    ("huggingface-organization-api-token", "ai-service-key", "HF_ORG_TOKEN"),
    ("perplexity-api-key", "ai-service-key", "PERPLEXITY_API_KEY"),
    ("cohere-api-token", "ai-service-key", "COHERE_API_KEY"),
    ("sendgrid-api-token", "saas-api-token", "SENDGRID_API_KEY"),
    ("mailgun-private-api-token", "saas-api-token", "MAILGUN_API_KEY"),
    ("mailgun-signing-key", "saas-api-token", "MAILGUN_SIGNING_KEY"),
    ("mailchimp-api-key", "saas-api-token", "MAILCHIMP_API_KEY"),
    ("twilio-api-key", "saas-api-token", "TWILIO_API_KEY"),
    ("sendinblue-api-token", "saas-api-token", "SENDINBLUE_API_KEY"),
    ("datadog-access-token", "saas-api-token", "DATADOG_API_KEY"),
    ("new-relic-user-api-key", "saas-api-token", "NEW_RELIC_API_KEY"),
    ("new-relic-insert-key", "saas-api-token", "NEW_RELIC_INSERT_KEY"),
    ("new-relic-browser-api-token", "saas-api-token", "NEW_RELIC_BROWSER_KEY"),
    ("sentry-access-token", "saas-api-token", "SENTRY_AUTH_TOKEN"),
    ("sentry-org-token", "saas-api-token", "SENTRY_AUTH_TOKEN"),
    ("sentry-user-token", "saas-api-token", "SENTRY_AUTH_TOKEN"),
    ("grafana-api-key", "saas-api-token", "GRAFANA_API_KEY"),
    ("grafana-cloud-api-token", "saas-api-token", "GRAFANA_CLOUD_TOKEN"),
    ("grafana-service-account-token", "saas-api-token", "GRAFANA_TOKEN"),
    ("dynatrace-api-token", "saas-api-token", "DT_API_TOKEN"),
    ("linear-api-key", "saas-api-token", "LINEAR_API_KEY"),
    ("notion-api-token", "saas-api-token", "NOTION_TOKEN"),
    ("postman-api-token", "saas-api-token", "POSTMAN_API_KEY"),
    ("atlassian-api-token", "saas-api-token", "JIRA_API_TOKEN"),
    ("airtable-personnal-access-token", "saas-api-token", "AIRTABLE_TOKEN"),
    ("pulumi-api-token", "saas-api-token", "PULUMI_ACCESS_TOKEN"),
    ("sonar-api-token", "saas-api-token", "SONAR_TOKEN"),
    ("sourcegraph-access-token", "saas-api-token", "SOURCEGRAPH_TOKEN"),
    ("snyk-api-token", "saas-api-token", "SNYK_TOKEN"),
    ("harness-api-key", "saas-api-token", "HARNESS_API_KEY"),
    ("octopus-deploy-api-key", "saas-api-token", "OCTOPUS_API_KEY"),
    ("infracost-api-token", "saas-api-token", "INFRACOST_API_KEY"),
    ("planetscale-api-token", "saas-api-token", "PLANETSCALE_TOKEN"),
    ("planetscale-oauth-token", "saas-api-token", "PLANETSCALE_TOKEN"),
    ("planetscale-password", "saas-api-token", "PLANETSCALE_PASSWORD"),
    ("prefect-api-token", "saas-api-token", "PREFECT_API_KEY"),
    ("readme-api-token", "saas-api-token", "README_API_KEY"),
    ("typeform-api-token", "saas-api-token", "TYPEFORM_TOKEN"),
    ("easypost-api-token", "saas-api-token", "EASYPOST_API_KEY"),
    ("shippo-api-token", "saas-api-token", "SHIPPO_TOKEN"),
    ("duffel-api-token", "saas-api-token", "DUFFEL_TOKEN"),
    ("frameio-api-token", "saas-api-token", "FRAMEIO_TOKEN"),
    ("okta-access-token", "saas-api-token", "OKTA_API_TOKEN"),
];

/// Secrets gitleaks flags that shipshape leaves alone on purpose (see the
/// rules' documentation): test-mode and sandbox credentials.
fn out_of_policy(gitleaks_rule: &str, secret: &str) -> bool {
    match gitleaks_rule {
        "stripe-access-token" => !secret.contains("_live_"),
        "plaid-api-token" => secret.contains("-sandbox-"),
        _ => false,
    }
}

const SAMPLES_PER_RULE: usize = 20;

fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    dir.join("corpus-labeled/gitleaks+gitleaks.tar.gz").is_file().then_some(dir)
}

/// Unpacks the gitleaks archive into a fresh temporary folder.
fn unpack(shared: &Path) -> Option<PathBuf> {
    let out = std::env::temp_dir().join(format!("shipshape-gitleaks-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).ok()?;
    let archive = shared.join("corpus-labeled/gitleaks+gitleaks.tar.gz");
    let status = Command::new("tar").arg("xzf").arg(&archive).arg("-C").arg(&out).status().ok()?;
    status.success().then(|| out.join("gitleaks+gitleaks"))
}

#[derive(serde::Deserialize)]
struct GitleaksConfig {
    rules: Vec<GitleaksRule>,
}

#[derive(serde::Deserialize)]
struct GitleaksRule {
    id: String,
    #[serde(default)]
    regex: Option<String>,
    #[serde(default)]
    entropy: Option<f64>,
    #[serde(default, rename = "secretGroup")]
    secret_group: Option<u32>,
    #[serde(default)]
    keywords: Vec<String>,
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn entropy(text: &str) -> f64 {
    shipshape_linter::secret_values::shannon_entropy(text)
}

/// Generates strings from a regex's syntax tree, with literals and classes
/// as written (so `(?i)NRAK-[a-z0-9]` gives `NRAK-` and lowercase).
struct Generator<'a> {
    pattern: &'a str,
    rng: Rng,
    classes: BTreeMap<(usize, usize), Vec<char>>,
}

impl Generator<'_> {
    /// The printable ASCII characters that the class at `span` matches.
    fn class_chars(&mut self, span: &ast::Span) -> Vec<char> {
        let key = (span.start.offset, span.end.offset);
        if let Some(chars) = self.classes.get(&key) {
            return chars.clone();
        }
        let text = &self.pattern[key.0..key.1];
        let chars: Vec<char> = match Regex::new(&format!("^(?:{text})$")) {
            Ok(regex) => (0x20u8..0x7f).map(char::from).filter(|c| regex.is_match(&c.to_string())).collect(),
            Err(_) => vec!['x'],
        };
        self.classes.insert(key, chars.clone());
        chars
    }

    fn generate(&mut self, node: &Ast, out: &mut String) {
        match node {
            Ast::Empty(_) | Ast::Flags(_) | Ast::Assertion(_) => {}
            Ast::Literal(literal) => out.push(literal.c),
            // In these rules `.` is an unescaped literal dot (`hooks.slack.com`).
            Ast::Dot(_) => out.push('.'),
            Ast::ClassUnicode(class) => {
                let chars = self.class_chars(&class.span);
                if !chars.is_empty() {
                    out.push(chars[self.rng.below(chars.len())]);
                }
            }
            Ast::ClassPerl(class) => {
                let chars = self.class_chars(&class.span);
                if !chars.is_empty() {
                    out.push(chars[self.rng.below(chars.len())]);
                }
            }
            Ast::ClassBracketed(class) => {
                let chars = self.class_chars(&class.span);
                if !chars.is_empty() {
                    out.push(chars[self.rng.below(chars.len())]);
                }
            }
            Ast::Repetition(repetition) => {
                let (min, max) = match &repetition.op.kind {
                    ast::RepetitionKind::ZeroOrOne => (0, 1),
                    ast::RepetitionKind::ZeroOrMore => (0, 8),
                    ast::RepetitionKind::OneOrMore => (1, 9),
                    ast::RepetitionKind::Range(ast::RepetitionRange::Exactly(n)) => (*n, *n),
                    ast::RepetitionKind::Range(ast::RepetitionRange::AtLeast(n)) => (*n, *n + 12),
                    ast::RepetitionKind::Range(ast::RepetitionRange::Bounded(m, n)) => (*m, *n),
                };
                let count = min + self.rng.below((max - min + 1) as usize) as u32;
                for _ in 0..count {
                    self.generate(&repetition.ast, out);
                }
            }
            Ast::Group(group) => self.generate(&group.ast, out),
            Ast::Alternation(alternation) => {
                let index = self.rng.below(alternation.asts.len());
                self.generate(&alternation.asts[index], out);
            }
            Ast::Concat(concat) => {
                for node in &concat.asts {
                    self.generate(node, out);
                }
            }
        }
    }
}

/// The capture group `index` of `node`, if any.
fn find_group(node: &Ast, index: u32) -> Option<&Ast> {
    match node {
        Ast::Group(group) => {
            if group.capture_index() == Some(index) {
                return Some(&group.ast);
            }
            find_group(&group.ast, index)
        }
        Ast::Repetition(repetition) => find_group(&repetition.ast, index),
        Ast::Alternation(alternation) => alternation.asts.iter().find_map(|a| find_group(a, index)),
        Ast::Concat(concat) => concat.asts.iter().find_map(|a| find_group(a, index)),
        _ => None,
    }
}

/// Secrets shaped like gitleaks' rule (its secret group), that pass its
/// entropy threshold.
fn samples(rule: &GitleaksRule, seed: u64) -> Vec<String> {
    let Some(pattern) = rule.regex.as_deref() else { return Vec::new() };
    let Ok(tree) = ast::parse::Parser::new().parse(pattern) else { return Vec::new() };
    // The Teams rule's only groups are repeated UUID segments, not the secret.
    let whole = rule.id == "microsoft-teams-webhook";
    let target = if whole { &tree } else { find_group(&tree, rule.secret_group.unwrap_or(1)).unwrap_or(&tree) };
    let mut generator = Generator { pattern, rng: Rng(seed | 1), classes: BTreeMap::new() };
    let mut out = Vec::new();
    let mut attempts = 0;
    while out.len() < SAMPLES_PER_RULE && attempts < SAMPLES_PER_RULE * 20 {
        attempts += 1;
        let mut secret = String::new();
        generator.generate(target, &mut secret);
        let secret = secret.trim().to_string();
        if secret.is_empty() || entropy(&secret) < rule.entropy.unwrap_or(0.0) || out_of_policy(&rule.id, &secret) {
            continue;
        }
        out.push(secret);
    }
    out
}

fn secrets_settings() -> LintSettings {
    let ids: Vec<&str> =
        registry::all().iter().filter(|r| r.meta().domains.contains(&Domain::Secrets)).map(|r| r.meta().id).collect();
    let mut settings = LintSettings::new("labeled");
    settings.select(&ids);
    settings
}

/// (path, line) -> rules that reported there.
fn findings(files: Vec<(String, String)>) -> BTreeMap<(String, usize), BTreeSet<String>> {
    let outcome = lint_sources(&secrets_settings(), files);
    let mut out: BTreeMap<(String, usize), BTreeSet<String>> = BTreeMap::new();
    for finding in outcome.findings {
        out.entry((finding.path.clone(), finding.line)).or_default().insert(finding.rule.to_string());
    }
    out
}

fn generated_recall(config: &GitleaksConfig) -> (usize, usize) {
    let by_id: BTreeMap<&str, &GitleaksRule> = config.rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut files = Vec::new();
    let mut expected: Vec<(String, &str, &str, String)> = Vec::new();
    for (index, (gitleaks_id, ours, name)) in SHARED.iter().enumerate() {
        let Some(rule) = by_id.get(gitleaks_id) else {
            println!("gitleaks has no rule {gitleaks_id}: skipped");
            continue;
        };
        let lines = samples(rule, 0x9e37_79b9_7f4a_7c15 ^ ((index as u64 + 1) * 0x0100_0000_01b3));
        let path = format!("{gitleaks_id}.env");
        let text: String = lines.iter().map(|secret| format!("{name}=\"{secret}\"\n")).collect();
        for (line, secret) in lines.iter().enumerate() {
            expected.push((path.clone(), gitleaks_id, ours, format!("{}:{}", line + 1, secret.len())));
        }
        files.push((path, text));
    }
    let found = findings(files);
    let mut table: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let mut by_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (path, gitleaks_id, ours, position) in &expected {
        let line: usize = position.split(':').next().and_then(|l| l.parse().ok()).unwrap_or(0);
        let rules = found.get(&(path.clone(), line));
        if rules.is_none() {
            println!("  missed {gitleaks_id} sample of length {}", position.split(':').nth(1).unwrap_or("?"));
        }
        let entry = table.entry(gitleaks_id).or_default();
        entry.0 += 1;
        let by_ours = rules.is_some_and(|r| r.contains(*ours));
        let by_any = rules.is_some_and(|r| !r.is_empty());
        entry.1 += usize::from(by_ours);
        entry.2 += usize::from(by_any);
        let rule_entry = by_rule.entry(ours).or_default();
        rule_entry.0 += 1;
        rule_entry.1 += usize::from(by_any);
    }
    println!("\n== generated from gitleaks' regexes ({SAMPLES_PER_RULE} per rule) ==");
    println!("{:<46} {:>7} {:>9} {:>9} {:>7}", "gitleaks rule", "samples", "our rule", "any rule", "recall");
    let (mut total, mut detected) = (0, 0);
    for (id, (samples, by_ours, by_any)) in &table {
        total += samples;
        detected += by_any;
        let recall = *by_any as f64 / (*samples).max(1) as f64;
        println!("{id:<46} {samples:>7} {by_ours:>9} {by_any:>9} {:>6.0}%", recall * 100.0);
    }
    println!("\n{:<28} {:>7} {:>9} {:>7}", "our rule", "samples", "detected", "recall");
    for (rule, (samples, by_any)) in &by_rule {
        println!("{rule:<28} {samples:>7} {by_any:>9} {:>6.0}%", *by_any as f64 / (*samples).max(1) as f64 * 100.0);
    }
    (detected, total)
}

fn read_tree(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            read_tree(root, &path, out);
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            let relative = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().into_owned();
            out.push((relative, text));
        }
    }
}

/// Lines of `text` a gitleaks rule matches (keyword prefilter and entropy
/// applied, allowlists not).
fn gitleaks_lines(config: &GitleaksConfig, compiled: &[(usize, Regex)], text: &str) -> BTreeSet<usize> {
    let lower = text.to_ascii_lowercase();
    let mut lines = BTreeSet::new();
    for (index, regex) in compiled {
        let rule = &config.rules[*index];
        if !rule.keywords.is_empty() && !rule.keywords.iter().any(|k| lower.contains(&k.to_ascii_lowercase())) {
            continue;
        }
        for caps in regex.captures_iter(text) {
            let Some(whole) = caps.get(0) else { continue };
            let group = caps.get(rule.secret_group.unwrap_or(1) as usize).unwrap_or(whole);
            if entropy(group.as_str()) < rule.entropy.unwrap_or(0.0) {
                continue;
            }
            lines.insert(text[..whole.start()].matches('\n').count() + 1);
        }
    }
    lines
}

#[test]
fn secrets_rules_against_gitleaks() {
    let Some(shared) = shared_dir() else {
        println!("skipped: ../shared/corpus-labeled/gitleaks+gitleaks.tar.gz is absent");
        return;
    };
    let Some(root) = unpack(&shared) else {
        println!("skipped: could not unpack the gitleaks archive with `tar`");
        return;
    };
    let config_text = std::fs::read_to_string(root.join("config/gitleaks.toml")).expect("gitleaks.toml");
    let config: GitleaksConfig = toml::from_str(&config_text).expect("gitleaks.toml parses");

    // 1. Generated samples of the shared providers.
    let (detected, total) = generated_recall(&config);
    let recall = detected as f64 / total.max(1) as f64;
    println!("\nshared providers: {detected}/{total} samples detected, recall {:.1}%", recall * 100.0);

    // 2. gitleaks' scan inputs, labelled by gitleaks' own rules.
    let compiled: Vec<(usize, Regex)> = config
        .rules
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.regex.as_deref().and_then(|p| Regex::new(p).ok()).map(|re| (i, re)))
        .collect();
    let mut inputs = Vec::new();
    for dir in ["testdata/repos", "testdata/archives/files", "testdata/config"] {
        read_tree(&root, &root.join(dir), &mut inputs);
    }
    inputs.retain(|(path, _)| !path.ends_with(".gitleaksignore"));
    let mut labels: BTreeSet<(String, usize)> = BTreeSet::new();
    let mut negatives = 0;
    for (path, text) in &inputs {
        let lines = gitleaks_lines(&config, &compiled, text);
        negatives += text.lines().count() - lines.len();
        labels.extend(lines.into_iter().map(|line| (path.clone(), line)));
    }
    let found = findings(inputs);
    let flagged: BTreeSet<(String, usize)> = found.keys().cloned().collect();
    let true_positives = labels.intersection(&flagged).count();
    let missed: Vec<_> = labels.difference(&flagged).collect();
    let extra: Vec<_> = flagged.difference(&labels).collect();
    println!("\n== gitleaks test data (labels: lines a gitleaks rule matches) ==");
    println!(
        "positives {}, detected {true_positives}, missed {}, negatives {negatives}, flagged negatives {}",
        labels.len(),
        missed.len(),
        extra.len()
    );
    for (path, line) in &missed {
        println!("  missed   {path}:{line}");
    }
    for (path, line) in &extra {
        println!("  extra    {path}:{line} {:?}", found.get(&(path.clone(), *line)));
    }

    // 3. gitleaks' rule file: regexes, keywords and stop words. Its only
    // real credentials are the public Google API keys it allowlists.
    let own = findings(vec![("config/gitleaks.toml".to_string(), config_text.clone())]);
    let source_lines: Vec<&str> = config_text.lines().collect();
    let unexpected: Vec<_> = own
        .iter()
        .filter(|((_, line), _)| {
            let text = source_lines.get(line - 1).map_or("", |l| l.trim());
            !(text.starts_with("'''AIza") && text.ends_with("''',"))
        })
        .collect();
    println!(
        "\n== gitleaks.toml: {} findings, {} outside its allowlist of public Google API keys ==",
        own.len(),
        unexpected.len()
    );
    for ((path, line), rules) in &unexpected {
        println!("  {path}:{line} {rules:?}");
    }

    let _ = std::fs::remove_dir_all(root.parent().unwrap_or(&root));
    assert!(recall >= 0.85, "recall over the shared providers is {:.1}%, below 85%", recall * 100.0);
    let testdata_recall = true_positives as f64 / labels.len().max(1) as f64;
    assert!(testdata_recall >= 0.85, "recall on gitleaks' test data is {:.1}%", testdata_recall * 100.0);
    assert!(unexpected.is_empty(), "{} findings in gitleaks.toml outside its allowlisted keys", unexpected.len());
}
