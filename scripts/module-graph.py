#!/usr/bin/env python3
"""Prints which top-level modules of src/ each one uses (code, not comments
or tests) and any import circle among them. Exits 1 on a circle."""
import glob
import re
import sys

mods = {}
for f in sorted(glob.glob("src/**/*.rs", recursive=True)):
    top = f[4:].split("/")[0].removesuffix(".rs")
    if top in ("main", "lib") or f.endswith("/tests.rs"):
        continue
    text = re.split(r"#\[cfg\(test\)\]", open(f).read())[0]
    code = "\n".join(l for l in text.splitlines() if not l.strip().startswith("//"))
    deps = set(re.findall(r"crate::([a-z_]+)", code))
    for group in re.findall(r"use crate::\{([^}]*)\}", code):
        deps |= set(re.findall(r"\b([a-z_]+)\b", group))
    mods.setdefault(top, set()).update(d for d in deps if d != top)

for name in sorted(mods):
    print(f"{name:<11} -> {', '.join(sorted(d for d in mods[name] if d in mods))}")

state, circles = {}, []
def visit(n, path):
    state[n] = 1
    for d in sorted(mods.get(n, ())):
        if d not in mods:
            continue
        if state.get(d) == 1:
            circles.append(path[path.index(d):] + [d] if d in path else path + [n, d])
        elif not state.get(d):
            visit(d, path + [d])
    state[n] = 2
for n in sorted(mods):
    if not state.get(n):
        visit(n, [n])
for c in circles:
    print("circle:", " -> ".join(c))
sys.exit(1 if circles else 0)
