#![no_main]

use libfuzzer_sys::fuzz_target;

// A kustomization.yaml at the root, then `#%% path` files it can reference.
fuzz_target!(|data: &[u8]| {
    shipshape_linter::fuzzing::kustomize(&String::from_utf8_lossy(data));
});
