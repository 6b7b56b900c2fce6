import json, random, subprocess, collections
rules = json.loads(subprocess.check_output(['/work/main/target/release/shipshape','rules','--format','json']))
domain = {r['id']: r['domains'][0] for r in rules}
d = json.load(open('/tmp/s10-corpus.json'))['findings']
w = [f for f in d if f['severity'] in ('warning','error')]
w.sort(key=lambda f:(f['path'],f['line'],f['rule'],f['column']))
rng = random.Random(20261207)
uniform = rng.sample(w, 200)
seen = {(f['rule'],f['path'],f['line']) for f in uniform}
have = {f['rule'] for f in uniform}
extra = []
byrule = collections.defaultdict(list)
for f in w: byrule[f['rule']].append(f)
for rule in sorted(byrule):
    if rule not in have:
        extra.append(rng.choice(byrule[rule]))
out = []
for drawn, fs in (('random', uniform), ('per-rule', extra)):
    for f in fs:
        out.append(dict(drawn=drawn, domain=domain.get(f['rule'],'?'), **f))
json.dump(out, open('sample.json','w'), indent=1)
print(len(uniform), len(extra), collections.Counter(o['domain'] for o in out))
chosen = {(o['rule'],o['path'],o['line'],o['column']) for o in out}
counts = collections.Counter(o['domain'] for o in out)
bydomain = collections.defaultdict(list)
for f in w:
    if (f['rule'],f['path'],f['line'],f['column']) not in chosen:
        bydomain[domain.get(f['rule'],'?')].append(f)
for dom in sorted(bydomain):
    need = 15 - counts[dom]
    if need > 0:
        for f in rng.sample(bydomain[dom], min(need, len(bydomain[dom]))):
            out.append(dict(drawn='domain', domain=dom, **f))
json.dump(out, open('sample.json','w'), indent=1)
print(len(out), collections.Counter(o['domain'] for o in out))
