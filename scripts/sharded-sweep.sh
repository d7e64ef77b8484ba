#!/usr/bin/env bash
# Runs a sweep as N shards (in parallel with GNU parallel where it is
# installed, one after another otherwise), merges them, and checks that the
# merged folder is byte for byte the same sweep run whole: what a batch
# system would do, on one machine.
#
#   scripts/sharded-sweep.sh [N] [SCENARIO]   # N = 4, SCENARIO = the service-recovery lesson
#
# The grapevine it runs: $GRAPEVINE, else `grapevine` on the PATH, else this
# repository's release build (built if missing). The parts and both results
# go under $WORK (default output/sharded-sweep).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-4}
SCENARIO=${2:-scenarios/service-recovery.toml}
G=${GRAPEVINE:-$(command -v grapevine || echo ./target/release/grapevine)}
if [ ! -x "$G" ]; then cargo build --release; fi
# grapevine replaces only folders it wrote itself, so a rerun needs no
# deleting; the parts are named by this split, so older parts are not merged.
WORK=${WORK:-output/sharded-sweep}
mkdir -p "$WORK"
SWEEP=(sweep "$SCENARIO" --runs 6 --quiet
       --param service.recovery_rate=0,0.3,0.6
       --param telling.retell_probability=0.05,0.15)
# One job per shard, as a job array would run them.
if command -v parallel >/dev/null; then
    parallel --halt now,fail=1 "$G" "${SWEEP[@]}" --shard {}/"$N" --out "$WORK/part-{}-of-$N" ::: $(seq 1 "$N")
else
    echo "GNU parallel is not installed (apt-get install parallel): running the $N shards one after another"
    for k in $(seq 1 "$N"); do "$G" "${SWEEP[@]}" --shard "$k/$N" --out "$WORK/part-$k-of-$N"; done
fi
PARTS=()
for k in $(seq 1 "$N"); do PARTS+=("$WORK/part-$k-of-$N"); done
"$G" merge "${PARTS[@]}" --quiet --out "$WORK/merged"
"$G" "${SWEEP[@]}" --out "$WORK/whole"
diff -r "$WORK/whole" "$WORK/merged"
echo "$N shards merged: every file is identical to the whole sweep's ($(ls "$WORK/whole" | tr '\n' ' '))"
