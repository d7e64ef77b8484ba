#!/usr/bin/env python3
"""`grapevine check`'s time forecasts against the runs they forecast, for
docs/performance.md.

    cargo build --release && python3 scripts/forecasts.py    # from the repository root
    GRAPEVINE=/path/to/grapevine python3 scripts/forecasts.py [--no-large]

For every shipped scenario, the classic models' runs of benches/peers (SIR
and independent cascade on a 2,000-node graph, Watts 2002's cascade), and
the million- and ten-million-agent years of
benches/scale (no warm-up, one run; skipped with --no-large), it reads the
time `check` forecasts on 2 threads, then times the run itself as a whole
process with its outputs (/usr/bin/time, median of three; one for the
ten-million-agent year) and prints one table row: forecast, measured, and
the forecast's error as a share of the measured time (for a forecast of
"under 0.1 s", or of "at most" the time a threshold cascade takes if it
reaches everyone, whether the run kept to it). Everything is
written to a temporary folder.
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRAPEVINE = os.environ.get("GRAPEVINE", os.path.join(ROOT, "target", "release", "grapevine"))


def forecast(path):
    out = subprocess.run([GRAPEVINE, "check", "--no-pilot", path], capture_output=True,
                         text=True, check=True).stdout
    m = re.search(r"time:\s+(about|under|at most) ([0-9.]+) (s|minutes)", out)
    value = float(m.group(2))
    return m.group(1), value * 60 if m.group(3) == "minutes" else value


def measured(path, out, repeat):
    times = []
    for _ in range(repeat):
        p = subprocess.run(["/usr/bin/time", "-f", "%e", GRAPEVINE, "run", "-q", "--threads", "2",
                            path, "--out", out], capture_output=True, text=True, check=True)
        times.append(float(p.stderr.strip().splitlines()[-1]))
    return statistics.median(times)


def year(work, size):
    """benches/scale's town of `size` as one year with no warm-up."""
    text = open(os.path.join(ROOT, "benches", "scale", f"ba-{size}.toml")).read()
    path = os.path.join(work, f"ba-{size}-year.toml")
    with open(path, "w") as f:
        f.write(text.replace("runs = 1\n", "runs = 1\nwarmup = 0\n"))
    return path


def main():
    with tempfile.TemporaryDirectory() as work:
        scenarios = sorted(os.path.join(ROOT, "scenarios", f)
                           for f in os.listdir(os.path.join(ROOT, "scenarios"))
                           if f.endswith(".toml"))
        peers = [os.path.join(ROOT, "benches", "peers", f)
                 for f in ("sir.toml", "ic.toml", "watts-2002.toml")]
        runs = [(s, 3) for s in scenarios + peers]
        if "--no-large" not in sys.argv:
            runs += [(year(work, "1m"), 3), (year(work, "10m"), 1)]
        print("| scenario | forecast | measured | error |")
        print("| --- | --- | --- | --- |")
        for path, repeat in runs:
            said, f = forecast(path)
            m = measured(path, os.path.join(work, "out"), repeat)
            name = os.path.splitext(os.path.basename(path))[0]
            if said in ("under", "at most"):
                error = "holds" if m <= f else "does not hold"
            else:
                error = f"{100 * (f - m) / m:+.0f}%"
            print(f"| {name} | {said} {f:g} s | {m:.2f} s | {error} |", flush=True)


if __name__ == "__main__":
    main()
