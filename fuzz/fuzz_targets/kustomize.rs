#![no_main]

use libfuzzer_sys::fuzz_target;
use shipshape_fuzz::{check_all_rules, split_tree};

// A kustomization.yaml at the root, then `#%% path` files it can reference.
fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let files = split_tree(&text, "kustomization.yaml");
    let _ = shipshape_linter::kustomize::render_files(&files, None, "");
    let _ = check_all_rules(files);
});
