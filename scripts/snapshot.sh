#!/usr/bin/env bash
# Records every shipped scenario's data files, one sweep's table and
# `grapevine validate`'s table into DIR, so two builds can be compared
# byte for byte (a refactoring must leave them identical):
#
#   scripts/snapshot.sh /tmp/before      # on the old commit
#   scripts/snapshot.sh /tmp/after       # on the new one
#   diff -r /tmp/before /tmp/after && echo identical
#
# Charts are left out: they are drawings of these same numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:?usage: scripts/snapshot.sh DIR}
cargo build --release --quiet
bin=target/release/grapevine
rm -rf "$dir"
mkdir -p "$dir"
for s in scenarios/*.toml; do
  name=$(basename "$s" .toml)
  "$bin" run -q "$s" --out "$dir/tmp-$name"
  mkdir -p "$dir/$name"
  for f in timeseries.csv runs.csv reach.csv summary.json; do
    [ -f "$dir/tmp-$name/$f" ] && cp "$dir/tmp-$name/$f" "$dir/$name/"
  done
  rm -rf "$dir/tmp-$name"
done
"$bin" sweep -q scenarios/service-recovery.toml \
  --param service.recovery_rate=0,0.3,0.6 --runs 5 --out "$dir/tmp-sweep"
mkdir -p "$dir/sweep"
cp "$dir/tmp-sweep/sweep.csv" "$dir/sweep/"
rm -rf "$dir/tmp-sweep"
# The table without its last line, which gives the time taken.
"$bin" validate --quick | sed '$d' > "$dir/validate.txt"
echo "snapshot in $dir"
