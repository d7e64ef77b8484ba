#!/bin/bash
# The studio's answer time for every shipped lesson, as a trainer feels it:
# POST /api/run with a changed service.recovery_rate at the lesson's own
# runs, timed by curl (time_total). Four requests a lesson with four
# different values; the first is reported apart (it warms up the towns the
# studio then keeps), the figure is the median of the other three.
#
#   cargo build --release && bash benches/studio.sh [BINARY] [PORT]
set -eu
BIN=${1:-target/release/grapevine}
PORT=${2:-7979}
"$BIN" serve --port "$PORT" >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT
for _ in $(seq 50); do
  curl -s -o /dev/null "localhost:$PORT/api/scenarios" && break
  sleep 0.1
done
printf '%-26s %8s %8s\n' lesson first median
for s in bad-news-travels-fast customer-myopia focus-vs-please-everyone people-move \
         hard-times service-recovery invited-guests what-the-research-says; do
  times=()
  for v in 0.31 0.32 0.33 0.34; do
    times+=("$(curl -s -o /dev/null -w '%{time_total}' "localhost:$PORT/api/run" \
      --json "{\"scenario\": \"$s\", \"set\": {\"service.recovery_rate\": $v}}")")
  done
  median=$(printf '%s\n' "${times[@]:1}" | sort -n | sed -n 2p)
  printf '%-26s %8.2f %8.2f\n' "$s" "${times[0]}" "$median"
done
