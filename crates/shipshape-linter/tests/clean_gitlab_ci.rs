//! A clean, well-hardened GitLab CI pipeline (a root file and a local
//! include) must give no warning or error finding with every rule that is
//! on by default. Info findings are advice and are allowed.

use std::path::Path;

use shipshape_linter::{lint_sources, LintSettings, Severity};

#[test]
fn clean_pipeline_has_no_warnings_or_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gitlab-ci-clean");
    let files = shipshape_testkit::read_tree(&root);
    assert!(files.len() >= 2, "the clean pipeline is missing");
    let outcome = lint_sources(&LintSettings::new("clean"), files);
    let serious: Vec<String> = outcome
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| format!("{}:{}: {} [{}] {}", f.path, f.line, f.severity, f.rule, f.message))
        .collect();
    assert!(serious.is_empty(), "the clean pipeline got findings:\n{}", serious.join("\n"));
}

/// The same pipeline with one planted defect per rule: each rule reports it.
#[test]
fn every_gitlab_rule_fires_on_a_planted_defect() {
    let planted = r#"
include:
  - remote: https://example.com/ci.yml
  - project: acme/templates
    file: /a.yml
variables:
  CI_DEBUG_TRACE: "true"
  GIT_SSL_NO_VERIFY: "1"
  DEPLOY_TOKEN: "Zq8vT2mLp4wXr9sK"
stages: [build, deploy]
build:
  stage: build
  image: node:latest
  services: [docker:dind]
  variables:
    DOCKER_TLS_CERTDIR: ""
  script:
    - curl -fsSL https://x.example.com/i.sh | sh
    - docker login -u u -p "$CI_REGISTRY_PASSWORD" registry.example.com
    - echo "$DEPLOY_TOKEN"
    - printenv
    - docker run --privileged app:1
  artifacts:
    paths: [dist/]
deploy-prod:
  stage: deploy
  when: manual
  needs: [biuld]
  script: [./deploy.sh]
"#;
    let settings = LintSettings::new("planted");
    let outcome = lint_sources(&settings, vec![(".gitlab-ci.yml".to_string(), planted.to_string())]);
    let fired: std::collections::BTreeSet<&str> = outcome.findings.iter().map(|f| f.rule).collect();
    for id in [
        "gitlab-remote-include",
        "gitlab-include-ref-unpinned",
        "gitlab-debug-trace-enabled",
        "gitlab-tls-verification-disabled",
        "gitlab-credential-in-variables",
        "gitlab-latest-image-tag",
        "gitlab-dind-tls-disabled",
        "gitlab-curl-piped-to-shell",
        "gitlab-password-on-command-line",
        "gitlab-secret-echoed",
        "gitlab-environment-dumped",
        "gitlab-artifacts-without-expire-in",
        "gitlab-manual-production-job-without-environment",
        "gitlab-privileged-container-run",
        "gitlab-needs-unknown-job",
    ] {
        assert!(fired.contains(id), "{id} did not fire; fired: {fired:?}");
    }
}

/// Pipelines whose keys have unexpected shapes must not make any rule panic.
#[test]
fn odd_shapes_do_not_panic() {
    let odd = r#"
include: [{local: [a]}, {remote: 5}, {project: {x: y}, ref: [main]}, {component: "@"}, 7, "", {file: x}]
stages: {build: x}
variables: [A, B]
workflow: {rules: [1, [2], {if: [x]}, {when: [never]}]}
default: {image: [x], services: {a: b}, artifacts: [x], before_script: {a: b}}
".t": &t {extends: [.t, .u, [x]], stage: [x], needs: {a: b}, rules: "x"}
.u: {extends: .t, allow_failure: [true], environment: [production]}
job1: {<<: *t, script: [[[["echo $TOKEN"]]]], when: {manual: 1}, only: {refs: {a: b}, variables: [1]}}
job2: {extends: job2, image: {name: [x]}, services: [[x], {name: {a: b}}, {command: [--tls=false]}], environment: {name: [prod], action: [x]}}
job3: {needs: [{job: [x]}, {pipeline: 1}, 5, "a: [", ""], dependencies: {x: y}, artifacts: {paths: x, expire_in: [x]}}
job4: {script: !reference [.t, script], variables: !reference [.u, variables], rules: [!reference [.t, rules]]}
job5: {script: "curl x |", after_script: ["\"", "'", "$(", "${", "`", "echo \\"], environment: "production", stage: deploy}
job6: [1, 2]
job7: "string job"
"#;
    let mut settings = LintSettings::new("odd");
    let ids: Vec<&str> = shipshape_linter::registry::all().iter().map(|r| r.meta().id).collect();
    settings.select(&ids);
    let outcome = lint_sources(
        &settings,
        vec![(".gitlab-ci.yml".to_string(), odd.to_string()), ("ci/x.gitlab-ci.yml".to_string(), odd.to_string())],
    );
    assert_eq!(outcome.files_scanned, 2);
}
