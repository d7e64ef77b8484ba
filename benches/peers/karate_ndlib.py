"""The independent cascade from member 0 of Zachary's karate club in NDlib,
for docs/validation.md: the mean number of members reached, beside
grapevine's `validate` check (p = 0.25 on every tie).

    .venv/bin/python benches/peers/karate_ndlib.py [RUNS]    # from the repository root
"""
import os
import statistics
import sys
import time

import networkx as nx
import ndlib.models.ModelConfig as mc
import ndlib.models.epidemics as ep

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
P = 0.25


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    g = nx.read_edgelist(os.path.join(ROOT, "tests", "data", "networks", "karate.txt"), nodetype=int)
    reached = []
    start = time.perf_counter()
    for _ in range(runs):
        model = ep.IndependentCascadesModel(g)
        cfg = mc.Configuration()
        cfg.add_model_initial_configuration("Infected", [0])
        for e in g.edges():
            cfg.add_edge_configuration("threshold", e, P)
        model.set_initial_status(cfg)
        # Every node has at most one chance: 34 iterations are enough.
        status = model.iteration_bunch(35, node_status=True)
        final = {}
        for it in status:
            final.update(it["status"])
        reached.append(sum(1 for s in final.values() if s != 0))
    mean = statistics.fmean(reached)
    se = statistics.stdev(reached) / len(reached) ** 0.5
    print(f"NDlib IndependentCascadesModel, karate club from member 0, p = {P}: "
          f"{mean:.4f} +- {se:.4f} members reached ({runs} runs, {time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
