#!/usr/bin/env python3
"""Measures the default town left alone, for docs/model.md's "A steady town".

    python3 scripts/steady.py        # from the repository root, after cargo build --release
    GRAPEVINE=/path/to/grapevine python3 scripts/steady.py    # another build's table

The default town is a scenario that sets only its network (seed 1, every
other value grapevine's default). For each network and size it runs the
town, after its warm-up, over a year, and prints one row of the page's
table: reputation and customers' NPS at week 0 and week 52 (means over the
runs), customers at both with the change in per cent, and good first-hand
stories (delights and recovered failures) per bad one (failures not
recovered), summed over the runs.
"""
import csv
import os
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRAPEVINE = os.environ.get("GRAPEVINE", os.path.join(ROOT, "target", "release", "grapevine"))
NETWORKS = [
    ("barabasi-albert", 'kind = "barabasi-albert"\nm = 5'),
    ("watts-strogatz", 'kind = "watts-strogatz"\nmean_degree = 10\nrewire = 0.1'),
    ("erdos-renyi", 'kind = "erdos-renyi"\nmean_degree = 10'),
    ("organisations", 'kind = "organisations"\norganisations = {orgs}\n'
                      'within_degree = 6\nbetween_degree = 4'),
]
SIZES = [(2_000, 20), (20_000, 20), (200_000, 5)]


def row(name, network, n, runs, work):
    path = os.path.join(work, f"{name}-{n}.toml")
    with open(path, "w") as f:
        f.write(f'title = "Default town"\nruns = {runs}\nseed = 1\n[network]\nn = {n}\n')
        f.write(network.format(orgs=n // 100) + "\n")
    out = os.path.join(work, f"{name}-{n}")
    subprocess.run([GRAPEVINE, "run", "-q", "--format", "none", path, "--out", out], check=True)
    means = {}
    for r in csv.DictReader(open(os.path.join(out, "timeseries.csv"))):
        if r["group"] == "all" and r["metric"] in ("reputation", "nps", "customers"):
            means[(r["metric"], int(r["tick"]))] = float(r["mean"])
    good = bad = 0.0
    for r in csv.DictReader(open(os.path.join(out, "runs.csv"))):
        if r["group"] == "all":
            recovered = float(r["recoveries"])
            good += float(r["delights"]) + recovered
            bad += float(r["failures"]) - recovered
    rep = (means[("reputation", 0)], means[("reputation", 52)])
    nps = (means[("nps", 0)], means[("nps", 52)])
    cus = (means[("customers", 0)], means[("customers", 52)])
    change = 100.0 * (cus[1] / cus[0] - 1.0)
    return (f"| {name} | {n:,} | {runs} | {rep[0]:+.3f} -> {rep[1]:+.3f} "
            f"| {nps[0]:+.1f} -> {nps[1]:+.1f} | {cus[0]:,.0f} -> {cus[1]:,.0f} ({change:+.1f}%) "
            f"| {good / bad:.1f} : 1 |")


def main():
    print("| network | agents | runs | reputation tick 0 -> 52 | customers' NPS | customers "
          "| good : bad first-hand stories |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as work:
        for n, runs in SIZES:
            for name, network in NETWORKS:
                print(row(name, network, n, runs, work), flush=True)


if __name__ == "__main__":
    main()
