#!/bin/bash
# The studio's answer time for every shipped lesson, as a trainer feels it:
# POST /api/run with a changed service.recovery_rate at the lesson's own
# runs, timed by curl (time_total). Four requests a lesson with four
# different values; the first is reported apart (it warms up the towns the
# studio then keeps), the figure is the median of the other three. These
# values are off the slider's grid and come one straight after another, so
# nothing is readied for them: every answer is run.
#
# Then a trainer's use, asking the studio to ready the next steps as the
# page does ("ready_next"): the slider moved a step at a time (0.05, the
# default slider's step), with a pause of PAUSE seconds (default 8) after
# each answer, in which the studio readies the next step. Reported: the
# first move straight after the file's values (nothing readied yet: run)
# and the median of the next three steps.
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
    --json "{\"scenario\": \"$1\", \"set\": {$2}, \"ready_next\": true}"
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

# The first move after the lesson is talked through: the file's values,
# a pause of LOAD_PAUSE seconds (default 30) in which the studio readies
# every slider's first step either way (the recovery slider's third in
# line), then the recovery slider one step up from the file's value.
LOAD_PAUSE=${LOAD_PAUSE:-30}
printf '\nfirst move, %s s after the file'"'"'s values\n' "$LOAD_PAUSE"
printf '%-26s %8s\n' lesson move
listing=$(curl -s "localhost:$PORT/api/scenarios")
for s in bad-news-travels-fast customer-myopia focus-vs-please-everyone people-move \
         hard-times service-recovery invited-guests what-the-research-says; do
  up=$(printf '%s' "$listing" | python3 -c "
import json, sys
s = next(x for x in json.load(sys.stdin)['scenarios'] if x['name'] == '$s')
c = next(c for c in s['controls'] if c['path'] == 'service.recovery_rate')
k = round((c['value'] - c['min']) / c['step']) + 1
print(round(c['min'] + k * c['step'], 10))")
  ask "$s" "" >/dev/null
  sleep "$LOAD_PAUSE"
  printf '%-26s %8.2f\n' "$s" "$(ask "$s" "\"service.recovery_rate\": $up")"
done
