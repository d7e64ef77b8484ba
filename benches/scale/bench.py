"""The scale benchmark: grapevine against the targets of docs/performance.md,
and against NDlib's SIRModel on the same edge list.

Set-up (once; the test suite does not need any of it):

    python3 -m venv .venv
    .venv/bin/pip install ndlib networkx six future
    .venv/bin/python benches/scale/bench.py      # from the repository root

It builds grapevine (release), writes the graphs and scenarios it needs
under output/bench/, times every run as a whole process with
/usr/bin/time (wall seconds and peak resident memory; the median of three
runs, one for the 10M run), and prints the table that docs/performance.md
shows.
"""
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "output", "bench")
GRAPEVINE = os.path.join(ROOT, "target", "release", "grapevine")


def timed(args):
    """Runs a command under /usr/bin/time; returns (wall s, peak RSS bytes, stdout)."""
    p = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + args, cwd=ROOT,
                       capture_output=True, text=True, check=True)
    wall, kib = p.stderr.strip().splitlines()[-1].split()
    return float(wall), int(kib) * 1024, p.stdout


def grapevine_run(scenario, threads, out, repeat=3, extra=(), best=False):
    """The median (or the best) of `repeat` whole-process runs (wall time),
    with its peak memory."""
    runs = sorted(timed([GRAPEVINE, "run", scenario, "--threads", str(threads), "--quiet",
                         "--out", os.path.join(OUT, out), *extra]) for _ in range(repeat))
    return runs[0] if best else runs[len(runs) // 2]


def predicted_peak(scenario):
    text = subprocess.run([GRAPEVINE, "check", scenario], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout
    value, unit = re.search(r"memory:\s+about ([0-9.]+) (KiB|MiB|GiB)", text).groups()
    return float(value) * {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30}[unit]


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def ba_scenario(n, name):
    path = os.path.join(OUT, f"{name}.toml")
    write(path, f'title = "{name}"\nticks = 52\nruns = 1\nseed = 1\n'
                f'[network]\nkind = "barabasi-albert"\nn = {n}\nm = 5\n')
    return path


def sir_100k():
    """The same 100,000-node Barabasi-Albert edge list for both tools."""
    import networkx as nx

    edges = os.path.join(OUT, "ba-100k.txt")
    g = nx.barabasi_albert_graph(100_000, 5, seed=1)
    nx.write_edgelist(g, edges, data=False)
    scenario = os.path.join(OUT, "sir-100k.toml")
    write(scenario, 'title = "SIR, 100k"\nticks = 100\nruns = 1\nseed = 1\n'
                    '[network]\nkind = "edge-list"\npath = "ba-100k.txt"\n'
                    '[model]\nkind = "sir"\nbeta = 0.01\ngamma = 0.005\n'
                    'initial_infected_share = 0.05\n')
    return g, scenario


def ndlib_sir(g, steps):
    import ndlib.models.ModelConfig as mc
    import ndlib.models.epidemics as ep

    start = time.perf_counter()
    model = ep.SIRModel(g)
    cfg = mc.Configuration()
    cfg.add_model_parameter("beta", 0.01)
    cfg.add_model_parameter("gamma", 0.005)
    cfg.add_model_parameter("fraction_infected", 0.05)
    model.set_initial_status(cfg)
    model.iteration_bunch(steps, node_status=False)
    return time.perf_counter() - start


def main():
    os.makedirs(OUT, exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    cores = os.cpu_count()
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                  if l.startswith("model name")), "unknown CPU")
    mem = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    print(f"machine: {model}, {cores} cores, {mem / 2**20:.0f} GiB\n")
    rows = []

    one_m = ba_scenario(1_000_000, "ba-1m")
    w1, r1, _ = grapevine_run(one_m, 1, "ba-1m-1")
    w2, r2, _ = grapevine_run(one_m, 2, "ba-1m-2")
    edges_1m = 5 * 1_000_000
    budget_1m = 64 * 1_000_000 + 8 * 2 * edges_1m
    p1 = predicted_peak(one_m)
    rows.append(("1M agents, BA m=5, 52 ticks, 1 run (2 threads)", "< 3 s", f"{w2:.2f} s", w2 < 3))
    rows.append(("1 -> 2 threads, that run", ">= 1.7x", f"{w1 / w2:.2f}x ({w1:.2f} s -> {w2:.2f} s)",
                 w1 / w2 >= 1.7))
    rows.append(("peak memory, 1M", f"<= 64 B/agent + 8 B/adjacency entry = {budget_1m / 1e6:.0f} MB",
                 f"{r2 / 1e6:.0f} MB", r2 <= budget_1m))
    rows.append(("`check` prediction, 1M", "within 25%", f"{p1 / 2**20:.0f} MiB predicted, "
                 f"{r2 / 2**20:.0f} MiB measured ({p1 / r2 - 1:+.0%})", abs(p1 / r2 - 1) <= 0.25))

    ten_m = ba_scenario(10_000_000, "ba-10m")
    w10, r10, _ = grapevine_run(ten_m, 2, "ba-10m", repeat=1)
    budget_10m = 64 * 10_000_000 + 8 * 2 * 5 * 10_000_000
    p10 = predicted_peak(ten_m)
    rows.append(("10M agents, BA m=5, 52 ticks, 1 run", "< 60 s and < 4 GiB",
                 f"{w10:.1f} s, {r10 / 2**30:.2f} GiB", w10 < 60 and r10 < 4 * 2**30))
    rows.append(("peak memory, 10M", f"<= {budget_10m / 1e9:.2f} GB", f"{r10 / 1e9:.2f} GB",
                 r10 <= budget_10m))
    rows.append(("`check` prediction, 10M", "within 25%", f"{p10 / 2**30:.2f} GiB predicted, "
                 f"{r10 / 2**30:.2f} GiB measured ({p10 / r10 - 1:+.0%})", abs(p10 / r10 - 1) <= 0.25))

    lesson = os.path.join(ROOT, "scenarios", "bad-news-travels-fast.toml")
    l1, _, _ = grapevine_run(lesson, 1, "lesson-1")
    l2, _, _ = grapevine_run(lesson, 2, "lesson-2")
    rows.append(("replications side by side: a lesson, 2 variants x 20 runs, 20k agents",
                 "scale too", f"{l1 / l2:.2f}x ({l1:.2f} s -> {l2:.2f} s)", l1 / l2 >= 1.5))

    g, sir = sir_100k()
    gs, _, _ = grapevine_run(sir, 2, "sir-100k")
    nd = ndlib_sir(g, 100)
    rows.append(("SIR, 100k-node BA edge list, 100 steps: NDlib SIRModel / grapevine",
                 ">= 100x", f"{nd / gs:.0f}x ({nd:.1f} s / {gs:.2f} s)", nd / gs >= 100))

    # Issue 27's targets: tables and summary only (--format none), the
    # million-agent year without its warm-up.
    none = ("--format", "none")
    year = os.path.join(OUT, "ba-1m-year.toml")
    write(year, open(one_m).read().replace("runs = 1\n", "runs = 1\nwarmup = 0\n"))
    n1, _, _ = grapevine_run(year, 1, "ba-1m-1n", extra=none)
    n2, _, _ = grapevine_run(year, 2, "ba-1m-2n", extra=none)
    rows.append(("1M agents x 52 weeks, no warm-up, 1 run, --format none (2 threads)", "<= 1.5 s",
                 f"{n2:.2f} s", n2 <= 1.5))
    rows.append(("1 -> 2 threads, that run", ">= 1.85x", f"{n1 / n2:.2f}x ({n1:.2f} s -> {n2:.2f} s)",
                 n1 / n2 >= 1.85))
    ten_year = os.path.join(OUT, "ba-10m-year.toml")
    write(ten_year, open(ten_m).read().replace("runs = 1\n", "runs = 1\nwarmup = 0\n"))
    t10, m10, _ = grapevine_run(ten_year, 2, "ba-10m-n", extra=none, repeat=1)
    rows.append(("10M agents x 52 weeks, no warm-up, 1 run, --format none (2 threads)",
                 f"<= 15 s, memory no more than the run above ({r10 / 2**30:.2f} GiB)",
                 f"{t10:.1f} s, {m10 / 2**30:.2f} GiB", t10 <= 15 and m10 <= r10))
    best, _, _ = grapevine_run(sir, 2, "sir-100k-n", extra=none, best=True)
    nd_best = min(ndlib_sir(g, 100) for _ in range(3))
    rows.append(("SIR, the same graph, --format none, best of 3: NDlib SIRModel / grapevine",
                 ">= 200x", f"{nd_best / best:.0f}x ({nd_best:.1f} s / {best:.3f} s)",
                 nd_best / best >= 200))

    print("| target | wanted | measured | met |")
    print("| --- | --- | --- | --- |")
    for what, wanted, got, ok in rows:
        print(f"| {what} | {wanted} | {got} | {'yes' if ok else 'no'} |")


if __name__ == "__main__":
    sys.exit(main())
