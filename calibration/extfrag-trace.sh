#!/bin/bash
# asi-sim (issue 12): a fragmenting mix under memory pressure, traced, for the check of pageblock
# ownership changes per allocated page (docs/calibration.md, "Fragmentation under pressure").
#
#   sudo calibration/extfrag-trace.sh [OUTDIR]
#
# 1. A memory hog (calibration/hog.c: anonymous memory written once, kept) takes
#    all but $HEADROOM_MB of free memory and sleeps, so the mix below meets reclaim.
# 2. The mix: a tinyconfig kernel build (make -j2, as calibration/kbuild.sh), `find / -xdev` with
#    `tar cf - /usr/share/doc | gzip -1`, and fio randread 4 KiB of a 1 GiB tmpfs file.
# 3. After $DELAY s: /proc/pagetypeinfo, /proc/buddyinfo and /proc/vmstat; then $SECONDS_REC s of
#    `perf record -a` of kmem:mm_page_alloc, mm_page_free, mm_page_free_batched and
#    mm_page_alloc_extfrag (the replayable stream), with `perf stat -a` of the same tracepoints
#    over the same window (exact counts even if the record loses some); /proc/vmstat again.
# 4. Then $LONG_SECONDS s more of the mix with `perf stat` of the tracepoints and `perf record` of
#    mm_page_alloc_extfrag alone (rare enough to lose nothing): fallbacks per allocated page and
#    how many changed a pageblock's owner (change_ownership=1), over a window long enough to
#    count them.
#
# Needs: root, perf, fio, gcc, linux-source with flex bison bc libelf-dev (as kbuild.sh).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/data/vm-$(date +%Y%m%d)}
WORK=${WORK:-/tmp/calib_extfrag}
HEADROOM_MB=${HEADROOM_MB:-3072}
DELAY=${DELAY:-25}
SECONDS_REC=${SECONDS_REC:-3}
LONG_SECONDS=${LONG_SECONDS:-30}
mkdir -p "$OUT" "$WORK"
gcc -O2 -o "$WORK/hog" "$HERE/hog.c"
free_mb=$(awk '/MemFree/ {print int($2 / 1024)}' /proc/meminfo)
"$WORK/hog" $((free_mb - HEADROOM_MB)) > "$WORK/hog.log" &
hog=$!
while ! grep -q hog "$WORK/hog.log" 2>/dev/null; do sleep 1; done
TARBALL=$(ls /usr/src/linux-source-*.tar.xz | sort -V | tail -1)
SRCDIR=$WORK/$(basename "$TARBALL" .tar.xz)
[ -d "$SRCDIR" ] || tar xf "$TARBALL" -C "$WORK"
(cd "$SRCDIR" && make ARCH=x86_64 tinyconfig > /dev/null && make ARCH=x86_64 -j2 > "$WORK/build.log" 2>&1) &
build=$!
( find / -xdev > /dev/null 2>&1; tar cf - /usr/share/doc 2>/dev/null | gzip -1 > /dev/null ) &
walk=$!
fio --name=tmpfs --directory=/dev/shm --rw=randread --bs=4k --size=1G --time_based --runtime=$((DELAY + SECONDS_REC + LONG_SECONDS + 10)) \
  --output="$WORK/fio.log" &
fio=$!
sleep "$DELAY"
cat /proc/pagetypeinfo > "$OUT/pagetypeinfo.before"
cat /proc/buddyinfo > "$OUT/buddyinfo.before"
cat /proc/vmstat > "$OUT/vmstat.before"
EV="-e kmem:mm_page_alloc -e kmem:mm_page_free -e kmem:mm_page_free_batched -e kmem:mm_page_alloc_extfrag"
perf stat -a $EV -x, -o "$OUT/perf-stat.csv" -- sleep "$SECONDS_REC" &
stat=$!
perf record -o "$WORK/extfrag.data" $EV -a -- sleep "$SECONDS_REC" 2> "$WORK/perf-record.log"
wait "$stat"
cat /proc/vmstat > "$OUT/vmstat.after"
perf stat -a $EV -x, -o "$OUT/perf-stat-long.csv" -- sleep "$LONG_SECONDS" &
stat=$!
perf record -o "$WORK/extfrag-long.data" -e kmem:mm_page_alloc_extfrag -a -- sleep "$LONG_SECONDS" 2> "$WORK/perf-record-long.log"
wait "$stat"
cat /proc/vmstat > "$OUT/vmstat.long"
perf script -i "$WORK/extfrag-long.data" 2>> "$WORK/perf-script.err" | xz -6 > "$OUT/extfrag-long.perf.txt.xz"
cp "$WORK/perf-record-long.log" "$OUT/perf-record-long.log"
kill "$build" "$walk" "$fio" "$hog" 2>/dev/null || true
wait 2>/dev/null || true
rm -f /dev/shm/tmpfs.0.0
perf script -i "$WORK/extfrag.data" 2> "$WORK/perf-script.err" | xz -6 > "$OUT/extfrag.perf.txt.xz"
cp "$WORK/perf-record.log" "$OUT/perf-record.log"
xz -f -6 "$OUT/pagetypeinfo.before" "$OUT/buddyinfo.before" "$OUT/vmstat.before" "$OUT/vmstat.after" "$OUT/vmstat.long"
echo "$OUT/extfrag.perf.txt.xz: $(xz -dc "$OUT/extfrag.perf.txt.xz" | wc -l) lines" >&2
