#!/usr/bin/env bash
# Runs shipshape and the installed peers on the planted-defect sets and prints,
# per domain, how many planted defects each tool reports on the defective line
# (any rule of the tool counts) and how many findings it gives on the clean set.
#
#   bench/compare-peers.sh [OUTDIR]     (default: a temporary folder)
set -uo pipefail
cd "$(dirname "$0")/.."
PEERS="../shared/peers"
if [ ! -f "$PEERS/run-peers.sh" ]; then
  echo "skipped: $PEERS is absent (the shared material is not beside the repository)" >&2
  exit 0
fi
OUT="${1:-$(mktemp -d)}"
mkdir -p "$OUT"
cargo build --release -q -p shipshape || exit 1
cargo run --release -q -p shipshape-dev -- planted "$OUT/planted" || exit 1
for set in bad clean; do
  ./target/release/shipshape check "$OUT/planted/$set" --format json --no-ignore > "$OUT/shipshape-$set.json"
  PEERS_ONLY="hadolint checkov zizmor actionlint gitleaks detect-secrets trufflehog3" \
    bash "$PEERS/run-peers.sh" "$OUT/planted/$set" "$OUT/peers-$set" > /dev/null
done
python3 - "$OUT" <<'PY'
import json, sys, collections, pathlib
out = pathlib.Path(sys.argv[1])
expected = []
for line in (out / "planted/expected.tsv").read_text().splitlines():
    if not line.strip() or line.startswith("#"):
        continue
    path, lineno, rule, what = (line.split("\t") + ["", "", "", ""])[:4]
    expected.append((path, int(lineno), rule))
def domain(path):
    if "Dockerfile" in path:
        return "dockerfile"
    if path.startswith("k8s/"):
        return "kubernetes"
    if ".github/" in path:
        return "github_actions"
    if ".gitlab-ci" in path:
        return "gitlab_ci"
    return "secrets"
def shipshape(set_):
    data = json.loads((out / f"shipshape-{set_}.json").read_text())
    return [(f["path"], f["line"], f["severity"]) for f in data["findings"]]
def peer(tool, set_):
    p = out / f"peers-{set_}" / f"{tool}.jsonl"
    if not p.exists():
        return None
    rows = [json.loads(l) for l in p.read_text().splitlines() if l.strip()]
    return [(r["file"], r["line"], r.get("severity")) for r in rows]
tools = {"shipshape": shipshape, **{t: (lambda s, t=t: peer(t, s)) for t in ["hadolint", "checkov", "zizmor", "actionlint", "gitleaks", "detect-secrets", "trufflehog3"]}}
print("| tool | domain | planted defects found on their line | findings on the clean set |")
print("| --- | --- | ---: | ---: |")
for name, get in tools.items():
    bad, clean = get("bad"), get("clean")
    if bad is None:
        print(f"| {name} | | not installed | |")
        continue
    lines = {(p, l) for p, l, _ in bad}
    for d in ["dockerfile", "kubernetes", "github_actions", "gitlab_ci", "secrets"]:
        planted = {(p, l) for p, l, _ in expected if domain(p) == d}
        hit = len(planted & lines)
        noisy = [c for c in clean if domain(c[0]) == d and (name != "shipshape" or c[2] != "info")]
        if name == "checkov" and d == "kubernetes":
            # Checkov reports on an object's first line: count a defect as found
            # when Checkov reports anything on the object (YAML document) holding it.
            def document_of(path, line):
                text = (out / "planted/bad" / path).read_text().splitlines()
                start = 1
                for i, t in enumerate(text[: line - 1], 1):
                    if t.strip() == "---":
                        start = i + 1
                return (path, start)
            reported = {document_of(p, l) for p, l, _ in bad if l}
            found = sum(1 for p, l in planted if document_of(p, l) in reported)
            print(f"| {name} | {d} | {hit}/{len(planted)} on the line; {found}/{len(planted)} on the object | {len(noisy)} |")
            continue
        if name != "shipshape" and hit == 0:
            continue
        print(f"| {name} | {d} | {hit}/{len(planted)} ({100*hit/max(1,len(planted)):.0f}%) | {len(noisy)} |")
PY
echo "(outputs in $OUT)"
