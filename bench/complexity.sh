#!/usr/bin/env bash
# Complexity benchmark: for each adversarial input family, checks inputs at
# 1x, 2x, 4x and 8x size with the release binary, and prints a Markdown
# table of wall time, CPU time (user + system) and peak memory. A family
# whose CPU time per unit grows more than 2.5x from 1x to 8x is flagged as
# worse than linear (CPU time, because wall time on a shared machine
# mostly measures the neighbours).
#
#   bench/complexity.sh [FAMILY...]     (default: every family)
#
# Sizes: single-file families 256 KiB per step (8x = 2 MiB); Deployments
# and Services 2,500 pairs per step (8x = 20,000); the file tree 25,000
# files per step (8x = 200,000). COMPLEXITY_UNIT_SIZE, _OBJECTS and _FILES
# change the step; COMPLEXITY_TIMEOUT (seconds, default 120) bounds a run.
set -uo pipefail
cd "$(dirname "$0")/.."
GEN="bench/complexity_gen.py"
TIMEOUT="${COMPLEXITY_TIMEOUT:-120}"
FAMILIES=("$@")
[ ${#FAMILIES[@]} -eq 0 ] && mapfile -t FAMILIES < <(python3 "$GEN" --list)

echo "building shipshape (release)..." >&2
cargo build --release -q -p shipshape || exit 1
SHIPSHAPE="$PWD/target/release/shipshape"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# measure DIR: "wall cpu kib" of one `shipshape check` (wall "timeout" on timeout).
measure() {
  local stats="$WORK/stats"
  /usr/bin/time -f "%e %U %S %M" -o "$stats" timeout "$TIMEOUT" "$SHIPSHAPE" check --format json "$1" >/dev/null 2>&1
  local rc=$?
  local line
  line=$(tail -1 "$stats")
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "timeout $line" | awk '{print $1, $3 + $4, $5}'
  else
    echo "$line" | awk '{print $1, $2 + $3, $4}'
  fi
}

echo "| family | scale | input | wall (s) | CPU (s) | peak RSS (MiB) | CPU time per unit vs 1x |"
echo "|---|---|---|---|---|---|---|"
flagged=()
for family in "${FAMILIES[@]}"; do
  base=""
  for scale in 1 2 4 8; do
    dir="$WORK/$family-$scale"
    amount=$(python3 "$GEN" "$family" "$scale" "$dir")
    read -r wall cpu kib < <(measure "$dir")
    rm -rf "$dir"
    mib=$(awk -v k="${kib:-0}" 'BEGIN {printf "%.0f", k / 1024}')
    if [ "$wall" = "timeout" ]; then
      ratio="timeout (> ${TIMEOUT} s)"
      flagged+=("$family")
    else
      # CPU times under 50 ms are start-up noise: floor them.
      per_unit=$(awk -v c="$cpu" -v s="$scale" 'BEGIN {c = (c < 0.05 ? 0.05 : c); print c / s}')
      [ -z "$base" ] && base="$per_unit"
      ratio=$(awk -v p="$per_unit" -v b="$base" 'BEGIN {printf "%.2f", p / b}')
      if [ "$scale" = 8 ] && awk -v r="$ratio" 'BEGIN {exit !(r > 2.5)}'; then
        ratio="$ratio (worse than linear)"
        flagged+=("$family")
      fi
    fi
    echo "| $family | ${scale}x | $amount | $wall | $cpu | $mib | $ratio |"
  done
done
echo
if [ ${#flagged[@]} -eq 0 ]; then
  echo "No family grows worse than linearly."
else
  echo "Worse than linear: ${flagged[*]}"
fi
