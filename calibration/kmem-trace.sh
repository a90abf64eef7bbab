#!/bin/bash
# asi-sim (issue 16): capture a system-wide kmem page trace of a parallel gcc build, for the
# replay speed target (docs/performance.md): about 850 000 events of a kernel build at -j2.
#
#   calibration/kmem-trace.sh [OUT.perf.txt.xz]
#
# Needs: apt-get install -y linux-source flex bison bc libelf-dev; perf.
# The tree is unpacked in $WORK (default /tmp/calib_kbuild), never in the repository; the build is
# tinyconfig (make -j$JOBS), recorded system-wide for $SECONDS_REC seconds after $DELAY seconds (3 s of a -j2 build on the
# 2-vCPU guest of docs/calibration.md gave about 850 000 events; longer captures lose events).
set -euo pipefail
OUT=${1:-$(cd "$(dirname "$0")/.." && pwd)/traces/kbuild-j2.perf.txt.xz}
JOBS=${JOBS:-2}
DELAY=${DELAY:-20}
SECONDS_REC=${SECONDS_REC:-3}
WORK=${WORK:-/tmp/calib_kbuild}
mkdir -p "$WORK"
TARBALL=$(ls /usr/src/linux-source-*.tar.xz | sort -V | tail -1)
SRCDIR=$WORK/$(basename "$TARBALL" .tar.xz)
[ -d "$SRCDIR" ] || tar xf "$TARBALL" -C "$WORK"
cd "$SRCDIR"
make ARCH=x86_64 tinyconfig > /dev/null
make ARCH=x86_64 -j"$JOBS" > "$WORK/build.log" 2>&1 &
build=$!
sleep "$DELAY"
perf record -o "$WORK/kmem.data" -e kmem:mm_page_alloc -e kmem:mm_page_free -e kmem:mm_page_free_batched \
  -a -- sleep "$SECONDS_REC" 2> "$WORK/perf-record.log"
kill "$build" 2>/dev/null; wait "$build" || true  # the capture is done: the rest of the build is not needed
perf script -i "$WORK/kmem.data" 2> "$WORK/perf-script.err" | xz -6 > "$OUT"
echo "$OUT: $(xz -dc "$OUT" | wc -l) lines" >&2
