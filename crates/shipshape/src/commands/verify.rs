use std::io::Write;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use shipshape_verify::{db::Engine, Mode, Options};

use crate::cli::{DatabaseArg, ListFormat, VerifyArgs, VerifyMode};
use crate::ExitStatus;

pub fn run(args: &VerifyArgs) -> Result<ExitStatus> {
    let mut env = Vec::new();
    if let Some(file) = &args.env_file {
        let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        env = shipshape_verify::parse_env_file(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    }
    for pair in &args.env {
        let Some((key, value)) = pair.split_once('=') else {
            bail!("--env {}: expected KEY=VALUE", pair.split('=').next().unwrap_or_default());
        };
        env.retain(|(k, _)| k != key);
        env.push((key.to_string(), value.to_string()));
    }
    let options = Options {
        service: args.service.clone(),
        env,
        with: args
            .with
            .iter()
            .map(|d| match d {
                DatabaseArg::Postgres => Engine::Postgres,
                DatabaseArg::Mysql => Engine::Mysql,
                DatabaseArg::Mongo => Engine::Mongo,
                DatabaseArg::Redis => Engine::Redis,
            })
            .collect(),
        mode: match args.mode {
            VerifyMode::Auto => Mode::Auto,
            VerifyMode::Docker => Mode::Docker,
            VerifyMode::Host => Mode::Host,
        },
        timeout: Duration::from_secs(args.timeout.max(1)),
    };
    let report = shipshape_verify::verify(&args.path, &options)?;
    let text = match args.format {
        ListFormat::Text => report.to_text(),
        ListFormat::Json => report.to_json() + "\n",
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(if report.ok() { ExitStatus::Success } else { ExitStatus::Failure })
}
