#!/bin/bash
# asi-sim (issue 12): unmovable allocations that must fall back, for the check of pageblock
# ownership changes per allocated page (docs/calibration.md, "An unmovable burst under page-cache
# pressure"). A memory hog (calibration/hog.c) leaves $HEADROOM_MB free; reading a $FILE_MB file
# fills that with page cache (movable); then, traced, calibration/pipe-burst.c fills $NPIPES pipes
# of $PIPE_KB KiB (unmovable pages) while the file is read again, so the unmovable requests find
# their own free lists empty and steal from the page cache's pageblocks.
#
#   sudo calibration/pipe-burst.sh [OUTDIR]
#
# Records: /proc/pagetypeinfo, buddyinfo and vmstat before; `perf record -a` of kmem:mm_page_alloc,
# mm_page_free, mm_page_free_batched and mm_page_alloc_extfrag over the burst with `perf stat -a` of
# the same tracepoints (exact counts); vmstat after. Needs root, perf, gcc.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/data/vm-$(date +%Y%m%d)/pipe-burst}
WORK=${WORK:-/tmp/calib_pipe_burst}
HEADROOM_MB=${HEADROOM_MB:-1200}
FILE_MB=${FILE_MB:-2048}
NPIPES=${NPIPES:-4000}
PIPE_KB=${PIPE_KB:-64}
mkdir -p "$OUT" "$WORK"
gcc -O2 -o "$WORK/pipe-burst" "$HERE/pipe-burst.c"
gcc -O2 -o "$WORK/hog" "$HERE/hog.c"
[ -f "$WORK/file" ] || dd if=/dev/zero of="$WORK/file" bs=1M count="$FILE_MB" status=none
sync
echo 3 > /proc/sys/vm/drop_caches
free_mb=$(awk '/MemFree/ {print int($2 / 1024)}' /proc/meminfo)
"$WORK/hog" $((free_mb - HEADROOM_MB)) > "$WORK/hog.log" &
hog=$!
while ! grep -q hog "$WORK/hog.log" 2>/dev/null; do sleep 1; done
cat "$WORK/file" > /dev/null # page cache fills the headroom
cat /proc/pagetypeinfo > "$OUT/pagetypeinfo.before"
cat /proc/buddyinfo > "$OUT/buddyinfo.before"
cat /proc/vmstat > "$OUT/vmstat.before"
EV="-e kmem:mm_page_alloc -e kmem:mm_page_free -e kmem:mm_page_free_batched -e kmem:mm_page_alloc_extfrag"
perf stat -a $EV -x, -o "$OUT/perf-stat.csv" -- "$WORK/pipe-burst" "$NPIPES" "$PIPE_KB" 1 > "$WORK/burst-stat.log" &
stat=$!
wait "$stat"
cat /proc/vmstat > "$OUT/vmstat.after-stat"
# the same burst again, recorded (the first one's pipes are gone: their pages were freed at exit)
cat "$WORK/file" > /dev/null
cat /proc/pagetypeinfo > "$OUT/pagetypeinfo.before-record"
cat /proc/vmstat > "$OUT/vmstat.before-record"
perf record -o "$WORK/burst.data" $EV -a -- "$WORK/pipe-burst" "$NPIPES" "$PIPE_KB" 1 \
  > "$WORK/burst-record.log" 2> "$WORK/perf-record.log"
cat /proc/vmstat > "$OUT/vmstat.after-record"
kill "$hog" 2>/dev/null || true
wait 2>/dev/null || true
perf script -i "$WORK/burst.data" 2> "$WORK/perf-script.err" | xz -6 > "$OUT/burst.perf.txt.xz"
cp "$WORK/perf-record.log" "$OUT/perf-record.log"
cat "$WORK/burst-stat.log" "$WORK/burst-record.log" > "$OUT/burst.log"
xz -f -6 "$OUT"/pagetypeinfo.* "$OUT"/buddyinfo.* "$OUT"/vmstat.*
echo "$OUT/burst.perf.txt.xz: $(xz -dc "$OUT/burst.perf.txt.xz" | wc -l) lines" >&2
