#!/bin/bash
# The studio's answer time for every shipped lesson, as a trainer feels it:
# POST /api/run with a changed service.recovery_rate at the lesson's own
# runs, timed by curl (time_total). Four requests a lesson with four
# different values; the first is reported apart (it warms up the towns the
# studio then keeps), the figure is the median of the other three. These
# values are off the slider's grid and come one straight after another, so
# nothing is readied for them: every answer is run.
#
# Then a trainer's use: the slider moved a step at a time (0.05, the
# default slider's step), with a pause of PAUSE seconds (default 8) after
# each answer, in which the studio readies the next step. Reported: the
# first move (run) and the median of the next three steps.
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

PAUSE=${PAUSE:-8}
ask() {
  curl -s -o /dev/null -w '%{time_total}' "localhost:$PORT/api/run" \
    --json "{\"scenario\": \"$1\", \"set\": {$2}}"
}
printf '\nstep by step, %s s between steps\n' "$PAUSE"
printf '%-26s %8s %8s\n' lesson move next
for s in bad-news-travels-fast customer-myopia focus-vs-please-everyone people-move \
         hard-times service-recovery invited-guests what-the-research-says; do
  ask "$s" "" >/dev/null
  move=$(ask "$s" '"service.recovery_rate": 0.2')
  times=()
  for v in 0.25 0.3 0.35; do
    sleep "$PAUSE"
    times+=("$(ask "$s" "\"service.recovery_rate\": $v")")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
  printf '%-26s %8.2f %8.2f\n' "$s" "$move" "$median"
done
