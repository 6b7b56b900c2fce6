#!/usr/bin/env python3
"""Writes one adversarial input for bench/complexity.sh.

    complexity_gen.py FAMILY SCALE DIR

Single-file families grow to SCALE * 256 KiB (8x = 2 MiB); counting
families to SCALE * 2,500 objects (8x = 20,000) or SCALE * 25,000 files
(8x = 200,000). Fake secrets are assembled here, never stored.
"""
import base64
import os
import random
import string
import sys

KIB = 1024
UNIT = 256 * KIB


def repeat_to(part, size, head="", tail=""):
    count = max(1, (size - len(head) - len(tail)) // len(part))
    return head + part * count + tail, count


def chain(command):
    def write(size, out):
        text, n = repeat_to(command + " && ", size, "FROM debian:12\nRUN ", "true\n")
        open(os.path.join(out, "Dockerfile"), "w").write(text)
        return n
    return write


def heredocs(size, out):
    # One RUN naming every heredoc, then their bodies.
    names, bodies, total, i = [], [], 64, 0
    while total < size - 32:
        names.append("<<E%d " % i)
        bodies.append("echo %d\nE%d\n" % (i, i))
        total += len(names[-1]) + len(bodies[-1])
        i += 1
    head = "# syntax=docker/dockerfile:1\nFROM debian:12\nRUN " + "".join(names) + "\n"
    open(os.path.join(out, "Dockerfile"), "w").write(head + "".join(bodies))
    return i


def continuations(size, out):
    text, n = repeat_to("apt-get install -y x \\\n  ", size, "FROM debian:12\nRUN ", "true\n")
    open(os.path.join(out, "Dockerfile"), "w").write(text)
    return n


def passwords(size, out):
    text, n = repeat_to("password=", size)
    open(os.path.join(out, "settings.env"), "w").write(text)
    return n


def jwts(size, out):
    dot = "."
    rng = random.Random(7)
    signature = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(43))
    part = lambda text: base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
    header, payload = part('{"alg":"HS256","typ":"JWT"}'), part('{"sub":"deploy-bot","iat":1716283947}')
    token = header + dot + payload + dot + signature
    text, n = repeat_to(token + " ", size)
    open(os.path.join(out, "tokens.txt"), "w").write(text)
    return n


def yaml_aliases(size, out):
    # Billion-laughs documents (each level holds the previous one 4 times,
    # 30 levels), repeated to the size.
    lines = ["kind: ConfigMap", "data:", "  a0: &a0 [lol, lol]"]
    for level in range(1, 30):
        lines.append("  a%d: &a%d [*a%d, *a%d, *a%d, *a%d]" % ((level, level) + (level - 1,) * 4))
    text, n = repeat_to("---\n" + "\n".join(lines) + "\n", size)
    open(os.path.join(out, "laughs.yaml"), "w").write(text)
    return n


def objects(count, out):
    # Half the Services select nothing; every container's image is built
    # from app/Dockerfile, which exposes another port.
    docs = []
    for i in range(count):
        docs.append(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app%d\nspec:\n  selector:\n    matchLabels:\n      app: app%d\n"
            "  template:\n    metadata:\n      labels:\n        app: app%d\n    spec:\n      containers:\n        - name: c\n"
            "          image: registry.example/app:1.0\n          ports:\n            - containerPort: 8080\n" % (i, i, i)
        )
        target = "app%d" % i if i % 2 == 0 else "missing%d" % i
        docs.append(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: app%d\nspec:\n  selector:\n    app: %s\n  ports:\n"
            "    - port: 80\n      targetPort: 8080\n" % (i, target)
        )
    os.makedirs(os.path.join(out, "deploy"))
    per_file = 1000  # documents, well under the 2 MiB file limit
    for start in range(0, len(docs), per_file):
        with open(os.path.join(out, "deploy", "part%d.yaml" % (start // per_file)), "w") as f:
            f.write("---\n".join(docs[start:start + per_file]))
    os.makedirs(os.path.join(out, "app"))
    open(os.path.join(out, "app", "Dockerfile"), "w").write("FROM alpine:3.20\nUSER 10001\nEXPOSE 9090\n")
    return count


def fit(text, size):
    # Whole lines, at most `size` bytes.
    return text[: text.rfind("\n", 0, size) + 1] if len(text) > size else text


def many_stages(size, out):
    # Global ARGs and as many `FROM ${ARG}` stages as fit.
    n = max(1, size // 46)
    lines = ["ARG A%d=debian:12\n" % i for i in range(n)]
    lines += ["FROM ${A%d} AS s%d\nRUN echo %d\n" % (i % 10, i, i) for i in range(n)]
    open(os.path.join(out, "Dockerfile"), "w").write(fit("".join(lines), size))
    return n


def shared_parent(size, out):
    # One stage with many ENVs that as many stages are built FROM.
    n = max(1, size // 40)
    lines = ["FROM debian:12 AS base\n"] + ["ENV E%d=v%d\n" % (i, i) for i in range(n)]
    lines += ["FROM base AS s%d\nENV X%d=1\n" % (i, i) for i in range(n)]
    open(os.path.join(out, "Dockerfile"), "w").write(fit("".join(lines), size))
    return n


def suppressions(size, out):
    # Standalone suppression comments above one long multi-line RUN.
    n = max(1, size // 90)
    text = "FROM debian:12\n" + "# shipshape: ignore[apt-get-upgrade] a reason\n" * n
    text += "RUN apt-get update && \\\n" + "".join("  echo %d && \\\n" % i for i in range(n)) + "  true\n"
    open(os.path.join(out, "Dockerfile"), "w").write(text)
    return n


def policies(count, out):
    # Workloads, PDBs, HPAs, NetworkPolicies, Services and ServiceAccounts
    # that all share one label and one namespace: every pair is related.
    kinds = {
        "deployments": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d%d, namespace: ns}\nspec:\n"
        "  replicas: 3\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n"
        "    spec:\n      serviceAccountName: sa%d\n      containers: [{name: c, image: 'nginx:1.25', ports: [{containerPort: 80}]}]\n",
        "pdbs": "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p%d, namespace: ns}\n"
        "spec: {minAvailable: 1, selector: {matchLabels: {app: a}}}\n",
        "hpas": "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h%d, namespace: ns}\n"
        "spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: d%d}, minReplicas: 2, maxReplicas: 3}\n",
        "policies": "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n%d, namespace: ns}\n"
        "spec: {podSelector: {matchLabels: {app: a}}, policyTypes: [Ingress]}\n",
        "services": "apiVersion: v1\nkind: Service\nmetadata: {name: s%d, namespace: ns}\n"
        "spec: {selector: {app: a}, ports: [{port: 80, targetPort: 80}]}\n",
        "accounts": "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa%d, namespace: ns}\n",
    }
    os.makedirs(os.path.join(out, "deploy"))
    per_file = 1000
    for name, template in kinds.items():
        docs = [template.replace("%d", str(i)) for i in range(count)]
        for start in range(0, count, per_file):
            path = os.path.join(out, "deploy", "%s%d.yaml" % (name, start // per_file))
            open(path, "w").write("---\n".join(docs[start:start + per_file]))
    return count


def tree(count, out):
    # Folders of 10 files: a Dockerfile, a Deployment of the image built
    # from it (named like the folder) and 8 text files.
    for i in range(0, count, 10):
        d = os.path.join(out, "svc%d" % (i // 10))
        os.makedirs(d)
        with open(os.path.join(d, "Dockerfile"), "w") as f:
            f.write("FROM alpine:3.20\nUSER 10001\nEXPOSE 8080\n")
        with open(os.path.join(d, "deploy.yaml"), "w") as f:
            f.write(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc%d\nspec:\n  selector:\n    matchLabels:\n"
                "      app: svc%d\n  template:\n    metadata:\n      labels:\n        app: svc%d\n    spec:\n"
                "      containers:\n        - name: c\n          image: registry.example/svc%d:1.0\n"
                "          ports:\n            - containerPort: 9090\n" % ((i // 10,) * 4)
            )
        for j in range(8):
            with open(os.path.join(d, "f%d.txt" % j), "w") as f:
                f.write("x\n")
    return count


def github_expression(size, out):
    part = "github.event.issue.title == 'x' && "
    expr, n = repeat_to(part, size - 200, "${{ ", "true }}")
    text = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"%s\"\n" % expr
    os.makedirs(os.path.join(out, ".github", "workflows"))
    open(os.path.join(out, ".github", "workflows", "ci.yml"), "w").write(text)
    return n


def gitlab_script(size, out):
    part = "curl -k https://example.com | sh && "
    script, n = repeat_to(part, size - 200, "", "true")
    text = "build:\n  image: alpine:3.20\n  script:\n    - %s\n" % script
    open(os.path.join(out, ".gitlab-ci.yml"), "w").write(text)
    return n


FAMILIES = {
    "apt-get-chain": (chain("apt-get install x"), "size"),
    "apk-chain": (chain("apk add x"), "size"),
    "pip-chain": (chain("pip install x"), "size"),
    "curl-k-chain": (chain("curl -k https://example.com"), "size"),
    "chmod-chain": (chain("chmod 777 /x"), "size"),
    "wget-chain": (chain("wget http://example.com/x"), "size"),
    "heredocs": (heredocs, "size"),
    "continuations": (continuations, "size"),
    "password-repeat": (passwords, "size"),
    "jwt-repeat": (jwts, "size"),
    "yaml-aliases": (yaml_aliases, "size"),
    "github-expression": (github_expression, "size"),
    "gitlab-script": (gitlab_script, "size"),
    "many-stages": (many_stages, "size"),
    "shared-parent-stage": (shared_parent, "size"),
    "suppression-comments": (suppressions, "size"),
    "deployments-services": (objects, "objects"),
    "related-policies": (policies, "objects"),
    "file-tree": (tree, "files"),
}

UNITS = {"size": UNIT, "objects": 2500, "files": 25000}


def main():
    family, scale, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    write, unit = FAMILIES[family]
    amount = scale * UNITS[unit]
    if os.environ.get("COMPLEXITY_UNIT_" + unit.upper()):
        amount = scale * int(os.environ["COMPLEXITY_UNIT_" + unit.upper()])
    os.makedirs(out, exist_ok=True)
    write(amount, out)
    # The measure of size: bytes for single files, the count otherwise.
    print(amount)


if __name__ == "__main__":
    if sys.argv[1:] == ["--list"]:
        print("\n".join(FAMILIES))
    else:
        main()
