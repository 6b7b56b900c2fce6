//! Where a file sits in the life of a repository: shipped source and
//! configuration, or the tests, fixtures, documentation and examples around
//! it. Rules may still report in those, at a lower severity, and only for
//! what looks live; the finding says why.

/// The context of a file (or of a region of one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileContext {
    /// Code and configuration that ship or deploy.
    Source,
    /// Test code: `*_test.go`, `test_*.py`, `*.spec.ts`, `tests/`, a Rust
    /// `#[cfg(test)]` module…
    Test,
    /// Data that tests read: `testdata/`, `fixtures/`, `__snapshots__/`…
    Fixture,
    /// Documentation: `docs/`, `README.md`, `*.rst`…
    Docs,
    /// Examples, samples, demos, tutorials and archived material.
    Example,
    /// Images and manifests for local development only: `Dockerfile.dev`,
    /// Tilt, devcontainers, `hack/`.
    Dev,
}

impl FileContext {
    /// The context as a noun phrase for messages.
    pub fn described(self) -> &'static str {
        match self {
            FileContext::Source => "source",
            FileContext::Test => "a test",
            FileContext::Fixture => "a fixture",
            FileContext::Docs => "documentation",
            FileContext::Example => "an example",
            FileContext::Dev => "a development-only file",
        }
    }

    /// Tests, fixtures, docs and examples: material around what ships.
    pub fn is_non_production(self) -> bool {
        self != FileContext::Source
    }
}

/// A context and what it was read from, for the finding's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextEvidence {
    pub context: FileContext,
    /// `"the folder `testdata/`"`, `"the file name `*_test.go`"`…
    pub reason: String,
}

impl ContextEvidence {
    /// What a finding lowered to info here says of it:
    /// `(info here: a fixture, by the folder testdata/)`.
    pub fn lowered_note(&self) -> String {
        format!("(info here: {}, by {})", self.context.described(), self.reason)
    }
}

/// The context of a file and, for languages that keep tests inside source
/// files, where the test region starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileContextInfo {
    pub file: ContextEvidence,
    /// Byte offset from which the file is test code (Rust `#[cfg(test)]`).
    pub test_region_start: Option<usize>,
}

impl FileContextInfo {
    /// The context at a byte offset of the file.
    pub fn at(&self, offset: usize) -> ContextEvidence {
        match self.test_region_start {
            Some(start) if offset >= start && self.file.context == FileContext::Source => {
                ContextEvidence { context: FileContext::Test, reason: "the `#[cfg(test)]` module".to_string() }
            }
            _ => self.file.clone(),
        }
    }
}

const FIXTURE_DIRS: &[&str] = &[
    "testdata",
    "_testdata",
    "test-data",
    "test_data",
    "fixtures",
    "fixture",
    "__fixtures__",
    "__snapshots__",
    "snapshots",
    "__mocks__",
    "mocks",
    "testfiles",
    "golden",
];
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "__tests__",
    "spec",
    "specs",
    "e2e",
    "e2e-tests",
    "integration-tests",
    "integration_tests",
    "testing",
    "test-infra",
    "cypress",
    "playwright",
    "test-cases",
    "testcases",
];
const DOCS_DIRS: &[&str] = &["docs", "doc", "documentation", "website", "mkdocs", "docusaurus", "_docs"];
const EXAMPLE_DIRS: &[&str] = &[
    "examples",
    "example",
    "samples",
    "sample",
    "demo",
    "demos",
    "quickstart",
    "quickstarts",
    "tutorial",
    "tutorials",
    "walkthrough",
    "_archived",
    "archived",
];
const DEV_DIRS: &[&str] = &["hack", ".devcontainer", "devcontainer", "dev-tilt", "tilt", ".tilt"];
/// Folders whose children are deployment environments: `overlays/test` is
/// a test *environment*, which ships.
const ENVIRONMENT_PARENTS: &[&str] = &[
    "overlays",
    "overlay",
    "environments",
    "environment",
    "envs",
    "env",
    "clusters",
    "cluster",
    "stages",
    "deploy",
    "deployments",
];
const DOCS_EXTENSIONS: &[&str] = &[".md", ".markdown", ".rst", ".adoc", ".asciidoc", ".mdx"];

/// Test files by their name, per language.
fn test_file_marker(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let stem = lower.split('.').next().unwrap_or(&lower);
    let markers: &[(&str, bool)] = &[
        ("_test.go", lower.ends_with("_test.go")),
        ("test_*.py", lower.starts_with("test_") && lower.ends_with(".py")),
        ("*_test.py", lower.ends_with("_test.py")),
        ("conftest.py", lower == "conftest.py"),
        ("*.test.*", lower.contains(".test.")),
        ("*.spec.*", lower.contains(".spec.")),
        ("*_spec.rb", lower.ends_with("_spec.rb")),
        ("*_test.rb", lower.ends_with("_test.rb")),
        ("*Test.java", name.ends_with("Test.java") || name.ends_with("Tests.java") || name.ends_with("IT.java")),
        ("*Test.kt", name.ends_with("Test.kt") || name.ends_with("Tests.kt")),
        ("*Tests.cs", name.ends_with("Tests.cs") || name.ends_with("Test.cs")),
        ("*Test.php", name.ends_with("Test.php")),
        ("*_test.rs", lower.ends_with("_test.rs") || lower.ends_with("_tests.rs")),
        ("*_test.exs", lower.ends_with("_test.exs")),
        ("test-*.sh", (stem.starts_with("test-") || stem.starts_with("test_")) && lower.ends_with(".sh")),
    ];
    markers.iter().find(|(_, hit)| *hit).map(|(marker, _)| *marker)
}

/// `charts/<chart>/ci/`: values files that chart-testing installs.
fn chart_testing_folder(folders: &[String]) -> Option<usize> {
    (2..folders.len()).find(|&index| folders[index] == "ci" && folders[index - 2] == "charts")
}

/// Dockerfiles and compose files for local development, by their name.
fn dev_file_marker(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let is_build_file = lower.starts_with("dockerfile") || lower.ends_with(".dockerfile") || lower.contains("compose");
    if !is_build_file && lower != "tiltfile" {
        return None;
    }
    if lower == "tiltfile" {
        return Some("Tiltfile");
    }
    const MARKERS: &[(&str, &str)] = &[
        (".dev", "*.dev"),
        ("-dev", "*-dev"),
        ("_dev", "*_dev"),
        ("development", "*development*"),
        (".debug", "*.debug"),
        ("-debug", "*-debug"),
        (".tilt", "*.tilt"),
        (".local", "*.local"),
        ("devcontainer", "*devcontainer*"),
    ];
    let stem = lower.trim_end_matches(".yaml").trim_end_matches(".yml");
    MARKERS.iter().find(|(needle, _)| stem.contains(needle)).map(|(_, marker)| *marker)
}

/// The context of a repository-relative path (`/`-separated).
pub fn context_of_path(path: &str) -> ContextEvidence {
    let segments: Vec<&str> = path.split('/').collect();
    let (name, folders) = segments.split_last().map_or((path, &[][..]), |(name, folders)| (*name, folders));
    let lower_folders: Vec<String> = folders.iter().map(|f| f.to_ascii_lowercase()).collect();
    let folder_hit = |list: &[&str]| {
        lower_folders.iter().enumerate().find(|(index, folder)| {
            list.contains(&folder.as_str())
                && !(list == TEST_DIRS
                    && index
                        .checked_sub(1)
                        .and_then(|parent| lower_folders.get(parent))
                        .is_some_and(|parent| ENVIRONMENT_PARENTS.contains(&parent.as_str())))
        })
    };
    let folder_evidence =
        |context: FileContext, folder: &str| ContextEvidence { context, reason: format!("the folder `{folder}/`") };
    if let Some((index, _)) = folder_hit(FIXTURE_DIRS) {
        return folder_evidence(FileContext::Fixture, folders[index]);
    }
    if let Some(marker) = test_file_marker(name) {
        return ContextEvidence { context: FileContext::Test, reason: format!("the test file name `{marker}`") };
    }
    if let Some((index, _)) = folder_hit(TEST_DIRS) {
        return folder_evidence(FileContext::Test, folders[index]);
    }
    if let Some(index) = chart_testing_folder(&lower_folders) {
        return ContextEvidence {
            context: FileContext::Test,
            reason: format!("the chart-testing folder `{}/ci/`", folders[index - 1]),
        };
    }
    if let Some((index, _)) = folder_hit(EXAMPLE_DIRS) {
        return folder_evidence(FileContext::Example, folders[index]);
    }
    if let Some((index, _)) = folder_hit(DOCS_DIRS) {
        return folder_evidence(FileContext::Docs, folders[index]);
    }
    if let Some((index, _)) = folder_hit(DEV_DIRS) {
        return folder_evidence(FileContext::Dev, folders[index]);
    }
    if let Some(marker) = dev_file_marker(name) {
        return ContextEvidence { context: FileContext::Dev, reason: format!("the development file name `{marker}`") };
    }
    let lower_name = name.to_ascii_lowercase();
    if let Some(extension) = DOCS_EXTENSIONS.iter().find(|ext| lower_name.ends_with(**ext)) {
        return ContextEvidence {
            context: FileContext::Docs,
            reason: format!("the documentation file type `*{extension}`"),
        };
    }
    if lower_name.contains(".example") || lower_name.contains(".sample") || lower_name.ends_with(".dist") {
        return ContextEvidence { context: FileContext::Example, reason: format!("the example file name `{name}`") };
    }
    ContextEvidence { context: FileContext::Source, reason: String::new() }
}

/// The context of a file from its path and, where the language marks tests
/// inside source files, its text.
pub fn context_of(path: &str, text: &str) -> FileContextInfo {
    let file = context_of_path(path);
    let test_region_start =
        (file.context == FileContext::Source && path.ends_with(".rs")).then(|| rust_test_region(text)).flatten();
    FileContextInfo { file, test_region_start }
}

/// Where a Rust file's `#[cfg(test)]` item starts, if it has one.
fn rust_test_region(text: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with("#[cfg(test)]") {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(path: &str) -> FileContext {
        context_of_path(path).context
    }

    #[test]
    fn folders_and_names() {
        assert_eq!(context("pkg/certs/_testdata/key.pem"), FileContext::Fixture);
        assert_eq!(context("internal/auth/token_test.go"), FileContext::Test);
        assert_eq!(context("web/src/api.spec.ts"), FileContext::Test);
        assert_eq!(context("tests/conftest.py"), FileContext::Test);
        assert_eq!(context("docs/snippets/deploy.yaml"), FileContext::Docs);
        assert_eq!(context("README.md"), FileContext::Docs);
        assert_eq!(context("examples/basic/values.yaml"), FileContext::Example);
        assert_eq!(context(".env.example"), FileContext::Example);
        assert_eq!(context("deploy/k8s/deployment.yaml"), FileContext::Source);
        assert_eq!(context("src/main.rs"), FileContext::Source);
        assert_eq!(context("tests/test-cases/stage-not-found/.gitlab-ci.yml"), FileContext::Test);
        assert_eq!(context("charts/node-exporter/ci/tls-values.yaml"), FileContext::Test);
        assert_eq!(context("_archived/mysql-galera/pxc-node1.yaml"), FileContext::Example);
        assert_eq!(context("Dockerfile.tilt"), FileContext::Dev);
        assert_eq!(context("src/cart/Dockerfile.debug"), FileContext::Dev);
        assert_eq!(context("docker-compose-development.yml"), FileContext::Dev);
        assert_eq!(context("hack/Dockerfile.dev-tools"), FileContext::Dev);
        assert_eq!(context("manifests/dev-tilt/ui-deployment.yaml"), FileContext::Dev);
        assert_eq!(context("Dockerfile"), FileContext::Source);
        assert_eq!(context("docker-compose.yml"), FileContext::Source);
    }

    #[test]
    fn test_environments_ship() {
        assert_eq!(context("k8s/overlays/test/secret.yaml"), FileContext::Source);
        assert_eq!(context("clusters/test/apps.yaml"), FileContext::Source);
        assert_eq!(context("test/e2e/secret.yaml"), FileContext::Test);
    }

    #[test]
    fn rust_test_module_is_a_test_region() {
        let text = "fn main() {}\n#[cfg(test)]\nmod tests {}\n";
        let info = context_of("src/lib.rs", text);
        assert_eq!(info.at(0).context, FileContext::Source);
        assert_eq!(info.at(text.len() - 2).context, FileContext::Test);
        assert!(info.at(text.len() - 2).reason.contains("cfg(test)"));
    }
}
