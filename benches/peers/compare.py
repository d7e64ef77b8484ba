"""Runs NDlib and EoN on benches/peers/graph.txt with the parameters of the
scenarios beside this file, runs grapevine on the same scenarios, and
compares the distributions of final sizes.

Set-up (once; the test suite does not need any of it):

    python3 -m venv .venv
    .venv/bin/pip install ndlib EoN networkx scipy six future
    .venv/bin/python benches/peers/compare.py     # from the repository root

It prints a Markdown table (the one in docs/validation.md) and writes
output/peers/finals.csv with every run's final size from every tool.
"""
import csv
import math
import os
import subprocess
import sys
import time

import EoN
import networkx as nx
import ndlib.models.ModelConfig as mc
import ndlib.models.epidemics as ep
import numpy as np
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "output", "peers")
RUNS = 500


def scenario(name):
    """The [model] values of a scenario file (a small TOML reader is enough)."""
    import tomllib

    with open(os.path.join(HERE, name), "rb") as f:
        return tomllib.load(f)


def build():
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)


def grapevine(name, column):
    """Runs grapevine on a scenario and returns each run's final value, and
    the wall time of the run (the whole process: all replications, the
    tables and the charts)."""
    out = os.path.join(OUT, name.replace(".toml", ""))
    start = time.perf_counter()
    subprocess.run(
        [os.path.join(ROOT, "target", "release", "grapevine"), "run",
         os.path.join(HERE, name), "--out", out, "--quiet"],
        cwd=ROOT, check=True)
    seconds = time.perf_counter() - start
    with open(os.path.join(out, "runs.csv")) as f:
        rows = list(csv.DictReader(f))
    return [float(r[column]) for r in rows if r["group"] == "all"], seconds


def ndlib_sir(g, beta, gamma, rho):
    model = ep.SIRModel(g)
    cfg = mc.Configuration()
    cfg.add_model_parameter("beta", beta)
    cfg.add_model_parameter("gamma", gamma)
    cfg.add_model_parameter("fraction_infected", rho)
    model.set_initial_status(cfg)
    while True:
        it = model.iteration()
        if it["node_count"][1] == 0:
            return 1 - it["node_count"][0] / g.number_of_nodes()


def ndlib_ic(g, p, rho):
    model = ep.IndependentCascadesModel(g)
    cfg = mc.Configuration()
    cfg.add_model_parameter("fraction_infected", rho)
    for e in g.edges():
        cfg.add_edge_configuration("threshold", e, p)
    model.set_initial_status(cfg)
    while True:
        it = model.iteration()
        if it["node_count"][1] == 0:
            return (g.number_of_nodes() - it["node_count"][0]) / g.number_of_nodes()


def eon_sir(g, p, rho, rng):
    t, S, I, R = EoN.basic_discrete_SIR(g, p, rho=rho, rng=rng)
    return 1 - S[-1] / g.number_of_nodes()


def timed(f, runs):
    start = time.perf_counter()
    values = [f() for _ in range(runs)]
    return values, time.perf_counter() - start


def describe(values):
    a = np.asarray(values)
    return a.mean(), a.std(ddof=1) / math.sqrt(len(a))


def main():
    os.makedirs(OUT, exist_ok=True)
    build()
    g = nx.read_edgelist(os.path.join(HERE, "graph.txt"), nodetype=int)
    np.random.seed(2026)
    rng = np.random.default_rng(2026)
    rows = []

    sir = scenario("sir.toml")["model"]
    gv, gv_s = grapevine("sir.toml", "share_susceptible")
    gv = [1 - s for s in gv]
    nd, nd_s = timed(lambda: ndlib_sir(g, sir["beta"], sir["gamma"], sir["initial_infected_share"]), RUNS)
    rows.append(("SIR, beta 0.06, gamma 0.2, 1% seeds", "NDlib SIRModel", gv, gv_s, nd, nd_s))

    one = scenario("sir-one-tick.toml")["model"]
    gv, gv_s = grapevine("sir-one-tick.toml", "share_susceptible")
    gv = [1 - s for s in gv]
    eo, eo_s = timed(lambda: eon_sir(g, one["beta"], one["initial_infected_share"], rng), RUNS)
    rows.append(("SIR, p 0.25, one tick infectious, 1% seeds", "EoN basic_discrete_SIR", gv, gv_s, eo, eo_s))

    ic = scenario("ic.toml")["model"]
    gv, gv_s = grapevine("ic.toml", "share_active")
    nd, nd_s = timed(lambda: ndlib_ic(g, ic["probability"], ic["initial_active_share"]), RUNS)
    rows.append(("independent cascade, p 0.2, 1% seeds", "NDlib IndependentCascadesModel", gv, gv_s, nd, nd_s))

    with open(os.path.join(OUT, "finals.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["case", "tool", "run", "final_share"])
        for case, peer, gv, _, other, _ in rows:
            for i, v in enumerate(gv):
                w.writerow([case, "grapevine", i, v])
            for i, v in enumerate(other):
                w.writerow([case, peer, i, v])

    print(f"graph: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges; {RUNS} runs each\n")
    print("| case | peer | grapevine final size (mean ± se) | peer final size (mean ± se) "
          "| difference / se | KS statistic | KS p-value | grapevine time | peer time |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for case, peer, gv, gv_s, other, other_s in rows:
        (m1, s1), (m2, s2) = describe(gv), describe(other)
        ks = stats.ks_2samp(gv, other)
        z = (m1 - m2) / math.hypot(s1, s2)
        print(f"| {case} | {peer} | {m1:.4f} ± {s1:.4f} | {m2:.4f} ± {s2:.4f} | {z:+.2f} "
              f"| {ks.statistic:.3f} | {ks.pvalue:.2f} | {gv_s:.2f} s | {other_s:.1f} s |")


if __name__ == "__main__":
    sys.exit(main())
