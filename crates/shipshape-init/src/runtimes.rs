//! The official base images the kit writes, in one place: per runtime, the
//! releases whose tags exist, the Debian suite their images are built on,
//! and their end-of-life dates.
//!
//! Support is judged against [`REVIEWED`], not the clock, so a plan is the
//! same on every machine; update both together.
//!
//! What an app that asks for an end-of-life or unknown release gets depends
//! on the runtime's [`Policy`]:
//! - Go and Java keep old code compiling on new releases: the nearest
//!   supported release at or above the asked one.
//! - PHP, Ruby and .NET may break across releases: the asked release when
//!   its image exists (PHP: the newest of the asked major, since composer
//!   constraints are `>=`/`^`), else the nearest existing one; a warning
//!   says when it is end-of-life.

use std::cmp::Ordering;

/// The date the end-of-life dates below were last compared with.
pub const REVIEWED: &str = "2026-12-07";

/// The Debian release an image is built on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suite {
    Stretch,
    Buster,
    Bullseye,
    Bookworm,
}

impl Suite {
    pub fn as_str(self) -> &'static str {
        match self {
            Suite::Stretch => "stretch",
            Suite::Buster => "buster",
            Suite::Bullseye => "bullseye",
            Suite::Bookworm => "bookworm",
        }
    }

    /// True when the suite moved to archive.debian.org: `apt-get update`
    /// fails there against the default mirrors.
    pub fn archived(self) -> bool {
        matches!(self, Suite::Stretch | Suite::Buster)
    }

    /// The version pattern of a runtime library package in this suite, for
    /// pinned `apt-get install`.
    pub fn package_pin(self, package: &str) -> Option<&'static str> {
        let pins: &[(&str, &str)] = match self {
            Suite::Bookworm => &[
                ("libpq5", "15.*"),
                ("libmariadb3", "1:10.11.*"),
                ("libsqlite3-0", "3.40.*"),
                ("nodejs", "18.*"),
                ("git", "1:2.39.*"),
                ("unzip", "6.0-28"),
            ],
            Suite::Bullseye => &[
                ("libpq5", "13.*"),
                ("libmariadb3", "1:10.5.*"),
                ("libsqlite3-0", "3.34.*"),
                ("nodejs", "12.*"),
                ("git", "1:2.30.*"),
                ("unzip", "6.0-26*"),
            ],
            Suite::Buster => &[("nodejs", "10.*")],
            Suite::Stretch => &[("nodejs", "4.8.*")],
        };
        pins.iter().find(|(name, _)| *name == package).map(|(_, pin)| *pin)
    }
}

/// A pinned `apt-get install` of `packages` on `suite`; an archived suite
/// reads archive.debian.org. Packages the table has no pin for are left out.
pub fn apt_install(suite: Suite, packages: &[&str]) -> Option<String> {
    let pinned: Vec<String> =
        packages.iter().filter_map(|p| suite.package_pin(p).map(|pin| format!("{p}={pin}"))).collect();
    if pinned.is_empty() {
        return None;
    }
    let archive = if suite.archived() {
        "sed -i -e 's|deb.debian.org|archive.debian.org|g' -e 's|security.debian.org|archive.debian.org|g' -e '/-updates/d' /etc/apt/sources.list && apt-get -o Acquire::Check-Valid-Until=false update"
    } else {
        "apt-get update"
    };
    Some(format!(
        "{archive} && apt-get install -y --no-install-recommends {} && rm -rf /var/lib/apt/lists/*",
        pinned.join(" ")
    ))
}

/// One release of a runtime whose official images exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Release {
    pub version: &'static str,
    /// End of upstream support, `YYYY-MM-DD`.
    pub eol: &'static str,
    pub suite: Suite,
}

impl Release {
    pub fn supported(&self) -> bool {
        self.eol > REVIEWED
    }
}

/// How an unsupported or unknown asked release is replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// The nearest supported release at or above the asked one.
    Forward,
    /// The asked release when it exists, else the nearest existing one.
    Exact,
    /// The newest existing release of the asked major.
    NewestOfMajor,
}

#[derive(Debug)]
pub struct Runtime {
    pub name: &'static str,
    pub policy: Policy,
    /// Oldest first.
    pub releases: &'static [Release],
}

const fn rel(version: &'static str, eol: &'static str, suite: Suite) -> Release {
    Release { version, eol, suite }
}

use Suite::{Bookworm, Bullseye, Buster, Stretch};

/// `golang:<v>-bookworm`.
pub static GO: Runtime = Runtime {
    name: "Go",
    policy: Policy::Forward,
    releases: &[
        rel("1.22", "2025-02-11", Bookworm),
        rel("1.23", "2025-08-12", Bookworm),
        rel("1.24", "2026-02-10", Bookworm),
        rel("1.25", "2026-08-11", Bookworm),
        rel("1.26", "2027-02-09", Bookworm),
    ],
};

/// `eclipse-temurin:<v>-jdk|jre`, `maven:3.9-eclipse-temurin-<v>`; Adoptium's dates.
pub static JAVA: Runtime = Runtime {
    name: "Java",
    policy: Policy::Forward,
    releases: &[
        rel("8", "2026-11-30", Bookworm),
        rel("11", "2027-10-31", Bookworm),
        rel("17", "2027-10-31", Bookworm),
        rel("21", "2029-12-31", Bookworm),
        rel("25", "2031-09-30", Bookworm),
    ],
};

/// `mcr.microsoft.com/dotnet/sdk:<v>` and `aspnet:<v>-noble-chiseled` (Ubuntu; the suite is unused).
pub static DOTNET: Runtime = Runtime {
    name: ".NET",
    policy: Policy::Exact,
    releases: &[
        rel("6.0", "2024-11-12", Bookworm),
        rel("7.0", "2024-05-14", Bookworm),
        rel("8.0", "2026-11-10", Bookworm),
        rel("9.0", "2026-11-10", Bookworm),
        rel("10.0", "2028-11-14", Bookworm),
    ],
};

/// `ruby:<v>-<suite>` and `ruby:<v>-slim-<suite>`.
pub static RUBY: Runtime = Runtime {
    name: "Ruby",
    policy: Policy::Exact,
    releases: &[
        rel("2.3", "2019-03-31", Stretch),
        rel("2.4", "2020-03-31", Buster),
        rel("2.5", "2021-04-05", Bullseye),
        rel("2.6", "2022-04-12", Bullseye),
        rel("2.7", "2023-03-31", Bullseye),
        rel("3.0", "2024-04-23", Bullseye),
        rel("3.1", "2025-03-26", Bookworm),
        rel("3.2", "2026-03-31", Bookworm),
        rel("3.3", "2027-03-31", Bookworm),
        rel("3.4", "2028-03-31", Bookworm),
    ],
};

/// `php:<v>-apache-<suite>`, `php:<v>-cli-<suite>`.
pub static PHP: Runtime = Runtime {
    name: "PHP",
    policy: Policy::NewestOfMajor,
    releases: &[
        rel("7.0", "2019-01-10", Stretch),
        rel("7.1", "2019-12-01", Buster),
        rel("7.2", "2020-11-30", Buster),
        rel("7.3", "2021-12-06", Bullseye),
        rel("7.4", "2022-11-28", Bullseye),
        rel("8.0", "2023-11-26", Bullseye),
        rel("8.1", "2025-12-31", Bookworm),
        rel("8.2", "2026-12-31", Bookworm),
        rel("8.3", "2027-12-31", Bookworm),
        rel("8.4", "2028-12-31", Bookworm),
    ],
};

/// `node:<v>-bookworm-slim`.
#[allow(dead_code)] // for the Node provider
pub static NODE: Runtime = Runtime {
    name: "Node.js",
    policy: Policy::Forward,
    releases: &[
        rel("18", "2025-04-30", Bookworm),
        rel("20", "2026-04-30", Bookworm),
        rel("22", "2027-04-30", Bookworm),
        rel("24", "2028-04-30", Bookworm),
    ],
};

/// `python:<v>-slim-bookworm`.
pub static PYTHON: Runtime = Runtime {
    name: "Python",
    policy: Policy::Forward,
    releases: &[
        rel("3.9", "2025-10-31", Bookworm),
        rel("3.10", "2026-10-31", Bookworm),
        rel("3.11", "2027-10-31", Bookworm),
        rel("3.12", "2028-10-31", Bookworm),
        rel("3.13", "2029-10-31", Bookworm),
        rel("3.14", "2030-10-31", Bookworm),
    ],
};

/// Images that are not versioned by the app's runtime release.
pub const COMPOSER_IMAGE: &str = "composer:2.8";
/// The Composer release installed where the composer image cannot be used
/// (needs PHP 7.2.5 or later).
pub const COMPOSER_VERSION: &str = "2.8.4";
/// Serves static front-ends as UID 101 on port 8080 (Debian, with curl for the health check).
pub const NGINX_UNPRIVILEGED: &str = "nginxinc/nginx-unprivileged:1.28-bookworm";
pub const DISTROLESS_STATIC: &str = "gcr.io/distroless/static-debian12:nonroot";
/// glibc, for cgo binaries.
pub const DISTROLESS_BASE: &str = "gcr.io/distroless/base-debian12:nonroot";
/// Java releases with a distroless runtime image.
const DISTROLESS_JAVA: &[&str] = &["17", "21"];

/// The release an app gets, and why it differs from the asked one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub release: Release,
    pub warning: Option<String>,
}

impl Resolved {
    pub fn version(&self) -> &'static str {
        self.release.version
    }

    pub fn suite(&self) -> Suite {
        self.release.suite
    }
}

/// Numeric parts of a version: `1.15` → `[1, 15]`; junk parts end it.
fn parts(version: &str) -> Vec<u32> {
    version.trim().trim_start_matches(['v', 'V']).split('.').map_while(|p| p.parse().ok()).collect()
}

fn compare(a: &str, b: &str) -> Ordering {
    let (a, b) = (parts(a), parts(b));
    let len = a.len().min(b.len());
    a[..len].cmp(&b[..len])
}

fn major(version: &str) -> Option<u32> {
    parts(version).first().copied()
}

impl Runtime {
    /// The asked release itself when its image exists, warning when it is
    /// end-of-life: for a version a framework pins.
    pub fn exactly(&self, asked: &str) -> Option<Resolved> {
        let r = self.releases.iter().find(|r| compare(r.version, asked) == Ordering::Equal).copied()?;
        let warning = (!r.supported()).then(|| {
            format!(
                "{} {} reached end of life on {}; upgrade the app to a supported release",
                self.name, r.version, r.eol
            )
        });
        Some(Resolved { release: r, warning })
    }

    fn newest(&self) -> Release {
        self.releases.last().copied().unwrap_or(rel("", "", Bookworm))
    }

    /// The release of this runtime for an app that asks for `asked`.
    pub fn resolve(&self, asked: &str) -> Resolved {
        let name = self.name;
        let exact = self.releases.iter().find(|r| compare(r.version, asked) == Ordering::Equal).copied();
        let eol_note = |r: &Release| {
            format!("{name} {} reached end of life on {}; upgrade the app to a supported release", r.version, r.eol)
        };
        match self.policy {
            Policy::Forward => {
                if let Some(r) = exact.filter(Release::supported) {
                    return Resolved { release: r, warning: None };
                }
                let chosen = self
                    .releases
                    .iter()
                    .find(|r| r.supported() && compare(r.version, asked) != Ordering::Less)
                    .copied();
                match chosen {
                    Some(r) => {
                        let older = self.releases.first().is_some_and(|o| compare(asked, o.version) == Ordering::Less);
                        let why =
                            if exact.is_some() || older { "end-of-life" } else { "not in the table of known images" };
                        Resolved {
                            release: r,
                            warning: Some(format!(
                                "{name} {asked} is {why}; building with {name} {}, the nearest supported release",
                                r.version
                            )),
                        }
                    }
                    None => {
                        let r = self.newest();
                        Resolved {
                            release: r,
                            warning: Some(format!(
                                "no supported {name} release at or above {asked} is known; building with {name} {} (update runtimes.rs)",
                                r.version
                            )),
                        }
                    }
                }
            }
            Policy::Exact | Policy::NewestOfMajor => {
                let same_major: Vec<Release> =
                    self.releases.iter().filter(|r| major(r.version) == major(asked)).copied().collect();
                let picked = match self.policy {
                    Policy::NewestOfMajor => exact.filter(Release::supported).or(same_major.last().copied()),
                    _ => exact.or_else(|| {
                        same_major
                            .iter()
                            .find(|r| compare(r.version, asked) != Ordering::Less)
                            .or(same_major.last())
                            .copied()
                    }),
                };
                match picked {
                    Some(r) => {
                        let changed = (compare(r.version, asked) != Ordering::Equal).then(|| {
                            if self.policy == Policy::NewestOfMajor {
                                format!(
                                    "{name} {asked} asked for; using {name} {}, the newest release of that major",
                                    r.version
                                )
                            } else {
                                format!("{name} {asked} has no image; using {name} {}, the nearest release", r.version)
                            }
                        });
                        let eol = (!r.supported()).then(|| eol_note(&r));
                        let warning = match (changed, eol) {
                            (Some(c), Some(e)) => Some(format!("{c}. {e}")),
                            (c, e) => c.or(e),
                        };
                        Resolved { release: r, warning }
                    }
                    None => {
                        let r = self.releases.iter().find(|r| r.supported()).copied().unwrap_or_else(|| self.newest());
                        Resolved {
                            release: r,
                            warning: Some(format!(
                                "{name} {asked} has no image in the table; using {name} {}: the app may need changes",
                                r.version
                            )),
                        }
                    }
                }
            }
        }
    }
}

pub fn golang_image(r: &Resolved) -> String {
    format!("golang:{}-{}", r.version(), r.suite().as_str())
}

/// The newest Go, for stages that build the kit's own tools.
pub fn golang_newest() -> String {
    let r = GO.newest();
    format!("golang:{}-{}", r.version, r.suite.as_str())
}

pub fn temurin_jdk(r: &Resolved) -> String {
    format!("eclipse-temurin:{}-jdk", r.version())
}

pub fn maven_image(r: &Resolved) -> String {
    format!("maven:3.9-eclipse-temurin-{}", r.version())
}

pub fn gradle_image(r: &Resolved) -> String {
    format!("gradle:8.10-jdk{}", r.version())
}

/// The Java runtime image and whether it has a shell.
pub fn java_runtime(r: &Resolved) -> (String, bool) {
    if DISTROLESS_JAVA.contains(&r.version()) {
        (format!("gcr.io/distroless/java{}-debian12:nonroot", r.version()), false)
    } else {
        (format!("eclipse-temurin:{}-jre", r.version()), true)
    }
}

/// The SDK image: `sdk` is the exact SDK version pinned in global.json when
/// it forbids rolling forward to a newer feature band.
pub fn dotnet_sdk(r: &Resolved, sdk: Option<&str>) -> String {
    format!("mcr.microsoft.com/dotnet/sdk:{}", sdk.unwrap_or(r.version()))
}

/// The chiseled runtime image: `aspnet` for web apps, `runtime` for the
/// rest. Chiseled images are Ubuntu Jammy before .NET 8, Noble since.
pub fn dotnet_runtime(r: &Resolved, web: bool) -> String {
    let repository = if web { "aspnet" } else { "runtime" };
    let distro = if major(r.version()).is_some_and(|m| m < 8) { "jammy" } else { "noble" };
    format!("mcr.microsoft.com/dotnet/{repository}:{}-{distro}-chiseled", r.version())
}

pub fn ruby_image(r: &Resolved, slim: bool) -> String {
    let slim = if slim { "slim-" } else { "" };
    format!("ruby:{}-{slim}{}", r.version(), r.suite().as_str())
}

pub fn php_image(r: &Resolved, variant: &str) -> String {
    format!("php:{}-{variant}-{}", r.version(), r.suite().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_moves_forward_to_a_supported_release() {
        let r = GO.resolve("1.15");
        assert_eq!(golang_image(&r), "golang:1.26-bookworm");
        assert!(r.warning.as_deref().is_some_and(|w| w.contains("1.15")));
        assert_eq!(GO.resolve("1.26").warning, None);
    }

    #[test]
    fn php_takes_the_newest_of_the_asked_major() {
        let r = PHP.resolve("7.0");
        assert_eq!(php_image(&r, "apache"), "php:7.4-apache-bullseye");
        assert!(r.warning.as_deref().is_some_and(|w| w.contains("end of life")));
        let r = PHP.resolve("8.3");
        assert_eq!(php_image(&r, "apache"), "php:8.3-apache-bookworm");
        assert_eq!(r.warning, None);
        assert_eq!(PHP.resolve("8.1").version(), "8.4");
        assert_eq!(PHP.resolve("5.6").version(), "8.2");
    }

    #[test]
    fn ruby_and_dotnet_keep_the_asked_release() {
        let r = RUBY.resolve("2.3");
        assert_eq!(ruby_image(&r, false), "ruby:2.3-stretch");
        assert!(r.warning.is_some());
        assert_eq!(RUBY.resolve("3.3").warning, None);
        assert_eq!(DOTNET.resolve("10.0").warning, None);
        assert!(DOTNET.resolve("8.0").warning.is_some());
        assert_eq!(RUBY.resolve("3.9").version(), "3.4");
    }

    #[test]
    fn every_runtime_lists_releases_oldest_first() {
        for runtime in [&GO, &JAVA, &DOTNET, &RUBY, &PHP, &NODE, &PYTHON] {
            for pair in runtime.releases.windows(2) {
                assert_eq!(compare(pair[0].version, pair[1].version), Ordering::Less, "{}", runtime.name);
            }
            assert!(runtime.releases.iter().any(Release::supported), "{} has a supported release", runtime.name);
        }
    }
}
