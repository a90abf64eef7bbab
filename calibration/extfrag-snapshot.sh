#!/usr/bin/env bash
# Consistent snapshots of /proc/buddyinfo with /sys/kernel/debug/extfrag/{unusable_index,extfrag_index}
# (mm/vmstat.c computes both indices from the same zone->free_area[].nr_free that buddyinfo prints).
# A snapshot is kept only when buddyinfo read before and after the two index files is the same, so
# the three files describe one state. Needs root (debugfs).
# Usage: calibration/extfrag-snapshot.sh OUT_DIR NAME
set -euo pipefail
out="$1"; name="$2"
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
for try in $(seq 1 200); do
  b1="$(cat /proc/buddyinfo)"
  u="$(cat /sys/kernel/debug/extfrag/unusable_index)"
  e="$(cat /sys/kernel/debug/extfrag/extfrag_index)"
  b2="$(cat /proc/buddyinfo)"
  if [ "$b1" = "$b2" ]; then
    printf '%s\n' "$b1" > "$out/$name.buddyinfo"
    printf '%s\n' "$u" > "$out/$name.unusable_index"
    printf '%s\n' "$e" > "$out/$name.extfrag_index"
    echo "$name: consistent after $try tries"
    exit 0
  fi
done
echo "$name: buddyinfo kept changing" >&2
exit 1
