#!/usr/bin/env bash
# Builds every fuzz target and runs each for a bounded time over its seeds
# and regressions; fails on a crash, a timeout or running out of memory.
# Usage: fuzz/smoke.sh [SECONDS per target, default 60] [TARGET...]
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). Uses the nightly
# toolchain when there is one, else the active one with RUSTC_BOOTSTRAP=1.
set -euo pipefail

seconds=${1:-60}
shift || true
fuzz_dir=$(cd "$(dirname "$0")" && pwd)
cd "$fuzz_dir"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz is missing: install it with 'cargo install cargo-fuzz --locked'" >&2
    exit 2
fi
if cargo +nightly --version >/dev/null 2>&1; then
    fuzz=(cargo +nightly fuzz)
    echo "toolchain: nightly" >&2
else
    export RUSTC_BOOTSTRAP=1
    fuzz=(cargo fuzz)
    echo "toolchain: $(rustc --version) with RUSTC_BOOTSTRAP=1" >&2
fi
# No sanitizer: the crates forbid unsafe code, and it halves the speed.
# Debug assertions on, so overflows and debug_assert! fail loudly.
flags=(--sanitizer none --debug-assertions)

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <("${fuzz[@]}" list)
fi
"${fuzz[@]}" build "${flags[@]}" >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=()
for target in "${targets[@]}"; do
    mkdir -p "$work/$target" "regressions/$target"
    log="$work/$target.log"
    # The first folder receives new inputs; seeds and regressions stay untouched.
    status=0
    RAYON_NUM_THREADS=1 "${fuzz[@]}" run "${flags[@]}" "$target" "$work/$target" "seeds/$target" "regressions/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1 || status=$?
    runs=$(grep -aoE '^#[0-9]+[[:space:]]+DONE' "$log" | grep -oE '[0-9]+' | tail -1)
    if [ "$status" -eq 0 ] && [ -n "$runs" ]; then
        echo "$target: ok, ${runs} runs in ${seconds}s"
    else
        failed+=("$target")
        echo "$target: FAILED (exit $status, ${runs:-?} runs)"
        grep -aE 'panicked|ERROR: libFuzzer|SUMMARY|Test unit written|deadly signal' "$log" | head -20 >&2 || true
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz smoke failed: ${failed[*]} (inputs under fuzz/artifacts/)" >&2
    exit 1
fi
