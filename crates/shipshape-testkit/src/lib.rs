//! Test support shared by the crates' tests and the dev tool.
//!
//! No credential-shaped string is stored in the repository: fixtures write
//! `⟦rand:N:CHARSET⟧` and [`expand_fake_secrets`] fills in N seeded random
//! characters at run time. CHARSET is one of alnum (default), upper, lower,
//! digits, hex, HEX, base64, base64url.

use std::io;
use std::path::{Path, PathBuf};

/// A small deterministic generator, so outputs are stable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn charset(name: &str) -> &'static str {
    match name {
        "upper" => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
        "lower" => "abcdefghijklmnopqrstuvwxyz0123456789",
        "digits" => "0123456789",
        "hex" => "0123456789abcdef",
        "HEX" => "0123456789ABCDEF",
        "base64" => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        "base64url" => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        _ => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    }
}

/// A seed derived from a name (FNV-1a), for per-file stable expansions.
pub fn seed_of(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Replaces every `⟦rand:N:CHARSET⟧` with N seeded random characters.
/// Unknown markers are left as written.
pub fn expand_fake_secrets(text: &str, seed: u64) -> String {
    let mut rng = Rng(seed | 1);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('⟦') {
        out.push_str(&rest[..start]);
        let after = &rest[start + '⟦'.len_utf8()..];
        let Some(end) = after.find('⟧') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let marker = &after[..end];
        let mut parts = marker.split(':');
        match (parts.next(), parts.next().and_then(|n| n.parse::<usize>().ok()), parts.next()) {
            (Some("rand"), Some(len), set) => {
                let chars: Vec<char> = charset(set.unwrap_or("alnum")).chars().collect();
                for _ in 0..len {
                    let index = usize::try_from(rng.next() % chars.len() as u64).unwrap_or(0);
                    out.push(chars.get(index).copied().unwrap_or('x'));
                }
            }
            _ => {
                out.push('⟦');
                out.push_str(marker);
                out.push('⟧');
            }
        }
        rest = &after[end + '⟧'.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// The real applications beside the repository (`../shared/apps`), or
/// None with a message when they are absent; absent under `CI` fails.
pub fn shared_apps() -> Option<PathBuf> {
    let apps = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/apps");
    if apps.is_dir() {
        return Some(apps);
    }
    assert!(std::env::var_os("CI").is_none(), "{} is absent and CI is set", apps.display());
    eprintln!("skipped: {} is absent (the shared material is not beside the repository)", apps.display());
    None
}

/// Every file under `dir` (or `dir` itself), sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    if dir.is_file() {
        return vec![dir.to_path_buf()];
    }
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|e| e.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Every file under `root` as (path relative to `root`, `/`-separated;
/// text, decoded lossily), sorted by path. Panics on an unreadable file:
/// a test must not pass on what it could not read.
pub fn read_tree(root: &Path) -> Vec<(String, String)> {
    files_under(root)
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (relative, String::from_utf8_lossy(&bytes).into_owned())
        })
        .collect()
}

/// Writes each (relative path, contents) under `root`, making folders.
/// Panics when a file cannot be written: the test cannot go on.
pub fn write_tree<C: AsRef<[u8]>>(root: &Path, files: &[(&str, C)]) {
    for (path, contents) in files {
        let full = root.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
        }
        std::fs::write(&full, contents).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
    }
}

/// The example apps: every folder of `examples` but `broken`, sorted.
/// Panics when `examples` cannot be read.
pub fn example_apps(examples: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(examples).unwrap_or_else(|e| panic!("{}: {e}", examples.display()));
    let mut apps: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "broken"))
        .collect();
    apps.sort();
    apps
}

/// Copies the tree `src` to `dst`, expanding fake-secret markers; each
/// file is seeded by its path relative to `src`.
pub fn materialize(src: &Path, dst: &Path) -> io::Result<()> {
    for path in files_under(src) {
        let relative = path.strip_prefix(src).unwrap_or(&path);
        let target = dst.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let text = std::fs::read_to_string(&path)?;
        let key = relative.to_string_lossy().replace('\\', "/");
        std::fs::write(target, expand_fake_secrets(&text, seed_of(&key)))?;
    }
    Ok(())
}

/// Runs `replay` on every input saved under `fuzz/regressions/<target>/`
/// (crashes and timeouts the fuzzers found), as text.
pub fn replay_fuzz_regressions(target: &str, replay: impl Fn(&str)) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions").join(target);
    for path in files_under(&dir) {
        if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else { continue };
        eprintln!("replaying {}", path.display());
        replay(&String::from_utf8_lossy(&bytes));
    }
}

/// `verify` runs start apps on the ports their kits declare: one at a time
/// per test process, so that two tests never race for a port.
static ONE_VERIFY_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs the `shipshape` binary `bin` with `args` in `dir`.
pub fn run_shipshape(bin: &str, args: &[&str], dir: &Path) -> std::process::Output {
    let _turn = (args.first() == Some(&"verify"))
        .then(|| ONE_VERIFY_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    std::process::Command::new(bin).args(args).current_dir(dir).output().expect("shipshape runs")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_expand_deterministically() {
        let a = expand_fake_secrets("x⟦rand:8:hex⟧y", 7);
        assert_eq!(a, expand_fake_secrets("x⟦rand:8:hex⟧y", 7));
        assert_eq!(a.chars().count(), 10);
        assert!(a.chars().skip(1).take(8).all(|c| c.is_ascii_hexdigit()));
        assert_eq!(expand_fake_secrets("⟦other⟧", 1), "⟦other⟧");
    }
}
