#!/usr/bin/env bash
# Runs a sweep as N shards in parallel with GNU parallel, merges them, and
# checks that the merged files are byte for byte those of the same sweep
# run whole: what a batch system would do, on one machine.
#
#   scripts/sharded-sweep.sh [N]        # from the repository root; N = 4
#
# Needs GNU parallel (Debian: apt-get install parallel) and a release build
# (cargo build --release).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-4}
G=./target/release/grapevine
command -v parallel >/dev/null || { echo "GNU parallel is not installed (apt-get install parallel)" >&2; exit 2; }
[ -x "$G" ] || cargo build --release
# grapevine replaces only folders it wrote itself, so a rerun needs no
# deleting; the parts are named by this split, so older parts are not merged.
WORK=output/sharded-sweep
mkdir -p "$WORK"
SWEEP=(sweep scenarios/service-recovery.toml --runs 6 --quiet
       --param service.recovery_rate=0,0.3,0.6
       --param telling.retell_probability=0.05,0.15)
# One job per shard, as a job array would run them.
parallel --halt now,fail=1 "$G" "${SWEEP[@]}" --shard {}/"$N" --out "$WORK/part-{}-of-$N" ::: $(seq 1 "$N")
PARTS=()
for k in $(seq 1 "$N"); do PARTS+=("$WORK/part-$k-of-$N"); done
"$G" merge "${PARTS[@]}" --out "$WORK/merged"
"$G" "${SWEEP[@]}" --out "$WORK/whole"
for f in sweep.csv summary.json scenario.toml sweep.png; do
    cmp "$WORK/whole/$f" "$WORK/merged/$f"
done
echo "$N shards merged: sweep.csv, summary.json, scenario.toml and sweep.png are identical to the whole sweep's"
