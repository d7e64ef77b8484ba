#!/usr/bin/env python3
"""Runs every shipped lesson and writes docs/lessons.md from what it measured.

    python3 scripts/lessons.py        # from the repository root, after cargo build --release

Each lesson is run as written (its runs, seed and warm-up) into
output/lessons/NAME/; its comparison chart is copied to
docs/images/lessons/NAME.png, and its section of docs/lessons.md gives the
lesson (the scenario's opening comment), how steady the baseline was before
its first event, and each variant's headline figures with the paired
difference from the baseline and its 90% band, as summary.json gives them.
The lessons in ANIMATED also run with --animate, and their network.gif is
copied to docs/images/lessons/NAME-network.gif.
Nothing in the page is typed by hand but the introduction.
"""
import csv
import json
import os
import shutil
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRAPEVINE = os.path.join(ROOT, "target", "release", "grapevine")
ORDER = ["bad-news-travels-fast", "service-recovery", "focus-vs-please-everyone",
         "people-move", "invited-guests", "customer-myopia", "hard-times",
         "what-the-research-says"]
# Lessons whose network animation the page shows (a GIF is a few MB).
ANIMATED = ["bad-news-travels-fast"]
# Lessons whose point is about more groups than customers: the page shows
# how each group sees the brand (groups.png).
GROUPS = ["customer-myopia"]
HEADLINES = [("reputation", "reputation", "{:+.3f}", "{:.3f}"),
             ("nps", "customers' NPS", "{:+.1f}", "{:.1f}"),
             ("customers", "customers", "{:+,.0f}", "{:,.0f}"),
             ("referrals", "referrals", "{:+,.0f}", "{:,.0f}"),
             ("value", "value", "{:+,.0f}", "{:,.0f}")]


def lesson_text(path):
    """The scenario's opening comment, up to its `Run it` line."""
    lines = []
    for line in open(path):
        if not line.startswith("#"):
            break
        text = line[1:].strip()
        if text.startswith("Run it") or text.startswith("Every value not written"):
            break
        lines.append(text)
    paragraphs = " ".join(lines[1:]).strip()
    return lines[0], paragraphs


def series(out):
    ts = {}
    for r in csv.DictReader(open(os.path.join(out, "timeseries.csv"))):
        if r["group"] == "all" and r["mean"] != "":
            ts.setdefault((r["variant"], r["metric"]), {})[int(r["tick"])] = float(r["mean"])
    return ts


def section(name):
    # Run from the root with relative paths, as the README does, so the
    # charts' footers name scenarios/NAME.toml rather than this machine.
    path = os.path.join("scenarios", f"{name}.toml")
    out = os.path.join(ROOT, "output", "lessons", name)
    animate = ["--animate"] if name in ANIMATED else []
    subprocess.run([GRAPEVINE, "run", "-q", path, "--out", out] + animate, check=True, cwd=ROOT)
    shutil.copy(os.path.join(out, "headline.png"),
                os.path.join(ROOT, "docs", "images", "lessons", f"{name}-headline.png"))
    shutil.copy(os.path.join(out, "compare.png"),
                os.path.join(ROOT, "docs", "images", "lessons", f"{name}.png"))
    if name in GROUPS:
        shutil.copy(os.path.join(out, "groups.png"),
                    os.path.join(ROOT, "docs", "images", "lessons", f"{name}-groups.png"))
    if animate:
        shutil.copy(os.path.join(out, "network.gif"),
                    os.path.join(ROOT, "docs", "images", "lessons", f"{name}-network.gif"))
    s = json.load(open(os.path.join(out, "summary.json")))
    ts = series(out)
    title, text = lesson_text(path)
    base = s["variants"][0]
    events = [e["from"] for e in s["scenario"]["variants"][0]["events"]]
    end = min(events) - 1 if events else s["ticks"]
    at = lambda m, t: ts[(base["name"], m)][t]
    c0, c1 = at("customers", 0), at("customers", end)
    steady = (f"Before {'its first event' if events else 'anything changes'} (weeks 0 to {end}) "
              f"the baseline holds: reputation {at('reputation', 0):.3f} -> {at('reputation', end):.3f}, "
              f"customers' NPS {at('nps', 0):+.1f} -> {at('nps', end):+.1f}, "
              f"customers {c0:,.0f} -> {c1:,.0f} ({(c1 / c0 - 1) * 100:+.1f}%).")
    lines = [f"## {title}", "",
             f"[`scenarios/{name}.toml`](../scenarios/{name}.toml): {text}", "",
             f"![{title}: the point]({'images/lessons/' + name + '-headline.png'})", "",
             f"![{title}](images/lessons/{name}.png)", "", steady, ""]
    if name in GROUPS:
        lines[-1:-1] = ["", "Not only customers: how each group sees the brand at the end "
                        "(`groups.png`, a slide of the deck).", "",
                        f"![{title}: how each group sees the brand](images/lessons/{name}-groups.png)"]
    if animate:
        lines[-1:-1] = ["", f"The first run of each variant on the network, week by week "
                        f"(`grapevine run scenarios/{name}.toml --animate` writes it as "
                        f"`network.gif`, and plays it in `report.html`): dots are people, "
                        f"coloured by attitude; a thick ring is someone telling a story this "
                        f"week, a thin ring someone hearing one; green is good news, "
                        f"vermillion bad.", "",
                        f"![{title}: the network, week by week](images/lessons/{name}-network.gif)"]
    shown = [h for h in HEADLINES if any(h[0] in v["headline"] or
             h[0] in v.get("difference_from_baseline", {}) for v in s["variants"])]
    # A variant that puts no value on a customer has `value: null`.
    valued = lambda v: (v.get("value") or {}).get("value") or {"mean": 0}
    if not any(valued(v)["mean"] for v in s["variants"]):
        shown = [h for h in shown if h[0] != "value"]
    header = "| after a year | " + " | ".join(v["name"] for v in s["variants"]) + " |"
    lines += [header, "| --- |" + " --- |" * len(s["variants"])]
    for key, label, diff_fmt, fmt in shown:
        cells = []
        for v in s["variants"]:
            value = (v["headline"].get(key) or valued(v))["mean"]
            cell = fmt.format(value)
            # Each what-if against its reference (the baseline, or the
            # variant its compare_to names).
            d = v.get("difference_from_reference", v.get("difference_from_baseline", {})).get(key)
            if d:
                against = v.get("reference")
                note = f" (vs {against})" if against and against != s["variants"][0]["name"] else ""
                cell += (f": {diff_fmt.format(d['mean'])} "
                         f"[{diff_fmt.format(d['p05'])}, {diff_fmt.format(d['p95'])}]{note}")
            cells.append(cell)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    if name == "what-the-research-says":
        lines += ["", research_findings(out)]
    reach = base["story_reach"]
    lines += ["", f"One bad first-hand story reached {reach['bad']['mean_people_reached']:.1f} "
              f"people on average in the baseline, one good story "
              f"{reach['good']['mean_people_reached']:.1f} (retelling included; `reach.png`).", ""]
    return "\n".join(lines)


def paired(out, a, b, column):
    """Per replication, a's final figure minus b's: mean and 90% band."""
    rows = list(csv.DictReader(open(os.path.join(out, "runs.csv"))))
    of = lambda v: [float(r[column]) for r in rows if r["variant"] == v and r["group"] == "all"]
    d = sorted(x - y for x, y in zip(of(a), of(b)))
    q = lambda p: d[0] + (d[-1] - d[0]) * 0 if len(d) == 1 else (
        d[int((len(d) - 1) * p)] + ((len(d) - 1) * p % 1) * (d[min(int((len(d) - 1) * p) + 1, len(d) - 1)] - d[int((len(d) - 1) * p)]))
    return sum(d) / len(d), q(0.05), q(0.95)


def research_findings(out):
    """Each what-if against its own world, replication by replication."""
    def line(what, a, b, column, fmt):
        m, lo, hi = paired(out, a, b, column)
        return f"{what}: {fmt.format(m)} [{fmt.format(lo)}, {fmt.format(hi)}]"
    parts = [
        "Each what-if against its own world (paired replications, 90% band):",
        "",
        "- recovery programme, research's numbers: "
        + line("customers", "research + recovery", "research", "customers", "{:+,.0f}") + "; "
        + line("NPS", "research + recovery", "research", "nps", "{:+.1f}"),
        "- recovery programme, lore's numbers: "
        + line("customers", "lore + recovery", "lore", "customers", "{:+,.0f}") + "; "
        + line("NPS", "lore + recovery", "lore", "nps", "{:+.1f}"),
        "- party for the hubs, research's numbers: "
        + line("customers", "research + party for hubs", "research", "customers", "{:+,.0f}") + "; "
        + line("referrals", "research + party for hubs", "research", "referrals", "{:+,.0f}"),
        "- party for the hubs, lore's numbers: "
        + line("customers", "lore + party for hubs", "lore", "customers", "{:+,.0f}") + "; "
        + line("referrals", "lore + party for hubs", "lore", "referrals", "{:+,.0f}"),
        "",
        "Recovery pays under both sets of numbers, and pays more where an angry "
        "customer tells 25 people rather than 12; a one-off party for the hubs is a "
        "small, positive nudge under both.",
    ]
    return "\n".join(parts)


INTRO = """# The lesson library

Eight scenarios in [`scenarios/`](../scenarios), each a comparison that
makes one point about word of mouth. Every file opens with a comment that
states its lesson; every run writes a comparison chart (`compare.png`), one
chart per measure with each what-if's difference from the baseline
(`charts/`), the reach of stories (`reach.png`), and the numbers behind
them (`timeseries.csv`, `runs.csv`, `reach.csv`, `summary.json`).

Every lesson runs on grapevine's research-based defaults (docs/model.md),
changing only what its lesson is about, and starts from a town that has
lived a year with its service (`warmup = 52`): left alone, its baseline
stays as it is until its first event, so what each chart shows is the
effect of the change, not drift. The what-ifs that change policy start from
the baseline's warmed-up town, with the same random numbers.

This page is written by `python3 scripts/lessons.py` from the runs it
makes (each lesson as written: 20,000 agents, 20 replications, 52 weeks,
the seed in the file); the charts are the runs' own `compare.png`. A
difference is the what-if minus the baseline, replication by replication,
with the 5th and 95th percentiles of those paired differences in brackets:
the 90% band. These are teaching models: the direction and rough size of
each effect is the lesson, not the exact number.
"""


def main():
    os.makedirs(os.path.join(ROOT, "output", "lessons"), exist_ok=True)
    parts = [INTRO]
    for name in ORDER:
        parts.append(section(name))
        print(f"{name}: done", flush=True)
    with open(os.path.join(ROOT, "docs", "lessons.md"), "w") as f:
        f.write("\n".join(parts).rstrip() + "\n")


if __name__ == "__main__":
    main()
