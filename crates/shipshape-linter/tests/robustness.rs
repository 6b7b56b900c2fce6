//! No input may panic the linter: every rule runs over truncated and mangled
//! versions of the fixtures and of a sample of the shared corpus.

use std::path::Path;

use shipshape_linter::{fuzzing, lint_sources, registry, LintSettings};

/// A small deterministic generator, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 1) as usize
    }
}

const NOISE: &[&str] = &[
    " ", ":", "- ", "[", "{", "\"", "'", "\n", "\t", "#", "|", ">", "&a ", "*a", "\\", "<<EOF", "$", "é", "\r\n",
    "---\n", "0",
];

fn inputs() -> Vec<(String, String)> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = shipshape_testkit::files_under(&manifest.join("tests/fixtures"));
    let corpus = manifest.join("../../../shared/corpus");
    if corpus.is_dir() {
        let corpus_files = shipshape_testkit::files_under(&corpus);
        paths.extend(
            corpus_files.into_iter().step_by(7).filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() < 64 * 1024)),
        );
    } else {
        eprintln!("note: {} is absent; mangling the fixtures only", corpus.display());
    }
    // Keep the path's last folders so each file gets its role (workflow,
    // GitLab CI, kustomization…) and its domain's rules run.
    paths
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            let parts: Vec<String> = p.iter().map(|c| c.to_string_lossy().into_owned()).collect();
            let name = parts[parts.len().saturating_sub(4)..].join("/");
            Some((name, text))
        })
        .collect()
}

fn variants(text: &str, rng: &mut Rng) -> Vec<String> {
    let boundaries: Vec<usize> = (0..=text.len()).filter(|i| text.is_char_boundary(*i)).collect();
    let mut out = Vec::new();
    for k in 1..6 {
        let cut = boundaries[boundaries.len() * k / 6];
        out.push(text[..cut].to_string());
    }
    for _ in 0..6 {
        let mut mangled = text.to_string();
        for _ in 0..3 {
            let positions: Vec<usize> = (0..=mangled.len()).filter(|i| mangled.is_char_boundary(*i)).collect();
            let at = positions[rng.next() % positions.len()];
            mangled.insert_str(at, NOISE[rng.next() % NOISE.len()]);
        }
        out.push(mangled);
    }
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() > 2 {
        let drop = rng.next() % lines.len();
        out.push(lines.iter().enumerate().filter(|(i, _)| *i != drop).map(|(_, l)| *l).collect::<Vec<_>>().join("\n"));
    }
    out
}

#[test]
fn no_rule_panics_on_mangled_input() {
    let mut settings = LintSettings::new("robustness");
    let every_rule: Vec<&str> = registry::all().iter().map(|r| r.meta().id).collect();
    settings.select(&every_rule);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let inputs = inputs();
    let mut checked = 0;
    for (name, text) in &inputs {
        let batch: Vec<(String, String)> =
            variants(text, &mut rng).into_iter().enumerate().map(|(i, v)| (format!("v{i}/{name}"), v)).collect();
        checked += batch.len();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| lint_sources(&settings, batch.clone())));
        if result.is_err() {
            let dump = std::env::temp_dir().join("shipshape-panic-input");
            let _ = std::fs::create_dir_all(&dump);
            for (path, text) in &batch {
                let _ = std::fs::write(dump.join(path.replace('/', "_")), text);
            }
            panic!("a rule panicked on a variant of `{name}`; the variants are in {}", dump.display());
        }
    }
    eprintln!("{checked} mangled inputs from {} files, no panic", inputs.len());
}

/// Inputs the fuzzers once crashed or stalled on (`fuzz/regressions/`).
/// `check` regressions are kept as trees written as text, like `kustomize`'s.
#[test]
fn fuzz_regressions_replay() {
    shipshape_testkit::replay_fuzz_regressions("github_expr", |text| {
        fuzzing::github_expressions(text);
        fuzzing::github_expressions_in_yaml(text);
    });
    shipshape_testkit::replay_fuzz_regressions("kustomize", fuzzing::kustomize);
    shipshape_testkit::replay_fuzz_regressions("check", |text| {
        fuzzing::check_all_rules(fuzzing::split_tree(text, "Dockerfile"));
    });
}
