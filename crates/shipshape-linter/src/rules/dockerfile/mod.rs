//! Rules for the dockerfile domain.

mod add_instead_of_copy;
mod add_of_remote_url;
mod apk_add_without_no_cache;
mod apt_get_update_alone;
mod apt_get_upgrade;
mod apt_install_without_no_install_recommends;
mod apt_install_without_yes;
mod apt_instead_of_apt_get;
mod apt_lists_not_cleaned;
mod base_image_not_pinned_by_digest;
mod cd_in_run;
mod copy_all_before_dependency_install;
mod copy_from_unknown_stage;
mod copy_to_relative_path_without_workdir;
mod copy_without_chown_into_user_home;
mod curl_piped_to_shell;
mod debian_frontend_set_in_env;
mod download_over_plain_http;
mod duplicate_stage_name;
mod exec_form_not_json;
mod expose_invalid_port;
mod final_stage_runs_as_root;
mod from_platform_hardcoded;
mod global_arg_not_redeclared;
mod latest_image_tag;
mod maintainer_instruction;
mod missing_healthcheck;
mod multiple_cmd_or_entrypoint;
mod npm_install_instead_of_npm_ci;
mod package_signature_check_disabled;
mod package_version_not_pinned;
mod pip_install_without_no_cache_dir;
mod pipe_without_pipefail;
mod relative_workdir;
mod secret_file_copied;
mod secret_in_arg_or_env;
mod shell_form_cmd;
mod ssh_port_exposed;
mod sudo_in_run;
pub(crate) mod support;
mod tls_verification_disabled;
mod undefined_arg_in_from;
mod useradd_high_uid_without_no_log_init;
mod world_writable_permissions;
mod yum_dnf_cache_not_cleaned;

pub use add_instead_of_copy::AddInsteadOfCopy;
pub use add_of_remote_url::AddOfRemoteUrl;
pub use apk_add_without_no_cache::ApkAddWithoutNoCache;
pub use apt_get_update_alone::AptGetUpdateAlone;
pub use apt_get_upgrade::AptGetUpgrade;
pub use apt_install_without_no_install_recommends::AptInstallWithoutNoInstallRecommends;
pub use apt_install_without_yes::AptInstallWithoutYes;
pub use apt_instead_of_apt_get::AptInsteadOfAptGet;
pub use apt_lists_not_cleaned::AptListsNotCleaned;
pub use base_image_not_pinned_by_digest::BaseImageNotPinnedByDigest;
pub use cd_in_run::CdInRun;
pub use copy_all_before_dependency_install::CopyAllBeforeDependencyInstall;
pub use copy_from_unknown_stage::CopyFromUnknownStage;
pub use copy_to_relative_path_without_workdir::CopyToRelativePathWithoutWorkdir;
pub use copy_without_chown_into_user_home::CopyWithoutChownIntoUserHome;
pub use curl_piped_to_shell::CurlPipedToShell;
pub use debian_frontend_set_in_env::DebianFrontendSetInEnv;
pub use download_over_plain_http::DownloadOverPlainHttp;
pub use duplicate_stage_name::DuplicateStageName;
pub use exec_form_not_json::ExecFormNotJson;
pub use expose_invalid_port::ExposeInvalidPort;
pub use final_stage_runs_as_root::FinalStageRunsAsRoot;
pub use from_platform_hardcoded::FromPlatformHardcoded;
pub use global_arg_not_redeclared::GlobalArgNotRedeclared;
pub use latest_image_tag::LatestImageTag;
pub use maintainer_instruction::MaintainerInstruction;
pub use missing_healthcheck::MissingHealthcheck;
pub use multiple_cmd_or_entrypoint::MultipleCmdOrEntrypoint;
pub use npm_install_instead_of_npm_ci::NpmInstallInsteadOfNpmCi;
pub use package_signature_check_disabled::PackageSignatureCheckDisabled;
pub use package_version_not_pinned::PackageVersionNotPinned;
pub use pip_install_without_no_cache_dir::PipInstallWithoutNoCacheDir;
pub use pipe_without_pipefail::PipeWithoutPipefail;
pub use relative_workdir::RelativeWorkdir;
pub use secret_file_copied::SecretFileCopied;
pub use secret_in_arg_or_env::SecretInArgOrEnv;
pub use shell_form_cmd::ShellFormCmd;
pub use ssh_port_exposed::SshPortExposed;
pub use sudo_in_run::SudoInRun;
pub use tls_verification_disabled::TlsVerificationDisabled;
pub use undefined_arg_in_from::UndefinedArgInFrom;
pub use useradd_high_uid_without_no_log_init::UseraddHighUidWithoutNoLogInit;
pub use world_writable_permissions::WorldWritablePermissions;
pub use yum_dnf_cache_not_cleaned::YumDnfCacheNotCleaned;

use crate::rule::Rule;

pub static RULES: &[&dyn Rule] = &[
    &LatestImageTag,
    &BaseImageNotPinnedByDigest,
    &UndefinedArgInFrom,
    &FromPlatformHardcoded,
    &GlobalArgNotRedeclared,
    &DuplicateStageName,
    &CopyFromUnknownStage,
    &FinalStageRunsAsRoot,
    &SecretInArgOrEnv,
    &SecretFileCopied,
    &SudoInRun,
    &WorldWritablePermissions,
    &CopyWithoutChownIntoUserHome,
    &UseraddHighUidWithoutNoLogInit,
    &SshPortExposed,
    &CurlPipedToShell,
    &DownloadOverPlainHttp,
    &TlsVerificationDisabled,
    &PackageSignatureCheckDisabled,
    &AddOfRemoteUrl,
    &AddInsteadOfCopy,
    &AptGetUpdateAlone,
    &AptInstallWithoutYes,
    &AptInstallWithoutNoInstallRecommends,
    &AptListsNotCleaned,
    &AptGetUpgrade,
    &DebianFrontendSetInEnv,
    &AptInsteadOfAptGet,
    &ApkAddWithoutNoCache,
    &YumDnfCacheNotCleaned,
    &PipInstallWithoutNoCacheDir,
    &NpmInstallInsteadOfNpmCi,
    &PackageVersionNotPinned,
    &CopyAllBeforeDependencyInstall,
    &PipeWithoutPipefail,
    &ShellFormCmd,
    &ExecFormNotJson,
    &MultipleCmdOrEntrypoint,
    &MissingHealthcheck,
    &ExposeInvalidPort,
    &CdInRun,
    &RelativeWorkdir,
    &CopyToRelativePathWithoutWorkdir,
    &MaintainerInstruction,
];

#[cfg(test)]
mod tests {
    use crate::{lint_sources, LintSettings};

    /// Every Dockerfile rule runs on broken and degenerate input without panicking.
    #[test]
    fn degenerate_dockerfiles_do_not_panic() {
        let inputs = [
            "",
            "FROM",
            "FROM a AS",
            "COPY\nADD\nUSER\nEXPOSE\nWORKDIR\nENV\nARG\nCMD\nENTRYPOINT\nHEALTHCHECK\nSHELL\nRUN",
            "FROM a\nCOPY --from= x\nCOPY --from\nRUN --mount= true\nRUN --mount=type=cache,target= x",
            "FROM a\nRUN <<EOF\n",
            "FROM a\nRUN <<\nRUN <<-\"\nRUN 3<<",
            "FROM a\nRUN [\"sh\", \"-c\"]\nRUN [\"bash\"]\nRUN []\nCMD []\nSHELL []",
            "FROM a\nRUN chmod\nRUN useradd -u\nRUN apt-get install\nRUN apk add\nRUN pip install\nRUN npm i\nRUN cd",
            "FROM a\nRUN curl |\nRUN | sh\nRUN set -o\nRUN a && && b ; ; | |",
            "FROM a\nEXPOSE -\nEXPOSE /\nEXPOSE 1-\nEXPOSE 99999999999999999999\nUSER :\nWORKDIR ${",
            "ARG A=${\nFROM $A\nFROM ${B:-\nFROM ${C}d AS c\nCOPY --from=${D /x /y",
            "FROM a\nENV =\nENV A\nARG =x\nENV PASSWORD \"\nLABEL",
            "FROM é AS é\nRUN é \\\n é | é\nCOPY é é\nUSER é\nEXPOSE é",
            "\u{feff}FROM a\r\nRUN a \\\r\n  b | c\r\n",
            "# escape=`\nFROM a\nRUN a `\n  b\nWORKDIR C:\\x",
            "FROM a AS b\nFROM b AS a\nFROM a\nCOPY --from=a / /",
        ];
        let mut settings = LintSettings::new("fuzz");
        let ids: Vec<&str> = super::RULES.iter().map(|r| r.meta().id).collect();
        settings.select(&ids);
        let files = inputs.iter().enumerate().map(|(i, s)| (format!("{i}.Dockerfile"), s.to_string())).collect();
        let _ = lint_sources(&settings, files);
    }
}
