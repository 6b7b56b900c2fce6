#!/usr/bin/env bash
# Rebuilds fuzz/seeds/<target>/ from the repository's fixtures and examples
# and a small deterministic sample of the shared corpus (../shared/corpus,
# or $SHIPSHAPE_CORPUS). Corpus files with a credential-shaped string are
# left out. Usage: fuzz/seed.sh
set -euo pipefail

fuzz_dir=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$fuzz_dir")
corpus=${SHIPSHAPE_CORPUS:-$repo/../shared/corpus}
if [ ! -f "$corpus/INDEX.tsv" ]; then
    echo "note: $corpus is absent; seeding from the repository only" >&2
    corpus=""
fi

rm -rf "$fuzz_dir/seeds"
python3 - "$repo" "$fuzz_dir/seeds" "$corpus" <<'PY'
import hashlib, os, re, sys
from pathlib import Path

repo, out, corpus = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
MAX_BYTES = 24 * 1024          # one seed file
PER_TARGET = 300               # files per target
MARKER = "#%% "                # file marker of tree inputs (shipshape_linter::fuzzing)
# Names of the `check` target (src/lib.rs NAMES), by index.
CHECK_NAME = {"dockerfile": 0, "workflow": 3, "action": 5, "dependabot": 6, "gitlab": 7,
              "kustomization": 9, "k8s": 10, "rollout": 12, "argocd": 13, "flux": 14}
CREDENTIAL = re.compile(
    r"AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_|glpat-|xox[abprs]-|sk_live_|rk_live_"
    r"|AIza[0-9A-Za-z_-]{30,}|-----BEGIN [A-Z ]*PRIVATE KEY|eyJ[A-Za-z0-9_-]{10,}\.eyJ|npm_[A-Za-z0-9]{30,}"
    r"|sk-[A-Za-z0-9_-]{20,}|://[^/\s:@]+:[^/\s@]{6,}@|hooks\.slack\.com/services/")
counts = {}

def text_of(path):
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if len(data) > MAX_BYTES or b"\0" in data:
        return None
    text = data.decode("utf-8", "replace")
    return None if CREDENTIAL.search(text) else text

def add(target, text, name_hint=""):
    if not text or counts.get(target, 0) >= PER_TARGET:
        return
    digest = hashlib.sha1(text.encode()).hexdigest()[:16]
    folder = out / target
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / digest
    if not path.exists():
        path.write_text(text)
        counts[target] = counts.get(target, 0) + 1

def sample(paths, limit):
    paths = sorted(paths)
    if len(paths) <= limit:
        return paths
    step = len(paths) / limit
    return [paths[int(i * step)] for i in range(limit)]

def scripts(dockerfile):
    """RUN bodies with continuations joined, for the shell tokenizer."""
    found, current = [], None
    for line in dockerfile.splitlines():
        if current is None:
            m = re.match(r"\s*RUN\s+(.*)", line, re.I)
            if not m:
                continue
            current = m.group(1)
        else:
            current += "\n" + line
        if not current.rstrip().endswith("\\"):
            found.append(current)
            current = None
    return found

def expressions(workflow):
    return re.findall(r"\$\{\{.*?\}\}", workflow)

def tree(root, files):
    parts = []
    for f in files:
        t = text_of(f)
        if t is not None:
            parts.append(MARKER + str(f.relative_to(root)) + "\n" + t + ("" if t.endswith("\n") else "\n"))
    return "".join(parts)

# Repository fixtures and examples.
fixtures = [p for p in repo.glob("crates/*/tests/fixtures/**/*") if p.is_file()]
fixtures += [p for p in repo.glob("examples/**/*") if p.is_file() and "node_modules" not in p.parts]
kinds = {}
for p in sorted(fixtures):
    name = p.name
    if "Dockerfile" in name or name == "Containerfile":
        kinds.setdefault("dockerfile", []).append(p)
    elif p.suffix in (".yml", ".yaml"):
        if "/.github/workflows/" in str(p):
            kinds.setdefault("workflow", []).append(p)
        elif name.startswith(".gitlab-ci") or "gitlab" in str(p):
            kinds.setdefault("gitlab", []).append(p)
        elif name.startswith("kustomization"):
            kinds.setdefault("kustomization", []).append(p)
        else:
            kinds.setdefault("k8s", []).append(p)

# A sample of the shared corpus, by kind.
CORPUS_KIND = {"dockerfile": "dockerfile", "gha-workflow": "workflow", "gha-action": "action",
               "gha-dependabot": "dependabot", "gitlab-ci": "gitlab", "kustomize": "kustomization",
               "kustomize-resource": "k8s", "k8s": "k8s", "argo-rollouts": "rollout", "argocd": "argocd",
               "flux": "flux", "helm-chart": "k8s", "prometheus-rules": "k8s"}
corpus_by_repo = {}
if corpus:
    base = Path(corpus)
    rows = [l.rstrip("\n").split("\t") for l in (base / "INDEX.tsv").read_text().splitlines()[1:]]
    by_kind = {}
    for row in rows:
        if len(row) >= 3 and row[2] in CORPUS_KIND:
            by_kind.setdefault(CORPUS_KIND[row[2]], []).append(base / row[0] / row[1])
            corpus_by_repo.setdefault(row[0], []).append((CORPUS_KIND[row[2]], base / row[0] / row[1]))
    for kind, paths in by_kind.items():
        kinds.setdefault(kind, []).extend(sample(paths, 100))

for kind, paths in sorted(kinds.items()):
    for p in paths:
        t = text_of(p)
        if t is None:
            continue
        if kind == "dockerfile":
            add("dockerfile", t)
            for s in scripts(t):
                add("shell", s)
        else:
            add("yaml", t)
        if kind in ("workflow", "action"):
            add("github_expr", t)
            add("github_expr", "\n".join(expressions(t)))
            for line in re.findall(r"^\s*(?:run|script):\s*[|>]?\s*(.+)$", t, re.M):
                add("shell", line)
        if kind == "gitlab":
            for line in re.findall(r"^\s*-\s+(.+)$", t, re.M)[:20]:
                add("shell", line)
for p in repo.glob("crates/*/tests/fixtures/**/*.sh"):
    add("shell", text_of(p))

# Kustomize trees: every folder with a kustomization, with the files of
# its overlays/base family (so `../base` resolves).
roots = sorted({p.parent for p in repo.glob("crates/*/tests/fixtures/**/kustomization.y*ml")})
if corpus:
    roots += sample(sorted({p.parent for k, p in sum(corpus_by_repo.values(), []) if k == "kustomization"}), 120)
for root in roots:
    if root.parent.name in ("overlays", "components"):
        top = root.parent.parent
    elif root.name == "base":
        top = root.parent
    else:
        top = root
    files = sorted(p for p in top.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".env", ".properties", ".json"))[:12]
    if not files:
        continue
    text = tree(top, files)
    if len(text) <= 4 * MAX_BYTES:
        add("kustomize", text)

# `check` trees: a header chosen with `arbitrary` (count-1, then a name and
# a folder index per file, one byte each, taken modulo the list lengths), then texts split by the marker.
def check_seed(entries):
    entries = entries[:12]
    header = bytes([len(entries) - 1]) + b"".join(bytes([CHECK_NAME[k], i]) for i, (k, _) in enumerate(entries))
    texts = []
    for _, p in entries:
        t = text_of(p)
        texts.append(t if t is not None else "")
    return header + MARKER.join(texts).encode()

def add_bytes(target, data):
    if counts.get(target, 0) >= PER_TARGET or len(data) > 4 * MAX_BYTES:
        return
    folder = out / target
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / hashlib.sha1(data).hexdigest()[:16]
    if not path.exists():
        path.write_bytes(data)
        counts[target] = counts.get(target, 0) + 1

fixture_groups = {}
for kind, paths in kinds.items():
    if kind in CHECK_NAME:
        for p in paths:
            if repo in p.parents:
                fixture_groups.setdefault(p.parent, []).append((kind, p))
for group in sorted(fixture_groups.values()):
    add_bytes("check", check_seed(group))
for name, entries in sorted(corpus_by_repo.items()):
    entries = [e for e in entries if e[0] in CHECK_NAME]
    for i in range(0, min(len(entries), 48), 4):
        add_bytes("check", check_seed(sample(entries, 48)[i:i + 4]))

for target, n in sorted(counts.items()):
    print(f"{target}: {n} seeds")
PY

# Second guard: drop every seed that shipshape's own secret rules flag.
shipshape=${SHIPSHAPE:-}
for candidate in "$repo/target/release/shipshape" "$repo/target/debug/shipshape"; do
    if [ -z "$shipshape" ] && [ -x "$candidate" ]; then shipshape=$candidate; fi
done
if [ -z "$shipshape" ]; then
    cargo build -q --manifest-path "$repo/Cargo.toml" -p shipshape
    shipshape="$repo/target/debug/shipshape"
fi
secret_rules=$(find "$repo/crates/shipshape-linter/src/rules/secrets" -name '*.rs' ! -name mod.rs ! -name scanner.rs \
    -exec basename {} .rs \; | tr _ - | sort | paste -sd, -)
# Exit status 1 means findings: that is expected here.
report=$("$shipshape" check "$fuzz_dir/seeds" --no-ignore --select "$secret_rules" --format json 2>/dev/null || true)
echo "$report" | python3 -c 'import json, sys; print("\n".join(sorted({f["path"] for f in json.load(sys.stdin)["findings"]})))' |
    while read -r flagged; do
        [ -n "$flagged" ] && echo "dropped $flagged (secret-shaped)" >&2 && rm -f "$fuzz_dir/seeds/$flagged"
    done
echo "$(find "$fuzz_dir/seeds" -type f | wc -l) seeds, $(du -sb "$fuzz_dir/seeds" | cut -f1) bytes"
