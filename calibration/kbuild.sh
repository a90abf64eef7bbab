#!/bin/bash
# asi-sim calibration (issue 19): measure a real kernel compile (tinyconfig, -j2).
#
#   calibration/kbuild.sh [OUTDIR]
#
# Needs: apt-get install -y linux-source (Debian: /usr/src/linux-source-*.tar.xz),
#        perf, strace, gcc, flex, bison, bc, libelf-dev.
# The tree is unpacked in $WORK (default /tmp/calib_kbuild), never in the repository.
#
# Build 1: perf stat (inherited, software events) on `make -j2`, with a short
#          system-wide perf record of kmem:mm_page_alloc/mm_page_free in the middle,
#          and /proc/vmstat, /proc/interrupts, /proc/stat snapshots around it.
# Build 2 (after make clean): strace -f -C (summary + full log); the log is then
#          filtered to process/openat/mmap lines for the per-unit analysis.
# Then:    per-unit fault classification (perf trace --pf) and perf stat -r of
#          one representative compilation unit (kernel/fork.c).
# kprofile (only when named in PHASES): after make clean, a CPU profile of the whole build
#          (perf record -e cpu-clock -g, inherited by every child), reported as the kernel's
#          self and inclusive (children) time by symbol and by top-level entry path.
# Finally: calibration/kbuild_analyze.py writes kbuild-summary.properties.
#
# Raw outputs are compressed with xz. Environment: NICE (10), JOBS (2),
# KMEM_DELAY (s into build 1, 30), KMEM_SECONDS (5), WORK,
# PHASES (default "build1 build2 unit analyze"; run a subset to redo one step).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
NICE=${NICE:-10}
JOBS=${JOBS:-2}
KMEM_DELAY=${KMEM_DELAY:-30}
KMEM_SECONDS=${KMEM_SECONDS:-5}
WORK=${WORK:-/tmp/calib_kbuild}
OUT=${1:-$HERE/data/$(hostname)-$(date -u +%Y%m%d)/kbuild}
mkdir -p "$OUT" "$WORK"
OUT=$(cd "$OUT" && pwd)
TARBALL=$(ls /usr/src/linux-source-*.tar.xz | sort -V | tail -1)
SRCDIR=$WORK/$(basename "$TARBALL" .tar.xz)
[ -d "$SRCDIR" ] || tar xf "$TARBALL" -C "$WORK"
cd "$SRCDIR"
MAKE=(make ARCH=x86_64 -j"$JOBS")
# Note: plain `make tinyconfig` on x86 selects a 32-bit (i386) kernel; ARCH=x86_64
# forces CONFIG_64BIT=y, the architecture the simulator models.

PHASES=${PHASES:-build1 build2 unit analyze}
phase() { [[ " $PHASES " == *" $1 "* ]]; }

snap() { # $1 = tag
  cp /proc/vmstat "$OUT/vmstat.$1"
  cp /proc/interrupts "$OUT/interrupts.$1"
  grep -E '^(cpu |ctxt|processes)' /proc/stat > "$OUT/stat.$1"
  cut -d' ' -f1-3 /proc/loadavg > "$OUT/loadavg.$1"
}

{
  echo "tarball: $TARBALL"
  dpkg -l 'linux-source-*' 2>/dev/null | grep '^ii' || true
  gcc --version | sed -n 1p
  make --version | sed -n 1p
  perf --version
  strace -V | sed -n 1p
  echo "nice=$NICE jobs=$JOBS"
} > "$OUT/versions.txt"

# ---------------------------------------------------------------- build 1: perf stat
if phase build1; then
make ARCH=x86_64 mrproper > /dev/null
make ARCH=x86_64 tinyconfig > "$OUT/tinyconfig.log" 2>&1
cp .config "$OUT/config-tinyconfig-x86_64"
snap before1
date -u +%s.%N > "$OUT/time.start1"
(
  sleep "$KMEM_DELAY"
  perf record -q -e kmem:mm_page_alloc -e kmem:mm_page_free -a -o "$WORK/kmem.data" \
    -- sleep "$KMEM_SECONDS" > "$OUT/perf-record-kmem.log" 2>&1 || echo "perf record failed: $?" >> "$OUT/perf-record-kmem.log"
) &
KMEM_PID=$!
perf stat -e task-clock,page-faults,minor-faults,major-faults,context-switches,cpu-migrations \
  -o "$OUT/perf-stat-build1.txt" -- nice -n "$NICE" "${MAKE[@]}" > "$WORK/build1.log" 2>&1
date -u +%s.%N > "$OUT/time.end1"
snap after1
wait "$KMEM_PID" || true
xz -T1 -c "$WORK/build1.log" > "$OUT/build1.log.xz"
find . -name '*.o' -newer "$OUT/time.start1" | wc -l > "$OUT/objects-built1.txt"
if [ -s "$WORK/kmem.data" ]; then
  perf script -i "$WORK/kmem.data" -F comm,pid,cpu,time,event,trace 2> "$OUT/perf-script-kmem.err" \
    | xz -T1 > "$OUT/perf-script-kmem.txt.xz"
fi
fi

# ---------------------------------------------------------------- build 2: strace
if phase build2; then
  make ARCH=x86_64 clean > /dev/null
  snap before2
  date -u +%s.%N > "$OUT/time.start2"
  # -C: full log and the -c summary (appended to the log file at the end)
  strace -f -C -s 200 -o "$WORK/strace-build2.log" -- nice -n "$NICE" "${MAKE[@]}" > "$WORK/build2.log" 2>&1
  date -u +%s.%N > "$OUT/time.end2"
  snap after2
  # the -c table is at the end of the log
  awk '/^% time/{p=1} p' "$WORK/strace-build2.log" > "$OUT/strace-c-build2.txt"
  # process, open and mmap lines only (the per-unit analysis input); reads/writes are in the -c table
  grep -E ' (execve|execveat|clone|clone3|fork|vfork|wait4|exit_group|openat|open|mmap|munmap|pipe|pipe2)\(|<\.\.\. (execve|clone|clone3|vfork|wait4|openat|mmap) resumed>|\+\+\+ exited|killed by' \
    "$WORK/strace-build2.log" | xz -T1 > "$OUT/strace-build2-proc-open-mmap.log.xz"
  xz -T1 -c "$WORK/build2.log" > "$OUT/build2.log.xz"
fi

# ---------------------------------------------------------------- one unit
# kernel/fork.c: rebuild it alone with the exact command kbuild used.
if phase unit; then
CMD=$(sed -n 's/^cmd_kernel\/fork.o := //p' kernel/.fork.o.cmd)
echo "$CMD" > "$OUT/unit-fork-command.txt"
rm -f kernel/fork.o
perf stat -r 5 -e task-clock,page-faults,minor-faults,major-faults,context-switches,cpu-migrations \
  -o "$OUT/perf-stat-unit-fork.txt" -- nice -n "$NICE" sh -c "$CMD"
# fault classification: perf trace --pf=all prints each fault with the map it hit
perf trace --no-syscalls --pf=all -o "$WORK/unit-fork-pf.txt" -- nice -n "$NICE" sh -c "$CMD" || true
xz -T1 -c "$WORK/unit-fork-pf.txt" > "$OUT/perf-trace-pf-unit-fork.txt.xz"
strace -f -c -o "$OUT/strace-c-unit-fork.txt" -- sh -c "$CMD"
# user and system time of the unit (perf stat -r does not print them): 5 runs
: > "$OUT/time-unit-fork.txt"
for i in 1 2 3 4 5; do
  /usr/bin/time -a -o "$OUT/time-unit-fork.txt" -f 'elapsed_s=%e user_s=%U sys_s=%S minor_faults=%R major_faults=%F vol_cs=%w invol_cs=%c max_rss_kb=%M' \
    nice -n "$NICE" sh -c "$CMD"
done
fi

# ---------------------------------------------------------------- kernel CPU profile
# Where the build's system time goes, to compare with the model's bodies: not in the default
# PHASES (its sampling slows the build a little; the times above come from the unprofiled runs).
if phase kprofile; then
  make ARCH=x86_64 clean > /dev/null
  snap beforeP
  /usr/bin/time -o "$OUT/time-buildP.txt" -f "elapsed_s=%e user_s=%U sys_s=%S minor_faults=%R" \
    perf record -q -e cpu-clock -F "${PROFILE_HZ:-999}" -g -o "$WORK/kprofile.data" \
    -- nice -n "$NICE" "${MAKE[@]}" > "$WORK/buildP.log" 2>&1
  snap afterP
  perf report -i "$WORK/kprofile.data" --stdio -q -g none --percent-limit 0.05 --no-children \
    --sort sym --dsos '[kernel.kallsyms]' 2>/dev/null | xz -T1 > "$OUT/kprofile-kernel-self.txt.xz"
  # every kernel sample's call chain, folded (outermost first), for path-level sums
  perf script -i "$WORK/kprofile.data" -F comm,ip,sym,dso 2>/dev/null \
    | python3 "$HERE/fold_stacks.py" | xz -T1 > "$OUT/kprofile-kernel-folded.txt.xz"
fi

phase analyze && python3 "$HERE/kbuild_analyze.py" "$OUT" > "$OUT/kbuild-summary.properties"
echo "wrote $OUT"
