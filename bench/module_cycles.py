#!/usr/bin/env python3
"""The module graph of src/ and its cycles: an edge for each `crate::a::b` a module names
(outside comments and test modules), at the level of top-level modules and http's submodules.
Usage: python3 bench/module_cycles.py [src] [-v]; exits 1 when there is a cycle."""
import os, re, sys, itertools
root = next((a for a in sys.argv[1:] if not a.startswith("-")), "src")
def module_of(path):
    rel = os.path.relpath(path, root)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib", "main"): rel = rel[:-1]
    if not rel: return None
    if rel[0] == "http" and len(rel) > 1: return "http::" + rel[1]
    return rel[0]
edges = {}
for d, _, fs in os.walk(root):
    for f in fs:
        if not f.endswith(".rs"): continue
        p = os.path.join(d, f); m = module_of(p)
        if m is None: continue
        text = open(p).read()
        # drop #[cfg(test)] mod tests blocks roughly: everything after "#[cfg(test)]\nmod"
        text = re.split(r"#\[cfg\(test\)\]\s*mod", text)[0]
        text = "\n".join(l for l in text.splitlines() if not l.strip().startswith("//"))
        targets = set()
        for a, b in re.findall(r"crate::([a-z_]+)(?:::([a-z_]+))?", text):
            t = "http::" + b if a == "http" and b and os.path.exists(os.path.join(root, "http", b + ".rs")) else a
            if t == "with_connection": t = "db"  # the macro lives in db
            if t != m: targets.add(t)
        if m.startswith("http::"):
            for b in re.findall(r"super::([a-z_]+)", text):
                if os.path.exists(os.path.join(root, "http", b + ".rs")) and "http::" + b != m: targets.add("http::" + b)
                elif b in ("AppState", "State"): targets.add("http")
        if m == "http":
            for b in re.findall(r"\b([a-z_]+)::", text):
                if os.path.exists(os.path.join(root, "http", b + ".rs")): targets.add("http::" + b)
        edges.setdefault(m, set()).update(targets)
nodes = set(edges) | set(itertools.chain.from_iterable(edges.values()))
# Tarjan
index = {}; low = {}; stack = []; on = set(); sccs = []; c = [0]
sys.setrecursionlimit(10000)
def strong(v):
    index[v] = low[v] = c[0]; c[0] += 1; stack.append(v); on.add(v)
    for w in edges.get(v, ()):
        if w not in index: strong(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        sccs.append(comp)
for v in sorted(nodes):
    if v not in index: strong(v)
cycles = [sorted(s) for s in sccs if len(s) > 1]
if "-v" in sys.argv:
    for m in sorted(edges): print(m, "->", ", ".join(sorted(edges[m])))
print(f"modules: {len(nodes)}, groups in a cycle: {len(cycles)}")
for s in cycles: print("  cycle:", " <-> ".join(s))
sys.exit(1 if cycles else 0)
