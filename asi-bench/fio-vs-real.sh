#!/bin/bash
# The fio acceptance of docs/performance.md ("Start-up and the fio loop", "The daemon"): real fio
# (one job, psync, 4 KiB random reads from a 1 GiB tmpfs file) beside the simulated 2 M-read run,
# as a plain launch and through a warm CLI daemon, alternated; then the ops=1 run of each for the
# time to the first op; real fio again at the end. Prints the raw lines.
#
#   asi-bench/fio-vs-real.sh        Environment: REPEAT (5): simulated runs of each kind
#
# Needs fio (Debian: apt-get install fio), /usr/bin/time (apt-get install time) and a built CLI
# (./asi-sim builds it on first use). Stops this user's asi-sim daemons first and leaves one
# running (ASI_SIM_DAEMON=stop ./asi-sim stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
REPEAT=${REPEAT:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
F=(run --workload fio-randread --set workload.fio-randread.ops=2000000 --mapper ephmap --format json)
O=(run --workload fio-randread --set workload.fio-randread.ops=1 --mapper ephmap --format json)
real_fio() {
  for _ in 1 2 3; do
    fio --name=randread --filename=/dev/shm/asi-calib-fio --size=1g --rw=randread --bs=4k --ioengine=psync \
      --numjobs=1 --invalidate=0 --time_based --runtime=5 --randrepeat=1 | grep -m1 'IOPS='
  done
}
# timed LABEL ENV... -- ARGS...: one launch; prints the CLI's timing line and /usr/bin/time's
timed() {
  local label=$1; shift
  local env=()
  while [ "$1" != -- ]; do env+=("$1"); shift; done
  shift
  /usr/bin/time -f "$label %e s wall, %M KB peak RSS" -o "$tmp/time" env "${env[@]}" ./asi-sim "$@" \
    > "$tmp/out.json" 2> "$tmp/err"
  echo "$(grep '^host:' "$tmp/err") | $(cat "$tmp/time")"
}
echo "== $(date -u '+%F %T') UTC, $(nproc) CPUs, load: $(cut -d' ' -f1-3 /proc/loadavg)"
./asi-sim plugins > /dev/null 2>&1 # build and train the class-data archive outside the timings
real_fio
ASI_SIM_DAEMON=stop ./asi-sim
ASI_SIM_DAEMON=1 ./asi-sim "${F[@]}" > "$tmp/first.json" 2> /dev/null # starts the daemon
for i in $(seq "$REPEAT"); do
  timed plain ASI_SIM_DAEMON=0 -- "${F[@]}"; cp "$tmp/out.json" "$tmp/p$i.json"
  timed daemon ASI_SIM_DAEMON=1 -- "${F[@]}"; cp "$tmp/out.json" "$tmp/d$i.json"
done
for _ in $(seq "$REPEAT"); do
  timed plain-1op ASI_SIM_DAEMON=0 -- "${O[@]}"
  timed daemon-1op ASI_SIM_DAEMON=1 -- "${O[@]}"
done
same=0
for i in $(seq "$REPEAT"); do
  if cmp -s "$tmp/first.json" "$tmp/p$i.json" && cmp -s "$tmp/first.json" "$tmp/d$i.json"; then same=$((same + 1)); fi
done
echo "byte-identical JSON: $same of $REPEAT pairs"
real_fio
echo "== $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg)"
